"""The index tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Everything here is derived from the bucket (records and revocation objects), so the schema
can change freely: ``sohoa store reindex`` rebuilds it. Each lookup the CLI makes starts from
a primary key or an index (document ID, ``so_dinh_danh``, ``ma_ho_so``, portal result name)
so it stays a few B-tree probes however many documents there are.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

#: One row per document record.
documents = Table(
    "documents", metadata,
    Column("id", String(24), primary_key=True),
    Column("doc_type", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("source_filename", Text, nullable=False),
    Column("source_station", String(128), nullable=False),
    #: Any signature by sohoa (official, seal or copy).
    Column("signed", Boolean, nullable=False),
    #: Signed by an official or a seal: an electronic result, its data verified.
    Column("result", Boolean, nullable=False),
    #: The first official/seal signature's time in UTC (orders a dossier's results).
    Column("result_signed_at", String(40)),
    Column("latest_signed_key", Text),
    #: Set from a revocation object only; an upsert of the record never clears it.
    Column("revoked", Boolean, nullable=False, default=False),
)
Index("ix_documents_sha256", documents.c.source_sha256)

#: Every extracted field of every document (value as text).
fields = Table(
    "fields", metadata,
    Column("doc_id", String(24), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", Text),
    Column("confidence", Float, nullable=False),
    Column("page", Integer),
    Column("valid", Boolean, nullable=False),
    Column("source", String(16), nullable=False),
    #: The document is a signed result (so the value was checked by whoever signed it).
    Column("from_signed", Boolean, nullable=False),
)

#: Which citizen (personal ID) a document is about, and as what.
citizens = Table(
    "citizens", metadata,
    Column("so_dinh_danh", String(12), primary_key=True),
    Column("doc_id", String(24), primary_key=True),
    Column("role", String(16), primary_key=True),
)
Index("ix_citizens_doc", citizens.c.doc_id)

#: Which dossier (one-stop ``ma_ho_so``) a document belongs to, and as what.
dossiers = Table(
    "dossiers", metadata,
    Column("ma_ho_so", String(64), primary_key=True),
    Column("doc_id", String(24), primary_key=True),
    Column("kind", String(16), nullable=False),  # result | receipt | form
)
Index("ix_dossiers_doc", dossiers.c.doc_id)

#: Portal names of results: ``<ma_ho_so>-KQ<nn>``, numbered per dossier in signing order.
results = Table(
    "results", metadata,
    Column("name", String(80), primary_key=True),
    Column("ma_ho_so", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("doc_id", String(24), nullable=False),
)
Index("ix_results_dossier", results.c.ma_ho_so)
Index("ix_results_doc", results.c.doc_id)

#: Revocations, mirrored from the write-once ``revocations/<id>.json`` objects.
revocations = Table(
    "revocations", metadata,
    Column("doc_id", String(24), primary_key=True),
    Column("name", String(80)),
    Column("reason", Text, nullable=False),
    Column("revoked_at", String(40), nullable=False),
    Column("revoked_by", String(128), nullable=False),
)
