"""Batch signing: the key unlocked once, revocation data fetched once, timestamps overlapped.

Exactly once, even when killed (:mod:`pipeline.sign.versions`): the version a signature
produces has a fixed, write-once key and the record points to it only once it is stored. A
rerun finds either the record already listing the signature (skip) or the stored version
without the record update (adopt it), so no document is signed twice and none is left
half-signed. Every signature gets an audit entry (who, when, certificate, hash, level).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import NotFound, SohoaError
from pipeline.models import DocumentRecord, SignatureInfo, TextSource, Variant
from pipeline.sign.context import RevocationData, batch_context
from pipeline.sign.keys import ParsedKeySigner, UnlockedKey, unlock
from pipeline.sign.look import visible_for
from pipeline.sign.pdfsign import PdfSignatureMaker, signing_time
from pipeline.sign.policy import check_digest
from pipeline.sign.profiles import Profile, Role
from pipeline.sign.secrets import Prompt
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


def not_eligible(record: DocumentRecord, profile: Profile) -> str | None:
    """Why this profile may not sign this document now, or None if it may."""
    mine = [s for s in record.signatures if s.field_name == profile.field_name]
    if mine:
        return "đã ký trước đó"
    roles = {s.role for s in record.signatures}
    if profile.role is Role.SEAL and Role.OFFICIAL.value not in roles:
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
               doc_ids: Sequence[str], *, prompt: Prompt | None = None,
               progress: Progress | None = None) -> BatchReport:
    """Sign ``doc_ids`` with ``profile``; the key is unlocked (PIN asked) once.

    A key held in memory signs on every core: once the signer is checked, the batch forks
    one worker per core, each inheriting the unlocked key and the OCSP responses and CRLs
    the check fetched (so they are fetched once per batch), each with its own store
    connection. A token or HSM signs in one process: its session cannot cross
    a fork and it signs serially anyway.
    """
    ids = _unique(doc_ids)
    with unlock(profile, settings.sign, prompt) as key:
        workers = _workers(settings, key, len(ids))
        if workers > 1:
            items = _run_forked(settings, profile, key, ids, progress, workers)
        else:
            items = asyncio.run(_run(settings, store, profile, key, ids, progress))
    signer = key.cert.subject.human_friendly
    return BatchReport(profile.name, signer, key.verdict.describe(), tuple(items),
                       key.verdict.warnings)


#: Fewer documents than this per worker are not worth a fork.
MIN_PER_WORKER = 16


def _workers(settings: Settings, key: UnlockedKey, count: int) -> int:
    if not isinstance(key.signer, ParsedKeySigner) or "fork" not in mp.get_all_start_methods():
        return 1
    wanted = settings.sign.workers or settings.workers
    return max(1, min(wanted, count // MIN_PER_WORKER))


async def _run(settings: Settings, store: DocumentStore, profile: Profile, key: UnlockedKey,
               doc_ids: Sequence[str], progress: Progress | None,
               revinfo: RevocationData | None = None) -> list[BatchItem]:
    """Sign in this process; a forked worker gets the batch's revocation data and fetches
    nothing itself."""
    async with batch_context(settings, profile, key, revinfo) as context:
        if revinfo is None:
            await context.check_signer(key, profile)
        maker = PdfSignatureMaker(profile, key, context, check_digest(settings.sign))
        font_cache = settings.home / "cache" / "fonts"
        limit = asyncio.Semaphore(max(1, settings.sign.concurrency))

        async def one(doc_id: str) -> BatchItem:
            async with limit:
                item = await _sign_one(store, profile, key, maker, font_cache, doc_id)
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


def _run_forked(settings: Settings, profile: Profile, key: UnlockedKey, ids: list[str],
                progress: Progress | None, workers: int) -> list[BatchItem]:
    global _FORK_STATE
    revinfo = asyncio.run(_check_and_fetch(settings, profile, key))
    context = mp.get_context("fork")
    events: Any = context.SimpleQueue()
    _FORK_STATE = (settings, profile, key, events, revinfo)
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
    settings, profile, key, events, revinfo = _FORK_STATE
    store = open_store(settings)
    return asyncio.run(_run(settings, store, profile, key, ids, events.put, revinfo=revinfo))


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


async def _sign_one(store: DocumentStore, profile: Profile, key: UnlockedKey,
                    maker: PdfSignatureMaker, font_cache: Path, doc_id: str) -> BatchItem:
    try:
        record = store.get_record(doc_id)
        reason = not_eligible(record, profile)
        if reason is not None:
            return BatchItem(doc_id, Outcome.SKIPPED, reason)
        data = store.read(base_version(record))
        target = target_key(store, record, profile)
        left_over = store.stored(target)
        if left_over is not None:
            signed_data = adoptable(store, left_over, data, profile.field_name)
            outcome = Outcome.ADOPTED
            artifact = left_over
            signed_at = signing_time(signed_data, profile.field_name)
        else:
            visible = visible_for(profile, data, key, font_cache)
            signed = await maker.sign(data, visible)
            outcome, signed_at = Outcome.SIGNED, signed.signed_at
            artifact = store.put_signed(target, signed.data)
        info = signature_info(profile, key.cert, key.verdict, maker.digest, artifact, signed_at)
        commit_signature(store, record, info, artifact)
        return BatchItem(doc_id, outcome, "", info)
    except NotFound as exc:
        return BatchItem(doc_id, Outcome.FAILED, exc.message)
    except SohoaError as exc:
        log.warning("signing %s failed: %s (%s)", doc_id, exc.message, exc.detail)
        return BatchItem(doc_id, Outcome.FAILED, exc.message)
    except Exception:  # one document's surprise must not stop the others in flight
        log.exception("signing %s failed unexpectedly", doc_id)
        return BatchItem(doc_id, Outcome.FAILED, "Lỗi không xác định khi ký; xem nhật ký. "
                         "Tài liệu chưa được ký, có thể chạy lại lô.")
