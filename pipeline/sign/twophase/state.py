"""Batches waiting for an official's agent, kept in the index database so they outlive a
server restart (tables of their own, like the job board: operational state, not derived
from the bucket). The prepared PDFs themselves are in the kho (``pending/<batch>/``).

A batch is prepared once (each document with its signature placeholder and the signed
attributes whose signature the token must make), then waits for the agent; each document
goes ``waiting → received`` (the agent's signature value, checked against the certificate)
``→ finishing`` (claimed by one server process) ``→ signed | failed``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, or_, select, update

from pipeline.errors import NotFound
from pipeline.index import Index
from pipeline.models import Artifact


class BatchState(StrEnum):
    WAITING = "waiting"  # for the official's agent
    DONE = "done"  # every document signed
    FAILED = "failed"  # finished, some documents could not be signed
    REFUSED = "refused"  # the official said no at the agent: nothing signed
    CANCELLED = "cancelled"  # withdrawn on the page: nothing signed
    EXPIRED = "expired"  # nobody signed in time: nothing signed


class ItemState(StrEnum):
    WAITING = "waiting"
    RECEIVED = "received"
    FINISHING = "finishing"
    SIGNED = "signed"
    FAILED = "failed"


OPEN_ITEMS = (ItemState.WAITING, ItemState.RECEIVED, ItemState.FINISHING)
#: A batch nobody signed within this time expires (its signing time would be stale).
WAIT = timedelta(hours=12)
#: A finishing claim older than this belongs to a process that died: taken over.
CLAIM = timedelta(minutes=10)

metadata = MetaData()
batches = Table(
    "agent_batches", metadata,
    Column("id", String(16), primary_key=True),
    Column("official", String(128), nullable=False, index=True),
    Column("profile", String(64), nullable=False),
    Column("certificate_sha256", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    #: Who asked (the official's audit fields as JSON) and through which request.
    Column("requested_by", Text, nullable=False),
    Column("request_id", String(32), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("agent_id", String(16)),
    Column("message", Text),
    #: The agent's submission (who, through which agent and request) as JSON, kept with
    #: the signature values so a finishing cut short resumes with the same audit fields.
    Column("submission", Text),
)
items = Table(
    "agent_items", metadata,
    Column("batch_id", String(16), primary_key=True),
    Column("doc_id", String(24), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("doc_type", String(64), nullable=False),
    #: The version the official was shown and the prepared one (key, sha256, size).
    Column("base", Text, nullable=False),
    Column("prepared", Text, nullable=False),
    Column("target_key", Text, nullable=False),
    Column("digest_algorithm", String(16), nullable=False),
    Column("mechanism", Text, nullable=False),  # DER SignedDigestAlgorithm, base64
    Column("signed_attrs", Text, nullable=False),  # DER, base64: what the token signs
    Column("document_digest", String(128), nullable=False),  # hex, over the byte range
    Column("reserved_start", Integer, nullable=False),
    Column("reserved_end", Integer, nullable=False),
    #: The token's signature value (public once made), base64.
    Column("signature", Text),
    Column("state", String(16), nullable=False),
    Column("claimed_at", String(40)),
    Column("message", Text),
    Column("signed_key", Text),
)


@dataclass(frozen=True)
class Item:
    doc_id: str
    title: str
    doc_type: str
    base: Artifact
    prepared: Artifact
    target_key: str
    digest_algorithm: str
    mechanism: bytes
    signed_attrs: bytes
    document_digest: bytes
    reserved: tuple[int, int]
    state: ItemState = ItemState.WAITING
    signature: bytes | None = None
    message: str = ""
    signed_key: str = ""

    def to_dict(self, *, for_agent: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document": self.doc_id, "title": self.title, "doc_type": self.doc_type,
            "version": {"sha256": self.base.sha256, "size": self.base.size},
            "state": self.state.value, "message": self.message}
        if self.signed_key:
            out["signed_key"] = self.signed_key
        if for_agent:
            out.update(prepared={"sha256": self.prepared.sha256, "size": self.prepared.size},
                       digest_algorithm=self.digest_algorithm,
                       mechanism=_b64(self.mechanism), signed_attributes=_b64(self.signed_attrs))
        return out


@dataclass(frozen=True)
class Batch:
    id: str
    official: str
    profile: str
    certificate_sha256: str
    state: BatchState
    requested_by: dict[str, Any]
    request_id: str
    created_at: str
    expires_at: str
    items: tuple[Item, ...] = ()
    finished_at: str | None = None
    agent_id: str | None = None
    message: str = ""
    submission: dict[str, Any] | None = None

    def item(self, doc_id: str) -> Item:
        for found in self.items:
            if found.doc_id == doc_id:
                return found
        raise NotFound(f"Tài liệu {doc_id} không thuộc lô ký {self.id}.")

    @property
    def unfinished(self) -> bool:
        """Signature values arrived whose finishing has not ended (a server stopped)."""
        return any(i.state in (ItemState.RECEIVED, ItemState.FINISHING) for i in self.items)

    def to_dict(self, *, for_agent: bool = False) -> dict[str, Any]:
        counts = {s.value: sum(1 for i in self.items if i.state is s) for s in ItemState}
        return {"id": self.id, "profile": self.profile, "official": self.official,
                "state": self.state.value, "activation": "agent",
                "certificate_sha256": self.certificate_sha256,
                "created_at": self.created_at, "expires_at": self.expires_at,
                "finished_at": self.finished_at, "agent": self.agent_id,
                "message": self.message, "total": len(self.items),
                "counts": {k: v for k, v in counts.items() if v},
                "items": [i.to_dict(for_agent=for_agent) for i in self.items]}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _artifact(text: str) -> Artifact:
    return Artifact(**json.loads(text))


def _artifact_text(artifact: Artifact) -> str:
    return json.dumps(dataclasses.asdict(artifact))


def now() -> datetime:
    return datetime.now(UTC)


class Batches:
    """The batches of every official, over the index database."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def add(self, batch: Batch) -> None:
        with self._tx() as conn:
            conn.execute(insert(batches).values(
                id=batch.id, official=batch.official, profile=batch.profile,
                certificate_sha256=batch.certificate_sha256, state=batch.state.value,
                requested_by=json.dumps(batch.requested_by, ensure_ascii=False),
                request_id=batch.request_id, created_at=batch.created_at,
                expires_at=batch.expires_at, message=batch.message))
            if batch.items:
                conn.execute(insert(items), [_item_row(batch.id, n, i)
                                             for n, i in enumerate(batch.items)])

    def get(self, batch_id: str) -> Batch:
        found = self._load(batches.c.id == batch_id)
        if not found:
            raise NotFound(f"Không tìm thấy lô ký {batch_id}.")
        return found[0]

    def of_official(self, official: str, states: Iterable[BatchState] = tuple(BatchState),
                    limit: int = 50) -> list[Batch]:
        return self._load((batches.c.official == official)
                          & batches.c.state.in_([s.value for s in states]), limit=limit)

    def open_documents(self, doc_ids: Sequence[str], profile: str) -> set[str]:
        """Which of ``doc_ids`` already wait in an open batch of ``profile``."""
        with self._tx(write=False) as conn:
            rows = conn.execute(
                select(items.c.doc_id).join(batches, batches.c.id == items.c.batch_id)
                .where(items.c.doc_id.in_(list(doc_ids)), batches.c.profile == profile,
                       batches.c.state == BatchState.WAITING.value,
                       items.c.state.in_([s.value for s in OPEN_ITEMS]))).all()
        return {r.doc_id for r in rows}

    def set_state(self, batch_id: str, state: BatchState, *, agent_id: str | None = None,
                  message: str = "", only_from: BatchState | None = BatchState.WAITING) -> bool:
        """Move a batch to ``state``; False when it was no longer in ``only_from``."""
        where = batches.c.id == batch_id
        if only_from is not None:
            where &= batches.c.state == only_from.value
        values: dict[str, Any] = {"state": state.value, "message": message}
        if state is not BatchState.WAITING:
            values["finished_at"] = now().isoformat()
        if agent_id is not None:
            values["agent_id"] = agent_id
        with self._tx() as conn:
            return bool(conn.execute(update(batches).where(where).values(**values)).rowcount)

    def receive(self, batch_id: str, signatures: dict[str, bytes],
                submission: dict[str, Any]) -> None:
        """Keep the agent's signature values (already checked) of waiting documents."""
        with self._tx() as conn:
            conn.execute(update(batches).where(batches.c.id == batch_id).values(
                submission=json.dumps(submission, ensure_ascii=False)))
            for doc_id, value in signatures.items():
                conn.execute(update(items).where(
                    (items.c.batch_id == batch_id) & (items.c.doc_id == doc_id)
                    & (items.c.state == ItemState.WAITING.value)).values(
                    signature=_b64(value), state=ItemState.RECEIVED.value))

    def claim(self, batch_id: str, doc_id: str) -> bool:
        """Take a received document to finish it: one process wins (a stale claim of a
        process that died is taken over)."""
        stale = (now() - CLAIM).isoformat()
        with self._tx() as conn:
            return bool(conn.execute(update(items).where(
                (items.c.batch_id == batch_id) & (items.c.doc_id == doc_id)
                & or_(items.c.state == ItemState.RECEIVED.value,
                      (items.c.state == ItemState.FINISHING.value)
                      & (items.c.claimed_at < stale)))
                .values(state=ItemState.FINISHING.value,
                        claimed_at=now().isoformat())).rowcount)

    def settle(self, batch_id: str, doc_id: str, state: ItemState, *, message: str = "",
               signed_key: str = "") -> None:
        with self._tx() as conn:
            conn.execute(update(items).where(
                (items.c.batch_id == batch_id) & (items.c.doc_id == doc_id))
                .values(state=state.value, message=message, signed_key=signed_key or None))

    def _load(self, where: Any, limit: int = 1) -> list[Batch]:
        with self._tx(write=False) as conn:
            rows = conn.execute(select(batches).where(where)
                                .order_by(batches.c.created_at.desc()).limit(limit)).all()
            found = conn.execute(select(items).where(
                items.c.batch_id.in_([r.id for r in rows])).order_by(items.c.position)).all()
        by_batch: dict[str, list[Item]] = {}
        for row in found:
            by_batch.setdefault(row.batch_id, []).append(_item(row))
        return [Batch(id=r.id, official=r.official, profile=r.profile,
                      certificate_sha256=r.certificate_sha256, state=BatchState(r.state),
                      requested_by=json.loads(r.requested_by), request_id=r.request_id,
                      created_at=r.created_at, expires_at=r.expires_at,
                      items=tuple(by_batch.get(r.id, ())), finished_at=r.finished_at,
                      agent_id=r.agent_id, message=r.message or "",
                      submission=json.loads(r.submission) if r.submission else None)
                for r in rows]


def _item_row(batch_id: str, position: int, item: Item) -> dict[str, Any]:
    return {"batch_id": batch_id, "doc_id": item.doc_id, "position": position,
            "title": item.title, "doc_type": item.doc_type,
            "base": _artifact_text(item.base), "prepared": _artifact_text(item.prepared),
            "target_key": item.target_key, "digest_algorithm": item.digest_algorithm,
            "mechanism": _b64(item.mechanism), "signed_attrs": _b64(item.signed_attrs),
            "document_digest": item.document_digest.hex(),
            "reserved_start": item.reserved[0], "reserved_end": item.reserved[1],
            "state": item.state.value, "message": item.message}


def _item(row: Any) -> Item:
    return Item(doc_id=row.doc_id, title=row.title, doc_type=row.doc_type,
                base=_artifact(row.base), prepared=_artifact(row.prepared),
                target_key=row.target_key, digest_algorithm=row.digest_algorithm,
                mechanism=base64.b64decode(row.mechanism),
                signed_attrs=base64.b64decode(row.signed_attrs),
                document_digest=bytes.fromhex(row.document_digest),
                reserved=(row.reserved_start, row.reserved_end), state=ItemState(row.state),
                signature=base64.b64decode(row.signature) if row.signature else None,
                message=row.message or "", signed_key=row.signed_key or "")
