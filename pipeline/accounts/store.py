"""Local accounts in the index database: who they are, their roles, how they log in.

Operational state like the job board and the API keys: tables of their own on the index
database (never rebuilt from the bucket). Passwords are argon2id hashes; TOTP secrets are
sealed with the home's accounts key; failed logins are counted and lock the account for a
while after ``auth.max_failed_logins`` in a row.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)

from pipeline.accounts import passwords, totp
from pipeline.accounts.keyfile import Sealer, home_secret
from pipeline.api.identity import ROLE_LABELS, Actor, ActorKind, StaffRole
from pipeline.api.keys import Scope
from pipeline.config import AuthSettings, Settings
from pipeline.errors import ExitCode, InputError, SohoaError
from pipeline.index import Index

metadata = MetaData()
accounts = Table(
    "accounts", metadata,
    Column("username", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("roles", Text, nullable=False),  # JSON list of StaffRole values
    Column("password_hash", Text, nullable=False),
    Column("totp_sealed", Text, nullable=False),
    #: The last TOTP time step accepted (a code is good once).
    Column("totp_last_step", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0.0),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", String(40), nullable=False),
)

#: The home's key sealing TOTP secrets (and the OpenID Connect login state).
KEY_FILE = "accounts-key"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._\-]{1,63}$")


class LoginRefused(SohoaError):
    """Wrong password or code, a locked or disabled account: the message never says which
    of the password or the code was wrong."""

    code = "dang-nhap-that-bai"
    exit_code = ExitCode.FORBIDDEN


def parse_roles(text: str) -> frozenset[StaffRole]:
    found = set()
    for part in text.replace(",", " ").split():
        try:
            found.add(StaffRole(part.strip().lower()))
        except ValueError:
            known = ", ".join(f"{r.value} ({ROLE_LABELS[r]})" for r in StaffRole)
            raise InputError(f"Vai trò '{part}' không hợp lệ; các vai trò: {known}.") from None
    if not found:
        raise InputError("Cần ít nhất một vai trò (--role).")
    return frozenset(found)


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    roles: frozenset[StaffRole]
    disabled: bool
    created_at: str
    locked_until: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"username": self.username, "name": self.name,
                "roles": sorted(r.value for r in self.roles), "disabled": self.disabled,
                "created_at": self.created_at,
                "locked_until": (datetime.fromtimestamp(self.locked_until, UTC).isoformat()
                                 if self.locked_until > time.time() else None)}

    def actor(self, via: str, auth: str) -> Actor:
        return person(self.username, self.name, self.roles, via, auth)


def person(username: str, name: str, roles: frozenset[StaffRole], via: str,
           auth: str) -> Actor:
    """A person's actor: the API scopes that go with their roles (reading documents for
    everyone, uploads for scanning staff, the signing routes for officials and clerks)."""
    scopes = {Scope.READ_DOCUMENTS}
    if StaffRole.SCANNER in roles:
        scopes.add(Scope.UPLOAD)
    if roles & {StaffRole.OFFICIAL, StaffRole.CLERK}:
        scopes.add(Scope.SIGN)
    return Actor(ActorKind.PERSON, username, name, roles, frozenset(scopes), via, auth)


class Accounts:
    def __init__(self, index: Index, sealer: Sealer) -> None:
        self.index = index
        self.sealer = sealer

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def add(self, username: str, name: str, roles: frozenset[StaffRole],
            password: str) -> tuple[Account, str]:
        """A new account and its TOTP secret (returned once, stored sealed)."""
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise InputError("Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, chữ số, "
                             "dấu chấm, gạch ngang, gạch dưới.")
        if not name.strip():
            raise InputError("Cần họ và tên của người dùng (--name).")
        hashed = passwords.hash_password(password)
        secret = totp.new_secret()
        now = datetime.now(UTC).isoformat()
        with self._tx() as conn:
            if conn.execute(select(accounts.c.username)
                            .where(accounts.c.username == username)).first():
                raise InputError(f"Tài khoản '{username}' đã có.")
            conn.execute(accounts.insert().values(
                username=username, name=name.strip(), roles=json.dumps(sorted(roles)),
                password_hash=hashed, totp_sealed=self._seal(username, secret),
                totp_last_step=0, failed=0, locked_until=0.0, disabled=False, created_at=now))
        return Account(username, name.strip(), roles, False, now), secret

    def get(self, username: str) -> Account | None:
        with self._tx(write=False) as conn:
            row = conn.execute(select(accounts).where(accounts.c.username == username)).first()
        return _account(row) if row is not None else None

    def list(self) -> list[Account]:
        with self._tx(write=False) as conn:
            rows = conn.execute(select(accounts).order_by(accounts.c.username)).all()
        return [_account(r) for r in rows]

    def disable(self, username: str) -> bool:
        with self._tx() as conn:
            return bool(conn.execute(update(accounts).where(accounts.c.username == username)
                                     .values(disabled=True)).rowcount)

    def reset_totp(self, username: str) -> str:
        """A new TOTP secret (the old one stops working); also lifts a lockout."""
        secret = totp.new_secret()
        with self._tx() as conn:
            done = conn.execute(update(accounts).where(accounts.c.username == username).values(
                totp_sealed=self._seal(username, secret), totp_last_step=0, failed=0,
                locked_until=0.0)).rowcount
        if not done:
            raise InputError(f"Không có tài khoản '{username}'.")
        return secret

    def login(self, username: str, password: str, code: str, settings: AuthSettings,
              now: float | None = None) -> Account:
        """The account, once its password and a fresh TOTP code are checked."""
        moment = time.time() if now is None else now
        username = username.strip().lower()
        with self._tx(write=False) as conn:
            row = conn.execute(select(accounts).where(accounts.c.username == username)).first()
        refused = LoginRefused("Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng.")
        if row is None or not USERNAME.match(username):
            passwords.verify_password(None, password)  # the same work either way
            raise refused
        if row.locked_until > moment:
            until = datetime.fromtimestamp(row.locked_until).strftime("%H:%M")
            raise LoginRefused(f"Tài khoản tạm khóa đến {until} do đăng nhập sai nhiều lần.")
        good = passwords.verify_password(row.password_hash, password)
        secret = self.sealer.open(row.totp_sealed, _purpose(username))
        step = totp.accepted_step(secret.decode(), code, row.totp_last_step, moment) \
            if good and secret is not None else None
        if step is None:
            self._failed(username, settings, moment)
            raise refused
        if row.disabled:
            raise LoginRefused("Tài khoản đã bị vô hiệu hóa; liên hệ quản trị viên.")
        with self._tx() as conn:
            fresh = conn.execute(update(accounts).where(
                (accounts.c.username == username) & (accounts.c.totp_last_step < step))
                .values(totp_last_step=step, failed=0)).rowcount
            if fresh and passwords.needs_rehash(row.password_hash):
                conn.execute(update(accounts).where(accounts.c.username == username)
                             .values(password_hash=passwords.hash_password(password)))
        if not fresh:  # the same code twice at once: one login only
            raise refused
        return _account(row)

    def _failed(self, username: str, settings: AuthSettings, now: float) -> None:
        with self._tx() as conn:
            conn.execute(update(accounts).where(accounts.c.username == username)
                         .values(failed=accounts.c.failed + 1))
            conn.execute(update(accounts).where(
                (accounts.c.username == username)
                & (accounts.c.failed >= max(1, settings.max_failed_logins)))
                .values(failed=0, locked_until=now + settings.lockout_minutes * 60))

    def _seal(self, username: str, secret: str) -> str:
        return self.sealer.seal(secret.encode(), _purpose(username))


def _purpose(username: str) -> str:
    return f"totp:{username}"


def _account(row: Any) -> Account:
    return Account(row.username, row.name, frozenset(StaffRole(r) for r in json.loads(row.roles)),
                   bool(row.disabled), row.created_at, float(row.locked_until))


def open_accounts(settings: Settings, index: Index) -> Accounts:
    return Accounts(index, Sealer(home_secret(settings.home, KEY_FILE)))
