"""Upload of a document: the same path as a file dropped in a watched folder."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from pipeline.api.auth import require
from pipeline.api.deps import services
from pipeline.api.errors import ApiError
from pipeline.api.keys import Scope
from pipeline.batch import process_one
from pipeline.errors import InternalError
from pipeline.intake.hints import IntakeHints

router = APIRouter(prefix="/v1/documents", tags=["Tải lên"])

ACCEPTED = {"application/pdf", "image/tiff", "image/jpeg", "image/png",
            "application/octet-stream"}
CHUNK = 1 << 20


@router.post("", summary="Tải lên một tài liệu để số hóa", status_code=201,
             dependencies=[require(Scope.UPLOAD)],
             openapi_extra={"requestBody": {"required": True, "content": {
                 t: {"schema": {"type": "string", "format": "binary"}}
                 for t in sorted(ACCEPTED)}}},
             responses={202: {"description": "Đã nhận, đang chờ xử lý (có hàng đợi)"}})
async def upload(request: Request, response: Response,
                 filename: Annotated[str, Query(min_length=1, max_length=200,
                                                pattern=r"^[^/\\\x00]+$")],
                 station: Annotated[str, Query(min_length=1, max_length=64,
                                               pattern=r"^[\w.\-]+$")] = "api",
                 ma_ho_so: Annotated[str | None, Query(max_length=64)] = None,
                 procedure: Annotated[str | None, Query(max_length=64)] = None
                 ) -> dict[str, Any]:
    """The body is the file itself (``Content-Type`` its type). Without a broker the
    document is read now and its records returned (201); with one, it is queued (202)."""
    svc = services(request)
    name = Path(filename).name.strip()
    if name in ("", ".", "..") or name.startswith(".") or len(name.encode()) > 200:
        raise ApiError(422, "ten-tep-khong-hop-le", "Tên tệp không hợp lệ.")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ACCEPTED:
        raise ApiError(415, "kieu-noi-dung-khong-ho-tro",
                       "Chỉ nhận PDF, TIFF, JPEG hoặc PNG (tiêu đề Content-Type).")
    limit = svc.settings.limits.max_file_mb << 20
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "tep-qua-lon", f"Tệp vượt quá {svc.settings.limits.max_file_mb} MB.")
    folder = svc.settings.home / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=folder, prefix="upload-"))
    target = work / name
    try:
        size = 0
        with target.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "tep-qua-lon",
                                   f"Tệp vượt quá {svc.settings.limits.max_file_mb} MB.")
                out.write(chunk)
        if size == 0:
            raise ApiError(422, "tep-rong", "Tệp tải lên không có nội dung.")
        hints = IntakeHints(ma_ho_so=ma_ho_so, procedure=procedure)
        item = await asyncio.to_thread(_handle, request, target, station, hints)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the kho has its own copy now
    if item.failure is not None:
        status = (500 if item.failure.code == InternalError.code
                  else 503 if item.failure.retryable else 422)
        raise ApiError(status, item.failure.code, item.failure.message)
    if item.queued is not None:
        response.status_code = 202
        return {"status": "queued", "job": item.queued}
    return {"status": "stored", "documents": [r.to_dict() for r in item.records]}


def _handle(request: Request, path: Path, station: str, hints: IntakeHints) -> Any:
    state = request.app.state
    if state.dispatcher is not None:
        return state.dispatcher.handle(path, hints, station)
    return process_one(state.pipeline, path, station, hints=hints)
