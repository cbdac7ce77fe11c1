"""Batch signing: the key unlocked once, revocation data fetched once, timestamps overlapped.

Exactly once, even when killed (:mod:`pipeline.sign.versions`): the version a signature
produces has a fixed, write-once key and the record points to it only once it is stored. A
rerun finds either the record already listing the signature (skip) or the stored version
without the record update (adopt it), so no document is signed twice and none is left
half-signed. Every signature gets an audit entry: the certificate, hash and level, and who
asked (the person, or the system for granted copy signing), through which session or
client, with which activation, the SHA-256 of the version they were shown, the request ID.

Who may use the profile is checked first (:mod:`pipeline.sign.authority`); a "pin"
profile's wrong PINs are counted and lock it for a while; each document is locked while it
is signed (:mod:`pipeline.sign.doclock`), so two batches never both sign it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pipeline.config import Settings
from pipeline.errors import NotFound, SigningError, SohoaError
from pipeline.index import Index
from pipeline.models import DocumentRecord, SignatureInfo, Status, TextSource, Variant
from pipeline.sign import authority
from pipeline.sign.authority import Mandate
from pipeline.sign.context import RevocationData, batch_context
from pipeline.sign.doclock import DocumentLocks
from pipeline.sign.keys import ParsedKeySigner, UnlockedKey, WrongPin, unlock
from pipeline.sign.look import visible_for
from pipeline.sign.pdfsign import PdfSignatureMaker, signing_time
from pipeline.sign.policy import check_digest
from pipeline.sign.profiles import Activation, Profile, Role
from pipeline.sign.secrets import ActivationSecret, Prompt
from pipeline.sign.state import Grants, PinGuard
from pipeline.sign.versions import (
    adoptable,
    base_version,
    commit_signature,
    signature_info,
    target_key,
)
from pipeline.store import open_store
from pipeline.store.documents import DocumentStore

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SIGNED = "signed"
    ADOPTED = "adopted"  # signed by an interrupted run, finished now
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class BatchItem:
    doc_id: str
    outcome: Outcome
    message: str = ""
    signature: SignatureInfo | None = None


@dataclass(frozen=True)
class BatchReport:
    profile: str
    signer: str
    key: str
    items: tuple[BatchItem, ...]
    warnings: tuple[str, ...] = ()

    def count(self, outcome: Outcome) -> int:
        return sum(1 for i in self.items if i.outcome is outcome)

    @property
    def ok(self) -> bool:
        return not self.count(Outcome.FAILED)


_NOT_DONE = {Status.REVIEW: "tài liệu đang chờ kiểm tra (review), chưa được ký",
             Status.FAILED: "tài liệu xử lý lỗi, không ký",
             Status.DUPLICATE: "bản trùng của tài liệu khác, không ký"}


def not_eligible(record: DocumentRecord, profile: Profile) -> str | None:
    """Why this profile may not sign this document now, or None if it may: only documents
    done (not in review, not failed) and not yet signed in this profile's role."""
    if record.status is not Status.DONE:
        return _NOT_DONE.get(record.status, f"trạng thái {record.status}, không ký")
    roles = {s.role for s in record.signatures}
    if profile.role.value in roles:
        return "đã ký trước đó"
    if profile.role is Role.SEAL and profile.requires_official \
            and Role.OFFICIAL.value not in roles:
        return "chưa có chữ ký của người có thẩm quyền (ký số cơ quan sau chữ ký cá nhân)"
    if profile.role is Role.OFFICIAL and roles:
        return "tài liệu đã có chữ ký số khác; chữ ký cá nhân phải là chữ ký đầu tiên"
    if profile.role is Role.COPY and roles:
        return "bản sao điện tử đã được ký"
    if Variant.SEARCHABLE.value not in record.artifacts:
        return "chưa có bản PDF để ký"
    return None


def is_scan(record: DocumentRecord) -> bool:
    return any(p.text_source is TextSource.OCR for p in record.pages)


def pending(store: DocumentStore, profile: Profile) -> list[str]:
    """Documents waiting for this profile: results (born digital) for the official, results
    the official signed for the seal, digitised scans for a copy signature."""
    out = []
    for record in store.records():
        if not_eligible(record, profile) is not None:
            continue
        if profile.role is Role.COPY and not is_scan(record):
            continue
        if profile.role is Role.OFFICIAL and is_scan(record):
            continue
        out.append(record.id)
    return sorted(out)


Progress = Callable[[BatchItem], None]


def sign_batch(settings: Settings, store: DocumentStore, profile: Profile,
               doc_ids: Sequence[str], *, mandate: Mandate, prompt: Prompt | None = None,
               progress: Progress | None = None,
               activation: ActivationSecret | None = None) -> BatchReport:
    """Sign ``doc_ids`` with ``profile`` for ``mandate``; the key is unlocked once, with what
    the signer gave for this batch (``activation``: a PIN, a one-time code) or the PIN
    ``prompt`` asks, used for it only and never stored.

    A key held in memory signs on every core: once the signer is checked, the batch forks
    one worker per core, each inheriting the unlocked key and the OCSP responses and CRLs
    the check fetched (so they are fetched once per batch), each with its own store
    connection. A token or HSM signs in one process: its session cannot cross
    a fork and it signs serially anyway.
    """
    ids = _unique(doc_ids)
    index = _index(store)
    authority.check(mandate.actor, profile, Grants(index))
    if profile.activation is Activation.AGENT:
        raise SigningError(f"Hồ sơ ký '{profile.name}' dùng token của người ký (sohoa "
                           "agent): ký trên trang ký số, không ký trên máy chủ.")
    guard = PinGuard(index, settings.sign) if profile.activation is Activation.PIN else None
    if guard is not None:
        guard.check(profile.name)
    batch = _Batch(settings, profile, mandate)
    try:
        with unlock(profile, settings.sign, prompt, activation) as key:
            if guard is not None:
                guard.succeeded(profile.name)
            workers = _workers(settings, key, len(ids))
            if workers > 1:
                items = _run_forked(batch, key, ids, progress, workers)
            else:
                items = asyncio.run(_run(batch, store, key, ids, progress))
    except WrongPin:
        if guard is None:
            raise
        raise guard.failed(profile.name) from None
    signer = key.cert.subject.human_friendly
    return BatchReport(profile.name, signer, key.verdict.describe(), tuple(items),
                       key.verdict.warnings)


@dataclass(frozen=True)
class _Batch:
    """What every document of a batch is signed under."""

    settings: Settings
    profile: Profile
    mandate: Mandate


def _index(store: DocumentStore) -> Index:
    if store.index is None:  # pragma: no cover - open_store always gives one
        raise SigningError("Ký số cần chỉ mục (index.url) để khóa tài liệu và kiểm tra quyền.")
    return store.index


#: Fewer documents than this per worker are not worth a fork.
MIN_PER_WORKER = 16


def _workers(settings: Settings, key: UnlockedKey, count: int) -> int:
    if not isinstance(key.signer, ParsedKeySigner) or "fork" not in mp.get_all_start_methods():
        return 1
    wanted = settings.sign.workers or settings.workers
    return max(1, min(wanted, count // MIN_PER_WORKER))


async def _run(batch: _Batch, store: DocumentStore, key: UnlockedKey,
               doc_ids: Sequence[str], progress: Progress | None,
               revinfo: RevocationData | None = None) -> list[BatchItem]:
    """Sign in this process; a forked worker gets the batch's revocation data and fetches
    nothing itself."""
    settings, profile = batch.settings, batch.profile
    async with batch_context(settings, profile, key, revinfo) as context:
        if revinfo is None:
            await context.check_signer(key, profile)
        maker = PdfSignatureMaker(profile, key, context, check_digest(settings.sign))
        gate = key.gate  # a batch signed in one request: every document in flight at once
        if gate is not None:
            gate.expect(len(doc_ids))
        limit = asyncio.Semaphore(len(doc_ids) if gate else max(1, settings.sign.concurrency))
        one_doc = _OneDocument(batch, store, key, maker, DocumentLocks(_index(store)))

        async def one(doc_id: str) -> BatchItem:
            async with limit, gate.document() if gate else contextlib.nullcontext():
                item = await one_doc.sign(doc_id)
            if progress is not None:
                progress(item)
            return item

        return list(await asyncio.gather(*(one(d) for d in doc_ids)))


async def _check_and_fetch(settings: Settings, profile: Profile,
                           key: UnlockedKey) -> RevocationData:
    """Check the signer (and the TSA) once, keeping every OCSP response and CRL fetched on
    the way for the workers."""
    async with batch_context(settings, profile, key) as context:
        await context.check_signer(key, profile)
        if profile.level.long_term:
            await context.check_timestamp_authority()
        return context.revocation_data()


#: What forked workers inherit (set just before the fork, cleared after).
_FORK_STATE: tuple[Any, ...] | None = None


def _run_forked(batch: _Batch, key: UnlockedKey, ids: list[str],
                progress: Progress | None, workers: int) -> list[BatchItem]:
    global _FORK_STATE
    revinfo = asyncio.run(_check_and_fetch(batch.settings, batch.profile, key))
    context = mp.get_context("fork")
    events: Any = context.SimpleQueue()
    _FORK_STATE = (batch, key, events, revinfo)
    parts = [ids[i::workers] for i in range(workers)]
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_forked_part, part) for part in parts]
            done: dict[str, BatchItem] = {}
            while len(done) < len(ids) and not all(f.done() for f in futures):
                if events.empty():
                    time.sleep(0.02)
                    continue
                item = events.get()
                done[item.doc_id] = item
                if progress is not None:
                    progress(item)
            for future in futures:
                for item in future.result():
                    if item.doc_id not in done and progress is not None:
                        progress(item)
                    done[item.doc_id] = item
    finally:
        _FORK_STATE = None
    return [done[i] for i in ids]


def _not_fetching_on_purpose(record: logging.LogRecord) -> bool:
    """A worker validates with the batch's revocation data without fetching, on purpose:
    pyHanko's warning about it, once per document, would only bury real messages."""
    return "fetching is not allowed" not in record.getMessage()


def _forked_part(ids: list[str]) -> list[BatchItem]:
    assert _FORK_STATE is not None
    logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_not_fetching_on_purpose)
    batch, key, events, revinfo = _FORK_STATE
    store = open_store(batch.settings)
    return asyncio.run(_run(batch, store, key, ids, events.put, revinfo=revinfo))


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


class _OneDocument:
    """Signs one document at a time under its lock: read, check, sign, store, record."""

    def __init__(self, batch: _Batch, store: DocumentStore, key: UnlockedKey,
                 maker: PdfSignatureMaker, locks: DocumentLocks) -> None:
        self.batch, self.store, self.key, self.maker, self.locks = batch, store, key, maker, locks
        self.font_cache = batch.settings.home / "cache" / "fonts"

    async def sign(self, doc_id: str) -> BatchItem:
        try:
            async with self.locks.hold(doc_id, self.batch.settings.sign.document_lock_wait):
                return await self._locked(doc_id)
        except NotFound as exc:
            return BatchItem(doc_id, Outcome.FAILED, exc.message)
        except SohoaError as exc:
            log.warning("signing %s failed: %s (%s)", doc_id, exc.message, exc.detail)
            return BatchItem(doc_id, Outcome.FAILED, exc.message)
        except Exception:  # one document's surprise must not stop the others in flight
            log.exception("signing %s failed unexpectedly", doc_id)
            return BatchItem(doc_id, Outcome.FAILED, "Lỗi không xác định khi ký; xem nhật ký. "
                             "Tài liệu chưa được ký, có thể chạy lại lô.")

    async def _locked(self, doc_id: str) -> BatchItem:
        store, profile, key, maker = self.store, self.batch.profile, self.key, self.maker
        record = store.get_record(doc_id)
        reason = not_eligible(record, profile)
        if reason is not None:
            return BatchItem(doc_id, Outcome.SKIPPED, reason)
        base = base_version(record)
        shown = self.batch.mandate.shown.get(doc_id)
        if shown is not None and shown != base.sha256:
            return BatchItem(doc_id, Outcome.SKIPPED, CHANGED)
        data = store.read(base)
        target = target_key(store, record, profile)
        left_over = store.stored(target)
        if left_over is not None:
            signed_data = adoptable(store, left_over, data, profile.field_name)
            outcome = Outcome.ADOPTED
            artifact = left_over
            signed_at = signing_time(signed_data, profile.field_name)
        else:
            visible = visible_for(profile, data, key, self.font_cache)
            signed = await maker.sign(data, visible)
            outcome, signed_at = Outcome.SIGNED, signed.signed_at
            artifact = store.put_signed(target, signed.data)
        info = signature_info(profile, key.cert, key.verdict, maker.digest, artifact, signed_at)
        audit = {**self.batch.mandate.audit(profile), "shown_sha256": shown,
                 "signed_from_sha256": base.sha256}
        commit_signature(store, record, info, artifact, audit)
        return BatchItem(doc_id, outcome, "", info)


#: Why a document is not signed when it changed after the signer saw it.
CHANGED = ("tài liệu đã thay đổi sau khi được xem (phiên bản khác với phiên bản đã hiển "
           "thị); hãy xem lại rồi ký")
