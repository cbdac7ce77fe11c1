"""Signer profiles: who signs, with which key, at which level, looking how - as data.

A profile is one TOML file in the profiles folder (``$SOHOA_HOME/profiles/<name>.toml``)::

    role = "official"            # official | seal | copy
    owner = "nguyen-van-an"      # official: the account whose personal profile this is
    activation = "pin"           # pin | agent | csc | unattended (dev = true only)
    dev = false                  # a development profile (the dev PKI), never for real documents
    level = "B-LT"               # B-B | B-T | B-LT | B-LTA
    lock = false                 # lock the document (DocMDP) after this signature
    requires_official = true     # seal: only after the official's signature

    [key]
    source = "pkcs12"            # pkcs12 | pkcs11 | csc | agent
    path = "official.p12"        # pkcs12: the file; pkcs11: the module (.so); csc: none;
                                 # agent: the official's certificate (PEM, its chain after it)
    token = ""                   # pkcs11: token label
    key_label = ""               # pkcs11: key and certificate label
    secret_env = ""              # unattended (dev) only: where the password/PIN comes from
    secret_file = ""             # or a file the operator provides

    [timestamp]
    url = "http://127.0.0.1:9817/tsa"
    username = ""
    password_env = ""

    [appearance]
    image = "chu-ky.png"         # official: the signature image; seal: the seal image
    placement = "auto"           # or "page,x0,y0,x1,y1" in PDF points (page from 1)
    label = "SAO Y"              # copy: the kind of copy shown in the text block

A key held by a remote signing service (a CA's cloud signing, CSC API v2) has
``source = "csc"`` and a ``[csc]`` table instead of a key file; each batch is activated by a
one-time code the official gives at signing time (see :mod:`pipeline.sign.csc`)::

    [key]
    source = "csc"

    [csc]
    url = "https://ky-so.ca.vn/api"  # the service's base URL, before /csc/v2/
    credential_id = "GX0112348"      # the official's credential at the service
    client_id = "sohoa-ubnd-xa"      # this installation's OAuth2 client (client credentials)
    client_secret_env = "SOHOA_CSC_SECRET"  # or client_secret_file = "..."
    otp = "sms"                      # sms: the service sends the code; app: authenticator app

Relative paths are read from the profile's folder, so a profile and its files travel together.
Secrets are never in the file: only where to find them.

Who may use a profile is :mod:`pipeline.sign.authority`'s: an ``official`` profile is
personal (its owner only, never a system key), ``seal`` and ``copy`` belong to the records
clerks. The signer activates the key for each batch: ``pin`` (the PIN or password typed for
the batch, on the page or at the terminal), ``agent`` (the official's own token, through
``sohoa agent``), ``csc`` (a remote signing service, a one-time code per batch).
``unattended`` (the key unlocked from ``secret_env``/``secret_file`` with nobody present) is
for development profiles only (``dev = true``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.config import ConfigError, Settings


class Role(StrEnum):
    #: A person's own signature: approval, image between the title and the printed name.
    OFFICIAL = "official"
    #: The agency's signature standing for its red seal, after the official's.
    SEAL = "seal"
    #: The agency alone on an electronic copy or an attachment: a text block, no image.
    COPY = "copy"


class Level(StrEnum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def timestamped(self) -> bool:
        return self is not Level.B_B

    @property
    def long_term(self) -> bool:
        return self in (Level.B_LT, Level.B_LTA)

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class Activation(StrEnum):
    #: The PIN/password of a server HSM or PKCS#12 file, typed by the signer for the batch.
    PIN = "pin"
    #: The official's own token at their desk, through ``sohoa agent`` (two-phase signing).
    AGENT = "agent"
    #: A remote signing service (CSC API); a one-time code per batch.
    CSC = "csc"
    #: Nobody present: the key opens from ``secret_env``/``secret_file`` (``dev = true`` only).
    UNATTENDED = "unattended"


class KeySource(StrEnum):
    PKCS12 = "pkcs12"
    PKCS11 = "pkcs11"
    #: A remote signing service (CSC API v2): the key never leaves the CA.
    CSC = "csc"
    #: The key stays on the official's own token; ``sohoa agent`` on their computer signs
    #: the digests the server prepares (two-phase signing). ``path`` is their certificate.
    AGENT = "agent"


@dataclass(frozen=True)
class KeySpec:
    source: KeySource
    #: The PKCS#12 file or the PKCS#11 module; None for a remote key.
    path: Path | None
    token: str = ""
    key_label: str = ""
    secret_env: str = ""
    secret_file: Path | None = None


class OtpDelivery(StrEnum):
    #: The service sends the code (SMS) when asked (``credentials/sendOTP``).
    SMS = "sms"
    #: The official reads it from an authenticator app or OTP token: nothing to send.
    APP = "app"


@dataclass(frozen=True)
class CscSpec:
    """A remote signing service speaking the CSC API v2 and the official's credential there."""

    url: str
    credential_id: str
    client_id: str
    client_secret_env: str = ""
    client_secret_file: Path | None = None
    otp: OtpDelivery = OtpDelivery.SMS


@dataclass(frozen=True)
class TimestampSpec:
    url: str = ""
    username: str = ""
    password_env: str = ""


@dataclass(frozen=True)
class AppearanceSpec:
    image: Path | None = None
    #: None: found from the page text; else (page index from 0, x0, y0, x1, y1).
    placement: tuple[int, float, float, float, float] | None = None
    label: str = "SAO Y"


@dataclass(frozen=True)
class Profile:
    name: str
    role: Role
    level: Level
    key: KeySpec
    timestamp: TimestampSpec = field(default_factory=TimestampSpec)
    appearance: AppearanceSpec = field(default_factory=AppearanceSpec)
    lock: bool = False
    #: The remote signing service when ``key.source`` is ``csc``.
    csc: CscSpec | None = None
    #: The account whose personal profile this is (role official).
    owner: str = ""
    activation: Activation = Activation.PIN
    #: A development profile (the dev PKI): the only kind that may sign unattended.
    dev: bool = False
    #: Seal only: sign only documents the official has signed.
    requires_official: bool = True

    @property
    def personal(self) -> bool:
        return self.role is Role.OFFICIAL

    @property
    def field_name(self) -> str:
        """Signature field name: one per profile, so a second run finds its own signature."""
        return f"sohoa-{self.role}-{self.name}"


def profile_path(settings: Settings, name: str) -> Path:
    return settings.sign.profiles_path(settings.home) / f"{name}.toml"


def list_profiles(settings: Settings) -> list[Profile]:
    """Every profile of the profiles folder that loads (a broken one is left out here and
    reported when named)."""
    folder = settings.sign.profiles_path(settings.home)
    found = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            found.append(load_profile(settings, path.stem))
        except ConfigError:
            continue
    return found


def load_profile(settings: Settings, name: str) -> Profile:
    path = profile_path(settings, name)
    if not path.is_file():
        folder = path.parent
        known = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
        hint = f" Các hồ sơ ký hiện có: {', '.join(known)}." if known else (
            " Chạy 'sohoa pki init-dev' để tạo hồ sơ ký thử nghiệm.")
        raise ConfigError(f"Không tìm thấy hồ sơ ký '{name}' ({path}).{hint}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được hồ sơ ký {path}: {exc}") from exc
    return parse_profile(name, data, path.parent)


def parse_profile(name: str, data: dict[str, Any], base: Path) -> Profile:
    where = f"hồ sơ ký '{name}'"

    def choice(enum: type[StrEnum], value: Any, key: str) -> Any:
        try:
            return enum(value)
        except ValueError:
            options = ", ".join(e.value for e in enum)
            raise ConfigError(
                f"{where}: {key} = {value!r} không hợp lệ; chọn: {options}.") from None

    def resolve(value: Any) -> Path | None:
        if not value:
            return None
        path = Path(str(value)).expanduser()
        return path if path.is_absolute() else base / path

    key = dict(data.get("key", {}))
    source = choice(KeySource, key.get("source", "pkcs12"), "key.source")
    if source is not KeySource.CSC and not key.get("path"):
        raise ConfigError(f"{where}: thiếu [key] path (tệp PKCS#12 hoặc thư viện PKCS#11).")
    key_spec = KeySpec(source=source, path=resolve(key.get("path")),
                       token=str(key.get("token", "")),
                       key_label=str(key.get("key_label", "")),
                       secret_env=str(key.get("secret_env", "")),
                       secret_file=resolve(key.get("secret_file")))
    if key_spec.source is KeySource.PKCS11 and not key_spec.token:
        raise ConfigError(f"{where}: khóa PKCS#11 cần [key] token (nhãn token).")
    ts = dict(data.get("timestamp", {}))
    level = choice(Level, data.get("level", "B-LT"), "level")
    timestamp = TimestampSpec(url=str(ts.get("url", "")), username=str(ts.get("username", "")),
                              password_env=str(ts.get("password_env", "")))
    if level.timestamped and not timestamp.url:
        raise ConfigError(f"{where}: mức {level} cần [timestamp] url (máy chủ cấp dấu thời gian).")
    look = dict(data.get("appearance", {}))
    appearance = AppearanceSpec(image=resolve(look.get("image")),
                                placement=_placement(look.get("placement", "auto"), where),
                                label=str(look.get("label", "SAO Y")))
    role = choice(Role, data.get("role", ""), "role")
    if role in (Role.OFFICIAL, Role.SEAL) and appearance.image is None:
        raise ConfigError(f"{where}: vai trò {role} cần [appearance] image (ảnh chữ ký/con dấu).")
    csc = _csc(data, where, resolve) if source is KeySource.CSC else None
    profile = Profile(name=name, role=role, level=level, key=key_spec, timestamp=timestamp,
                      appearance=appearance, lock=bool(data.get("lock", False)),
                      owner=str(data.get("owner", "")).strip().lower(),
                      activation=choice(Activation, data.get(
                          "activation", _DEFAULT_ACTIVATION.get(source, "pin")), "activation"),
                      dev=bool(data.get("dev", False)),
                      requires_official=bool(data.get("requires_official", True)),
                      csc=csc)
    _check_activation(profile, where)
    return profile


#: A key that only its holder can activate says so by its source.
_DEFAULT_ACTIVATION = {KeySource.AGENT: "agent", KeySource.CSC: "csc"}


def _check_activation(profile: Profile, where: str) -> None:
    """A person's key is activated by that person: nothing but a development profile opens
    a key with nobody present."""
    if profile.personal and not profile.owner:
        raise ConfigError(f"{where}: hồ sơ ký cá nhân (role = \"official\") cần owner = tên "
                          "đăng nhập của người ký; chỉ người đó được dùng hồ sơ này.")
    if not profile.personal and profile.owner:
        raise ConfigError(f"{where}: chỉ hồ sơ ký cá nhân (role = \"official\") có owner; con "
                          "dấu và bản sao thuộc văn thư.")
    for method, source in ((Activation.AGENT, KeySource.AGENT), (Activation.CSC, KeySource.CSC)):
        if (profile.activation is method) != (profile.key.source is source):
            raise ConfigError(f"{where}: activation = \"{method}\" đi cùng [key] source = "
                              f"\"{source}\" (khóa nằm trên token của người ký hoặc ở dịch vụ "
                              "ký từ xa).")
    if profile.activation is Activation.UNATTENDED and not profile.dev:
        raise ConfigError(f"{where}: activation = \"unattended\" (mở khóa tự động, không ai "
                          "kích hoạt) chỉ dành cho hồ sơ thử nghiệm (dev = true).")
    unattended_unlock = profile.key.source in (KeySource.PKCS12, KeySource.PKCS11) and bool(
        profile.key.secret_env or profile.key.secret_file)
    if unattended_unlock and profile.activation is not Activation.UNATTENDED:
        whose = "của người ký" if profile.personal else "của hồ sơ ký"
        raise ConfigError(f"{where}: khóa {whose} không được mở tự động bằng secret_env hoặc "
                          "secret_file; người ký nhập mã PIN cho từng lô (activation = "
                          "\"pin\"), hoặc dùng thiết bị ký (\"agent\") hay dịch vụ ký từ xa "
                          "(\"csc\"). Chỉ hồ sơ thử nghiệm (dev = true, activation = "
                          "\"unattended\") mới được mở tự động.")


def _csc(data: dict[str, Any], where: str,
         resolve: Callable[[Any], Path | None]) -> CscSpec:
    """The ``[csc]`` table: where the service is and how this installation logs in to it."""
    table = dict(data.get("csc", {}))
    secrets = sorted(k for k in table if k in ("client_secret", "otp_code", "password", "pin"))
    if secrets:
        raise ConfigError(f"{where}: không ghi bí mật ({', '.join(secrets)}) trong hồ sơ ký; "
                          "dùng client_secret_env hoặc client_secret_file.")
    missing = [k for k in ("url", "credential_id", "client_id") if not table.get(k)]
    if missing:
        raise ConfigError(f"{where}: khóa ký từ xa cần [csc] {', '.join(missing)}.")
    url = str(table["url"]).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in (
            "127.0.0.1", "localhost", "::1")):
        raise ConfigError(f"{where}: [csc] url phải là địa chỉ https (trừ máy chủ thử "
                          "nghiệm trên 127.0.0.1).")
    if not table.get("client_secret_env") and not table.get("client_secret_file"):
        raise ConfigError(f"{where}: [csc] cần client_secret_env hoặc client_secret_file.")
    try:
        otp = OtpDelivery(table.get("otp", "sms"))
    except ValueError:
        raise ConfigError(f"{where}: [csc] otp phải là 'sms' hoặc 'app'.") from None
    return CscSpec(url=url, credential_id=str(table["credential_id"]),
                   client_id=str(table["client_id"]),
                   client_secret_env=str(table.get("client_secret_env", "")),
                   client_secret_file=resolve(table.get("client_secret_file")), otp=otp)


def _placement(value: Any, where: str) -> tuple[int, float, float, float, float] | None:
    if value in (None, "", "auto"):
        return None
    try:
        parts = [float(p) for p in str(value).split(",")]
        page, x0, y0, x1, y1 = parts
    except ValueError:
        raise ConfigError(f"{where}: placement phải là 'auto' hoặc 'trang,x0,y0,x1,y1'.") from None
    if page < 1 or x1 <= x0 or y1 <= y0:
        raise ConfigError(f"{where}: placement {value!r} không hợp lệ.")
    return int(page) - 1, x0, y0, x1, y1
