"""Citizens (once-only reuse, every read audited) and dossiers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam

from pipeline.api.audit import record_access
from pipeline.api.auth import require
from pipeline.api.deps import purpose, services
from pipeline.api.errors import ApiError
from pipeline.api.identity import Actor
from pipeline.api.keys import Scope
from pipeline.api.paging import MAX_LIMIT, envelope, page
from pipeline.reuse.profile import citizen_profile, dossier

router = APIRouter(prefix="/v1", tags=["Công dân và hồ sơ"])

Personal = Annotated[str, PathParam(pattern=r"^\d{12}$",
                                    description="Số định danh cá nhân (12 chữ số)")]
DossierCode = Annotated[str, PathParam(min_length=5, max_length=64,
                                       pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$",
                                       description="Mã hồ sơ một cửa")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=64)]
CITIZEN = require(Scope.READ_CITIZENS)


def _index(request: Request) -> Any:
    index = services(request).store.index
    if index is None:  # pragma: no cover - open_store always gives one
        raise ApiError(503, "chua-co-chi-muc", "Chưa cấu hình chỉ mục.")
    return index


@router.get("/citizens/{so_dinh_danh}", summary="Dữ liệu công dân đã cung cấp (một lần)")
def get_citizen(so_dinh_danh: Personal, request: Request,
                client: Annotated[Actor, CITIZEN],
                why: Annotated[str, Depends(purpose)]) -> dict[str, Any]:
    svc = services(request)
    # Logged before the data leaves: a read that cannot be audited does not happen.
    record_access(svc.store, client, what="citizen-profile", subject=so_dinh_danh,
                  purpose=why, request_id=request.state.request_id)
    profile = citizen_profile(_index(request), svc.store, so_dinh_danh)
    return profile.to_dict()


@router.get("/citizens/{so_dinh_danh}/documents", summary="Tài liệu của công dân")
def get_citizen_documents(so_dinh_danh: Personal, request: Request,
                          client: Annotated[Actor, CITIZEN],
                          why: Annotated[str, Depends(purpose)],
                          limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    svc = services(request)
    record_access(svc.store, client, what="citizen-documents", subject=so_dinh_danh,
                  purpose=why, request_id=request.state.request_id)
    docs = citizen_profile(_index(request), svc.store, so_dinh_danh).documents
    items, nxt = page(docs, limit, cursor)
    return envelope(items, nxt, len(docs))


@router.get("/dossiers/{ma_ho_so}", summary="Các tài liệu của một hồ sơ",
            dependencies=[require(Scope.READ_DOCUMENTS)])
def get_dossier(ma_ho_so: DossierCode, request: Request, limit: Limit = 50,
                cursor: Cursor = None) -> dict[str, Any]:
    found = dossier(_index(request), ma_ho_so)
    items, nxt = page(found.documents, limit, cursor)
    return {"ma_ho_so": found.ma_ho_so, "results": found.results,
            **envelope(items, nxt, len(found.documents))}
