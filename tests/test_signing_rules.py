"""Who may sign with what (issue 14), through the real API on the dev PKI.

Must show: a system key holding every scope gets 403 on every route that can apply a
signature (found from the route table) and no signed version appears; official A cannot use
official B's profile; a reviewer signs nothing; the clerk seals only after the official.
Also: only documents that are done are signed, a changed document is refused, two batches
on one document sign it once, wrong PINs lock a profile, and a key file's own root is never
a trust anchor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from pipeline.api.identity import Actor, ActorKind, StaffRole
from pipeline.api.keys import Scope
from pipeline.api.routes.signing import APPLIES_SIGNATURE
from pipeline.config import ConfigError, SignSettings
from pipeline.errors import Forbidden, SigningError
from pipeline.models import Status
from pipeline.sign.authority import Mandate, at_terminal
from pipeline.sign.batch import Outcome, sign_batch
from pipeline.sign.context import trust_roots
from pipeline.sign.profiles import list_profiles, load_profile, parse_profile
from pipeline.sign.state import Grants, ProfileLocked
from pipeline.sign.verify import verify_pdf
from tests.sign_env import SignEnv, sign_env
from tests.signing_site import SigningSite, run_job, shown, signing_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SigningSite]:
    with sign_env(tmp_path_factory.mktemp("rules")) as env:
        yield signing_site(env)


def _unsigned(env: SignEnv, doc_id: str) -> None:
    """No signature recorded and no signed version stored."""
    assert not env.store.get_record(doc_id).signatures
    assert not list(env.store.objects.list(f"documents/{doc_id}/signed/"))


def _audits(env: SignEnv, doc_id: str) -> list[dict[str, Any]]:
    return [e for e in env.store.audit_entries(f"signatures/{doc_id}/")]


def _signing_routes(site: SigningSite) -> list[tuple[APIRoute, str]]:
    found = []
    for route in site.app.routes:
        routes = [route] if isinstance(route, APIRoute) else (
            route.effective_route_contexts() if hasattr(route, "effective_route_contexts")
            else [])
        for one in routes:
            extra = getattr(one, "openapi_extra", None) or {}
            if extra.get(next(iter(APPLIES_SIGNATURE))):
                found += [(one, m) for m in sorted(one.methods or ())]
    return found


def test_a_system_key_with_every_scope_applies_no_signature(site: SigningSite,
                                                            tmp_path: Path) -> None:
    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1401)
    routes = _signing_routes(site)
    assert ("/v1/signing/jobs", "POST") in {(r.path, m) for r, m in routes}
    system = site.client()
    system.headers["Authorization"] = f"Bearer {site.system_key}"
    assert system.get("/v1/signing/profiles").json() == {"items": []}
    record = env.store.get_record(doc_id)
    current = record.artifacts["searchable"].sha256
    profiles = list_profiles(env.settings)
    assert {p.name for p in profiles} >= {"official", "official-b", "official-pin", "seal",
                                          "copy"}
    for route, method in routes:
        for profile in profiles:
            url = route.path.format_map({k: profile.name if k == "name" else doc_id
                                         for k in route.param_convertors})
            body = {"profile": profile.name, "documents": [doc_id], "pin": "123456",
                    "otp": "123456", "shown": {doc_id: current}}
            answer = system.request(method, url, json=body)
            assert answer.status_code == 403, (route.path, profile.name, answer.text)
            assert answer.json()["error"]["code"] == "khong-du-quyen"
            queue = system.get(f"/v1/signing/queue?profile={profile.name}")
            assert queue.status_code == 403, (profile.name, queue.text)
    assert "Hồ sơ ký cá nhân 'official' chỉ do chính người ký sử dụng" in system.post(
        "/v1/signing/jobs", json={"profile": "official", "documents": [doc_id]}).text
    _unsigned(env, doc_id)
    # The library refuses too, whatever the caller: a system actor never signs a person's.
    robot = Actor(ActorKind.SYSTEM, "x", "máy", scopes=frozenset(Scope))
    for name in ("official", "seal", "copy"):
        with pytest.raises(Forbidden):
            sign_batch(env.settings, env.store, load_profile(env.settings, name), [doc_id],
                       mandate=Mandate(robot))
    _unsigned(env, doc_id)


def test_official_a_cannot_sign_with_official_b_profile(site: SigningSite,
                                                        tmp_path: Path) -> None:
    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1402)
    a = site.client(site.official)
    names = {p["name"] for p in a.get("/v1/signing/profiles").json()["items"]}
    assert names == {"official", "official-pin"}  # hers only: no B's, no seal, no copy
    current = shown(a, "official", [doc_id])
    refused = a.post("/v1/signing/jobs", json={"profile": "official-b", "documents": [doc_id],
                                               "shown": current})
    assert refused.status_code == 403
    assert "hồ sơ cá nhân của người khác" in refused.json()["error"]["message"]
    assert a.get("/v1/signing/queue?profile=official-b").status_code == 403
    for name in ("seal", "copy"):
        assert a.post("/v1/signing/jobs", json={"profile": name, "documents": [doc_id],
                                                "shown": current}).status_code == 403
    b = site.client(site.official_b)
    assert {p["name"] for p in b.get("/v1/signing/profiles").json()["items"]} == {"official-b"}
    assert b.post("/v1/signing/jobs", json={"profile": "official", "documents": [doc_id],
                                            "shown": current}).status_code == 403
    _unsigned(env, doc_id)


def test_a_reviewer_signs_nothing(site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1403)
    reviewer = site.client(site.reviewer)
    assert reviewer.get(f"/v1/documents/{doc_id}").status_code == 200  # may read
    assert reviewer.get("/v1/signing/profiles").status_code == 403
    for name in ("official", "official-b", "seal", "copy"):
        answer = reviewer.post("/v1/signing/jobs", json={"profile": name, "documents": [doc_id],
                                                         "shown": {doc_id: "0" * 64}})
        assert answer.status_code == 403, answer.text
        with pytest.raises(Forbidden):
            sign_batch(env.settings, env.store, load_profile(env.settings, name), [doc_id],
                       mandate=Mandate(_as(site, "kiem-tra", StaffRole.REVIEWER,
                                           StaffRole.SCANNER, StaffRole.ADMIN)))
    _unsigned(env, doc_id)


def _as(site: SigningSite, username: str, *roles: StaffRole) -> Actor:
    return Actor(ActorKind.PERSON, username, username, frozenset(roles), via="session:test",
                 auth="password+totp")


def test_the_clerk_seals_only_after_the_official(site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    ids = env.ingest_results(tmp_path / "in", 2, seed=1404)
    clerk = site.client(site.clerk)
    assert {p["name"] for p in clerk.get("/v1/signing/profiles").json()["items"]} == \
        {"seal", "copy"}
    seal_queue = {i["id"] for i in clerk.get("/v1/signing/queue?profile=seal&limit=200")
                  .json()["items"]}
    assert not seal_queue & set(ids)  # not offered before the official
    early = run_job(clerk, "seal", ids, shown={d: env.store.get_record(d).artifacts[
        "searchable"].sha256 for d in ids})
    assert {i["outcome"] for i in early["items"]} == {"skipped"}
    assert all("chưa có chữ ký của người có thẩm quyền" in i["message"] for i in early["items"])
    for doc_id in ids:
        _unsigned(env, doc_id)

    official = site.client(site.official)
    job = run_job(official, "official", ids, shown=shown(official, "official", ids))
    assert job["state"] == "done" and {i["outcome"] for i in job["items"]} == {"signed"}
    sealed = run_job(clerk, "seal", ids, shown=shown(clerk, "seal", ids))
    assert sealed["state"] == "done" and {i["outcome"] for i in sealed["items"]} == {"signed"}
    roots = trust_roots(env.settings)
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        assert [s.role for s in record.signatures] == ["official", "seal"]
        assert verify_pdf(env.store.read(record.artifacts["signed"]), roots).ok
        audits = sorted(_audits(env, doc_id), key=lambda e: str(e["key"]))
        assert [(a["actor"]["id"], a["actor"]["kind"], a["activation"]) for a in audits] == [
            (site.official.username, "person", "unattended"),
            (site.clerk.username, "person", "unattended")]
        assert all(a["via"].startswith("session:") and a["request"] for a in audits)
        assert audits[1]["shown_sha256"] == audits[1]["signed_from_sha256"] == \
            record.signatures[0].sha256  # the clerk saw the official's version
    # The official again (or anyone in the official's role): already signed, skipped.
    latest = env.store.get_record(ids[0]).artifacts["signed"].sha256
    again = run_job(official, "official", ids[:1], shown={ids[0]: latest})
    assert again["items"][0]["outcome"] == "skipped"


def test_only_done_documents_are_offered_and_a_changed_one_is_refused(
        site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    review, changed = env.ingest_results(tmp_path / "in", 2, seed=1405)
    record = env.store.get_record(review)
    env.store.put_record(dataclasses.replace(record, status=Status.REVIEW))
    official = site.client(site.official)
    offered = shown(official, "official", [review, changed])
    assert review not in offered and changed in offered
    skipped = run_job(official, "official", [review],
                      shown={review: record.artifacts["searchable"].sha256})
    assert skipped["items"][0]["outcome"] == "skipped"
    assert "review" in skipped["items"][0]["message"]
    _unsigned(env, review)

    stale = {changed: "f" * 64}
    refused = official.post("/v1/signing/jobs", json={"profile": "official",
                                                      "documents": [changed], "shown": stale})
    assert refused.status_code == 409 and "đã thay đổi" in refused.text
    missing = official.post("/v1/signing/jobs", json={"profile": "official",
                                                      "documents": [changed]})
    assert missing.status_code == 422 and "đã xem" in missing.text
    # Changed between the request and the signature: the batch refuses it under the lock.
    actor = _as(site, site.official.username, StaffRole.OFFICIAL)
    report = sign_batch(env.settings, env.store, load_profile(env.settings, "official"),
                        [changed], mandate=Mandate(actor, stale))
    assert report.items[0].outcome is Outcome.SKIPPED and "thay đổi" in report.items[0].message
    _unsigned(env, changed)


def test_two_batches_on_one_document_sign_it_once(site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    ids = env.ingest_results(tmp_path / "in", 3, seed=1406)
    profile = load_profile(env.settings, "official")
    start = threading.Barrier(2)
    reports: list[Any] = []

    def batch() -> None:
        start.wait()
        reports.append(sign_batch(env.settings, env.store, profile, ids,
                                  mandate=at_terminal(profile)))

    threads = [threading.Thread(target=batch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert len(reports) == 2
    for doc_id in ids:
        outcomes = sorted(r.items[ids.index(doc_id)].outcome.value for r in reports)
        assert outcomes == ["signed", "skipped"], (doc_id, outcomes)
        record = env.store.get_record(doc_id)
        assert [s.role for s in record.signatures] == ["official"]
        stored = sorted(env.store.objects.list(f"documents/{doc_id}/signed/"))
        assert stored == [s.key for s in record.signatures], "an orphan signed version"
        assert len(_audits(env, doc_id)) == 1


def test_wrong_pins_lock_the_profile_and_the_pin_is_never_stored(
        site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1407)
    settings = dataclasses.replace(env.settings, sign=dataclasses.replace(
        env.settings.sign, pin_attempts=2, pin_lockout_minutes=0.03))
    profile = dataclasses.replace(load_profile(env.settings, "official-pin"), name="pin-lock")
    mandate = at_terminal(profile)
    with pytest.raises(SigningError, match=r"Sai mã PIN.*Còn 1 lần thử"):
        sign_batch(settings, env.store, profile, [doc_id], mandate=mandate,
                   prompt=lambda _: "sai-1")
    with pytest.raises(ProfileLocked, match="bị tạm khóa"):
        sign_batch(settings, env.store, profile, [doc_id], mandate=mandate,
                   prompt=lambda _: "sai-2")
    password = env.pki.password().decode()
    with pytest.raises(ProfileLocked, match="đang tạm khóa"):  # even the right PIN now
        sign_batch(settings, env.store, profile, [doc_id], mandate=mandate,
                   prompt=lambda _: password)
    _unsigned(env, doc_id)
    deadline = dt.datetime.now() + dt.timedelta(seconds=10)
    while True:
        try:
            report = sign_batch(settings, env.store, profile, [doc_id], mandate=mandate,
                                prompt=lambda _: password)
            break
        except ProfileLocked:
            assert dt.datetime.now() < deadline
    assert report.ok and report.items[0].outcome is Outcome.SIGNED
    (audit,) = _audits(env, doc_id)
    assert audit["activation"] == "pin" and audit["actor"]["via"].startswith("terminal:")
    raw = b"".join(p.read_bytes() for p in env.settings.home.glob("index.sqlite3*"))
    assert password.encode() not in raw and b"sai-1" not in raw


def test_pin_over_the_api(site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1408)
    official = site.client(site.official)
    seen = shown(official, "official-pin", [doc_id])
    no_pin = official.post("/v1/signing/jobs", json={"profile": "official-pin",
                                                     "documents": [doc_id], "shown": seen})
    assert no_pin.status_code == 422 and "mã PIN" in no_pin.text
    wrong = run_job(official, "official-pin", [doc_id], shown=seen, pin="khong-dung")
    assert wrong["state"] == "failed" and "Sai mã PIN" in wrong["error"]
    _unsigned(env, doc_id)
    right = run_job(official, "official-pin", [doc_id], shown=seen,
                    pin=env.pki.password().decode())
    assert right["state"] == "done" and right["items"][0]["outcome"] == "signed"
    (audit,) = _audits(env, doc_id)
    assert audit["actor"]["id"] == site.official.username and audit["activation"] == "pin"
    assert "khong-dung" not in str(audit)


def test_a_granted_system_signs_copies_only(site: SigningSite, tmp_path: Path) -> None:
    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1409)
    assert env.store.index is not None
    from pipeline.api.keys import ApiKeys

    client, key = ApiKeys(env.store.index).create("Hệ thống sao y", frozenset({Scope.SIGN}))
    system = site.client()
    system.headers["Authorization"] = f"Bearer {key}"
    body = {"profile": "copy", "documents": [doc_id]}
    assert system.post("/v1/signing/jobs", json=body).status_code == 403
    Grants(env.store.index).grant("copy", client.id)
    assert [p["name"] for p in system.get("/v1/signing/profiles").json()["items"]] == ["copy"]
    job = run_job(system, "copy", [doc_id])
    assert job["state"] == "done" and job["items"][0]["outcome"] == "signed"
    (audit,) = _audits(env, doc_id)
    assert audit["actor"] == {"kind": "system", "id": client.id, "name": "Hệ thống sao y",
                              "roles": [], "via": f"api-key:{client.id}", "auth": "api-key"}
    # A grant never reaches a personal profile or the seal.
    Grants(env.store.index).grant("official", client.id)
    assert system.post("/v1/signing/jobs", json={**body, "profile": "official"}) \
        .status_code == 403


def test_a_key_file_bundling_its_own_root_is_not_trusted(site: SigningSite,
                                                         tmp_path: Path) -> None:
    from tests.rogue_p12 import rogue_p12

    env = site.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1410)
    path = rogue_p12(tmp_path / "tu-cap.p12", b"mat-khau")
    base = load_profile(env.settings, "official")
    profile = parse_profile("rogue", {
        "role": "official", "owner": "an", "dev": True, "activation": "unattended",
        "level": "B-B", "key": {"source": "pkcs12", "path": str(path)},
        "appearance": {"image": str(base.appearance.image)}}, tmp_path)
    with pytest.raises(SigningError, match="không được tin cậy"):
        sign_batch(env.settings, env.store, profile, [doc_id], mandate=at_terminal(profile),
                   prompt=lambda _: "mat-khau")
    _unsigned(env, doc_id)


@pytest.mark.parametrize(("data", "message"), [
    ({"role": "official"}, "cần owner"),
    ({"role": "seal", "owner": "an"}, "chỉ hồ sơ ký cá nhân"),
    ({"role": "official", "owner": "an", "activation": "unattended"}, "chỉ dành cho hồ sơ thử"),
    ({"role": "official", "owner": "an", "key": {"secret_env": "PIN"}},
     "không được mở tự động"),
    ({"role": "copy", "key": {"secret_file": "pin.txt"}}, "không được mở tự động"),
    ({"role": "official", "owner": "an", "activation": "tu-dong"}, "activation"),
])
def test_a_production_profile_cannot_sign_unattended(data: dict[str, Any], message: str,
                                                     tmp_path: Path) -> None:
    full = {"level": "B-B", "appearance": {"image": "x.png"}, **data,
            "key": {"source": "pkcs12", "path": "k.p12", **data.get("key", {})}}
    with pytest.raises(ConfigError, match=message):
        parse_profile("p", full, tmp_path)
    assert parse_profile("p", {**full, "dev": True, "activation": "unattended", "owner": "an",
                               "role": "official"}, tmp_path).dev
    assert SignSettings().pin_attempts >= 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_document_lock_holds_across_connections(backend: str, tmp_path: Path,
                                                    request: pytest.FixtureRequest) -> None:
    import asyncio

    from pipeline.index import Index
    from pipeline.sign.doclock import DocumentLocks

    url = (str(request.getfixturevalue("pg_server")) if backend == "postgresql"
           else f"sqlite:///{tmp_path / 'index.sqlite3'}")
    first, second = DocumentLocks(Index(url)), DocumentLocks(Index(url))

    async def contend() -> None:
        async with first.hold("tai-lieu-1", 1.0):
            with pytest.raises(SigningError, match="lô ký khác"):
                async with second.hold("tai-lieu-1", 0.3):
                    pass
            async with second.hold("tai-lieu-2", 0.0):  # another document is free
                pass
        async with second.hold("tai-lieu-1", 0.0):  # released
            pass

    asyncio.run(contend())
