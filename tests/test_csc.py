"""Remote signing over the CSC API v2 with a one-time code per batch, against a CSC service
started on 127.0.0.1 over the development PKI (tests/csc_server.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.config import ConfigError
from pipeline.errors import SigningError
from pipeline.models import Variant
from pipeline.sign import pdfsig
from pipeline.sign.authority import at_terminal
from pipeline.sign.batch import BatchReport, Outcome, pending, sign_batch
from pipeline.sign.context import trust_roots
from pipeline.sign.csc import WRONG_CODE_MESSAGE, send_code
from pipeline.sign.profiles import KeySource, Profile, load_profile, parse_profile
from pipeline.sign.secrets import ActivationSecret
from pipeline.sign.verify import verify_pdf
from tests.csc_server import MAX_FAILURES, CscServer
from tests.sign_env import SignEnv, sign_env

SECRET_ENV = "SOHOA_TEST_CSC_SECRET"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignEnv]:
    with sign_env(tmp_path_factory.mktemp("csc")) as made:
        yield made


@pytest.fixture(scope="module")
def csc(env: SignEnv) -> Iterator[CscServer]:
    with CscServer(env.pki, multisign=10) as server:
        mp = pytest.MonkeyPatch()
        mp.setenv(SECRET_ENV, server.clients["sohoa-test"])
        for name, credential, otp in (("an-csc", "an-rsa", "sms"), ("an-csc-ec", "an-ec", "app")):
            _write_profile(env, server, name, credential, otp)
        yield server
        mp.undo()


def _write_profile(env: SignEnv, server: CscServer, name: str, credential: str,
                   otp: str) -> None:
    folder = env.settings.sign.profiles_path(env.settings.home)
    (folder / f"{name}.toml").write_text(
        'role = "official"\nowner = "an"\nactivation = "csc"\nlevel = "B-LT"\n\n'
        '[key]\nsource = "csc"\n\n'
        f'[csc]\nurl = "{server.url}"\ncredential_id = "{credential}"\n'
        f'client_id = "sohoa-test"\nclient_secret_env = "{SECRET_ENV}"\notp = "{otp}"\n\n'
        f'[timestamp]\nurl = "{env.pki.tsa_url}"\n\n'
        '[appearance]\nimage = "chu-ky-ca-nhan.png"\n', encoding="utf-8")


def _sign(env: SignEnv, profile: Profile, ids: list[str], code: str) -> BatchReport:
    return sign_batch(env.settings, env.store, profile, ids, mandate=at_terminal(profile),
                      activation=ActivationSecret(code, "csc"))


def _sms_code(env: SignEnv, csc: CscServer, profile: Profile) -> str:
    assert "SMS" in send_code(profile, env.settings.sign)
    assert profile.csc is not None
    return csc.last_code(profile.csc.credential_id)


def _unsigned(env: SignEnv, doc_id: str, profile: Profile) -> None:
    """No signature recorded, no signed version stored, no audit entry."""
    record = env.store.get_record(doc_id)
    assert record.signatures == () and Variant.SIGNED.value not in record.artifacts
    assert env.store.stored(env.store.signed_key(doc_id, 1, profile.field_name)) is None
    assert list(env.store.audit_entries(f"signatures/{doc_id}/")) == []


def test_batch_signed_with_one_time_code(env: SignEnv, csc: CscServer, tmp_path: Path) -> None:
    ids = env.ingest_results(tmp_path / "in", 3, seed=41)
    profile = load_profile(env.settings, "an-csc")
    assert profile.key.source is KeySource.CSC and profile.key.path is None
    assert sorted(ids) == [i for i in pending(env.store, profile) if i in ids]
    code = _sms_code(env, csc, profile)
    calls, signed = csc.calls.copy(), csc.signed
    report = _sign(env, profile, ids, code)
    assert report.ok, [(i.doc_id, i.message) for i in report.items]
    assert [i.outcome for i in report.items] == [Outcome.SIGNED] * 3
    # One authorisation for the batch, one signHash call carrying its three hashes.
    assert csc.calls["credentials/authorize"] - calls["credentials/authorize"] == 1
    assert csc.calls["signatures/signHash"] - calls["signatures/signHash"] == 1
    assert csc.signed - signed == 3
    roots = trust_roots(env.settings)
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        data = env.store.read(env.store.artifact(record, Variant.SIGNED))
        verdict = verify_pdf(data, roots)
        assert verdict.ok, verdict.to_dict()
        assert verdict.signatures[0].signer == env.pki.official_name
        assert verdict.signatures[0].level == "B-LT"
        assert [s.profile for s in record.signatures] == ["an-csc"]
        assert "RSASSA-PSS" in record.signatures[0].algorithm
        (audit,) = env.store.audit_entries(f"signatures/{doc_id}/")
        assert audit["profile"] == "an-csc" and code not in json.dumps(audit)
        if pdfsig.available():
            path = tmp_path / f"{doc_id}.pdf"
            path.write_bytes(data)
            (cades,) = pdfsig.pdfsig(path, [env.pki.root_cert])
            assert cades.valid_and_trusted, cades


def test_wrong_code_signs_nothing(env: SignEnv, csc: CscServer, tmp_path: Path,
                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ids = env.ingest_results(tmp_path / "in", 3, seed=42)
    profile = load_profile(env.settings, "an-csc")
    right = _sms_code(env, csc, profile)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    signed = csc.signed
    report = _sign(env, profile, ids, wrong)
    assert wrong not in caplog.text
    assert not report.ok
    assert [(i.outcome, i.message) for i in report.items] == \
        [(Outcome.FAILED, WRONG_CODE_MESSAGE)] * 3
    assert csc.signed == signed
    for doc_id in ids:
        _unsigned(env, doc_id, profile)
    # Nothing was half done: the right code (still unused) signs the same batch.
    report = _sign(env, profile, ids, right)
    assert [i.outcome for i in report.items] == [Outcome.SIGNED] * 3


def test_code_of_one_batch_cannot_sign_another(env: SignEnv, csc: CscServer,
                                               tmp_path: Path) -> None:
    first, second = (env.ingest_results(tmp_path / f"in{n}", 2, seed=43 + n) for n in (0, 1))
    profile = load_profile(env.settings, "an-csc")
    code = _sms_code(env, csc, profile)
    assert _sign(env, profile, first, code).ok
    report = _sign(env, profile, second, code)
    assert [(i.outcome, i.message) for i in report.items] == \
        [(Outcome.FAILED, WRONG_CODE_MESSAGE)] * 2
    for doc_id in second:
        _unsigned(env, doc_id, profile)


def test_skipped_documents_leave_the_batch(env: SignEnv, csc: CscServer, tmp_path: Path) -> None:
    """Documents already signed are skipped; the others are still authorised and signed in
    one request, for exactly their number of signatures."""
    done = env.ingest_results(tmp_path / "done", 2, seed=45)
    profile = load_profile(env.settings, "an-csc")
    assert _sign(env, profile, done, _sms_code(env, csc, profile)).ok
    fresh = env.ingest_results(tmp_path / "fresh", 2, seed=46)
    signed, calls = csc.signed, csc.calls.copy()
    report = _sign(env, profile, [done[0], *fresh, done[1]], _sms_code(env, csc, profile))
    assert [i.outcome for i in report.items] == \
        [Outcome.SKIPPED, Outcome.SIGNED, Outcome.SIGNED, Outcome.SKIPPED]
    assert csc.signed - signed == 2
    assert csc.calls["signatures/signHash"] - calls["signatures/signHash"] == 1


def test_code_asked_once_when_not_given(env: SignEnv, csc: CscServer, tmp_path: Path) -> None:
    """Without activation data the service sends the SMS and the signer is asked once."""
    ids = env.ingest_results(tmp_path / "in", 2, seed=49)
    profile = load_profile(env.settings, "an-csc")
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return csc.last_code("an-rsa")

    report = sign_batch(env.settings, env.store, profile, ids, mandate=at_terminal(profile),
                        prompt=prompt)
    assert report.ok and len(asked) == 1


def test_job_thread_without_code_refused(env: SignEnv, csc: CscServer, tmp_path: Path) -> None:
    """A server's signing job cannot ask anyone: without the code it signs nothing and sends
    no SMS (nor waits on the server's terminal)."""
    ids = env.ingest_results(tmp_path / "in", 1, seed=51)
    profile = load_profile(env.settings, "an-csc")
    outbox, errors = len(csc.outbox), []

    def job() -> None:
        try:
            sign_batch(env.settings, env.store, profile, ids, mandate=at_terminal(profile))
        except SigningError as exc:
            errors.append(exc.message)

    worker = threading.Thread(target=job)
    worker.start()
    worker.join(60)
    assert errors == ["Hồ sơ ký 'an-csc' dùng dịch vụ ký từ xa: người ký phải nhập mã OTP cho "
                      "lô này."]
    assert len(csc.outbox) == outbox
    _unsigned(env, ids[0], profile)


def test_batch_larger_than_the_service_allows(env: SignEnv, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ids = env.ingest_results(tmp_path / "in", 3, seed=50)
    with CscServer(env.pki, multisign=2) as small:
        monkeypatch.setenv(SECRET_ENV, small.clients["sohoa-test"])
        _write_profile(env, small, "an-csc-small", "an-rsa", "sms")
        profile = load_profile(env.settings, "an-csc-small")
        code = _sms_code(env, small, profile)
        with pytest.raises(SigningError, match="tối đa 2 chữ ký"):
            _sign(env, profile, ids, code)
        assert small.calls["credentials/authorize"] == 0
    for doc_id in ids:
        _unsigned(env, doc_id, profile)


def test_ecdsa_credential_with_authenticator_app_code(env: SignEnv, csc: CscServer,
                                                      tmp_path: Path) -> None:
    """A TOTP code from the official's app (nothing sent); the same code is accepted once."""
    ids = env.ingest_results(tmp_path / "in", 2, seed=47)
    profile = load_profile(env.settings, "an-csc-ec")
    outbox = len(csc.outbox)
    assert "ứng dụng" in send_code(profile, env.settings.sign)
    assert len(csc.outbox) == outbox
    code = csc.totp_now("an-ec")
    report = _sign(env, profile, ids[:1], code)
    assert report.ok, [(i.doc_id, i.message) for i in report.items]
    assert "ECDSA" in report.key
    data = env.store.read(env.store.artifact(env.store.get_record(ids[0]), Variant.SIGNED))
    assert verify_pdf(data, trust_roots(env.settings)).ok
    replay = _sign(env, profile, ids[1:], code)
    assert [i.message for i in replay.items] == [WRONG_CODE_MESSAGE]
    _unsigned(env, ids[1], profile)


def test_cli_asks_the_code(env: SignEnv, csc: CscServer, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli.main import app

    ids = env.ingest_results(tmp_path / "in", 2, seed=48)
    asked: list[str] = []

    def getpass(prompt: str) -> str:  # the official reads the SMS and types the code
        asked.append(prompt)
        return csc.last_code("an-rsa")

    monkeypatch.setattr("getpass.getpass", getpass)
    config = tmp_path / "sohoa.toml"
    config.write_text("", encoding="utf-8")
    cli_env = {"SOHOA_HOME": str(env.settings.home), "SOHOA_CONFIG": str(config),
               "SOHOA_JOBS": "1", "SOHOA_SIGN_DEV_PKI_PORT": str(env.pki.port)}
    result = CliRunner().invoke(app, ["sign", "batch", "--profile", "an-csc", *ids, "--json"],
                                env=cli_env)
    assert result.exit_code == 0, result.output
    assert len(asked) == 1 and "SMS" in asked[0]
    outcomes = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    documents = outcomes[0]["documents"]
    assert [d["outcome"] for d in documents] == ["signed", "signed"], documents


# --- the service itself: the protocol's refusals ------------------------------------------

def _post(csc: CscServer, method: str, body: dict[str, Any],
          token: str | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{csc.url}/csc/v2/{method}", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _token(csc: CscServer) -> str:
    form = (f"grant_type=client_credentials&client_id=sohoa-test&client_secret="
            f"{csc.clients['sohoa-test']}").encode()
    with urllib.request.urlopen(f"{csc.url}/oauth2/token", data=form, timeout=10) as response:
        return str(json.loads(response.read())["access_token"])


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_service_refuses_what_the_protocol_forbids(csc: CscServer) -> None:
    assert _post(csc, "credentials/list", {})[0] == 401
    token = _token(csc)
    status, info = _post(csc, "credentials/info", {"credentialID": "an-rsa", "authInfo": True,
                                                   "certificates": "chain"}, token)
    assert status == 200 and info["SCAL"] == "2" and info["auth"]["mode"] == "explicit"
    assert [o["id"] for o in info["auth"]["objects"]] == ["OTP"]
    assert len(info["cert"]["certificates"]) == 3
    sign_algo = "1.2.840.113549.1.1.11"  # sha256WithRSAEncryption

    def authorize(hashes: list[str], code: str, **extra: Any) -> tuple[int, dict[str, Any]]:
        body = {"credentialID": "an-rsa", "numSignatures": len(hashes), "hashes": hashes,
                "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1",
                "authData": [{"id": "OTP", "value": code}], **extra}
        return _post(csc, "credentials/authorize", body, token)

    assert _post(csc, "credentials/sendOTP", {"credentialID": "an-rsa"}, token)[0] == 204
    code = csc.last_code("an-rsa")
    assert authorize([_digest(str(n)) for n in range(11)], code)[1]["error_description"] == \
        "Numbers of signatures is too high"
    status, answer = authorize([_digest("a")], "000000" if code != "000000" else "111111")
    assert (status, answer["error"]) == (400, "invalid_otp")
    status, answer = authorize([_digest("a"), _digest("b")], code)
    assert status == 200 and answer["expiresIn"] > 0
    sad = answer["SAD"]
    # A SAD for other hashes is refused; for its own it signs once; a replay is refused.
    sign = {"credentialID": "an-rsa", "SAD": sad, "signAlgo": sign_algo}
    assert _post(csc, "signatures/signHash", {**sign, "hashes": [_digest("c")]}, token)[1][
        "error_description"] == "Hash is not authorized by the SAD"
    status, answer = _post(csc, "signatures/signHash",
                           {**sign, "hashes": [_digest("a"), _digest("b")]}, token)
    assert status == 200 and len(answer["signatures"]) == 2
    assert _post(csc, "signatures/signHash", {**sign, "hashes": [_digest("a")]}, token)[1][
        "error_description"] == "Invalid parameter SAD"
    # The code was spent with that authorisation.
    assert authorize([_digest("d")], code)[1]["error"] == "invalid_otp"
    # v1.0.4 names, as pyHanko's stock client sends them, are understood too.
    _post(csc, "credentials/sendOTP", {"credentialID": "an-rsa"}, token)
    status, answer = _post(csc, "credentials/authorize", {
        "credentialID": "an-rsa", "numSignatures": 1, "hash": [_digest("e")],
        "OTP": csc.last_code("an-rsa")}, token)
    assert status == 200
    status, answer = _post(csc, "signatures/signHash", {
        "credentialID": "an-rsa", "SAD": answer["SAD"], "hash": [_digest("e")],
        "hashAlgo": "2.16.840.1.101.3.4.2.1", "signAlgo": sign_algo}, token)
    assert status == 200 and len(answer["signatures"]) == 1


def test_repeated_wrong_codes_lock_the_credential(env: SignEnv) -> None:
    with CscServer(env.pki) as own:
        token = _token(own)
        body = {"credentialID": "an-rsa", "numSignatures": 1, "hashes": [_digest("x")],
                "authData": [{"id": "OTP", "value": "not-a-code"}]}
        answers = [_post(own, "credentials/authorize", body, token)[1]
                   for _ in range(MAX_FAILURES + 1)]
        assert [a["error"] for a in answers[:MAX_FAILURES]] == ["invalid_otp"] * MAX_FAILURES
        assert answers[-1]["error_description"] == "Credential locked"


# --- profiles -----------------------------------------------------------------------------

def _csc_profile(**csc: str) -> dict[str, Any]:
    table = {"url": "https://ky-so.example.vn/api", "credential_id": "GX1", "client_id": "x",
             "client_secret_env": "X", **csc}
    return {"role": "copy", "level": "B-B", "key": {"source": "csc"}, "csc": table}


def test_csc_profile_format(tmp_path: Path) -> None:
    profile = parse_profile("p", _csc_profile(otp="app"), tmp_path)
    assert profile.csc is not None and profile.csc.url == "https://ky-so.example.vn/api"
    assert profile.csc.otp.value == "app" and profile.key.path is None
    with pytest.raises(ConfigError, match="không ghi bí mật"):
        parse_profile("p", _csc_profile(client_secret="lộ"), tmp_path)
    with pytest.raises(ConfigError, match="credential_id"):
        parse_profile("p", _csc_profile(credential_id=""), tmp_path)
    with pytest.raises(ConfigError, match="https"):
        parse_profile("p", _csc_profile(url="http://ky-so.example.vn"), tmp_path)
    with pytest.raises(ConfigError, match="otp"):
        parse_profile("p", _csc_profile(otp="email"), tmp_path)
    with pytest.raises(ConfigError, match="client_secret"):
        data = _csc_profile()
        del data["csc"]["client_secret_env"]
        parse_profile("p", data, tmp_path)


def test_the_page_signs_a_batch_with_a_code_the_service_sent(env: SignEnv, csc: CscServer,
                                                             tmp_path: Path) -> None:
    """Through the API as the official's page does it: the official (logged in) has the
    service send the code, then signs with it; a wrong code signs nothing; another official
    cannot even ask for a code on this profile."""
    from fastapi.testclient import TestClient

    from pipeline.api.app import create_app
    from tests.accounts_env import logged_in, make_person
    from tests.signing_site import run_job, shown

    ids = env.ingest_results(tmp_path / "in", 2, seed=60)
    app = create_app(env.settings, env.store)
    accounts = app.state.services.accounts
    an = make_person(accounts, "an", "official", "Nguyễn Văn An")
    other = make_person(accounts, "binh", "official", "Trần Văn Bình")
    page = TestClient(app, base_url="https://testserver")
    logged_in(page, an)
    sent = page.post("/v1/signing/profiles/an-csc/otp")
    assert sent.status_code == 200 and "SMS" in sent.json()["message"], sent.text
    versions = shown(page, "an-csc", ids)
    wrong = run_job(page, "an-csc", ids, otp="000000", shown=versions)
    assert [i["message"] for i in wrong["items"]] == [WRONG_CODE_MESSAGE] * 2, wrong
    for doc_id in ids:
        _unsigned(env, doc_id, load_profile(env.settings, "an-csc"))
    page.post("/v1/signing/profiles/an-csc/otp")
    right = run_job(page, "an-csc", ids, otp=csc.last_code("an-rsa"), shown=versions)
    assert [i["outcome"] for i in right["items"]] == ["signed", "signed"], right
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        data = env.store.read(env.store.artifact(record, Variant.SIGNED))
        assert verify_pdf(data, trust_roots(env.settings)).ok
        entry: dict[str, Any] = next(iter(env.store.audit_entries(f"signatures/{doc_id}/")))
        assert entry["actor"]["id"] == "an" and entry["activation"] == "csc"
    intruder = TestClient(app, base_url="https://testserver")
    logged_in(intruder, other)
    assert intruder.post("/v1/signing/profiles/an-csc/otp").status_code == 403
