"""``sohoa citizen``, ``sohoa dossier`` and ``sohoa result revoke``: what the state already
holds about a citizen or a dossier, so nobody is asked twice for it."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer
from rich.table import Table

from pipeline.cli.console import err, out, print_json
from pipeline.cli.context import settings_from
from pipeline.clock import now_iso
from pipeline.errors import StoreError
from pipeline.index import Index, resolve, revoke
from pipeline.reuse import citizen_profile, dossier
from pipeline.store import DocumentStore, open_store

result_app = typer.Typer(help="Kết quả giải quyết thủ tục (tên theo Cổng DVC: MÃ-KQ01).",
                         no_args_is_help=True)

FIELD_LABELS = {
    "ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh", "gioi_tinh": "Giới tính",
    "que_quan": "Quê quán", "noi_sinh": "Nơi sinh", "noi_thuong_tru": "Nơi thường trú",
    "noi_cu_tru": "Nơi cư trú", "quoc_tich": "Quốc tịch", "so_dien_thoai": "Số điện thoại",
    "email": "Thư điện tử", "ho_ten_cha": "Họ tên cha", "ho_ten_me": "Họ tên mẹ",
}
KIND_LABELS = {"receipt": "giấy tiếp nhận", "form": "thành phần hồ sơ", "result": "kết quả"}


def _store_and_index(ctx: typer.Context) -> tuple[DocumentStore, Index]:
    store = open_store(settings_from(ctx))
    if store.index is None:  # pragma: no cover - open_store always wires one
        raise StoreError("Chưa cấu hình chỉ mục (index.url).")
    return store, store.index


def citizen(
    ctx: typer.Context,
    so_dinh_danh: Annotated[str, typer.Argument(metavar="SO_DINH_DANH",
                                                help="Số định danh cá nhân (12 chữ số).")],
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Thông tin đã có của công dân: giá trị mới nhất từng trường kèm nguồn, chỗ mâu thuẫn,
    các tài liệu và kết quả đã ký."""
    store, index = _store_and_index(ctx)
    profile = citizen_profile(index, store, so_dinh_danh.strip())
    if as_json:
        print_json(profile.to_dict())
        return
    table = Table(title=f"Công dân {profile.so_dinh_danh}")
    for heading in ("Trường", "Giá trị", "Nguồn", "Trang", "Độ tin cậy", "Ghi chú"):
        table.add_column(heading, overflow="fold")
    for name, entry in profile.fields.items():
        note = ""
        if entry["conflict"]:
            others = "; ".join(f"“{v['value']}” ({', '.join(s['document'] for s in v['sources'])})"
                               for v in entry["values"])
            note = f"[red]MÂU THUẪN:[/] {others}"
        source = entry["document"] + (" (kết quả đã ký)" if entry["from_signed"] else "")
        table.add_row(FIELD_LABELS.get(name, name), str(entry["value"]), source,
                      str(entry["page"] or "—"), f"{entry['confidence']:.0%}", note)
    out.print(table)
    out.print(_documents_table("Tài liệu", profile.documents))
    if profile.conflicts:
        err.print(f"[yellow]Có {len(profile.conflicts)} trường mâu thuẫn giữa các tài liệu: "
                  f"{', '.join(profile.conflicts)}.[/]")


def dossier_cmd(
    ctx: typer.Context,
    ma_ho_so: Annotated[str, typer.Argument(metavar="MA_HO_SO", help="Mã hồ sơ một cửa.")],
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Các tài liệu của một hồ sơ: giấy tiếp nhận, thành phần hồ sơ, kết quả (MÃ-KQ01…)."""
    _store, index = _store_and_index(ctx)
    found = dossier(index, ma_ho_so.strip())
    if as_json:
        print_json(found.to_dict())
        return
    out.print(_documents_table(f"Hồ sơ {found.ma_ho_so}", found.documents))


def _documents_table(title: str, documents: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    for heading in ("Mã tài liệu", "Loại", "Vai trò", "Tên kết quả", "Trạng thái", "Ngày"):
        table.add_column(heading, overflow="fold")
    for doc in documents:
        role = KIND_LABELS.get(doc.get("kind", ""), doc.get("role", ""))
        status = "[red]ĐÃ THU HỒI[/]" if doc["revoked"] else (
            "đã ký" if doc["signed"] else doc["status"])
        table.add_row(doc["id"], doc["doc_type"], role, doc["result_name"] or "—", status,
                      doc["created_at"][:10])
    return table


@result_app.command("revoke")
def revoke_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="TEN_KET_QUA",
                                        help="Tên kết quả (MÃ-HỒ-SƠ-KQ01) hoặc mã tài liệu.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do thu hồi (bắt buộc).")],
    by: Annotated[str, typer.Option("--by", help="Người/cơ quan thu hồi.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Thu hồi một kết quả: bản lưu giữ nguyên, vẫn lấy được, nhưng được đánh dấu đã thu hồi."""
    settings = settings_from(ctx)
    store, _index = _store_and_index(ctx)
    doc_id = resolve(store, name)
    done = revoke(store, doc_id, reason, by or getpass.getuser(), now_iso(settings.timezone))
    if as_json:
        print_json(done.to_dict())
        return
    err.print(f"Đã thu hồi kết quả {done.name or done.doc_id} (tài liệu {done.doc_id}) lúc "
              f"{done.revoked_at}. Lý do: {done.reason}")


@result_app.command("show")
def show_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="TEN_KET_QUA",
                                        help="Tên kết quả (MÃ-HỒ-SƠ-KQ01) hoặc mã tài liệu.")],
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Kết quả theo tên trên Cổng DVC: mã tài liệu, hồ sơ, đã thu hồi hay chưa."""
    store, index = _store_and_index(ctx)
    doc_id = resolve(store, name, warn=err.print)
    doc = index.document(doc_id)
    revocation = index.revocation(doc_id)
    names = index.result_names([doc_id])
    body = {"id": doc_id, "name": names.get(doc_id), "doc_type": doc.doc_type if doc else None,
            "signed_at": doc.result_signed_at if doc else None,
            "revoked": revocation is not None,
            "revocation": revocation.to_dict() if revocation else None}
    if as_json:
        print_json(body)
        return
    out.print(f"{body['name'] or '—'}  →  {doc_id}  ({body['doc_type']}, ký lúc "
              f"{body['signed_at'] or '—'})" + ("  [red]ĐÃ THU HỒI[/]" if revocation else ""))
