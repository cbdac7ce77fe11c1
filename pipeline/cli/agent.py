"""``sohoa agent``: runs on the official's computer with their USB token plugged in."""

from __future__ import annotations

import getpass
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.console import err, out

app = typer.Typer(
    help="Agent ký số trên máy của người ký: hiện các lô đang chờ, ký bằng token USB của "
         "chính người ký sau khi họ xác nhận và nhập PIN tại máy (PIN không gửi đi đâu).",
    invoke_without_command=True, no_args_is_help=False)

ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Tệp cấu hình của agent (mặc định ~/.config/sohoa/agent.json hoặc "
                     "$SOHOA_AGENT_CONFIG).")]


def _path(config: Path | None) -> Path:
    from pipeline.agent.config import default_path

    return config or default_path()


def _say(message: str) -> None:
    """Shown as is: titles may hold brackets (no markup), hashes stay on one line."""
    out.print(message, markup=False, highlight=False, soft_wrap=True)


def _ask(question: str) -> str:
    out.print(question, end="", markup=False, soft_wrap=True)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


@app.callback()
def agent(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option(
        "--once", help="Xử lý các lô đang chờ rồi thoát.")] = False,
    interval: Annotated[float, typer.Option(
        "--interval", min=1.0, help="Số giây giữa hai lần hỏi máy chủ.")] = 5.0,
    config: ConfigOption = None,
) -> None:
    """Chờ và ký các lô người ký đã tạo trên trang ký số."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.agent.config import load
    from pipeline.agent.run import Desk, run

    loaded = load(_path(config))
    err.print(f"Agent {loaded.agent_id} của {loaded.official_name}, máy chủ {loaded.server}, "
              f"token '{loaded.token_label}'.")
    desk = Desk(ask=_ask, ask_pin=getpass.getpass, say=_say)
    unsigned = run(loaded, desk, once=once, interval=interval)
    if unsigned:
        raise typer.Exit(1)


@app.command("pair")
def pair(
    code: Annotated[str, typer.Argument(help="Mã ghép nối lấy trên trang ký số (XXXX-XXXX).")],
    server: Annotated[str, typer.Option("--server", help="Địa chỉ máy chủ sohoa (https://…).")],
    module: Annotated[Path, typer.Option(
        "--module", help="Thư viện PKCS#11 của token (.so/.dll của nhà cung cấp).")],
    token: Annotated[str, typer.Option("--token", help="Nhãn của token.")],
    name: Annotated[str, typer.Option("--name", help="Tên máy này.")] = "",
    ca: Annotated[Path | None, typer.Option(
        "--ca", help="Chứng thư CA để tin chứng thư HTTPS của máy chủ.")] = None,
    config: ConfigOption = None,
) -> None:
    """Ghép nối agent trên máy này với tài khoản của người ký."""
    from pipeline.agent.run import pair as do_pair

    done = do_pair(_path(config), server=server, code=code, module=str(module),
                   token_label=token, name=name or socket.gethostname(),
                   ca_file=str(ca or ""))
    err.print(f"Đã ghép nối agent {done.agent_id} với tài khoản {done.official_name} "
              f"({done.official}). Chạy 'sohoa agent' để chờ các lô ký.")
