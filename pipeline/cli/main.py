"""Entry point: the ``sohoa`` command and its subcommands."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from pipeline import __version__
from pipeline.batch import internal_error
from pipeline.cli import (
    agent,
    citizen,
    demo,
    get,
    ingest,
    pki,
    serve,
    sign,
    store_cmds,
    templates,
    users,
    watch,
    work,
)
from pipeline.cli.console import err, fail
from pipeline.config import load_settings
from pipeline.errors import ExitCode, SohoaError

app = typer.Typer(
    name="sohoa",
    help="sohoa: số hóa hồ sơ, kết quả thủ tục hành chính và lưu vào kho dữ liệu.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest.ingest)
app.command("get")(get.get)
app.command("watch")(watch.watch)
app.command("worker")(work.worker)
app.command("status")(work.status)
app.command("serve")(serve.serve)
app.add_typer(serve.app, name="apikey")
app.command("demo")(demo.demo)
app.add_typer(templates.app, name="templates")
app.add_typer(sign.app, name="sign")
app.add_typer(pki.app, name="pki")
app.add_typer(users.app, name="user")
app.command("grant")(users.grant)
app.command("verify")(sign.verify)
app.add_typer(store_cmds.app, name="store")
app.command("citizen")(citizen.citizen)
app.command("dossier")(citizen.dossier_cmd)
app.add_typer(citizen.result_app, name="result")
app.add_typer(agent.app, name="agent")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sohoa {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Tệp cấu hình TOML (mặc định: sohoa.toml).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Ghi nhật ký chi tiết.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="In phiên bản.")] = False,
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = load_settings(config_file=config)


def main() -> None:
    try:
        app()
    except SohoaError as exc:
        fail(exc)
        raise SystemExit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        err.print("Đã dừng.")
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: one line for the user, the traceback with --verbose
        fail(internal_error(exc, "the command"))
        raise SystemExit(int(ExitCode.INTERNAL)) from None
