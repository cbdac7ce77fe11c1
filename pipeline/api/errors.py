"""Error bodies: a stable machine code and a Vietnamese message, whatever went wrong.

``{"error": {"code": "khong-tim-thay", "message": "…", "request_id": "…"}}`` — clients branch on
``code``; ``message`` is for people. Internal details never reach the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.config import ConfigError
from pipeline.errors import (
    Forbidden,
    InputError,
    IntegrityError,
    MissingDependency,
    NotFound,
    SigningError,
    SohoaError,
    StoreError,
)

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def body(request: Request, code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message,
                      "request_id": getattr(request.state, "request_id", None)}}


_STATUS: tuple[tuple[type[SohoaError], int], ...] = (
    (NotFound, 404), (Forbidden, 403), (IntegrityError, 500), (StoreError, 503), (InputError, 422),
    (SigningError, 422), (ConfigError, 503), (MissingDependency, 503),
)

_GENERIC = {
    400: ("yeu-cau-khong-hop-le", "Yêu cầu không hợp lệ."),
    401: ("chua-xac-thuc", "Thiếu hoặc sai khóa truy cập (Authorization: Bearer KHÓA)."),
    403: ("khong-du-quyen", "Khóa truy cập không có quyền này."),
    404: ("khong-tim-thay", "Không tìm thấy địa chỉ này."),
    405: ("phuong-thuc-khong-ho-tro", "Phương thức không được hỗ trợ ở địa chỉ này."),
    413: ("tep-qua-lon", "Tệp tải lên quá lớn."),
    415: ("kieu-noi-dung-khong-ho-tro", "Kiểu nội dung không được hỗ trợ."),
    422: ("du-lieu-khong-hop-le", "Dữ liệu gửi lên không hợp lệ."),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(body(request, exc.code, exc.message), exc.status, exc.headers)

    @app.exception_handler(SohoaError)
    async def _sohoa(request: Request, exc: SohoaError) -> JSONResponse:
        status = next((s for cls, s in _STATUS if isinstance(exc, cls)), 500)
        if status >= 500:
            log.error("request %s failed: %s (%s)", getattr(request.state, "request_id", "?"),
                      exc.code, exc.detail or "")
        return JSONResponse(body(request, exc.code, exc.message), status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        return JSONResponse(body(request, "du-lieu-khong-hop-le",
                                 f"Dữ liệu gửi lên không hợp lệ ({where})."), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _GENERIC.get(exc.status_code, ("loi-http", "Yêu cầu không thực hiện được."))
        return JSONResponse(body(request, code, message), exc.status_code,
                            getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("request %s: unexpected error", getattr(request.state, "request_id", "?"))
        return JSONResponse(body(request, "loi-noi-bo",
                                 "Lỗi nội bộ của máy chủ; hãy báo quản trị viên kèm mã yêu cầu."),
                            500)
