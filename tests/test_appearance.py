"""Visible signatures (Decree 30/2020 Appendix I): placement from the page text, the pixels
the two signatures of an issued document put on the page, the copy block's text, and the
stamp font's checks.

The signing keys are self-signed RSA test doubles made here; nothing is validated against a
PKI (tests of the signer do that).  Renders use poppler (pdftoppm, pdftotext).
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import os
import random
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pikepdf
import pytest
import tzlocal
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import BaseStampStyle, TextStamp
from pyhanko_certvalidator.registry import SimpleCertificateStore

from pipeline.sign.appearance import (
    MM,
    SAO_Y,
    AppearanceError,
    Box,
    IsoTimeStampStyle,
    SignerBlock,
    attachment_label,
    check_vietnamese,
    copy_block_width,
    copy_style,
    find_signer_block,
    make_seal_png,
    make_signature_png,
    official_box,
    official_style,
    place_copy,
    place_issued,
    prepare_stamp_font,
    seal_box,
    seal_disc,
    seal_style,
)
from pipeline.sign.appearance.fonts import DEFAULT_FONT, REPERTOIRE, line_height, text_width
from samples.content import make_document
from samples.layout import Block, Columns, SampleDocument, Signature, Spacer
from samples.render import render_pdf

pytestmark = pytest.mark.skipif(not DEFAULT_FONT.is_file(), reason="needs fonts-liberation2")
#: Renders and text extraction by poppler, as a reader would see the signed file.
poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="needs poppler-utils")

AGENCY = "Ủy ban nhân dân tỉnh Nghệ An"
DPI = 100
PX = DPI / 72.0
Pixels = npt.NDArray[np.uint8]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", autouse=True)
def vietnam_time() -> Iterator[None]:
    """pyHanko takes /M and the stamp time from the local zone: make it Vietnam's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"
    time.tzset()
    tzlocal.reload_localzone()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
        tzlocal.reload_localzone()


@dataclasses.dataclass(frozen=True)
class Assets:
    font: Path
    signature: Path
    seal: Path


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    root = tmp_path_factory.mktemp("appearance")
    return Assets(
        font=prepare_stamp_font(root / "cache"),
        signature=make_signature_png(root / "chu-ky.png", "Võ Minh Lâm"),
        seal=make_seal_png(root / "con-dau.png", AGENCY),
    )


def _without_scribble(doc: SampleDocument) -> SampleDocument:
    """The sample generator draws a pen scribble where the official signs (for scans); an
    unsigned electronic document has a blank space there."""

    def fix(block: Block) -> Block:
        if isinstance(block, Columns):
            right = tuple(Spacer(item.height) if isinstance(item, Signature) else item
                          for item in block.right)
            return dataclasses.replace(block, right=right)
        return block

    pages = tuple(tuple(fix(b) for b in page) for page in doc.pages)
    return dataclasses.replace(doc, pages=pages)


@pytest.fixture(scope="module")
def decision() -> tuple[SampleDocument, bytes]:
    doc = _without_scribble(make_document("quyet_dinh", random.Random(3)))
    return doc, render_pdf(doc).pdf


def _test_signer(common_name: str) -> signers.SimpleSigner:
    """A self-signed RSA-2048 certificate and key (test double; no PKI involved)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn1_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=asn1_cert, signing_key=asn1_key,
                                cert_registry=SimpleCertificateStore.from_certs([asn1_cert]))


@pytest.fixture(scope="module")
def official_signer() -> signers.SimpleSigner:
    return _test_signer("Võ Minh Lâm")


@pytest.fixture(scope="module")
def agency_signer() -> signers.SimpleSigner:
    return _test_signer(AGENCY)


def _sign(data: bytes, signer: signers.SimpleSigner, field: str, box: Box,
          style: BaseStampStyle) -> bytes:
    """An approval signature (never certification: the seal must be able to follow) in a new
    visible field, as an incremental update."""
    meta = signers.PdfSignatureMetadata(field_name=field, certify=False, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    spec = fields.SigFieldSpec(sig_field_name=field, on_page=box.page, box=box.as_int_tuple())
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=out)
    return out.getvalue()


@dataclasses.dataclass(frozen=True)
class Issued:
    unsigned: bytes
    signed: bytes
    official: Box
    seal: Box
    block: SignerBlock


@pytest.fixture(scope="module")
def issued(decision: tuple[SampleDocument, bytes], assets: Assets,
           official_signer: signers.SimpleSigner,
           agency_signer: signers.SimpleSigner) -> Issued:
    _, pdf = decision
    boxes = place_issued(pdf)
    assert boxes.block is not None
    first = _sign(pdf, official_signer, "ChuKyNguoiCoThamQuyen", boxes.official,
                  official_style(assets.signature))
    second = _sign(first, agency_signer, "ChuKyCoQuan", boxes.seal,
                   seal_style(assets.seal, AGENCY, font=assets.font))
    assert second.startswith(first) and first.startswith(pdf)  # incremental updates only
    return Issued(pdf, second, boxes.official, boxes.seal, boxes.block)


# ---------------------------------------------------------------- helpers


def _render(pdf: bytes, page: int, tmp: Path) -> Pixels:
    src = tmp / f"render-{len(pdf)}.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(page + 1), "-l",
                    str(page + 1), "-singlefile", str(src), str(tmp / src.stem)], check=True)
    with Image.open(tmp / f"{src.stem}.png") as img:
        return np.asarray(img.convert("RGB"))


def _px_box(box: Box, page_height: float, grow: int = 1) -> tuple[int, int, int, int]:
    """Pixel rectangle (column/row start and end, exclusive) covering a box."""
    c0 = int(np.floor(box.x0 * PX)) - grow
    c1 = int(np.ceil(box.x1 * PX)) + grow
    r0 = int(np.floor((page_height - box.y1) * PX)) - grow
    r1 = int(np.ceil((page_height - box.y0) * PX)) + grow
    return c0, r0, c1, r1


def _inside(mask: npt.NDArray[np.bool_], rect: tuple[int, int, int, int]) -> npt.NDArray[
        np.bool_]:
    c0, r0, c1, r1 = rect
    region = np.zeros_like(mask)
    region[max(r0, 0):r1, max(c0, 0):c1] = True
    return mask & region


def _page_contents(pdf: bytes, page: int) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        contents = doc.pages[page].obj.get("/Contents")
        if isinstance(contents, pikepdf.Array):
            return b"\n".join(bytes(s.read_bytes()) for s in contents)
        assert isinstance(contents, pikepdf.Stream)
        return bytes(contents.read_bytes())


def _pdf_date(value: str) -> datetime:
    """A PDF date (``D:20250314092653+07'00'``) as an aware datetime."""
    found = re.fullmatch(r"D:(\d{14})([+-])(\d\d)'(\d\d)'?", value)
    assert found, value
    sign = 1 if found.group(2) == "+" else -1
    offset = sign * timedelta(hours=int(found.group(3)), minutes=int(found.group(4)))
    return datetime.strptime(found.group(1), "%Y%m%d%H%M%S").replace(tzinfo=timezone(offset))


def _signing_times(pdf: bytes) -> dict[str, datetime]:
    """``/M`` of every signature, by field name (read with pikepdf, not with pyHanko)."""
    out: dict[str, datetime] = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for field in doc.Root.AcroForm.Fields:
            if field.get("/FT") == "/Sig" and "/V" in field:
                out[str(field.T)] = _pdf_date(str(field.V.M))
    return out


# ---------------------------------------------------------------- (i) placement


def test_signer_block_of_a_decision(decision: tuple[SampleDocument, bytes]) -> None:
    doc, pdf = decision
    block = find_signer_block(pdf)
    assert block is not None
    assert block.page == 0
    assert block.title_lines[-1] == str(doc.fields["chuc_vu"]).upper()
    assert any(line.startswith(("TM.", "KT.")) for line in block.title_lines)
    assert block.name_text == str(doc.fields["nguoi_ky"])
    # The signing space lies between the title and the name, in the right-hand column.
    assert block.title.y0 > block.name.y1
    assert block.gap.y1 == pytest.approx(block.title.y0)
    assert block.gap.y0 == pytest.approx(block.name.y1)
    assert 15 * MM < block.gap.height < 40 * MM
    assert block.title.cx > block.page_box.cx and block.name.cx > block.page_box.cx


def test_signer_block_is_searched_from_the_last_page() -> None:
    doc = make_document("quyet_dinh", random.Random(3), pages=2)  # decision + annex page
    pdf = render_pdf(doc).pdf
    block = find_signer_block(pdf)
    assert len(doc.pages) == 2
    assert block is not None and block.page == 0
    assert block.name_text == str(doc.fields["nguoi_ky"])


def test_no_signer_block_on_a_receipt_without_one() -> None:
    pdf = render_pdf(make_document("bien_lai", random.Random(0))).pdf
    assert find_signer_block(pdf) is None
    with pytest.raises(AppearanceError, match="Không tìm thấy khối chữ ký"):
        place_issued(pdf)


def test_official_box_sits_in_the_signing_space(decision: tuple[SampleDocument, bytes],
                                                ) -> None:
    block = find_signer_block(decision[1])
    assert block is not None
    box = official_box(block)
    assert box.width == pytest.approx(50 * MM, abs=1)
    assert box.y1 <= block.title.y0 and box.y0 >= block.name.y1
    assert box.overlaps_x(block.gap)
    assert box.cx == pytest.approx((block.title.cx + block.name.cx) / 2, abs=1)
    assert box.height >= block.gap.height - 3 * MM - 1


def test_seal_geometry() -> None:
    official = Box(0, 345, 185, 487, 237)
    page = Box(0, 0, 0, 595.28, 841.89)
    widget = seal_box(official, 35, page_box=page)
    disc = seal_disc(widget, 35)
    # Real size, the disc's right edge a third into the signature, same vertical centre.
    assert disc.width == pytest.approx(35 * MM)
    assert disc.x1 == pytest.approx(official.x0 + official.width / 3, abs=1)
    assert disc.cy == pytest.approx(official.cy, abs=1)
    assert page.contains(widget)
    # A name under the strip pushes the strip below it.
    name = Box(0, 330, 166, 460, 180)
    moved = seal_box(official, 35, avoid=name, page_box=page)
    assert moved.y1 == widget.y1 and moved.y0 < name.y0 - 27
    # Near the bottom edge the widget is shifted up, not cut.
    low = seal_box(Box(0, 345, 10, 487, 62), 35, page_box=page)
    assert low.y0 >= 3 * MM - 0.5 and low.height == widget.height


def test_pinned_boxes_are_used_as_given(decision: tuple[SampleDocument, bytes]) -> None:
    pinned_official = Box(0, 100, 100, 240, 160)
    pinned_seal = Box(0, 60, 60, 180, 200)
    boxes = place_issued(decision[1], pinned_official, pinned_seal)
    assert (boxes.official, boxes.seal, boxes.block) == (pinned_official, pinned_seal, None)
    derived = place_issued(decision[1], pinned_official)
    assert derived.official == pinned_official
    assert seal_disc(derived.seal).x1 == pytest.approx(
        pinned_official.x0 + pinned_official.width / 3, abs=1)
    pinned_copy = Box(0, 300, 780, 560, 820)
    assert place_copy(decision[1], pinned_copy) == pinned_copy


# ---------------------------------------------------------------- (ii) pixels


@pytest.mark.integration
@poppler
def test_issued_document_pixels(issued: Issued, tmp_path: Path) -> None:
    page_height = issued.block.page_box.y1
    page = issued.block.page
    before = _render(issued.unsigned, page, tmp_path).astype(np.int16)
    after = _render(issued.signed, page, tmp_path).astype(np.int16)
    assert before.shape == after.shape
    changed = np.any(before != after, axis=2)
    official_rect = _px_box(issued.official, page_height)
    seal_rect = _px_box(issued.seal, page_height)

    # Nothing outside the two widgets changed: nothing was drawn on the page itself.
    in_widgets = _inside(changed, official_rect) | _inside(changed, seal_rect)
    assert changed.any()
    assert not (changed & ~in_widgets).any()
    assert _page_contents(issued.unsigned, page) == _page_contents(issued.signed, page)

    r, g, b = after[..., 0], after[..., 1], after[..., 2]
    blue = changed & (b > 110) & (b - r > 60) & (b - g > 40)
    red = changed & (r > 150) & (r - g > 80) & (r - b > 80)

    # Blue ink: only inside the official's box, centred between the title and the name.
    assert blue.sum() > 300
    assert not (blue & ~_inside(blue, official_rect)).any()
    rows = np.nonzero(blue)[0]
    centroid_y = page_height - rows.mean() / PX
    assert issued.block.name.y1 < centroid_y < issued.block.title.y0

    # Red ink: only inside the seal's widget, about 35 mm across.
    assert red.sum() > 1000
    assert not (red & ~_inside(red, seal_rect)).any()
    red_rows, red_cols = np.nonzero(red)
    assert (red_cols.max() - red_cols.min()) / PX == pytest.approx(35 * MM, rel=0.04)
    assert (red_rows.max() - red_rows.min()) / PX == pytest.approx(35 * MM, rel=0.04)

    # The seal covers the left third of the signature image and not the rest.
    third = issued.official.x0 + issued.official.width / 3
    red_on_signature = _inside(red, official_rect)
    on_cols = np.nonzero(red_on_signature)[1]
    assert red_on_signature.sum() > 100
    assert on_cols.max() / PX <= third + 2
    assert on_cols.min() / PX <= issued.official.x0 + 2
    # ...and the signature's right two thirds keep their blue ink visible.
    assert (np.nonzero(blue)[1] / PX > third).sum() > 200


def test_issued_document_signatures(issued: Issued) -> None:
    reader = PdfFileReader(io.BytesIO(issued.signed))
    sigs = reader.embedded_regular_signatures
    assert [s.field_name for s in sigs] == ["ChuKyNguoiCoThamQuyen", "ChuKyCoQuan"]
    assert "/Perms" not in reader.root  # approval signatures only: no certification
    times = _signing_times(issued.signed)
    assert set(times) == {"ChuKyNguoiCoThamQuyen", "ChuKyCoQuan"}
    assert all(t.utcoffset() == timedelta(hours=7) for t in times.values())


@pytest.mark.integration
@poppler
def test_seal_text_shows_agency_and_signing_time(issued: Issued, tmp_path: Path) -> None:
    lines = _bbox_lines(issued.signed, issued.block.page, tmp_path)
    seal_text = [ln for ln in lines if _in_box(ln, issued.seal, issued.block.page_box.y1)]
    texts = [ln["text"] for ln in seal_text]
    assert AGENCY in texts
    shown = datetime.fromisoformat(next(t for t in texts if re.fullmatch(_ISO, t)))
    assert shown == _signing_times(issued.signed)["ChuKyCoQuan"]


# ---------------------------------------------------------------- (iii) copy block

_ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00"


def _bbox_lines(pdf: bytes, page: int, tmp: Path) -> list[dict[str, Any]]:
    """Lines of a page as pdftotext reads them (which includes widget appearances)."""
    src = tmp / f"text-{len(pdf)}.pdf"
    src.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page + 1), "-l",
                           str(page + 1), str(src), "-"], check=True, capture_output=True,
                          text=True).stdout
    root = ET.fromstring(html)
    lines = []
    for line in root.iter("{http://www.w3.org/1999/xhtml}line"):
        words = [w.text or "" for w in line.iter("{http://www.w3.org/1999/xhtml}word")]
        lines.append({"text": " ".join(words),
                      **{k: float(line.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")}})
    return lines


def _in_box(line: dict[str, Any], box: Box, page_height: float) -> bool:
    return bool(box.x0 - 1 <= line["xMin"] and line["xMax"] <= box.x1 + 1
                and page_height - box.y1 - 1 <= line["yMin"]
                and line["yMax"] <= page_height - box.y0 + 1)


@pytest.mark.integration
@poppler
def test_copy_block(decision: tuple[SampleDocument, bytes], assets: Assets,
                    agency_signer: signers.SimpleSigner, tmp_path: Path) -> None:
    _, pdf = decision
    width = copy_block_width(SAO_Y, AGENCY, font=assets.font)
    box = place_copy(pdf, width=width)
    signed = _sign(pdf, agency_signer, "SaoY", box, copy_style(SAO_Y, AGENCY, font=assets.font))
    page_width, page_height = 595.2756, 841.8898

    lines = _bbox_lines(signed, 0, tmp_path)
    block = [ln for ln in lines if _in_box(ln, box, page_height)]
    assert [ln["text"] for ln in block][:2] == [SAO_Y, AGENCY]  # diacritics intact
    assert len(block) == 3 and re.fullmatch(_ISO, block[2]["text"])
    # Top right of the page: in the top margin, right edge on the right margin.
    assert all(ln["yMax"] <= 20 * MM for ln in block)
    assert all(ln["xMin"] > page_width / 2 for ln in block)
    assert max(ln["xMax"] for ln in block) == pytest.approx(page_width - 20 * MM, abs=1.5)
    # 10 pt: the extracted line height is the font's ascender-to-descender at 10 pt, lines
    # 12 pt apart, and the text is not letter-spaced (the 2048 units/em trap).
    for ln in block:
        assert ln["yMax"] - ln["yMin"] == pytest.approx(line_height(10, assets.font), abs=0.2)
    assert [b["yMin"] - a["yMin"] for a, b in itertools.pairwise(block)] == pytest.approx(
        [12, 12], abs=0.2)
    assert block[1]["xMax"] - block[1]["xMin"] == pytest.approx(
        text_width(AGENCY, 10, assets.font), rel=0.02)

    # The time shown is the signature's signing time (/M), Vietnam time.
    shown = datetime.fromisoformat(block[2]["text"])
    assert shown == _signing_times(signed)["SaoY"]
    assert shown.utcoffset() == timedelta(hours=7)
    reported = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0]
    assert reported.self_reported_timestamp == shown

    # Only the widget shows it: the page's own content is untouched.
    assert _page_contents(pdf, 0) == _page_contents(signed, 0)


def test_attachment_label() -> None:
    assert attachment_label("Quyết định", "1188/QĐ-UBND") == (
        "Kèm theo Quyết định số 1188/QĐ-UBND")


def test_iso_time_offset_has_a_colon() -> None:
    style = IsoTimeStampStyle(stamp_text="%(ts)s")
    stamp = style.create_stamp(PdfFileWriter(), None,  # type: ignore[arg-type]
                               {"ts": "2025-03-14T09:26:53+0700"})
    assert isinstance(stamp, TextStamp)
    assert stamp.text_params["ts"] == "2025-03-14T09:26:53+07:00"


def test_stamps_refuse_a_zone_other_than_vietnam(assets: Assets,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    tzlocal.reload_localzone()
    try:
        with pytest.raises(AppearanceError, match=r"\+07:00"):
            copy_style(SAO_Y, AGENCY, font=assets.font)
        with pytest.raises(AppearanceError, match=r"\+07:00"):
            seal_style(assets.seal, AGENCY, font=assets.font)
    finally:
        monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
        time.tzset()
        tzlocal.reload_localzone()


# ---------------------------------------------------------------- (iv) fonts


def test_prepared_font(assets: Assets) -> None:
    font = TTFont(str(assets.font))
    assert font["head"].unitsPerEm == 1000
    check_vietnamese(assets.font)
    assert assets.font.stat().st_size < 40_000
    mtime = assets.font.stat().st_mtime_ns
    assert prepare_stamp_font(assets.font.parent) == assets.font
    assert assets.font.stat().st_mtime_ns == mtime  # made once, then reused


def test_font_without_vietnamese_letters_is_refused(tmp_path: Path) -> None:
    font = TTFont(str(DEFAULT_FONT))
    options = subset.Options()
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options=options)
    # Everything Liberation Serif has for Vietnamese except the horn letters Ư ư.
    subsetter.populate(text=REPERTOIRE.replace("Ư", "").replace("ư", ""))
    subsetter.subset(font)
    broken = tmp_path / "NoHorn.ttf"
    font.save(str(broken))
    with pytest.raises(AppearanceError, match="thiếu 2 chữ cái tiếng Việt") as raised:
        check_vietnamese(broken)
    assert "Ư" in raised.value.message
    with pytest.raises(AppearanceError):
        prepare_stamp_font(tmp_path / "cache", broken)
    assert not (tmp_path / "cache").exists()


def test_text_outside_the_font_is_refused(assets: Assets) -> None:
    with pytest.raises(AppearanceError, match="không có các ký tự"):
        copy_style(SAO_Y, "Cơ quan 中文", font=assets.font)


# ---------------------------------------------------------------- images


def test_development_images(tmp_path: Path) -> None:
    sig = make_signature_png(tmp_path / "a.png", "Nguyễn Thị Hồng Nhung")
    again = make_signature_png(tmp_path / "b.png", "Nguyễn Thị Hồng Nhung")
    assert sig.read_bytes() == again.read_bytes()  # deterministic
    seal = make_seal_png(tmp_path / "s.png", AGENCY)
    with Image.open(sig) as s_img, Image.open(seal) as d_img:
        assert s_img.mode == d_img.mode == "RGBA"
        assert s_img.size == (591, 236)  # 50 x 20 mm at 300 dpi
        assert d_img.size == (413, 413)  # 35 mm at 300 dpi
        for img, ink in ((s_img, "blue"), (d_img, "red")):
            px = np.asarray(img)
            assert px[0, 0, 3] == 0  # transparent corner
            visible = px[px[..., 3] > 128][:, :3].astype(int)
            assert len(visible) > 1000
            r, g, b = visible.mean(axis=0)
            assert (b > r + 80) if ink == "blue" else (r > b + 120 and r > g + 120)


def test_image_without_transparency_is_refused(tmp_path: Path) -> None:
    flat = tmp_path / "scan.png"
    Image.new("RGB", (200, 80), (255, 255, 255)).save(flat)
    with pytest.raises(AppearanceError, match="nền trong suốt"):
        official_style(flat)
