"""The official's key as the server sees it in two-phase signing: their certificate (from
the profile) and what their token can do (from their agent), never the key itself.

The server builds the whole CMS with pyHanko's ``ExternalSigner``; only the raw signature
value of the signed attributes comes from the token, and it is checked against the
certificate's public key before anything is embedded.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from pyhanko.sign.signers import ExternalSigner
from pyhanko_certvalidator.errors import AlgorithmNotSupported, PSSParameterMismatch
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_SIGNATURE_VALIDATOR,
    SignatureValidationContext,
)

from pipeline.config import Settings
from pipeline.errors import SigningError
from pipeline.models import DocumentRecord
from pipeline.sign.context import load_certs
from pipeline.sign.keys import UnlockedKey
from pipeline.sign.policy import check_key
from pipeline.sign.profiles import KeySource, Profile

#: The mechanisms a token is asked for, and nothing else.
MECHANISMS = ("rsassa_pss", "sha256_rsa", "sha384_rsa", "sha512_rsa", "sha256_ecdsa",
              "sha384_ecdsa", "sha512_ecdsa")


def profile_certificates(profile: Profile) -> list[asn1_x509.Certificate]:
    """The official's certificate (first) and its chain, as the profile names them."""
    if profile.key.source is not KeySource.AGENT or profile.key.path is None:
        raise SigningError(f"Hồ sơ ký '{profile.name}' không ký qua agent của người ký.")
    certs = load_certs([profile.key.path])
    if not certs:
        raise SigningError(f"Tệp chứng thư {profile.key.path} của hồ sơ ký '{profile.name}' "
                           "không chứa chứng thư nào.")
    return certs


def certificate_sha256(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def agent_key(profile: Profile, settings: Settings, *, can_pss: bool,
              signature: bytes | None = None,
              mechanism: algos.SignedDigestAlgorithm | None = None) -> UnlockedKey:
    """The key of a batch signed through the agent: an ``ExternalSigner`` with a placeholder
    signature of the right size (to prepare), or the token's ``signature`` (to finish)."""
    cert, *chain = profile_certificates(profile)
    verdict = check_key(cert, settings.sign, can_pss=can_pss)
    value: bytes | int = signature if signature is not None else _placeholder_size(cert)
    signer = ExternalSigner(cert, SimpleCertificateStore.from_certs(chain),
                            signature_value=value, signature_mechanism=mechanism,
                            prefer_pss=verdict.prefer_pss)
    return UnlockedKey(signer, cert, chain, verdict)


def _placeholder_size(cert: asn1_x509.Certificate) -> int:
    size = (int(cert.public_key.bit_size) + 7) // 8
    return size if cert.public_key.algorithm == "rsa" else 2 * size + 8


def check_signature(cert: asn1_x509.Certificate, mechanism: bytes, digest_algorithm: str,
                    signed_attrs: bytes, signature: bytes, where: str) -> None:
    """Refuse a signature value the certificate's key did not make over these signed
    attributes (another token, another key, or a mangled value): nothing is embedded."""
    algorithm = algos.SignedDigestAlgorithm.load(mechanism)
    try:
        DEFAULT_SIGNATURE_VALIDATOR.validate_signature(
            signature, signed_attrs, cert.public_key, algorithm,
            SignatureValidationContext(contextual_md_algorithm=digest_algorithm))
    except (InvalidSignature, AlgorithmNotSupported, PSSParameterMismatch, ValueError):
        raise SigningError(
            f"Chữ ký gửi về cho {where} không khớp với chứng thư số của "
            f"'{cert.subject.human_friendly}' (token khác, khóa khác hoặc dữ liệu hỏng): "
            "không ghi nhận.") from None


def title_of(record: DocumentRecord, settings: Settings) -> str:
    """What the official reads in the agent's list: kind, number, subject (or the file
    name when none was read)."""
    kind = _titles(tuple(settings.fields.template_paths)).get(record.doc_type, "")

    def value(name: str) -> str:
        found = record.fields.get(name)
        return str(found.get("value") or "") if isinstance(found, dict) else ""

    parts = [kind, f"số {value('so_ky_hieu')}" if value("so_ky_hieu") else ""]
    head = " ".join(p for p in parts if p)
    subject = value("trich_yeu")
    title = f"{head}: {subject}" if head and subject else head or subject
    return title or record.source.filename


@lru_cache(maxsize=4)
def _titles(dirs: tuple[Path, ...]) -> dict[str, str]:
    from pipeline.fields import template

    try:
        return {name: t.title for name, t in template.load(dirs).items()}
    except Exception:  # a broken province template must not stop signing: plain IDs then
        return {}
