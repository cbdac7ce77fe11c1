"""Where the development PKI keeps its files and which URLs its certificates point to.

The paths and URLs are derived from the folder and the port only, so the creator, the server,
the signer profiles and the tests can never disagree about them. ``pki.json`` is written last
by :func:`~pipeline.sign.devpki.create.init_dev_pki`: without it the folder is not a PKI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.sign.devpki.errors import DevPkiMissing
from pipeline.sign.devpki.names import REVOKED_NAME

MANIFEST = "pki.json"
FORMAT = 1
#: Signing identities handed to users of the PKI (PKCS#12 + clear key + certificate each).
IDENTITIES = ("official", "seal", "official_revoked", "official_ec")
#: Certificates of the infrastructure itself, whose keys only the server uses.
AUTHORITIES = ("root", "issuing", "tsa", "ocsp")
LABELS = AUTHORITIES + IDENTITIES


@dataclass(frozen=True)
class DevIdentity:
    """One signing identity: key and certificate in the three shapes the signers want."""

    label: str
    #: The certificate's CN, as a stamp would show it.
    display_name: str
    #: Key + certificate + chain, encrypted with :attr:`DevPki.password_file`'s password.
    p12: Path
    #: Clear PKCS#8 PEM (SoftHSM's import needs it); mode 0600, development only.
    key: Path
    cert: Path


@dataclass(frozen=True)
class DevPki:
    """A development PKI on disk: its files, the URLs baked into its certificates, its names."""

    directory: Path
    port: int
    official_name: str
    official_title: str
    agency_name: str
    #: When the PKI was made (ISO 8601, UTC); the revocations are dated from it.
    created_at: str

    # --- files -------------------------------------------------------------------------
    def cert_path(self, label: str) -> Path:
        return self.directory / "certs" / f"{label}.pem"

    def key_path(self, label: str) -> Path:
        return self.directory / "keys" / f"{label}.pem"

    def p12_path(self, label: str) -> Path:
        return self.directory / "p12" / f"{label}.p12"

    @property
    def manifest(self) -> Path:
        return self.directory / MANIFEST

    @property
    def root_cert(self) -> Path:
        return self.cert_path("root")

    @property
    def issuing_cert(self) -> Path:
        return self.cert_path("issuing")

    @property
    def chain(self) -> Path:
        """Issuing CA then root, PEM: what a signer embeds after its own certificate."""
        return self.directory / "certs" / "chain.pem"

    @property
    def tsa_cert(self) -> Path:
        return self.cert_path("tsa")

    @property
    def ocsp_cert(self) -> Path:
        return self.cert_path("ocsp")

    @property
    def password_file(self) -> Path:
        return self.directory / "password.txt"

    @property
    def revocations(self) -> Path:
        return self.directory / "revocations.json"

    def password(self) -> bytes:
        return self.password_file.read_text(encoding="utf-8").strip().encode("utf-8")

    def identity(self, label: str) -> DevIdentity:
        names = {"official": self.official_name, "official_ec": self.official_name,
                 "seal": self.agency_name, "official_revoked": REVOKED_NAME}
        if label not in names:
            raise KeyError(label)
        return DevIdentity(label=label, display_name=names[label], p12=self.p12_path(label),
                           key=self.key_path(label), cert=self.cert_path(label))

    @property
    def official(self) -> DevIdentity:
        return self.identity("official")

    @property
    def seal(self) -> DevIdentity:
        return self.identity("seal")

    @property
    def official_revoked(self) -> DevIdentity:
        return self.identity("official_revoked")

    @property
    def official_ec(self) -> DevIdentity:
        """Same subject as :attr:`official`, ECDSA P-256 key: for the crypto-policy tests."""
        return self.identity("official_ec")

    def files(self) -> list[Path]:
        """Every file the PKI consists of (the manifest last)."""
        paths = [self.cert_path(label) for label in LABELS]
        paths += [self.key_path(label) for label in LABELS]
        paths += [self.p12_path(label) for label in IDENTITIES]
        paths += [self.chain, self.password_file, self.revocations, self.manifest]
        return paths

    # --- URLs --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/tsa"

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}/ocsp"

    @property
    def issuing_crl_url(self) -> str:
        return f"{self.base_url}/crl/issuing.crl"

    @property
    def root_crl_url(self) -> str:
        return f"{self.base_url}/crl/root.crl"

    @property
    def crl_urls(self) -> tuple[str, ...]:
        return (self.issuing_crl_url, self.root_crl_url)

    @property
    def root_cert_url(self) -> str:
        return f"{self.base_url}/certs/root.cer"

    @property
    def issuing_cert_url(self) -> str:
        return f"{self.base_url}/certs/issuing.cer"

    # --- manifest ----------------------------------------------------------------------
    def manifest_json(self) -> str:
        data = {"format": FORMAT, "port": self.port, "created_at": self.created_at,
                "official_name": self.official_name, "official_title": self.official_title,
                "agency_name": self.agency_name}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load_dev_pki(directory: Path) -> DevPki:
    """Read a PKI made by ``sohoa pki init-dev``; refuse a missing or incomplete one."""
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise DevPkiMissing(
            f"Chưa có PKI thử nghiệm trong {directory}: hãy chạy `sohoa pki init-dev` trước.")
    try:
        data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
        pki = DevPki(directory=directory, port=int(data["port"]),
                     official_name=str(data["official_name"]),
                     official_title=str(data["official_title"]),
                     agency_name=str(data["agency_name"]), created_at=str(data["created_at"]))
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise DevPkiMissing(
            f"Tệp {manifest} bị hỏng: hãy tạo lại PKI thử nghiệm bằng "
            "`sohoa pki init-dev --force`.", detail=repr(exc)) from exc
    missing = [p for p in pki.files() if not p.is_file()]
    if missing:
        raise DevPkiMissing(
            f"PKI thử nghiệm trong {directory} không đầy đủ (thiếu {missing[0].name}): hãy tạo "
            "lại bằng `sohoa pki init-dev --force`.")
    return pki
