"""Subjects of the development certificates, shaped like the government-service PKI's.

Text is NFC: signature stamps print the CN as is and verifiers compare names byte for byte,
so a decomposed "Ủy" would look right and still differ. Attributes are listed from the most
general (C) to the most specific (CN), the usual encoding order; RFC 4514 strings print them
reversed ("CN=..., ..., C=VN").
"""

from __future__ import annotations

import unicodedata

from cryptography.x509 import Name, NameAttribute, ObjectIdentifier
from cryptography.x509.oid import NameOID


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


TEST_CA_ORG = nfc("Tổ chức chứng thực thử nghiệm (TEST)")
AGENCY_NAME = nfc("Ủy ban nhân dân tỉnh Bắc Ninh")
AGENCY_OFFICE = nfc("Văn phòng Ủy ban nhân dân tỉnh")
LOCALITY = nfc("Thành phố Bắc Ninh")
PROVINCE = nfc("Bắc Ninh")
OFFICIAL_NAME = nfc("Nguyễn Văn An")
OFFICIAL_TITLE = nfc("Phó Chủ tịch")
REVOKED_NAME = nfc("Trần Thị Bình")
REVOKED_TITLE = nfc("Chánh Văn phòng")


def _name(*pairs: tuple[ObjectIdentifier, str]) -> Name:
    return Name([NameAttribute(oid, nfc(value)) for oid, value in pairs])


def root_name() -> Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, TEST_CA_ORG),
                 (NameOID.COMMON_NAME, "SOHOA TEST Root CA Việt Nam"))


def issuing_name() -> Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, TEST_CA_ORG),
                 (NameOID.COMMON_NAME, "SOHOA TEST Issuing CA - Chữ ký số chuyên dùng"))


def tsa_name() -> Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, TEST_CA_ORG),
                 (NameOID.COMMON_NAME, "SOHOA TEST Time Stamping Authority"))


def ocsp_name() -> Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, TEST_CA_ORG),
                 (NameOID.COMMON_NAME, "SOHOA TEST OCSP Responder"))


def person_name(common_name: str, title: str, personal_id: str) -> Name:
    """An official of the agency; ``personal_id`` is the 12-digit CCCD number."""
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.USER_ID, f"CCCD:{personal_id}"),
                 (NameOID.STATE_OR_PROVINCE_NAME, PROVINCE), (NameOID.LOCALITY_NAME, LOCALITY),
                 (NameOID.ORGANIZATION_NAME, AGENCY_NAME),
                 (NameOID.ORGANIZATIONAL_UNIT_NAME, AGENCY_OFFICE),
                 (NameOID.TITLE, title), (NameOID.COMMON_NAME, common_name))


def official_name() -> Name:
    # 027 = Bắc Ninh, 0 = man born in the 1900s, 85 = 1985.
    return person_name(OFFICIAL_NAME, OFFICIAL_TITLE, "027085000123")


def revoked_official_name() -> Name:
    # 1 = woman born in the 1900s, 90 = 1990.
    return person_name(REVOKED_NAME, REVOKED_TITLE, "027190000456")


def seal_name() -> Name:
    """The agency itself (the "seal"); identified by its tax code, as on agency certificates."""
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.USER_ID, "MST:2300000000-TEST"),
                 (NameOID.STATE_OR_PROVINCE_NAME, PROVINCE), (NameOID.LOCALITY_NAME, LOCALITY),
                 (NameOID.ORGANIZATION_NAME, AGENCY_NAME), (NameOID.COMMON_NAME, AGENCY_NAME))
