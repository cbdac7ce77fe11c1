"""``init_dev_pki``: a complete test PKI made locally with ``cryptography``, written to a folder.

Nothing here may reach production: the keys sit in clear PEM next to the PKCS#12 files and
the PKCS#12 password is in ``password.txt``. Everything is generated in memory first and only
then written, so a failure while generating leaves the folder untouched.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12

from pipeline import clock
from pipeline.sign.devpki import certs, names
from pipeline.sign.devpki.errors import DevPkiError, DevPkiExists
from pipeline.sign.devpki.files import private_dir, write_file
from pipeline.sign.devpki.layout import IDENTITIES, DevPki
from pipeline.sign.devpki.revocation import Revocation, dump_revocations

#: The revoked official's certificate was compromised an hour before the PKI was made, so
#: anything signed with it "now" is signed after revocation.
REVOKED_BEFORE_CREATION = timedelta(hours=1)


def _rsa(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: CertificateIssuerPrivateKeyTypes) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def init_dev_pki(directory: Path, *, port: int, force: bool = False) -> DevPki:
    """Create the development PKI in ``directory`` for a server on 127.0.0.1:``port``.

    Refuses (:class:`DevPkiExists`) when any file of a PKI is already there, unless ``force``;
    even then only the PKI's own files are replaced, nothing else in the folder is touched.
    """
    if not 0 < port < 65536:
        raise DevPkiError(f"Cổng {port} không hợp lệ: cần một số từ 1 đến 65535.")
    now = clock.now("UTC")
    pki = DevPki(directory=directory, port=port, official_name=names.OFFICIAL_NAME,
                 official_title=names.OFFICIAL_TITLE, agency_name=names.AGENCY_NAME,
                 created_at=now.isoformat())
    existing = [path for path in pki.files() if path.exists()]
    if existing and not force:
        raise DevPkiExists(
            f"Đã có PKI thử nghiệm trong {directory} (tệp {existing[0].name}). Tạo lại sẽ làm "
            "mọi chứng thư và hồ sơ ký đang dùng nó mất hiệu lực; nếu chắc chắn, thêm --force.")

    keys: dict[str, CertificateIssuerPrivateKeyTypes] = {"root": _rsa(3072)}
    for label in ("issuing", "tsa", "ocsp", "official", "seal", "official_revoked"):
        keys[label] = _rsa(2048)
    keys["official_ec"] = ec.generate_private_key(ec.SECP256R1())

    made: dict[str, x509.Certificate] = {}
    made["root"] = certs.root_ca(names.root_name(), keys["root"], now)
    root = certs.Issuer(made["root"], keys["root"])
    made["issuing"] = certs.issuing_ca(names.issuing_name(), keys["issuing"].public_key(), root,
                                       pki, now)
    issuing = certs.Issuer(made["issuing"], keys["issuing"])
    made["tsa"] = certs.time_stamping(names.tsa_name(), keys["tsa"].public_key(), root, pki, now)
    made["ocsp"] = certs.ocsp_responder(names.ocsp_name(), keys["ocsp"].public_key(), issuing,
                                        now)
    subjects = {"official": names.official_name(), "official_ec": names.official_name(),
                "seal": names.seal_name(), "official_revoked": names.revoked_official_name()}
    for label in IDENTITIES:
        made[label] = certs.document_signer(subjects[label], keys[label].public_key(), issuing,
                                            pki, now)

    password = secrets.token_urlsafe(18)
    encryption = serialization.BestAvailableEncryption(password.encode("ascii"))
    revoked = Revocation(issuer="issuing", serial=made["official_revoked"].serial_number,
                         revoked_at=now - REVOKED_BEFORE_CREATION,
                         reason=x509.ReasonFlags.key_compromise)

    out: list[tuple[Path, bytes, bool]] = []
    for label, cert in made.items():
        out.append((pki.cert_path(label), _pem(cert), False))
        out.append((pki.key_path(label), _key_pem(keys[label]), True))
    for label in IDENTITIES:
        p12 = pkcs12.serialize_key_and_certificates(
            label.encode("ascii"), keys[label], made[label],  # type: ignore[arg-type]
            [made["issuing"], made["root"]], encryption)
        out.append((pki.p12_path(label), p12, True))
    out.append((pki.chain, _pem(made["issuing"]) + _pem(made["root"]), False))
    out.append((pki.password_file, (password + "\n").encode("ascii"), True))
    out.append((pki.revocations, dump_revocations([revoked]).encode("utf-8"), False))

    directory.mkdir(parents=True, exist_ok=True)
    private_dir(pki.key_path("root").parent)
    private_dir(pki.p12_path("official").parent)
    for path, data, private in out:
        write_file(path, data, private=private)
    write_file(pki.manifest, pki.manifest_json().encode("utf-8"), private=False)
    return pki
