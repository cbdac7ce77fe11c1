"""Batches signed by the official's own token through their agent, from the page's request
to the stored versions.

1. :func:`create_batch`: the official asks on the page; each document is prepared and the
   batch waits for their agent (``waiting``).
2. The agent lists it (:func:`waiting_for`), the official confirms at their desk and their
   token signs the signed attributes of each document.
3. :func:`submit`: every signature value is checked against the certificate (a wrong token
   or key is refused, nothing stored), kept, then embedded, timestamped, completed with
   validation data and stored; each signature's audit entry names the official, the agent,
   the activation, the version shown and the request IDs.

Or the official says no (:func:`refuse`) or withdraws the batch on the page
(:func:`cancel`): nothing is signed.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pipeline.config import Settings
from pipeline.errors import InputError, SigningError
from pipeline.sign.profiles import Activation, Profile, load_profile
from pipeline.sign.twophase.finish import finish_documents
from pipeline.sign.twophase.prepare import Refused, prepare_documents
from pipeline.sign.twophase.signer import (
    agent_key,
    certificate_sha256,
    check_signature,
    profile_certificates,
)
from pipeline.sign.twophase.state import (
    OPEN_ITEMS,
    WAIT,
    Batch,
    Batches,
    BatchState,
    ItemState,
    now,
)
from pipeline.store.documents import DocumentStore

#: Documents per batch: each is prepared while the official waits on the page.
MAX_DOCUMENTS = 100


def batches_of(store: DocumentStore) -> Batches:
    if store.index is None:  # pragma: no cover - open_store always gives one
        raise SigningError("Ký qua agent cần cơ sở dữ liệu chỉ mục.")
    return Batches(store.index)


def create_batch(settings: Settings, store: DocumentStore, profile: Profile,
                 doc_ids: Sequence[str], *, official: str, requested_by: Mapping[str, Any],
                 can_pss: bool, request_id: str) -> tuple[Batch, list[Refused]]:
    """Prepare ``doc_ids`` for ``official``'s token; the batch then waits for their agent.
    Documents that cannot be signed now are left out with their reason; none at all is an
    error."""
    if profile.activation is not Activation.AGENT:
        raise SigningError(f"Hồ sơ ký '{profile.name}' không ký qua agent của người ký.")
    if profile.owner != official:
        raise SigningError(f"Hồ sơ ký '{profile.name}' không phải của tài khoản {official}.")
    ids = list(dict.fromkeys(doc_ids))
    if not ids or len(ids) > MAX_DOCUMENTS:
        raise InputError(f"Một lô ký qua agent có từ 1 đến {MAX_DOCUMENTS} tài liệu.")
    state = batches_of(store)
    busy = state.open_documents(ids, profile.name)
    refused = [Refused(d, "đang chờ ký trong một lô khác") for d in ids if d in busy]
    batch_id = secrets.token_hex(8)
    key = agent_key(profile, settings, can_pss=can_pss)
    items, left_out = asyncio.run(prepare_documents(
        settings, store, profile, key, batch_id, [d for d in ids if d not in busy]))
    refused += left_out
    if not items:
        store.clear_pending(batch_id)
        reasons = "; ".join(f"{r.doc_id}: {r.reason}" for r in refused)
        raise SigningError(f"Không có tài liệu nào ký được trong lô này ({reasons}).")
    created = now()
    batch = Batch(id=batch_id, official=official, profile=profile.name,
                  certificate_sha256=certificate_sha256(key.cert), state=BatchState.WAITING,
                  requested_by=dict(requested_by), request_id=request_id,
                  created_at=created.isoformat(), expires_at=(created + WAIT).isoformat(),
                  items=tuple(items))
    state.add(batch)
    return batch, refused


def waiting_for(store: DocumentStore, official: str,
                certificates: Iterable[str]) -> list[Batch]:
    """The batches waiting for this official's agent whose certificate its token holds,
    oldest first (a batch past its time expires here)."""
    state = batches_of(store)
    held = set(certificates)
    out = []
    for batch in state.of_official(official, [BatchState.WAITING]):
        if batch.expires_at < now().isoformat() and not any(
                i.state is not ItemState.WAITING for i in batch.items):
            state.set_state(batch.id, BatchState.EXPIRED, message="Hết thời gian chờ ký.")
            store.clear_pending(batch.id)
            continue
        if batch.certificate_sha256 in held:
            out.append(batch)
    return out[::-1]


def submit(settings: Settings, store: DocumentStore, batch_id: str,
           signatures: Mapping[str, bytes], *, agent_id: str, who: Mapping[str, Any],
           request_id: str) -> Batch:
    """Check, keep and embed the agent's signature values; the batch as it now stands.

    Every value is checked before any is kept: one value the certificate's key did not
    make refuses the whole submission (a wrong token), and the batch keeps waiting."""
    state = batches_of(store)
    batch = state.get(batch_id)
    if batch.state is not BatchState.WAITING:
        raise SigningError(f"Lô ký {batch_id} không còn chờ ký ({batch.state.value}).")
    if batch.expires_at < now().isoformat():
        raise SigningError(f"Lô ký {batch_id} đã hết thời gian chờ; hãy tạo lô mới.")
    profile = load_profile(settings, batch.profile)
    cert = profile_certificates(profile)[0]
    if certificate_sha256(cert) != batch.certificate_sha256:
        raise SigningError(f"Hồ sơ ký '{profile.name}' đã đổi chứng thư số từ khi lô được "
                           "chuẩn bị; hãy tạo lô mới.")
    for doc_id, value in signatures.items():
        item = batch.item(doc_id)
        if item.state is ItemState.WAITING:
            check_signature(cert, item.mechanism, item.digest_algorithm, item.signed_attrs,
                            value, f"tài liệu {doc_id}")
    state.receive(batch_id, dict(signatures), {
        "who": dict(who), "activation": Activation.AGENT.value, "agent": agent_id,
        "request_id": request_id, "batch": batch_id, "batch_request_id": batch.request_id,
        "requested_by": batch.requested_by})
    return finish_received(settings, store, state.get(batch_id))


def finish_received(settings: Settings, store: DocumentStore, batch: Batch) -> Batch:
    """Finish the documents whose signature value arrived (also those a server that died
    left half-way), then close the batch once nothing is open."""
    state = batches_of(store)
    audit = batch.submission or {}
    claimed = [i for i in batch.items if i.state in (ItemState.RECEIVED, ItemState.FINISHING)
               and state.claim(batch.id, i.doc_id)]
    if claimed:
        fresh = state.get(batch.id)  # with the signature values just kept
        claimed = [fresh.item(i.doc_id) for i in claimed]
        profile = load_profile(settings, batch.profile)
        shown = {i.doc_id: {**audit, "shown_sha256": i.base.sha256} for i in claimed}
        for done in asyncio.run(finish_documents(settings, store, profile, claimed, shown)):
            if done.info is not None:
                state.settle(batch.id, done.doc_id, ItemState.SIGNED, signed_key=done.info.key)
            else:
                state.settle(batch.id, done.doc_id, ItemState.FAILED, message=done.reason)
    return _close_if_done(store, state, batch.id)


def _close_if_done(store: DocumentStore, state: Batches, batch_id: str) -> Batch:
    batch = state.get(batch_id)
    if batch.state is BatchState.WAITING and not any(i.state in OPEN_ITEMS
                                                     for i in batch.items):
        failed = [i for i in batch.items if i.state is ItemState.FAILED]
        final = BatchState.FAILED if failed else BatchState.DONE
        message = f"{len(failed)} tài liệu không ký được." if failed else ""
        if state.set_state(batch_id, final, message=message):
            store.clear_pending(batch_id)
        batch = state.get(batch_id)
    return batch


def refuse(store: DocumentStore, batch_id: str, *, agent_id: str, reason: str,
           who: Mapping[str, Any], request_id: str) -> Batch:
    """The official said no at their desk (or the agent found the prepared PDF was not the
    version shown): nothing is signed."""
    return _stop(store, batch_id, BatchState.REFUSED, reason or "Người ký từ chối.", agent_id,
                 who, request_id)


def cancel(store: DocumentStore, batch_id: str, *, who: Mapping[str, Any],
           request_id: str) -> Batch:
    """Withdrawn on the page before the agent signed: nothing is signed."""
    return _stop(store, batch_id, BatchState.CANCELLED, "Đã hủy trên trang ký số.", None,
                 who, request_id)


def _stop(store: DocumentStore, batch_id: str, final: BatchState, message: str,
          agent_id: str | None, who: Mapping[str, Any], request_id: str) -> Batch:
    state = batches_of(store)
    batch = state.get(batch_id)
    if any(i.state is not ItemState.WAITING for i in batch.items) or \
            not state.set_state(batch_id, final, agent_id=agent_id, message=message):
        raise SigningError(f"Lô ký {batch_id} đã được ký hoặc đã kết thúc "
                           f"({batch.state.value}); không dừng được nữa.")
    store.clear_pending(batch_id)
    audit_event(store, f"batch-{final.value}", {
        "batch": batch_id, "who": dict(who), "reason": message, "request_id": request_id,
        "documents": [i.doc_id for i in batch.items]})
    return state.get(batch_id)


def audit_event(store: DocumentStore, what: str, entry: Mapping[str, Any]) -> None:
    """A write-once audit entry of the agent flow (``audit/agents/…``): pairings,
    revocations, batches refused or withdrawn. Signatures have their own entries."""
    when = now()
    store.put_audit(f"agents/{when:%Y/%m/%d}/{when:%H%M%S%f}-{secrets.token_hex(4)}.json",
                    {"at": when.isoformat(), "what": what, **entry})
