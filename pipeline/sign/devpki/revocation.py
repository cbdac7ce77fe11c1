"""The PKI's revocation list (``revocations.json``) and the CRLs built from it.

One list feeds both the OCSP responder and the CRLs, so the two answers can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from pipeline.sign.devpki.certs import Issuer

CRL_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Revocation:
    """One revoked certificate, identified by its issuer's label and its serial number."""

    issuer: str
    serial: int
    revoked_at: datetime
    reason: x509.ReasonFlags


def dump_revocations(revocations: list[Revocation]) -> str:
    rows = [{"issuer": r.issuer, "serial": str(r.serial), "revoked_at": r.revoked_at.isoformat(),
             "reason": r.reason.value} for r in revocations]
    return json.dumps(rows, indent=2) + "\n"


def read_revocations(path: Path) -> list[Revocation]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Revocation(issuer=row["issuer"], serial=int(row["serial"]),
                       revoked_at=datetime.fromisoformat(row["revoked_at"]),
                       reason=x509.ReasonFlags(row["reason"])) for row in rows]


def build_crl(issuer: Issuer, issuer_label: str, revocations: list[Revocation],
              now: datetime) -> bytes:
    """A DER CRL valid 7 days; ``now`` in whole seconds, the CRL number grows with time."""
    ski = issuer.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(issuer.cert.subject)
               .last_update(now).next_update(now + CRL_LIFETIME)
               .add_extension(x509.CRLNumber(int(now.timestamp())), False)
               .add_extension(
                   x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False))
    for r in revocations:
        if r.issuer != issuer_label:
            continue
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(r.serial)
            .revocation_date(r.revoked_at).add_extension(x509.CRLReason(r.reason), False)
            .build())
    crl = builder.sign(issuer.key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)
