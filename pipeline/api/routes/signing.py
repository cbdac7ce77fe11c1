"""The signing queue and batch-signing jobs (what the officials' page drives).

Every route takes the caller: the profiles list shows only the profiles the caller may use
(:mod:`pipeline.sign.authority`), and a job is refused (403, nothing signed) unless the
caller may use its profile. The signer activates the key for the batch: a "pin" profile's
PIN comes in the request, is used in memory for this batch and never stored or logged. A
person sends, per document, the SHA-256 of the version they were shown; a document that
changed since is not signed. Jobs live in this process: the signatures themselves, their
audit entries and exactly-once resumption are the signing batch's, in the kho.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, SecretStr

from pipeline.api.auth import Caller, require
from pipeline.api.deps import Services, services
from pipeline.api.errors import ApiError
from pipeline.api.identity import Actor
from pipeline.api.keys import Scope
from pipeline.api.paging import MAX_LIMIT, envelope, page
from pipeline.config import ConfigError
from pipeline.errors import NotFound, SohoaError
from pipeline.sign import authority
from pipeline.sign.authority import Mandate
from pipeline.sign.batch import BatchItem, pending, sign_batch
from pipeline.sign.csc import send_code
from pipeline.sign.profiles import Activation, Profile, list_profiles, load_profile
from pipeline.sign.secrets import ActivationSecret
from pipeline.sign.state import Grants, PinGuard, ProfileLocked
from pipeline.sign.versions import base_version as current_version

router = APIRouter(prefix="/v1/signing", tags=["Ký số"], dependencies=[require(Scope.SIGN)])

ProfileName = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9_\-]{0,40}$",
                                   description="Hồ sơ ký trên máy chủ (official, seal, copy…)")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
#: Marks the routes that can apply a signature (the route-table test finds them by it).
APPLIES_SIGNATURE = {"x-sohoa-applies-signature": True}


class SignRequest(BaseModel):
    profile: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,40}$")
    documents: list[Annotated[str, Field(pattern=r"^[a-z2-7]{24}$")]] = Field(
        min_length=1, max_length=500)
    #: Document ID → SHA-256 of the version shown to the person (required for people).
    shown: dict[str, Sha256] | None = Field(default=None, max_length=500)
    #: The PIN/password of a "pin" profile's key, for this batch only.
    pin: SecretStr | None = Field(default=None, max_length=256)
    #: The one-time code of a "csc" profile (remote signing service), for this batch only.
    otp: SecretStr | None = Field(default=None, max_length=64)


@dataclass
class SigningJob:
    id: str
    profile: str
    documents: list[str]
    #: ``<kind>:<id>`` of who started it: nobody else sees it.
    owner: str = ""
    state: str = "running"  # running | done | failed
    done: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    signer: str | None = None
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "profile": self.profile, "state": self.state,
                "total": len(self.documents), "processed": len(self.done),
                "items": list(self.done), "error": self.error, "signer": self.signer,
                "started_at": self.started_at, "finished_at": self.finished_at}


def _owner(who: Actor) -> str:
    return f"{who.kind.value}:{who.id}"


def profile_named(svc: Services, name: str) -> Profile:
    """A signer profile configured on the server; 404 for a name that is not."""
    try:
        return load_profile(svc.settings, name)
    except ConfigError as exc:
        raise ApiError(404, "khong-co-ho-so-ky", exc.message) from exc


def _grants(svc: Services) -> Grants:
    assert svc.store.index is not None
    return Grants(svc.store.index)


def permitted(svc: Services, who: Actor, name: str) -> Profile:
    """The profile, if ``who`` may use it (403 with the reason otherwise)."""
    profile = profile_named(svc, name)
    authority.check(who, profile, _grants(svc))
    return profile


def _secret(profile: Profile, body: SignRequest) -> ActivationSecret | None:
    """The activation data the profile needs, from the request (422 when missing)."""
    if profile.activation is Activation.PIN:
        if body.pin is None or not body.pin.get_secret_value():
            raise ApiError(422, "can-ma-pin", f"Hồ sơ ký '{profile.name}' cần mã PIN của khóa "
                           "cho lô ký này.")
        return ActivationSecret(body.pin.get_secret_value(), "pin")
    if profile.activation is Activation.CSC:
        if body.otp is None or not body.otp.get_secret_value():
            raise ApiError(422, "can-ma-otp", f"Hồ sơ ký '{profile.name}' cần mã xác thực một "
                           "lần của dịch vụ ký từ xa.")
        return ActivationSecret(body.otp.get_secret_value(), "csc")
    if profile.activation is Activation.AGENT:
        raise ApiError(409, "ky-bang-thiet-bi", f"Hồ sơ ký '{profile.name}' ký bằng thiết bị "
                       "của người ký qua sohoa agent, không ký trên máy chủ.")
    return None


def _check_shown(svc: Services, who: Actor, body: SignRequest) -> dict[str, str]:
    """A person signs what they were shown: every document's shown version must be the
    current one (409 otherwise, nothing signed)."""
    shown = dict(body.shown or {})
    if not who.is_person:
        return shown
    missing = [d for d in body.documents if d not in shown]
    if missing:
        raise ApiError(422, "thieu-ban-da-xem", "Cần gửi mã băm SHA-256 của phiên bản đã xem "
                       f"cho từng tài liệu (thiếu: {', '.join(missing[:5])}).")
    for doc_id in body.documents:
        try:
            record = svc.store.get_record(doc_id)
        except NotFound:
            continue  # reported by the batch as not found
        if current_version(record).sha256 != shown[doc_id]:
            raise ApiError(409, "tai-lieu-da-thay-doi", f"Tài liệu {doc_id} đã thay đổi sau khi "
                           "được hiển thị; hãy làm mới hàng chờ, xem lại rồi ký.")
    return shown


class SigningJobs:
    def __init__(self) -> None:
        self.jobs: dict[str, SigningJob] = {}
        self.lock = threading.Lock()

    def start(self, svc: Services, profile: Profile, documents: list[str], mandate: Mandate,
              secret: ActivationSecret | None) -> SigningJob:
        job = SigningJob(secrets.token_hex(8), profile.name, list(dict.fromkeys(documents)),
                         _owner(mandate.actor))
        with self.lock:
            self.jobs[job.id] = job

        def progress(item: BatchItem) -> None:
            with self.lock:
                job.done.append({"document": item.doc_id, "outcome": item.outcome.value,
                                 "message": item.message})

        def run() -> None:
            try:
                # One process: forking signing workers from a threaded server could copy a
                # lock another thread holds.
                settings = dataclasses.replace(
                    svc.settings, sign=dataclasses.replace(svc.settings.sign, workers=1))
                report = sign_batch(settings, svc.store, profile, job.documents,
                                    mandate=mandate, progress=progress, activation=secret)
                job.signer = report.signer
                job.state = "done"
            except SohoaError as exc:
                job.error, job.state = exc.message, "failed"
            except Exception as exc:
                import logging

                logging.getLogger(__name__).exception("signing job %s", job.id)
                job.error, job.state = f"Lỗi nội bộ ({type(exc).__name__}).", "failed"
            finally:
                job.finished_at = datetime.now(UTC).isoformat()

        threading.Thread(target=run, name=f"sohoa-sign-{job.id}", daemon=True).start()
        return job


@router.get("/profiles", summary="Các hồ sơ ký người gọi được dùng")
def profiles(request: Request, who: Caller) -> dict[str, Any]:
    svc = services(request)
    usable = authority.usable(who, list_profiles(svc.settings), _grants(svc))
    return {"items": [{"name": p.name, "role": str(p.role), "activation": str(p.activation),
                       "owner": p.owner or None, "dev": p.dev} for p in usable]}


@router.get("/queue", summary="Tài liệu đang chờ ký theo hồ sơ ký")
def queue(request: Request, who: Caller, profile: ProfileName,
          limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
          cursor: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    svc = services(request)
    ids = pending(svc.store, permitted(svc, who, profile))
    chunk, nxt = page(ids, limit, cursor)
    items = []
    for doc_id in chunk:
        record = svc.store.get_record(doc_id)
        items.append({"id": record.id, "doc_type": record.doc_type,
                      "filename": record.source.filename, "pages": len(record.pages),
                      "created_at": record.created_at, "status": record.status.value,
                      "sha256": current_version(record).sha256,
                      "fields": {k: {"value": v.get("value"), "valid": v.get("valid"),
                                     "confidence": v.get("confidence")}
                                 for k, v in record.fields.items() if isinstance(v, dict)}})
    return envelope(items, nxt, len(ids))


@router.post("/jobs", summary="Ký một lô tài liệu", status_code=202,
             openapi_extra=APPLIES_SIGNATURE)
def create_job(body: SignRequest, request: Request, who: Caller) -> dict[str, Any]:
    svc = services(request)
    profile = permitted(svc, who, body.profile)
    secret = _secret(profile, body)
    if profile.activation is Activation.PIN:
        assert svc.store.index is not None
        try:
            PinGuard(svc.store.index, svc.settings.sign).check(profile.name)
        except ProfileLocked as exc:
            raise ApiError(423, exc.code, exc.message) from None
    mandate = Mandate(who, _check_shown(svc, who, body), request.state.request_id)
    jobs: SigningJobs = request.app.state.signing
    return jobs.start(svc, profile, body.documents, mandate, secret).to_dict()


@router.post("/profiles/{name}/otp", summary="Nhờ dịch vụ ký từ xa gửi mã OTP cho lô ký tới",
             openapi_extra=APPLIES_SIGNATURE)
def send_otp(name: Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_\-]{0,40}$")],
             request: Request, who: Caller) -> dict[str, Any]:
    """For a remote-signing profile the caller may use: the service sends the official a
    one-time code (SMS), or says to read it in their authenticator app."""
    svc = services(request)
    profile = permitted(svc, who, name)
    if profile.activation is not Activation.CSC:
        raise ApiError(409, "khong-phai-ky-tu-xa", f"Hồ sơ ký '{profile.name}' không dùng dịch "
                       "vụ ký từ xa.")
    try:
        return {"message": send_code(profile, svc.settings.sign)}
    except SohoaError as exc:
        raise ApiError(502, exc.code, exc.message) from None


@router.get("/jobs/{job_id}", summary="Tiến độ một lô ký")
def get_job(job_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")],
            request: Request, who: Caller) -> dict[str, Any]:
    jobs: SigningJobs = request.app.state.signing
    with jobs.lock:
        job = jobs.jobs.get(job_id)
        if job is None or job.owner != _owner(who):
            raise ApiError(404, "khong-tim-thay", "Không tìm thấy lô ký này.")
        return job.to_dict()
