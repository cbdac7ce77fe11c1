"""Tables summarising a batch for people (Vietnamese headings)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from pipeline.batch import BatchItem
from pipeline.models import Status

STATUS_LABELS = {
    Status.DONE: "[green]xong[/]",
    Status.REVIEW: "[yellow]cần kiểm tra[/]",
    Status.DUPLICATE: "[cyan]đã có (trùng)[/]",
    Status.FAILED: "[red]lỗi[/]",
}


def items_table(items: Sequence[BatchItem]) -> Table:
    table = Table(title="Kết quả số hóa", show_lines=False)
    for heading in ("Tệp", "Mã tài liệu", "Trạng thái", "Loại", "Trang", "Nguồn chữ",
                    "Trường", "Độ tin cậy", "Giây"):
        table.add_column(heading, overflow="fold")
    for item in items:
        if item.record is None:
            assert item.failure is not None
            table.add_row(item.path.name, "—", STATUS_LABELS[Status.FAILED], "—", "—", "—", "—",
                          "—", f"{item.seconds:.1f}")
            continue
        rec = item.record
        sources = sorted({p.text_source.value for p in rec.pages})
        confidences = [p.mean_confidence for p in rec.pages if p.mean_confidence is not None]
        confidence = f"{min(confidences):.0%}" if confidences else "—"
        table.add_row(item.path.name, rec.id, STATUS_LABELS[rec.status], rec.doc_type,
                      str(len(rec.pages)), ", ".join(sources), str(len(rec.fields)), confidence,
                      f"{item.seconds:.1f}")
    return table


def totals_line(items: Sequence[BatchItem], seconds: float) -> str:
    docs = [i.record for i in items if i.record is not None]
    pages = sum(len(r.pages) for r in docs)
    types = len({r.doc_type for r in docs})
    fields = sum(len(r.fields) for r in docs)
    failed = sum(1 for i in items if i.failure is not None)
    return (f"{len(docs)} tài liệu, {pages} trang, {types} loại, {fields} trường, "
            f"{failed} tệp lỗi, {seconds:.1f} giây")
