"""``sohoa serve`` (the HTTP API and the officials' page) and ``sohoa apikey``."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.console import err, out, print_json
from pipeline.cli.context import settings_from

app = typer.Typer(help="Khóa truy cập API của các hệ thống khác.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng.")] = 8080,
    workers: Annotated[int, typer.Option("--workers", min=1,
                                         help="Số tiến trình phục vụ.")] = 1,
    openapi: Annotated[Path | None, typer.Option(
        "--openapi", help="Chỉ ghi tài liệu OpenAPI ra tệp này rồi thoát.")] = None,
) -> None:
    """Chạy API cho các hệ thống khác và trang ký số cho cán bộ."""
    settings = settings_from(ctx)
    from pipeline.api.app import create_app

    api = create_app(settings)
    if openapi is not None:
        openapi.write_text(json.dumps(api.openapi(), ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
        err.print(f"Đã ghi {openapi}.")
        return
    import uvicorn

    logging.getLogger("sohoa.api").setLevel(logging.INFO)
    err.print(f"API và trang ký số: http://{host}:{port}/ (tài liệu API: /docs).")
    # uvicorn's own access log prints raw paths, which may carry personal IDs: ours names
    # the route template instead.
    if workers == 1:
        uvicorn.run(api, host=host, port=port, access_log=False, log_level="warning")
        return
    import os

    if ctx.find_root().params.get("config"):
        os.environ["SOHOA_CONFIG"] = str(ctx.find_root().params["config"])
    uvicorn.run("pipeline.api.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, access_log=False, log_level="warning")


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="Tên hệ thống dùng khóa.")],
    scopes: Annotated[str, typer.Option(
        "--scopes", help="Phạm vi, cách nhau bởi dấu phẩy: documents:read, citizens:read, "
                         "documents:upload, sign.")],
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Tạo khóa; khóa chỉ được in ra một lần, kho chỉ giữ mã băm của nó."""
    from pipeline.api.keys import ApiKeys, parse_scopes
    from pipeline.index import open_index

    client, key = ApiKeys(open_index(settings_from(ctx))).create(name, parse_scopes(scopes))
    if as_json:
        print_json({**client.to_dict(), "key": key})
        return
    out.print(key)
    err.print(f"Khóa cho “{client.name}” ({', '.join(sorted(client.scopes))}), mã {client.id}. "
              "Hãy lưu ngay: khóa không hiển thị lại được.")


@app.command("list")
def list_keys(ctx: typer.Context) -> None:
    """Liệt kê các khóa (không bao giờ in khóa)."""
    from pipeline.api.keys import ApiKeys
    from pipeline.index import open_index

    for client, revoked, created in ApiKeys(open_index(settings_from(ctx))).list():
        state = "đã thu hồi" if revoked else "hiệu lực"
        out.print(f"{client.id}  {client.name}  {', '.join(sorted(client.scopes))}  "
                  f"{created[:19]}  {state}")


@app.command("revoke")
def revoke(ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="Mã khóa.")]) -> None:
    """Thu hồi một khóa."""
    from pipeline.api.keys import ApiKeys
    from pipeline.errors import NotFound
    from pipeline.index import open_index

    if not ApiKeys(open_index(settings_from(ctx))).revoke(key_id):
        raise NotFound(f"Không có khóa mã {key_id}.")
    err.print(f"Đã thu hồi khóa {key_id}.")
