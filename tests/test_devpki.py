"""The development PKI: files, chain validation online, revocation, TSA, OCSP times, CLI."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import stat
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import core, tsp
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from typer.testing import CliRunner

from pipeline.sign.devpki import (
    DevPki,
    DevPkiExists,
    DevPkiMissing,
    DevPkiServer,
    init_dev_pki,
    load_dev_pki,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return init_dev_pki(tmp_path_factory.mktemp("devpki") / "pki", port=free_port())


@pytest.fixture(scope="module")
def server(pki: DevPki) -> Iterator[DevPkiServer]:
    with DevPkiServer(pki) as running:
        yield running


def cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def rsa_key(certificate: x509.Certificate) -> rsa.RSAPublicKey:
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def asn1_cert(path: Path) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert(path).public_bytes(serialization.Encoding.DER))


def fetch(url: str, data: bytes | None = None, content_type: str = "") -> tuple[str, bytes]:
    request = urllib.request.Request(url, data=data,
                                     headers={"Content-Type": content_type} if data else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers["Content-Type"]), bytes(response.read())


async def validate(pki: DevPki, label: str, rule: RevocationCheckingRule | None = None) -> Any:
    """Validate a signer certificate online, fetching the issuing CA, CRLs and OCSP."""
    async with AIOHttpFetcherBackend() as fetchers:
        kwargs: dict[str, Any] = {"revocation_mode": "hard-fail"}
        if rule is not None:
            kwargs = {"revinfo_policy": CertRevTrustPolicy(RevocationCheckingPolicy(
                ee_certificate_rule=rule,
                intermediate_ca_cert_rule=RevocationCheckingRule.CRL_REQUIRED))}
        context = ValidationContext(trust_roots=[asn1_cert(pki.root_cert)], allow_fetching=True,
                                    fetchers=fetchers, **kwargs)
        # Typed as Any: pyhanko_certvalidator leaves async_validate_usage unannotated.
        validator: Any = CertificateValidator(asn1_cert(pki.cert_path(label)),
                                              validation_context=context)
        return await validator.async_validate_usage({"digital_signature", "non_repudiation"})


# --- the files ----------------------------------------------------------------------------

def test_files_permissions_and_reload(pki: DevPki) -> None:
    for path in pki.files():
        mode = stat.S_IMODE(path.stat().st_mode)
        secret = path.parent.name in ("keys", "p12") or path == pki.password_file
        assert mode == (0o600 if secret else 0o644), path
    assert load_dev_pki(pki.directory) == pki
    password = pki.password()
    for identity in (pki.official, pki.seal, pki.official_revoked, pki.official_ec):
        key, leaf, chain = pkcs12.load_key_and_certificates(identity.p12.read_bytes(), password)
        assert leaf == cert(identity.cert)
        assert chain == [cert(pki.issuing_cert), cert(pki.root_cert)]
        clear = serialization.load_pem_private_key(identity.key.read_bytes(), None)
        assert key is not None and clear.public_key() == key.public_key()
    assert pki.chain.read_bytes() == pki.issuing_cert.read_bytes() + pki.root_cert.read_bytes()


def test_subjects_and_profiles(pki: DevPki) -> None:
    official = cert(pki.official.cert)
    assert official.subject.rfc4514_string({x509.oid.NameOID.TITLE: "title"}) == (
        "CN=Nguyễn Văn An,title=Phó Chủ tịch,OU=Văn phòng Ủy ban nhân dân tỉnh,"
        "O=Ủy ban nhân dân tỉnh Bắc Ninh,L=Thành phố Bắc Ninh,ST=Bắc Ninh,"
        "UID=CCCD:027085000123,C=VN")
    assert cert(pki.seal.cert).subject.rfc4514_string() == (
        "CN=Ủy ban nhân dân tỉnh Bắc Ninh,O=Ủy ban nhân dân tỉnh Bắc Ninh,"
        "L=Thành phố Bắc Ninh,ST=Bắc Ninh,UID=MST:2300000000-TEST,C=VN")
    assert cert(pki.root_cert).subject.rfc4514_string() == (
        "CN=SOHOA TEST Root CA Việt Nam,O=Tổ chức chứng thực thử nghiệm (TEST),C=VN")
    for label in ("root", "issuing", "official", "seal", "official_revoked"):
        text = cert(pki.cert_path(label)).subject.rfc4514_string()
        assert unicodedata.is_normalized("NFC", text), label
    assert pki.official_name == "Nguyễn Văn An"
    assert pki.agency_name == "Ủy ban nhân dân tỉnh Bắc Ninh"
    # Subjects are UTF8String (tag 12) except the country.
    der = official.subject.public_bytes()
    assert "Nguyễn Văn An".encode() in der and b"\x0c" in der

    root = cert(pki.root_cert)
    assert rsa_key(root).key_size == 3072
    assert root.not_valid_after_utc - root.not_valid_before_utc >= timedelta(days=20 * 365)
    issuing = cert(pki.issuing_cert)
    assert issuing.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    assert official.not_valid_before_utc < datetime.now().astimezone() - timedelta(hours=23)
    ku = official.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    aia = official.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert {d.access_location.value for d in aia} == {pki.ocsp_url, pki.issuing_cert_url}

    ec_cert = cert(pki.official_ec.cert)
    ec_key = ec_cert.public_key()
    assert isinstance(ec_key, ec.EllipticCurvePublicKey) and ec_key.curve.name == "secp256r1"
    assert ec_cert.subject == official.subject
    assert ec_cert.serial_number != official.serial_number

    tsa = cert(pki.tsa_cert)
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    assert tsa.issuer == root.subject
    responder = cert(pki.ocsp_cert)
    assert responder.issuer == issuing.subject
    responder.extensions.get_extension_for_class(x509.OCSPNoCheck)


def test_load_missing_pki_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(DevPkiMissing, match="sohoa pki init-dev"):
        load_dev_pki(tmp_path / "none")


def test_init_refuses_to_overwrite_and_never_deletes(tmp_path: Path) -> None:
    directory = tmp_path / "pki"
    first = init_dev_pki(directory, port=free_port())
    root_pem = first.root_cert.read_bytes()
    other = directory / "ghi-chu.txt"
    other.write_text("của người dùng", encoding="utf-8")
    with pytest.raises(DevPkiExists, match="--force"):
        init_dev_pki(directory, port=first.port)
    assert first.root_cert.read_bytes() == root_pem

    # Half a PKI (no manifest) is still a PKI to protect.
    first.manifest.unlink()
    with pytest.raises(DevPkiExists):
        init_dev_pki(directory, port=first.port)

    second = init_dev_pki(directory, port=first.port, force=True)
    assert second.root_cert.read_bytes() != root_pem
    assert other.read_text(encoding="utf-8") == "của người dùng"
    assert load_dev_pki(directory) == second


# --- the server ---------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["official", "seal"])
def test_chain_validates_online_hard_fail(pki: DevPki, server: DevPkiServer, label: str) -> None:
    before = server.counts
    path = asyncio.run(validate(pki, label))
    assert len(path) == 3
    after = server.counts
    assert after["ocsp"] + after["crl/issuing"] > before["ocsp"] + before["crl/issuing"]


@pytest.mark.parametrize("rule", [RevocationCheckingRule.OCSP_REQUIRED,
                                  RevocationCheckingRule.CRL_REQUIRED])
def test_revoked_official_is_reported_revoked(pki: DevPki, server: DevPkiServer,
                                              rule: RevocationCheckingRule) -> None:
    endpoint = "ocsp" if rule is RevocationCheckingRule.OCSP_REQUIRED else "crl/issuing"
    before = server.counts[endpoint]
    with pytest.raises(RevokedError):
        asyncio.run(validate(pki, "official_revoked", rule))
    assert server.counts[endpoint] > before
    # The good certificate passes under the same rule, so the revocation is what failed.
    asyncio.run(validate(pki, "official", rule))


def test_tsa_token_validates(pki: DevPki, server: DevPkiServer) -> None:
    digest = hashlib.sha256(b"van ban da ky").digest()

    async def stamp_and_validate() -> tuple[Any, TimestampSignatureStatus]:
        token = await HTTPTimeStamper(pki.tsa_url).async_timestamp(digest, "sha256")
        async with AIOHttpFetcherBackend() as fetchers:
            context = ValidationContext(trust_roots=[asn1_cert(pki.root_cert)],
                                        allow_fetching=True, revocation_mode="hard-fail",
                                        fetchers=fetchers)
            kwargs = await validate_tst_signed_data(token["content"], context,
                                                    lambda _algorithm: digest)
        return token, TimestampSignatureStatus(**kwargs)

    before = server.counts["tsa"]
    token, status = asyncio.run(stamp_and_validate())
    assert status.intact and status.valid and status.trusted, status
    assert server.counts["tsa"] == before + 1
    info = token["content"]["encap_content_info"]["content"].parsed
    assert info["gen_time"].native.microsecond == 0
    assert info["gen_time"].native.utcoffset() == timedelta(0)
    assert status.signing_cert.subject.native["common_name"] == "SOHOA TEST Time Stamping Authority"
    assert token["content"]["signer_infos"][0]["digest_algorithm"]["algorithm"].native == "sha256"

    # certReq false: no certificate; the nonce is echoed; serials never repeat.
    request = tsp.TimeStampReq({"version": 1, "nonce": 4242, "cert_req": False,
                                "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                                                    "hashed_message": digest}})
    answers = [tsp.TimeStampResp.load(fetch(pki.tsa_url, request.dump(),
                                            "application/timestamp-query")[1])
               for _ in range(2)]
    infos = [a["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
             for a in answers]
    assert infos[0]["nonce"].native == 4242
    assert infos[0]["serial_number"].native != infos[1]["serial_number"].native
    assert answers[0]["time_stamp_token"]["content"]["certificates"].native is None


def test_tsa_refuses_sha1(pki: DevPki, server: DevPkiServer) -> None:
    request = tsp.TimeStampReq({"version": 1, "message_imprint": {
        "hash_algorithm": {"algorithm": "sha1"}, "hashed_message": hashlib.sha1(b"x").digest()}})
    _, body = fetch(pki.tsa_url, request.dump(), "application/timestamp-query")
    # A rejection carries no token, which asn1crypto's TimeStampResp wrongly requires: read
    # the PKIStatusInfo, the response's only element, directly.
    status = tsp.PKIStatusInfo.load(core.Sequence.load(body).contents)
    assert status["status"].native == "rejection"
    assert "bad_alg" in status["fail_info"].native


def ocsp_request(pki: DevPki, label: str, nonce: bytes | None = None) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(
        cert(pki.cert_path(label)), cert(pki.issuing_cert), hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def check_ocsp_answer(pki: DevPki, body: bytes, expected: str) -> asn1_ocsp.SingleResponse:
    response = asn1_ocsp.OCSPResponse.load(body)
    assert response["response_status"].native == "successful"
    basic = response["response_bytes"]["response"].parsed
    data = basic["tbs_response_data"]
    single = data["responses"][0]
    # NSS rejects fractional seconds: the raw GeneralizedTimes must be YYYYMMDDHHMMSSZ.
    for raw in (data["produced_at"], single["this_update"], single["next_update"]):
        assert len(raw.contents) == 15 and b"." not in raw.contents, raw.contents
    assert single["next_update"].native - single["this_update"].native == timedelta(minutes=10)
    assert single["cert_status"].name == expected
    # Signed by the delegated responder, whose certificate is included.
    responder = cert(pki.ocsp_cert)
    assert basic["certs"][0].dump() == responder.public_bytes(serialization.Encoding.DER)
    rsa_key(responder).verify(basic["signature"].native, data.dump(), padding.PKCS1v15(),
                      hashes.SHA256())
    return single


def test_ocsp_post_and_get(pki: DevPki, server: DevPkiServer) -> None:
    request = ocsp_request(pki, "official", nonce=b"0123456789abcdef")
    content_type, body = fetch(pki.ocsp_url, request, "application/ocsp-request")
    assert content_type == "application/ocsp-response"
    check_ocsp_answer(pki, body, "good")
    assert ocsp.load_der_ocsp_response(body).extensions.get_extension_for_class(
        x509.OCSPNonce).value.nonce == b"0123456789abcdef"

    # GET, as NSS does first: standard base64 URL-escaped, and URL-safe without padding.
    request = ocsp_request(pki, "seal")
    standard = urllib.parse.quote(base64.b64encode(request).decode(), safe="")
    urlsafe = base64.urlsafe_b64encode(request).decode().rstrip("=")
    for blob in (standard, urlsafe):
        _, body = fetch(f"{pki.ocsp_url}/{blob}")
        check_ocsp_answer(pki, body, "good")


def test_ocsp_revoked_and_unknown(pki: DevPki, server: DevPkiServer) -> None:
    _, body = fetch(pki.ocsp_url, ocsp_request(pki, "official_revoked"),
                    "application/ocsp-request")
    single = check_ocsp_answer(pki, body, "revoked")
    revoked = single["cert_status"].chosen
    assert revoked["revocation_reason"].native == "key_compromise"
    created = datetime.fromisoformat(pki.created_at)
    assert revoked["revocation_time"].native == created - timedelta(hours=1)

    # A certificate the issuing CA never issued (the TSA's serial, under the issuing CA).
    builder = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        *_issuer_hashes(pki), cert(pki.tsa_cert).serial_number, hashes.SHA1())
    request = builder.build().public_bytes(serialization.Encoding.DER)
    check_ocsp_answer(pki, fetch(pki.ocsp_url, request, "application/ocsp-request")[1],
                      "unknown")

    # Another CA's certificate: not ours to answer for.
    foreign = ocsp.OCSPRequestBuilder().add_certificate(
        cert(pki.tsa_cert), cert(pki.root_cert), hashes.SHA1()).build()
    _, body = fetch(pki.ocsp_url, foreign.public_bytes(serialization.Encoding.DER),
                    "application/ocsp-request")
    assert asn1_ocsp.OCSPResponse.load(body)["response_status"].native == "unauthorized"
    _, body = fetch(pki.ocsp_url, b"not der", "application/ocsp-request")
    assert asn1_ocsp.OCSPResponse.load(body)["response_status"].native == "malformed_request"


def _issuer_hashes(pki: DevPki) -> tuple[bytes, bytes]:
    probe = ocsp.OCSPRequestBuilder().add_certificate(
        cert(pki.official.cert), cert(pki.issuing_cert), hashes.SHA1()).build()
    return probe.issuer_name_hash, probe.issuer_key_hash


def test_crls_and_ca_certificates(pki: DevPki, server: DevPkiServer) -> None:
    issuing, root = cert(pki.issuing_cert), cert(pki.root_cert)
    content_type, body = fetch(pki.issuing_crl_url)
    assert content_type == "application/pkix-crl"
    crl = x509.load_der_x509_crl(body)
    assert crl.issuer == issuing.subject and crl.is_signature_valid(rsa_key(issuing))
    assert crl.next_update_utc is not None
    assert crl.next_update_utc - crl.last_update_utc == timedelta(days=7)
    entry = crl.get_revoked_certificate_by_serial_number(cert(pki.official_revoked.cert)
                                                         .serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is \
        x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(cert(pki.official.cert)
                                                        .serial_number) is None

    root_crl = x509.load_der_x509_crl(fetch(pki.root_crl_url)[1])
    assert root_crl.is_signature_valid(rsa_key(root)) and len(root_crl) == 0

    for url, expected in ((pki.root_cert_url, root), (pki.issuing_cert_url, issuing)):
        content_type, body = fetch(url)
        assert content_type == "application/pkix-cert"
        assert x509.load_der_x509_certificate(body) == expected
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(f"{pki.base_url}/khong-co")
    assert missing.value.code == 404
    missing.value.close()


# --- the command line ---------------------------------------------------------------------

def test_cli_init_dev_and_root(tmp_path: Path) -> None:
    from pipeline.cli.main import app

    config = tmp_path / "sohoa.toml"
    config.write_text("", encoding="utf-8")  # nothing from the developer's own config
    env = {"SOHOA_HOME": str(tmp_path), "SOHOA_SIGN_DEV_PKI_PORT": str(free_port()),
           "SOHOA_CONFIG": str(config), "SOHOA_SIGN_PKI_DIR": ""}
    runner = CliRunner()
    created = runner.invoke(app, ["pki", "init-dev"], env=env)
    assert created.exit_code == 0, created.output
    pki = load_dev_pki(tmp_path / "pki")
    assert pki.port == int(env["SOHOA_SIGN_DEV_PKI_PORT"])

    shown = runner.invoke(app, ["pki", "root"], env=env)
    assert shown.exit_code == 0
    assert shown.stdout == pki.root_cert.read_text(encoding="ascii")

    again = runner.invoke(app, ["pki", "init-dev"], env=env)
    assert isinstance(again.exception, DevPkiExists)
    assert load_dev_pki(tmp_path / "pki").root_cert.read_text(encoding="ascii") == shown.stdout
