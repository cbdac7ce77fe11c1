"""Documents by ID (or portal result name): record, fields, each variant as bytes or a link."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from pipeline.api.auth import require
from pipeline.api.deps import Services, services
from pipeline.api.errors import ApiError
from pipeline.api.keys import Scope
from pipeline.api.links import link_for
from pipeline.errors import NotFound
from pipeline.index import resolve
from pipeline.models import DocumentRecord, Variant
from pipeline.store.ids import is_document_id

router = APIRouter(prefix="/v1/documents", tags=["Tài liệu"])

#: A document ID (24 base32 characters) or a portal result name ``<ma_ho_so>-KQnn``.
DocRef = Annotated[str, PathParam(min_length=3, max_length=100,
                                  pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$",
                                  description="Mã tài liệu hoặc tên kết quả <mã hồ sơ>-KQnn")]
#: Files larger than this are streamed from a verified temporary copy instead of memory.
IN_MEMORY = 32 << 20


def load(svc: Services, ref: str) -> DocumentRecord:
    doc_id = resolve(svc.store, ref)
    if not is_document_id(doc_id):
        raise ApiError(404, "khong-tim-thay", f"Không tìm thấy tài liệu “{ref}”.")
    return svc.store.get_record(doc_id)


def not_modified(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    return etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*"


@router.get("/{ref}", summary="Hồ sơ lưu trữ của tài liệu",
            dependencies=[require(Scope.READ_DOCUMENTS)],
            responses={200: {"content": {"application/json": {
                "schema": {"type": "object", "description": "Hồ sơ lưu trữ (xem README)"}}}}})
def get_document(ref: DocRef, request: Request) -> Response:
    """The record as stored (checksum-verified), with ``revocation`` added. The hot path of
    downstream systems: the stored JSON is passed through, not rebuilt object by object."""
    svc = services(request)
    doc_id = resolve(svc.store, ref)
    if not is_document_id(doc_id):
        raise ApiError(404, "khong-tim-thay", f"Không tìm thấy tài liệu “{ref}”.")
    try:
        body = svc.store.objects.read_verified(svc.store.record_key(doc_id))
    except NotFound:
        raise ApiError(404, "khong-tim-thay", f"Không tìm thấy tài liệu “{ref}”.") from None
    revocation = svc.store.index.revocation(doc_id) if svc.store.index else None
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + ("-r" if revocation else "") + '"'
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    data = json.loads(body)
    data["revocation"] = None if revocation is None else revocation.to_dict()
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    media_type="application/json",
                    headers={"ETag": etag, "Cache-Control": "private, no-cache"})


@router.get("/{ref}/fields", summary="Các trường thông tin đọc được",
            dependencies=[require(Scope.READ_DOCUMENTS)])
def get_fields(ref: DocRef, request: Request) -> dict[str, Any]:
    record = load(services(request), ref)
    return {"id": record.id, "doc_type": record.doc_type, "status": record.status.value,
            "fields": record.fields}


@router.get("/{ref}/files/{variant}", summary="Tải một bản của tài liệu",
            dependencies=[require(Scope.READ_DOCUMENTS)],
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "text/plain": {},
                                         "application/json": {},
                                         "application/octet-stream": {}}}})
def get_file(ref: DocRef, variant: Variant, request: Request) -> Response:
    svc = services(request)
    record = load(svc, ref)
    artifact = svc.store.artifact(record, variant)
    etag = f'"{artifact.sha256}"'
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable",
               "Content-Disposition": f'attachment; filename="{record.id}-{variant.value}'
                                      f'{_suffix(artifact.media_type)}"',
               "X-Content-SHA256": artifact.sha256}
    if artifact.size <= IN_MEMORY:
        return Response(svc.store.read(artifact), media_type=artifact.media_type,
                        headers=headers)
    tmp = Path(tempfile.mkdtemp(dir=_tmp(svc))) / "file"
    svc.store.export(artifact, tmp)  # verified before a byte is sent
    return FileResponse(tmp, media_type=artifact.media_type, headers=headers,
                        background=_remove(tmp))


@router.get("/{ref}/files/{variant}/link", summary="Đường dẫn tải tạm thời",
            dependencies=[require(Scope.READ_DOCUMENTS)])
def get_link(ref: DocRef, variant: Variant, request: Request,
             expires: Annotated[int, Query(ge=30, le=3600,
                                           description="Hiệu lực, giây")] = 300) -> dict[str, Any]:
    svc = services(request)
    record = load(svc, ref)
    artifact = svc.store.artifact(record, variant)
    url, until = link_for(svc, request, artifact, expires)
    return {"url": url, "expires_at": until, "sha256": artifact.sha256, "size": artifact.size,
            "media_type": artifact.media_type}


def _suffix(media_type: str) -> str:
    return {"application/pdf": ".pdf", "application/json": ".json", "image/png": ".png",
            "image/jpeg": ".jpg", "image/tiff": ".tiff"}.get(media_type.split(";")[0],
                                                            ".txt" if "text" in media_type
                                                            else "")


def _tmp(svc: Services) -> Path:
    folder = svc.settings.home / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove(path: Path) -> Any:
    import shutil

    from starlette.background import BackgroundTask

    return BackgroundTask(shutil.rmtree, path.parent, True)
