"""Logging in and out: the login page (password + TOTP), OpenID Connect, the session.

Session cookies are ``HttpOnly; Secure; SameSite=Strict``. The login form itself is
protected by a double-submit token (a cookie and the same value in the form), so no other
site can log a browser in under someone else's account. After an OpenID Connect login the
browser comes back from another site: the answer is a small page that moves on by itself, so
the next request is same-site and carries the Strict cookie.
"""

from __future__ import annotations

import hmac
import html
import secrets
from importlib import resources
from string import Template
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from pipeline.accounts.oidc import STATE_COOKIE, STATE_SECONDS, Identity
from pipeline.accounts.sessions import COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_ok, csrf_token
from pipeline.accounts.store import LoginRefused
from pipeline.api.auth import person, session_of
from pipeline.api.deps import Services, services
from pipeline.api.errors import ApiError
from pipeline.api.identity import ROLE_LABELS, Actor

router = APIRouter(tags=["Đăng nhập"])

#: The double-submit cookie of the login form.
LOGIN_COOKIE = "__Host-sohoa-dn"
#: Routes a person reaches with a session only (the route-table test knows them).
SESSION_ONLY = {"/v1/session"}
#: A login form is small; anything bigger is not one.
MAX_FORM = 4096


def _cookie(response: Response, name: str, value: str, max_age: int | None,
            same_site: str = "strict") -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=True, httponly=True,
                        samesite=same_site)  # type: ignore[arg-type]


def _page(svc: Services, *, error: str = "", username: str = "",
          status: int = 200) -> HTMLResponse:
    """The login page with a fresh form token (also set as the cookie it must match)."""
    token = secrets.token_urlsafe(24)
    text = resources.files("pipeline.api").joinpath("static/login.html").read_text("utf-8")
    page = Template(text).safe_substitute(
        csrf=token, error=html.escape(error), error_hidden="" if error else " hidden",
        username=html.escape(username, quote=True),
        oidc_hidden="" if svc.oidc is not None else " hidden")
    response = HTMLResponse(page, status, headers={"Cache-Control": "no-store"})
    _cookie(response, LOGIN_COOKIE, token, 1800)
    return response


def _logged_in(svc: Services, username: str, name: str, roles: Any, auth: str,
               target: Response) -> Response:
    token = svc.sessions.create(username, name, roles, auth)
    _cookie(target, COOKIE, token, int(svc.settings.auth.session_hours * 3600))
    target.delete_cookie(LOGIN_COOKIE, path="/", secure=True, httponly=True,
                         samesite="strict")
    return target


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        raise ApiError(413, "tep-qua-lon", "Biểu mẫu quá lớn.")
    parsed = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    return {k: v[0] for k, v in parsed.items()}


@router.get("/dang-nhap", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> Response:
    svc = services(request)
    if session_of(request) is not None:
        return RedirectResponse("/", 303)
    return _page(svc)


@router.post("/dang-nhap", response_class=HTMLResponse, include_in_schema=False)
async def login(request: Request) -> Response:
    svc = services(request)
    form = await _form(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, form.get(CSRF_FIELD, "")):
        return _page(svc, error="Trang đăng nhập đã hết hạn; hãy nhập lại.", status=403)
    username = form.get("username", "")[:64]
    try:
        account = await run_in_threadpool(svc.accounts.login, username,
                                          form.get("password", "")[:1024],
                                          form.get("code", "")[:16], svc.settings.auth)
    except LoginRefused as exc:
        return _page(svc, error=exc.message, username=username, status=401)
    return _logged_in(svc, account.username, account.name, account.roles, "password+totp",
                      RedirectResponse("/", 303))


@router.post("/dang-xuat", include_in_schema=False)
async def logout(request: Request) -> Response:
    """End the session (CSRF token in the form field or the header)."""
    svc = services(request)
    found = session_of(request)
    if found is not None:
        token, _ = found
        presented = request.headers.get(CSRF_HEADER) or (await _form(request)).get(CSRF_FIELD)
        if not csrf_ok(token, presented):
            raise ApiError(403, "thieu-ma-csrf", "Yêu cầu đăng xuất thiếu mã chống giả mạo "
                           "(CSRF); hãy tải lại trang.")
        svc.sessions.end(token)
    response = RedirectResponse("/dang-nhap", 303)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@router.get("/dang-nhap/oidc", include_in_schema=False)
def oidc_start(request: Request) -> Response:
    svc = services(request)
    if svc.oidc is None:
        return _page(svc, error="Máy chủ chưa cấu hình đăng nhập qua nhà cung cấp định danh.",
                     status=404)
    redirect = svc.settings.auth.oidc_redirect_uri or str(request.url_for("oidc_callback"))
    try:
        url, sealed = svc.oidc.start(redirect)
    except LoginRefused as exc:
        return _page(svc, error=exc.message, status=502)
    response = RedirectResponse(url, 302)
    # Lax: the provider sends the browser back with a top-level GET from its own site.
    _cookie(response, STATE_COOKIE, sealed, STATE_SECONDS, same_site="lax")
    return response


@router.get("/dang-nhap/oidc/callback", name="oidc_callback", include_in_schema=False)
def oidc_callback(request: Request, state: str = "", code: str = "",
                  error: str = "") -> Response:
    svc = services(request)
    if svc.oidc is None:
        return RedirectResponse("/dang-nhap", 303)
    try:
        if error:
            raise LoginRefused("Nhà cung cấp định danh không cho đăng nhập "
                               f"({error[:80]}).")
        who: Identity = svc.oidc.finish(request.cookies.get(STATE_COOKIE), state[:200],
                                        code[:2000])
        local = svc.accounts.get(who.username)
        if local is not None and local.disabled:
            raise LoginRefused("Tài khoản đã bị vô hiệu hóa; liên hệ quản trị viên.")
    except LoginRefused as exc:
        return _page(svc, error=exc.message, status=401)
    onward = HTMLResponse('<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                          '<meta http-equiv="refresh" content="0;url=/">'
                          '<title>Đã đăng nhập</title></head><body><p>Đã đăng nhập; đang '
                          'chuyển đến <a href="/">trang ký số</a>…</p></body></html>',
                          headers={"Cache-Control": "no-store"})
    onward.delete_cookie(STATE_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return _logged_in(svc, who.username, who.name, who.roles, "oidc", onward)


@router.get("/v1/session", summary="Phiên đăng nhập hiện tại của cán bộ", tags=["Đăng nhập"])
def current_session(request: Request, who: Annotated[Actor, Depends(person)]) -> dict[str, Any]:
    """Who is logged in, their roles, and the CSRF token the page sends with every change
    (``X-CSRF-Token``)."""
    token = request.cookies.get(COOKIE, "")
    return {"username": who.id, "name": who.name, "auth": who.auth,
            "roles": [{"role": r.value, "label": ROLE_LABELS[r]} for r in sorted(who.roles)],
            "csrf": csrf_token(token)}
