"""Routes that need no key: health, the signed-link target, and the officials' page shell
(sent to the login page without a session; the page calls the API with the session)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse

from pipeline.api.auth import session_of
from pipeline.api.deps import services
from pipeline.api.links import verify

router = APIRouter(tags=["Chung"])

#: Routes reachable without a key; every other route is checked by the route-table test.
PUBLIC = {"/health", "/v1/links/{token}", "/", "/static/{name}", "/openapi.json", "/docs",
          "/docs/oauth2-redirect", "/redoc", "/dang-nhap", "/dang-xuat", "/dang-nhap/oidc",
          "/dang-nhap/oidc/callback"}


@router.get("/health", summary="Máy chủ đang chạy")
def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/v1/links/{token}", name="follow_link", summary="Tải tệp qua đường dẫn tạm thời",
            response_class=Response)
def follow_link(token: Annotated[str, PathParam(min_length=20, max_length=2000,
                                                pattern=r"^[A-Za-z0-9_\-.]+$")],
                request: Request) -> Response:
    artifact = verify(request.app.state.link_secret, token)
    data = services(request).store.read(artifact)  # verified against the signed checksum
    return Response(data, media_type=artifact.media_type,
                    headers={"ETag": f'"{artifact.sha256}"', "Cache-Control": "private"})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def officials_page(request: Request) -> Response:
    if session_of(request) is None:
        return RedirectResponse("/dang-nhap", 303)
    page = resources.files("pipeline.api").joinpath("static/index.html").read_text("utf-8")
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


@router.get("/static/{name}", include_in_schema=False)
def static(name: Annotated[str, PathParam(pattern=r"^[a-z0-9\-]+\.(js|css)$")]) -> Response:
    folder = resources.files("pipeline.api").joinpath("static")
    target = folder.joinpath(name)
    if not target.is_file():
        return Response(status_code=404)
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    return Response(target.read_text("utf-8"), media_type=f"{kind}; charset=utf-8")
