"""What every route needs: the settings, the kho, keys, accounts and sessions (the caller
itself is :mod:`pipeline.api.auth`'s)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request

from pipeline.accounts.oidc import OidcLogin
from pipeline.accounts.sessions import Sessions
from pipeline.accounts.store import Accounts
from pipeline.api.errors import ApiError
from pipeline.api.keys import ApiKeys
from pipeline.config import Settings
from pipeline.store import DocumentStore


@dataclass
class Services:
    """Opened once per process by :func:`pipeline.api.app.create_app`."""

    settings: Settings
    store: DocumentStore
    keys: ApiKeys
    accounts: Accounts
    sessions: Sessions
    #: None unless ``auth.oidc_issuer`` and ``auth.oidc_client_id`` are set.
    oidc: OidcLogin | None = None


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


_PURPOSE = re.compile(r"^[\w\s.,;:()/\-–]{3,200}$", re.UNICODE)


def purpose(request: Request) -> str:
    """Why personal data is read (header ``X-Purpose``, UTF-8 percent-encoded or ASCII);
    required: the audit log must say it."""
    from urllib.parse import unquote

    raw = request.headers.get("x-purpose", "")
    text = unquote(raw).strip()
    if not text or not _PURPOSE.match(text):
        raise ApiError(400, "thieu-muc-dich",
                       "Cần nêu mục đích truy cập dữ liệu cá nhân trong tiêu đề X-Purpose "
                       "(3–200 ký tự, ví dụ: giai-quyet-ho-so 000.00.12.H04-240115-0001).")
    return text
