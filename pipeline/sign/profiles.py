"""Signer profiles: who signs, with which key, at which level, looking how - as data.

A profile is one TOML file in the profiles folder (``$SOHOA_HOME/profiles/<name>.toml``)::

    role = "official"            # official | seal | copy
    level = "B-LT"               # B-B | B-T | B-LT | B-LTA
    lock = false                 # lock the document (DocMDP) after this signature
    owner = "an.nv"              # a personal profile: the official's account
    activation = "agent"         # pin | agent | csc | unattended: who unlocks each batch
    dev = false                  # true only for the development PKI's profiles

    [key]
    source = "pkcs12"            # pkcs12 | pkcs11 | agent
    path = "official.p12"        # pkcs12: the file; pkcs11: the module (.so); agent: the
                                 # official's certificate (PEM, its chain after it)
    token = ""                   # pkcs11: token label
    key_label = ""               # pkcs11: key and certificate label
    secret_env = "SOHOA_PIN"     # where the password/PIN comes from, else it is asked once
    secret_file = ""             # or a file the operator provides

    [timestamp]
    url = "http://127.0.0.1:9817/tsa"
    username = ""
    password_env = ""

    [appearance]
    image = "chu-ky.png"         # official: the signature image; seal: the seal image
    placement = "auto"           # or "page,x0,y0,x1,y1" in PDF points (page from 1)
    label = "SAO Y"              # copy: the kind of copy shown in the text block

Relative paths are read from the profile's folder, so a profile and its files travel together.
Secrets are never in the file: only where to find them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

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


class KeySource(StrEnum):
    PKCS12 = "pkcs12"
    PKCS11 = "pkcs11"
    #: The key stays on the official's own token; ``sohoa agent`` on their computer signs
    #: the digests the server prepares (two-phase signing). ``path`` is their certificate.
    AGENT = "agent"


class Activation(StrEnum):
    """Who unlocks the key for each batch (issue 14)."""

    #: The official enters the PIN or password for the batch.
    PIN = "pin"
    #: The official's agent signs with their token after they confirm.
    AGENT = "agent"
    #: A remote signing service, with a one-time code per batch.
    CSC = "csc"
    #: Nobody: the server unlocks the key itself (development profiles only).
    UNATTENDED = "unattended"


@dataclass(frozen=True)
class KeySpec:
    source: KeySource
    path: Path
    token: str = ""
    key_label: str = ""
    secret_env: str = ""
    secret_file: Path | None = None


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
    #: The account that alone may use a personal profile ("" for the agency's profiles).
    owner: str = ""
    activation: Activation = Activation.UNATTENDED
    #: A development profile (the dev PKI's): never for real documents.
    dev: bool = False

    @property
    def field_name(self) -> str:
        """Signature field name: one per profile, so a second run finds its own signature."""
        return f"sohoa-{self.role}-{self.name}"


def profile_path(settings: Settings, name: str) -> Path:
    return settings.sign.profiles_path(settings.home) / f"{name}.toml"


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
    if not key.get("path"):
        raise ConfigError(f"{where}: thiếu [key] path (tệp PKCS#12 hoặc thư viện PKCS#11).")
    key_path = resolve(key["path"])
    assert key_path is not None
    key_spec = KeySpec(source=choice(KeySource, key.get("source", "pkcs12"), "key.source"),
                       path=key_path, token=str(key.get("token", "")),
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
    activation = choice(Activation, data.get(
        "activation", "agent" if key_spec.source is KeySource.AGENT else "unattended"),
        "activation")
    if (activation is Activation.AGENT) != (key_spec.source is KeySource.AGENT):
        raise ConfigError(f"{where}: activation = \"agent\" đi cùng [key] source = \"agent\" "
                          "(khóa nằm trên token của người ký).")
    owner = str(data.get("owner", ""))
    if activation is Activation.AGENT and not owner:
        raise ConfigError(f"{where}: hồ sơ ký bằng agent cần owner (tài khoản người ký).")
    return Profile(name=name, role=role, level=level, key=key_spec, timestamp=timestamp,
                   appearance=appearance, lock=bool(data.get("lock", False)), owner=owner,
                   activation=activation, dev=bool(data.get("dev", False)))


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
