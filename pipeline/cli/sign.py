"""``sohoa sign batch`` and ``sohoa verify``: officials sign in batches, anyone verifies."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli.console import err, out, print_json, progress_bar
from pipeline.cli.context import settings_from
from pipeline.errors import ExitCode, InputError, NotFound
from pipeline.models import Variant
from pipeline.sign.authority import at_terminal
from pipeline.sign.batch import BatchItem, BatchReport, Outcome, pending, sign_batch
from pipeline.sign.context import load_certs, trust_roots
from pipeline.sign.csc import ask_code
from pipeline.sign.profiles import KeySource, Level, load_profile
from pipeline.sign.verify import SignatureReport, VerifyReport, verify_pdf
from pipeline.store import open_store
from pipeline.store.ids import is_document_id

app = typer.Typer(help="Ký số tài liệu theo lô.", no_args_is_help=True)

OUTCOME_VI = {Outcome.SIGNED: "đã ký", Outcome.ADOPTED: "đã ký (hoàn tất lần chạy trước)",
              Outcome.SKIPPED: "bỏ qua", Outcome.FAILED: "LỖI"}


@app.command("batch")
def batch(
    ctx: typer.Context,
    doc_ids: Annotated[list[str] | None, typer.Argument(metavar="ID...",
                                                        help="Mã các tài liệu cần ký.")] = None,
    profile_name: Annotated[str, typer.Option("--profile", "-p",
                                              help="Hồ sơ ký (official, seal, copy...).")] = "",
    all_pending: Annotated[bool, typer.Option(
        "--pending", help="Ký mọi tài liệu đang chờ hồ sơ ký này.")] = False,
    level: Annotated[str | None, typer.Option("--level",
                                              help="Mức PAdES: B-B, B-T, B-LT, B-LTA.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")] = False,
) -> None:
    """Ký một lô tài liệu: người ký nhập mã PIN một lần cho cả lô (hồ sơ ký thử nghiệm mở
    khóa tự động)."""
    settings = settings_from(ctx)
    if not profile_name:
        raise InputError("Cần chỉ định hồ sơ ký: --profile TÊN.")
    profile = load_profile(settings, profile_name)
    if level is not None:
        try:
            profile = dataclasses.replace(profile, level=Level(level.upper()))
        except ValueError:
            raise InputError(
                f"Mức '{level}' không hợp lệ; chọn B-B, B-T, B-LT hoặc B-LTA.") from None
    store = open_store(settings)
    ids = list(doc_ids or [])
    if all_pending == bool(ids):
        raise InputError("Chỉ định mã tài liệu hoặc --pending (một trong hai).")
    if all_pending:
        ids = pending(store, profile)
    bad = [i for i in ids if not is_document_id(i)]
    if bad:
        raise InputError(f"Mã tài liệu không hợp lệ: {', '.join(bad)}.")
    if not ids:
        err.print("Không có tài liệu nào chờ ký.")
        return
    # A remote key is activated by a one-time code per batch, asked before the progress bar.
    activation = ask_code(profile, settings.sign) if profile.key.source is KeySource.CSC \
        else None
    with progress_bar() as bar:
        task = bar.add_task(f"Ký ({profile.name}, {profile.level})", total=len(ids))

        def advance(item: BatchItem) -> None:
            bar.advance(task)

        report = sign_batch(settings, store, profile, ids, mandate=at_terminal(profile),
                            progress=advance, activation=activation)
    if as_json:
        print_json(_batch_json(report))
    else:
        _print_batch(report)
    if not report.ok:
        raise typer.Exit(ExitCode.SIGNING)


def _batch_json(report: BatchReport) -> dict[str, object]:
    return {"profile": report.profile, "signer": report.signer, "key": report.key,
            "warnings": list(report.warnings),
            "documents": [{"id": i.doc_id, "outcome": i.outcome.value, "message": i.message,
                           "signature": dataclasses.asdict(i.signature) if i.signature else None}
                          for i in report.items]}


def _print_batch(report: BatchReport) -> None:
    for warning in report.warnings:
        err.print(f"[yellow]Cảnh báo:[/] {warning}")
    table = Table(title=f"Ký số: {report.signer} ({report.key})")
    for column in ("Mã tài liệu", "Kết quả", "Thời điểm ký", "Ghi chú"):
        table.add_column(column)
    for item in report.items:
        when = item.signature.signed_at if item.signature else ""
        table.add_row(item.doc_id, OUTCOME_VI[item.outcome], when, item.message)
    out.print(table)
    out.print(f"Đã ký {report.count(Outcome.SIGNED) + report.count(Outcome.ADOPTED)}, "
              f"bỏ qua {report.count(Outcome.SKIPPED)}, lỗi {report.count(Outcome.FAILED)}.")


def verify(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="TỆP|ID", help="Tệp PDF hoặc mã tài liệu.")],
    trust: Annotated[list[Path] | None, typer.Option(
        "--trust", help="Chứng thư gốc tin cậy (PEM); lặp lại được.")] = None,
    offline: Annotated[bool, typer.Option(
        "--offline", help="Không truy vấn OCSP/CRL qua mạng; chỉ dùng dữ liệu trong tệp.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")] = False,
) -> None:
    """Kiểm tra mọi chữ ký số và dấu thời gian của một tệp PDF hoặc tài liệu trong kho."""
    settings = settings_from(ctx)
    path = Path(target)
    if path.is_file():
        data = path.read_bytes()
    elif is_document_id(target):
        store = open_store(settings)
        record = store.get_record(target)
        data = store.read(store.artifact(record, Variant.SIGNED))
    else:
        raise NotFound(f"Không tìm thấy tệp hoặc tài liệu '{target}'.")
    roots = load_certs(trust) if trust else trust_roots(settings)
    report = verify_pdf(data, roots, online=not offline, zone=settings.timezone)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_verify(report)
    if not report.ok:
        raise typer.Exit(ExitCode.INVALID_SIGNATURE)


def _yes(flag: bool) -> str:
    return "có" if flag else "KHÔNG"


def _print_verify(report: VerifyReport) -> None:
    if not report.signatures:
        out.print("[red]Tệp không có chữ ký số nào.[/]")
        return
    for sig in report.signatures:
        out.print(_describe(sig))
    verdict = "[green]HỢP LỆ[/]" if report.ok else "[red]KHÔNG HỢP LỆ[/]"
    out.print(f"Kết luận: {verdict}; mức thấp nhất: {report.lowest_level or '—'}.")


def _describe(sig: SignatureReport) -> str:
    head = (f"#{sig.index} Dấu thời gian tài liệu — {sig.signer}" if sig.kind == "timestamp"
            else f"#{sig.index} Chữ ký số của {sig.signer}")
    lines = [head]
    if sig.title:
        lines.append(f"   Chức vụ: {sig.title}")
    if sig.organization:
        lines.append(f"   Cơ quan: {sig.organization}")
    lines += [
        f"   Thời điểm: {sig.signed_at}",
        *([f"   Mức PAdES: {sig.level}"] if sig.level else []),
        f"   Thuật toán: {sig.algorithm}",
        f"   Nguyên vẹn: {_yes(sig.intact and sig.valid)}; tin cậy: {_yes(sig.trusted)}; "
        f"có thông tin thu hồi: {_yes(sig.revocation_info)}",
        f"   Thay đổi sau khi ký: {sig.modifications}",
    ]
    lines += [f"   [red]Lỗi: {p}[/]" for p in sig.problems]
    return "\n".join(lines)
