"""Blocks of forms as the many systems that print them lay fields out.

The official templates (Circulars 04/2020/TT-BTP, 01/2018/TT-VPCP, 66/2023/TT-BCA, the
e-receipts of Decree 123/2020/NĐ-CP...) are filled in by office software, one-stop
systems and registration portals, each in its own way: "Label: value" on one line with
the form's dotted leaders left around the value, the value under its label, label | value
tables, bordered grids whose cells hold a label over its value, bilingual labels. These
helpers draw each of those; the layouts in the per-type modules combine them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from samples.content.common import (
    centred,
    header_columns,
    national_motto,
    para,
    signature_column,
)
from samples.layout import ColumnItem, Columns, Paragraph, Run, Table

#: The dotted leaders of a blank form, as word processors type them.
LEADERS = ("……………", "…………………………", "..................", "...........")


def pick(rng: random.Random, *variants: str) -> str:
    """One wording of a label; real forms of one kind word their labels differently."""
    return rng.choice(variants)


def leader(rng: random.Random, chance: float) -> str:
    """Dotted leader left after a typed value, with probability ``chance``."""
    return rng.choice(LEADERS) if rng.random() < chance else ""


def line(label: str, value: str, *, tail: str = "", size: float | None = None,
         bold_value: bool = False, after: float = 3.0, colon: str = ":") -> Paragraph:
    """"Label: value" on one line (wrapping under itself), with an optional dotted ``tail``."""
    runs = [Run(f"{label}{colon}"), Run(value, bold=bold_value)]
    if tail:
        runs.append(Run(tail))
    return para(*runs, align="left", size=size, after=after)


def under(label: str, value: str, *, size: float | None = None, value_size: float | None = None,
          bold_value: bool = False, indent: float = 0.0, after: float = 3.0,
          colon: str = ":") -> list[Paragraph]:
    """The label on its own line and the value on the line below it."""
    return [para(Run(f"{label}{colon}"), align="left", size=size, after=0.0),
            para(Run(value, bold=bold_value), align="left", size=value_size or size,
                 left=indent, after=after)]


def kv_table(rows: Sequence[tuple[str, str]], *, widths: tuple[float, float] = (0.34, 0.66),
             size: float | None = 12.0, bold_labels: bool = True, colon: str = "",
             after: float = 8.0) -> Table:
    """A two-column label | value table, no header row (one-stop and portal printouts)."""
    return Table(widths, (), tuple((f"{label}{colon}", value) for label, value in rows),
                 size=size, centred_columns=(), space_after=after,
                 bold_columns=(0,) if bold_labels else ())


def grid(rows: Sequence[Sequence[tuple[str, str]]], widths: tuple[float, ...], *,
         size: float | None = 12.0, after: float = 8.0) -> Table:
    """A bordered grid whose every cell holds a label over its value."""
    return Table(widths, (), tuple(tuple(f"{label}\n{value}" for label, value in row)
                                   for row in rows),
                 size=size, centred_columns=(), space_after=after)


def columns_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                  widths: tuple[float, ...], *, size: float | None = 12.0,
                  centred: tuple[int, ...] = (0,), after: float = 8.0) -> Table:
    """A table with a header row: the values of a column sit in the cells below its label."""
    return Table(widths, tuple(header), tuple(tuple(r) for r in rows), size=size,
                 centred_columns=centred, space_after=after)


def bilingual(vi: str, en: str, sep: str = " / ") -> str:
    """A label in Vietnamese and English, as identity cards and some portals print them."""
    return f"{vi}{sep}{en}"


def signed(date_text: str | None, titles: Sequence[str], name: str, seed: int, *,
           note: str | None = "(Ký, ghi rõ họ tên)", left: Sequence[ColumnItem] = (),
           split: float = 0.42, before: float = 6.0) -> Columns:
    """The place-and-date line and the signature on the right (a second signer's block, or
    nothing, on the left)."""
    right: list[ColumnItem] = []
    if date_text:
        right.append(centred(date_text, italic=True, size=13, after=2))
    right += signature_column(titles, name, seed, note=note)
    return Columns(tuple(left), tuple(right), split=split, space_before=before)


def system_header(system: Sequence[str], size: float = 11.0) -> Columns:
    """A system's name on the left (one-stop software, a portal), the motto on the right."""
    left = [centred(text, bold=i == len(system) - 1, size=size) for i, text in enumerate(system)]
    return header_columns(left, national_motto(size1=11.5, size2=12.5))
