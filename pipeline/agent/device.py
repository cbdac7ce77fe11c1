"""The official's USB token, through its PKCS#11 module: certificates read (public objects,
no PIN), signatures made by the token itself (``C_Sign``) after the official enters the PIN
at this computer. No key material is ever asked of the token."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509

from pipeline.errors import AgentError
from pipeline.sign.keys import token_can_pss


@dataclass(frozen=True)
class TokenCertificate:
    der: bytes
    #: The PKCS#11 ID that pairs the certificate with its private key.
    object_id: bytes
    label: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def subject(self) -> str:
        return str(asn1_x509.Certificate.load(self.der).subject.human_friendly)


class WrongPin(AgentError):
    code = "sai-ma-pin"


@contextlib.contextmanager
def open_token(module: str, label: str, pin: str | None = None) -> Iterator[Any]:
    """A session on the token labelled ``label``; logged in when ``pin`` is given."""
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    if not Path(module).is_file():
        raise AgentError(f"Không thấy thư viện PKCS#11 của token: {module}.")
    try:
        session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=label),
                                      user_pin=pin)
    except pkcs11.PinIncorrect:
        raise WrongPin("Sai mã PIN của token (token sẽ khóa nếu sai nhiều lần).") from None
    except pkcs11.PinLocked:
        raise AgentError("Token đã bị khóa PIN; liên hệ tổ chức cấp chứng thư số.") from None
    except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
        raise AgentError(f"Không mở được token '{label}' ({type(exc).__name__}): hãy cắm "
                         "token và kiểm tra nhãn token.") from None
    try:
        yield session
    finally:
        session.close()


def certificates(session: Any) -> list[TokenCertificate]:
    from pkcs11 import Attribute, ObjectClass

    found = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        found.append(TokenCertificate(bytes(obj[Attribute.VALUE]), bytes(obj[Attribute.ID]),
                                      str(obj[Attribute.LABEL])))
    return found


def can_pss(session: Any) -> bool:
    return token_can_pss(session)


def sign(session: Any, cert: TokenCertificate, mechanism: bytes, digest_algorithm: str,
         data: bytes) -> bytes:
    """The token's signature of ``data`` (the signed attributes) with the mechanism the
    server chose for the certificate; ECDSA values come DER-encoded as CMS wants them.

    A token without the hash-and-sign mechanism (SoftHSM and many USB tokens have only raw
    ECDSA) gets the digest, computed here, to sign with the raw one."""
    import pkcs11
    from pyhanko.sign.general import SigningError as PyHankoSigningError
    from pyhanko.sign.pkcs11 import ECDSA_MECH_MAP, RSA_MECH_MAP, PKCS11Signer

    algorithm = algos.SignedDigestAlgorithm.load(mechanism)
    combined = {"ecdsa": ECDSA_MECH_MAP, "rsassa_pkcs1v15": RSA_MECH_MAP}.get(
        algorithm.signature_algo, {}).get(digest_algorithm)
    raw = combined is not None and combined not in session.token.slot.get_mechanisms()
    signer = PKCS11Signer(session, key_id=cert.object_id, cert_id=cert.object_id,
                          signature_mechanism=algorithm, other_certs_to_pull=(),
                          use_raw_mechanism=raw)
    try:
        return asyncio.run(signer.async_sign_raw(data, digest_algorithm))
    except (pkcs11.PKCS11Error, PyHankoSigningError, NotImplementedError) as exc:
        raise AgentError(f"Token không ký được ({type(exc).__name__}): {exc}.") from None
