"""The HTTP API for downstream systems and the officials' signing page (``sohoa serve``)."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from fastapi import FastAPI

from pipeline import __version__
from pipeline.accounts.keyfile import home_secret
from pipeline.accounts.oidc import OidcLogin
from pipeline.accounts.sessions import Sessions
from pipeline.accounts.store import open_accounts
from pipeline.api import errors
from pipeline.api.deps import Services
from pipeline.api.keys import ApiKeys
from pipeline.api.routes import agent, documents, login, misc, pages, people, signing, uploads
from pipeline.config import Settings
from pipeline.store import DocumentStore, open_store

log = logging.getLogger("sohoa.api")

DESCRIPTION = """API của kho dữ liệu số hóa: tài liệu và kết quả giải quyết thủ tục hành chính
theo mã, hồ sơ theo mã hồ sơ, dữ liệu công dân đã cung cấp (mỗi lần đọc được ghi nhật ký kiểm
toán, cần tiêu đề `X-Purpose`), tải lên tài liệu và ký số theo lô.

Xác thực: hệ thống khác dùng `Authorization: Bearer KHÓA` (tạo bằng `sohoa apikey create`);
cán bộ đăng nhập trên trang (`/dang-nhap`: mật khẩu và mã xác thực TOTP, hoặc nhà cung cấp
định danh của tỉnh) và gửi kèm mã chống giả mạo `X-CSRF-Token` với mọi yêu cầu thay đổi dữ
liệu; agent ký số trên máy người ký (`sohoa agent`) dùng mã agent của nó. Lỗi trả về
`{"error": {"code", "message", "request_id"}}`."""


class RequestLog:
    """A request ID on every response and one log line per request naming the route
    template, never the path (it may carry a personal ID). Plain ASGI: Starlette's
    ``BaseHTTPMiddleware`` costs more per request than most of the routes themselves."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append(
                    (b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route: Any = scope.get("route")
            log.info("%s %s %d %.1f ms client=%s id=%s", scope["method"],
                     getattr(route, "path", "?"), status,
                     (time.perf_counter() - started) * 1000, state.get("client", "-"),
                     request_id)


def link_secret(settings: Settings) -> bytes:
    """The key of download links, shared by every server process of this home."""
    return home_secret(settings.home, "api-link-secret")


def open_services(settings: Settings, store: DocumentStore) -> Services:
    """Keys, accounts, sessions and (when configured) the OpenID Connect provider."""
    if store.index is None:  # pragma: no cover - open_store always gives one
        raise ValueError("the API needs the index")
    accounts = open_accounts(settings, store.index)
    oidc = OidcLogin(settings.auth, accounts.sealer) if settings.auth.oidc else None
    return Services(settings, store, ApiKeys(store.index), accounts,
                    Sessions(store.index, settings.auth), oidc)


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` (several worker processes): settings from the
    environment."""
    from pipeline.config import load_settings

    return create_app(load_settings())


def create_app(settings: Settings, store: DocumentStore | None = None) -> FastAPI:
    store = store or open_store(settings)
    app = FastAPI(title="sohoa", version=__version__, description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    app.state.services = open_services(settings, store)
    app.state.link_secret = link_secret(settings)
    app.state.signing = signing.SigningJobs()
    app.state.dispatcher = None
    app.state.pipeline = None
    if settings.broker_url:
        from pipeline.work.dispatch import Dispatcher

        app.state.dispatcher = Dispatcher(settings, store)
    else:
        from pipeline.process import Pipeline

        app.state.pipeline = Pipeline(settings, store)
    errors.install(app)
    for module in (misc, login, documents, pages, people, uploads, signing, agent):
        app.include_router(module.router)

    app.add_middleware(RequestLog)
    return app
