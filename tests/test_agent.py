"""Two-phase signing with the official's own token (issue 14, activation 1), end to end: the
real app under uvicorn on 127.0.0.1, the dev PKI (TSA, OCSP), SoftHSM2 as the USB token seen
through OpenSC's PKCS#11 spy, and ``sohoa agent`` as a separate process answering on stdin.

The official is injected with FastAPI's ``dependency_overrides`` on ``current_person`` (the
accounts work provides the real sessions); nothing in product code trusts a test header.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asn1crypto import algos
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pipeline.api.app import create_app
from pipeline.api.auth import person as current_person
from pipeline.api.identity import Actor, ActorKind, StaffRole
from pipeline.models import Variant
from pipeline.sign import pdfsig
from pipeline.sign.context import trust_roots
from pipeline.sign.verify import verify_pdf
from tests.agent_env import Served, serve, write_agent_profile
from tests.sign_env import SignEnv, sign_env
from tests.softhsm import Token, make_token, module_path

ROOT = Path(__file__).resolve().parents[1]
SPY = Path("/usr/lib/x86_64-linux-gnu/pkcs11-spy.so")
OFFICIAL = Actor(kind=ActorKind.PERSON, id="an.nv", name="Nguyễn Văn An",
                 roles=frozenset({StaffRole.OFFICIAL}), via="session:s-an",
                 auth="password+totp")
OTHER = Actor(kind=ActorKind.PERSON, id="binh.tt", name="Trần Thị Bình",
              roles=frozenset({StaffRole.OFFICIAL}), via="session:s-binh",
              auth="password+totp")
REVIEWER = Actor(kind=ActorKind.PERSON, id="cuong.lv", name="Lê Văn Cường",
                 roles=frozenset({StaffRole.REVIEWER}), via="session:s-cuong",
                 auth="password+totp")
#: PKCS#11 attributes that would mean a private key left the token.
KEY_MATERIAL = ("CKA_PRIVATE_EXPONENT", "CKA_PRIME_1", "CKA_PRIME_2", "CKA_EXPONENT_1",
                "CKA_EXPONENT_2", "CKA_COEFFICIENT")
ALLOWED_CALLS = {"C_GetFunctionList", "C_Initialize", "C_GetInfo", "C_GetSlotList",
                 "C_GetSlotInfo", "C_GetTokenInfo", "C_GetMechanismList", "C_GetMechanismInfo",
                 "C_OpenSession", "C_Login", "C_FindObjectsInit", "C_FindObjects",
                 "C_FindObjectsFinal", "C_GetAttributeValue", "C_SignInit", "C_Sign",
                 "C_Logout", "C_CloseSession", "C_Finalize"}


@dataclass
class World:
    env: SignEnv
    token: Token
    served: Served
    root: Path
    person: list[Actor] = field(default_factory=lambda: [OFFICIAL])
    runs: int = 0

    config: Path = field(init=False)

    def __post_init__(self) -> None:
        self.config = self.root / "agent.json"

    def as_person(self, actor: Actor) -> httpx.Client:
        self.person[0] = actor
        return self.served.http

    def agent(self, *args: str, stdin: str = "", token: Token | None = None,
              config: Path | None = None) -> tuple[subprocess.CompletedProcess[str], str]:
        """``sohoa agent`` in its own session (no terminal: PIN and answers come from stdin),
        the token reached through the PKCS#11 spy; the spy's log of this run."""
        self.runs += 1
        log = self.root / f"spy-{self.runs}.log"
        token = token or self.token
        environ = {**os.environ, "PKCS11SPY": str(token.module),
                   "PKCS11SPY_OUTPUT": str(log), "SOFTHSM2_CONF": str(token.config),
                   "SOHOA_AGENT_CONFIG": str(config or self.config),
                   "SOHOA_HOME": str(self.root / "pc")}
        done = subprocess.run([sys.executable, "-m", "pipeline", "agent", *args], input=stdin,
                              capture_output=True, text=True, timeout=300, env=environ,
                              cwd=ROOT, start_new_session=True)
        return done, log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def batch(self, ids: list[str], profile: str = "an",
              person: Actor = OFFICIAL) -> dict[str, Any]:
        response = self.as_person(person).post(
            "/v1/agent/batches", json={"profile": profile, "documents": ids})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        body["request_id"] = response.headers["x-request-id"]
        return body


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if module_path() is None or not SPY.exists():
        pytest.fail("softhsm2 and OpenSC's pkcs11-spy are needed: `make test` installs them "
                    "(apt-get install softhsm2 opensc-pkcs11)", pytrace=False)
    root = tmp_path_factory.mktemp("agent")
    with sign_env(root) as env:
        pki = env.pki
        token = make_token(root / "hsm", "token-an", pki.official.key,
                           [pki.official.cert, pki.issuing_cert, pki.root_cert], "an")
        write_agent_profile(env, "an", owner=OFFICIAL.id, level="B-LT", identity=pki.official)
        write_agent_profile(env, "an-lta", owner=OFFICIAL.id, level="B-LTA",
                            identity=pki.official)
        write_agent_profile(env, "binh", owner=OTHER.id, level="B-T",
                            identity=pki.official_revoked)
        write_agent_profile(env, "binh-ec", owner=OTHER.id, level="B-T",
                            identity=pki.official_ec)
        holder: list[Actor] = [OFFICIAL]
        app = create_app(env.settings, env.store)
        app.dependency_overrides[current_person] = lambda: holder[0]
        with serve(app) as served:
            made = World(env, token, served, root, holder)
            code = made.as_person(OFFICIAL).post("/v1/agent/pairings").json()["code"]
            done, _ = made.agent("pair", code, "--server", served.url, "--module", str(SPY),
                                 "--token", token.label, "--name", "may-an")
            assert done.returncode == 0, done.stderr
            yield made


def _signature(env: SignEnv, doc_id: str) -> bytes:
    record = env.store.get_record(doc_id)
    return env.store.read(env.store.artifact(record, Variant.SIGNED))


def _calls(log: str) -> list[str]:
    return re.findall(r"^\d+: (C_\w+)", log, flags=re.M)


def test_the_official_signs_a_batch_with_their_token_at_their_desk(world: World,
                                                                   tmp_path: Path) -> None:
    env = world.env
    ids = env.ingest_results(tmp_path / "in", 3, seed=1401)
    shown = {d: env.store.get_record(d).artifacts[Variant.SEARCHABLE.value].sha256 for d in ids}
    batch = world.batch(ids)
    assert batch["state"] == "waiting" and batch["total"] == 3 and not batch["refused"]
    assert {i["version"]["sha256"] for i in batch["items"]} == set(shown.values())
    assert not list(env.store.objects.list("documents/" + ids[0] + "/signed/"))

    done, log = world.agent("--once", stdin=f"y\n{world.token.pin}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    for doc_id in ids:  # the list the official confirmed: IDs, titles, version hashes
        assert doc_id in done.stdout and shown[doc_id] in done.stdout
    assert "Quyết định số" in done.stdout and "(loại: quyet_dinh)" in done.stdout
    assert done.stdout.count(": đã ký") == 3

    state = world.as_person(OFFICIAL).get(f"/v1/agent/batches/{batch['id']}").json()
    assert state["state"] == "done" and state["counts"] == {"signed": 3}, state
    agent_id = json.loads(world.config.read_text())["agent_id"]
    roots = trust_roots(env.settings)
    for doc_id in ids:
        data = _signature(env, doc_id)
        report = verify_pdf(data, roots)
        assert report.ok and report.signatures[0].level == "B-LT", report.to_dict()
        assert report.signatures[0].signer == env.pki.official_name
        record = env.store.get_record(doc_id)
        assert [(s.profile, s.role) for s in record.signatures] == [("an", "official")]
        if pdfsig.available():
            target = tmp_path / f"{doc_id}.pdf"
            target.write_bytes(data)
            verdicts = pdfsig.pdfsig(target, [env.pki.root_cert])
            assert verdicts and all(v.valid_and_trusted for v in verdicts
                                    if not v.document_timestamp), verdicts
        cli = subprocess.run([sys.executable, "-m", "pipeline", "verify", doc_id, "--json"],
                             capture_output=True, text=True, timeout=300, cwd=ROOT,
                             env={**os.environ, "SOHOA_HOME": str(env.settings.home)})
        assert cli.returncode == 0 and json.loads(cli.stdout)["ok"], cli.stdout + cli.stderr
        (entry,) = list(env.store.audit_entries(f"signatures/{doc_id}/"))
        audit: dict[str, Any] = dict(entry)
        assert audit["who"]["id"] == OFFICIAL.id and audit["who"]["name"] == OFFICIAL.name
        assert audit["who"]["via"] == f"agent:{agent_id}" and audit["agent"] == agent_id
        assert audit["activation"] == "agent" and audit["shown_sha256"] == shown[doc_id]
        assert audit["batch_request_id"] == batch["request_id"] and audit["request_id"]
        assert audit["requested_by"]["via"] == OFFICIAL.via
    assert not list(env.store.objects.list(f"pending/{batch['id']}/"))

    # The key never left the token: it only signed (once per document), nothing else.
    calls = _calls(log)
    assert set(calls) <= ALLOWED_CALLS, set(calls) - ALLOWED_CALLS
    assert calls.count("C_SignInit") == 3 and "C_Login" in calls
    assert not [a for a in KEY_MATERIAL if a in log]
    # ... nor did the PIN reach the server, in any request.
    assert world.token.pin.encode() not in b"".join(world.served.bodies)


def test_a_refused_confirmation_signs_nothing_and_never_opens_the_key(world: World,
                                                                      tmp_path: Path) -> None:
    env = world.env
    ids = env.ingest_results(tmp_path / "in", 2, seed=1402)
    batch = world.batch(ids)
    unanswered, _ = world.agent("--once", stdin="")  # nobody at the desk: it keeps waiting
    assert unanswered.returncode == 1 and "vẫn chờ ký" in unanswered.stdout
    waiting = world.as_person(OFFICIAL).get(f"/v1/agent/batches/{batch['id']}").json()
    assert waiting["state"] == "waiting"
    done, log = world.agent("--once", stdin="n\n")
    assert done.returncode == 1 and "không tài liệu nào được ký" in done.stdout
    assert "C_Login" not in _calls(log) and "C_SignInit" not in _calls(log)
    state = world.as_person(OFFICIAL).get(f"/v1/agent/batches/{batch['id']}").json()
    assert state["state"] == "refused" and state["agent"]
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        assert not record.signatures and Variant.SIGNED.value not in record.artifacts
    assert not list(env.store.objects.list(f"pending/{batch['id']}/"))
    events: list[dict[str, Any]] = [dict(e) for e in env.store.audit_entries("agents/")]
    (refusal,) = [e for e in events if e.get("batch") == batch["id"]]
    assert refusal["what"] == "batch-refused" and refusal["who"]["id"] == OFFICIAL.id
    assert str(refusal["who"]["via"]).startswith("agent:") and refusal["request_id"]
    assert any(e["what"] == "agent-paired" and e["who"]["id"] == OFFICIAL.id for e in events)
    again, _ = world.agent("--once", stdin="")  # nothing waits any more
    assert again.returncode == 0 and "Không có lô nào" in again.stdout


def _agent_http(world: World) -> httpx.Client:
    token = json.loads(world.config.read_text())["token"]
    return httpx.Client(base_url=world.served.url, timeout=300,
                        headers={"Authorization": f"Bearer {token}"})


def _software_signature(key_file: Path, item: dict[str, Any]) -> bytes:
    from pyhanko_certvalidator.util import process_pss_params

    key = serialization.load_pem_private_key(key_file.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    mechanism = algos.SignedDigestAlgorithm.load(base64.b64decode(item["mechanism"]))
    pad, digest = process_pss_params(mechanism["parameters"])
    return key.sign(base64.b64decode(item["signed_attributes"]), pad, digest)


def test_a_signature_from_another_key_is_refused_and_nothing_is_stored(world: World,
                                                                       tmp_path: Path) -> None:
    env = world.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1403)
    batch = world.batch([doc_id])
    with _agent_http(world) as agent:
        (waiting,) = [b for b in agent.get("/v1/agent/pending").json()["items"]
                      if b["id"] == batch["id"]]
        item = waiting["items"][0]
        for key_file in (env.pki.seal.key, env.pki.official_revoked.key):
            wrong = _software_signature(key_file, item)
            response = agent.post(f"/v1/agent/pending/{batch['id']}/signatures", json={
                "signatures": [{"document": doc_id,
                                "signature": base64.b64encode(wrong).decode()}]})
            assert response.status_code == 422, response.text
            assert "không khớp với chứng thư" in response.json()["error"]["message"]
        record = env.store.get_record(doc_id)
        assert not record.signatures and not list(
            env.store.objects.list(f"documents/{doc_id}/signed/"))
        again = world.as_person(OFFICIAL).get(f"/v1/agent/batches/{batch['id']}").json()
        assert again["state"] == "waiting" and again["counts"] == {"waiting": 1}
        # The right token still can: the refused value left the batch as it was.
        done, _ = world.agent("--once", stdin=f"y\n{world.token.pin}\n")
        assert done.returncode == 0, done.stdout + done.stderr
    assert [s.profile for s in env.store.get_record(doc_id).signatures] == ["an"]


def test_a_batch_outlives_a_server_restart_and_a_cut_finishing(world: World,
                                                              tmp_path: Path) -> None:
    """Prepared by one server process, signed by the token against another; a signature
    value kept just before a crash is finished when the batch is next looked at."""
    from pipeline.sign.twophase import batches_of

    env = world.env
    first, second = env.ingest_results(tmp_path / "in", 2, seed=1404)
    batch = world.batch([first])
    app = create_app(env.settings)  # a fresh process's app: its own store and index handles
    app.dependency_overrides[current_person] = lambda: OFFICIAL
    with serve(app) as other:
        moved = world.root / "agent-moved.json"
        moved.write_text(json.dumps({**json.loads(world.config.read_text()),
                                     "server": other.url}))
        done, _ = world.agent("--once", stdin=f"y\n{world.token.pin}\n", config=moved)
        assert done.returncode == 0, done.stdout + done.stderr
        assert other.http.get(f"/v1/agent/batches/{batch['id']}").json()["state"] == "done"

    cut = world.batch([second])
    with _agent_http(world) as agent:
        (waiting,) = [b for b in agent.get("/v1/agent/pending").json()["items"]
                      if b["id"] == cut["id"]]
    value = _software_signature(env.pki.official.key, waiting["items"][0])
    batches_of(env.store).receive(cut["id"], {second: value}, {
        "who": OFFICIAL.to_audit(), "activation": "agent", "request_id": "cut"})
    assert not env.store.get_record(second).signatures  # kept, not yet embedded
    state = world.as_person(OFFICIAL).get(f"/v1/agent/batches/{cut['id']}").json()
    assert state["state"] == "done", state
    assert verify_pdf(_signature(env, second), trust_roots(env.settings)).ok


def test_only_the_owner_asks_and_only_their_agent_sees(world: World, tmp_path: Path) -> None:
    env = world.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1405)
    refused = world.as_person(OTHER).post(
        "/v1/agent/batches", json={"profile": "an", "documents": [doc_id]})
    assert refused.status_code == 403, refused.text
    reviewer = world.as_person(REVIEWER).post(
        "/v1/agent/batches", json={"profile": "an", "documents": [doc_id]})
    assert reviewer.status_code == 403
    assert world.as_person(REVIEWER).post("/v1/agent/pairings").status_code == 403
    no_agent = world.as_person(OTHER).post(
        "/v1/agent/batches", json={"profile": "binh", "documents": [doc_id]})
    assert no_agent.status_code == 409 and no_agent.json()["error"]["code"] == "chua-co-agent"
    batch = world.batch([doc_id])
    assert world.as_person(OTHER).get(f"/v1/agent/batches/{batch['id']}").status_code == 404
    twice = world.as_person(OFFICIAL).post(
        "/v1/agent/batches", json={"profile": "an", "documents": [doc_id]})
    assert twice.status_code == 422 and "lô khác" in twice.json()["error"]["message"]
    cancelled = world.as_person(OFFICIAL).delete(f"/v1/agent/batches/{batch['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    with _agent_http(world) as agent:
        assert all(b["id"] != batch["id"]
                   for b in agent.get("/v1/agent/pending").json()["items"])
        base = f"/v1/agent/pending/{batch['id']}"
        assert agent.post(f"{base}/refusal", json={}).status_code == 422
    assert not env.store.get_record(doc_id).signatures


def test_pairing_codes_are_single_use_and_tokens_are_kept_hashed(world: World) -> None:
    code = world.as_person(OFFICIAL).post("/v1/agent/pairings").json()["code"]
    cert = base64.b64encode(world.env.pki.official.cert.read_bytes()).decode()
    pem_body = "".join(line for line in world.env.pki.official.cert.read_text().splitlines()
                       if "-----" not in line)
    body = {"name": "may-2", "certificates": [pem_body], "can_pss": True}
    bad = httpx.post(world.served.url + "/v1/agent/pair", json={**body, "certificates": [cert]},
                     headers={"Authorization": f"Bearer {code}"})
    assert bad.status_code == 422  # PEM file bytes are not DER: the code is not spent
    first = httpx.post(world.served.url + "/v1/agent/pair", json=body,
                       headers={"Authorization": f"Bearer {code}"})
    assert first.status_code == 201, first.text
    token = first.json()["token"]
    again = httpx.post(world.served.url + "/v1/agent/pair", json=body,
                       headers={"Authorization": f"Bearer {code}"})
    assert again.status_code == 401
    index = world.env.settings.home / "index.sqlite3"
    raw = b"".join(p.read_bytes() for p in index.parent.glob("index.sqlite3*"))
    assert token.split("_")[-1].encode() not in raw and code.replace("-", "").encode() not in raw
    agent_id = first.json()["agent"]["id"]
    listed = world.as_person(OFFICIAL).get("/v1/agent/agents").json()["items"]
    assert agent_id in {a["id"] for a in listed}
    assert world.as_person(OTHER).delete(f"/v1/agent/agents/{agent_id}").status_code == 404
    assert world.as_person(OFFICIAL).delete(f"/v1/agent/agents/{agent_id}").status_code == 200
    revoked = httpx.get(world.served.url + "/v1/agent/pending",
                        headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


def test_the_agent_signs_only_the_version_it_shows(world: World, tmp_path: Path) -> None:
    """What a lying server could send the agent, refused before the token is touched."""
    import hashlib

    from pipeline.agent.check import check_prepared
    from pipeline.errors import AgentError

    ids = world.env.ingest_results(tmp_path / "in", 2, seed=1406)
    batch = world.batch(ids)
    with _agent_http(world) as agent:
        (waiting,) = [b for b in agent.get("/v1/agent/pending").json()["items"]
                      if b["id"] == batch["id"]]
        first, second = waiting["items"]
        base = f"/v1/agent/pending/{batch['id']}/documents"
        data = {i["document"]: agent.get(f"{base}/{i['document']}/prepared").content
                for i in (first, second)}
    check_prepared(first, data[first["document"]])  # as prepared: fine

    def claimed(item: dict[str, Any], prepared: bytes) -> dict[str, Any]:
        return {**item, "prepared": {"sha256": hashlib.sha256(prepared).hexdigest(),
                                     "size": len(prepared)}}

    other = data[second["document"]]
    with pytest.raises(AgentError, match="không phải phiên bản đã xem"):
        check_prepared(claimed(first, other), other)
    with pytest.raises(AgentError, match="không khớp"):
        check_prepared({**first, "signed_attributes": second["signed_attributes"]},
                       data[first["document"]])
    edited = bytearray(data[first["document"]])
    edited[first["version"]["size"] + 5] ^= 0x20  # within the update, inside the range
    with pytest.raises(AgentError, match="không khớp"):
        check_prepared(claimed(first, bytes(edited)), bytes(edited))
    assert world.as_person(OFFICIAL).delete(f"/v1/agent/batches/{batch['id']}").is_success


def test_b_lta_and_an_ecdsa_token_through_the_agent(world: World, tmp_path: Path) -> None:
    env = world.env
    (rsa_doc,) = env.ingest_results(tmp_path / "in", 1, seed=1407)
    world.batch([rsa_doc], profile="an-lta")
    done, _ = world.agent("--once", stdin=f"y\n{world.token.pin}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    report = verify_pdf(_signature(env, rsa_doc), trust_roots(env.settings))
    assert report.ok and report.lowest_level == "B-LTA", report.to_dict()
    assert report.signatures[-1].kind == "timestamp"

    pki = env.pki
    ec_token = make_token(tmp_path / "hsm-ec", "token-binh", pki.official_ec.key,
                          [pki.official_ec.cert, pki.issuing_cert, pki.root_cert], "binh")
    config = tmp_path / "agent-binh.json"
    code = world.as_person(OTHER).post("/v1/agent/pairings").json()["code"]
    paired, _ = world.agent("pair", code, "--server", world.served.url, "--module", str(SPY),
                            "--token", ec_token.label, token=ec_token, config=config)
    assert paired.returncode == 0, paired.stderr
    (ec_doc,) = env.ingest_results(tmp_path / "in-ec", 1, seed=1408)
    batch = world.batch([ec_doc], profile="binh-ec", person=OTHER)
    done, log = world.agent("--once", stdin=f"y\n{ec_token.pin}\n", token=ec_token,
                            config=config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _calls(log).count("C_SignInit") == 1
    report = verify_pdf(_signature(env, ec_doc), trust_roots(env.settings))
    assert report.ok and "ecdsa" in report.signatures[0].algorithm.lower(), report.to_dict()
    (entry,) = list(env.store.audit_entries(f"signatures/{ec_doc}/"))
    audit: dict[str, Any] = dict(entry)
    assert audit["batch"] == batch["id"]
    assert audit["who"] == {**OTHER.to_audit(), "via": audit["who"]["via"],
                            "auth": "agent-token"}


def test_the_server_never_signs_with_an_agent_profile_itself(world: World,
                                                             tmp_path: Path) -> None:
    """Neither ``sohoa sign batch`` nor a system key's signing job can use a profile whose
    key is on the official's token: the server has nothing to unlock."""

    from pipeline.api.keys import ApiKeys, Scope
    from pipeline.errors import SigningError
    from pipeline.sign.authority import at_terminal
    from pipeline.sign.batch import sign_batch
    from pipeline.sign.profiles import load_profile

    env = world.env
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=1409)
    profile = load_profile(env.settings, "an")
    with pytest.raises(SigningError, match="token của người ký"):
        sign_batch(env.settings, env.store, profile, [doc_id], mandate=at_terminal(profile))
    assert env.store.index is not None
    _, key = ApiKeys(env.store.index).create("hệ thống khác", frozenset(Scope))
    headers = {"Authorization": f"Bearer {key}"}
    refused = world.served.http.post("/v1/signing/jobs", headers=headers,
                                     json={"profile": "an", "documents": [doc_id]})
    assert refused.status_code == 403, refused.text  # a system never signs as a person
    assert not env.store.get_record(doc_id).signatures


def test_no_input_from_an_agent_makes_a_server_error(world: World) -> None:
    """The agent-facing routes fuzzed from the OpenAPI document with a real agent token (and
    a well-formed but unknown pairing code): refusals, never a server error."""
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    app = create_app(world.env.settings, world.env.store)
    schema: Any = schemathesis.openapi.from_asgi("/openapi.json", app)
    token = json.loads(world.config.read_text())["token"]
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [o for o in operations
                  if o.path == "/v1/agent/pair" or o.path.startswith("/v1/agent/pending")]
    assert len(operations) == 5, [o.path for o in operations]
    failures: list[str] = []
    calls: list[int] = []

    def fuzz(operation: Any, bearer: str) -> None:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=25, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def property_(case: Any) -> None:
            response = case.call(headers={**(case.headers or {}),
                                          "Authorization": f"Bearer {bearer}"})
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} "
                                f"{response.status_code}: {response.text[:200]}")

        property_()

    for operation in operations:
        fuzz(operation, "ABCD-EFGH" if operation.path == "/v1/agent/pair" else token)
    assert failures == [], "\n".join(failures)
    assert len(calls) >= 3 * len(operations) and {200, 404, 422} <= set(calls), calls
