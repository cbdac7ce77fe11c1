"""One typed settings object, read from a TOML file and ``SOHOA_*`` environment variables.

Every knob lives here with a safe default, so a fresh checkout runs with no configuration.
Names map mechanically: the field ``ocr.languages`` is ``[ocr] languages`` in TOML and
``SOHOA_OCR_LANGUAGES`` in the environment; top-level fields are ``SOHOA_<NAME>``.
Precedence: environment > TOML file > defaults. The file is ``$SOHOA_CONFIG`` if set, else
``./sohoa.toml``, else ``$SOHOA_HOME/sohoa.toml``.

One rule for paths: every path setting is absolute once the settings are read. A relative
path written in the TOML file is relative to that file's folder (so a configuration and the
files it names travel together); one given in the environment, or a default, is relative to
the working folder of the process that read it.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ExitCode, SohoaError

ENV_PREFIX = "SOHOA_"

#: Field metadata marking a path setting: ``PATH`` one path, ``PATHS`` an
#: ``os.pathsep``-separated list. Both are made absolute when the settings are read.
PATH = {"path": "one"}
PATHS = {"path": "list"}


class ConfigError(SohoaError):
    """A setting is wrong or missing: the user's to fix, so a usage error (exit 2)."""

    code = "cau-hinh-sai"
    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class StoreSettings:
    """Where objects live: the local folder, or an S3 server (MinIO, Ceph radosgw, AWS) when
    ``s3_endpoint`` is set. Every ``s3_*`` field is ``[store] s3_…`` in TOML and
    ``SOHOA_STORE_S3_…`` in the environment; the shorter ``SOHOA_S3_…`` (``SOHOA_S3_ENDPOINT``,
    ``SOHOA_S3_ACCESS_KEY``, ``SOHOA_S3_SECRET_KEY``, ``SOHOA_S3_BUCKET``, ``SOHOA_S3_SECURE``…)
    is accepted too and read when the store is opened; the longer name wins if both are set.
    """

    #: Folder of the embedded local store; empty means ``<home>/store``.
    path: str = field(default="", metadata=PATH)
    #: S3 server as ``host:port`` (or ``https://host:port``, whose scheme then decides TLS);
    #: empty keeps the local folder.
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    #: Created on first use when missing (with object lock if ``s3_retention_days`` > 0).
    s3_bucket: str = "sohoa"
    #: TLS; only for an endpoint given without a scheme.
    s3_secure: bool = True
    #: Empty asks the server (radosgw and MinIO answer ``us-east-1``).
    s3_region: str = ""
    #: Files bigger than this go up in parts of this size (5 MiB at least); it is also the
    #: most a write holds in memory per part.
    s3_part_size_mb: int = 16
    #: Retries of a request that failed for a passing reason (connection, 5xx, SlowDown), with
    #: exponential backoff; a 4xx answer is never retried.
    s3_retries: int = 5
    #: Seconds to connect, and to wait for an answer, before the attempt counts as failed.
    s3_timeout: float = 30.0
    #: Object-lock retention of write-once objects (originals, signed versions, audit
    #: entries), in days; 0 = none. Needs a bucket created with object lock.
    s3_retention_days: int = 0
    #: ``COMPLIANCE`` (nobody can shorten or delete) or ``GOVERNANCE`` (privileged users can).
    s3_retention_mode: str = "COMPLIANCE"


@dataclass(frozen=True)
class IndexSettings:
    """The index of what the object store cannot answer (by citizen, dossier, result name).
    ``[index] url`` in TOML, ``SOHOA_INDEX_URL`` in the environment: ``sqlite:///PATH`` or
    ``postgresql://user:pass@host/db``; empty means ``sqlite:///<home>/index.sqlite3``. The
    bucket stays the source of truth: ``sohoa store reindex`` rebuilds the index from it."""

    url: str = ""


@dataclass(frozen=True)
class OcrSettings:
    #: Tesseract languages, ``+``-separated (``vie``, ``vie+eng``).
    languages: str = "vie"
    #: Resolution pages are rasterised at when the PDF does not say better.
    dpi: int = 300
    #: Scans are rasterised at their own resolution, kept within these bounds.
    min_dpi: int = 150
    max_dpi: int = 400
    #: Tesseract page segmentation mode: 4 (one column of variable sizes) measured best on
    #: administrative pages (bench/ABLATION.md); columns are put in order by our layout step.
    psm: int = 4
    #: Let Tesseract retry doubtful lines as white-on-black text (none on admin pages).
    inverted_text: bool = False
    #: Give Tesseract the administrative vocabulary and code shapes in ``pipeline/data``
    #: (measured: no effect on the error rate, so off).
    vocabulary: bool = False
    #: Seconds one page may take; a page over it keeps no text and sends the document to review.
    page_timeout: float = 300.0
    #: A page with a text layer is read from it (not OCRed) when the page is not mostly an
    #: image, or when its words cover at least this share of the page: a stamp's few words
    #: over a scan do not make the scan born-digital.
    text_layer_min_coverage: float = 0.02


@dataclass(frozen=True)
class PreprocessSettings:
    """Page clean-up before OCR; each step's effect is measured by ``bench/ablation.py``."""

    #: Find the sheet in phone photos and flatten its perspective.
    page_detection: bool = True
    #: Turn pages lying on their side or upside down.
    orientation: bool = True
    #: Ask Tesseract's orientation detection when the quick cues are unsure.
    osd_fallback: bool = True
    deskew: bool = True
    #: Skew (degrees) below which a page is left as it is.
    min_skew: float = 0.5
    #: Even out lighting and paper tone.
    flatten_light: bool = True
    #: Erase table rules and underlines before reading.
    remove_rules: bool = True
    #: Erase signatures, seals and pictures before reading.
    remove_marks: bool = True
    denoise: bool = False
    binarise: bool = False
    #: Pages scanned below ``upscale_below`` dpi are read at ``ocr_dpi``.
    ocr_dpi: int = 300
    upscale_below: int = 120


@dataclass(frozen=True)
class FieldSettings:
    #: Extra template folders (``os.pathsep``-separated); a file there replaces the built-in
    #: template of the same document type.
    template_dirs: str = field(default="", metadata=PATHS)
    #: Read QR codes (one-stop receipts, CCCD backs) before OCR.
    read_qr: bool = True
    #: Map field confidences to how often such values are right (``bench/calibrate.py``);
    #: off only to measure the raw scores the model is fitted on.
    calibrate: bool = True

    @property
    def template_paths(self) -> list[Path]:
        return [Path(p) for p in self.template_dirs.split(os.pathsep) if p]


@dataclass(frozen=True)
class ReviewSettings:
    #: A document whose OCR confidence (0..1) is below this goes to ``review``.
    min_confidence: float = 0.70
    #: A field read with less confidence than this sends the document to ``review``.
    min_field_confidence: float = 0.60


@dataclass(frozen=True)
class WatchSettings:
    #: A file is taken once its size and mtime stayed unchanged this long.
    quiet_seconds: float = 2.0
    #: Seconds between scans of the folder (polling, and the safety-net rescan with inotify).
    poll_interval: float = 1.0
    #: Poll instead of inotify (network shares, where events do not arrive).
    polling: bool = False
    #: Where processed and rejected files go; relative paths are inside the watched folder.
    done_dir: str = "done"
    quarantine_dir: str = "quarantine"
    #: The scanning stations file (TOML, see ``scanners/stations.toml``); ``SOHOA_WATCH_STATIONS``.
    stations: str = field(default="", metadata=PATH)


@dataclass(frozen=True)
class WorkSettings:
    """Distributed work (Celery on the broker of ``broker_url``)."""

    #: Seconds before the broker itself redelivers a task whose worker never acknowledged
    #: it: the last resort behind the heartbeats below; longer than the slowest page
    #: (``ocr.page_timeout``).
    visibility_timeout: float = 900.0
    #: Seconds between two heartbeats of a worker on the job board (a thread of its own, so
    #: a page that takes minutes does not stop it).
    heartbeat_interval: float = 5.0
    #: Seconds without a heartbeat after which a worker is dead (SIGKILL, power cut, network
    #: cut) and the tasks it had taken are queued again for the others.
    dead_after: float = 30.0
    #: Attempts of a task failing for a passing reason (store or broker away), with backoff.
    retries: int = 8
    #: Longest wait between two attempts, seconds.
    retry_backoff_max: float = 120.0
    #: Port of the worker's Prometheus metrics (``/metrics``); 0 = not served.
    metrics_port: int = 0
    #: Celery queue of the tasks.
    queue: str = "sohoa"

    def __post_init__(self) -> None:
        if self.heartbeat_interval <= 0 or self.dead_after < 3 * self.heartbeat_interval:
            raise ConfigError(
                f"work.dead_after ({self.dead_after:g} s) phải dài ít nhất gấp ba "
                f"work.heartbeat_interval ({self.heartbeat_interval:g} s, lớn hơn 0): một tiến "
                "trình xử lý còn sống không được bị coi là đã chết vì lỡ một nhịp.")


@dataclass(frozen=True)
class LimitSettings:
    max_file_mb: int = 1024
    max_pages: int = 5000
    #: Guards against decompression bombs; a 600 dpi A3 scan is ~70 Mpx. Pillow's own guard
    #: (~89 Mpx) still applies above this.
    max_image_megapixels: int = 80


@dataclass(frozen=True)
class SignSettings:
    #: Signer profiles, one TOML file each (``<name>.toml``); default ``$SOHOA_HOME/profiles``.
    profiles_dir: str = field(default="", metadata=PATH)
    #: Where ``sohoa pki init-dev`` puts the development PKI; default ``$SOHOA_HOME/pki``.
    pki_dir: str = field(default="", metadata=PATH)
    #: Port of ``sohoa pki serve-dev`` on 127.0.0.1 (TSA, OCSP, CRL); baked into the dev
    #: certificates' OCSP and CRL addresses when the PKI is created.
    dev_pki_port: int = 9817
    #: Trusted roots for ``sohoa verify`` (PEM files, ``os.pathsep``-separated). Production
    #: pins the national root and the government CA roots; empty means the dev root if any.
    trust_roots: str = field(default="", metadata=PATHS)
    #: Keys that can only do PKCS#1 v1.5 (many deployed tokens): "warn" signs and tells the
    #: operator, "refuse" stops. Circular 15/2025/TT-BKHCN asks for RSASSA-PSS or ECDSA.
    legacy_padding: str = "warn"
    min_rsa_bits: int = 2048
    min_ec_bits: int = 256
    #: Digest for signatures and timestamps (SHA-256 or stronger).
    digest: str = "sha256"
    #: Timestamp requests kept in flight at once during a batch (per worker).
    concurrency: int = 8
    #: Processes signing a batch with a key held in memory; 0 = one per CPU core.
    workers: int = 0
    #: Seconds to wait for a TSA, OCSP responder or CRL server.
    network_timeout: float = 20.0
    #: Wrong PINs in a row that lock a "pin" profile, and for how long (minutes).
    pin_attempts: int = 5
    pin_lockout_minutes: float = 30.0
    #: Seconds a batch waits for another batch signing the same document before giving up.
    document_lock_wait: float = 120.0

    def profiles_path(self, home: Path) -> Path:
        return Path(self.profiles_dir) if self.profiles_dir else home / "profiles"

    def pki_path(self, home: Path) -> Path:
        return Path(self.pki_dir) if self.pki_dir else home / "pki"

    @property
    def trust_paths(self) -> list[Path]:
        return [Path(p) for p in self.trust_roots.split(os.pathsep) if p]


@dataclass(frozen=True)
class AuthSettings:
    """People of the centre: local accounts (password + TOTP) or the province's OpenID
    Connect provider; sessions in the index database, cookies always ``Secure``."""

    #: A session ends after this long without a request, and this long after login at most.
    session_idle_minutes: float = 30.0
    session_hours: float = 10.0
    #: Failed logins in a row that lock an account, and for how long (minutes).
    max_failed_logins: int = 5
    lockout_minutes: float = 15.0
    #: The provider (``https://id.tinh.gov.vn/realms/x``); empty = local accounts only.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    #: Give it in the environment (``SOHOA_AUTH_OIDC_CLIENT_SECRET``), not in the file.
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile"
    #: Claims naming the person and holding their roles (a list or a space-separated string).
    oidc_username_claim: str = "preferred_username"
    oidc_roles_claim: str = "roles"
    #: ``provider-value=role`` pairs, comma-separated (``lanh-dao=official,van-thu=clerk``);
    #: empty = the claim holds our role names (scanner, reviewer, official, clerk, admin).
    oidc_role_map: str = ""
    #: Where the provider sends the browser back; empty = derived from the request.
    oidc_redirect_uri: str = ""

    @property
    def oidc(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    def role_map(self) -> dict[str, str]:
        pairs = [p.partition("=") for p in self.oidc_role_map.split(",") if p.strip()]
        return {k.strip(): v.strip() for k, _, v in pairs}


@dataclass(frozen=True)
class Settings:
    #: Working folder: the local store, logs and caches live under it. Always absolute.
    home: Path = field(default=Path("var"), metadata=PATH)
    #: Time zone of timestamps (signing time, receipt time).
    timezone: str = "Asia/Ho_Chi_Minh"
    #: Station name recorded when a file arrives without one.
    station: str = "mac-dinh"
    #: Parallel OCR processes; 0 means one per CPU core.
    jobs: int = 0
    #: The Celery broker (``redis://127.0.0.1:6379/0``); empty = everything in-process.
    broker_url: str = ""
    store: StoreSettings = field(default_factory=StoreSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    preprocess: PreprocessSettings = field(default_factory=PreprocessSettings)
    fields: FieldSettings = field(default_factory=FieldSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)
    work: WorkSettings = field(default_factory=WorkSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    sign: SignSettings = field(default_factory=SignSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)

    def __post_init__(self) -> None:
        # Settings built in code (tests, tools) follow the same rule as those read.
        if not self.home.is_absolute():
            home = os.path.normpath(Path.cwd() / self.home.expanduser())
            object.__setattr__(self, "home", Path(home))

    @property
    def store_path(self) -> Path:
        return Path(self.store.path) if self.store.path else self.home / "store"

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


def load_settings(
    environ: Mapping[str, str] | None = None, config_file: Path | None = None
) -> Settings:
    """Build the settings; raise :class:`ConfigError` (Vietnamese) on a bad value or file."""
    env = os.environ if environ is None else environ
    path = config_file or _find_config_file(env)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(
                f"Không đọc được tệp cấu hình {path}: {exc}", detail=repr(exc)
            ) from exc
    bases = _Bases(file=(path.absolute().parent if path is not None else Path.cwd()),
                   env=Path.cwd())
    settings: Settings = _build(Settings, data, env, ENV_PREFIX, str(path or "môi trường"),
                                bases)
    return dataclasses.replace(settings, store=with_env_aliases(settings.store, env))


#: Prefix of the short environment names accepted for ``[store] s3_*`` settings.
ENV_ALIAS_PREFIX = "SOHOA_S3_"
_CANONICAL_PREFIX = "SOHOA_STORE_S3_"


def with_env_aliases(store: StoreSettings,
                     environ: Mapping[str, str] | None = None) -> StoreSettings:
    """``store`` with ``SOHOA_S3_<NAME>`` applied to each ``s3_<name>`` field, unless the
    canonical ``SOHOA_STORE_S3_<NAME>`` is set too (it has already been read and wins)."""
    env = os.environ if environ is None else environ
    hints = typing.get_type_hints(StoreSettings)
    changes: dict[str, object] = {}
    for f in dataclasses.fields(StoreSettings):
        if not f.name.startswith("s3_"):
            continue
        name = f.name.removeprefix("s3_").upper()
        alias, canonical = ENV_ALIAS_PREFIX + name, _CANONICAL_PREFIX + name
        if alias in env and canonical not in env:
            changes[f.name] = _coerce(hints[f.name], env[alias], alias)
    return dataclasses.replace(store, **changes) if changes else store  # type: ignore[arg-type]



@dataclass(frozen=True)
class _Bases:
    """What relative paths are relative to: the TOML file's folder, or the working folder."""

    file: Path
    env: Path


def _absolute(value: Any, kind: str, base: Path) -> Any:
    """``value`` (a path, or a list of them) with relative parts joined to ``base``."""
    def one(text: str) -> str:
        return os.path.normpath(base / Path(text).expanduser())  # an absolute one stays

    if isinstance(value, Path):
        return Path(one(str(value)))
    if not value:
        return value
    if kind == "list":
        return os.pathsep.join(one(p) for p in str(value).split(os.pathsep) if p)
    return one(str(value))


def _find_config_file(env: Mapping[str, str]) -> Path | None:
    explicit = env.get(ENV_PREFIX + "CONFIG")
    if explicit:
        return Path(explicit)
    for candidate in (Path("sohoa.toml"), Path(env.get(ENV_PREFIX + "HOME", "var")) / "sohoa.toml"):
        if candidate.is_file():
            return candidate
    return None


def _build(cls: type[Any], data: Mapping[str, Any], env: Mapping[str, str], prefix: str,
           origin: str, bases: _Bases) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - known
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ConfigError(f"Khóa cấu hình không được hỗ trợ trong {origin}: {names}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        env_name = prefix + f.name.upper()
        if dataclasses.is_dataclass(hint):
            section = data.get(f.name, {})
            if not isinstance(section, Mapping):
                raise ConfigError(f"Mục [{f.name}] trong {origin} phải là một bảng TOML")
            values[f.name] = _build(typing.cast(type, hint), section, env, env_name + "_", origin,
                                    bases)
            continue
        kind = f.metadata.get("path")
        if env_name in env:
            value, base = _coerce(hint, env[env_name], env_name), bases.env
        elif f.name in data:
            value, base = _coerce(hint, data[f.name], f.name), bases.file
        elif kind is not None and f.default not in ("", dataclasses.MISSING):
            value, base = f.default, bases.env
        else:
            continue
        values[f.name] = _absolute(value, kind, base) if kind is not None else value
    return cls(**values)


def _coerce(hint: Any, raw: Any, name: str) -> Any:
    """Turn a TOML value or an environment string into the field's type."""
    if isinstance(hint, types.UnionType):  # ``str | None`` and the like
        if raw in ("", None):
            return None
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    try:
        if hint is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on", "co"):
                return True
            if text in ("0", "false", "no", "off", "khong", ""):
                return False
            raise ValueError(raw)
        if hint is int:
            if isinstance(raw, bool):
                raise ValueError(raw)
            return int(raw)
        if hint is float:
            return float(raw)
        if hint is Path:
            return Path(str(raw))
        if hint is str:
            return str(raw)
    except ValueError as exc:
        raise ConfigError(f"Giá trị cấu hình {name}={raw!r} không hợp lệ") from exc
    raise ConfigError(f"Kiểu cấu hình không hỗ trợ cho {name}")  # pragma: no cover
