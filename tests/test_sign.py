"""Signing for real: dev PKI with TSA and OCSP on 127.0.0.1, pyHanko, pdfsig, SoftHSM2."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from pipeline.errors import SigningError
from pipeline.models import Variant
from pipeline.sign import pdfsig
from pipeline.sign.authority import at_terminal
from pipeline.sign.batch import Outcome, pending, sign_batch
from pipeline.sign.context import trust_roots
from pipeline.sign.policy import check_key
from pipeline.sign.profiles import Level, load_profile, parse_profile
from pipeline.sign.verify import verify_pdf
from tests.sign_env import SignEnv, sign_env
from tests.softhsm import make_token, module_path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignEnv]:
    with sign_env(tmp_path_factory.mktemp("sign")) as made:
        yield made


def _signed(env: SignEnv, doc_id: str) -> bytes:
    store = env.store
    return store.read(store.artifact(store.get_record(doc_id), Variant.SIGNED))


def _sign(env: SignEnv, profile: str, ids: list[str], level: Level | None = None) -> None:
    chosen = load_profile(env.settings, profile)
    if level is not None:
        chosen = dataclasses.replace(chosen, level=level)
    report = sign_batch(env.settings, env.store, chosen, ids, mandate=at_terminal(chosen))
    assert report.ok, [(i.doc_id, i.message) for i in report.items]


def test_official_then_seal_valid_and_trusted_in_both_validators(env: SignEnv,
                                                                  tmp_path: Path) -> None:
    ids = env.ingest_results(tmp_path / "in", 3, seed=1)
    official = load_profile(env.settings, "official")
    assert sorted(ids) == [i for i in pending(env.store, official) if i in ids]
    env.server.reset_counts()
    _sign(env, "official", ids)
    counts = dict(env.server.counts)
    # Revocation data fetched once per batch, one timestamp per document.
    assert counts.get("ocsp", 0) <= 2 and counts.get("crl", 0) <= 2, counts
    assert counts.get("tsa", 0) >= 3, counts
    _sign(env, "seal", ids)
    roots = trust_roots(env.settings)
    for doc_id in ids:
        data = _signed(env, doc_id)
        report = verify_pdf(data, roots)
        assert report.ok, report.to_dict()
        kinds = [(s.kind, s.level) for s in report.signatures]
        assert kinds[0] == ("signature", "B-LTA") and kinds[1] == ("signature", "B-LTA")
        assert kinds[-1][0] == "timestamp"
        assert report.signatures[0].signer == env.pki.official_name
        assert report.signatures[1].signer == env.pki.agency_name
        record = env.store.get_record(doc_id)
        assert [s.role for s in record.signatures] == ["official", "seal"]
        # The recorded time is the signature's own (/M), as the stamp shows it.
        assert [s.signed_at for s in record.signatures] == \
            [s.signed_at for s in report.signatures[:2]]
        # The unsigned version is untouched and every version grows from the one before.
        searchable = env.store.read(env.store.artifact(record, Variant.SEARCHABLE))
        first = env.store.read(env.store.stored(record.signatures[0].key))  # type: ignore[arg-type]
        assert first.startswith(searchable) and data.startswith(first)
    if pdfsig.available():
        out = tmp_path / "signed.pdf"
        out.write_bytes(_signed(env, ids[0]))
        verdicts = pdfsig.pdfsig(out, [env.pki.root_cert])
        cades = [v for v in verdicts if not v.document_timestamp]
        assert len(cades) == 2 and all(v.valid_and_trusted for v in cades), verdicts


@pytest.mark.parametrize("level", list(Level))
def test_each_level_is_what_verify_reports(env: SignEnv, tmp_path: Path, level: Level) -> None:
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=10 + level.rank)
    _sign(env, "official", [doc_id], level)
    report = verify_pdf(_signed(env, doc_id), trust_roots(env.settings))
    assert report.ok, report.to_dict()
    assert report.lowest_level == level.value


def test_tampering_is_reported(env: SignEnv, tmp_path: Path) -> None:
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=30)
    _sign(env, "official", [doc_id], Level.B_T)
    data = _signed(env, doc_id)
    roots = trust_roots(env.settings)
    # A byte flipped inside the signed range.
    flipped = bytearray(data)
    spot = data.index(b"/Type /Page") + 2
    flipped[spot] ^= 0x01
    assert not verify_pdf(bytes(flipped), roots).ok
    # A page edit appended as an incremental update after signing.
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (SUA DOI) Tj ET")
    contents = page["/Contents"]
    kids = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*kids, writer.add_object(stream)])
    writer.update_container(page)
    edited = io.BytesIO()
    writer.write(edited)
    report = verify_pdf(edited.getvalue(), roots)
    assert not report.ok
    assert "sửa đổi" in " ".join(report.signatures[0].problems)
    # The command line says so with a non-zero exit.
    path = tmp_path / "edited.pdf"
    path.write_bytes(edited.getvalue())
    done = _cli(env, "verify", str(path), "--trust", str(env.pki.root_cert))
    assert done.returncode != 0 and "KHÔNG HỢP LỆ" in done.stdout


def _cli(env: SignEnv, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "SOHOA_HOME": str(env.settings.home),
               "SOHOA_SIGN_DEV_PKI_PORT": str(env.pki.port), "SOHOA_JOBS": "1"}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=environ, timeout=600)


def test_killed_batch_resumes_and_signs_each_document_exactly_once(env: SignEnv,
                                                                    tmp_path: Path) -> None:
    ids = env.ingest_results(tmp_path / "in", 12, seed=40)
    environ = {**os.environ, "SOHOA_HOME": str(env.settings.home), "SOHOA_SIGN_CONCURRENCY": "1"}
    audit = env.settings.store_path / "objects" / "audit" / "signatures"
    command = [sys.executable, "-m", "pipeline", "sign", "batch", "--profile", "official", *ids]
    first = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and first.poll() is None:
        done = [d for d in ids if (audit / d).is_dir()]
        if len(done) >= 3:
            break
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    signed_before = [d for d in ids if env.store.get_record(d).signatures]
    assert 0 < len(signed_before) < len(ids), "the batch was not killed halfway"
    again = subprocess.run([*command, "--json"], env=environ, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    outcomes = {d["id"]: d["outcome"] for d in json.loads(again.stdout)["documents"]}
    assert all(outcomes[d] == "skipped" for d in signed_before)
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        assert [s.role for s in record.signatures] == ["official"], doc_id
        data = _signed(env, doc_id)
        report = verify_pdf(data, trust_roots(env.settings))
        assert report.ok, report.to_dict()
        assert [s.field_name for s in report.signatures] == ["sohoa-official-official"]


def test_revoked_signer_is_refused_before_any_document(env: SignEnv, tmp_path: Path) -> None:
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=50)
    profile = dataclasses.replace(
        load_profile(env.settings, "official"), level=Level.B_B,
        key=dataclasses.replace(load_profile(env.settings, "official").key,
                                path=env.pki.official_revoked.p12))
    with pytest.raises(SigningError, match="thu hồi"):
        sign_batch(env.settings, env.store, profile, [doc_id], mandate=at_terminal(profile))
    assert not env.store.get_record(doc_id).signatures


def test_pkcs11_token_signs_for_real(env: SignEnv, tmp_path: Path) -> None:
    if module_path() is None:
        pytest.fail("softhsm2 missing: `make test` installs it")
    token = make_token(tmp_path / "hsm", "sohoa-official", env.pki.official.key,
                       [env.pki.official.cert, env.pki.issuing_cert, env.pki.root_cert],
                       "official")
    base = load_profile(env.settings, "official")
    profile = parse_profile("hsm", {
        "role": "official", "owner": "an", "level": "B-LT", "dev": True,
        "activation": "unattended",
        "key": {"source": "pkcs11", "path": str(token.module), "token": token.label,
                "key_label": "official", "secret_env": "SOHOA_TEST_PIN"},
        "timestamp": {"url": env.pki.tsa_url},
        "appearance": {"image": str(base.appearance.image)},
    }, tmp_path)
    os.environ["SOHOA_TEST_PIN"] = token.pin
    ids = env.ingest_results(tmp_path / "in", 2, seed=60)
    report = sign_batch(env.settings, env.store, profile, ids, mandate=at_terminal(profile))
    assert report.ok, [(i.doc_id, i.message) for i in report.items]
    assert "PSS" in report.key
    for doc_id in ids:
        result = verify_pdf(_signed(env, doc_id), trust_roots(env.settings))
        assert result.ok and result.signatures[0].level == "B-LT", result.to_dict()
        assert "pss" in result.signatures[0].algorithm.lower()


def test_policy_refuses_weak_and_warns_on_legacy_padding(env: SignEnv) -> None:
    from asn1crypto import pem, x509

    from pipeline.config import SignSettings

    def cert(path: Path) -> x509.Certificate:
        return x509.Certificate.load(pem.unarmor(path.read_bytes())[2])

    rsa = cert(env.pki.official.cert)
    assert check_key(rsa, SignSettings()).prefer_pss
    legacy = check_key(rsa, SignSettings(), can_pss=False)
    assert not legacy.prefer_pss and legacy.warnings
    with pytest.raises(SigningError, match="PSS"):
        check_key(rsa, SignSettings(legacy_padding="refuse"), can_pss=False)
    with pytest.raises(SigningError, match="quá yếu"):
        check_key(rsa, SignSettings(min_rsa_bits=3072))
    assert check_key(cert(env.pki.official_ec.cert), SignSettings()).algorithm == "ec"


def test_copy_profile_signs_a_digitised_scan_alone(env: SignEnv, tmp_path: Path) -> None:
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=70)
    _sign(env, "copy", [doc_id])
    report = verify_pdf(_signed(env, doc_id), trust_roots(env.settings))
    assert report.ok and report.signatures[0].signer == env.pki.agency_name
    assert report.lowest_level == "B-LTA"
    copy = load_profile(env.settings, "copy")
    outcome = sign_batch(env.settings, env.store, copy, [doc_id], mandate=at_terminal(copy))
    assert outcome.items[0].outcome is Outcome.SKIPPED


def test_pin_is_asked_once_per_batch_and_dead_tsa_loses_nothing(env: SignEnv,
                                                                 tmp_path: Path) -> None:
    ids = env.ingest_results(tmp_path / "in", 3, seed=80)
    base = load_profile(env.settings, "official")
    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return env.pki.password().decode()

    no_secret = dataclasses.replace(base.key, secret_file=None, secret_env="")
    dead = dataclasses.replace(base, key=no_secret, level=Level.B_T,
                               timestamp=dataclasses.replace(base.timestamp,
                                                             url="http://127.0.0.1:9/tsa"))
    report = sign_batch(env.settings, env.store, dead, ids, prompt=prompt,
                        mandate=at_terminal(dead))
    assert len(asked) == 1 and "official" in asked[0]
    assert report.count(Outcome.FAILED) == len(ids)
    for doc_id in ids:  # nothing half-signed, nothing stored
        record = env.store.get_record(doc_id)
        assert not record.signatures and Variant.SIGNED.value not in record.artifacts
    alive = dataclasses.replace(dead, timestamp=base.timestamp)
    report = sign_batch(env.settings, env.store, alive, ids, prompt=prompt,
                        mandate=at_terminal(alive))
    assert report.ok and report.count(Outcome.SIGNED) == len(ids) and len(asked) == 2


def test_remote_signer_returns_the_signature_later(env: SignEnv, tmp_path: Path) -> None:
    import asyncio

    from asn1crypto import pem, x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from pyhanko.sign import fields, signers

    from pipeline.sign.keys import RemoteSigner

    loaded = serialization.load_pem_private_key(env.pki.official.key.read_bytes(), None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    key: rsa.RSAPrivateKey = loaded

    class PhoneConfirmation:
        """Signs a submitted digest only on the second poll, as after a confirmation."""

        def __init__(self) -> None:
            self.pending: dict[str, bytes] = {}
            self.polls = 0

        def submit(self, digest: bytes, digest_algorithm: str, mechanism: str) -> str:
            assert digest_algorithm == "sha256" and mechanism == "rsassa_pss"
            self.pending["r1"] = digest
            return "r1"

        def collect(self, handle: str) -> bytes | None:
            self.polls += 1
            if self.polls < 2:
                return None
            from cryptography.hazmat.primitives.asymmetric import utils

            return key.sign(self.pending[handle],
                            padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                        salt_length=padding.PSS.MAX_LENGTH),
                            utils.Prehashed(hashes.SHA256()))

    def cert(path: Path) -> x509.Certificate:
        return x509.Certificate.load(pem.unarmor(path.read_bytes())[2])

    service = PhoneConfirmation()
    signer = RemoteSigner(service, cert(env.pki.official.cert),
                          [cert(env.pki.issuing_cert)], prefer_pss=True, poll_seconds=0.01)
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=90)
    record = env.store.get_record(doc_id)
    data = env.store.read(env.store.artifact(record, Variant.SEARCHABLE))
    out = io.BytesIO()
    meta = signers.PdfSignatureMetadata(field_name="remote", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    asyncio.run(signers.PdfSigner(meta, signer).async_sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)), output=out))
    assert service.polls >= 2
    report = verify_pdf(out.getvalue(), trust_roots(env.settings))
    assert report.ok and report.lowest_level == "B-B", report.to_dict()


def test_cli_get_signed_and_verify_json(env: SignEnv, tmp_path: Path) -> None:
    (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=95)
    _sign(env, "official", [doc_id], Level.B_B)
    target = tmp_path / "signed.pdf"
    done = _cli(env, "get", doc_id, "--variant", "signed", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == _signed(env, doc_id)
    done = _cli(env, "verify", doc_id, "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["ok"] and answer["lowest_level"] == "B-B"
    assert answer["signatures"][0]["signer"] == env.pki.official_name


def test_a_big_batch_signs_on_every_core_with_revocation_data_fetched_once(
        env: SignEnv, tmp_path: Path) -> None:
    ids = env.ingest_results(tmp_path / "in", 36, seed=120)
    settings = dataclasses.replace(env.settings,
                                   sign=dataclasses.replace(env.settings.sign, workers=2))
    env.server.reset_counts()
    seen: list[str] = []
    official = load_profile(settings, "official")
    report = sign_batch(settings, env.store, official, ids, mandate=at_terminal(official),
                        progress=lambda item: seen.append(item.doc_id))
    assert report.ok, [(i.doc_id, i.message) for i in report.items if i.message]
    assert [i.doc_id for i in report.items] == ids and sorted(seen) == sorted(ids)
    counts = dict(env.server.counts)
    # Fetched once, by the check before the workers fork; the workers reuse it.
    assert counts.get("ocsp", 0) == 1 and counts.get("crl/root", 0) <= 1, counts
    assert counts.get("tsa", 0) >= len(ids), counts
    roots = trust_roots(env.settings)
    for doc_id in ids[:: len(ids) // 4]:
        assert [s.role for s in env.store.get_record(doc_id).signatures] == ["official"]
        result = verify_pdf(_signed(env, doc_id), roots)
        assert result.ok and result.lowest_level == "B-LT", result.to_dict()


def test_signing_time_is_read_from_the_update_as_pyhanko_escapes_it() -> None:
    from pipeline.sign.pdfsign import _update_time

    escaped = b"<< /Type /Sig /M (D\\07220261122030656\\05307\\04700\\047) >>"
    plain = b"<< /M (D:20261122030656+07'00') >>"
    assert _update_time(escaped) == _update_time(plain)
    assert _update_time(plain).isoformat() == "2026-11-22T03:06:56+07:00"  # type: ignore[union-attr]
    assert _update_time(b"<< /Type /Sig >>") is None


def test_the_learnt_signature_size_is_in_hex_digits_as_pyhanko_counts_it() -> None:
    from pipeline.sign.pdfsign import _reserved_size

    update = b"<< /Type /Sig /Contents <" + b"ab" * 7000 + b"> >>"
    reserved = _reserved_size(update)
    assert reserved is not None and reserved >= 14000 and reserved % 2 == 0
