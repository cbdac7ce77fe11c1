"""Delegated OCSP responder of the issuing CA: a DER OCSPRequest in, a signed response out.

Times are whole seconds: NSS (hence poppler's pdfsig) rejects OCSP responses whose
GeneralizedTimes carry fractions, and then cannot call any certificate trusted.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from asn1crypto import keys
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp

from pipeline import clock
from pipeline.sign.devpki.revocation import Revocation

RESPONSE_LIFETIME = timedelta(minutes=10)


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    response = ocsp.OCSPResponseBuilder.build_unsuccessful(status)
    return response.public_bytes(serialization.Encoding.DER)


class OcspResponder:
    """Answers for the certificates of one CA; safe to share across threads (no state)."""

    def __init__(self, ca_cert: x509.Certificate, responder_cert: x509.Certificate,
                 responder_key: rsa.RSAPrivateKey, issued_serials: set[int],
                 revocations: list[Revocation], ca_label: str = "issuing") -> None:
        self._cert = responder_cert
        self._key = responder_key
        self._issued = frozenset(issued_serials)
        self._revoked = {r.serial: r for r in revocations if r.issuer == ca_label}
        self._ca_name = ca_cert.subject.public_bytes()
        self._ca_key = _bit_string_value(ca_cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))

    def _is_our_ca(self, request: ocsp.OCSPRequest) -> bool:
        """Compare the request's issuer hashes with ours, in the request's hash algorithm."""
        algorithm = request.hash_algorithm
        name_hash = hashes.Hash(algorithm)
        name_hash.update(self._ca_name)
        key_hash = hashes.Hash(algorithm)
        # The key hash covers the subjectPublicKey BIT STRING value, not the whole SPKI.
        key_hash.update(self._ca_key)
        return (hmac.compare_digest(name_hash.finalize(), request.issuer_name_hash)
                and hmac.compare_digest(key_hash.finalize(), request.issuer_key_hash))

    def respond(self, body: bytes) -> bytes:
        """DER OCSPResponse; malformed or foreign requests get an unsuccessful status."""
        try:
            request = ocsp.load_der_ocsp_request(body)
            serial = request.serial_number
            algorithm = request.hash_algorithm
        except (ValueError, NotImplementedError, UnsupportedAlgorithm):
            return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        if not self._is_our_ca(request):
            return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        now = clock.now("UTC")
        revoked = self._revoked.get(serial)
        if revoked is not None:
            status = ocsp.OCSPCertStatus.REVOKED
        elif serial in self._issued:
            status = ocsp.OCSPCertStatus.GOOD
        else:
            status = ocsp.OCSPCertStatus.UNKNOWN
        builder = (ocsp.OCSPResponseBuilder()
                   .add_response_by_hash(
                       issuer_name_hash=request.issuer_name_hash,
                       issuer_key_hash=request.issuer_key_hash, serial_number=serial,
                       algorithm=algorithm, cert_status=status, this_update=now,
                       next_update=now + RESPONSE_LIFETIME,
                       revocation_time=revoked.revoked_at if revoked else None,
                       revocation_reason=revoked.reason if revoked else None)
                   .responder_id(ocsp.OCSPResponderEncoding.HASH, self._cert)
                   .certificates([self._cert]))
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value
        except x509.ExtensionNotFound:
            pass
        else:
            builder = builder.add_extension(nonce, critical=False)
        response = builder.sign(self._key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)


def _bit_string_value(spki_der: bytes) -> bytes:
    """The subjectPublicKey bits of a DER SubjectPublicKeyInfo (after the unused-bits octet)."""
    return bytes(keys.PublicKeyInfo.load(spki_der)["public_key"].contents[1:])
