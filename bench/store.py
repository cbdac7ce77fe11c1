"""Store benchmark: sohoa's S3 store and index at 100,000 records, against the raw minio SDK.

    .venv/bin/python -m bench.store [--records 100000] [--threads 8] [--lookups 2000]

Starts a throw-away single-node Ceph radosgw (``tests/s3_server.py``: one monitor, one OSD on
``memstore``, the gateway on 127.0.0.1) and opens the store exactly as ``sohoa`` does
(``open_store`` with ``SOHOA_HOME`` and ``SOHOA_S3_*`` set): the S3 backend on bucket
``sohoa-bench`` and the default SQLite index ``$SOHOA_HOME/index.sqlite3``
(``bench/out/store/home``). Then, in one run:

1. **Ingest.** ``--records`` synthetic document records (no OCR; about 3 documents per
   citizen with 12-digit personal IDs; one-stop dossiers with a receipt, a form and results,
   most results signed by an official, some also sealed, most carrying ``ma_ho_so`` so they
   get portal names ``<ma_ho_so>-KQ01``…; a few unreadable IDs, a few conflicting values).
   Each is written with ``DocumentStore.put_record`` (JSON, S3 PUT with checksum, index
   upsert). The very same bytes also go to a second bucket through the raw minio SDK's
   ``put_object``. Both use a thread pool of ``--threads`` workers and alternate in chunks of
   ``--chunk`` records (sohoa first in even chunks, raw first in odd ones), so both see the
   same server state. A sequential sample (``--sequential`` records re-put, one at a time)
   gives the latency without queueing, with put_record's steps timed apart.
2. **Lookups** (one thread, ``--lookups`` random keys each, after 20 warm-up calls, every
   answer checked against the generator's truth): by ID in the index, the full record
   (``get_record``), a raw ``get_object`` of the same record object; a citizen's documents
   (index) and ``sohoa citizen``'s profile; a dossier's documents (index) and
   ``sohoa dossier``; a portal result name (index) and the result's record by that name.
3. **Reindex.** Some results are revoked first. The index file is deleted and
   ``sohoa store reindex`` is run in this process (the CLI command itself, through typer's
   runner), timed; then the whole sample of lookups taken before the deletion must come back
   identical.

Writes the "store" section of ``bench/RESULTS.md``; scratch under ``bench/out/store``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import importlib.metadata
import io
import json
import logging
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import urllib3
from minio import Minio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.index import Index, open_index, resolve, revoke  # noqa: E402
from pipeline.models import (  # noqa: E402
    Artifact,
    DocumentRecord,
    PageInfo,
    SignatureInfo,
    SourceInfo,
    Status,
    TextSource,
)
from pipeline.reuse import citizen_profile, dossier  # noqa: E402
from pipeline.store import DocumentStore, document_id, open_store, record_bytes  # noqa: E402
from tests.s3_server import Radosgw, start_radosgw  # noqa: E402

OUT = ROOT / "bench" / "out" / "store"
BUCKET = "sohoa-bench"
RAW_BUCKET = "raw-bench"
ICT = timezone(timedelta(hours=7))
WARMUP = 20
TARGET_LOOKUP_MS = 10.0
TARGET_OVERHEAD = 1.5
TARGET_REINDEX_S = 300.0

# -- synthetic data ------------------------------------------------------------------------
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Bích", "Hồng")
GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Long", "Nam", "Phong",
           "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Vinh")
GIVEN_F = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
           "Mai", "Nga", "Ngân", "Nhung", "Phương", "Thảo", "Trang", "Yến")
#: (CCCD province code, province, district/ward names) — codes as on the card.
PROVINCES = (
    ("001", "Hà Nội", ("Phường Dịch Vọng", "Phường Kim Liên", "Xã Đông Anh")),
    ("079", "TP Hồ Chí Minh", ("Phường Bến Nghé", "Phường 7", "Xã Bình Hưng")),
    ("027", "Bắc Ninh", ("Phường Suối Hoa", "Phường Vệ An", "Xã Hòa Long")),
    ("031", "Hải Phòng", ("Phường Máy Tơ", "Phường Lạch Tray", "Xã An Đồng")),
    ("048", "Đà Nẵng", ("Phường Hải Châu I", "Phường Thạc Gián", "Xã Hòa Vang")),
    ("038", "Thanh Hóa", ("Phường Điện Biên", "Phường Ba Đình", "Xã Quảng Thịnh")),
    ("040", "Nghệ An", ("Phường Hưng Bình", "Phường Lê Mao", "Xã Nghi Phú")),
    ("092", "Cần Thơ", ("Phường An Hòa", "Phường Xuân Khánh", "Xã Mỹ Khánh")),
)
PROCEDURES = (
    ("1.001193", "Đăng ký khai sinh", "trich_luc_khai_sinh"),
    ("1.004227", "Cấp bản sao trích lục hộ tịch", "trich_luc_khai_sinh"),
    ("2.001987", "Đăng ký thành lập doanh nghiệp tư nhân", "giay_chung_nhan_dkdn"),
    ("1.003003", "Hỗ trợ hộ gia đình có nhà ở bị hư hỏng", "quyet_dinh"),
    ("1.010729", "Giải quyết chế độ trợ cấp xã hội hằng tháng", "quyet_dinh"),
)
FILLER = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ về thực hiện "
    "thủ tục hành chính trên môi trường điện tử;",
    "Căn cứ Nghị định số 107/2021/NĐ-CP ngày 06 tháng 12 năm 2021 của Chính phủ sửa đổi, bổ "
    "sung một số điều của Nghị định số 61/2018/NĐ-CP;",
    "Theo đề nghị của Trưởng phòng Tư pháp và hồ sơ kèm theo.",
    "Hồ sơ gồm: tờ khai theo mẫu; giấy tờ tùy thân; các giấy tờ chứng minh khác theo quy định.",
    "Người nộp hồ sơ chịu trách nhiệm về tính chính xác của các thông tin đã kê khai.",
    "Quyết định này có hiệu lực kể từ ngày ký. Các cơ quan, đơn vị và cá nhân có liên quan "
    "chịu trách nhiệm thi hành Quyết định này./.",
    "Nơi nhận: Như Điều 3; Lưu: VT, TP.",
    "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp "
    "luật về cam đoan của mình.",
)


@dataclass(frozen=True)
class Citizen:
    so_dinh_danh: str
    ho_ten: str
    ngay_sinh: str
    gioi_tinh: str
    province: int
    ward: str
    phone: str
    father: str
    mother: str


@dataclass(frozen=True)
class Spec:
    """Everything needed to build one record and to know what the index must answer."""

    n: int
    doc_type: str
    citizen: int
    dossier: str | None  # the record's own valid ma_ho_so, if it has one
    created_at: str
    signatures: tuple[tuple[str, str], ...] = ()  # (role, signed_at)
    procedure: int = 0
    id_valid: bool = True  # the so_dinh_danh reading passed its checks
    noisy: bool = False  # a phone/address that disagrees with the citizen's other papers
    doc_id: str = ""

    @property
    def result(self) -> bool:
        return any(role in ("official", "seal") for role, _ in self.signatures)

    @property
    def role(self) -> str:
        return {"giay_tiep_nhan": "applicant",
                "giay_chung_nhan_dkdn": "representative"}.get(self.doc_type, "subject")

    @property
    def kind(self) -> str:
        if self.result:
            return "result"
        return "receipt" if self.doc_type == "giay_tiep_nhan" else "form"


@dataclass
class Truth:
    """What every lookup must answer, from the generator."""

    specs: list[Spec]
    citizens: list[Citizen]
    by_citizen: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    by_dossier: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Spec] = field(default_factory=dict)


def _name(rng: random.Random, female: bool) -> str:
    middle, given = (MIDDLE_F, GIVEN_F) if female else (MIDDLE_M, GIVEN_M)
    return f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(ICT).isoformat(timespec="seconds")


def generate(count: int, seed: int) -> Truth:
    """``count`` record specs: per citizen maybe an ID card, one dossier (receipt, form,
    0–2 results); about 3 documents per citizen."""
    rng = random.Random(seed)
    citizens: list[Citizen] = []
    specs: list[Spec] = []
    seen_ids: set[str] = set()
    dossier_seq: dict[str, int] = defaultdict(int)
    start = datetime(2023, 1, 3, 7, 30, tzinfo=ICT)
    while len(specs) < count:
        female = rng.random() < 0.5
        born = datetime(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        century = 0 if born.year < 2000 else 2
        prov = rng.randrange(len(PROVINCES))
        while True:
            sdd = (f"{PROVINCES[prov][0]}{century + female}{born.year % 100:02d}"
                   f"{rng.randrange(10 ** 6):06d}")
            if sdd not in seen_ids:
                seen_ids.add(sdd)
                break
        c = len(citizens)
        citizens.append(Citizen(sdd, _name(rng, female), born.date().isoformat(),
                                "Nữ" if female else "Nam", prov,
                                rng.choice(PROVINCES[prov][2]),
                                f"09{rng.randrange(10 ** 8):08d}", _name(rng, False),
                                _name(rng, True)))
        # Ingest times move forward through 2023–2025, a few documents a minute.
        when = start + timedelta(minutes=len(specs) * 7 + rng.randrange(5))
        papers: list[Spec] = []
        if rng.random() < 0.4:
            papers.append(Spec(0, "can_cuoc", c, None, _stamp(when),
                               id_valid=rng.random() > 0.02))
        unit, proc = rng.randrange(1, 40), rng.randrange(len(PROCEDURES))
        day = when.strftime("%y%m%d")
        prefix = f"000.00.{unit:02d}.H{PROVINCES[prov][0][1:]}-{day}"
        dossier_seq[prefix] += 1
        code = f"{prefix}-{dossier_seq[prefix]:04d}"
        received = when + timedelta(minutes=3)
        papers.append(Spec(0, "giay_tiep_nhan", c, code, _stamp(received), procedure=proc,
                           id_valid=rng.random() > 0.02))
        papers.append(Spec(0, "to_khai", c, code, _stamp(received + timedelta(minutes=1)),
                           procedure=proc, id_valid=rng.random() > 0.02,
                           noisy=rng.random() < 0.05))
        if rng.random() < 0.55:
            results = 2 if rng.random() < 0.2 else 1
            for r in range(results):
                made = received + timedelta(days=3 + r, hours=rng.randrange(8))
                signatures: tuple[tuple[str, str], ...] = ()
                if rng.random() < 0.85:  # signed by an official; 40 % also sealed
                    signed = made + timedelta(hours=1 + r * 2, minutes=rng.randrange(50))
                    signatures = (("official", _stamp(signed)),)
                    if rng.random() < 0.4:
                        signatures += (("seal", _stamp(signed + timedelta(minutes=5))),)
                has_code = rng.random() < 0.9  # the rest carry no one-stop QR code
                papers.append(Spec(0, PROCEDURES[proc][2], c, code if has_code else None,
                                   _stamp(made), signatures, proc,
                                   id_valid=rng.random() > 0.02))
        for spec in papers[: count - len(specs)]:
            n = len(specs)
            sha = hashlib.sha256(f"bench-store/{seed}/{n}".encode()).hexdigest()
            specs.append(Spec(n, spec.doc_type, spec.citizen, spec.dossier, spec.created_at,
                              spec.signatures, spec.procedure, spec.id_valid, spec.noisy,
                              document_id(sha)))
    return _truth(specs, citizens)


def _truth(specs: list[Spec], citizens: list[Citizen]) -> Truth:
    truth = Truth(specs, citizens)
    named: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s in specs:
        truth.by_id[s.doc_id] = s
        if s.id_valid:
            truth.by_citizen.setdefault(citizens[s.citizen].so_dinh_danh, set()).add(
                (s.doc_id, s.role))
        if s.dossier is not None:
            truth.by_dossier.setdefault(s.dossier, set()).add((s.doc_id, s.kind))
            if s.result:
                first = next(at for role, at in s.signatures if role in ("official", "seal"))
                named[s.dossier].append((datetime.fromisoformat(first)
                                         .astimezone(UTC).isoformat(), s.doc_id))
    for code, results in named.items():
        for seq, (_at, doc_id) in enumerate(sorted(results), 1):
            truth.names[f"{code}-KQ{seq:02d}"] = doc_id
    return truth


def _field(value: str, page: int, rng: random.Random, *, valid: bool = True,
           confidence: float | None = None, raw: str | None = None) -> dict[str, Any]:
    x, y = round(rng.uniform(60, 400), 1), round(rng.uniform(80, 700), 1)
    return {"value": value, "confidence": confidence if confidence is not None
            else round(rng.uniform(0.86, 0.995), 3),
            "page": page, "bbox": [x, y, round(x + rng.uniform(80, 300), 1), round(y + 13, 1)],
            "raw": raw if raw is not None else value, "valid": valid, "source": "ocr"}


def build(spec: Spec, truth: Truth) -> DocumentRecord:
    """The record the pipeline (and the signing batch) would have written for ``spec``."""
    rng = random.Random(spec.n * 7919 + 17)
    c = truth.citizens[spec.citizen]
    province = PROVINCES[c.province][1]
    ward = c.ward
    address = f"Số {rng.randrange(1, 300)}, {ward}, {province}"
    if spec.noisy:
        address = f"Số {rng.randrange(300, 600)}, {rng.choice(PROVINCES[c.province][2])}, " \
                  f"{province}"
    agency = f"Ủy ban nhân dân {ward.replace('Phường', 'phường').replace('Xã', 'xã')}"
    code, title, _ = PROCEDURES[spec.procedure]
    pages = 1 if spec.doc_type in ("can_cuoc", "giay_tiep_nhan") else rng.choice((1, 2, 2, 3))
    person = _field(c.so_dinh_danh, 1, rng, valid=spec.id_valid,
                    confidence=None if spec.id_valid else round(rng.uniform(0.3, 0.6), 3),
                    raw=c.so_dinh_danh if spec.id_valid else c.so_dinh_danh[:-2] + "?8")
    fields: dict[str, Any] = {}
    lines: list[str] = []
    created = datetime.fromisoformat(spec.created_at)
    if spec.doc_type == "can_cuoc":
        fields = {"so_dinh_danh": person, "ho_ten": _field(c.ho_ten, 1, rng),
                  "ngay_sinh": _field(c.ngay_sinh, 1, rng),
                  "gioi_tinh": _field(c.gioi_tinh, 1, rng),
                  "quoc_tich": _field("Việt Nam", 1, rng),
                  "que_quan": _field(f"{ward}, {province}", 1, rng),
                  "noi_thuong_tru": _field(address, 1, rng),
                  "co_gia_tri_den": _field(f"{int(c.ngay_sinh[:4]) + 60}{c.ngay_sinh[4:]}", 1,
                                           rng),
                  "ngay_ban_hanh": _field("2021-06-15", 1, rng)}
        lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "CĂN CƯỚC CÔNG DÂN", f"Số / No.: {c.so_dinh_danh}",
                 f"Họ và tên / Full name: {c.ho_ten.upper()}",
                 f"Ngày sinh / Date of birth: {c.ngay_sinh}", f"Giới tính / Sex: {c.gioi_tinh}",
                 "Quốc tịch / Nationality: Việt Nam", f"Quê quán: {ward}, {province}",
                 f"Nơi thường trú: {address}"]
    elif spec.doc_type == "giay_tiep_nhan":
        fields = {"ma_ho_so": _field(spec.dossier or "", 1, rng),
                  "ma_thu_tuc": _field(code, 1, rng), "ten_thu_tuc": _field(title, 1, rng),
                  "ngay_nhan": _field(created.date().isoformat(), 1, rng),
                  "ngay_hen_tra": _field((created + timedelta(days=5)).date().isoformat(), 1,
                                         rng),
                  "nguoi_nop": _field(c.ho_ten, 1, rng), "so_dinh_danh": person,
                  "co_quan_ban_hanh": _field(agency, 1, rng)}
        lines = [agency.upper(), "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
                 "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {spec.dossier}",
                 f"Thủ tục: {title} ({code})", f"Người nộp: {c.ho_ten}",
                 f"Số định danh cá nhân: {c.so_dinh_danh}",
                 f"Ngày nhận: {created:%d/%m/%Y}"]
    elif spec.doc_type == "to_khai":
        phone = f"09{rng.randrange(10 ** 8):08d}" if spec.noisy else c.phone
        fields = {"so_dinh_danh": person, "ho_ten": _field(c.ho_ten, 1, rng),
                  "ngay_sinh": _field(c.ngay_sinh, 1, rng),
                  "gioi_tinh": _field(c.gioi_tinh, 1, rng),
                  "noi_thuong_tru": _field(address, 1, rng),
                  "so_dien_thoai": _field(phone, 1, rng)}
        if spec.dossier:
            fields["ma_ho_so"] = _field(spec.dossier, 1, rng)
        lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 f"TỜ KHAI {title.upper()}", f"Kính gửi: {agency}",
                 f"Họ, chữ đệm, tên người yêu cầu: {c.ho_ten}",
                 f"Số định danh cá nhân: {c.so_dinh_danh}", f"Nơi cư trú: {address}",
                 f"Số điện thoại: {phone}"]
    else:
        kind = spec.doc_type
        fields = {"so_dinh_danh": person}
        if kind == "trich_luc_khai_sinh":
            fields |= {"ho_ten": _field(c.ho_ten, 1, rng), "ngay_sinh": _field(c.ngay_sinh, 1,
                                                                                rng),
                       "gioi_tinh": _field(c.gioi_tinh, 1, rng),
                       "noi_sinh": _field(f"Bệnh viện đa khoa {province}", 1, rng),
                       "ho_ten_cha": _field(c.father, 1, rng),
                       "ho_ten_me": _field(c.mother, 1, rng)}
            heading = "TRÍCH LỤC KHAI SINH"
        elif kind == "giay_chung_nhan_dkdn":
            fields |= {"ma_so_doanh_nghiep": _field(f"{rng.randrange(10 ** 10):010d}", 1, rng),
                       "ten_doanh_nghiep": _field(f"Doanh nghiệp tư nhân {c.ho_ten}", 1, rng),
                       "nguoi_dai_dien": _field(c.ho_ten, 1, rng),
                       "ngay_dang_ky": _field(created.date().isoformat(), 1, rng)}
            heading = "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP"
        else:
            number = f"{rng.randrange(1, 3000)}/QĐ-UBND"
            fields |= {"so_ky_hieu": _field(number, 1, rng),
                       "trich_yeu": _field(f"Về việc {title.lower()} cho ông/bà {c.ho_ten}", 1,
                                           rng),
                       "ngay_ban_hanh": _field(created.date().isoformat(), 1, rng),
                       "co_quan_ban_hanh": _field(agency, 1, rng),
                       "nguoi_ky": _field(_name(rng, rng.random() < 0.5), pages, rng),
                       "chuc_vu": _field("Chủ tịch", pages, rng)}
            heading = f"QUYẾT ĐỊNH\nSố: {number}"
        if spec.dossier:
            fields["ma_ho_so"] = _field(spec.dossier, 1, rng)
        lines = [agency.upper(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", heading, f"Họ và tên: {c.ho_ten}",
                 f"Số định danh cá nhân: {c.so_dinh_danh}", f"Ngày sinh: {c.ngay_sinh}"]
    target = rng.randrange(700, 2600) * pages // 2 + 400
    while sum(len(line) + 1 for line in lines) < target:
        lines.append(rng.choice(FILLER))
    sha = hashlib.sha256(f"bench-store/{spec.n}".encode()).hexdigest()
    source_size = rng.randrange(90_000, 900_000) * pages
    station = f"tram-{c.province + 1:02d}"
    base = f"documents/{spec.doc_id}"
    artifacts = {
        "original": Artifact(f"originals/sha256/{sha[:2]}/{sha}", sha, source_size,
                             "application/pdf"),
        "searchable": Artifact(f"{base}/searchable.pdf", _hex(rng), source_size + 40_000,
                               "application/pdf"),
        "text": Artifact(f"{base}/text.txt", _hex(rng), target * 3 // 2,
                         "text/plain; charset=utf-8"),
        "words": Artifact(f"{base}/words.json", _hex(rng), target * 18, "application/json"),
    }
    signatures = []
    for i, (role, at) in enumerate(spec.signatures, 1):
        name = f"sohoa-{role}-{role}"
        key = f"{base}/signed/{i:02d}-{name}.pdf"
        signer = (f"Common Name: {agency}, Organization: {agency}, Country: VN"
                  if role == "seal" else
                  f"Common Name: {_name(rng, False)}, Title: Chủ tịch, Organization: {agency}, "
                  f"User ID: CCCD:{PROVINCES[c.province][0]}08{rng.randrange(10 ** 7):07d}, "
                  "Country: VN")
        signed = SignatureInfo(name, role, role, "B-LTA" if role == "seal" else "B-LT", signer,
                               _hex(rng), "RSA 3072 bit, RSASSA-PSS, SHA256", at, key, _hex(rng),
                               source_size + 60_000 * i)
        signatures.append(signed)
        artifacts["signed"] = Artifact(key, signed.sha256, signed.size, "application/pdf")
    page_info = tuple(PageInfo(p, 2480, 3508, 300, TextSource.OCR,
                               round(rng.uniform(0.86, 0.97), 3)) for p in range(1, pages + 1))
    return DocumentRecord(
        id=spec.doc_id, status=Status.DONE if spec.id_valid else Status.REVIEW,
        doc_type=spec.doc_type,
        source=SourceInfo(f"{station}-{spec.n:06d}.pdf", sha, source_size, "application/pdf",
                          station, spec.created_at),
        pages=page_info, text="\n".join(lines), fields=fields, artifacts=artifacts,
        warnings=() if spec.id_valid else ("so_dinh_danh: không đọc chắc chắn",),
        created_at=spec.created_at, doc_type_confidence=round(rng.uniform(0.8, 0.99), 3),
        signatures=tuple(signatures))


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def body_of(record: DocumentRecord) -> bytes:
    """The bytes ``put_record`` writes (the same serialisation)."""
    return record_bytes(record)


# -- measuring -------------------------------------------------------------------------------
def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def slow_share(values: Sequence[float], limit: float = 0.1) -> float:
    return sum(v > limit for v in values) / len(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


class CpuClock:
    """CPU seconds of this process, of the radosgw daemons and of the whole machine."""

    def __init__(self, server: Radosgw) -> None:
        self.pids = [p.pid for p in server.processes.values()]

    def server(self) -> float:
        total = 0.0
        for pid in self.pids:
            with contextlib.suppress(OSError, IndexError, ValueError):
                parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
        return total

    @staticmethod
    def machine() -> float:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> tuple[float, float, float, float]:
        return (time.monotonic(), time.process_time(), self.server(), self.machine())

    def since(self, before: tuple[float, float, float, float]) -> Usage:
        now = self.snapshot()
        wall, own, server, machine = (a - b for a, b in zip(now, before, strict=True))
        return Usage(wall, own, server, max(0.0, machine - own - server))


@dataclass(frozen=True)
class Usage:
    wall: float
    own: float
    server: float
    foreign: float

    def text(self) -> str:
        cores = os.cpu_count() or 1
        return (f"{self.wall:.1f} s wall; CPU: benchmark {self.own:.0f} s, radosgw+OSD+mon "
                f"{self.server:.0f} s, other processes {self.foreign:.0f} s "
                f"({self.foreign / max(self.wall, 1e-9) / cores:.0%} of the machine)")


class ErrorCount(logging.Handler):
    """Counts ``put_record``'s "index not updated" errors (they are logged, not raised)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.first = self.first or record.getMessage()


@dataclass
class Ingest:
    sohoa: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    sohoa_wall: float = 0.0
    raw_wall: float = 0.0
    bytes: int = 0
    usage: Usage | None = None


def ingest(store: DocumentStore, raw: Minio, truth: Truth, threads: int, chunk: int,
           clock: CpuClock) -> Ingest:
    found = Ingest()
    total = len(truth.specs)
    before = clock.snapshot()

    def put_sohoa(record: DocumentRecord) -> float:
        t = time.perf_counter()
        store.put_record(record)
        return time.perf_counter() - t

    def put_raw(item: tuple[str, bytes]) -> float:
        t = time.perf_counter()
        raw.put_object(RAW_BUCKET, item[0], io.BytesIO(item[1]), len(item[1]),
                       content_type="application/json")
        return time.perf_counter() - t

    with ThreadPoolExecutor(threads) as pool:
        for i, start in enumerate(range(0, total, chunk)):
            records = [build(s, truth) for s in truth.specs[start:start + chunk]]
            bodies = [(store.record_key(r.id), body_of(r)) for r in records]
            found.bytes += sum(len(b) for _, b in bodies)
            for which in (("sohoa", "raw") if i % 2 == 0 else ("raw", "sohoa")):
                t0 = time.perf_counter()
                if which == "sohoa":
                    found.sohoa += pool.map(put_sohoa, records)
                    found.sohoa_wall += time.perf_counter() - t0
                else:
                    found.raw += pool.map(put_raw, bodies)
                    found.raw_wall += time.perf_counter() - t0
            done = start + len(records)
            if done % (chunk * 10) == 0 or done == total:
                print(f"  ingest {done}/{total}: sohoa {done / found.sohoa_wall:.0f}/s, raw "
                      f"{done / found.raw_wall:.0f}/s", file=sys.stderr, flush=True)
    found.usage = clock.since(before)
    return found


@dataclass
class Sequential:
    sohoa: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


def sequential(store: DocumentStore, raw: Minio, truth: Truth, count: int,
               rng: random.Random) -> Sequential:
    """Re-put a sample one at a time: raw, put_record, then put_record's steps apart."""
    found = Sequential()
    index = store.index
    assert index is not None
    for spec in rng.sample(truth.specs, min(count, len(truth.specs))):
        record = build(spec, truth)
        key, body = store.record_key(record.id), body_of(record)
        t = time.perf_counter()
        raw.put_object(RAW_BUCKET, key, io.BytesIO(body), len(body),
                       content_type="application/json")
        found.raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.put_record(record)
        found.sohoa.append(time.perf_counter() - t)
        # The same steps as put_record, timed one by one.
        t0 = time.perf_counter()
        data = body_of(record)
        t1 = time.perf_counter()
        store.objects.put_bytes(key, data, media_type="application/json")
        t2 = time.perf_counter()
        index.upsert(record)
        t3 = time.perf_counter()
        found.steps["serialise (to_dict + json.dumps)"].append(t1 - t0)
        found.steps["S3ObjectStore.put_bytes"].append(t2 - t1)
        found.steps["Index.upsert (SQLite)"].append(t3 - t2)
    return found


@dataclass(frozen=True)
class Lookup:
    name: str
    what: str
    times: list[float]
    wrong: int
    sample: int


def lookups(store: DocumentStore, raw: Minio, truth: Truth, count: int,
            rng: random.Random) -> list[Lookup]:
    index = store.index
    assert index is not None
    ids = [s.doc_id for s in truth.specs]
    citizens = sorted(truth.by_citizen)
    dossiers = sorted(truth.by_dossier)
    names = sorted(truth.names)

    def by_id(doc_id: str) -> bool:
        doc = index.document(doc_id)
        return doc is not None and doc.id == doc_id and doc.result == truth.by_id[doc_id].result

    def record(doc_id: str) -> bool:
        return store.get_record(doc_id).doc_type == truth.by_id[doc_id].doc_type

    def raw_get(doc_id: str) -> bool:
        response = raw.get_object(BUCKET, store.record_key(doc_id))
        try:
            data = response.read()
        finally:
            response.close()
            response.release_conn()
        return bool(data)

    def citizen(sdd: str) -> bool:
        got = {(d.document.id, d.role) for d in index.citizen_documents(sdd)}
        return got == truth.by_citizen[sdd]

    def profile(sdd: str) -> bool:
        found = citizen_profile(index, store, sdd)
        return {d["id"] for d in found.documents} == {i for i, _ in truth.by_citizen[sdd]}

    def in_dossier(code: str) -> bool:
        got = {(d.document.id, d.kind) for d in index.dossier_documents(code)}
        return got == truth.by_dossier[code]

    def dossier_cmd(code: str) -> bool:
        return {d["id"] for d in dossier(index, code).documents} == \
            {i for i, _ in truth.by_dossier[code]}

    def result(name: str) -> bool:
        return index.resolve_result(name) == truth.names[name]

    def result_record(name: str) -> bool:
        return store.get_record(resolve(store, name, warn=lambda _m: None)).id == \
            truth.names[name]

    cases: list[tuple[str, str, Sequence[str], Callable[[str], bool]]] = [
        ("id-index", "by ID: index row (`Index.document`)", ids, by_id),
        ("id-record", "by ID: full record (`DocumentStore.get_record`: one GET, verified)",
         ids, record),
        ("id-raw", "by ID: raw minio `get_object` of the same record object", ids, raw_get),
        ("citizen-index", "by citizen: documents (`Index.citizen_documents`)", citizens,
         citizen),
        ("citizen-profile", "by citizen: `sohoa citizen` profile (`citizen_profile`, reads "
         "each signed result's record)", citizens, profile),
        ("dossier-index", "by dossier: documents (`Index.dossier_documents`)", dossiers,
         in_dossier),
        ("dossier-cmd", "by dossier: `sohoa dossier` (`reuse.dossier`)", dossiers, dossier_cmd),
        ("result-index", "by portal result name (`Index.resolve_result`)", names, result),
        ("result-record", "by portal result name: its record (`resolve` with revocation "
         "check + `get_record`)", names, result_record),
    ]
    out = []
    for key, what, population, fn in cases:
        if not population:
            continue
        for ref in rng.choices(population, k=WARMUP):
            fn(ref)
        times, wrong = [], 0
        for ref in rng.choices(population, k=count):
            t = time.perf_counter()
            ok = fn(ref)
            times.append(time.perf_counter() - t)
            wrong += not ok
        out.append(Lookup(key, what, times, wrong, len(population)))
        print(f"  {key}: p50 {ms(pct(times, .5))} ms, p99 {ms(pct(times, .99))} ms, "
              f"wrong {wrong}", file=sys.stderr, flush=True)
    return out


def snapshot(index: Index, truth: Truth, rng: random.Random, size: int,
             revoked: Sequence[str]) -> dict[str, Any]:
    """A comparable picture of what the index answers for a random sample (and every
    revoked result)."""
    ids = rng.sample([s.doc_id for s in truth.specs], min(size, len(truth.specs)))
    ids += [i for i in revoked if i not in ids]
    citizens = rng.sample(sorted(truth.by_citizen), min(size, len(truth.by_citizen)))
    dossiers = rng.sample(sorted(truth.by_dossier), min(size, len(truth.by_dossier)))
    names = rng.sample(sorted(truth.names), min(size, len(truth.names)))
    return {
        "count": index.count(),
        "ids": {i: index.document(i) for i in ids},
        "citizens": {c: [(d.document, d.role) for d in index.citizen_documents(c)]
                     for c in citizens},
        "dossiers": {d: [(x.document, x.kind, x.result_name)
                         for x in index.dossier_documents(d)] for d in dossiers},
        "names": {n: index.resolve_result(n) for n in names},
        "revocations": {i: index.revocation(i) for i in revoked},
    }


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems = []
    for part, old in before.items():
        new = after[part]
        if part == "count":
            if old != new:
                problems.append(f"count {old} before, {new} after")
            continue
        bad = [k for k in old if old[k] != new.get(k)]
        if bad:
            problems.append(f"{part}: {len(bad)} of {len(old)} differ (e.g. {bad[0]})")
    return problems


def sizes(before: dict[str, Any]) -> str:
    return ", ".join(f"{len(v)} {k}" for k, v in before.items() if isinstance(v, dict))


# -- the run ---------------------------------------------------------------------------------
def machine_facts(server: Radosgw) -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2 ** 20:.0f} GiB RAM"
    ceph = subprocess.run(["radosgw", "--version"], capture_output=True, text=True,
                          check=False).stdout.split(" (")[0].strip()
    fs = subprocess.run(["df", "-T", str(OUT)], capture_output=True, text=True,
                        check=False).stdout.splitlines()[-1:]
    fs_type = fs[0].split()[1] if fs and len(fs[0].split()) > 1 else "?"

    def v(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return (f"{os.cpu_count()} cores ({model or platform.machine()}){mem}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"minio SDK {v('minio')}, SQLAlchemy {v('SQLAlchemy')}, SQLite "
            f"{sqlite3.sqlite_version} (index file on {fs_type}), {ceph} "
            f"(radosgw started in {server.started_in:.1f} s)")


def code_state() -> str:
    """The commit measured, and whether ``pipeline/`` differed from it (read-only git)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "?"
    dirty = [line.split(maxsplit=1)[-1]
             for line in git("status", "--porcelain", "--", "pipeline").splitlines() if line]
    if not dirty:
        return f"commit {commit}, `pipeline/` as committed"
    return (f"commit {commit} with uncommitted changes to {', '.join(f'`{d}`' for d in dirty)} "
            "(the working tree as it was when the run started)")


def bench_env(server: Radosgw, home: Path) -> dict[str, str]:
    ep = server.endpoint
    return {"SOHOA_HOME": str(home), "SOHOA_S3_ENDPOINT": f"http://{ep.endpoint}",
            "SOHOA_S3_ACCESS_KEY": ep.access_key, "SOHOA_S3_SECRET_KEY": ep.secret_key,
            "SOHOA_S3_BUCKET": BUCKET, "SOHOA_S3_REGION": ep.region}


def raw_client(server: Radosgw) -> Minio:
    """The baseline: the minio SDK as documented, with the same kind of connection pool
    sohoa's store builds (10 connections, no SDK retries)."""
    ep = server.endpoint
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=30, read=30), maxsize=10,
                               retries=False)
    return Minio(ep.endpoint, access_key=ep.access_key, secret_key=ep.secret_key,
                 secure=ep.secure, region=ep.region, http_client=http)


def delete_index(home: Path) -> list[str]:
    gone = []
    for suffix in ("", "-wal", "-shm"):
        path = home / f"index.sqlite3{suffix}"
        if path.exists():
            path.unlink()
            gone.append(path.name)
    return gone


@dataclass
class Reindex:
    seconds: float
    exit_code: int
    message: str
    usage: Usage
    problems: list[str]
    checked: str
    deleted: list[str]


def run_reindex(home: Path, env: dict[str, str], before: dict[str, Any], truth: Truth,
                rng_seed: int, revoked: Sequence[str], clock: CpuClock) -> Reindex:
    from typer.testing import CliRunner

    from pipeline.cli.main import app

    deleted = delete_index(home)
    start = clock.snapshot()
    t = time.perf_counter()
    result = CliRunner().invoke(app, ["store", "reindex"], env=env, catch_exceptions=True)
    seconds = time.perf_counter() - t
    usage = clock.since(start)
    message = " ".join(result.output.split())
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        message += f" ({result.exception!r})"
    index = open_index(load_settings())
    try:
        after = snapshot(index, truth, random.Random(rng_seed), len(before["citizens"]),
                         revoked)
    finally:
        index.close()
    return Reindex(seconds, result.exit_code, message, usage, compare(before, after),
                   sizes(before), deleted)


@dataclass(frozen=True)
class Breakdown:
    listing: float  # one full listing of documents/ (the CLI lists twice)
    sample: int
    fetch: float  # per record: get_record (one GET, verified, parsed)
    insert: float  # per record: Index.rebuild of the parsed records (rows + inserts)


def reindex_breakdown(store: DocumentStore, sample: int, rng: random.Random) -> Breakdown:
    """Where a reindex's time goes, measured on a sample (sequential, like the CLI)."""
    t = time.perf_counter()
    keys = [k for k in store.objects.list("documents/") if k.endswith("/record.json")]
    listing = time.perf_counter() - t
    chosen = rng.sample(keys, min(sample, len(keys)))
    t = time.perf_counter()
    for key in chosen:
        store.get_record(key.split("/")[1])
    fetch = (time.perf_counter() - t) / len(chosen)
    records = [store.get_record(key.split("/")[1]) for key in chosen]
    scratch = OUT / "breakdown.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    index = Index(f"sqlite:///{scratch}")
    try:
        t = time.perf_counter()
        index.rebuild(records, [])
        insert = (time.perf_counter() - t) / len(chosen)
    finally:
        index.close()
    return Breakdown(listing, len(chosen), fetch, insert)


def revoke_some(store: DocumentStore, truth: Truth, rng: random.Random, count: int) -> list[str]:
    chosen = rng.sample(sorted(truth.names.values()), min(count, len(truth.names)))
    for doc_id in chosen:
        revoke(store, doc_id, "Cấp sai thông tin người được cấp", "bench",
               _stamp(datetime(2025, 6, 1, 9, 0, tzinfo=ICT)))
    return chosen


def report(args: argparse.Namespace, command: str, facts: str, truth: Truth, ing: Ingest,
           seq: Sequential, found: list[Lookup], rx: Reindex, parts: Breakdown, revoked: int,
           index_errors: int, total_seconds: float, load: tuple[float, float],
           code: str) -> str:
    n = len(truth.specs)
    results = sum(s.result for s in truth.specs)
    by = {x.name: x for x in found}
    s50, r50 = statistics.median(ing.sohoa), statistics.median(ing.raw)
    ratio = s50 / r50
    q50, w50 = statistics.median(seq.sohoa), statistics.median(seq.raw)
    lines = [
        "# Store benchmark (kho: S3 + index)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %z')} by `{command}` in "
        f"{total_seconds / 60:.1f} min (load average before/after: {load[0]:.2f} / "
        f"{load[1]:.2f}).",
        "",
        f"Machine: {facts}.",
        "",
        f"Code: {code}.",
        "",
        "Server: Ceph radosgw in the single-node set-up of `tests/s3_server.py` (one monitor, "
        "one OSD on **memstore**, the gateway on 127.0.0.1, plain HTTP), started by this "
        "script and running **on the same 2-core machine** as the benchmark: the gateway, the "
        "OSD, the Python client threads and SQLite share two cores, and memstore keeps objects "
        "in RAM, so these are CPU-bound figures, not disk or network ones. sohoa runs exactly "
        "as the `sohoa` command opens it (`open_store` with `SOHOA_S3_*`: the S3 backend on "
        f"bucket `{BUCKET}`, the default SQLite index `$SOHOA_HOME/index.sqlite3`); the raw "
        f"baseline is the minio SDK's `put_object`/`get_object` on bucket `{RAW_BUCKET}` of "
        "the same server, with the same connection pool size (10).",
        "",
        f"Set: {n:,} synthetic document records (no OCR; {len(truth.citizens):,} citizens with "
        f"12-digit personal IDs, {n / len(truth.citizens):.2f} documents each; "
        f"{len(truth.by_dossier):,} one-stop dossiers with receipt, form and results; "
        f"{results:,} signed results, {len(truth.names):,} of them with a portal name "
        f"`<ma_ho_so>-KQnn`; about 2 % unreadable IDs and 5 % conflicting values), record JSON "
        f"{ing.bytes / n / 1024:.1f} KiB on average (as the pipeline writes it: pages, fields "
        "with provenance, artefact keys, signatures, the page text). Only `record.json` "
        "objects are stored; the artefacts they name are not.",
        "",
        f"## Ingest: {n:,} records, thread pool of {args.threads} for both, alternating in "
        f"chunks of {args.chunk}",
        "",
        "| writer | records/s | p50 ms | p99 ms | max ms |",
        "| --- | --- | --- | --- | --- |",
        f"| sohoa `DocumentStore.put_record` (JSON, S3 PUT with SHA-256 + Content-MD5, SQLite "
        f"upsert) | {n / ing.sohoa_wall:.0f} | {ms(s50)} | {ms(pct(ing.sohoa, .99))} | "
        f"{ms(max(ing.sohoa))} |",
        f"| raw minio `put_object` (same bytes, pre-serialised) | {n / ing.raw_wall:.0f} | "
        f"{ms(r50)} | {ms(pct(ing.raw, .99))} | {ms(max(ing.raw))} |",
        "",
        f"Ratio of medians sohoa / raw: **{ratio:.2f}×** (p99 "
        f"{pct(ing.sohoa, .99) / pct(ing.raw, .99):.2f}×, throughput raw / sohoa "
        f"{ing.sohoa_wall / ing.raw_wall:.2f}×). Index errors logged by `put_record`: "
        f"{index_errors}. Puts over 100 ms: sohoa {slow_share(ing.sohoa):.1%}, raw "
        f"{slow_share(ing.raw):.1%}. {ing.usage.text() if ing.usage else ''}.",
        "",
        f"Sequential sample ({len(seq.sohoa):,} records re-put one at a time, raw and sohoa "
        "alternating; then put_record's steps timed apart on the same record):",
        "",
        "| step | p50 ms | p99 ms |",
        "| --- | --- | --- |",
        f"| raw minio `put_object` | {ms(w50)} | {ms(pct(seq.raw, .99))} |",
        f"| sohoa `put_record` | {ms(q50)} | {ms(pct(seq.sohoa, .99))} |",
        *[f"| — {name} | {ms(statistics.median(v))} | {ms(pct(v, .99))} |"
          for name, v in seq.steps.items()],
        "",
        f"Sequential ratio of medians: {q50 / w50:.2f}×.",
        "",
        f"## Lookups: one thread, {args.lookups:,} random keys each ({WARMUP} warm-up calls "
        f"first), {n:,} documents indexed",
        "",
        "| lookup | p50 ms | p99 ms | answers wrong | keys drawn from |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {x.what} | {ms(statistics.median(x.times))} | {ms(pct(x.times, .99))} | "
          f"{x.wrong} | {x.sample:,} |" for x in found],
        "",
    ]
    if "id-record" in by and "id-raw" in by:
        slow = statistics.median(by["id-record"].times) / statistics.median(by["id-raw"].times)
        lines += [f"Full record by ID vs raw `get_object` of the same object: ratio of medians "
                  f"{slow:.2f}×.", ""]
    lines += [
        f"## Reindex: {n:,} records, {revoked} revoked results",
        "",
        f"Deleted {', '.join(rx.deleted) or 'nothing'} and ran `sohoa store reindex` (the CLI "
        f"command, in-process through typer's runner, same environment): **{rx.seconds:.1f} s** "
        f"({n / rx.seconds:.0f} records/s), exit code {rx.exit_code}. {rx.usage.text()}.",
        "",
        f"Its message: “{rx.message}”",
        "",
        f"Restored lookups (answers after == answers before the deletion, {rx.checked}): "
        + ("all identical." if not rx.problems else "**differences**: " + "; ".join(rx.problems)),
        "",
        f"Where the time goes (one thread; per-record costs measured on {parts.sample:,} "
        f"random records before the deletion, totals scaled to {n:,}):",
        "",
        "| step | per record ms | for all records s |",
        "| --- | --- | --- |",
        f"| list `documents/` (the command lists it twice: to count, then to read) | "
        f"{ms(parts.listing / n)} | {2 * parts.listing:.1f} |",
        f"| fetch a record with `get_record` (one GET, checksum verified, parsed) | "
        f"{ms(parts.fetch)} | {parts.fetch * n:.1f} |",
        f"| `Index.rebuild` of parsed records (rows, batched inserts, renumbering) | "
        f"{ms(parts.insert)} | {parts.insert * n:.1f} |",
        "",
        "## Targets",
        "",
    ]
    idx, cit = by.get("id-index"), by.get("citizen-index")
    rec = by.get("id-record")

    def box(ok: bool) -> str:
        return "[x]" if ok else "[ ]"

    if idx and rec:
        p_idx, p_rec = pct(idx.times, .99) * 1000, pct(rec.times, .99) * 1000
        lines.append(f"- {box(p_idx < TARGET_LOOKUP_MS)} lookup by ID under 10 ms p99 with "
                     f"{n:,} documents: index {p_idx:.2f} ms (full record fetch from S3: "
                     f"{p_rec:.2f} ms, {'also' if p_rec < TARGET_LOOKUP_MS else 'not'} under)")
    if cit:
        p_cit = pct(cit.times, .99) * 1000
        lines.append(f"- {box(p_cit < TARGET_LOOKUP_MS)} lookup by citizen under 10 ms p99: "
                     f"{p_cit:.2f} ms")
    both = ratio <= TARGET_OVERHEAD and q50 / w50 <= TARGET_OVERHEAD
    lines += [
        f"- {box(both)} store overhead per put at most 1.5 × a raw minio-SDK put of the same "
        f"bytes, counted as met only if the ratio of medians is within it both with "
        f"{args.threads} threads and one at a time: {ratio:.2f}× with {args.threads} threads, "
        f"{q50 / w50:.2f}× one at a time (throughput with {args.threads} threads: raw "
        f"{ing.sohoa_wall / ing.raw_wall:.2f}× sohoa's)",
        f"- {box(rx.seconds < TARGET_REINDEX_S and rx.exit_code == 0 and not rx.problems)} "
        f"reindex of {n:,} records under 5 minutes, every sampled lookup restored: "
        f"{rx.seconds:.0f} s",
    ]
    wrong = sum(x.wrong for x in found)
    lines += ["", f"Every lookup answer was checked against the generator: {wrong} wrong."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--sequential", type=int, default=1000)
    parser.add_argument("--revoke", type=int, default=100)
    parser.add_argument("--check", type=int, default=1000,
                        help="sampled keys per lookup kind compared before/after reindex")
    parser.add_argument("--breakdown", type=int, default=3000,
                        help="records fetched one way and the other to split reindex time")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--memstore-gb", type=int, default=8)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS")
    args = parser.parse_args(argv)
    command = ".venv/bin/python -m bench.store" + (
        f" --records {args.records}" if args.records != 100_000 else "")
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    code = code_state()

    home = OUT / "home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    print(f"generating {args.records} records…", file=sys.stderr, flush=True)
    truth = generate(args.records, args.seed)
    print("starting radosgw…", file=sys.stderr, flush=True)
    server = start_radosgw(memstore_bytes=args.memstore_gb << 30)
    errors = ErrorCount()
    logging.getLogger("pipeline.store.documents").addHandler(errors)
    try:
        env = bench_env(server, home)
        for name in [k for k in os.environ if k.startswith(("SOHOA_S3_", "SOHOA_STORE_",
                                                             "SOHOA_INDEX_"))]:
            del os.environ[name]
        os.environ.pop("SOHOA_CONFIG", None)
        os.environ.update(env)
        settings = load_settings()
        store = open_store(settings)
        assert store.index is not None
        raw = raw_client(server)
        raw.make_bucket(RAW_BUCKET)
        facts = machine_facts(server)
        clock = CpuClock(server)
        print(f"ingest with {args.threads} threads…", file=sys.stderr, flush=True)
        ing = ingest(store, raw, truth, args.threads, args.chunk, clock)
        count = store.index.count()
        if count != len(truth.specs):
            print(f"WARNING: index holds {count} documents, {len(truth.specs)} put",
                  file=sys.stderr)
        print("sequential sample…", file=sys.stderr, flush=True)
        seq = sequential(store, raw, truth, args.sequential, random.Random(args.seed + 1))
        revoked = revoke_some(store, truth, random.Random(args.seed + 2), args.revoke)
        print("lookups…", file=sys.stderr, flush=True)
        found = lookups(store, raw, truth, args.lookups, random.Random(args.seed + 3))
        print("reindex breakdown sample…", file=sys.stderr, flush=True)
        parts = reindex_breakdown(store, args.breakdown, random.Random(args.seed + 5))
        before = snapshot(store.index, truth, random.Random(args.seed + 4), args.check,
                          revoked)
        store.index.close()
        print("reindex…", file=sys.stderr, flush=True)
        rx = run_reindex(home, env, before, truth, args.seed + 4, revoked, clock)
        print(f"  reindex {rx.seconds:.1f} s, exit {rx.exit_code}, problems {rx.problems}",
              file=sys.stderr, flush=True)
    finally:
        server.stop()
    text = report(args, command, facts, truth, ing, seq, found, rx, parts, len(revoked),
                  errors.count,
                  time.monotonic() - started, (load_before, os.getloadavg()[0]), code)
    (OUT / "measurements.json").write_text(json.dumps({
        "records": len(truth.specs), "threads": args.threads, "code": code,
        "ingest": {"sohoa": ing.sohoa, "raw": ing.raw, "sohoa_wall": ing.sohoa_wall,
                   "raw_wall": ing.raw_wall},
        "sequential": {"sohoa": seq.sohoa, "raw": seq.raw, **seq.steps},
        "lookups": {x.name: x.times for x in found},
        "reindex": {"seconds": rx.seconds, "message": rx.message, "problems": rx.problems},
        "breakdown": dataclasses.asdict(parts)}), encoding="utf-8")
    (OUT / "report.md").write_text(text + "\n", encoding="utf-8")
    if args.no_write:
        print(text)
    else:
        write_section(args.results, "store", text)
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
