"""Password hashing: argon2id (argon2-cffi's defaults, RFC 9106's second recommendation).

A login for an unknown username does the same work against a dummy hash, so the time of the
answer does not tell which usernames exist.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.errors import InputError

_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("không phải mật khẩu của ai")

#: Shortest password accepted (NIST SP 800-63B asks for at least 8; a second factor follows).
MIN_LENGTH = 10


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InputError(f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự.")
    if password.strip() != password:
        raise InputError("Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng.")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)
