"""What a batch shares across its documents: one HTTP session, one timestamper, one
validation context (so certificate chains, OCSP responses and CRLs are fetched once per
batch, not once per document), the trust roots, and the signer's checked status."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import tzlocal
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from pipeline.config import Settings
from pipeline.errors import SigningError
from pipeline.sign.keys import UnlockedKey
from pipeline.sign.profiles import Profile

log = logging.getLogger(__name__)


def use_timezone(name: str) -> None:
    """pyHanko takes the signing time (``/M``, the stamp's text) from the local zone: make it
    the configured one (Vietnam: +07:00, no DST) whatever the machine says."""
    if os.environ.get("TZ") != name:
        os.environ["TZ"] = name
        time.tzset()
        tzlocal.reload_localzone()


def load_certs(paths: Iterable[Path]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM or DER files (several per PEM file allowed)."""
    out: list[asn1_x509.Certificate] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningError(f"Không đọc được chứng thư {path}: {exc.strerror}.") from None
        if pem.detect(data):
            out += [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True)]
        else:
            out.append(asn1_x509.Certificate.load(data))
    return out


def trust_roots(settings: Settings) -> list[asn1_x509.Certificate]:
    """The configured roots; without any, the development PKI's root if one was created."""
    paths = settings.sign.trust_paths
    if not paths:
        dev_root = settings.sign.pki_path(settings.home) / "certs" / "root.pem"
        paths = [dev_root] if dev_root.is_file() else []
    return load_certs(paths)


@dataclass(frozen=True)
class RevocationData:
    """OCSP responses and CRLs fetched by a batch's checks, handed to its forked workers."""

    ocsps: tuple[Any, ...]
    crls: tuple[Any, ...]


@dataclass
class BatchContext:
    """Network-facing state of one batch."""

    validation: ValidationContext
    timestamper: HTTPTimeStamper | None
    session: aiohttp.ClientSession

    @property
    def timestamper_url(self) -> str:
        return str(self.timestamper.url) if self.timestamper is not None else ""

    def revocation_data(self) -> RevocationData:
        return RevocationData(tuple(self.validation.ocsps), tuple(self.validation.crls))

    async def check_timestamp_authority(self) -> None:
        """Validate the TSA's certificate once (from a probe token), so its chain's
        revocation data is fetched before the workers fork."""
        if self.timestamper is None:
            return
        token = await self.timestamper.async_dummy_response("sha256")
        certs = list(token["content"]["certificates"] or [])
        signer_info = token["content"]["signer_infos"][0]
        serial = signer_info["sid"].chosen["serial_number"].native
        leaf = next((c.chosen for c in certs if c.chosen.serial_number == serial), None)
        if leaf is None:
            return
        others = [c.chosen for c in certs if c.chosen is not leaf]
        validator = CertificateValidator(leaf, intermediate_certs=others,
                                         validation_context=self.validation)
        try:
            await validator.async_validate_usage(set(), extended_key_usage={"time_stamping"})
        except (PathValidationError, PathBuildingError) as exc:
            raise SigningError(f"Chứng thư của máy chủ dấu thời gian không hợp lệ: {exc}.") \
                from None

    async def check_signer(self, key: UnlockedKey, profile: Profile) -> None:
        """Refuse a revoked or untrusted signer before any document is touched (pyHanko
        would sign with a revoked key at B-B/B-T without complaint)."""
        validator = CertificateValidator(key.cert, intermediate_certs=key.chain,
                                         validation_context=self.validation)
        who = key.cert.subject.human_friendly
        try:
            await validator.async_validate_usage({"non_repudiation"})
        except RevokedError:
            raise SigningError(f"Chứng thư số của '{who}' đã bị thu hồi: không ký.") from None
        except (PathValidationError, PathBuildingError) as exc:
            # No path to a configured root (a key file's own root is never one).
            raise SigningError(f"Chứng thư số của '{who}' không hợp lệ hoặc không được tin "
                               f"cậy: {exc}.") from None
        log.info("signer %s checked for profile %s", who, profile.name)


@contextlib.asynccontextmanager
async def batch_context(settings: Settings, profile: Profile, key: UnlockedKey,
                        revinfo: RevocationData | None = None) -> AsyncIterator[BatchContext]:
    """``revinfo`` given (a forked worker): validate with it and fetch nothing."""
    use_timezone(settings.timezone)
    timeout = aiohttp.ClientTimeout(total=settings.sign.network_timeout)
    connector = aiohttp.TCPConnector(limit=max(4, settings.sign.concurrency * 2))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        # Roots come from configuration only: a key file's bundled certificates are
        # intermediates at most, so a PKCS#12 carrying its own self-signed root proves nothing.
        roots = trust_roots(settings)
        fetchers = AIOHttpFetcherBackend(session, per_request_timeout=int(
            settings.sign.network_timeout))
        validation = ValidationContext(
            trust_roots=roots, other_certs=key.chain, allow_fetching=revinfo is None,
            revocation_mode="hard-fail" if profile.level.long_term else "soft-fail",
            fetcher_backend=fetchers if revinfo is None else None,
            ocsps=list(revinfo.ocsps) if revinfo else None,
            crls=list(revinfo.crls) if revinfo else None)
        stamper = None
        if profile.level.timestamped:
            spec = profile.timestamp
            auth = None
            if spec.username:
                auth = aiohttp.BasicAuth(spec.username, os.environ.get(spec.password_env, ""))
            stamper = HTTPTimeStamper(spec.url, session=session, auth=auth,
                                      timeout=int(settings.sign.network_timeout))
        yield BatchContext(validation, stamper, session)
