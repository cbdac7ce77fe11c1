"""HTTP server of the development PKI: TSA, OCSP, CRLs and CA certificates on 127.0.0.1.

A context manager for tests (served from a background thread) and ``serve_forever`` for
``sohoa pki serve-dev``. Requests are counted per endpoint so benchmarks can show that a
batch fetches each CRL or OCSP answer once, not once per document.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pipeline import clock
from pipeline.sign.devpki.certs import Issuer
from pipeline.sign.devpki.errors import DevPkiError
from pipeline.sign.devpki.layout import IDENTITIES, DevPki
from pipeline.sign.devpki.ocsp import OcspResponder
from pipeline.sign.devpki.revocation import Revocation, build_crl, read_revocations
from pipeline.sign.devpki.tsa import TimeStampAuthority

log = logging.getLogger(__name__)

#: Requests larger than this are refused: TSA and OCSP requests are a few hundred bytes.
MAX_BODY = 64 * 1024
ENDPOINTS = ("tsa", "ocsp", "crl/issuing", "crl/root", "certs/root", "certs/issuing")


@dataclass(frozen=True)
class _Reply:
    status: HTTPStatus
    content_type: str
    body: bytes


def _not_found() -> _Reply:
    return _Reply(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")


def _load_rsa_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DevPkiError(f"Khóa {path} không phải khóa RSA như PKI thử nghiệm cần.")
    return key


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


class _Authorities:
    """Everything the server signs with, loaded and parsed once."""

    def __init__(self, pki: DevPki) -> None:
        certs = {label: _load_cert(pki.cert_path(label))
                 for label in ("root", "issuing", "tsa", "ocsp")}
        self.root = Issuer(certs["root"], _load_rsa_key(pki.key_path("root")))
        self.issuing = Issuer(certs["issuing"], _load_rsa_key(pki.key_path("issuing")))
        self.revocations: list[Revocation] = read_revocations(pki.revocations)
        issued = {_load_cert(pki.cert_path(label)).serial_number for label in IDENTITIES}
        issued.add(certs["ocsp"].serial_number)
        self.ocsp = OcspResponder(certs["issuing"], certs["ocsp"],
                                  _load_rsa_key(pki.key_path("ocsp")), issued,
                                  self.revocations)
        tsa_der = certs["tsa"].public_bytes(serialization.Encoding.DER)
        self.tsa = TimeStampAuthority(asn1_x509.Certificate.load(tsa_der),
                                      _load_rsa_key(pki.key_path("tsa")))
        self.cert_der = {label: certs[label].public_bytes(serialization.Encoding.DER)
                         for label in ("root", "issuing")}

    def crl(self, label: str) -> bytes:
        issuer = self.root if label == "root" else self.issuing
        return build_crl(issuer, label, self.revocations, clock.now("UTC"))


def _decode_get_request(blob: str) -> bytes | None:
    """An OCSP GET request: base64 (standard or URL-safe), URL-escaped, padding optional."""
    text = unquote(blob).strip()
    text += "=" * (-len(text) % 4)
    altchars = b"-_" if ("-" in text or "_" in text) else None
    try:
        return base64.b64decode(text, altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    server_version = "sohoa-devpki"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._send(self.server.app.handle_get(urlsplit(self.path).path))

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(_Reply(HTTPStatus.LENGTH_REQUIRED, "text/plain", b"length required\n"))
            return
        if not 0 <= length <= MAX_BODY:
            self._send(_Reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain", b"too large\n"))
            return
        body = self.rfile.read(length)
        self._send(self.server.app.handle_post(urlsplit(self.path).path, body))


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: DevPkiServer) -> None:
        self.app = app
        super().__init__(address, _Handler)


class DevPkiServer:
    """Serves one development PKI; ``with DevPkiServer(pki) as server:`` runs it in a thread."""

    def __init__(self, pki: DevPki, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.pki = pki
        self._authorities = _Authorities(pki)
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(ENDPOINTS, 0)
        self._thread: threading.Thread | None = None
        wanted = pki.port if port is None else port
        try:
            self._httpd = _HttpServer((host, wanted), self)
        except OSError as exc:
            raise DevPkiError(
                f"Không mở được cổng {host}:{wanted} cho máy chủ PKI thử nghiệm (cổng đang bận "
                "hoặc không được phép).", detail=str(exc)) from exc

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def counts(self) -> dict[str, int]:
        """Requests answered so far per endpoint (a snapshot)."""
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts = dict.fromkeys(ENDPOINTS, 0)

    def _count(self, endpoint: str) -> None:
        with self._lock:
            self._counts[endpoint] = self._counts.get(endpoint, 0) + 1

    # --- routing -----------------------------------------------------------------------
    def handle_get(self, path: str) -> _Reply:
        auth = self._authorities
        if path.startswith("/ocsp/"):
            request = _decode_get_request(path[len("/ocsp/"):])
            if request is None:
                return _Reply(HTTPStatus.BAD_REQUEST, "text/plain", b"bad base64\n")
            self._count("ocsp")
            return _Reply(HTTPStatus.OK, "application/ocsp-response", auth.ocsp.respond(request))
        for label in ("issuing", "root"):
            if path == f"/crl/{label}.crl":
                self._count(f"crl/{label}")
                return _Reply(HTTPStatus.OK, "application/pkix-crl", auth.crl(label))
            if path == f"/certs/{label}.cer":
                self._count(f"certs/{label}")
                return _Reply(HTTPStatus.OK, "application/pkix-cert", auth.cert_der[label])
        return _not_found()

    def handle_post(self, path: str, body: bytes) -> _Reply:
        if path == "/tsa":
            self._count("tsa")
            return _Reply(HTTPStatus.OK, "application/timestamp-reply",
                          self._authorities.tsa.respond(body))
        if path in ("/ocsp", "/ocsp/"):
            self._count("ocsp")
            return _Reply(HTTPStatus.OK, "application/ocsp-response",
                          self._authorities.ocsp.respond(body))
        return _not_found()

    # --- running -----------------------------------------------------------------------
    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` (another thread) or Ctrl-C."""
        log.info("development PKI served on %s:%d", self.host, self.port)
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def start(self) -> DevPkiServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                                            name="sohoa-devpki", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> DevPkiServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
