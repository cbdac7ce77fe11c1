"""Odd and malicious files, generated at test time: hand-written PDF objects, raw TIFF bytes,
images with lying headers. Each is small; none needs anything decoded to be built."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_TEXT = b"BT /F1 18 Tf 72 760 Td (Giay chung nhan so 12345) Tj ET"


def stream(data: bytes, entries: bytes = b"") -> bytes:
    """A stream object's body (dictionary and data)."""
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF of exactly these objects (numbered from 1), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[number] if number in offsets
                else b"0000000000 65535 f \n")
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def text_page_pdf(page: bytes = b"/MediaBox [0 0 595 842]", pages: bytes = b"",
                  kids: bytes = b"[3 0 R]", count: int = 1,
                  extra: dict[int, bytes] | None = None) -> bytes:
    """One page of real text; ``page`` and ``pages`` are extra entries of the page and of
    the page tree's root, ``kids`` its /Kids."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids %s /Count %d %s >>" % (kids, count, pages),
        3: b"<< /Type /Page /Parent 2 0 R %s /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>" % page,
        4: stream(_TEXT),
        5: _FONT,
    }
    objects.update(extra or {})
    return raw_pdf(objects)


def pages_pdf(pages: list[tuple[bytes, bytes]]) -> bytes:
    """One page per (entries of the page, its content), all able to use the font /F1."""
    count = len(pages)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count)), count),
        3: _FONT,
    }
    for index, (entries, content) in enumerate(pages):
        objects[4 + 2 * index] = (b"<< /Type /Page /Parent 2 0 R %s /Contents %d 0 R "
                                  b"/Resources << /Font << /F1 3 0 R >> >> >>"
                                  % (entries, 5 + 2 * index))
        objects[5 + 2 * index] = stream(content)
    return raw_pdf(objects)


def mixed_pdf() -> bytes:
    """Three pages: a sound one, one of zero size, one whose /Rotate is a string."""
    return pages_pdf([(b"/MediaBox [0 0 595 842]", _TEXT),
                      (b"/MediaBox [0 0 0 0]", _TEXT),
                      (b"/MediaBox [0 0 595 842] /Rotate (ngang)", _TEXT)])


def poster_pdf() -> bytes:
    """A drawing on the largest page PDF allows (200×200 inches)."""
    return pages_pdf([(b"/MediaBox [0 0 14400 14400]", b"0 g 720 720 12960 12960 re f")])


def strip_pdf() -> bytes:
    """A 100×2000 pt strip of text: previews of it must stay small."""
    return pages_pdf([(b"/MediaBox [0 0 100 2000]", b"BT /F1 12 Tf 10 1900 Td (Dai) Tj ET")])


def image_page_pdf(width: int, height: int, image: bytes, *, in_form: bool = False,
                   data: bytes | None = None) -> bytes:
    """An A4 page drawing one image (``image`` holds the stream's filter and colour entries)
    over the whole page, directly or through a Form XObject (which also lists itself among
    its resources)."""
    header = b"/Type /XObject /Subtype /Image /Width %d /Height %d %s" % (width, height, image)
    if data is None:
        data = zlib.compress(b"\x00" * 4096)  # whatever the header claims: a few bytes
    place = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    if not in_form:
        return raw_pdf({
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            4: stream(place),
            5: stream(data, header),
        })
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /XObject << /Fm0 6 0 R >> >> >>",
        4: stream(b"/Fm0 Do"),
        5: stream(data, header),
        6: stream(place, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                         b"/Resources << /XObject << /Im0 5 0 R /Fm0 6 0 R >> >>"),
    })


def huge_bilevel_pdf() -> bytes:
    """A 35000×35000 black-and-white image (1.2 gigapixels) in a few hundred bytes."""
    return image_page_pdf(35000, 35000, b"/ColorSpace /DeviceGray /BitsPerComponent 1 "
                                        b"/Filter /FlateDecode")


def big_grey_pdf(in_form: bool = False) -> bytes:
    """A 12000×12000 greyscale image: 144 megapixels."""
    return image_page_pdf(12000, 12000, b"/ColorSpace /DeviceGray /BitsPerComponent 8 "
                                        b"/Filter /FlateDecode", in_form=in_form)


def _blank(kind: str) -> bytearray:
    """A 64×64 white image file of ``kind``, whose header is to be rewritten."""
    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, format=kind)
    return bytearray(buf.getvalue())


def lying_jpeg_pdf() -> bytes:
    """A JPEG whose dictionary says 64×64 but whose own header claims 40000×40000."""
    jpeg = _blank("JPEG")
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 40000, 40000)
    return image_page_pdf(64, 64, b"/ColorSpace /DeviceGray /BitsPerComponent 8 "
                                  b"/Filter /DCTDecode", data=bytes(jpeg))


def huge_inline_image_pdf() -> bytes:
    """An inline image (BI ... ID ... EI in the page's content) claiming 30000×30000."""
    data = zlib.compress(b"\x00" * 64)
    content = (b"q 595 0 0 842 0 0 cm BI /W 30000 /H 30000 /CS /G /BPC 1 /F /Fl ID "
               + data + b" EI Q")
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: stream(content),
    })


def corrupt_jpeg_pdf() -> bytes:
    """A scanner-style page whose one JPEG holds noise instead of a picture."""
    junk = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        4: stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
        5: stream(junk, b"/Type /XObject /Subtype /Image /Width 1240 /Height 1754 "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"),
    })


def broken_xref_pdf() -> bytes:
    """A sound page behind an xref table whose offsets all point to the wrong place."""
    good = text_page_pdf()
    head, _, tail = good.partition(b"xref\n")
    lines = tail.split(b"\n")
    for i, line in enumerate(lines):
        if line.endswith(b" n "):
            lines[i] = b"%010d 00000 n " % (int(line[:10]) + 7)
    return head + b"xref\n" + b"\n".join(lines)


def garbage_xref_pdf() -> bytes:
    """``startxref`` points into the middle of an object; the table itself is noise."""
    good = text_page_pdf()
    head, _, _ = good.partition(b"xref\n")
    return head + b"xref\n0 6\nnot a table at all\ntrailer\n<< /Size 6 >>\nstartxref\n20\n%%EOF\n"


def damaged_content_pdf() -> bytes:
    """A page of text whose compressed content breaks off after a dozen bytes."""
    broken = zlib.compress(_TEXT)[:12] + b"\x00garbage\xff" * 5
    return text_page_pdf(extra={4: stream(broken, b"/Filter /FlateDecode")})


def cyclic_tree_pdf() -> bytes:
    """The page tree's root lists itself among its kids."""
    return text_page_pdf(kids=b"[3 0 R 2 0 R]", count=2)


def cyclic_parent_pdf() -> bytes:
    """An intermediate /Pages node whose kids lead back to the root."""
    return text_page_pdf(kids=b"[6 0 R]", count=1, extra={
        6: b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 1 >>"})


def repeated_page_pdf() -> bytes:
    """The same page object listed twice in /Kids."""
    return text_page_pdf(kids=b"[3 0 R 3 0 R]", count=2)


def tiff_frames(count: int, size: int = 64) -> bytes:
    """A little-endian TIFF of ``count`` blank 1-bit frames sharing one strip of pixels;
    ``count`` in the thousands still takes a few hundred kilobytes."""
    row = (size + 7) // 8
    strip = b"\xff" * (row * size)
    out = bytearray(b"II*\x00")
    out += struct.pack("<I", 8 + len(strip))
    out += strip
    entries = [(256, 3, size), (257, 3, size), (258, 3, 1), (259, 3, 1), (262, 3, 0),
               (273, 4, 8), (277, 3, 1), (278, 3, size), (279, 4, len(strip))]
    ifd_size = 2 + 12 * len(entries) + 4
    start = len(out)
    for index in range(count):
        offset = start + index * ifd_size
        following = offset + ifd_size if index + 1 < count else 0
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            out += struct.pack("<HHI", tag, kind, 1) + struct.pack("<I", value)
        out += struct.pack("<I", following)
    return bytes(out)


def tiff_ifd_loop() -> bytes:
    """A TIFF whose second directory points back to the first."""
    data = bytearray(tiff_frames(2))
    last = len(data) - 4
    data[last:] = struct.pack("<I", struct.unpack("<I", data[4:8])[0])
    return bytes(data)


def png_header_lie() -> bytes:
    """A PNG whose header claims 40000×40000 pixels over a few bytes of data."""
    data = _blank("PNG")
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", 40000, 40000)
    crc = zlib.crc32(bytes(data[ihdr:ihdr + 17]))
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def truncated_jpeg() -> bytes:
    """The first half of a photo, as a copy interrupted half-way leaves it."""
    buf = io.BytesIO()
    Image.effect_noise((600, 800), 40).convert("RGB").save(buf, format="JPEG", quality=90)
    return buf.getvalue()[: len(buf.getvalue()) // 2]
