"""What a paired agent remembers: the server, its agent token, which token module to use.
Kept in one file readable by the official's account only (``~/.config/sohoa/agent.json``)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.errors import AgentError


@dataclass(frozen=True)
class AgentConfig:
    server: str
    agent_id: str
    #: The agent token (a secret of this computer; revoked on the page if it is lost).
    token: str
    #: The PKCS#11 module of the official's USB token, and the token's label.
    module: str
    token_label: str
    official: str
    official_name: str
    #: A CA file to trust for the server's HTTPS certificate ("" = the system's).
    ca_file: str = ""


def default_path() -> Path:
    env = os.environ.get("SOHOA_AGENT_CONFIG")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "sohoa" / "agent.json"


def load(path: Path) -> AgentConfig:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AgentConfig(**data)
    except FileNotFoundError:
        raise AgentError(f"Agent chưa được ghép nối ({path} không có). Lấy mã ghép nối trên "
                         "trang ký số rồi chạy: sohoa agent pair MÃ --server URL --module "
                         "THƯ-VIỆN-PKCS11") from None
    except (OSError, ValueError, TypeError) as exc:
        raise AgentError(f"Không đọc được tệp cấu hình agent {path}: {exc}.") from None


def save(path: Path, config: AgentConfig) -> None:
    """Written whole, readable by this account only, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(config), out, ensure_ascii=False, indent=2)
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
