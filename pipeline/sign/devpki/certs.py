"""Certificate profiles of the development PKI (root, issuing CA, signers, TSA, OCSP responder).

The profiles copy what validators check on the real government-service PKI: path length,
key usage (non-repudiation for document signers), CRL distribution points and AIA pointing at
the dev server, a critical timeStamping EKU for the TSA and a delegated OCSP responder that
needs no revocation check of its own. Anything less would let tests pass that production fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from pipeline.sign.devpki.layout import DevPki

YEAR = timedelta(days=365)
#: End-entity certificates start a day early so a clock a little behind still accepts them.
BACKDATE = timedelta(days=1)


@dataclass(frozen=True)
class Issuer:
    """A CA able to sign: its certificate (for names and key identifiers) and its key."""

    cert: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes


def _key_usage(*, signature: bool = False, non_repudiation: bool = False,
               ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signature, content_commitment=non_repudiation,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)


def _crl_dp(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(url)], relative_name=None, reasons=None,
        crl_issuer=None)])


def _aia(ca_issuers: str, ocsp: str | None = None) -> x509.AuthorityInformationAccess:
    access = []
    if ocsp is not None:
        access.append(x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                             x509.UniformResourceIdentifier(ocsp)))
    access.append(x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                         x509.UniformResourceIdentifier(ca_issuers)))
    return x509.AuthorityInformationAccess(access)


def _build(subject: x509.Name, public_key: CertificatePublicKeyTypes, issuer: Issuer | None,
           signing_key: CertificateIssuerPrivateKeyTypes, not_before: datetime,
           lifetime: timedelta, extensions: list[tuple[x509.ExtensionType, bool]]
           ) -> x509.Certificate:
    issuer_name = subject if issuer is None else issuer.cert.subject
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer_name).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_before + lifetime)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False))
    if issuer is not None:
        aki = issuer.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(aki), False)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical)
    return builder.sign(signing_key, hashes.SHA256())


def root_ca(subject: x509.Name, key: CertificateIssuerPrivateKeyTypes,
            now: datetime) -> x509.Certificate:
    """Self-signed trust anchor, 20 years."""
    return _build(subject, key.public_key(), None, key, now - BACKDATE, 20 * YEAR, [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (_key_usage(ca=True), True),
    ])


def issuing_ca(subject: x509.Name, public_key: CertificatePublicKeyTypes, root: Issuer,
               pki: DevPki, now: datetime) -> x509.Certificate:
    """Issues end-entity certificates only (pathLen 0); checked against the root's CRL."""
    return _build(subject, public_key, root, root.key, now - BACKDATE, 10 * YEAR, [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (_key_usage(ca=True), True),
        (_crl_dp(pki.root_crl_url), False),
        (_aia(pki.root_cert_url), False),
    ])


def document_signer(subject: x509.Name, public_key: CertificatePublicKeyTypes, issuer: Issuer,
                    pki: DevPki, now: datetime) -> x509.Certificate:
    """An official's or an agency's signing certificate: 3 years, OCSP and CRL."""
    return _build(subject, public_key, issuer, issuer.key, now - BACKDATE, 3 * YEAR, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(signature=True, non_repudiation=True), True),
        (_crl_dp(pki.issuing_crl_url), False),
        (_aia(pki.issuing_cert_url, ocsp=pki.ocsp_url), False),
    ])


def time_stamping(subject: x509.Name, public_key: CertificatePublicKeyTypes, root: Issuer,
                  pki: DevPki, now: datetime) -> x509.Certificate:
    """The TSA, issued by the root; TSA certificates last at most 5 years (RFC 3161 practice)."""
    return _build(subject, public_key, root, root.key, now - BACKDATE, 5 * YEAR, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(signature=True, non_repudiation=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
        (_crl_dp(pki.root_crl_url), False),
        (_aia(pki.root_cert_url), False),
    ])


def ocsp_responder(subject: x509.Name, public_key: CertificatePublicKeyTypes, issuer: Issuer,
                   now: datetime) -> x509.Certificate:
    """Delegated responder of the issuing CA; id-pkix-ocsp-nocheck stops the recursion."""
    return _build(subject, public_key, issuer, issuer.key, now - BACKDATE, 3 * YEAR, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(signature=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False),
        (x509.OCSPNoCheck(), False),
    ])
