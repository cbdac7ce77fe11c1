"""RFC 3161 time-stamping authority: a TimeStampReq in, a signed TimeStampResp out.

pyHanko's ``DummyTimeStamper`` is close but not a fit for a server: it re-parses the key on
every request, signs with whatever digest the client hashed with, stamps local time with
microseconds and always embeds its certificate. Here the token is signed with SHA-256, the
time is whole-second UTC, the certificate is embedded only on ``certReq`` and serial numbers
never repeat, as a real TSA's would.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime
from typing import Any, ClassVar

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute

from pipeline import clock

#: Arc 2.999 is reserved for examples: no real policy can be confused with this one.
TSA_POLICY = "2.999.3161.1"
#: Imprints of weaker digests are refused: Circular 15/2025/TT-BKHCN asks for SHA-256 or more.
ACCEPTED_DIGESTS = frozenset({"sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512"})


class _Rejection(core.Sequence):  # type: ignore[misc]
    """A TimeStampResp without a token (asn1crypto declares the token mandatory)."""

    _fields: ClassVar[list[tuple[str, Any]]] = [("status", tsp.PKIStatusInfo)]


def _rejection(fail_info: str, text: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": [text],
                                "fail_info": tsp.PKIFailureInfo({fail_info})})
    return bytes(_Rejection({"status": status}).dump())


class TimeStampAuthority:
    """Answers time-stamp requests with the TSA key, parsed once; safe to share across threads."""

    def __init__(self, cert: asn1_x509.Certificate, key: rsa.RSAPrivateKey) -> None:
        self.cert = cert
        self._key = key
        self._lock = threading.Lock()
        # Starting from the clock keeps serials unique across restarts too.
        self._serial = time.time_ns()

    def _next_serial(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def respond(self, body: bytes) -> bytes:
        """DER TimeStampResp for a DER TimeStampReq; a rejection, never an exception."""
        try:
            req = tsp.TimeStampReq.load(body)
            imprint = req["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
            policy = req["req_policy"].native
            has_extensions = req["extensions"].native is not None
            nonce = req["nonce"].native
            cert_req = bool(req["cert_req"].native)
        except (ValueError, TypeError, KeyError):
            return _rejection("bad_data_format", "malformed TimeStampReq")
        if algorithm not in ACCEPTED_DIGESTS:
            return _rejection("bad_alg", f"digest {algorithm} not accepted")
        if not isinstance(digest, bytes) or len(digest) != hashlib.new(algorithm).digest_size:
            return _rejection("bad_data_format", "imprint length does not match its digest")
        if policy is not None and policy != TSA_POLICY:
            return _rejection("unaccepted_policy", f"only policy {TSA_POLICY} is served")
        if has_extensions:
            return _rejection("unaccepted_extensions", "no extensions are supported")
        token = self._token(imprint, nonce, cert_req, clock.now("UTC"))
        granted = tsp.PKIStatusInfo({"status": "granted"})
        return bytes(tsp.TimeStampResp({"status": granted, "time_stamp_token": token}).dump())

    def _token(self, imprint: tsp.MessageImprint, nonce: int | None, cert_req: bool,
               gen_time: datetime) -> cms.ContentInfo:
        info: dict[str, object] = {
            "version": "v1", "policy": TSA_POLICY, "message_imprint": imprint,
            "serial_number": self._next_serial(), "gen_time": gen_time,
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.cert.subject),
        }
        if nonce is not None:
            info["nonce"] = nonce
        tst_info = bytes(tsp.TSTInfo(info).dump())
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("message_digest", hashlib.sha256(tst_info).digest()),
            simple_cms_attribute("signing_certificate_v2",
                                 as_signing_certificate_v2(self.cert, "sha256")),
        ])
        signature = self._key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
        sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
        signer = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
                {"issuer": self.cert.issuer, "serial_number": self.cert.serial_number})}),
            "digest_algorithm": sha256,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
            "signed_attrs": signed_attrs,
            "signature": signature,
        })
        signed_data = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [sha256],
            "encap_content_info": {"content_type": "tst_info",
                                   "content": cms.ParsableOctetString(tst_info)},
            "certificates": [self.cert] if cert_req else None,
            "signer_infos": [signer],
        })
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
