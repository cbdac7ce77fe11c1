"""One signer at a time per document, across threads, processes and machines.

Two batches given the same document (two officials' pages, a page and the terminal) must not
both sign it: the second would build on the version the first is replacing and one of the
two stored versions would be left out of the record. The document is locked while it is
read, signed, stored and recorded; the second batch waits for the first, then finds the
signature there and skips the document.

PostgreSQL: a session-level advisory lock on a connection held for the document, released
by the server if the holder dies. SQLite (one machine): a row in ``sign_locks`` naming the
holder's host and process; a row left by a dead process of this host is taken over.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, select, text

from pipeline.errors import SigningError
from pipeline.index import Index

metadata = MetaData()
sign_locks = Table(
    "sign_locks", metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("holder", String(32), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("since", Float, nullable=False),
)

#: Seconds between two tries while another batch holds the document.
POLL = 0.1


class DocumentLocks:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.host = socket.gethostname()

    @contextlib.asynccontextmanager
    async def hold(self, doc_id: str, wait: float) -> AsyncIterator[None]:
        """Hold ``doc_id`` for the block; wait up to ``wait`` seconds for another holder."""
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            taken = self._take(doc_id)
            if taken is not None:
                break
            if time.monotonic() >= deadline:
                raise SigningError("Tài liệu đang được một lô ký khác ký; chưa ký lần này. "
                                   "Làm mới hàng chờ để xem kết quả của lô kia.")
            await asyncio.sleep(POLL)
        try:
            yield
        finally:
            self._release(doc_id, taken)

    def _take(self, doc_id: str) -> Any:
        if self.index.dialect == "postgresql":
            return self._take_advisory(doc_id)
        return self._take_row(doc_id)

    def _release(self, doc_id: str, taken: Any) -> None:
        if self.index.dialect == "postgresql":
            conn, key = taken
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
            finally:
                conn.close()
            return
        with self.index.transaction(tables=metadata) as tx:
            tx.execute(delete(sign_locks).where((sign_locks.c.doc_id == doc_id)
                                                & (sign_locks.c.holder == taken)))

    def _take_advisory(self, doc_id: str) -> tuple[Any, int] | None:
        key = int.from_bytes(hashlib.sha256(f"sohoa-sign:{doc_id}".encode()).digest()[:8],
                             "big", signed=True)
        conn = self.index.engine(write=True).connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                    {"k": key}).scalar())
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return None
        return conn, key

    def _take_row(self, doc_id: str) -> str | None:
        holder = secrets.token_hex(8)
        with self.index.transaction(tables=metadata) as tx:
            row = tx.execute(select(sign_locks).where(sign_locks.c.doc_id == doc_id)).first()
            if row is not None:
                if row.host != self.host or _alive(row.pid):
                    return None
                tx.execute(delete(sign_locks).where(sign_locks.c.doc_id == doc_id))
            tx.execute(sign_locks.insert().values(doc_id=doc_id, holder=holder, host=self.host,
                                                  pid=os.getpid(), since=time.time()))
        return holder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
