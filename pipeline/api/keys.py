"""API keys of downstream systems: created once, shown once, kept only as a hash.

A key reads ``sohoa_<id>_<secret>``: the ID finds the row without a scan, the secret (256
random bits) is compared by its SHA-256 in constant time. A salted slow hash would add
nothing for a random 256-bit secret and would cost every request milliseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, MetaData, String, Table, Text, insert, select, update

from pipeline.errors import InputError
from pipeline.index import Index


class Scope(StrEnum):
    READ_DOCUMENTS = "documents:read"
    READ_CITIZENS = "citizens:read"
    UPLOAD = "documents:upload"
    SIGN = "sign"


metadata = MetaData()
api_keys = Table(
    "api_keys", metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

PREFIX = "sohoa_"


@dataclass(frozen=True)
class ApiClient:
    """Who is calling: a downstream system and what it may do."""

    id: str
    name: str
    scopes: frozenset[Scope]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "scopes": sorted(self.scopes)}


def parse_scopes(text: str) -> frozenset[Scope]:
    found = set()
    for part in text.replace(",", " ").split():
        try:
            found.add(Scope(part))
        except ValueError:
            known = ", ".join(s.value for s in Scope)
            raise InputError(f"Phạm vi quyền '{part}' không hợp lệ; các phạm vi: {known}.") \
                from None
    if not found:
        raise InputError("Cần ít nhất một phạm vi quyền.")
    return frozenset(found)


#: Seconds a verified key is trusted without asking the database again (a revocation takes
#: effect within this time in every server process).
CACHE_SECONDS = 10.0


class ApiKeys:
    def __init__(self, index: Index, cache_seconds: float = CACHE_SECONDS) -> None:
        self.index = index
        self._cache: dict[str, tuple[float, ApiClient]] = {}
        self._cache_seconds = cache_seconds

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def create(self, name: str, scopes: frozenset[Scope]) -> tuple[ApiClient, str]:
        """A new key; the returned secret text is never stored and cannot be shown again."""
        if not name.strip():
            raise InputError("Tên hệ thống dùng khóa không được để trống.")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        with self._tx() as conn:
            conn.execute(insert(api_keys).values(
                id=key_id, name=name.strip(), secret_sha256=secret_digest(secret),
                scopes=json.dumps(sorted(scopes)), created_at=datetime.now(UTC).isoformat(),
                revoked=False))
        return ApiClient(key_id, name.strip(), scopes), f"{PREFIX}{key_id}_{secret}"

    def verify(self, presented: str) -> ApiClient | None:
        """The key's client, or None. Recently verified keys are remembered by the digest
        of the whole key (never the key itself) for ``cache_seconds``."""
        token = secret_digest(presented)
        cached = self._cache.get(token)
        if cached is not None and time.monotonic() - cached[0] < self._cache_seconds:
            return cached[1]
        found = self._verify(presented)
        if found is not None:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[token] = (time.monotonic(), found)
        return found

    def _verify(self, presented: str) -> ApiClient | None:
        row = row_of_token(self._tx(write=False), api_keys, PREFIX, presented)
        if row is None:
            return None
        return ApiClient(row.id, row.name, frozenset(Scope(s) for s in json.loads(row.scopes)))

    def list(self) -> list[tuple[ApiClient, bool, str]]:
        with self._tx(write=False) as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at)).all()
        return [(ApiClient(r.id, r.name, frozenset(Scope(s) for s in json.loads(r.scopes))),
                 bool(r.revoked), r.created_at) for r in rows]

    def revoke(self, key_id: str) -> bool:
        self._cache.clear()  # this process at once; others within cache_seconds
        with self._tx() as conn:
            return bool(conn.execute(update(api_keys).where(api_keys.c.id == key_id)
                                     .values(revoked=True)).rowcount)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(presented: str, prefix: str) -> tuple[str, str] | None:
    """``(id, secret)`` of a token reading ``<prefix><id>_<secret>``, or None."""
    if not presented.startswith(prefix):
        return None
    row_id, _, secret = presented[len(prefix):].partition("_")
    return (row_id, secret) if row_id and secret else None


def row_of_token(transaction: Any, table: Table, prefix: str, presented: str) -> Any:
    """The unrevoked row (``id``, ``secret_sha256``, ``revoked``) whose secret a token
    ``<prefix><id>_<secret>`` presents, or None. The secret is compared by its SHA-256 in
    constant time, with the same work for a missing or revoked row."""
    parts = split_token(presented, prefix)
    if parts is None:
        return None
    row_id, secret = parts
    with transaction as conn:
        row = conn.execute(select(table).where(table.c.id == row_id)).first()
    digest = secret_digest(secret)
    if row is None or row.revoked or not hmac.compare_digest(row.secret_sha256, digest):
        return None
    return row
