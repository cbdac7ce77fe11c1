"""Who is calling: a person with a session cookie, or a system with an API key.

``Authorization: Bearer`` makes a SYSTEM actor (its key's scopes); otherwise the session
cookie makes a PERSON actor (the scopes that go with their roles). A request changing
anything on a session must carry the session's CSRF token (header ``X-CSRF-Token`` from the
page's script, or the ``csrf`` form field); a key is not sent by browsers on their own, so
API-key requests need none.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pipeline.accounts.sessions import COOKIE, CSRF_HEADER, Session, csrf_ok
from pipeline.api.deps import services
from pipeline.api.errors import ApiError
from pipeline.api.identity import ROLE_LABELS, Actor, ActorKind, StaffRole
from pipeline.api.keys import Scope

_bearer = HTTPBearer(auto_error=False, description="Khóa truy cập: `Authorization: Bearer KHÓA`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _system(request: Request, credentials: HTTPAuthorizationCredentials) -> Actor:
    if credentials.scheme.lower() != "bearer":
        raise ApiError(401, "chua-xac-thuc",
                       "Thiếu khóa truy cập (Authorization: Bearer KHÓA).", _CHALLENGE)
    client = services(request).keys.verify(credentials.credentials)
    if client is None:
        raise ApiError(401, "chua-xac-thuc", "Khóa truy cập không đúng hoặc đã bị thu hồi.",
                       _CHALLENGE)
    request.state.client = client.id
    return Actor(ActorKind.SYSTEM, client.id, client.name, scopes=client.scopes,
                 via=f"api-key:{client.id}", auth="api-key")


def session_of(request: Request) -> tuple[str, Session] | None:
    """The session cookie's token and live session, or None."""
    token = request.cookies.get(COOKIE, "")
    found = services(request).sessions.find(token) if token else None
    return (token, found) if found is not None else None


def current_person(request: Request, *, csrf: bool = True) -> Actor:
    """The logged-in person of this request (for routes only people use, e.g. pairing a
    signing agent with an official); 401 without a live session, 403 when a state-changing
    request lacks the session's CSRF token (unless ``csrf`` is False: the caller checks)."""
    found = session_of(request)
    if found is None:
        raise ApiError(401, "chua-dang-nhap",
                       "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn; hãy đăng nhập lại.")
    token, session = found
    if csrf and request.method not in SAFE_METHODS \
            and not csrf_ok(token, request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "thieu-ma-csrf", "Yêu cầu thiếu mã chống giả mạo (CSRF) của phiên "
                       "đăng nhập; hãy tải lại trang.")
    request.state.client = f"user:{session.username}"
    return session.actor()


def actor(request: Request,
          credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
          ) -> Actor:
    """The caller: a system by its key, else a person by their session; 401 for neither
    (the same answer for a wrong or a revoked key, so keys cannot be probed)."""
    if credentials is not None:
        return _system(request, credentials)
    if request.cookies.get(COOKIE):
        return current_person(request)
    raise ApiError(401, "chua-xac-thuc", "Thiếu khóa truy cập (Authorization: Bearer KHÓA) "
                   "hoặc phiên đăng nhập.", _CHALLENGE)


Caller = Annotated[Actor, Depends(actor)]


def person(request: Request) -> Actor:
    """A dependency for routes of people only (``current_person`` with its CSRF check)."""
    return current_person(request)


person.auth = "person"  # type: ignore[attr-defined]  # read by the route-table test


def require(scope: Scope) -> Any:
    """A dependency admitting only callers holding ``scope``: a key with it, or a person
    whose roles carry it (403 otherwise)."""

    def check(who: Caller) -> Actor:
        if scope not in who.scopes:
            if who.is_person:
                roles = ", ".join(ROLE_LABELS[r] for r in sorted(who.roles)) or "không có"
                raise ApiError(403, "khong-du-quyen", f"Tài khoản “{who.name}” (vai trò: "
                               f"{roles}) không được dùng chức năng này ({scope.value}).")
            raise ApiError(403, "khong-du-quyen",
                           f"Khóa truy cập của “{who.name}” không có quyền {scope.value}.")
        return who

    check.scope = scope  # type: ignore[attr-defined]  # read by the route-table test
    return Depends(check)


def require_role(*roles: StaffRole) -> Any:
    """A dependency admitting only a person holding one of ``roles``; never a system."""

    def check(who: Annotated[Actor, Depends(person)]) -> Actor:
        if not who.roles & set(roles):
            wanted = ", ".join(ROLE_LABELS[r] for r in roles)
            raise ApiError(403, "khong-du-quyen",
                           f"Chức năng này dành cho: {wanted}; tài khoản “{who.name}” không "
                           "có vai trò đó.")
        return who

    check.roles = frozenset(roles)  # type: ignore[attr-defined]
    return Depends(check)
