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
from collections.abc import Callable, Sequence
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
    PageSetup,
    Paragraph,
    Placeholder,
    QrCode,
    Run,
    SampleDocument,
    Signature,
    Spacer,
    Table,
)
from samples.qr import ZONE, cccd_payload, one_stop_payload, side
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


def _title_case(upper: str) -> str:
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
        return [f"TL. {agency.head}", "CHÁNH VĂN PHÒNG"], _title_case("CHÁNH VĂN PHÒNG")
    lines: list[str] = []
    if agency.collective and on_behalf:
        lines.append("TM. ỦY BAN NHÂN DÂN")
    if rng.random() < 0.45:
        lines.append(agency.head)
        return lines, _title_case(agency.head)
    lines += [f"KT. {agency.head}", agency.deputy]
    return lines, _title_case(agency.deputy)


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


def _printed_at(day: dt.date, hour: int, minute: int) -> dt.datetime:
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


def _seed(rng: random.Random) -> int:
    return rng.randrange(2**31)


def _fmt(template: str, **values: object) -> str:
    return template.format(**values)


# ---------------------------------------------------------------- templates


def _pick_province(rng: random.Random) -> Province:
    return rng.choice(data.PROVINCES)


def _body_size(rng: random.Random) -> float:
    return rng.choice((13.0, 14.0))


def _common_fields(agency: Agency, number: str, day: dt.date, subject: str, signer: str,
                   title: str) -> dict[str, FieldValue]:
    return {
        "so_ky_hieu": number,
        "ngay_ban_hanh": day.isoformat(),
        "co_quan_ban_hanh": agency.issuer,
        "trich_yeu": subject,
        "nguoi_ky": signer,
        "chuc_vu": title,
    }


def _result_qr(rng: random.Random, qr: bool | None, agency: Agency, issued: dt.date,
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
                            printed=_printed_at(issued, hour, minute))


def quyet_dinh(rng: random.Random, pages: int | None = None,
               qr: bool | None = None) -> SampleDocument:
    """Quyết định: bases, "QUYẾT ĐỊNH:", Điều 1-3; with ``pages=2`` an annex page. As a
    dossier's result printed by the one-stop system it may carry the corner QR code."""
    p = _pick_province(rng)
    agency = province_ubnd(rng, p) if rng.random() < 0.7 else district_ubnd(rng, p)
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/QĐ-{agency.abbr}"
    subject_t, bases, articles, annex = rng.choice(phrases.QD_SUBJECTS)
    provincial = agency.area == p.label
    office_unit = ("Văn phòng Ủy ban nhân dân " + ("thành phố" if p.city else "tỉnh")
                   if provincial else
                   f"Văn phòng Hội đồng nhân dân và {agency.short}")
    values: dict[str, object] = {
        "pl": agency.area,
        "short": agency.short,
        "office_unit": office_unit,
        "office": f"Chánh {office_unit}",
        "centre": (f"Trung tâm Phục vụ hành chính công {agency.area}" if provincial
                   else f"Bộ phận Một cửa {agency.area}"),
        "award": "Bằng khen" if provincial else "Giấy khen",
        "justice": "Sở Tư pháp" if provincial else "Phòng Tư pháp",
        "heads": ("Giám đốc các sở, Thủ trưởng các ban, ngành" if provincial
                  else "Trưởng các phòng, ban chuyên môn"),
        "lower": ("Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố" if provincial
                  else "Chủ tịch Ủy ban nhân dân các xã, phường, thị trấn"),
        "prev": day.year - 1,
        "year": day.year,
        "n": f"{rng.randint(6, 9):02d}",
        "a": f"{rng.randint(2, 4):02d}",
        "b": f"{rng.randint(4, 7):02d}",
        "m1": data.format_money(rng.choice((1_500_000, 2_000_000, 2_500_000))),
        "m2": data.format_money(rng.choice((800_000, 1_000_000, 1_200_000))),
        "old": f"{data.doc_number(rng)}/QĐ-{agency.abbr}",
        "old_date": data.short_date(data.working_day(rng, dt.date(2019, 1, 2),
                                                      dt.date(2022, 12, 28))),
    }
    subject = _fmt(subject_t, **values)
    with_annex = pages == 2 or (pages is None and rng.random() < 0.4)
    lines, title = signer_lines(rng, agency, on_behalf=False)
    signer = data.full_name(rng)
    size = _body_size(rng)
    if with_annex:
        size = 13.0  # keep the decision itself on the first page

    header = official_header(agency, number, data.date_line(agency.place, day))
    first: list[Block] = [
        header,
        centred("QUYẾT ĐỊNH", bold=True, size=14, after=2),
        centred(subject, bold=True, size=14, rule=0.33, after=10),
        centred(f"{agency.head} {agency.name}", bold=True, size=14, after=8),
    ]
    chosen = [phrases.LEGAL_BASES[k] for k in bases]
    if rng.random() < 0.5:
        chosen = chosen[:3]
    proposer, report = rng.choice(phrases.PROPOSERS_PROVINCE if provincial
                                  else phrases.PROPOSERS_DISTRICT)
    proposal = "Theo đề nghị của " + _fmt(proposer, **values)
    if report:
        report_day = day - dt.timedelta(days=rng.randint(3, 20))
        proposal += f" tại Tờ trình số {data.doc_number(rng)}/{report} {data.long_date(report_day)}"
    first += [body(b, italic=True, size=size) for b in chosen]
    first.append(body(proposal + ".", italic=True, size=size))
    first.append(centred("QUYẾT ĐỊNH:", bold=True, size=14, before=4, after=8))
    texts = [_fmt(a, **values) for a in articles] + [
        _fmt(rng.choice(phrases.QD_EXECUTION), **values)
    ]
    for i, text in enumerate(texts, start=1):
        first.append(para(Run(f"Điều {i}.", bold=True), text, size=size, indent=INDENT))
    receivers = ["Như Điều 3;", f"TT HĐND {agency.area};", "CT, các PCT UBND;",
                 f"Lưu: VT, {agency.unit}."]
    first.append(footer([f"- {r}" for r in receivers],
                        signature_column(lines, signer, _seed(rng))))
    annex_blocks = _qd_annex(rng, annex, agency, number, day, values) if with_annex else None
    level = "tinh" if provincial else "huyen"
    corner = _result_qr(rng, qr, agency, day, f"Quyết định số {number}",
                        [pr for pr in phrases.PROCEDURES if pr.level == level])
    if corner is not None:
        first[0] = make_room_for_qr(header, corner)
    doc_pages: list[tuple[Block, ...]] = [tuple(first)]
    if annex_blocks is not None:
        doc_pages.append(tuple(annex_blocks))
    fields = _common_fields(agency, number, day, subject, signer, title)
    return SampleDocument("quyet_dinh", f"Quyết định {number}", tuple(doc_pages), fields, size,
                          corner_qr=corner)


def _qd_annex(rng: random.Random, kind: str, agency: Agency, number: str, day: dt.date,
              values: dict[str, object]) -> list[Block]:
    ref = (f"(Kèm theo Quyết định số {number} ngày {data.short_date(day)} của "
           f"{'Chủ tịch ' if kind != 'regulation' else ''}{agency.short})")
    blocks: list[Block] = []
    if kind == "procedures":
        blocks += [centred("DANH MỤC THỦ TỤC HÀNH CHÍNH", bold=True, size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12)]
        procs = rng.sample(phrases.PROCEDURES, k=int(str(values["n"])))
        rows = tuple((str(i), pr.code, pr.name, pr.field) for i, pr in enumerate(procs, 1))
        blocks.append(Table((0.07, 0.16, 0.52, 0.25),
                            ("TT", "Mã thủ tục", "Tên thủ tục hành chính", "Lĩnh vực"),
                            rows, size=12, centred_columns=(0, 1)))
    elif kind == "award":
        blocks += [centred("DANH SÁCH", bold=True, size=14),
                   centred(f"Tập thể, cá nhân được tặng {values['award']}", bold=True, size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12),
                   para(Run("I. TẬP THỂ", bold=True), align="left", size=13, after=4)]
        units = rng.sample(phrases.UNITS, k=int(str(values["a"])))
        blocks.append(Table((0.08, 0.92), ("TT", "Tên tập thể"),
                            tuple((str(i), u) for i, u in enumerate(units, 1)), size=13))
        blocks.append(para(Run("II. CÁ NHÂN", bold=True), align="left", size=13, after=4))
        blocks.append(_people_table(rng, int(str(values["b"])), None))
    elif kind == "team":
        blocks += [centred("DANH SÁCH THÀNH VIÊN TỔ CÔNG TÁC", bold=True, size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12)]
        roles = ["Tổ trưởng", "Tổ phó"] + ["Thành viên"] * rng.randint(4, 7)
        blocks.append(_people_table(rng, len(roles), roles))
    else:
        blocks += [centred("QUY CHẾ", bold=True, size=14),
                   centred("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", bold=True,
                           size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12),
                   centred("Chương I", bold=True, size=13),
                   centred("QUY ĐỊNH CHUNG", bold=True, size=13, after=8)]
        for i, (heading, text) in enumerate(phrases.REGULATION_ARTICLES, start=1):
            blocks.append(para(Run(f"Điều {i}. {heading}", bold=True), size=13, indent=INDENT,
                               after=3))
            blocks.append(body(_fmt(text, **values), size=13))
    return blocks


def _people_table(rng: random.Random, count: int, roles: Sequence[str] | None) -> Table:
    """Annex table of officials: name, position and unit (and team role)."""
    rows: list[tuple[str, ...]] = []
    for i in range(count):
        male = rng.random() < 0.5
        who = f"{'Ông' if male else 'Bà'} {data.full_name(rng, male)}"
        position = rng.choice(phrases.POSITIONS)
        rows.append((str(i + 1), who, position) + ((roles[i],) if roles else ()))
    if roles:
        return Table((0.07, 0.3, 0.45, 0.18), ("TT", "Họ và tên", "Chức vụ, đơn vị công tác",
                                                  "Nhiệm vụ"), tuple(rows), size=13,
                     centred_columns=(0, 3))
    return Table((0.08, 0.34, 0.58), ("TT", "Họ và tên", "Chức vụ, đơn vị công tác"),
                 tuple(rows), size=13)


def cong_van(rng: random.Random, pages: int | None = None,
             qr: bool | None = None) -> SampleDocument:
    """Công văn: "V/v ..." under the number, Kính gửi, numbered requests, closing."""
    del pages, qr
    p = _pick_province(rng)
    vv_t, intro_t, items, closing_kind, issuers = rng.choice(phrases.CV_SUBJECTS)
    issuer = rng.choice(issuers)
    if issuer == "ubnd":
        agency = province_ubnd(rng, p)
    elif issuer == "district":
        agency = district_ubnd(rng, p)
    else:
        which = {"justice": DEPT_JUSTICE, "planning": DEPT_PLANNING, "home": DEPT_HOME,
                 "ict": DEPT_ICT}[issuer]
        agency = department(rng, p, which)
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/{agency.abbr}-{agency.unit}"
    plan_day = data.working_day(rng, day - dt.timedelta(days=120), day - dt.timedelta(days=10))
    values: dict[str, object] = {
        "short": agency.short,
        "quarter": rng.choice(("I", "II", "III", "IV")),
        "year": day.year,
        "field": rng.choice(phrases.PROCEDURES).field.lower(),
        "deadline": data.short_date(data.add_working_days(day, rng.randint(5, 12))),
        "email": agency.email,
        "pl_short": "tỉnh" if not p.city else "thành phố",
        "plan": f"{data.doc_number(rng)}/KH-UBND ngày {data.short_date(plan_day)}",
    }
    vv = _fmt(vv_t, **values)
    size = _body_size(rng)
    lines, title = signer_lines(rng, agency, delegated=agency.collective and rng.random() < 0.3)
    signer = data.full_name(rng)
    blocks: list[Block] = [official_header(agency, number, data.date_line(agency.place, day),
                                           subject=vv)]
    recipients = [_fmt(r, **values) for r in rng.choice(phrases.CV_RECIPIENTS)]
    kinh_gui = 58 * MM
    blocks.append(para("Kính gửi:", f"- {recipients[0]}", align="left", size=size,
                       left=kinh_gui - 17 * MM, after=0, before=4))
    for r in recipients[1:]:
        blocks.append(para(f"- {r}", align="left", size=size, left=kinh_gui + 4 * MM, after=0))
    blocks.append(Spacer(10))
    blocks.append(body(_fmt(intro_t, **values), size=size))
    for i, item in enumerate(items, start=1):
        blocks.append(body(f"{i}. {_fmt(item, **values)}", size=size))
    blocks.append(body(_fmt(phrases.CV_CLOSINGS[closing_kind], **values), size=size))
    receivers = ["- Như trên;", "- Lưu: VT, " + agency.unit + "."]
    if agency.collective:
        receivers.insert(1, "- CT, các PCT UBND;")
    else:
        receivers.insert(1, f"- UBND {p.label} (b/c);")
    blocks.append(footer(receivers, signature_column(lines, signer, _seed(rng))))
    fields = _common_fields(agency, number, day, vv.removeprefix("V/v "), signer, title)
    return SampleDocument("cong_van", f"Công văn {number}", (tuple(blocks),), fields, size)


def thong_bao(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """Thông báo: notice of an office move, a system outage, citizen reception, conclusions."""
    del pages, qr
    p = _pick_province(rng)
    roll = rng.random()
    agency = (province_ubnd(rng, p) if roll < 0.35 else district_ubnd(rng, p) if roll < 0.7
              else ward_ubnd(rng, data.random_place(rng, p)))
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/TB-{agency.abbr}"
    subject_t, paragraphs = rng.choice(phrases.TB_SUBJECTS)
    d1 = data.add_working_days(day, rng.randint(2, 12))
    values: dict[str, object] = {
        "short": agency.short,
        "d1": data.short_date(d1) if rng.random() < 0.5 else data.long_date(d1)[5:],
        "d2": data.short_date(data.add_working_days(d1, rng.randint(1, 3))),
        "phone": f"0{rng.randint(200, 299)}{rng.randint(0, 9_999_999):07d}",
        "email": agency.email,
        "address": data.street_address(rng, data.random_place(rng, p)),
        "month": d1.month,
        "year": d1.year,
        "pct": f"{rng.randint(950, 999) / 10:.1f}".replace(".", ","),
    }
    subject = _fmt(subject_t, **values)
    size = _body_size(rng)
    lines, title = signer_lines(rng, agency)
    signer = data.full_name(rng)
    blocks: list[Block] = [
        official_header(agency, number, data.date_line(agency.place, day)),
        centred("THÔNG BÁO", bold=True, size=14, after=2),
        centred(subject, bold=True, size=14, rule=0.33, after=12),
    ]
    blocks += [body(_fmt(t, **values), size=size) for t in paragraphs]
    receivers = ["- Như trên;", "- Cổng thông tin điện tử;", "- Lưu: VT."]
    blocks.append(footer(receivers, signature_column(lines, signer, _seed(rng))))
    fields = _common_fields(agency, number, day, subject, signer, title)
    return SampleDocument("thong_bao", f"Thông báo {number}", (tuple(blocks),), fields, size)


def to_khai(rng: random.Random, pages: int | None = None,
            qr: bool | None = None) -> SampleDocument:
    """A citizen's application form (tờ khai / đơn đề nghị) filled in with typed values."""
    del pages, qr
    p = _pick_province(rng)
    day = data.working_day(rng)
    person = data.make_person(rng, day, p)
    variant = rng.randrange(3)
    size = 13.0
    sig = _seed(rng)
    place = data.random_place(rng, p)
    fields: dict[str, FieldValue] = {
        "ho_ten": person.name,
        "ngay_sinh": person.birth_date.isoformat(),
        "gioi_tinh": person.gender,
        "so_dinh_danh": person.personal_id,
    }
    ethnic = rng.choice(phrases.ETHNICITIES)
    if variant == 0:
        proc = phrases.PROCEDURES[0]
        target = department(rng, p, which=0)
        blocks: list[Block] = motto_header("Mẫu số 03/2013/TT-LLTP")
        blocks += [
            centred("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", bold=True, size=14),
            centred("(Dùng cho cá nhân có yêu cầu cấp Phiếu lý lịch tư pháp)", italic=True,
                    size=13, after=8),
            centred(f"Kính gửi: {target.full}", size=14, after=12),
            labelled("1. Họ, chữ đệm, tên người yêu cầu", person.upper_name, bold_value=True),
            fields_row(("2. Giới tính", person.gender),
                       ("3. Ngày, tháng, năm sinh", data.form_date(person.birth_date)),
                       stops=(0.0, 0.38)),
            labelled("4. Nơi sinh", person.birth_province.full_name),
            fields_row(("5. Quốc tịch", "Việt Nam"), ("6. Dân tộc", ethnic), stops=(0.0, 0.38)),
            labelled("7. Nơi thường trú", person.address),
            labelled("8. Nơi tạm trú", "Không"),
            labelled("9. Số định danh cá nhân", person.personal_id),
            fields_row(("Ngày cấp", data.form_date(data.working_day(rng, dt.date(2021, 3, 1),
                                                                     dt.date(2022, 12, 30)))),
                       ("Nơi cấp", "Cục Cảnh sát QLHC về TTXH"), stops=(0.0, 0.38)),
            fields_row(("10. Số điện thoại", person.phone), ("Email", person.email),
                       stops=(0.0, 0.38)),
        ]
        father = data.full_name(rng, True)
        mother = data.full_name(rng, False)
        blocks += [
            labelled("11. Họ và tên cha", father.upper()),
            labelled("12. Họ và tên mẹ", mother.upper()),
            labelled("13. Mục đích sử dụng Phiếu lý lịch tư pháp",
                     rng.choice(("Bổ sung hồ sơ xin việc", "Xuất khẩu lao động",
                                 "Bổ sung hồ sơ du học", "Đăng ký hành nghề luật sư"))),
            labelled("14. Số lượng Phiếu lý lịch tư pháp yêu cầu cấp",
                     f"{rng.randint(1, 3):02d} Phiếu", after=8),
            body("Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách nhiệm "
                 "trước pháp luật về lời khai của mình.", italic=True, size=size),
        ]
        fields |= {"quoc_tich": "Việt Nam", "noi_sinh": person.birth_province.full_name,
                   "noi_thuong_tru": person.address, "so_dien_thoai": person.phone,
                   "email": person.email, "ho_ten_cha": father, "ho_ten_me": mother}
        signer_title, note = "NGƯỜI KHAI", "(Ký, ghi rõ họ tên)"
    elif variant == 1:
        proc = phrases.PROCEDURES[6]
        target = ward_ubnd(rng, place)
        blocks = motto_header()
        status = rng.choice(("Hiện tại chưa đăng ký kết hôn với ai",
                             "Đã ly hôn, hiện tại chưa đăng ký kết hôn với ai",
                             "Chưa đăng ký kết hôn với ai"))
        blocks += [
            centred("TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", bold=True, size=14,
                    after=8),
            centred(f"Kính gửi: {target.full}", size=14, after=12),
            labelled("Họ, chữ đệm, tên người yêu cầu", person.upper_name, bold_value=True),
            labelled("Nơi cư trú", person.address),
            labelled("Giấy tờ tùy thân", f"Căn cước công dân số {person.personal_id}"),
            labelled("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân", "Bản thân",
                     after=8),
            para("Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
                 align="left", size=size, after=6),
            fields_row(("Họ, chữ đệm, tên", person.upper_name), ("Giới tính", person.gender),
                       stops=(0.0, 0.66)),
            fields_row(("Ngày, tháng, năm sinh", data.form_date(person.birth_date)),
                       ("Dân tộc", ethnic), ("Quốc tịch", "Việt Nam"),
                       stops=(0.0, 0.42, 0.66)),
            labelled("Quê quán", person.hometown),
            labelled("Số định danh cá nhân", person.personal_id),
            labelled("Nơi cư trú", person.address),
            labelled("Tình trạng hôn nhân", status),
            labelled("Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
                     rng.choice(("Để đăng ký kết hôn", "Để bổ sung hồ sơ vay vốn ngân hàng",
                                 "Để làm thủ tục chuyển nhượng quyền sử dụng đất")), after=8),
            body("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách "
                 "nhiệm trước pháp luật về cam đoan của mình.", italic=True, size=size),
        ]
        fields |= {"quoc_tich": "Việt Nam", "que_quan": person.hometown,
                   "noi_cu_tru": person.address}
        signer_title, note = "NGƯỜI YÊU CẦU", "(Ký, ghi rõ họ, chữ đệm, tên)"
    else:
        proc = phrases.PROCEDURES[7]
        target_place = place
        head = data.make_person(rng, day, p, min_age=35)
        relation = rng.choice(("Chồng", "Con", "Cháu", "Em") if person.male
                              else ("Vợ", "Con", "Cháu", "Em"))
        blocks = motto_header("Mẫu CT01")
        blocks += [
            centred("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", bold=True, size=14, after=8),
            centred(f"Kính gửi: Công an {target_place.ward_label}, {target_place.district.label}",
                    size=14, after=12),
            labelled("1. Họ, chữ đệm và tên", person.upper_name, bold_value=True),
            fields_row(("2. Ngày, tháng, năm sinh", data.form_date(person.birth_date)),
                       ("3. Giới tính", person.gender), stops=(0.0, 0.55)),
            labelled("4. Số định danh cá nhân", person.personal_id),
            fields_row(("5. Số điện thoại liên hệ", person.phone), ("6. Email", person.email),
                       stops=(0.0, 0.48)),
            labelled("7. Họ, chữ đệm và tên chủ hộ", head.upper_name),
            labelled("8. Mối quan hệ với chủ hộ", relation),
            labelled("9. Số định danh cá nhân của chủ hộ", head.personal_id),
            labelled("10. Nội dung đề nghị", f"Đăng ký thường trú vào hộ gia đình tại "
                     f"{data.street_address(rng, target_place)}"),
            labelled("11. Những thành viên trong hộ gia đình cùng thay đổi", "Không", after=8),
        ]
        fields |= {"so_dien_thoai": person.phone, "email": person.email}
        signer_title, note = "NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)"
    if variant:  # the marital-status and residence forms name their procedure
        fields["ten_thu_tuc"] = proc.name
    right = (centred(data.date_line(p.place, day), italic=True, size=13, after=2),
             *signature_column([signer_title], person.name, sig, note=note))
    blocks.append(Columns((), right, split=0.42, space_before=6))
    return SampleDocument("to_khai", f"Tờ khai - {proc.name}", (tuple(blocks),), fields, size)


RECEIPT_NAME = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


def giay_tiep_nhan(rng: random.Random, pages: int | None = None,
                   qr: bool | None = None) -> SampleDocument:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, Circular 01/2018/TT-VPCP);
    with ``pages=2`` the dossier's control slip (Mẫu 02) follows. Printed by the one-stop
    system, it carries the corner QR code unless ``qr`` is False."""
    p = _pick_province(rng)
    proc = rng.choice(phrases.PROCEDURES)
    if proc.level == "tinh":
        agency = service_centre(rng, p)
        office = agency.full
    elif proc.level == "huyen":
        agency = district_ubnd(rng, p)
        office = f"Bộ phận Một cửa {agency.full.split(',')[0]}"
    else:
        agency = ward_ubnd(rng, data.random_place(rng, p))
        office = f"Bộ phận Một cửa {agency.full.split(',')[0]}"
    received = data.working_day(rng)
    due = data.add_working_days(received, proc.days)
    code = data.dossier_code(rng, agency.code, received)
    person = data.make_person(rng, received, p)
    clerk = data.full_name(rng)
    hour = rng.choice((7, 8, 9, 10, 11, 13, 14, 15, 16))
    minute = rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50))
    due_hour = rng.choice((8, 9, 10, 14, 15, 16))
    size = 13.0
    corner = None if qr is False else one_stop_payload(
        dossier=code, procedure=proc.code, applicant_id=person.personal_id,
        document=RECEIPT_NAME, system=system_host(p),
        printed=_printed_at(received, hour, minute), due=due)
    header = agency_motto_header(agency)
    blocks: list[Block] = [
        header if corner is None else make_room_for_qr(header, corner),
        centred("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", bold=True, size=14, after=2),
        centred(f"Mã hồ sơ: {code}", bold=True, size=13, after=2),
        centred("(Liên: Giao khách hàng)", italic=True, size=13, after=10),
        para(f"{office} tiếp nhận hồ sơ của:", align="left", size=size, after=3),
        labelled(person.honorific, person.name, bold_value=True),
        labelled("Địa chỉ", person.address),
        fields_row(("Số điện thoại", person.phone), ("Email", person.email), stops=(0.0, 0.42)),
        labelled("Nội dung yêu cầu giải quyết", proc.name),
        labelled("Mã thủ tục", proc.code, after=6),
        para("1. Thành phần hồ sơ nộp gồm:", align="left", size=size, after=4),
    ]
    papers = list(proc.papers)
    rows = []
    for i, paper in enumerate(papers, start=1):
        kind = rng.choice(("Bản chính", "Bản sao", "Bản chụp")) if i > 1 else "Bản chính"
        rows.append((str(i), paper, kind, f"{rng.randint(1, 2):02d}"))
    blocks.append(Table((0.08, 0.56, 0.2, 0.16), ("TT", "Tên giấy tờ", "Hình thức", "Số lượng"),
                        tuple(rows), size=12, centred_columns=(0, 2, 3)))
    blocks += [
        para("2. Số lượng hồ sơ: 01 (bộ)", align="left", size=size, after=3),
        para(f"3. Thời gian giải quyết hồ sơ theo quy định là: {proc.days:02d} ngày làm việc",
             align="left", size=size, after=3),
        para(f"4. Thời gian nhận hồ sơ: {hour:02d} giờ {minute:02d} phút, ngày "
             f"{data.form_date(received)}", align="left", size=size, after=3),
        para(f"5. Thời gian trả kết quả giải quyết hồ sơ: {due_hour:02d} giờ 00 phút, ngày "
             f"{data.form_date(due)}", align="left", size=size, after=3),
        para(f"6. Đăng ký nhận kết quả tại: {rng.choice((office, 'Dịch vụ bưu chính công ích'))}",
             align="left", size=size, after=3),
        para(f"Vào Sổ theo dõi hồ sơ, Quyển số: {rng.randint(1, 9):02d}, Số thứ tự: "
             f"{code[-4:]}", align="left", size=size, after=4),
        Columns(
            signature_column(["NGƯỜI NỘP HỒ SƠ"], person.name, _seed(rng),
                             note="(Ký và ghi rõ họ tên)"),
            signature_column(["NGƯỜI TIẾP NHẬN HỒ SƠ"], clerk, _seed(rng),
                             note="(Ký và ghi rõ họ tên)"),
            split=0.5, space_before=6,
        ),
    ]
    doc_pages: list[tuple[Block, ...]] = [tuple(blocks)]
    if pages == 2 or (pages is None and rng.random() < 0.3):
        doc_pages.append(tuple(_control_slip(agency, office, proc.handler, code, received, due,
                                             hour, minute)))
    fields: dict[str, FieldValue] = {
        "ma_ho_so": code,
        "ma_thu_tuc": proc.code,
        "ten_thu_tuc": proc.name,
        "ngay_nhan": received.isoformat(),
        "ngay_hen_tra": due.isoformat(),
        "nguoi_nop": person.name,
        "noi_thuong_tru": person.address,
        "so_dien_thoai": person.phone,
        "email": person.email,
        "co_quan_ban_hanh": office,
    }
    return SampleDocument("giay_tiep_nhan", f"Giấy tiếp nhận hồ sơ {code}", tuple(doc_pages),
                          fields, size, corner_qr=corner)


def _control_slip(agency: Agency, office: str, handler: str, code: str,
                  received: dt.date, due: dt.date, hour: int, minute: int) -> list[Block]:
    handling = handler
    mid = data.add_working_days(received, max(1, (due - received).days // 3))
    rows = (
        (f"1. Giao: {office}\n2. Nhận: {handling}",
         f"{hour:02d} giờ {minute:02d} phút, ngày {data.form_date(received)}", "", ""),
        (f"1. Giao: {handling}\n2. Nhận: Lãnh đạo phê duyệt",
         f"10 giờ 00 phút, ngày {data.form_date(mid)}", "", ""),
        (f"1. Giao: Lãnh đạo phê duyệt\n2. Nhận: {office}",
         f"15 giờ 30 phút, ngày {data.form_date(due)}", "", ""),
        ("1. Giao: Bộ phận trả kết quả\n2. Nhận: Tổ chức, cá nhân", "", "", ""),
    )
    return [
        agency_motto_header(agency),
        centred("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", bold=True, size=14, after=2),
        centred(f"Mã hồ sơ: {code}", bold=True, size=13, after=2),
        centred("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", italic=True, size=13,
                after=10),
        labelled("Cơ quan (bộ phận) giải quyết hồ sơ", handling),
        labelled("Cơ quan phối hợp giải quyết hồ sơ", "Không", after=8),
        Table((0.36, 0.28, 0.22, 0.14),
              ("Tên cơ quan", "Thời gian giao, nhận hồ sơ", "Kết quả giải quyết", "Ghi chú"),
              rows, size=12, centred_columns=(1,)),
    ]


def _dkdn_header(p: Province, qr_payload: str | None = None) -> Columns:
    office = "PHÒNG ĐĂNG KÝ KINH DOANH" if qr_payload is None else "PHÒNG ĐĂNG KÝ\nKINH DOANH"
    header = header_columns(
        [centred(f"SỞ KẾ HOẠCH VÀ ĐẦU TƯ\n{p.full_name.upper()}", size=12),
         centred(office, bold=True, size=13, rule=0.4)],
        national_motto(),
    )
    return header if qr_payload is None else make_room_for_qr(header, qr_payload)


ENTERPRISE_SYSTEM = "dangkykinhdoanh.gov.vn"  # the national business registration system


def giay_chung_nhan_dkdn(rng: random.Random, pages: int | None = None,
                         qr: bool | None = None) -> SampleDocument:
    """Giấy chứng nhận đăng ký doanh nghiệp (Phòng Đăng ký kinh doanh); printed by the
    registration system it may carry the corner QR code."""
    del pages
    p = _pick_province(rng)
    dept = department(rng, p, which=1)
    first_day = data.working_day(rng, dt.date(2008, 1, 2), dt.date(2023, 12, 28))
    changes = rng.choice((0, 0, 1, 2, 3))
    issue_day = first_day if changes == 0 else data.working_day(rng, first_day + dt.timedelta(
        days=90), data.WORK_END)
    code = data.tax_code(rng, p)
    short_kind, long_kind, en_kind, en_abbr = rng.choice(phrases.COMPANY_KINDS)
    line_vi, line_en = rng.choice(phrases.COMPANIES)
    brand = rng.choice(phrases.BRANDS)
    name_vi = f"{short_kind} {line_vi} {brand}"
    name_en = f"{data.ascii_fold(brand)} {line_en} {en_kind}"
    abbr = f"{data.ascii_fold(brand).replace(' ', '')} {en_abbr}"
    address = data.street_address(rng, data.random_place(rng, p))
    rep = data.make_person(rng, first_day, p, min_age=25, max_age=65)
    capital = rng.choice((500, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000)) * 1_000_000
    phone = data.phone_number(rng)
    email = (f"info@{data.ascii_fold(brand).lower().replace(' ', '')}"
             f"{rng.choice(('.vn', '.com.vn', '.com'))}")
    head_title = rng.choice(("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"))
    signer = data.full_name(rng)
    size = 13.0
    line = data.long_date(first_day)
    blocks: list[Block] = [
        _dkdn_header(p),
        centred("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", bold=True, size=15, after=2),
        centred(long_kind, bold=True, size=14, after=8),
        centred(f"Mã số doanh nghiệp: {code}", bold=True, size=14, after=2),
        centred(f"Đăng ký lần đầu: {line}", italic=True, size=13, after=2),
    ]
    if changes:
        blocks.append(centred(f"Đăng ký thay đổi lần thứ: {changes}, "
                              f"{data.long_date(issue_day)}", italic=True, size=13, after=2))
    blocks += [
        Spacer(8),
        para(Run("1. Tên công ty", bold=True), align="left", size=size, after=2),
        labelled("Tên công ty viết bằng tiếng Việt", name_vi, bold_value=True),
        labelled("Tên công ty viết bằng tiếng nước ngoài", name_en),
        labelled("Tên công ty viết tắt", abbr, after=6),
        para(Run("2. Địa chỉ trụ sở chính", bold=True), align="left", size=size, after=2),
        para(address, align="left", size=size, after=2),
        fields_row(("Điện thoại", phone), ("Email", email), stops=(0.0, 0.45), after=6),
        para(Run("3. Vốn điều lệ:", bold=True), f"{data.format_money(capital)} đồng",
             align="left", size=size, after=2),
        labelled("Bằng chữ", data.money_words(capital), after=6),
        para(Run("4. Người đại diện theo pháp luật của công ty", bold=True), align="left",
             size=size, after=2),
        fields_row(("Họ và tên", rep.upper_name), ("Giới tính", rep.gender),
                   stops=(0.0, 0.6)),
        labelled("Chức danh", rng.choice(("Giám đốc", "Tổng giám đốc", "Chủ tịch công ty"))),
        fields_row(("Sinh ngày", data.form_date(rep.birth_date)), ("Dân tộc", "Kinh"),
                   ("Quốc tịch", "Việt Nam"), stops=(0.0, 0.4, 0.64)),
        labelled("Loại giấy tờ pháp lý của cá nhân", "Căn cước công dân"),
        labelled("Số giấy tờ pháp lý của cá nhân", rep.personal_id),
        labelled("Địa chỉ thường trú", rep.address, after=10),
        Columns((), signature_column([head_title], signer, _seed(rng)), split=0.45),
    ]
    corner = _result_qr(rng, qr, dept, issue_day, "Giấy chứng nhận đăng ký doanh nghiệp",
                        [pr for pr in phrases.PROCEDURES if pr.code == "2.002042"], rep,
                        ENTERPRISE_SYSTEM)
    if corner is not None:
        blocks[0] = _dkdn_header(p, corner)
    fields: dict[str, FieldValue] = {
        "ma_so_doanh_nghiep": code,
        "ten_doanh_nghiep": name_vi,
        "dia_chi_tru_so": address,
        "nguoi_dai_dien": rep.name,
        "ngay_dang_ky": first_day.isoformat(),
        "so_dinh_danh": rep.personal_id,
        "ngay_sinh": rep.birth_date.isoformat(),
        "gioi_tinh": rep.gender,
        "quoc_tich": "Việt Nam",
        "noi_thuong_tru": rep.address,
        "so_dien_thoai": phone,
        "email": email,
        "co_quan_ban_hanh": f"Phòng Đăng ký kinh doanh, {dept.full}",
        "nguoi_ky": signer,
        "chuc_vu": _title_case(head_title),
    }
    return SampleDocument("giay_chung_nhan_dkdn", f"Giấy chứng nhận đăng ký doanh nghiệp {code}",
                          (tuple(blocks),), fields, size, corner_qr=corner)


def bien_lai(rng: random.Random, pages: int | None = None,
             qr: bool | None = None) -> SampleDocument:
    """Biên lai thu phí, lệ phí (Decree 11/2020/NĐ-CP form 01BLP)."""
    del pages, qr
    p = _pick_province(rng)
    proc = rng.choice([pr for pr in phrases.PROCEDURES if pr.fee > 0])
    place = data.random_place(rng, p)
    if proc.level == "xa":
        agency = ward_ubnd(rng, place)
    elif proc.level == "huyen":
        agency = district_ubnd(rng, p)
    else:
        agency = department(rng, p, which=0 if proc.field == "Lý lịch tư pháp" else 1)
    day = data.working_day(rng)
    person = data.make_person(rng, day, p)
    copies = rng.randint(1, 3) if proc.fee <= 10_000 else 1
    amount = proc.fee * copies
    serial = f"{rng.randint(1, 9_999_999):07d}"
    symbol = f"{rng.choice('ABCDEGHK')}{rng.choice('ABCDEGHK')}-{day.year % 100}E"
    dossier = data.dossier_code(rng, agency.code, day)
    size = 13.0
    collector = data.full_name(rng)
    unit_name = agency.full.split(",")[0]
    blocks: list[Block] = [
        Columns(
            left=tuple(agency_lines(agency)),
            right=(para("Mẫu số: 01BLP2-001", align="left", size=12, left=22 * MM, after=0),
                   para(f"Ký hiệu: {symbol}", align="left", size=12, left=22 * MM, after=0),
                   para(Run("Số: "), Run(serial, bold=True), align="left", size=12,
                        left=22 * MM, after=0)),
            split=0.52, bleed_left=8 * MM, space_after=14,
        ),
        centred("BIÊN LAI THU PHÍ, LỆ PHÍ", bold=True, size=16, after=2),
        centred("(Liên 2: Giao cho người nộp tiền)", italic=True, size=13, after=12),
        labelled("Tên đơn vị thu phí, lệ phí", unit_name),
        labelled("Mã số thuế", data.tax_code(rng, p)),
        labelled("Tên người nộp tiền", person.name),
        labelled("Địa chỉ", person.address),
        labelled("Mã hồ sơ", dossier),
        labelled("Tên loại phí, lệ phí", proc.fee_name),
        labelled("Số tiền", f"{data.format_money(amount)} đồng", bold_value=True),
        para(f"(Viết bằng chữ: {data.money_words(amount)})", align="left", size=size, after=3),
        labelled("Hình thức thanh toán", rng.choice(("Tiền mặt", "Chuyển khoản")), after=8),
        para(Run(data.long_date(day).capitalize(), italic=True), align="right", size=13,
             after=4),
        Columns(
            signature_column(["NGƯỜI NỘP TIỀN"], person.name, _seed(rng),
                             note="(Ký, ghi rõ họ tên)"),
            signature_column(["NGƯỜI THU TIỀN"], collector, _seed(rng),
                             note="(Ký, ghi rõ họ tên)"),
            split=0.5,
        ),
    ]
    fields: dict[str, FieldValue] = {
        "nguoi_nop": person.name,
        "so_tien": amount,
        "noi_dung_thu": proc.fee_name,
        "ngay_ban_hanh": day.isoformat(),
        "co_quan_ban_hanh": unit_name,
        "ma_ho_so": dossier,
        "noi_thuong_tru": person.address,
    }
    return SampleDocument("bien_lai", f"Biên lai thu phí, lệ phí số {serial}", (tuple(blocks),),
                          fields, size)


# ---------------------------------------------------------------- identity card

CARD = PageSetup(85.6 * MM, 54 * MM, 3 * MM, 3 * MM, 2.5 * MM, 2 * MM, numbered=False)
CARD_ISSUED = (dt.date(2021, 1, 4), dt.date(2024, 6, 28))  # the chip CCCD's years
CARD_SIGNER_TITLE = "CỤC TRƯỞNG CỤC CẢNH SÁT\nQUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"
CARD_SIGNER_TITLE_EN = ("DIRECTOR GENERAL OF THE POLICE DEPARTMENT\n"
                        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER")
CARD_ISSUER = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
CARD_FEATURES = (
    "Nốt ruồi C:1cm dưới trước đầu mày trái",
    "Nốt ruồi C:1,5cm trên sau mép phải",
    "Sẹo chấm C:2cm dưới sau đuôi mắt trái",
    "Sẹo chấm C:1cm trên trước đầu mày phải",
    "Nốt ruồi C:2cm dưới sau cánh mũi trái",
)


def can_cuoc(rng: random.Random, pages: int | None = None,
             qr: bool | None = None) -> SampleDocument:
    """Chip citizen identity card (thẻ Căn cước công dân, 2021 model), ID-1 size: the front;
    with ``pages=2`` (by default about half the time) the back with the QR code as well.
    ``qr`` is ignored: the card's code comes with its back."""
    del qr
    with_back = pages == 2 or (pages is None and rng.random() < 0.5)
    p = _pick_province(rng)
    issued = data.working_day(rng, *CARD_ISSUED)
    person = data.make_person(rng, issued, p, min_age=14, max_age=57)
    expiry = data.cccd_expiry(person.birth_date, issued)  # issued before 58: never None
    old_id = (data.old_id_number(rng) if person.birth_date.year < 2003 and rng.random() < 0.7
              else None)
    six_fields = old_id is None and rng.random() < 0.5
    feature = rng.choice(CARD_FEATURES)
    director = data.full_name(rng, True)
    sig = _seed(rng)
    birth = data.form_date(person.birth_date)
    front: list[Block] = [
        Columns((Placeholder(11 * MM, 11 * MM, "circle"),),
                (centred(MOTTO_1, bold=True, size=6.5),
                 centred(MOTTO_2, bold=True, size=6.5, after=1.5),
                 centred("CĂN CƯỚC CÔNG DÂN", bold=True, size=10)),
                split=0.17, space_after=4),
        Columns((Placeholder(20 * MM, 25 * MM, space_after=2),
                 centred("Có giá trị đến / Date of expiry:", size=4.6),
                 centred(data.form_date(expiry) if expiry else "Không thời hạn", bold=True,
                         size=6.5)),
                (para(Run("Số / No.:"), Run(person.personal_id, bold=True), align="left",
                      size=8.5, after=1.5),
                 para("Họ và tên / Full name:", align="left", after=0),
                 para(Run(person.upper_name, bold=True), align="left", size=8, after=1.5),
                 para(f"Ngày sinh / Date of birth: {birth}", align="left", after=1),
                 para(f"Giới tính / Sex: {person.gender}", "Quốc tịch / Nationality: Việt Nam",
                      align="left", after=1),
                 para("Quê quán / Place of origin:", align="left", after=0),
                 para(person.hometown, align="left", after=1),
                 para("Nơi thường trú / Place of residence:", person.address, align="left",
                      after=0)),
                split=0.3),
    ]
    doc_pages: list[tuple[Block, ...]] = [tuple(front)]
    fields: dict[str, FieldValue] = {
        "so_dinh_danh": person.personal_id,
        "ho_ten": person.name,
        "ngay_sinh": person.birth_date.isoformat(),
        "gioi_tinh": person.gender,
        "quoc_tich": "Việt Nam",
        "que_quan": person.hometown,
        "noi_thuong_tru": person.address,
    }
    if expiry:
        fields["co_gia_tri_den"] = expiry.isoformat()
    if with_back:
        payload = cccd_payload(personal_id=person.personal_id, old_id=old_id, name=person.name,
                               birth=person.birth_date, sex=person.gender,
                               address=person.address, issued=issued, six_fields=six_fields)
        doc_pages.append((
            Columns((para("Đặc điểm nhân dạng / Personal identification:", align="left",
                          size=5.5, after=0),
                     para(feature, align="left", after=3),
                     para(f"Ngày, tháng, năm / Date, month, year: {data.form_date(issued)}",
                          align="left", size=5.5, after=2),
                     centred(CARD_SIGNER_TITLE, bold=True, size=5),
                     centred(CARD_SIGNER_TITLE_EN, size=4.2),
                     Signature(16.0, sig),
                     centred(director, bold=True, size=6.5)),
                    (QrCode(payload, 21 * MM, space_after=3 * MM),
                     Placeholder(11 * MM, 8.5 * MM)),
                    split=0.64),
        ))
        fields |= {"ngay_ban_hanh": issued.isoformat(), "co_quan_ban_hanh": CARD_ISSUER,
                   "nguoi_ky": director, "chuc_vu": f"Cục trưởng {CARD_ISSUER}"}
    return SampleDocument("can_cuoc", f"Căn cước công dân {person.personal_id}",
                          tuple(doc_pages), fields, 6.0, page=CARD, scan_scale=2)


# ---------------------------------------------------------------- civil status


def _birth_place(rng: random.Random, place: data.Place) -> str:
    """Where a child was born: a hospital of the province or a commune health station."""
    p = place.province
    roll = rng.random()
    if roll < 0.45:
        return f"Bệnh viện Đa khoa {p.label}"
    if roll < 0.7:
        return f"Bệnh viện Sản - Nhi {p.label}"
    if roll < 0.9:
        return f"Trạm Y tế {place.tail()}"
    return f"Trung tâm Y tế {place.district.label}, {p.label}"


def trich_luc_khai_sinh(rng: random.Random, pages: int | None = None,
                        qr: bool | None = None) -> SampleDocument:
    """Trích lục khai sinh (bản sao): a copy from the commune's birth register (form of
    Circular 04/2020/TT-BTP), with the birth date also in words."""
    del pages, qr
    p = _pick_province(rng)
    day = data.working_day(rng)
    child = data.make_person(rng, day, p, min_age=1, max_age=17)
    place = data.random_place(rng, child.birth_province)  # registered where the ID says
    agency = ward_ubnd(rng, place)
    registered = data.add_working_days(child.birth_date, rng.randint(2, 40))
    number, book = rng.randint(1, 380), rng.randint(1, 3)
    ethnic = rng.choice(phrases.ETHNICITIES)
    father = " ".join((child.family, *data.person_name(rng, True)[1:]))
    mother = data.full_name(rng, False)
    father_year = child.birth_date.year - rng.randint(22, 42)
    mother_year = child.birth_date.year - rng.randint(19, 38)
    residence = data.street_address(rng, place)
    birth_place = _birth_place(rng, place)
    home = data.random_place(rng, child.birth_province).tail()
    home = home[0].upper() + home[1:]
    lines, title = signer_lines(rng, agency)
    signer = data.full_name(rng)
    size = 13.0
    register_office = f"{agency.full}, {place.province.label}"
    left = agency_lines(agency)
    left.append(centred(f"Số: {number}/{registered.year}, Quyển số: {book:02d}", size=13,
                        before=8))
    blocks: list[Block] = [
        header_columns(left, national_motto()),
        centred("TRÍCH LỤC KHAI SINH", bold=True, size=15, after=0),
        centred("(Bản sao)", bold=True, size=14, after=12),
        labelled("Họ, chữ đệm, tên", child.upper_name, bold_value=True),
        labelled("Ngày, tháng, năm sinh", f"{data.form_date(child.birth_date)}, ghi bằng chữ: "
                 f"{data.date_words(child.birth_date)}"),
        fields_row(("Giới tính", child.gender), ("Dân tộc", ethnic), ("Quốc tịch", "Việt Nam"),
                   stops=(0.0, 0.3, 0.6)),
        labelled("Nơi sinh", birth_place),
        labelled("Quê quán", home),
        labelled("Số định danh cá nhân", child.personal_id, after=8),
    ]
    for relation, name, year in (("mẹ", mother, mother_year), ("cha", father, father_year)):
        blocks += [
            labelled(f"Họ, chữ đệm, tên người {relation}", name.upper()),
            fields_row(("Năm sinh", str(year)), ("Dân tộc", ethnic), ("Quốc tịch", "Việt Nam"),
                       stops=(0.0, 0.3, 0.6)),
            labelled("Nơi cư trú", residence, after=8),
        ]
    blocks += [
        labelled("Nơi đăng ký khai sinh", register_office),
        labelled("Ngày, tháng, năm đăng ký", data.form_date(registered), after=8),
        para(Run("Sao từ Sổ đăng ký khai sinh.", italic=True), align="left", size=size, after=6),
        Columns((), (centred(data.date_line(agency.place, day), italic=True, size=13, after=2),
                     *signature_column(lines, signer, _seed(rng))), split=0.42),
    ]
    fields: dict[str, FieldValue] = {
        "ho_ten": child.name,
        "ngay_sinh": child.birth_date.isoformat(),
        "gioi_tinh": child.gender,
        "so_dinh_danh": child.personal_id,
        "quoc_tich": "Việt Nam",
        "noi_sinh": birth_place,
        "que_quan": home,
        "ho_ten_me": mother,
        "ho_ten_cha": father,
        "ngay_dang_ky": registered.isoformat(),
        "co_quan_ban_hanh": agency.issuer,
        "nguoi_ky": signer,
        "chuc_vu": title,
        "ngay_ban_hanh": day.isoformat(),
    }
    return SampleDocument("trich_luc_khai_sinh", f"Trích lục khai sinh số {number}/"
                          f"{registered.year}", (tuple(blocks),), fields, size)


Template = Callable[[random.Random, int | None, bool | None], SampleDocument]

TEMPLATES: dict[str, Template] = {
    "quyet_dinh": quyet_dinh,
    "cong_van": cong_van,
    "to_khai": to_khai,
    "giay_tiep_nhan": giay_tiep_nhan,
    "thong_bao": thong_bao,
    "giay_chung_nhan_dkdn": giay_chung_nhan_dkdn,
    "bien_lai": bien_lai,
    "can_cuoc": can_cuoc,
    "trich_luc_khai_sinh": trich_luc_khai_sinh,
}
DOC_TYPES: tuple[str, ...] = tuple(TEMPLATES)
QR_DOC_TYPES = ("giay_tiep_nhan", "quyet_dinh", "giay_chung_nhan_dkdn")  # corner codes


def make_document(doc_type: str, rng: random.Random, pages: int | None = None, *,
                  qr: bool | None = None) -> SampleDocument:
    """Build one document of ``doc_type``; ``pages`` asks for 1 or 2 pages where the type
    allows it (quyet_dinh annex, giay_tiep_nhan control slip, can_cuoc back), otherwise it
    is ignored. ``qr`` None follows the type's habit for the corner QR code (giay_tiep_nhan
    always, quyet_dinh and giay_chung_nhan_dkdn about half the time, seeded), False leaves
    it out, True forces it on those three types; the ID card's code comes with its back."""
    try:
        template = TEMPLATES[doc_type]
    except KeyError:
        raise ValueError(f"unknown doc_type {doc_type!r}; choose from {DOC_TYPES}") from None
    return template(rng, pages, qr)
