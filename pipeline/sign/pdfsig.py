"""A second opinion from poppler's ``pdfsig`` (NSS), trusting only the given roots.

pdfsig checks each CAdES signature and its chain (it needs the OCSP responder reachable);
it cannot verify document timestamps and does no incremental-update analysis, so it is a
cross-check, never the verdict (that is :mod:`pipeline.sign.verify`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import SohoaError


@dataclass(frozen=True)
class PdfsigSignature:
    signer: str
    subfilter: str
    signature: str  # e.g. "Signature is Valid."
    certificate: str  # e.g. "Certificate is Trusted."

    @property
    def document_timestamp(self) -> bool:
        return "rfc3161" in self.subfilter.lower() or self.subfilter == "unknown"

    @property
    def valid_and_trusted(self) -> bool:
        return self.signature == "Signature is Valid." and \
            self.certificate == "Certificate is Trusted."


def available() -> bool:
    return shutil.which("pdfsig") is not None and shutil.which("certutil") is not None


def pdfsig(pdf: Path, roots: list[Path]) -> list[PdfsigSignature]:
    """pdfsig's verdict per signature, with a throwaway NSS database trusting ``roots``."""
    if not available():
        raise SohoaError("Thiếu pdfsig/certutil (gói poppler-utils, libnss3-tools).")
    with tempfile.TemporaryDirectory(prefix="sohoa-nss-") as nss:
        db = f"sql:{nss}"
        subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True,
                       capture_output=True)
        for index, root in enumerate(roots):
            subprocess.run(["certutil", "-A", "-d", db, "-n", f"root{index}", "-t", "CT,C,C",
                            "-i", str(root)], check=True, capture_output=True)
        done = subprocess.run(["pdfsig", "-nssdir", db, str(pdf)], capture_output=True,
                              text=True, timeout=120)
    return parse(done.stdout)


def parse(output: str) -> list[PdfsigSignature]:
    out = []
    for block in re.split(r"^Signature #\d+:\s*$", output, flags=re.M)[1:]:
        def value(label: str, text: str = block) -> str:
            found = re.search(rf"^\s*- {label}: (.*)$", text, flags=re.M)
            return found.group(1).strip() if found else ""
        out.append(PdfsigSignature(signer=value("Signer Certificate Common Name"),
                                   subfilter=value("Signature Type"),
                                   signature=value("Signature Validation"),
                                   certificate=value("Certificate Validation")))
    return out
