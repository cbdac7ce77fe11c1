"""The signing queue and batch-signing jobs (what the officials' page drives).

A job signs in a thread of this server with a signer profile configured on the server
(PKCS#12 or PKCS#11; the PIN from the profile's environment variable or file, never from
the browser). Jobs live in this process: the signatures themselves, their audit entries and
exactly-once resumption are the signing batch's, in the kho.
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
from pydantic import BaseModel, Field

from pipeline.api.deps import Services, require, services
from pipeline.api.errors import ApiError
from pipeline.api.keys import Scope
from pipeline.api.paging import MAX_LIMIT, envelope, page
from pipeline.config import ConfigError
from pipeline.errors import SohoaError
from pipeline.sign.batch import BatchItem, pending, sign_batch
from pipeline.sign.profiles import Profile, load_profile

router = APIRouter(prefix="/v1/signing", tags=["Ký số"], dependencies=[require(Scope.SIGN)])

ProfileName = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9_\-]{0,40}$",
                                   description="Hồ sơ ký trên máy chủ (official, seal, copy…)")]


class SignRequest(BaseModel):
    profile: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,40}$")
    documents: list[Annotated[str, Field(pattern=r"^[a-z2-7]{24}$")]] = Field(
        min_length=1, max_length=500)


@dataclass
class SigningJob:
    id: str
    profile: str
    documents: list[str]
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


def profile_named(svc: Services, name: str) -> Profile:
    """A signer profile configured on the server; 404 for a name that is not."""
    try:
        return load_profile(svc.settings, name)
    except ConfigError as exc:
        raise ApiError(404, "khong-co-ho-so-ky", exc.message) from exc


class SigningJobs:
    def __init__(self) -> None:
        self.jobs: dict[str, SigningJob] = {}
        self.lock = threading.Lock()

    def start(self, svc: Services, profile: str, documents: list[str]) -> SigningJob:
        loaded = profile_named(svc, profile)  # a bad name fails the request now
        job = SigningJob(secrets.token_hex(8), profile, list(dict.fromkeys(documents)))
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
                report = sign_batch(settings, svc.store, loaded, job.documents,
                                    progress=progress)
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


@router.get("/profiles", summary="Các hồ sơ ký trên máy chủ")
def profiles(request: Request) -> dict[str, Any]:
    svc = services(request)
    folder = svc.settings.sign.profiles_path(svc.settings.home)
    names = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
    out = []
    for name in names:
        try:
            prof = load_profile(svc.settings, name)
        except SohoaError:
            continue
        out.append({"name": name, "role": str(prof.role)})
    return {"items": out}


@router.get("/queue", summary="Tài liệu đang chờ ký theo hồ sơ ký")
def queue(request: Request, profile: ProfileName,
          limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
          cursor: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    svc = services(request)
    ids = pending(svc.store, profile_named(svc, profile))
    chunk, nxt = page(ids, limit, cursor)
    items = []
    for doc_id in chunk:
        record = svc.store.get_record(doc_id)
        items.append({"id": record.id, "doc_type": record.doc_type,
                      "filename": record.source.filename, "pages": len(record.pages),
                      "created_at": record.created_at, "status": record.status.value,
                      "fields": {k: {"value": v.get("value"), "valid": v.get("valid"),
                                     "confidence": v.get("confidence")}
                                 for k, v in record.fields.items() if isinstance(v, dict)}})
    return envelope(items, nxt, len(ids))


@router.post("/jobs", summary="Ký một lô tài liệu", status_code=202)
def create_job(body: SignRequest, request: Request) -> dict[str, Any]:
    jobs: SigningJobs = request.app.state.signing
    return jobs.start(services(request), body.profile, body.documents).to_dict()


@router.get("/jobs/{job_id}", summary="Tiến độ một lô ký")
def get_job(job_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")],
            request: Request) -> dict[str, Any]:
    jobs: SigningJobs = request.app.state.signing
    with jobs.lock:
        job = jobs.jobs.get(job_id)
        if job is None:
            raise ApiError(404, "khong-tim-thay", "Không tìm thấy lô ký này.")
        return job.to_dict()
