"""A throwaway SoftHSM2 token holding a dev-PKI key and its certificates, for PKCS#11 tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


def module_path() -> Path | None:
    found = next((Path(m) for m in MODULES if Path(m).exists()), None)
    return found if found and shutil.which("softhsm2-util") else None


@dataclass(frozen=True)
class Token:
    module: Path
    label: str
    pin: str
    config: Path


def make_token(folder: Path, label: str, key_pem: Path, certs: list[Path],
               key_label: str) -> Token:
    """Initialise a token, import the key (softhsm2-util) and the certificates (PKCS#11, in
    a child process: SoftHSM reads its token folder once per process, so a process that
    already loaded it would never see this token)."""
    module = module_path()
    assert module is not None, "softhsm2 is not installed"
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                      "log.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(config)
    pin = "246810"
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
                    "--so-pin", "13579111"], check=True, capture_output=True)
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", label, "--label",
                    key_label, "--id", "01", "--pin", pin], check=True, capture_output=True)
    job = {"module": str(module), "label": label, "pin": pin, "key_label": key_label,
           "certs": [str(c) for c in certs]}
    subprocess.run([sys.executable, "-m", "tests.softhsm", json.dumps(job)], check=True,
                   capture_output=True, cwd=Path(__file__).resolve().parents[1])
    return Token(module, label, pin, config)


def _import_certs(module: str, label: str, pin: str, key_label: str,
                  certs: list[str]) -> None:
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(module)
    token = lib.get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        for index, path in enumerate(certs):
            cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label if index == 0 else f"ca-{index}",
                Attribute.ID: b"\x01" if index == 0 else bytes([0x10 + index]),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            })


if __name__ == "__main__":
    _import_certs(**json.loads(sys.argv[1]))
