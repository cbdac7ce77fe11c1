"""Key sources, unlocked once per batch: PKCS#12 files, PKCS#11 tokens/HSMs, remote signers.

pyHanko's ``SimpleSigner`` re-parses (and re-validates) the private key on every signature,
~36 ms of CPU each time; :class:`ParsedKeySigner` keeps the parsed key for the batch. A
PKCS#11 session is opened and logged into once and closed when the batch ends.
A remote signing service (the official confirms on a phone) plugs in as a
:class:`RemoteSigner`: the hash goes out now and the signature comes back later. A CSC API
service signs the batch in one request once the official's one-time code authorises it
(:mod:`pipeline.sign.csc`): its signer is also the batch's :class:`BatchGate`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from pipeline.config import SignSettings
from pipeline.errors import SigningError
from pipeline.sign.csc import open_remote
from pipeline.sign.policy import KeyVerdict, check_key
from pipeline.sign.profiles import KeySource, Profile
from pipeline.sign.secrets import ActivationSecret, Prompt, read_secret


class BatchGate(Protocol):
    """A signer that signs a whole batch in one request (a remote service authorising the
    batch once): every document of the batch is in flight together, and each one tells the
    gate when it is done, so the request goes out once no document can add a hash."""

    def expect(self, count: int) -> None: ...

    def document(self) -> contextlib.AbstractAsyncContextManager[None]: ...


class WrongPin(SigningError):
    """The PIN or password did not open the key (counted by the profile's PIN guard)."""

    code = "sai-ma-pin"


@dataclass
class UnlockedKey:
    """A signer ready for a batch, the certificates it brings, and what the policy said."""

    signer: Signer
    cert: asn1_x509.Certificate
    chain: list[asn1_x509.Certificate]
    verdict: KeyVerdict
    gate: BatchGate | None = None


class ParsedKeySigner(SimpleSigner):
    """A ``SimpleSigner`` holding the private key already parsed."""

    def __init__(self, cert: asn1_x509.Certificate, key: Any,
                 chain: list[asn1_x509.Certificate], prefer_pss: bool) -> None:
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        super().__init__(signing_cert=cert, signing_key=asn1_keys.PrivateKeyInfo.load(der),
                         cert_registry=SimpleCertificateStore.from_certs(chain),
                         prefer_pss=prefer_pss)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism["algorithm"].native
        key = self._key
        if algo == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            pad, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, pad, hash_algo)
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hash_algo)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)  # pragma: no cover - refused by policy


class RemoteSigningService(Protocol):
    """A service that signs a digest out of band (e.g. after the official confirms on a
    phone): ``submit`` returns a request handle at once, ``collect`` returns the signature
    once it exists, else None. ``mechanism`` is "rsassa_pss" (MGF1 with the same digest,
    maximum salt length, as pyHanko declares it), "rsassa_pkcs1v15" or "ecdsa"."""

    def submit(self, digest: bytes, digest_algorithm: str, mechanism: str) -> str: ...

    def collect(self, handle: str) -> bytes | None: ...


class RemoteSigner(Signer):
    """pyHanko signer whose private-key operation is a remote service's: while one document
    waits for its confirmation, the batch's other documents keep going (asyncio)."""

    def __init__(self, service: RemoteSigningService, cert: asn1_x509.Certificate,
                 chain: list[asn1_x509.Certificate], prefer_pss: bool,
                 poll_seconds: float = 1.0, timeout: float = 300.0) -> None:
        super().__init__(signing_cert=cert, prefer_pss=prefer_pss,
                         cert_registry=SimpleCertificateStore.from_certs(chain))
        self.service, self.poll_seconds, self.timeout = service, poll_seconds, timeout

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism["algorithm"].native
        if dry_run:  # size estimate only: never bother the official for it
            assert self.signing_cert is not None
            size = (self.signing_cert.public_key.bit_size + 7) // 8
            return bytes(size if algo != "ecdsa" else 2 * size + 8)
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        digest = hashes.Hash(hash_algo)
        digest.update(data)
        handle = self.service.submit(digest.finalize(), digest_algorithm, algo)
        deadline = time.monotonic() + self.timeout
        while (signature := self.service.collect(handle)) is None:
            if time.monotonic() > deadline:
                raise SigningError("Dịch vụ ký từ xa không trả chữ ký trong thời gian chờ.")
            await asyncio.sleep(self.poll_seconds)
        return signature


@contextlib.contextmanager
def unlock(profile: Profile, settings: SignSettings, prompt: Prompt | None = None,
           activation: ActivationSecret | None = None) -> Iterator[UnlockedKey]:
    """Unlock the profile's key for one batch with the signer's ``activation`` if given,
    else a PIN found or asked at most once (a remote key: a one-time code asked once)."""
    who = f"hồ sơ ký '{profile.name}'"
    if profile.key.source is KeySource.AGENT:
        raise SigningError(f"Khóa của {who} nằm trên token của người ký: chỉ ký được qua "
                           "agent trên máy của họ (sohoa agent), máy chủ không mở được.")
    if profile.key.source is KeySource.CSC:
        remote = open_remote(profile, settings, activation, prompt)
        yield UnlockedKey(remote.signer, remote.cert, remote.chain, remote.verdict,
                          gate=remote.signer)
        return
    secret = activation.secret if activation else read_secret(profile.key, who, prompt)
    if profile.key.source is KeySource.PKCS12:
        yield _pkcs12(profile, settings, secret)
        return
    with _pkcs11(profile, settings, secret) as key:
        yield key


def _pkcs12(profile: Profile, settings: SignSettings, secret: str) -> UnlockedKey:
    path = profile.key.path
    assert path is not None  # parse_profile requires it for a key file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"Không đọc được tệp khóa {path}: {exc.strerror}.") from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret.encode("utf-8"))
    except ValueError:
        raise WrongPin(f"Không mở được tệp khóa {path.name}: sai mật khẩu "
                       "hoặc tệp hỏng.") from None
    if key is None or cert is None:
        raise SigningError(f"Tệp {path.name} không chứa khóa bí mật và chứng thư.")
    signer_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
             for c in extra]
    verdict = check_key(signer_cert, settings)
    return UnlockedKey(ParsedKeySigner(signer_cert, key, chain, verdict.prefer_pss),
                       signer_cert, chain, verdict)


@contextlib.contextmanager
def _pkcs11(profile: Profile, settings: SignSettings, pin: str) -> Iterator[UnlockedKey]:
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    spec = profile.key
    assert spec.path is not None  # parse_profile requires the module
    try:
        session = open_pkcs11_session(str(spec.path), token_criteria=TokenCriteria(spec.token),
                                      user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise WrongPin(f"Sai mã PIN của token '{spec.token}'.") from None
    except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
        raise SigningError(f"Không mở được token '{spec.token}' ({spec.path.name}): "
                           f"{type(exc).__name__}.", detail=str(exc)) from None
    try:
        label = spec.key_label or None
        probe = PKCS11Signer(session, key_label=label, cert_label=label)
        cert = probe.signing_cert
        verdict = check_key(cert, settings, can_pss=token_can_pss(session))
        signer = PKCS11Signer(session, key_label=label, cert_label=label,
                              prefer_pss=verdict.prefer_pss, other_certs_to_pull=None)
        chain = list(signer.cert_registry)
        yield UnlockedKey(signer, cert, [c for c in chain if c != cert], verdict)
    finally:
        session.close()


def token_can_pss(session: Any) -> bool:
    """Whether a PKCS#11 token signs RSASSA-PSS (many deployed tokens only do PKCS#1 v1.5);
    shared by the server's tokens and the official's agent."""
    import pkcs11

    return pkcs11.Mechanism.SHA256_RSA_PKCS_PSS in session.token.slot.get_mechanisms()
