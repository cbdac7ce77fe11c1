"""The HTTP API for downstream systems and the officials' signing page (``sohoa serve``)."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from fastapi import FastAPI

from pipeline import __version__
from pipeline.api import errors
from pipeline.api.deps import Services
from pipeline.api.keys import ApiKeys
from pipeline.api.routes import agent, documents, misc, pages, people, signing, uploads
from pipeline.config import Settings
from pipeline.store import DocumentStore, open_store

log = logging.getLogger("sohoa.api")

DESCRIPTION = """API của kho dữ liệu số hóa: tài liệu và kết quả giải quyết thủ tục hành chính
theo mã, hồ sơ theo mã hồ sơ, dữ liệu công dân đã cung cấp (mỗi lần đọc được ghi nhật ký kiểm
toán, cần tiêu đề `X-Purpose`), tải lên tài liệu và ký số theo lô.

Xác thực: `Authorization: Bearer KHÓA` (tạo bằng `sohoa apikey create`) cho các hệ thống
khác; phiên đăng nhập của cán bộ cho trang ký số; mã agent (`sohoa agent`) cho các đường dẫn
`/v1/agent/pending…` mà agent trên máy người ký gọi. Lỗi trả về
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
    """The key of download links, shared by every server process of this home (made once,
    readable by the owner only)."""
    path = settings.home / "api-link-secret"
    if not path.is_file():
        settings.home.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{secrets.token_hex(4)}")
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.chmod(0o600)
        try:
            tmp.rename(path) if not path.exists() else tmp.unlink()
        except OSError:
            tmp.unlink(missing_ok=True)
    return path.read_bytes()


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` (several worker processes): settings from the
    environment."""
    from pipeline.config import load_settings

    return create_app(load_settings())


def create_app(settings: Settings, store: DocumentStore | None = None) -> FastAPI:
    store = store or open_store(settings)
    if store.index is None:  # pragma: no cover - open_store always gives one
        raise ValueError("the API needs the index")
    app = FastAPI(title="sohoa", version=__version__, description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    app.state.services = Services(settings, store, ApiKeys(store.index))
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
    for module in (misc, documents, pages, people, uploads, signing, agent):
        app.include_router(module.router)

    app.add_middleware(RequestLog)
    return app
