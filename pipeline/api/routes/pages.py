"""Page previews for the officials' page: a page of the searchable copy as PNG."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from pipeline.api.auth import require
from pipeline.api.deps import services
from pipeline.api.errors import ApiError
from pipeline.api.keys import Scope
from pipeline.api.routes.documents import DocRef, load, not_modified
from pipeline.models import Variant

router = APIRouter(prefix="/v1/documents", tags=["Tài liệu"])

#: Longest side of a preview in pixels: an A4 page at the widest preview (2000 px) is 2829 px
#: tall; a strip of a page (100×2000 pt) must not render 40000 px tall.
MAX_PREVIEW_SIDE = 3000


def preview_scale(page_width: float, page_height: float, width: int) -> float:
    """Pixels per point for a preview ``width`` pixels wide, bounded in both dimensions (a
    degenerate page of zero size counts as one point)."""
    page_width, page_height = max(page_width, 1.0), max(page_height, 1.0)
    return min(width / page_width, MAX_PREVIEW_SIDE / max(page_width, page_height))


@router.get("/{ref}/pages/{number}", summary="Ảnh xem trước một trang (PNG)",
            dependencies=[require(Scope.READ_DOCUMENTS)], response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def page_image(ref: DocRef, number: Annotated[int, PathParam(ge=1, le=5000)], request: Request,
               width: Annotated[int, Query(ge=100, le=2000)] = 800) -> Response:
    import pypdfium2 as pdfium

    from pipeline.ocr.raster import PDFIUM_LOCK

    svc = services(request)
    record = load(svc, ref)
    variant = Variant.SIGNED if Variant.SIGNED.value in record.artifacts else Variant.SEARCHABLE
    artifact = svc.store.artifact(record, variant)
    # The same address shows the signed page once there is one: revalidate every time.
    etag = f'"{artifact.sha256[:32]}-{number}-{width}"'
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    if not artifact.media_type.startswith("application/pdf"):
        raise ApiError(404, "khong-co-ban-pdf", "Tài liệu chưa có bản PDF để xem trước.")
    data = svc.store.read(artifact)
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            if number > len(pdf):
                raise ApiError(404, "khong-co-trang", f"Tài liệu chỉ có {len(pdf)} trang.")
            page = pdf[number - 1]
            scale = preview_scale(page.get_width(), page.get_height(), width)
            image = page.render(scale=scale).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return Response(out.getvalue(), media_type="image/png",
                    headers={"Cache-Control": "private, no-cache", "ETag": etag})
