"""Document templates: seeded Vietnamese administrative documents with their field truth.

Each template lays a document out the way Decree 30/2020/NĐ-CP (and the one-stop forms of
Circular 01/2018/TT-VPCP) does: agency and national motto side by side, number and date,
bold centred title with a short rule under the subject, justified body, "Nơi nhận" and the
signature block. Content varies with the seed over pools of real-sounding but fictitious
subjects, articles, procedures and people. Procedure codes follow the national format
(``1.001612``) but are illustrative, not looked up in the national database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from samples import data, phrases
from samples.data import Province
from samples.layout import (
    CORNER_QR_LEFT,
    CORNER_QR_MODULE,
    Align,
    Block,
    ColumnItem,
    Columns,
    FieldRow,
    FieldValue,
    Paragraph,
    Run,
    Signature,
)
from samples.qr import ZONE, one_stop_payload, side
from samples.render import MARGIN_LEFT, TEXT_WIDTH

MM = 72 / 25.4
INDENT = 10 * MM  # Decree 30: first-line indent 1-1.27 cm
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"

# ---------------------------------------------------------------- agencies


@dataclass(frozen=True)
class Agency:
    """An issuing body and how it names and signs itself."""

    superior: str | None  # upper-case line above the name, regular weight
    name_lines: tuple[str, ...]  # upper-case, bold, broken where real headers break it
    full: str  # sentence form, the ``co_quan_ban_hanh`` value
    short: str  # how the body refers to itself in running text
    abbr: str  # in document numbers: QĐ-UBND, 245/STP-HCTP
    unit: str  # advisory unit in công văn numbers
    place: str  # date-line place
    collective: bool  # collegial body (TM. signatures)
    head: str
    deputy: str
    code: str  # electronic agency identifier for dossier codes
    province: Province
    email: str
    area: str  # the territory it governs, in running text: "tỉnh Bắc Kạn", "huyện Chợ Mới"

    @property
    def name(self) -> str:
        """The name on one line, as in "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"."""
        return " ".join(self.name_lines)

    @property
    def issuer(self) -> str:
        """The ``co_quan_ban_hanh`` value: the full name as far as the header prints it. A
        district's committee is headed by its own name only (no superior line), so its
        province, which ``full`` adds for running text, is not on the page."""
        return self.full if self.superior else self.full.split(", ")[0]


def _domain(province: Province) -> str:
    return data.ascii_fold(province.name).lower().replace(" ", "") + ".gov.vn"


def province_ubnd(rng: random.Random, p: Province) -> Agency:
    kind = "thành phố" if p.city else "tỉnh"
    return Agency(
        superior=None,
        name_lines=("ỦY BAN NHÂN DÂN", p.full_name.upper()),
        full=f"Ủy ban nhân dân {p.label}",
        short=f"Ủy ban nhân dân {kind}",
        abbr="UBND",
        unit=rng.choice(("KSTT", "VP", "NC", "KT")),
        place=p.place,
        collective=True,
        head="CHỦ TỊCH",
        deputy="PHÓ CHỦ TỊCH",
        code=data.agency_code(rng, p),
        province=p,
        email=f"vpubnd@{_domain(p)}",
        area=p.label,
    )


_DEPARTMENTS: tuple[tuple[tuple[str, ...], str, str, str, str], ...] = (
    (("SỞ TƯ PHÁP",), "Sở Tư pháp", "STP", "HCTP", "stp"),
    (("SỞ KẾ HOẠCH VÀ ĐẦU TƯ",), "Sở Kế hoạch và Đầu tư", "SKHĐT", "ĐKKD", "skhdt"),
    (("SỞ NỘI VỤ",), "Sở Nội vụ", "SNV", "CCHC", "snv"),
    (("SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"), "Sở Thông tin và Truyền thông", "STTTT", "CNTT",
     "stttt"),
)
DEPT_JUSTICE, DEPT_PLANNING, DEPT_HOME, DEPT_ICT = range(4)


def department(rng: random.Random, p: Province, which: int | None = None) -> Agency:
    name, short, abbr, unit, mail = _DEPARTMENTS[
        rng.randrange(len(_DEPARTMENTS)) if which is None else which
    ]
    return Agency(
        superior=f"UBND {p.full_name.upper()}",
        name_lines=name,
        full=f"{short} {p.label}",
        short=short,
        abbr=abbr,
        unit=unit,
        place=p.place,
        collective=False,
        head="GIÁM ĐỐC",
        deputy="PHÓ GIÁM ĐỐC",
        code=data.agency_code(rng, p),
        province=p,
        email=f"{mail}@{_domain(p)}",
        area=p.label,
    )


def service_centre(rng: random.Random, p: Province) -> Agency:
    return Agency(
        superior=f"UBND {p.full_name.upper()}",
        name_lines=("TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"),
        full=f"Trung tâm Phục vụ hành chính công {p.label}",
        short="Trung tâm Phục vụ hành chính công",
        abbr="TTPVHCC",
        unit="TNTKQ",
        place=p.place,
        collective=False,
        head="GIÁM ĐỐC",
        deputy="PHÓ GIÁM ĐỐC",
        code=data.agency_code(rng, p),
        province=p,
        email=f"hcc@{_domain(p)}",
        area=p.label,
    )


def district_ubnd(rng: random.Random, p: Province) -> Agency:
    d = rng.choice(p.districts)
    place = f"{d.kind} {d.name}" if d.name.isdigit() else d.name
    return Agency(
        superior=None,
        name_lines=("ỦY BAN NHÂN DÂN", f"{d.kind.upper()} {d.name.upper()}"),
        full=f"Ủy ban nhân dân {d.label}, {p.label}",
        short=f"Ủy ban nhân dân {d.kind.lower()}",
        abbr="UBND",
        unit=rng.choice(("VP", "TP", "NV")),
        place=place,
        collective=True,
        head="CHỦ TỊCH",
        deputy="PHÓ CHỦ TỊCH",
        code=data.agency_code(rng, p),
        province=p,
        email=f"ubnd.{data.ascii_fold(d.name).lower().replace(' ', '')}@{_domain(p)}",
        area=d.label,
    )


def ward_ubnd(rng: random.Random, place: data.Place) -> Agency:
    kind, ward = place.ward
    d = place.district
    return Agency(
        superior=f"UBND {d.kind.upper()} {d.name.upper()}",
        name_lines=("ỦY BAN NHÂN DÂN", f"{kind.upper()} {ward.upper()}"),
        full=f"Ủy ban nhân dân {place.ward_label}, {d.label}",
        short=f"Ủy ban nhân dân {kind.lower()}",
        abbr="UBND",
        unit="VP",
        place=f"{kind} {ward}" if ward.isdigit() else ward,
        collective=True,
        head="CHỦ TỊCH",
        deputy="PHÓ CHỦ TỊCH",
        code=data.agency_code(rng, place.province),
        province=place.province,
        email=f"ubnd.{data.ascii_fold(ward).lower().replace(' ', '')}@{_domain(place.province)}",
        area=place.ward_label,
    )


def title_case(upper: str) -> str:
    """ "PHÓ CHỦ TỊCH" -> "Phó Chủ tịch", "CHÁNH VĂN PHÒNG" -> "Chánh Văn phòng"."""
    words = upper.lower().split()
    if words[0] in ("phó", "chánh") and len(words) > 1:
        return " ".join([words[0].capitalize(), words[1].capitalize(), *words[2:]])
    return " ".join([words[0].capitalize(), *words[1:]])


def signer_lines(
    rng: random.Random, agency: Agency, *, on_behalf: bool = True, delegated: bool = False
) -> tuple[list[str], str]:
    """Signature block title lines and the canonical ``chuc_vu``.

    Decree 30: "TM." signs for a collegial body, "KT." for a deputy signing for the head,
    "TL." for the office chief signing on the head's order (never combined with "TM.").
    """
    if delegated and agency.collective:
        return [f"TL. {agency.head}", "CHÁNH VĂN PHÒNG"], title_case("CHÁNH VĂN PHÒNG")
    lines: list[str] = []
    if agency.collective and on_behalf:
        lines.append("TM. ỦY BAN NHÂN DÂN")
    if rng.random() < 0.45:
        lines.append(agency.head)
        return lines, title_case(agency.head)
    lines += [f"KT. {agency.head}", agency.deputy]
    return lines, title_case(agency.deputy)


# ---------------------------------------------------------------- block helpers


def para(
    *runs: Run | str,
    align: Align = "justify",
    size: float | None = None,
    indent: float = 0.0,
    left: float = 0.0,
    before: float = 0.0,
    after: float = 6.0,
    rule: float = 0.0,
) -> Paragraph:
    """A paragraph from runs or plain strings."""
    return Paragraph(
        runs=tuple(Run(r) if isinstance(r, str) else r for r in runs),
        align=align,
        size=size,
        first_indent=indent,
        left_indent=left,
        space_before=before,
        space_after=after,
        rule_below=rule,
    )


def centred(text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            before: float = 0.0, after: float = 0.0, rule: float = 0.0) -> Paragraph:
    return para(Run(text, bold, italic), align="centre", size=size, before=before,
                after=after, rule=rule)


def body(text: str, *, italic: bool = False, size: float | None = None) -> Paragraph:
    """A justified body paragraph with the Decree 30 first-line indent."""
    return para(Run(text, italic=italic), size=size, indent=INDENT)


def labelled(label: str, value: str, *, size: float | None = None, bold_value: bool = False,
             after: float = 3.0) -> Paragraph:
    """A form line "Label: value" (left-aligned, wraps under itself)."""
    return para(Run(f"{label}:"), Run(value, bold=bold_value), align="left", size=size,
                after=after)


def fields_row(*cells: tuple[str, str], stops: tuple[float, ...] = (), size: float | None = None,
               after: float = 3.0) -> FieldRow:
    """Several "Label: value" fields on one line."""
    return FieldRow(
        cells=tuple((Run(f"{label}:"), Run(value)) for label, value in cells),
        stops=stops,
        size=size,
        space_after=after,
    )


def national_motto(*, size1: float = 12.0, size2: float = 13.0) -> list[ColumnItem]:
    return [
        centred(MOTTO_1, bold=True, size=size1),
        centred(MOTTO_2, bold=True, size=size2, rule=1.0, after=8),
    ]


def official_header(agency: Agency, number: str | None, date: str | None,
                    subject: str | None = None) -> Columns:
    """Decree 30 header: agency + number (+ V/v) left, motto + date right."""
    left = agency_lines(agency)
    if number:
        left.append(centred(f"Số: {number}", size=13, before=8))
    if subject:
        left.append(centred(subject, size=12, before=3))
    right = national_motto()
    if date:
        right.append(centred(date, italic=True, size=13))
    return header_columns(left, right)


def agency_lines(agency: Agency) -> list[ColumnItem]:
    """Superior body (regular) and agency name (bold, short rule below)."""
    left: list[ColumnItem] = []
    if agency.superior:
        left.append(centred(agency.superior, size=12))
    left.append(centred("\n".join(agency.name_lines), bold=True, size=13, rule=0.4))
    return left


def header_columns(left: Sequence[ColumnItem], right: Sequence[ColumnItem]) -> Columns:
    """The header table, reaching a little into both margins as real ones do."""
    return Columns(tuple(left), tuple(right), split=0.44, bleed_left=8 * MM,
                   bleed_right=8 * MM, space_after=14)


# A header next to a corner QR code keeps its motto column wide enough for the motto.
QR_HEADER_RIGHT_WIDTH = 92 * MM


def make_room_for_qr(header: Columns, payload: str) -> Columns:
    """The same header with its agency column moved right of the corner QR code holding
    ``payload`` and its quiet zone (four modules); lines wrap where they must."""
    start = CORNER_QR_LEFT + side(payload, CORNER_QR_MODULE) + 4 * CORNER_QR_MODULE
    bleed_left = MARGIN_LEFT - start  # negative: starts inside the text area
    full = TEXT_WIDTH + bleed_left + header.bleed_right
    return replace(header, bleed_left=bleed_left, split=(full - QR_HEADER_RIGHT_WIDTH) / full)


def system_host(province: Province) -> str:
    """Host name of the province's one-stop system, the ``he_thong`` of its QR codes."""
    return f"dichvucong.{_domain(province)}"


def printed_at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def agency_motto_header(agency: Agency) -> Columns:
    """Header of one-stop forms: agency left, motto right, no number or date."""
    return header_columns(agency_lines(agency), national_motto())


def motto_header(form_code: str | None = None) -> list[Block]:
    """Header of citizen forms: only the national motto, centred (form code top right)."""
    blocks: list[Block] = []
    if form_code:
        blocks.append(para(Run(form_code, italic=True), align="right", size=11, after=4))
    blocks += [centred(MOTTO_1, bold=True, size=13),
               centred(MOTTO_2, bold=True, size=14, rule=1.0, after=14)]
    return blocks


def signature_column(lines: Sequence[str], name: str, seed: int, *,
                     note: str | None = None) -> tuple[ColumnItem, ...]:
    items: list[ColumnItem] = [centred(line, bold=True, size=13) for line in lines]
    if note:
        items.append(centred(note, italic=True, size=12))
    items += [Signature(58.0, seed), centred(name, bold=True, size=14)]
    return tuple(items)


def receivers_column(receivers: Sequence[str]) -> tuple[ColumnItem, ...]:
    items: list[ColumnItem] = [para(Run("Nơi nhận:", bold=True, italic=True), align="left",
                                    size=12, after=0)]
    items += [para(r, align="left", size=11, after=0) for r in receivers]
    return tuple(items)


def footer(receivers: Sequence[str], signature: tuple[ColumnItem, ...]) -> Columns:
    return Columns(receivers_column(receivers), signature, split=0.46, space_before=8)


def scribble_seed(rng: random.Random) -> int:
    return rng.randrange(2**31)


def fmt(template: str, **values: object) -> str:
    return template.format(**values)


# ---------------------------------------------------------------- templates


def pick_province(rng: random.Random) -> Province:
    return rng.choice(data.PROVINCES)


def body_size(rng: random.Random) -> float:
    return rng.choice((13.0, 14.0))


def common_fields(agency: Agency, number: str, day: dt.date, subject: str, signer: str,
                   title: str) -> dict[str, FieldValue]:
    return {
        "so_ky_hieu": number,
        "ngay_ban_hanh": day.isoformat(),
        "co_quan_ban_hanh": agency.issuer,
        "trich_yeu": subject,
        "nguoi_ky": signer,
        "chuc_vu": title,
    }


def result_qr(rng: random.Random, qr: bool | None, agency: Agency, issued: dt.date,
               document: str, procedures: Sequence[phrases.Procedure],
               applicant: data.Person | None = None, system: str | None = None) -> str | None:
    """Corner QR payload of a dossier's result printed by the one-stop system: on about half
    of them (seeded) unless ``qr`` decides. Call it last: its draws then change nothing else
    in the document."""
    if qr is None:
        qr = rng.random() < 0.5
    if not qr:
        return None
    proc = rng.choice(procedures)
    received = data.working_day(rng, issued - dt.timedelta(days=30),
                                issued - dt.timedelta(days=3))
    dossier = data.dossier_code(rng, agency.code, received)
    if applicant is None:
        applicant = data.make_person(rng, issued, agency.province)
    hour, minute = rng.choice((8, 9, 10, 14, 15, 16)), rng.randrange(0, 60, 5)
    return one_stop_payload(dossier=dossier, procedure=proc.code,
                            applicant_id=applicant.personal_id, document=document,
                            system=system or system_host(agency.province),
                            printed=printed_at(issued, hour, minute))

