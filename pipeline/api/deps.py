"""What every route needs: the settings, the kho, and the caller with its scopes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pipeline.api.errors import ApiError
from pipeline.api.identity import Actor
from pipeline.api.keys import ApiClient, ApiKeys, Scope
from pipeline.config import Settings
from pipeline.store import DocumentStore


@dataclass
class Services:
    """Opened once per process by :func:`pipeline.api.app.create_app`."""

    settings: Settings
    store: DocumentStore
    keys: ApiKeys


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


_bearer = HTTPBearer(auto_error=False, description="Khóa truy cập: `Authorization: Bearer KHÓA`")


def caller(request: Request,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
           ) -> ApiClient:
    """The calling system; 401 without a valid key (the same answer for a wrong or a revoked
    key, so keys cannot be probed)."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "chua-xac-thuc",
                       "Thiếu khóa truy cập (Authorization: Bearer KHÓA).", challenge)
    client = services(request).keys.verify(credentials.credentials)
    if client is None:
        raise ApiError(401, "chua-xac-thuc", "Khóa truy cập không đúng hoặc đã bị thu hồi.",
                       challenge)
    request.state.client = client.id
    return client


def require(scope: Scope) -> Any:
    """A dependency admitting only callers whose key has ``scope`` (403 otherwise)."""

    def check(client: Annotated[ApiClient, Depends(caller)]) -> ApiClient:
        if scope not in client.scopes:
            raise ApiError(403, "khong-du-quyen",
                           f"Khóa truy cập của “{client.name}” không có quyền {scope.value}.")
        return client

    check.scope = scope  # type: ignore[attr-defined]  # read by the route-table test
    return Depends(check)


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


def current_person(request: Request) -> Actor:
    """The person logged in on the page (their session).

    PLACEHOLDER of the twophase branch, to be replaced by the accounts work of issue 14
    (sessions, CSRF): there are no sessions yet, so nobody is logged in and every route
    that needs a person answers 401. Tests inject a person with FastAPI's
    ``dependency_overrides``; nothing here trusts anything the client sends."""
    raise ApiError(401, "chua-xac-thuc", "Cần đăng nhập bằng tài khoản cán bộ.")


current_person.auth = "person"  # type: ignore[attr-defined]  # read by the route-table test
