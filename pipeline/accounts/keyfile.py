"""Server secrets kept in the home folder, and sealing small values with one of them.

A secret is made once, readable by the owner only, and shared by every server process of
this home (several ``sohoa serve`` workers, or machines sharing the home). The accounts key
seals TOTP secrets at rest and the short-lived OpenID Connect login state carried in a cookie.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def home_secret(home: Path, name: str, size: int = 32) -> bytes:
    """The secret ``home/name``, made on first use (written aside, then renamed into place,
    so two processes starting together end up with the same one)."""
    path = home / name
    if not path.is_file():
        home.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{secrets.token_hex(4)}")
        tmp.write_bytes(secrets.token_bytes(size))
        tmp.chmod(0o600)
        try:
            tmp.rename(path) if not path.exists() else tmp.unlink()
        except OSError:
            tmp.unlink(missing_ok=True)
    return path.read_bytes()


class Sealer:
    """AES-256-GCM with a purpose bound in as associated data, so a value sealed for one use
    (a TOTP secret of one account) cannot be replayed as another."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key[:32])

    def seal(self, data: bytes, purpose: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = nonce + self._aead.encrypt(nonce, data, purpose.encode())
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, text: str, purpose: str) -> bytes | None:
        """The sealed value, or None when it is not one of ours or was altered."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            return self._aead.decrypt(raw[:12], raw[12:], purpose.encode())
        except (InvalidTag, ValueError, binascii.Error):
            return None
