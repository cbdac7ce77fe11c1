"""Phase one of two-phase signing: each PDF prepared exactly as a server-side batch would
sign it (field, look, placement, level), its byte range digested, and the signed attributes
the official's token must sign computed (pyHanko's interrupted signing).

The prepared PDF goes to the kho (``pending/``): it is not a signed version, only the
bytes the signature value will be embedded into.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.config import Settings
from pipeline.errors import SigningError, SohoaError
from pipeline.sign.batch import not_eligible
from pipeline.sign.context import BatchContext, batch_context
from pipeline.sign.keys import UnlockedKey
from pipeline.sign.look import visible_for
from pipeline.sign.pdfsign import PdfSignatureMaker, open_writer, signing_errors
from pipeline.sign.policy import check_digest
from pipeline.sign.profiles import Profile
from pipeline.sign.twophase.signer import title_of
from pipeline.sign.twophase.state import Item
from pipeline.sign.versions import base_version, target_key
from pipeline.store.documents import DocumentStore


@dataclass(frozen=True)
class Refused:
    """A document left out of the batch, and why (Vietnamese)."""

    doc_id: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"document": self.doc_id, "reason": self.reason}


async def prepare_documents(settings: Settings, store: DocumentStore, profile: Profile,
                            key: UnlockedKey, batch_id: str, doc_ids: Sequence[str],
                            ) -> tuple[list[Item], list[Refused]]:
    """Prepare ``doc_ids`` for ``key``'s certificate; a revoked or untrusted certificate
    is refused before any document is touched."""
    async with batch_context(settings, profile, key) as context:
        await context.check_signer(key, profile)
        maker = PdfSignatureMaker(profile, key, context, check_digest(settings.sign))
        prepared: list[Item] = []
        refused: list[Refused] = []
        for doc_id in doc_ids:
            try:
                prepared.append(await _prepare_one(settings, store, maker, context,
                                                   batch_id, doc_id))
            except SohoaError as exc:  # this document only: the others go on
                refused.append(Refused(doc_id, exc.message))
        return prepared, refused


async def _prepare_one(settings: Settings, store: DocumentStore, maker: PdfSignatureMaker,
                       context: BatchContext, batch_id: str, doc_id: str) -> Item:
    profile, key = maker.profile, maker.key
    record = store.get_record(doc_id)
    reason = not_eligible(record, profile)
    if reason is not None:
        raise SigningError(reason)
    base = base_version(record)
    data = store.read(base)
    target = target_key(store, record, profile)
    if store.stored(target) is not None:
        raise SigningError("Đã có bản ký từ một lần ký trước chưa được ghi nhận; chạy lại lô "
                           "ký đó trước.")
    visible = visible_for(profile, data, key, settings.home / "cache" / "fonts")
    output = io.BytesIO()
    with signing_errors(context):
        digest, _, _ = await maker.pdf_signer(visible).async_digest_doc_for_signing(
            open_writer(data), output=output)
        signed_attrs = await key.signer.signed_attrs(
            digest.document_digest, maker.digest, use_pades=True)
    mechanism = key.signer.get_signature_mechanism_for_digest(maker.digest)
    prepared = store.put_pending(batch_id, doc_id, output.getvalue())
    return Item(doc_id=doc_id, title=title_of(record, settings), doc_type=record.doc_type,
                base=base, prepared=prepared, target_key=target,
                digest_algorithm=maker.digest, mechanism=mechanism.dump(),
                signed_attrs=signed_attrs.dump(), document_digest=digest.document_digest,
                reserved=(digest.reserved_region_start, digest.reserved_region_end))
