"""Phase two of two-phase signing: the token's signature value embedded into the prepared
PDF (pyHanko's ``ExternalSigner`` makes the CMS around it), the signature timestamp and,
for B-LT/B-LTA, the validation data and the document timestamp added, then the signed
version stored exactly as a server-side batch stores it (:mod:`pipeline.sign.versions`).

The validation data is collected again at this point rather than carried over from phase
one: the revocation status is then fresh, and nothing but plain data is kept in between.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from asn1crypto import algos, cms
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PostSignInstructions

from pipeline.config import Settings
from pipeline.errors import SigningError, SohoaError
from pipeline.models import DocumentRecord, SignatureInfo
from pipeline.sign.batch import not_eligible
from pipeline.sign.context import BatchContext, batch_context
from pipeline.sign.pdfsign import PdfSignatureMaker, open_writer, signing_errors, update_time
from pipeline.sign.profiles import Level, Profile
from pipeline.sign.twophase.signer import agent_key
from pipeline.sign.twophase.state import Item
from pipeline.sign.versions import (
    adoptable,
    base_version,
    commit_signature,
    signature_info,
    target_key,
)
from pipeline.store.documents import DocumentStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finished:
    """One document's end: its signature, or why it could not be signed (Vietnamese)."""

    doc_id: str
    info: SignatureInfo | None = None
    reason: str = ""


async def finish_documents(settings: Settings, store: DocumentStore, profile: Profile,
                           docs: Sequence[Item],
                           audit: Mapping[str, Mapping[str, object]]) -> list[Finished]:
    """Embed each document's signature value (already checked against the certificate)
    and store the signed versions; ``audit`` gives each document's audit fields."""
    if not docs:
        return []
    mechanism = algos.SignedDigestAlgorithm.load(docs[0].mechanism)
    key = agent_key(profile, settings, can_pss=mechanism.signature_algo == "rsassa_pss")
    async with batch_context(settings, profile, key) as context:
        try:
            await context.check_signer(key, profile)  # revoked since the batch was prepared?
        except SigningError as exc:
            return [Finished(item.doc_id, reason=exc.message) for item in docs]
        maker = PdfSignatureMaker(profile, key, context, docs[0].digest_algorithm)
        out = []
        for item in docs:
            try:
                info = await _finish_one(store, maker, context, item, audit[item.doc_id])
                out.append(Finished(item.doc_id, info))
            except SohoaError as exc:
                log.warning("finishing %s failed: %s (%s)", item.doc_id, exc.message,
                            exc.detail)
                out.append(Finished(item.doc_id, reason=exc.message))
            except Exception:  # one document's surprise must not lose the others
                log.exception("finishing %s failed unexpectedly", item.doc_id)
                out.append(Finished(item.doc_id, reason="Lỗi không xác định khi hoàn tất chữ "
                                    "ký; xem nhật ký. Tài liệu chưa được ký."))
        return out


async def _finish_one(store: DocumentStore, maker: PdfSignatureMaker, context: BatchContext,
                      item: Item, audit: Mapping[str, object]) -> SignatureInfo:
    profile, key = maker.profile, maker.key
    record = store.get_record(item.doc_id)
    done = _already_committed(record, item)
    if done is not None:
        return done
    if base_version(record).sha256 != item.base.sha256 or \
            target_key(store, record, profile) != item.target_key:
        raise SigningError("Tài liệu đã có phiên bản mới từ khi chuẩn bị ký: chữ ký này không "
                           "còn đúng bản đã xem, không ghi nhận; hãy tạo lô ký mới.")
    reason = not_eligible(record, profile)
    if reason is not None:
        raise SigningError(reason)
    data = store.read(item.base)
    left_over = store.stored(item.target_key)
    if left_over is not None:  # stored by a finishing that died before the record
        signed = adoptable(store, left_over, data, profile.field_name)
        artifact = left_over
    else:
        signed = await _embed(maker, context, item, data, store.read(item.prepared))
        artifact = store.put_signed(item.target_key, signed)
    signed_at = update_time(data, signed, profile.field_name)
    info = signature_info(profile, key.cert, key.verdict, maker.digest, artifact, signed_at)
    commit_signature(store, record, info, artifact, audit)
    return info


def _already_committed(record: DocumentRecord, item: Item) -> SignatureInfo | None:
    return next((s for s in record.signatures if s.key == item.target_key), None)


async def _embed(maker: PdfSignatureMaker, context: BatchContext, item: Item, base: bytes,
                 prepared: bytes) -> bytes:
    assert item.signature is not None
    level = maker.profile.level
    key = maker.key
    signer = ExternalSigner(key.cert, key.signer.cert_registry, signature_value=item.signature,
                            signature_mechanism=algos.SignedDigestAlgorithm.load(
                                item.mechanism))
    output = io.BytesIO(prepared)
    with signing_errors(context):
        signature_cms = await signer.async_sign_prescribed_attributes(
            item.digest_algorithm, cms.CMSAttributes.load(item.signed_attrs),
            timestamper=context.timestamper if level.timestamped else None)
        instructions = await _post_sign(maker, context, base) if level.long_term else None
        await PdfTBSDocument.async_finish_signing(
            output, PreparedByteRangeDigest(item.document_digest, *item.reserved),
            signature_cms, post_sign_instr=instructions,
            validation_context=context.validation)
    return output.getvalue()


async def _post_sign(maker: PdfSignatureMaker, context: BatchContext,
                     base: bytes) -> PostSignInstructions:
    """What pyHanko would have planned after the signature (validation data in the DSS;
    for B-LTA a document timestamp), with the signer's chain validated now."""
    pdf_signer = maker.pdf_signer()
    writer = open_writer(base)
    session = pdf_signer.init_signing_session(writer)
    validation = await session.perform_presign_validation(writer)
    if validation is None:  # pragma: no cover - long-term levels always have a context
        raise SigningError("Thiếu ngữ cảnh kiểm tra chứng thư cho mức ký dài hạn.")
    meta = pdf_signer.signature_meta
    return PostSignInstructions(
        validation_info=validation, timestamp_md_algorithm=maker.digest,
        timestamper=context.timestamper if maker.profile.level is Level.B_LTA else None,
        dss_settings=meta.dss_settings, embed_roots=maker.key.signer.embed_roots,
        strict=False)
