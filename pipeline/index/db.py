"""The index's one data-access layer: SQLAlchemy Core over SQLite (default) or PostgreSQL.

The index answers what the object store cannot (documents of a citizen, of a dossier, a
result by its portal name) and is rebuilt from the bucket by :meth:`Index.rebuild`. Writes of
one record are one transaction; a rebuild is a single transaction too, so readers keep seeing
the old index until the new one is complete.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import BindParameter

from pipeline.config import ConfigError, Settings
from pipeline.errors import StoreError
from pipeline.index import schema as t
from pipeline.index.extract import Rows, rows
from pipeline.models import DocumentRecord

log = logging.getLogger(__name__)

#: ``<ma_ho_so>-KQ<nn>``: how the national portal names a dossier's electronic results.
_RESULT_NAME = re.compile(r"^(?P<code>.+)-KQ(?P<n>\d{2,})$", re.IGNORECASE)
_CHUNK = 500


def result_name(ma_ho_so: str, seq: int) -> str:
    return f"{ma_ho_so}-KQ{seq:02d}"


def parse_result_name(text: str) -> tuple[str, int] | None:
    """``(ma_ho_so, n)`` of a portal result name, or None when ``text`` is not one."""
    found = _RESULT_NAME.match(text.strip())
    return (found["code"], int(found["n"])) if found else None


@dataclass(frozen=True)
class IndexedDocument:
    id: str
    doc_type: str
    status: str
    created_at: str
    source_filename: str
    source_station: str
    signed: bool
    result: bool
    result_signed_at: str | None
    latest_signed_key: str | None
    revoked: bool


@dataclass(frozen=True)
class IndexedField:
    doc_id: str
    name: str
    value: str | None
    confidence: float
    page: int | None
    valid: bool
    source: str
    from_signed: bool


@dataclass(frozen=True)
class CitizenDocument:
    document: IndexedDocument
    role: str


@dataclass(frozen=True)
class DossierDocument:
    document: IndexedDocument
    kind: str  # result | receipt | form
    #: The portal name when the document is a named result of the dossier.
    result_name: str | None


@dataclass(frozen=True)
class Revocation:
    """A result withdrawn by the issuing agency: stays stored and fetchable, marked."""

    doc_id: str
    name: str | None
    reason: str
    revoked_at: str
    revoked_by: str

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.doc_id, "name": self.name, "reason": self.reason,
                "revoked_at": self.revoked_at, "revoked_by": self.revoked_by}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Revocation:
        return cls(str(data["document"]), data.get("name"), str(data["reason"]),
                   str(data["revoked_at"]), str(data.get("revoked_by") or ""))


def default_url(settings: Settings) -> str:
    return settings.index.url or f"sqlite:///{(settings.home / 'index.sqlite3').absolute()}"


def open_index(settings: Settings) -> Index:
    return Index(default_url(settings))


class Index:
    """The index behind one URL; tables are created on first use."""

    def __init__(self, url: str) -> None:
        parsed = make_url(_driver_url(url))
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ConfigError(f"Chỉ mục chỉ hỗ trợ SQLite và PostgreSQL, không hỗ trợ "
                              f"'{self.dialect}' (index.url / SOHOA_INDEX_URL).")
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self._read = _sqlite_engine(parsed, immediate=False)
            self._write = _sqlite_engine(parsed, immediate=True)
            # SQLite has one writer: threads of this process queue on a lock instead of
            # contending in SQLite's busy handler, whose sleeps made the p99 of a put ~0.5 s.
            self._write_lock: threading.Lock | None = _sqlite_writer_lock(parsed.database)
        else:
            self._read = self._write = create_engine(parsed, pool_pre_ping=True)
            self._write_lock = None
        self._put_sql = _PutStatements(self._write.dialect)
        self._queue: list[_Job] = []
        self._queue_lock = threading.Lock()
        self._commit_lock = threading.Lock()
        # Tables are made on first use, so opening the store never waits for the database.
        self._ready = threading.Event()
        self._ready_lock = threading.Lock()
        self._side_tables: set[int] = set()

    def describe(self) -> str:
        """Where the index is, without a password."""
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self._read.dispose()
        if self._write is not self._read:
            self._write.dispose()

    # -- writes ------------------------------------------------------------------------
    def upsert(self, record: DocumentRecord) -> None:
        """Index (or re-index) one record; a revocation already recorded is kept.

        Group commit: threads putting records at once queue their rows, and whichever holds
        the commit lock writes everything queued in one transaction. Each caller still
        returns only once its own record is committed, but eight threads pay for one
        BEGIN/COMMIT and a few multi-row statements instead of eight of each.
        """
        job = _Job(rows(record))
        with self._queue_lock:
            self._queue.append(job)
        with self._commit_lock:
            if not job.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit(batch)
        if job.error is not None:
            raise job.error

    def _commit(self, batch: list[_Job]) -> None:
        try:
            self._write_rows([j.rows for j in batch])
        except StoreError as exc:
            if len(batch) == 1:
                batch[0].finish(exc)
                return
            for job in batch:  # one bad record must not fail the others: one at a time
                self._commit([job])
        else:
            for job in batch:
                job.finish(None)

    def _write_rows(self, found: list[Rows]) -> None:
        """Upsert these records' rows. Only dossiers where a record is (or was) a result are
        renumbered: the others' portal names cannot change."""
        latest = list({r.document["id"]: r for r in found}.values())  # a record put twice
        sql = self._put_sql
        with self._writing() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                renumber: set[str] = set()
                for r in latest:
                    renumber.update(row[0] for row in sql.old_result_codes.fetch(
                        cursor, {"doc_id": r.document["id"]}))
                sql.upsert.many(cursor, [dict(r.document, revoked=False) for r in latest])
                ids = [{"doc_id": r.document["id"]} for r in latest]
                for table, insert in zip(("fields", "citizens", "dossiers"), sql.insert_children,
                                         strict=True):
                    sql.delete_children[table].many(cursor, ids)
                    insert.many(cursor, [row for r in latest for row in getattr(r, table)])
                renumber.update(d["ma_ho_so"] for r in latest for d in r.dossiers
                                if d["kind"] == "result")
                for code in sorted(renumber):
                    key = {"code": code}
                    if sql.lock_dossier is not None:
                        sql.lock_dossier.fetch(cursor, key)
                    sql.delete_dossier_results.run(cursor, key)
                    ordered = [(row[0], row[1]) for row in sql.dossier_results.fetch(cursor, key)]
                    sql.insert_result.many(cursor, _names(ordered))
            finally:
                cursor.close()

    def record_revocation(self, revocation: Revocation) -> None:
        with self._writing() as conn:
            self._put_revocation(conn, revocation)

    def rebuild(self, records: Iterable[DocumentRecord], revoked: Iterable[Revocation],
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index with these records and revocations; return the count.

        One transaction: readers see the old index until the new one is complete, and a
        failure halfway leaves the old index as it was.
        """
        count = 0
        with self._writing() as conn:
            for table in reversed(t.metadata.sorted_tables):
                conn.execute(delete(table))
            batch: list[Rows] = []
            for record in records:
                batch.append(rows(record))
                if len(batch) >= _CHUNK:
                    count += self._insert_batch(conn, batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                count += self._insert_batch(conn, batch)
                if progress:
                    progress(len(batch))
            for revocation in revoked:
                self._put_revocation(conn, revocation)
            self._renumber_all(conn)
        return count

    # -- lookups -----------------------------------------------------------------------
    def document(self, doc_id: str) -> IndexedDocument | None:
        with self._reading() as conn:
            row = conn.execute(select(t.documents).where(t.documents.c.id == doc_id)).first()
        return None if row is None else _document(row._mapping)

    def count(self) -> int:
        with self._reading() as conn:
            return int(conn.scalar(select(func.count()).select_from(t.documents)) or 0)

    def documents_of_source(self, sha256: str) -> list[str]:
        """IDs of the documents made from a file (several for a stack cut at cover sheets)."""
        query = (select(t.documents.c.id).where(t.documents.c.source_sha256 == sha256)
                 .order_by(t.documents.c.created_at, t.documents.c.id))
        with self._reading() as conn:
            return [str(r[0]) for r in conn.execute(query)]

    def counts_by_station(self) -> dict[tuple[str, str], int]:
        """Stored documents per (station, status): what ``sohoa status`` shows."""
        query = (select(t.documents.c.source_station, t.documents.c.status, func.count())
                 .group_by(t.documents.c.source_station, t.documents.c.status))
        with self._reading() as conn:
            return {(r[0], r[1]): int(r[2]) for r in conn.execute(query)}

    def citizen_documents(self, so_dinh_danh: str) -> list[CitizenDocument]:
        """The citizen's documents, oldest first."""
        query = (select(t.documents, t.citizens.c.role)
                 .join(t.citizens, t.citizens.c.doc_id == t.documents.c.id)
                 .where(t.citizens.c.so_dinh_danh == so_dinh_danh)
                 .order_by(t.documents.c.created_at, t.documents.c.id))
        with self._reading() as conn:
            return [CitizenDocument(_document(r._mapping), r.role) for r in conn.execute(query)]

    def fields_of(self, doc_ids: Sequence[str]) -> list[IndexedField]:
        if not doc_ids:
            return []
        query = select(t.fields).where(t.fields.c.doc_id.in_(list(doc_ids)))
        with self._reading() as conn:
            return [IndexedField(**r._mapping) for r in conn.execute(query)]

    def dossier_documents(self, ma_ho_so: str) -> list[DossierDocument]:
        """The dossier's documents: receipt, forms, then results in portal order."""
        query = (select(t.documents, t.dossiers.c.kind, t.results.c.name.label("result_name"),
                        t.results.c.seq)
                 .join(t.dossiers, t.dossiers.c.doc_id == t.documents.c.id)
                 .outerjoin(t.results, and_(t.results.c.doc_id == t.documents.c.id,
                                            t.results.c.ma_ho_so == t.dossiers.c.ma_ho_so))
                 .where(t.dossiers.c.ma_ho_so == ma_ho_so))
        with self._reading() as conn:
            found = [(DossierDocument(_document(r._mapping), r.kind, r.result_name), r.seq)
                     for r in conn.execute(query)]
        order = {"receipt": 0, "form": 1, "result": 2}
        found.sort(key=lambda d: (order.get(d[0].kind, 1), d[1] or 0,
                                  d[0].document.created_at, d[0].document.id))
        return [d for d, _ in found]

    def result_names(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """Portal names of those documents that are named results."""
        if not doc_ids:
            return {}
        query = select(t.results.c.doc_id, t.results.c.name).where(
            t.results.c.doc_id.in_(list(doc_ids)))
        with self._reading() as conn:
            return {r.doc_id: r.name for r in conn.execute(query)}

    def resolve_result(self, name: str) -> str | None:
        """The document ID a portal result name stands for."""
        parsed = parse_result_name(name)
        if parsed is None:
            return None
        code, seq = parsed
        with self._reading() as conn:
            for candidate in dict.fromkeys((code, code.upper())):
                found = conn.scalar(select(t.results.c.doc_id)
                                    .where(t.results.c.name == result_name(candidate, seq)))
                if found is not None:
                    return str(found)
        return None

    def revocation(self, doc_id: str) -> Revocation | None:
        with self._reading() as conn:
            row = conn.execute(select(t.revocations)
                               .where(t.revocations.c.doc_id == doc_id)).first()
        if row is None:
            return None
        m = row._mapping
        return Revocation(m["doc_id"], m["name"], m["reason"], m["revoked_at"], m["revoked_by"])

    def explain(self, statement: str) -> list[str]:
        """SQLite's plan for a statement (the tests check lookups use indexes)."""
        with self._reading() as conn:
            return [str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")]

    def drop_all(self) -> None:
        """Remove the tables (tests)."""
        t.metadata.drop_all(self._write)
        self._ready.clear()

    # -- for tables of other modules on the same database (the job board) -----------------
    def engine(self, write: bool = False) -> Engine:
        return self._write if write else self._read

    def transaction(self, write: bool = True, tables: MetaData | None = None) -> _Tx:
        """A transaction with this index's error handling and, on SQLite, its writer lock;
        ``tables`` (another module's, e.g. the job board's) are created on first use."""
        if tables is not None and id(tables) not in self._side_tables:
            with self._ready_lock:
                if id(tables) not in self._side_tables:
                    self._create(tables)
                    self._side_tables.add(id(tables))
        return self._writing() if write else self._reading()

    def insert(self, table: Table) -> Any:
        """INSERT for this dialect, with its ``on_conflict_do_…`` methods."""
        return dialect_insert(self.dialect, table)

    # -- internals ---------------------------------------------------------------------
    def _writing(self) -> _Tx:
        self._ensure()
        return _Tx(self._write, self.describe(), self._write_lock)

    def _reading(self) -> _Tx:
        self._ensure()
        return _Tx(self._read, self.describe())

    def _ensure(self) -> None:
        if self._ready.is_set():
            return
        with self._ready_lock:
            if self._ready.is_set():
                return
            self._create(t.metadata)
            self._ready.set()

    def _create(self, tables: MetaData) -> None:
        try:
            tables.create_all(self._write)
        except SQLAlchemyError as exc:
            raise StoreError(f"Không mở được chỉ mục {self.describe()}: {_short(exc)}",
                             detail=repr(exc)) from exc

    def _insert_batch(self, conn: Connection, batch: list[Rows]) -> int:
        docs = [dict(r.document, revoked=False) for r in batch]
        conn.execute(t.documents.insert(), docs)
        self._insert_children(conn, batch)
        return len(batch)

    @staticmethod
    def _insert_children(conn: Connection, batch: list[Rows]) -> None:
        for table, items in ((t.fields, [f for r in batch for f in r.fields]),
                             (t.citizens, [c for r in batch for c in r.citizens]),
                             (t.dossiers, [d for r in batch for d in r.dossiers])):
            if items:
                conn.execute(table.insert(), items)

    def _put_revocation(self, conn: Connection, revocation: Revocation) -> None:
        conn.execute(delete(t.revocations).where(t.revocations.c.doc_id == revocation.doc_id))
        conn.execute(t.revocations.insert(), [{
            "doc_id": revocation.doc_id, "name": revocation.name, "reason": revocation.reason,
            "revoked_at": revocation.revoked_at, "revoked_by": revocation.revoked_by}])
        conn.execute(update(t.documents).where(t.documents.c.id == revocation.doc_id)
                     .values(revoked=True))

    def _renumber_all(self, conn: Connection) -> None:
        conn.execute(delete(t.results))
        self._name(conn, [(r.ma_ho_so, r.doc_id) for r in conn.execute(RESULTS_IN_ORDER)])

    @staticmethod
    def _name(conn: Connection, ordered: list[tuple[str, str]]) -> None:
        out = _names(ordered)
        for start in range(0, len(out), _CHUNK):
            conn.execute(t.results.insert(), out[start:start + _CHUNK])


def _names(ordered: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Result rows naming each dossier's results 01, 02, … in the given (signing) order."""
    seq: dict[str, int] = defaultdict(int)
    out = []
    for code, doc_id in ordered:
        seq[code] += 1
        out.append({"name": result_name(code, seq[code]), "ma_ho_so": code,
                    "seq": seq[code], "doc_id": doc_id})
    return out


class _Job:
    """One caller's record waiting in the group commit."""

    __slots__ = ("done", "error", "rows")

    def __init__(self, found: Rows) -> None:
        self.rows = found
        self.done = False
        self.error: StoreError | None = None

    def finish(self, error: StoreError | None) -> None:
        self.error = error
        self.done = True


class _DriverSQL:
    """A statement compiled once for one dialect and run on the DBAPI cursor.

    A put runs a dozen small statements; SQLAlchemy's per-execution bookkeeping around each
    cost more than SQLite itself, so the put path skips it. Values are plain str/int/float/
    bool, which both drivers adapt without SQLAlchemy's type processors.
    """

    def __init__(self, statement: Any, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        self._defaults: dict[str, Any] = dict(compiled.params)
        self._order: Sequence[str] | None = compiled.positiontup

    def _args(self, params: dict[str, Any]) -> Any:
        merged = {**self._defaults, **params}
        return merged if self._order is None else tuple(merged[n] for n in self._order)

    def run(self, cursor: Any, params: dict[str, Any]) -> None:
        cursor.execute(self.sql, self._args(params))

    def many(self, cursor: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            cursor.executemany(self.sql, [self._args(r) for r in rows])

    def fetch(self, cursor: Any, params: dict[str, Any]) -> list[Any]:
        cursor.execute(self.sql, self._args(params))
        return list(cursor.fetchall())


def dialect_insert(dialect: str, table: Table) -> Any:
    """INSERT with the dialect's ``ON CONFLICT`` support (both spell it the same)."""
    insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


class _PutStatements:
    """Everything :meth:`Index.upsert` runs, compiled for one dialect."""

    def __init__(self, dialect: Any) -> None:
        doc: BindParameter[str] = bindparam("doc_id")
        code: BindParameter[str] = bindparam("code")
        upsert = dialect_insert(dialect.name, t.documents)
        upsert = upsert.on_conflict_do_update(
            index_elements=[t.documents.c.id],
            set_={c.name: upsert.excluded[c.name] for c in t.documents.c
                  if c.name not in ("id", "revoked")})

        def sql(statement: Any) -> _DriverSQL:
            return _DriverSQL(statement, dialect)

        self.upsert = sql(upsert)
        self.old_result_codes = sql(select(t.dossiers.c.ma_ho_so)
                                    .where(t.dossiers.c.doc_id == doc,
                                           t.dossiers.c.kind == "result"))
        children = (t.fields, t.citizens, t.dossiers)
        self.delete_children = {table.name: sql(delete(table).where(table.c.doc_id == doc))
                                for table in children}
        self.insert_children = tuple(sql(table.insert()) for table in children)
        self.dossier_results = sql(RESULTS_IN_ORDER.where(t.dossiers.c.ma_ho_so == code))
        self.delete_dossier_results = sql(delete(t.results)
                                          .where(t.results.c.ma_ho_so == code))
        self.insert_result = sql(t.results.insert())
        # Two writers renumbering one dossier would both insert its KQ01: on PostgreSQL the
        # second waits here and then (READ COMMITTED) sees the first one's rows. SQLite
        # writers are serialised already.
        self.lock_dossier = (sql(select(func.pg_advisory_xact_lock(func.hashtext(code))))
                             if dialect.name == "postgresql" else None)


#: Every result of every dossier, each dossier's in signing order.
RESULTS_IN_ORDER = (select(t.dossiers.c.ma_ho_so, t.dossiers.c.doc_id)
                    .join(t.documents, t.documents.c.id == t.dossiers.c.doc_id)
                    .where(t.dossiers.c.kind == "result")
                    .order_by(t.dossiers.c.ma_ho_so, t.documents.c.result_signed_at,
                              t.documents.c.id))


_SQLITE_LOCKS: dict[str, threading.Lock] = {}
_SQLITE_LOCKS_GUARD = threading.Lock()


def _sqlite_writer_lock(database: str | None) -> threading.Lock:
    """One lock per database file in this process (each ``:memory:`` index is its own)."""
    if not database or database == ":memory:":
        return threading.Lock()
    key = str(Path(database).absolute())
    with _SQLITE_LOCKS_GUARD:
        return _SQLITE_LOCKS.setdefault(key, threading.Lock())


class _Tx:
    """A connection in a transaction whose database errors become :class:`StoreError`."""

    def __init__(self, engine: Engine, where: str, lock: threading.Lock | None = None) -> None:
        self.engine = engine
        self.where = where
        self._lock = lock
        self._ctx: Any = None

    def __enter__(self) -> Connection:
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._ctx = self.engine.begin()
            conn: Connection = self._ctx.__enter__()
        except SQLAlchemyError as exc:
            self._release()
            raise StoreError(f"Không kết nối được chỉ mục {self.where}: {_short(exc)}",
                             detail=repr(exc)) from exc
        except BaseException:
            self._release()
            raise
        return conn

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    def __exit__(self, *exc: Any) -> None:
        try:
            self._ctx.__exit__(*exc)
        except SQLAlchemyError as err:
            raise StoreError(f"Lỗi chỉ mục {self.where}: {_short(err)}",
                             detail=repr(err)) from err
        finally:
            self._release()
        if exc[1] is not None and isinstance(exc[1], SQLAlchemyError):
            raise StoreError(f"Lỗi chỉ mục {self.where}: {_short(exc[1])}",
                             detail=repr(exc[1])) from exc[1]


def _driver_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_engine(url: Any, *, immediate: bool) -> Engine:
    """WAL so readers never wait for a writer; writers take the lock at BEGIN (IMMEDIATE),
    so two processes indexing at once queue up instead of failing on a lock upgrade."""
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200]


def _document(row: Any) -> IndexedDocument:
    return IndexedDocument(
        id=row["id"], doc_type=row["doc_type"], status=row["status"],
        created_at=row["created_at"], source_filename=row["source_filename"],
        source_station=row["source_station"], signed=bool(row["signed"]),
        result=bool(row["result"]), result_signed_at=row["result_signed_at"],
        latest_signed_key=row["latest_signed_key"], revoked=bool(row["revoked"]))
