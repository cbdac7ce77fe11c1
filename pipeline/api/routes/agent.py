"""Signing with the official's own token at their desk (``sohoa agent``, two-phase signing).

The page (the logged-in official): get a pairing code for their agent, list or revoke their
agents, ask for a batch with one of their profiles whose key is on their token (``activation
= "agent"``), follow it, withdraw it. The agent (its token): pair with the code, list what
waits for its official, fetch a prepared PDF to check it, send the signature values back or
the official's refusal. The PIN never leaves the official's computer; the key never leaves
the token.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from pipeline.api.agents import Agent, current_agent, leaf_certificates, pairing_code, registry
from pipeline.api.auth import person
from pipeline.api.deps import services
from pipeline.api.errors import ApiError
from pipeline.api.identity import Actor, StaffRole
from pipeline.api.routes.signing import profile_named
from pipeline.errors import InputError
from pipeline.sign import twophase
from pipeline.sign.profiles import Activation
from pipeline.sign.twophase.signer import certificate_sha256, profile_certificates

router = APIRouter(prefix="/v1/agent", tags=["Ký bằng token của người ký (agent)"])

Person = Annotated[Actor, Depends(person)]
Caller = Annotated[Agent, Depends(current_agent)]
BatchId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
DocId = Annotated[str, PathParam(pattern=r"^[a-z2-7]{24}$")]


class BatchRequest(BaseModel):
    profile: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,40}$",
                         description="Hồ sơ ký cá nhân của người đăng nhập, activation = agent")
    documents: list[Annotated[str, Field(pattern=r"^[a-z2-7]{24}$")]] = Field(
        min_length=1, max_length=twophase.MAX_DOCUMENTS)


class PairRequest(BaseModel):
    name: str = Field(min_length=1, max_length=128, description="Tên máy tính của người ký")
    certificates: list[Annotated[str, Field(max_length=20_000)]] = Field(
        min_length=1, max_length=20, description="Chứng thư trên token (DER, base64)")
    can_pss: bool = Field(description="Token ký được RSASSA-PSS")


class SignatureValue(BaseModel):
    document: str = Field(pattern=r"^[a-z2-7]{24}$")
    signature: str = Field(max_length=2048, description="Giá trị chữ ký (base64)")


class SignaturesRequest(BaseModel):
    signatures: list[SignatureValue] = Field(min_length=1,
                                             max_length=twophase.MAX_DOCUMENTS)


class Refusal(BaseModel):
    reason: str = Field(default="", max_length=500)


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


def _official(person: Actor) -> Actor:
    if not person.has(StaffRole.OFFICIAL):
        raise ApiError(403, "khong-du-quyen", "Chỉ lãnh đạo ký số mới ký bằng token của mình.")
    return person


def _own_batch(request: Request, batch_id: str, official: str) -> twophase.Batch:
    """The batch if it is ``official``'s (any other answers as not found)."""
    batch = twophase.batches_of(services(request).store).get(batch_id)
    if batch.official != official:
        raise ApiError(404, "khong-tim-thay", "Không tìm thấy lô ký này.")
    if batch.unfinished:  # a server stopped while finishing it: finish now
        svc = services(request)
        batch = twophase.finish_received(svc.settings, svc.store, batch)
    return batch


# -- the page ------------------------------------------------------------------------------
@router.post("/pairings", status_code=201, summary="Lấy mã ghép nối agent (dùng một lần)")
def new_pairing(person: Person, request: Request) -> dict[str, Any]:
    code, expires = registry(request).new_pairing(_official(person))
    twophase.audit_event(services(request).store, "pairing-code", {
        "who": person.to_audit(), "expires_at": expires.isoformat(),
        "request_id": _request_id(request)})
    return {"code": code, "expires_at": expires.isoformat(), "official": person.id}


@router.get("/agents", summary="Các agent đã ghép nối của người đăng nhập")
def my_agents(person: Person, request: Request) -> dict[str, Any]:
    return {"items": [a.to_dict() for a in registry(request).of(person.id)]}


@router.delete("/agents/{agent_id}", summary="Thu hồi một agent")
def revoke_agent(agent_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{12}$")],
                 person: Person, request: Request) -> dict[str, Any]:
    if not registry(request).revoke(person.id, agent_id):
        raise ApiError(404, "khong-tim-thay", "Không tìm thấy agent này.")
    twophase.audit_event(services(request).store, "agent-revoked", {
        "who": person.to_audit(), "agent": agent_id, "request_id": _request_id(request)})
    return {"id": agent_id, "revoked": True}


@router.post("/batches", status_code=201, summary="Tạo lô ký chờ agent của người ký")
def create_batch(body: BatchRequest, person: Person, request: Request) -> dict[str, Any]:
    official = _official(person)
    svc = services(request)
    profile = profile_named(svc, body.profile)
    if profile.activation is not Activation.AGENT or profile.owner != official.id:
        raise ApiError(403, "khong-du-quyen", f"Hồ sơ ký '{profile.name}' không phải hồ sơ ký "
                       "bằng token của ông/bà.")
    wanted = certificate_sha256(profile_certificates(profile)[0])
    holders = [a for a in registry(request).of(official.id)
               if not a.revoked and a.holds(wanted)]
    if not holders:
        raise ApiError(409, "chua-co-agent", "Chưa có agent nào giữ chứng thư của hồ sơ ký này: "
                       "hãy cắm token và ghép nối agent (sohoa agent pair) trước.")
    batch, refused = twophase.create_batch(
        svc.settings, svc.store, profile, body.documents, official=official.id,
        requested_by=official.to_audit(), can_pss=all(a.can_pss for a in holders),
        request_id=_request_id(request))
    return {**batch.to_dict(), "refused": [r.to_dict() for r in refused]}


@router.get("/batches", summary="Các lô ký qua agent gần đây của người đăng nhập")
def my_batches(person: Person, request: Request) -> dict[str, Any]:
    found = twophase.batches_of(services(request).store).of_official(person.id)
    return {"items": [b.to_dict() for b in found]}


@router.get("/batches/{batch_id}", summary="Tiến độ một lô ký qua agent")
def get_batch(batch_id: BatchId, person: Person, request: Request) -> dict[str, Any]:
    return _own_batch(request, batch_id, person.id).to_dict()


@router.delete("/batches/{batch_id}", summary="Hủy một lô chưa ký")
def cancel_batch(batch_id: BatchId, person: Person, request: Request) -> dict[str, Any]:
    _own_batch(request, batch_id, person.id)
    return twophase.cancel(services(request).store, batch_id, who=person.to_audit(),
                           request_id=_request_id(request)).to_dict()


# -- the agent -----------------------------------------------------------------------------
@router.post("/pair", status_code=201, summary="Agent ghép nối bằng mã một lần")
def pair(body: PairRequest, code: Annotated[str, Depends(pairing_code)],
         request: Request) -> dict[str, Any]:
    certificates = leaf_certificates(body.certificates)
    agent, token = registry(request).pair(code, body.name, certificates, body.can_pss)
    twophase.audit_event(services(request).store, "agent-paired", {
        "who": agent.actor.to_audit(), "agent": agent.id, "name": agent.name,
        "certificates": list(certificates), "request_id": _request_id(request)})
    return {"agent": agent.to_dict(), "token": token,
            "official": {"id": agent.username, "name": agent.actor.name}}


@router.get("/pending", summary="Các lô đang chờ agent này ký")
def pending(agent: Caller, request: Request) -> dict[str, Any]:
    svc = services(request)
    found = twophase.waiting_for(svc.store, agent.username,
                                 [c["sha256"] for c in agent.certificates])
    ready = []
    for batch in found:
        if batch.unfinished:
            batch = twophase.finish_received(svc.settings, svc.store, batch)
        if any(i.state is twophase.ItemState.WAITING for i in batch.items):
            ready.append(batch.to_dict(for_agent=True))
    return {"agent": agent.to_dict(), "items": ready}


def _agents_batch(request: Request, batch_id: str, agent: Agent) -> twophase.Batch:
    batch = twophase.batches_of(services(request).store).get(batch_id)
    if batch.official != agent.username or not agent.holds(batch.certificate_sha256):
        raise ApiError(404, "khong-tim-thay", "Không tìm thấy lô ký này.")
    return batch


@router.get("/pending/{batch_id}/documents/{doc_id}/prepared", response_class=Response,
            summary="Bản PDF đã chuẩn bị (để agent kiểm tra trước khi ký)")
def prepared(batch_id: BatchId, doc_id: DocId, agent: Caller, request: Request) -> Response:
    item = _agents_batch(request, batch_id, agent).item(doc_id)
    data = services(request).store.read(item.prepared)
    return Response(data, media_type="application/pdf",
                    headers={"ETag": f'"{item.prepared.sha256}"', "Cache-Control": "no-store"})


@router.post("/pending/{batch_id}/signatures", summary="Gửi giá trị chữ ký từ token")
def signatures(batch_id: BatchId, body: SignaturesRequest, agent: Caller,
               request: Request) -> dict[str, Any]:
    _agents_batch(request, batch_id, agent)
    values: dict[str, bytes] = {}
    for entry in body.signatures:
        try:
            values[entry.document] = base64.b64decode(entry.signature, validate=True)
        except (ValueError, binascii.Error):
            raise InputError(f"Giá trị chữ ký của tài liệu {entry.document} không phải "
                             "base64.") from None
    svc = services(request)
    batch = twophase.submit(svc.settings, svc.store, batch_id, values, agent_id=agent.id,
                            who=agent.actor.to_audit(), request_id=_request_id(request))
    return batch.to_dict()


@router.post("/pending/{batch_id}/refusal", summary="Người ký từ chối lô (không ký gì)")
def refusal(batch_id: BatchId, body: Refusal, agent: Caller,
            request: Request) -> dict[str, Any]:
    _agents_batch(request, batch_id, agent)
    return twophase.refuse(services(request).store, batch_id, agent_id=agent.id,
                           reason=body.reason, who=agent.actor.to_audit(),
                           request_id=_request_id(request)).to_dict()
