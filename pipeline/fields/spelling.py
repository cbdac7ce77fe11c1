"""Spellings a value can be checked against: Vietnamese name syllables and province names.

OCR misreads that leave a well-formed value ("NGO VAN ANH", "tỉnh Lầm Đồng", "Thái Ñguyên")
pass every validator. A word that reads, tone marks aside, as a known name syllable or a
province but is not spelt as one is almost surely misread: the value is kept, with less
confidence, for a person to check. Words that are no known syllable are left alone (names
of ethnic minorities, rare names).
"""

from __future__ import annotations

import re
from collections import defaultdict

from pipeline.fields.match import fold, fold_in_place
from pipeline.fields.provinces import PROVINCE_CODES

#: Family names, most common first (they open a Vietnamese full name).
FAMILY_NAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Lâm", "Mai", "Trịnh", "Đào", "Cao", "Lương",
    "Hà", "Tô", "Tạ", "Chu", "Châu", "Quách", "Thái", "Trương", "Lưu", "Kiều", "Lục", "La",
    "Triệu", "Tăng", "Khúc", "Thân", "Phùng", "Vương", "Nông", "Lò", "Lã", "Giang", "Doãn",
    "Mạc", "Âu", "Diệp", "Từ", "Tống", "Kim", "Nghiêm", "Hứa", "Quan", "Đàm", "Hầu", "Ninh",
    "Khổng", "Vi", "Bạch", "Đồng", "Ông", "Thạch", "Mã", "Viên", "Hàn", "Cù", "Lạc", "Lại",
    "Lam", "Liêu", "Mẫn", "Nhữ", "Phí", "Phó", "Tiêu", "Trình", "Ung", "Văn",
)
#: Middle and given names.
GIVEN_NAMES = (
    "An", "Anh", "Ánh", "Bảo", "Bích", "Bình", "Cảnh", "Chi", "Chính", "Công", "Cường", "Dung",
    "Dũng", "Duy", "Dương", "Đạt", "Đức", "Đông", "Giang", "Hà", "Hải", "Hạnh", "Hằng", "Hân",
    "Hiền", "Hiếu", "Hiệp", "Hòa", "Hoa", "Hoài", "Hoàng", "Học", "Hồng", "Huệ", "Hùng", "Hưng",
    "Hương", "Hường", "Huy", "Huyền", "Khang", "Khánh", "Khoa", "Khôi", "Kiên", "Kim", "Lan",
    "Lâm", "Linh", "Loan", "Lộc", "Long", "Lực", "Ly", "Mai", "Mạnh", "Minh", "My", "Mỹ",
    "Nam", "Nga", "Ngân", "Nghĩa", "Ngọc", "Nguyên", "Nhân", "Nhật", "Nhi", "Nhung", "Như",
    "Oanh", "Phát", "Phong", "Phúc", "Phụng", "Phương", "Phượng", "Quang", "Quân", "Quốc",
    "Quyên", "Quyết", "Quỳnh", "Sang", "Sơn", "Tài", "Tâm", "Tân", "Thái", "Thanh", "Thành",
    "Thảo", "Thắng", "Thi", "Thị", "Thiện", "Thịnh", "Thơ", "Thu", "Thư", "Thủy", "Thùy",
    "Thúy", "Thụy", "Thương", "Tiến", "Toàn", "Trâm", "Trang", "Trí", "Trinh", "Trọng",
    "Trung", "Trúc", "Tú", "Tuấn", "Tùng", "Tuyết", "Uyên", "Văn", "Vân", "Việt", "Vinh",
    "Vĩnh", "Vũ", "Vy", "Xuân", "Yến", "Hữu", "Đình", "Thế", "Gia", "Khắc", "Bá", "Diệu",
    "Kiều", "Lệ", "Mộng", "Phi", "Quý", "Sinh", "Tường", "Hậu", "Hiển", "Hoan", "Huấn",
    "Khải", "Lợi", "Nhàn", "Sáng", "Tín", "Thuận", "Tuyến", "Vượng", "Đăng", "Định",
    "Quyền", "Thạch", "Trường", "Tuệ", "Nhiên", "Ngọ", "Vương", "Đào", "Cúc", "Liên", "Mơ",
    "Ninh", "Chiến", "Hào", "Lành", "Nhất", "Thể", "Tịnh", "Trà", "Nhã", "Mẫn", "Diễm",
)
#: A misread kept this share of its confidence.
MISSPELT = 0.55
#: A person's name that does not open with a family name (the first word misread or lost).
NO_FAMILY_NAME = 0.85


def _spellings(words: tuple[str, ...]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for word in words:
        out[fold(word)].add(word.casefold())
    return {k: frozenset(v) for k, v in out.items()}


_NAME_SPELLINGS = _spellings(FAMILY_NAMES + GIVEN_NAMES)
_FAMILIES = frozenset(fold(name) for name in FAMILY_NAMES)
_PROVINCES = _spellings(tuple(PROVINCE_CODES.values()))
#: Where a province is named inside an address or an agency: after its unit word.
_PROVINCE_AFTER = re.compile(r"\b(?:tinh|thanh pho|tp\.?)\s+(?P<name>[^,;.()]{2,30})")


def name_spelling(name: str) -> float:
    """Confidence kept by a person's name: less for a syllable spelt as no name is, a bit
    less when the name does not open with a family name."""
    words = name.split()
    if not words:
        return 1.0
    for word in words:
        known = _NAME_SPELLINGS.get(fold(word))
        if known is not None and word.casefold() not in known:
            return MISSPELT
    return 1.0 if fold(words[0]) in _FAMILIES else NO_FAMILY_NAME


def place_spelling(text: str) -> float:
    """Confidence kept by an address or agency: less when a province in it reads as a known
    province but is not spelt as one ("tỉnh Lầm Đồng", "THÁI NGUYEN")."""
    folded = fold_in_place(text)
    named = [text[m.start("name"):m.end("name")] for m in _PROVINCE_AFTER.finditer(folded)]
    named.append(text.rsplit(",", 1)[-1])  # "Yên Định, Chợ Mới, Bắc Kạn"
    for candidate in named:
        candidate = " ".join(candidate.split())
        known = _PROVINCES.get(fold(candidate))
        if known is not None and candidate.casefold() not in known:
            return MISSPELT
    return 1.0


_UNIT = r"(?:phường|xã|thị trấn|thị xã|quận|huyện|thành phố|tỉnh)"
#: Two administrative units with only a name between them: a comma and a word were lost
#: ("phường Nghi thị xã Cửa Lò", "huyện Thủy thành phố Hải Phòng").
_RUN_TOGETHER = re.compile(rf"\b{_UNIT}\s+(?:[A-ZĐÀ-Ỹ0-9][^\s,]*\s+){{1,3}}{_UNIT}\b")
#: A house or hamlet opening an address, which then names its commune.
_STREET = re.compile(r"^\s*(?:số|đường|ngõ|ngách|thôn|xóm|ấp|tổ dân phố|tổ|khu phố)\b",
                     re.IGNORECASE)
_COMMUNE = re.compile(r"\b(?:phường|xã|thị trấn)\b", re.IGNORECASE)


def address_shape(text: str) -> float:
    """Confidence kept by an address: less when parts of it were evidently lost - two units
    run together without the comma and name between them, or a street address that names
    no commune (phường, xã, thị trấn)."""
    if _RUN_TOGETHER.search(text):
        return MISSPELT
    if _STREET.match(text) and not _COMMUNE.search(text):
        return MISSPELT
    return 1.0
