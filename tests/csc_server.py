"""A remote signing service speaking the Cloud Signature Consortium API v2.0, for tests.

It stands for a Vietnamese CA's remote signing service: the official's key stays here and
each batch is activated by a one-time code. The keys and certificates are the development
PKI's, so what it signs verifies against the dev root. Served on 127.0.0.1 from a thread.

Implemented: ``oauth2/token`` (client credentials, the service's bearer token),
``csc/v2/``: ``info``, ``auth/login`` (HTTP Basic), ``credentials/list``,
``credentials/info``, ``credentials/sendOTP``, ``credentials/authorize`` and
``signatures/signHash``. Credentials are ``authMode`` explicit with one OTP object, SCAL 2:
the SAD is bound to the hashes given at authorisation, valid for ``numSignatures``
signatures and a few minutes, then gone (a replay is refused). The one-time code is either
"sent" (``sendOTP`` puts it in :attr:`CscServer.outbox`, the SMS the test reads) or a TOTP
(RFC 6238) of a per-credential secret the test knows; either is accepted once only. Wrong
codes answer HTTP 400 ``invalid_otp`` and lock the credential after :data:`MAX_FAILURES`.

v1.0.4 and v2.0 differ in names; pyHanko's ``CSCSigner`` (written against v1.0.4) sends
``hash`` and ``hashAlgo`` to ``signatures/signHash`` and its ``format_csc_auth_request``
builds ``hash``, ``PIN`` and ``OTP``, where v2 has ``hashes``, ``hashAlgorithmOID`` and
``authData: [{"id": "OTP", "value": ...}]``. This service answers in v2 and accepts both
spellings; :mod:`pipeline.sign.csc` sends the v2 ones. ``credentials/info`` returns the v2
``auth`` object (``mode``, ``expression``, ``objects``), which pyHanko does not read, plus
``key/algo``, ``cert/certificates``, ``SCAL`` and ``multisign``, which it does (same in v1).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from asn1crypto import algos
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from pipeline.sign.context import load_certs
from pipeline.sign.devpki import DevPki

MAX_FAILURES = 5
SHA256 = "2.16.840.1.101.3.4.2.1"
RSA_ALGOS = ("1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13",
             "1.2.840.113549.1.1.10", "1.2.840.113549.1.1.1")
EC_ALGOS = ("1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4")
#: sha<N>WithRSA and ecdsa-with-SHA<N>: the digest is implied by the algorithm.
IMPLIED_DIGEST = {"1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.12": "sha384",
                  "1.2.840.113549.1.1.13": "sha512", "1.2.840.10045.4.3.2": "sha256",
                  "1.2.840.10045.4.3.3": "sha384", "1.2.840.10045.4.3.4": "sha512"}


class CscFault(Exception):
    """An error answer: HTTP status, CSC ``error`` and ``error_description``."""

    def __init__(self, status: HTTPStatus, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def _bad(description: str, error: str = "invalid_request") -> CscFault:
    return CscFault(HTTPStatus.BAD_REQUEST, error, description)


def totp(secret: bytes, at: float | None = None, step: int = 30) -> tuple[str, int]:
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits) and its time step."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}", counter


@dataclass
class Credential:
    """A signing key held by the service for one person, and how its use is activated."""

    id: str
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    chain: list[bytes]  # DER, the signer's certificate first
    otp: str = "sms"  # "sms": sent by sendOTP; "totp": from the person's authenticator app
    totp_secret: bytes = field(default_factory=lambda: secrets.token_bytes(20))
    pending: tuple[str, float] | None = None  # the code sent and when it expires
    last_step: int = -1  # the last TOTP step accepted (a code is accepted once)
    failures: int = 0

    @property
    def locked(self) -> bool:
        return self.failures >= MAX_FAILURES


@dataclass
class Sad:
    credential: str
    hashes: list[bytes]  # authorised and not yet signed
    hash_oid: str
    remaining: int
    expires: float


class CscServer:
    """``with CscServer(pki) as csc:``; ``csc.url`` is the base before ``/csc/v2/``."""

    def __init__(self, pki: DevPki, *, multisign: int = 20, sad_lifetime: int = 300,
                 otp_lifetime: int = 300) -> None:
        self.clients = {"sohoa-test": secrets.token_urlsafe(16)}
        self.users = {"an": secrets.token_urlsafe(12)}  # auth/login (HTTP Basic)
        self.multisign, self.sad_lifetime, self.otp_lifetime = multisign, sad_lifetime, otp_lifetime
        chain = [c.dump() for c in load_certs([pki.chain])]
        self.credentials: dict[str, Credential] = {}
        for cid, label, otp in (("an-rsa", "official", "sms"), ("an-ec", "official_ec", "totp")):
            key = serialization.load_pem_private_key(pki.key_path(label).read_bytes(), None)
            assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
            cert = x509.load_pem_x509_certificate(pki.cert_path(label).read_bytes())
            self.credentials[cid] = Credential(
                cid, key, [cert.public_bytes(serialization.Encoding.DER), *chain], otp)
        #: The "SMS" the service sent: (credential ID, code), oldest first.
        self.outbox: list[tuple[str, str]] = []
        self.calls: Counter[str] = Counter()
        self.signed = 0  # hashes signed so far
        self._tokens: dict[str, float] = {}
        self._sads: dict[str, Sad] = {}
        self._lock = threading.Lock()
        self._httpd = _HttpServer(("127.0.0.1", 0), self)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def last_code(self, credential_id: str) -> str:
        return next(code for cid, code in reversed(self.outbox) if cid == credential_id)

    def totp_now(self, credential_id: str) -> str:
        return totp(self.credentials[credential_id].totp_secret)[0]

    # --- requests ----------------------------------------------------------------------
    def handle(self, path: str, headers: Any, body: bytes) -> tuple[HTTPStatus, dict[str, Any]]:
        name = path.removeprefix("/csc/v2/") if path.startswith("/csc/v2/") else path.lstrip("/")
        try:
            with self._lock:
                self.calls[name] += 1
                if name == "oauth2/token":
                    return HTTPStatus.OK, self._token(headers, body)
                data = json.loads(body or b"{}")
                if not isinstance(data, dict):
                    raise _bad("The request body is not a JSON object")
                if name == "info":
                    return HTTPStatus.OK, self._info()
                if name == "auth/login":
                    return HTTPStatus.OK, self._login(headers)
                self._check_token(headers)
                handler = {"credentials/list": self._list, "credentials/info": self._cred_info,
                           "credentials/sendOTP": self._send_otp,
                           "credentials/authorize": self._authorize,
                           "signatures/signHash": self._sign_hash}.get(name)
                if handler is None:
                    raise CscFault(HTTPStatus.NOT_IMPLEMENTED, "invalid_request",
                                   f"Method {name} is not implemented")
                result = handler(data)
                return (HTTPStatus.NO_CONTENT, {}) if result is None else (HTTPStatus.OK, result)
        except CscFault as fault:
            return fault.status, {"error": fault.error, "error_description": fault.description}
        except ValueError:  # JSON
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_request",
                                            "error_description": "Malformed JSON body"}

    def _token(self, headers: Any, body: bytes) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = _basic(headers)
        if basic is not None:
            client_id, secret = basic
        if form.get("grant_type") != "client_credentials":
            raise _bad("Invalid parameter grant_type", "unsupported_grant_type")
        known = self.clients.get(client_id)
        if known is None or not hmac.compare_digest(known, secret):
            raise CscFault(HTTPStatus.UNAUTHORIZED, "invalid_client", "Invalid client")
        return {"access_token": self._new_token(), "token_type": "Bearer", "expires_in": 3600}

    def _login(self, headers: Any) -> dict[str, Any]:
        basic = _basic(headers)
        if basic is None:
            raise CscFault(HTTPStatus.UNAUTHORIZED, "invalid_request",
                           "Malformed authentication parameter")
        known = self.users.get(basic[0])
        if known is None or not hmac.compare_digest(known, basic[1]):
            raise _bad("An error occurred during authentication process", "authentication_error")
        return {"access_token": self._new_token(), "expires_in": 3600}

    def _new_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self._tokens[token] = time.time() + 3600
        return token

    def _check_token(self, headers: Any) -> None:
        value = str(headers.get("Authorization", ""))
        token = value[7:] if value.startswith("Bearer ") else ""
        if self._tokens.get(token, 0) < time.time():
            raise CscFault(HTTPStatus.UNAUTHORIZED, "invalid_token",
                           "The access token is not valid")

    def _info(self) -> dict[str, Any]:
        return {"specs": "2.0.0.0", "name": "Dịch vụ ký số từ xa thử nghiệm", "region": "VN",
                "logo": f"{self.url}/logo.png", "lang": "vi-VN",
                "description": "CSC API v2 test service over the sohoa development PKI",
                "authType": ["oauth2client", "basic"], "oauth2": f"{self.url}/",
                "methods": ["auth/login", "credentials/list", "credentials/info",
                            "credentials/sendOTP", "credentials/authorize",
                            "signatures/signHash"],
                "signAlgorithms": {"algos": [*RSA_ALGOS, *EC_ALGOS],
                                   "algoParams": ["1.2.840.113549.1.1.10"]},
                "signature_formats": {"formats": ["C"], "envelope_properties": [["Detached"]]},
                "conformance_levels": ["Ades-B-B"]}

    def _credential(self, data: dict[str, Any]) -> Credential:
        cid = data.get("credentialID")
        if not isinstance(cid, str):
            raise _bad("Missing (or invalid type) string parameter credentialID")
        if cid not in self.credentials:
            raise _bad("Invalid parameter credentialID")
        return self.credentials[cid]

    def _list(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("userID") is not None:
            raise _bad("userID parameter MUST be null")
        out: dict[str, Any] = {"credentialIDs": list(self.credentials)}
        if data.get("credentialInfo"):
            out["credentialInfos"] = [{"credentialID": c.id, **self._describe(c, data)}
                                      for c in self.credentials.values()]
        return out

    def _cred_info(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._describe(self._credential(data), data)

    def _describe(self, cred: Credential, data: dict[str, Any]) -> dict[str, Any]:
        which = data.get("certificates", "single")
        if which not in ("none", "single", "chain"):
            raise _bad("Invalid parameter certificates")
        cert = x509.load_der_x509_certificate(cred.chain[0])
        rsa_key = isinstance(cred.key, rsa.RSAPrivateKey)
        key: dict[str, Any] = {"status": "disabled" if cred.locked else "enabled",
                               "algo": list(RSA_ALGOS if rsa_key else EC_ALGOS),
                               "len": cred.key.key_size}
        if not rsa_key:
            key["curve"] = "1.2.840.10045.3.1.7"
        certs = {"none": [], "single": cred.chain[:1], "chain": cred.chain}[which]
        out: dict[str, Any] = {
            "description": f"Chứng thư số của {cert.subject.rfc4514_string()}",
            "key": key, "cert": {"status": "valid",
                                 "certificates": [base64.b64encode(c).decode() for c in certs]},
            "auth": {"mode": "explicit"}, "SCAL": "2", "multisign": self.multisign,
            "lang": "vi-VN"}
        if data.get("certInfo"):
            out["cert"].update(
                issuerDN=cert.issuer.rfc4514_string(), subjectDN=cert.subject.rfc4514_string(),
                serialNumber=format(cert.serial_number, "x"),
                validFrom=cert.not_valid_before_utc.strftime("%Y%m%d%H%M%SZ"),
                validTo=cert.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ"))
        if data.get("authInfo"):
            otp: dict[str, Any] = {"type": "Password", "id": "OTP", "format": "N",
                                   "label": "Mã OTP"}
            if cred.otp == "totp":
                otp.update(generator="totp", description="Mã 6 số trên ứng dụng xác thực")
            else:
                otp["description"] = "Mã 6 số gửi qua SMS (credentials/sendOTP)"
            out["auth"].update(expression="OTP", objects=[otp])
        return out

    def _send_otp(self, data: dict[str, Any]) -> None:
        cred = self._credential(data)
        if cred.otp != "sms":
            raise _bad("The credential uses an offline OTP")
        code = f"{secrets.randbelow(1_000_000):06d}"
        cred.pending = (code, time.time() + self.otp_lifetime)
        self.outbox.append((cred.id, code))

    def _authorize(self, data: dict[str, Any]) -> dict[str, Any]:
        cred = self._credential(data)
        if cred.locked:
            raise _bad("Credential locked")
        count = data.get("numSignatures")
        if not isinstance(count, int) or isinstance(count, bool):
            raise _bad("Missing (or invalid type) integer parameter numSignatures")
        if count < 1:
            raise _bad("Invalid value for parameter numSignatures")
        if count > self.multisign:
            raise _bad("Numbers of signatures is too high")
        digests = _hashes(data)  # SCAL 2: the SAD covers these hashes only
        if len(digests) != count:
            raise _bad("numSignatures does not match the number of hashes")
        code = _otp_value(data)
        if code is None:
            raise _bad("Missing authentication data OTP")
        if not self._accept_code(cred, code):
            cred.failures += 1
            raise _bad("The OTP is invalid", "invalid_otp")
        cred.failures = 0
        sad = secrets.token_urlsafe(32)
        self._sads[sad] = Sad(cred.id, digests, _hash_oid(data) or SHA256, count,
                              time.time() + self.sad_lifetime)
        return {"SAD": sad, "expiresIn": self.sad_lifetime}

    def _accept_code(self, cred: Credential, code: str) -> bool:
        """The code is right, unexpired and not used before; using it spends it."""
        if cred.otp == "totp":
            now = time.time()
            for at in (now - 30, now, now + 30):
                expected, step = totp(cred.totp_secret, at)
                if step > cred.last_step and hmac.compare_digest(expected, code):
                    cred.last_step = step
                    return True
            return False
        if cred.pending is None or cred.pending[1] < time.time():
            return False
        if not hmac.compare_digest(cred.pending[0], code):
            return False
        cred.pending = None
        return True

    def _sign_hash(self, data: dict[str, Any]) -> dict[str, Any]:
        cred = self._credential(data)
        token = data.get("SAD")
        if not isinstance(token, str):
            raise _bad("Missing (or invalid type) string parameter SAD")
        sad = self._sads.get(token)
        if sad is None or sad.credential != cred.id:
            raise _bad("Invalid parameter SAD")
        if sad.expires < time.time():
            del self._sads[token]
            raise _bad("SAD expired")
        digests = _hashes(data)
        hash_oid = _hash_oid(data)
        if hash_oid is not None and hash_oid != sad.hash_oid:
            raise _bad("Invalid parameter hashAlgorithmOID")
        if len(digests) > sad.remaining or any(
                digests.count(d) > sad.hashes.count(d) for d in digests):
            raise _bad("Hash is not authorized by the SAD")
        algo = data.get("signAlgo")
        if not isinstance(algo, str):
            raise _bad("Missing (or invalid type) string parameter signAlgo")
        signatures = [base64.b64encode(_sign(cred, d, algo, sad.hash_oid, data)).decode()
                      for d in digests]
        for d in digests:
            sad.hashes.remove(d)
        sad.remaining -= len(digests)
        if sad.remaining == 0:
            del self._sads[token]  # spent: a replay is refused
        self.signed += len(digests)
        return {"signatures": signatures}

    # --- running -----------------------------------------------------------------------
    def __enter__(self) -> CscServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="csc-test",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join()
        self._httpd.server_close()


def _basic(headers: Any) -> tuple[str, str] | None:
    value = str(headers.get("Authorization", ""))
    if not value.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _hashes(data: dict[str, Any]) -> list[bytes]:
    """``hashes`` (v2) or ``hash`` (v1.0.4, what pyHanko sends), decoded."""
    values = data.get("hashes", data.get("hash"))
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _bad("Missing (or invalid type) array parameter hashes")
    if not values:
        raise _bad("Empty hash array")
    try:
        return [base64.b64decode(v, validate=True) for v in values]
    except binascii.Error:
        raise _bad("Invalid Base64 hash string parameter") from None


def _hash_oid(data: dict[str, Any]) -> str | None:
    value = data.get("hashAlgorithmOID", data.get("hashAlgo"))
    return value if isinstance(value, str) else None


def _otp_value(data: dict[str, Any]) -> str | None:
    """The OTP from v2 ``authData`` or v1 ``OTP``."""
    for item in data.get("authData") or []:
        if isinstance(item, dict) and item.get("id") == "OTP":
            value = item.get("value")
            return value if isinstance(value, str) else None
    value = data.get("OTP")
    return value if isinstance(value, str) else None


def _sign(cred: Credential, digest: bytes, algo: str, hash_oid: str,
          data: dict[str, Any]) -> bytes:
    """The raw signature of a digest, with the algorithm the client asked for."""
    key = cred.key
    allowed = RSA_ALGOS if isinstance(key, rsa.RSAPrivateKey) else EC_ALGOS
    if algo not in allowed:
        raise _bad("Invalid parameter signAlgo")
    md_name = IMPLIED_DIGEST.get(algo) or algos.DigestAlgorithmId(hash_oid).native
    md = get_pyca_cryptography_hash(md_name)
    if len(digest) != md.digest_size:
        raise _bad("Invalid digest value length")
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(digest, ec.ECDSA(Prehashed(md)))
    if algo == "1.2.840.113549.1.1.10":
        raw = data.get("signAlgoParams")
        if not isinstance(raw, str):
            raise _bad("Missing (or invalid type) string parameter signAlgoParams")
        pss, pss_md = process_pss_params(algos.RSASSAPSSParams.load(base64.b64decode(raw)),
                                         prehashed=True)
        if not isinstance(pss_md, Prehashed) or pss_md.digest_size != len(digest):
            raise _bad("Invalid digest value length")
        return key.sign(digest, pss, pss_md)
    return key.sign(digest, padding.PKCS1v15(), Prehashed(md))


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        status, body = self.server.app.handle(urlsplit(self.path).path, self.headers,
                                              self.rfile.read(min(length, 1 << 20)))
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8") if body else b""
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: CscServer) -> None:
        self.app = app
        super().__init__(address, _Handler)

