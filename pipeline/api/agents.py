"""Officials' agents (``sohoa agent`` on their own computer, holding their token): paired
with a one-time code the official gets on the page, then known by a token kept only as a
hash, bound to that official's account.

A pairing code is short (8 characters, 40 bits), valid for :data:`PAIRING_TTL` and for one
use; the agent token reads ``sohoa-agent_<id>_<secret>`` (256 random bits) like an API key.
An agent acts for its official only, and only on batches the official asked for on the page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from asn1crypto import x509 as asn1_x509
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Boolean, Column, MetaData, String, Table, Text, insert, select, update

from pipeline.api.deps import services
from pipeline.api.errors import ApiError
from pipeline.api.identity import Actor, ActorKind, StaffRole
from pipeline.api.keys import row_of_token, secret_digest
from pipeline.errors import InputError
from pipeline.index import Index

PREFIX = "sohoa-agent_"
PAIRING_TTL = timedelta(minutes=10)
#: Letters and digits nobody confuses when typing a code read off a screen.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

metadata = MetaData()
pairings = Table(
    "agent_pairings", metadata,
    Column("code_sha256", String(64), primary_key=True),
    Column("official", Text, nullable=False),  # the official's audit fields, JSON
    Column("expires_at", String(40), nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)
agents = Table(
    "agents", metadata,
    Column("id", String(16), primary_key=True),
    Column("username", String(128), nullable=False, index=True),
    Column("official", Text, nullable=False),  # the official's audit fields, JSON
    Column("name", String(128), nullable=False),  # the computer, as the agent names it
    Column("secret_sha256", String(64), nullable=False),
    #: The signing certificates on the token: [{"sha256", "subject"}], JSON.
    Column("certificates", Text, nullable=False),
    Column("can_pss", Boolean, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_seen", String(40)),
    Column("revoked", Boolean, nullable=False, default=False),
)


@dataclass(frozen=True)
class Agent:
    id: str
    username: str
    official: dict[str, Any]
    name: str
    certificates: tuple[dict[str, str], ...]
    can_pss: bool
    created_at: str
    last_seen: str | None = None
    revoked: bool = False

    @property
    def actor(self) -> Actor:
        """The official, acting through this agent."""
        return Actor(kind=ActorKind.PERSON, id=self.username,
                     name=str(self.official.get("name", self.username)),
                     roles=frozenset(StaffRole(r) for r in self.official.get("roles", ())),
                     via=f"agent:{self.id}", auth="agent-token")

    def holds(self, certificate_sha256: str) -> bool:
        return any(c["sha256"] == certificate_sha256 for c in self.certificates)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "official": self.username,
                "certificates": list(self.certificates), "can_pss": self.can_pss,
                "created_at": self.created_at, "last_seen": self.last_seen,
                "revoked": self.revoked}


def _now() -> datetime:
    return datetime.now(UTC)


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def leaf_certificates(encoded: list[str]) -> tuple[dict[str, str], ...]:
    """The signing (non-CA) certificates among those the agent read from the token."""
    out = []
    for text in encoded:
        try:
            cert = asn1_x509.Certificate.load(base64.b64decode(text, validate=True))
            is_ca = cert.ca
            subject = cert.subject.human_friendly
        except (ValueError, TypeError, binascii.Error):
            raise InputError("Chứng thư gửi lên từ token không đọc được.") from None
        if not is_ca:
            out.append({"sha256": hashlib.sha256(cert.dump()).hexdigest(), "subject": subject})
    if not out:
        raise InputError("Token không có chứng thư số ký được (chỉ có chứng thư của CA).")
    return tuple(out)


class AgentRegistry:
    def __init__(self, index: Index) -> None:
        self.index = index

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def new_pairing(self, official: Actor) -> tuple[str, datetime]:
        """A one-time code for ``official``'s next agent; only its hash is kept."""
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        expires = _now() + PAIRING_TTL
        with self._tx() as conn:
            conn.execute(insert(pairings).values(
                code_sha256=secret_digest(raw), expires_at=expires.isoformat(), used=False,
                official=json.dumps(official.to_audit(), ensure_ascii=False)))
        return f"{raw[:4]}-{raw[4:]}", expires

    def pair(self, code: str, name: str, certificates: tuple[dict[str, str], ...],
             can_pss: bool) -> tuple[Agent, str]:
        """Spend ``code`` on a new agent of its official; the token is shown once."""
        digest = secret_digest(normalise_code(code))
        with self._tx() as conn:
            row = conn.execute(select(pairings).where(pairings.c.code_sha256 == digest)).first()
            fresh = row is not None and row.expires_at > _now().isoformat()
            spent = fresh and conn.execute(update(pairings).where(
                (pairings.c.code_sha256 == digest) & pairings.c.used.is_(False))
                .values(used=True)).rowcount == 1  # one agent per code, even when raced
            if not spent:
                raise ApiError(401, "chua-xac-thuc", "Mã ghép nối không đúng, đã dùng hoặc đã "
                               "hết hạn; hãy lấy mã mới trên trang ký số.")
            official = json.loads(row.official)
            agent = Agent(id=secrets.token_hex(6), username=str(official["id"]),
                          official=official, name=name, certificates=certificates,
                          can_pss=can_pss, created_at=_now().isoformat())
            secret = secrets.token_urlsafe(32)
            conn.execute(insert(agents).values(
                id=agent.id, username=agent.username, official=row.official, name=name,
                secret_sha256=secret_digest(secret), certificates=json.dumps(certificates),
                can_pss=can_pss, created_at=agent.created_at, revoked=False))
        return agent, f"{PREFIX}{agent.id}_{secret}"

    def verify(self, presented: str) -> Agent | None:
        row = row_of_token(self._tx(write=False), agents, PREFIX, presented)
        if row is None:
            return None
        seen = _now().isoformat()
        with self._tx() as conn:
            conn.execute(update(agents).where(agents.c.id == row.id).values(last_seen=seen))
        return _agent(row)

    def of(self, username: str) -> list[Agent]:
        with self._tx(write=False) as conn:
            rows = conn.execute(select(agents).where(agents.c.username == username)
                                .order_by(agents.c.created_at)).all()
        return [_agent(r) for r in rows]

    def revoke(self, username: str, agent_id: str) -> bool:
        with self._tx() as conn:
            return bool(conn.execute(update(agents).where(
                (agents.c.id == agent_id) & (agents.c.username == username))
                .values(revoked=True)).rowcount)


def _agent(row: Any) -> Agent:
    return Agent(id=row.id, username=row.username, official=json.loads(row.official),
                 name=row.name, certificates=tuple(json.loads(row.certificates)),
                 can_pss=bool(row.can_pss), created_at=row.created_at,
                 last_seen=row.last_seen, revoked=bool(row.revoked))


def registry(request: Request) -> AgentRegistry:
    index = services(request).store.index
    assert index is not None  # open_store always gives one
    return AgentRegistry(index)


_bearer = HTTPBearer(auto_error=False, scheme_name="AgentToken",
                     description="Agent của người ký: `Authorization: Bearer sohoa-agent_…`; "
                                 "khi ghép nối: `Authorization: Bearer MÃ-GHÉP-NỐI`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def current_agent(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Agent:
    """The calling agent; 401 without a valid, unrevoked agent token."""
    found = registry(request).verify(credentials.credentials) if credentials else None
    if found is None:
        raise ApiError(401, "chua-xac-thuc", "Thiếu hoặc sai mã của agent ký số (hãy ghép nối "
                       "lại bằng 'sohoa agent pair').", _CHALLENGE)
    request.state.client = f"agent:{found.id}"
    return found


current_agent.auth = "agent"  # type: ignore[attr-defined]  # read by the route-table test


def pairing_code(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                        Depends(_bearer)]) -> str:
    """The one-time pairing code the agent presents (checked when spent)."""
    code = normalise_code(credentials.credentials) if credentials else ""
    if len(code) != 8:
        raise ApiError(401, "chua-xac-thuc", "Thiếu hoặc sai mã ghép nối (8 ký tự, lấy trên "
                       "trang ký số).", _CHALLENGE)
    return code


pairing_code.auth = "pairing-code"  # type: ignore[attr-defined]
