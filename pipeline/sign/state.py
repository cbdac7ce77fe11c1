"""What signing keeps in the index database: copy-signing grants to systems, and the
wrong-PIN counters that lock a profile for a while.

Operational state in tables of their own (like the API keys): the grants are the
administrator's decisions (``sohoa grant``), the counters are how a guessed PIN is stopped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, select, update

from pipeline.config import SignSettings
from pipeline.errors import SigningError
from pipeline.index import Index

metadata = MetaData()
grants = Table(
    "sign_grants", metadata,
    Column("profile", String(64), primary_key=True),
    Column("client_id", String(16), primary_key=True),
    Column("granted_at", String(40), nullable=False),
)
pin_state = Table(
    "sign_pin_state", metadata,
    Column("profile", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0.0),
)


class ProfileLocked(SigningError):
    code = "ho-so-ky-tam-khoa"


@dataclass(frozen=True)
class Grant:
    profile: str
    client_id: str
    granted_at: str


class Grants:
    """Which systems (API clients) an administrator allowed to use which copy profile."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def grant(self, profile: str, client_id: str) -> bool:
        """False if it was already granted."""
        with self._tx() as conn:
            stmt = self.index.insert(grants).values(
                profile=profile, client_id=client_id,
                granted_at=datetime.now(UTC).isoformat()).on_conflict_do_nothing()
            # RETURNING, not rowcount: psycopg does not count a row skipped on conflict.
            return conn.execute(stmt.returning(grants.c.profile)).first() is not None

    def revoke(self, profile: str, client_id: str) -> bool:
        with self._tx() as conn:
            return bool(conn.execute(delete(grants).where(
                (grants.c.profile == profile) & (grants.c.client_id == client_id))).rowcount)

    def has(self, profile: str, client_id: str) -> bool:
        with self._tx(write=False) as conn:
            return conn.execute(select(grants.c.profile).where(
                (grants.c.profile == profile) & (grants.c.client_id == client_id))).first() \
                is not None

    def list(self) -> list[Grant]:
        with self._tx(write=False) as conn:
            rows = conn.execute(select(grants).order_by(grants.c.profile,
                                                        grants.c.client_id)).all()
        return [Grant(r.profile, r.client_id, r.granted_at) for r in rows]


class PinGuard:
    """``sign.pin_attempts`` wrong PINs in a row lock a profile for
    ``sign.pin_lockout_minutes``, across every process sharing the database."""

    def __init__(self, index: Index, settings: SignSettings) -> None:
        self.index = index
        self.attempts = max(1, settings.pin_attempts)
        self.lockout = settings.pin_lockout_minutes * 60

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def check(self, profile: str, now: float | None = None) -> None:
        """Raise :class:`ProfileLocked` while the profile is locked."""
        moment = time.time() if now is None else now
        with self._tx(write=False) as conn:
            row = conn.execute(select(pin_state).where(pin_state.c.profile == profile)).first()
        if row is not None and row.locked_until > moment:
            until = datetime.fromtimestamp(row.locked_until).strftime("%H:%M")
            raise ProfileLocked(f"Hồ sơ ký '{profile}' đang tạm khóa đến {until} vì nhập sai mã "
                                f"PIN {self.attempts} lần liên tiếp.")

    def failed(self, profile: str, now: float | None = None) -> SigningError:
        """Count a wrong PIN; the error to raise (says how many tries are left)."""
        moment = time.time() if now is None else now
        with self._tx() as conn:
            stmt = self.index.insert(pin_state).values(profile=profile, failures=0,
                                                       locked_until=0.0)
            conn.execute(stmt.on_conflict_do_nothing())
            conn.execute(update(pin_state).where(pin_state.c.profile == profile)
                         .values(failures=pin_state.c.failures + 1))
            failures = conn.execute(select(pin_state.c.failures)
                                    .where(pin_state.c.profile == profile)).scalar_one()
            if failures >= self.attempts:
                conn.execute(update(pin_state).where(pin_state.c.profile == profile)
                             .values(failures=0, locked_until=moment + self.lockout))
        if failures >= self.attempts:
            minutes = round(self.lockout / 60)
            return ProfileLocked(f"Sai mã PIN. Hồ sơ ký '{profile}' bị tạm khóa {minutes} phút "
                                 f"vì nhập sai {self.attempts} lần liên tiếp.")
        left = self.attempts - failures
        return SigningError(f"Sai mã PIN của hồ sơ ký '{profile}'; không tài liệu nào được ký. "
                            f"Còn {left} lần thử trước khi hồ sơ ký bị tạm khóa.")

    def succeeded(self, profile: str) -> None:
        with self._tx() as conn:
            conn.execute(update(pin_state).where(pin_state.c.profile == profile)
                         .values(failures=0))
