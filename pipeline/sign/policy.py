"""The cryptographic policy of Circular 15/2025/TT-BKHCN, checked once per batch.

RSA keys must be at least 2048 bits and sign with RSASSA-PSS; ECDSA keys at least 256 bits;
digests SHA-256 or stronger. Many deployed tokens only do PKCS#1 v1.5: the settings decide
whether that is refused or signed with a warning the operator sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import x509

from pipeline.config import SignSettings
from pipeline.errors import SigningError

STRONG_DIGESTS = ("sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512")


@dataclass(frozen=True)
class KeyVerdict:
    """What the policy allows for one key: PSS or not, and what the operator must be told."""

    algorithm: str
    bits: int
    prefer_pss: bool
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        scheme = "RSASSA-PSS" if self.prefer_pss else (
            "PKCS#1 v1.5" if self.algorithm == "rsa" else "ECDSA")
        return f"{self.algorithm.upper()} {self.bits} bit, {scheme}"


def check_digest(settings: SignSettings) -> str:
    digest = settings.digest.lower().replace("-", "")
    if digest not in STRONG_DIGESTS:
        raise SigningError(f"Hàm băm '{settings.digest}' không được phép; dùng SHA-256 trở lên "
                           "(Thông tư 15/2025/TT-BKHCN).")
    return digest


def check_key(cert: x509.Certificate, settings: SignSettings, *,
              can_pss: bool = True) -> KeyVerdict:
    """Refuse weak keys; choose PSS for RSA unless the key's device cannot do it."""
    public = cert.public_key
    algorithm = public.algorithm
    bits = int(public.bit_size)
    who = cert.subject.human_friendly
    if algorithm == "rsa":
        if bits < settings.min_rsa_bits:
            raise SigningError(f"Khóa RSA {bits} bit của '{who}' quá yếu; cần tối thiểu "
                               f"{settings.min_rsa_bits} bit.")
        if can_pss:
            return KeyVerdict(algorithm, bits, prefer_pss=True)
        message = (f"Thiết bị ký của '{who}' chỉ hỗ trợ RSA PKCS#1 v1.5, không phải RSASSA-PSS "
                   "mà Thông tư 15/2025/TT-BKHCN yêu cầu.")
        if settings.legacy_padding == "refuse":
            raise SigningError(message + " Chính sách hiện tại không cho phép ký.")
        return KeyVerdict(algorithm, bits, prefer_pss=False,
                          warnings=(message + " Vẫn ký theo chính sách 'warn'.",))
    if algorithm == "ec":
        if bits < settings.min_ec_bits:
            raise SigningError(f"Khóa ECDSA {bits} bit của '{who}' quá yếu; cần tối thiểu "
                               f"{settings.min_ec_bits} bit.")
        return KeyVerdict(algorithm, bits, prefer_pss=False)
    raise SigningError(f"Loại khóa '{algorithm}' của '{who}' không được phép; dùng RSA hoặc "
                       "ECDSA.")
