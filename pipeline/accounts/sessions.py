"""Server-side sessions: the browser holds a random token, the database its SHA-256.

A session ends after ``auth.session_idle_minutes`` without a request and
``auth.session_hours`` after login whatever happens; logging out, or disabling the account,
deletes it. The CSRF token of a session is an HMAC of its token: bound to the session,
stored nowhere, and unknowable to a page that cannot read the HttpOnly cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Float, MetaData, String, Table, Text, delete, select, update

from pipeline.accounts.store import person
from pipeline.api.identity import Actor, StaffRole
from pipeline.config import AuthSettings
from pipeline.index import Index

#: ``__Host-``: the browser keeps it only if Secure, for this host and path ``/``. Chromium
#: treats http://127.0.0.1 and http://localhost as secure, so local use and tests work too.
COOKIE = "__Host-sohoa"
#: Header (fetch from the page) and form field (plain forms) carrying the CSRF token.
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
#: ``seen`` is written at most this often (seconds), not on every request.
TOUCH_EVERY = 30.0

metadata = MetaData()
sessions = Table(
    "sessions", metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("roles", Text, nullable=False),
    #: "password+totp" or "oidc"
    Column("auth", String(32), nullable=False),
    Column("created", Float, nullable=False),
    Column("seen", Float, nullable=False),
    Column("expires", Float, nullable=False),
)


@dataclass(frozen=True)
class Session:
    id_sha256: str
    username: str
    name: str
    roles: frozenset[StaffRole]
    auth: str
    created: float
    expires: float

    @property
    def short_id(self) -> str:
        """What audit entries name: enough to tell sessions apart, useless to resume one."""
        return self.id_sha256[:12]

    def actor(self) -> Actor:
        return person(self.username, self.name, self.roles, f"session:{self.short_id}",
                      self.auth)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    return hmac.new(token.encode(), b"sohoa-csrf", hashlib.sha256).hexdigest()


def csrf_ok(token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(token), str(presented))


class Sessions:
    def __init__(self, index: Index, settings: AuthSettings) -> None:
        self.index = index
        self.settings = settings

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def create(self, username: str, name: str, roles: frozenset[StaffRole], auth: str,
               now: float | None = None) -> str:
        """A new session; the returned token goes to the cookie and nowhere else."""
        moment = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self._tx() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires < moment))
            conn.execute(sessions.insert().values(
                id_sha256=digest(token), username=username, name=name,
                roles=json.dumps(sorted(roles)), auth=auth, created=moment, seen=moment,
                expires=moment + self.settings.session_hours * 3600))
        return token

    def find(self, token: str, now: float | None = None) -> Session | None:
        """The live session of ``token``, its idle clock restarted; None once expired."""
        if not token or len(token) > 200:
            return None
        moment = time.time() if now is None else now
        key = digest(token)
        with self._tx(write=False) as conn:
            row = conn.execute(select(sessions).where(sessions.c.id_sha256 == key)).first()
        if row is None:
            return None
        idle = self.settings.session_idle_minutes * 60
        if row.expires <= moment or row.seen + idle <= moment:
            self.end(token)
            return None
        if moment - row.seen >= TOUCH_EVERY:
            with self._tx() as conn:
                conn.execute(update(sessions).where(sessions.c.id_sha256 == key)
                             .values(seen=moment))
        return Session(row.id_sha256, row.username, row.name,
                       frozenset(StaffRole(r) for r in json.loads(row.roles)), row.auth,
                       row.created, row.expires)

    def end(self, token: str) -> None:
        with self._tx() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_sha256 == digest(token)))

    def end_all(self, username: str) -> int:
        """Log a person out everywhere (their account disabled or reset)."""
        with self._tx() as conn:
            return int(conn.execute(delete(sessions).where(sessions.c.username == username))
                       .rowcount)
