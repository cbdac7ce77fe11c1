"""The append-only log of reads of citizens' personal data: who, what, when, and why.

Each read is one write-once object in the kho (``audit/access/<yyyy>/<mm>/<dd>/…``, written
by ``put_audit``), so an entry can be added but never changed or removed (object lock adds a
retention period on S3).
Ordinary logs never carry personal data: they name the request, not the citizen.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pipeline.api.identity import Actor
from pipeline.store import DocumentStore

PREFIX = "access/"


def record_access(store: DocumentStore, client: Actor, *, what: str, subject: str,
                  purpose: str, request_id: str) -> None:
    now = datetime.now(UTC)
    key = (f"{PREFIX}{now:%Y/%m/%d}/{now:%H%M%S%f}-{secrets.token_hex(4)}.json")
    entry: dict[str, object] = {
        "at": now.isoformat(), "client": client.id, "client_name": client.name,
        "actor": client.to_audit(), "what": what, "subject": subject, "purpose": purpose,
        "request": request_id}
    store.put_audit(key, entry)


def entries(store: DocumentStore) -> Iterator[dict[str, Any]]:
    """Every entry, oldest first."""
    yield from store.audit_entries(PREFIX)
