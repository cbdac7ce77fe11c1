"""Tables summarising a batch for people (Vietnamese headings)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from pipeline.batch import BatchItem
from pipeline.models import DocumentRecord, Status

STATUS_LABELS = {
    Status.DONE: "[green]xong[/]",
    Status.REVIEW: "[yellow]cần kiểm tra[/]",
    Status.DUPLICATE: "[cyan]đã có (trùng)[/]",
    Status.FAILED: "[red]lỗi[/]",
}
#: A file handed to distributed workers: its documents are reported when they finish.
QUEUED_LABEL = "[cyan]đã chuyển xử lý[/]"


def items_table(items: Sequence[BatchItem]) -> Table:
    """One row per document: a file cut at cover sheets shows each part, with its pages of
    the scan and its dossier code."""
    table = Table(title="Kết quả số hóa", show_lines=False)
    for heading in ("Tệp", "Mã tài liệu", "Trạng thái", "Loại", "Trang", "Nguồn chữ",
                    "Trường", "Độ tin cậy", "Giây"):
        table.add_column(heading, overflow="fold")
    for item in items:
        if not item.records:  # refused, or handed to the workers (``queued``)
            label = STATUS_LABELS[Status.FAILED] if item.failure else QUEUED_LABEL
            table.add_row(item.path.name, "—", label, "—", "—", "—", "—", "—",
                          f"{item.seconds:.1f}")
            continue
        for index, rec in enumerate(item.records):
            sources = sorted({p.text_source.value for p in rec.pages})
            confidences = [p.mean_confidence for p in rec.pages
                           if p.mean_confidence is not None]
            confidence = f"{min(confidences):.0%}" if confidences else "—"
            table.add_row(_file_label(item, rec, index), rec.id, STATUS_LABELS[rec.status],
                          rec.doc_type, _pages_label(rec), ", ".join(sources),
                          str(len(rec.fields)), confidence,
                          f"{item.seconds:.1f}" if index == 0 else "")
    return table


def _file_label(item: BatchItem, rec: DocumentRecord, index: int) -> str:
    """The file's name on its first row; a part's dossier code under it on the others."""
    name = item.path.name if index == 0 else "  ↳"
    if rec.part is None:
        return name
    code = rec.part.ma_ho_so or "chưa rõ hồ sơ"
    return f"{name} [{code}]"


def _pages_label(rec: DocumentRecord) -> str:
    """The page count; for a part, also which pages of the scan it is ("2 (tr. 2–3)")."""
    if rec.part is None:
        return str(len(rec.pages))
    first, last = rec.part.pages[0], rec.part.pages[-1]
    span = f"{first}" if first == last else f"{first}–{last}"
    return f"{len(rec.pages)} (tr. {span})"


def totals_line(items: Sequence[BatchItem], seconds: float) -> str:
    docs = [r for i in items for r in i.records]
    pages = sum(len(r.pages) for r in docs)
    types = len({r.doc_type for r in docs})
    fields = sum(len(r.fields) for r in docs)
    failed = sum(1 for i in items if i.failure is not None)
    return (f"{len(docs)} tài liệu, {pages} trang, {types} loại, {fields} trường, "
            f"{failed} tệp lỗi, {seconds:.1f} giây")
