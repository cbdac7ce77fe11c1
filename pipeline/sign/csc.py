"""Remote signing over the Cloud Signature Consortium API v2, one one-time code per batch.

Vietnamese CAs offer remote signing: the official's key stays in the CA's HSM and every use
must be activated by the official (sole control, SCAL 2). Here the activation data is a
one-time code (SMS or authenticator app) the official gives at batch time; it authorises
exactly the batch's hashes, once, and is never stored or logged.

One batch, through pyHanko's :class:`~pyhanko.sign.signers.csc_signer.CSCSigner`:

1. the service's bearer token (OAuth2 client credentials of this installation) and the
   credential's certificates and algorithms (``credentials/info``, pyHanko's
   :func:`~pyhanko.sign.signers.csc_signer.fetch_certs_in_csc_credential`);
2. for an SMS code, ``credentials/sendOTP``; then the official gives the code;
3. every document of the batch is prepared up to the digest of its signed attributes; the
   hashes wait together in one CSCSigner batch (:class:`CscBatchSigner`, which is also the
   batch's :class:`~pipeline.sign.keys.BatchGate`);
4. when no document can add a hash any more: ``credentials/authorize`` with
   ``numSignatures`` = the number of hashes, the hashes themselves (SCAL 2 binds the SAD to
   them) and the code, then one ``signatures/signHash`` call for all of them;
5. each document gets its signature, then its timestamp and validation data as usual.

A wrong code: the service refuses the authorisation, no document gets a signature, and
every document of the batch fails with the same Vietnamese reason; nothing is stored.

pyHanko's CSC client follows v1.0.4 of the API; the requests this module builds use the v2
names (``hashes``, ``hashAlgorithmOID``, ``authData``) and the v2 URL prefix.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import getpass
import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, cast

import aiohttp
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from pipeline.config import SignSettings
from pipeline.errors import SigningError
from pipeline.sign.policy import KeyVerdict, check_digest, check_key
from pipeline.sign.profiles import CscSpec, OtpDelivery, Profile
from pipeline.sign.secrets import ActivationSecret, Prompt

log = logging.getLogger(__name__)

API_VERSION = "v2"
#: What services answer to a wrong one-time code (v1.0.4 and v2.0 spell it differently).
WRONG_CODE = frozenset({"invalid_otp", "invalid_authentication_data"})
WRONG_CODE_MESSAGE = ("Mã OTP không đúng, đã hết hạn hoặc đã được dùng: dịch vụ ký từ xa từ "
                      "chối, lô chưa ký tài liệu nào. Hãy yêu cầu mã mới rồi ký lại.")


class CscRefusal(SigningError):
    """The service answered with an error (HTTP status, CSC ``error`` code)."""

    def __init__(self, message: str, *, status: int, error: str, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.status, self.error = status, error


@dataclass(frozen=True)
class RemoteKey:
    """A remote credential ready for one batch."""

    signer: CscBatchSigner
    cert: asn1_x509.Certificate
    chain: list[asn1_x509.Certificate]
    verdict: KeyVerdict


@dataclass(frozen=True)
class _Service:
    session_info: CSCServiceSessionInfo
    credential: CSCCredentialInfo


def _spec(profile: Profile) -> CscSpec:
    if profile.csc is None:
        raise SigningError(f"Hồ sơ ký '{profile.name}' không dùng dịch vụ ký từ xa.")
    return profile.csc


def client_secret(spec: CscSpec, who: str) -> str:
    """This installation's OAuth2 client secret: from the environment or a file, never
    asked (it is the server's, not the official's)."""
    if spec.client_secret_env and spec.client_secret_env in os.environ:
        return os.environ[spec.client_secret_env]
    if spec.client_secret_file is not None:
        try:
            return spec.client_secret_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SigningError(f"Không đọc được client secret của {who}: {exc.strerror}.") \
                from None
    raise SigningError(f"Thiếu client secret của dịch vụ ký từ xa cho {who}: đặt biến môi "
                       f"trường {spec.client_secret_env or '(client_secret_env)'}.")


async def _call(session: aiohttp.ClientSession, url: str, *, body: dict[str, Any] | None = None,
                form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST a CSC (JSON) or OAuth2 (form) request; an error answer becomes a
    :class:`CscRefusal` carrying the service's ``error`` code."""
    method = url.split("/csc/")[-1].split("/", 1)[-1] if "/csc/" in url else "oauth2/token"
    try:
        async with session.post(url, json=body, data=form, headers=headers or {}) as response:
            raw = await response.read()
            status = response.status
        data = json.loads(raw) if raw else {}
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        raise SigningError(f"Không kết nối được dịch vụ ký từ xa ({method}); tài liệu chưa "
                           "được ký, thử lại sau.", detail=repr(exc)) from None
    if not isinstance(data, dict):
        data = {}
    if status >= 400:
        error = str(data.get("error", ""))
        described = str(data.get("error_description", ""))
        raise CscRefusal(f"Dịch vụ ký từ xa từ chối yêu cầu {method}: {described or error}.",
                         status=status, error=error, detail=f"HTTP {status} {error}")
    return data


async def _token(session: aiohttp.ClientSession, spec: CscSpec, who: str) -> str:
    """The service's bearer token (OAuth2 client credentials, scope "service"), the token
    endpoint found from ``info`` (``oauth2`` base URI or RFC 8414 ``oauth2Issuer``)."""
    info = await _call(session, f"{spec.url}/csc/{API_VERSION}/info", body={"lang": "vi-VN"})
    if "oauth2client" not in info.get("authType", []):
        raise SigningError("Dịch vụ ký từ xa không hỗ trợ xác thực OAuth2 client credentials.")
    if info.get("oauth2"):
        endpoint = str(info["oauth2"]).rstrip("/") + "/oauth2/token"
    elif info.get("oauth2Issuer"):
        issuer = str(info["oauth2Issuer"]).rstrip("/")
        try:
            async with session.get(f"{issuer}/.well-known/oauth-authorization-server") as meta:
                endpoint = str((await meta.json())["token_endpoint"])
        except (TimeoutError, aiohttp.ClientError, ValueError, KeyError) as exc:
            raise SigningError("Không tìm được địa chỉ cấp token của dịch vụ ký từ xa.",
                               detail=repr(exc)) from None
    else:
        raise SigningError("Dịch vụ ký từ xa không cho biết máy chủ OAuth2 (info).")
    form = {"grant_type": "client_credentials", "client_id": spec.client_id,
            "client_secret": client_secret(spec, who), "scope": "service"}
    data = await _call(session, endpoint, form=form)
    if not data.get("access_token"):
        raise SigningError("Dịch vụ ký từ xa không cấp token truy cập.")
    return str(data["access_token"])


async def _connect(spec: CscSpec, who: str, timeout: float, *, send_code: bool) -> _Service:
    """Log in, read the credential (and send the official an SMS code if asked)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        token = await _token(session, spec, who)
        info = CSCServiceSessionInfo(spec.url, spec.credential_id, oauth_token=token,
                                     api_ver=API_VERSION)
        try:
            credential = await fetch_certs_in_csc_credential(session, info, int(timeout))
        except PyHankoSigningError as exc:
            raise SigningError(f"Không đọc được chứng thư số '{spec.credential_id}' trên dịch "
                               f"vụ ký từ xa của {who}.", detail=repr(exc.__cause__ or exc)) \
                from None
        if send_code and spec.otp is OtpDelivery.SMS:
            await _call(session, info.endpoint_url("credentials/sendOTP"),
                        body={"credentialID": spec.credential_id}, headers=info.auth_headers)
    return _Service(info, credential)


def send_code(profile: Profile, settings: SignSettings) -> str:
    """Have the service send the official a one-time code for the next batch (an SMS code;
    an app code needs nothing sent); what to tell the official."""
    spec = _spec(profile)
    who = f"hồ sơ ký '{profile.name}'"
    asyncio.run(_connect(spec, who, settings.network_timeout, send_code=True))
    if spec.otp is OtpDelivery.SMS:
        return "Dịch vụ ký từ xa đã gửi mã OTP qua SMS tới điện thoại của người ký."
    return "Lấy mã OTP trên ứng dụng xác thực của người ký."


def ask_code(profile: Profile, settings: SignSettings, prompt: Prompt | None = None,
             *, sent: bool = False) -> ActivationSecret:
    """The official's one-time code for one batch, asked on the terminal (or ``prompt``)
    once the service has sent it."""
    notice = "" if sent else send_code(profile, settings) + "\n"
    ask = prompt or getpass.getpass
    try:
        code = ask(f"{notice}Mã OTP cho hồ sơ ký '{profile.name}': ").strip()
    except (EOFError, OSError):
        raise SigningError(f"Không có mã OTP cho hồ sơ ký '{profile.name}': hãy ký ở terminal "
                           "hoặc trên trang ký số.") from None
    if not code:
        raise SigningError("Chưa nhập mã OTP: lô không được ký.")
    return ActivationSecret(code, "csc")


def open_remote(profile: Profile, settings: SignSettings, activation: ActivationSecret | None,
                prompt: Prompt | None = None) -> RemoteKey:
    """The remote credential for one batch, activated by ``activation`` (else the code is
    sent and asked once). Nothing is signed yet: the code is spent when the batch's hashes
    are authorised."""
    spec = _spec(profile)
    who = f"hồ sơ ký '{profile.name}'"
    if activation is None and prompt is None and \
            threading.current_thread() is not threading.main_thread():
        # A server's job thread has no one to ask: the signer's code must come with the job.
        raise SigningError(f"Hồ sơ ký '{profile.name}' dùng dịch vụ ký từ xa: người ký phải "
                           "nhập mã OTP cho lô này.")
    service = asyncio.run(_connect(spec, who, settings.network_timeout,
                                   send_code=activation is None))
    credential = service.credential
    verdict = check_key(credential.signing_cert, settings,
                        can_pss="rsassa_pss" in credential.supported_mechanisms)
    if activation is None:
        activation = ask_code(profile, settings, prompt, sent=True)
    auth = OneTimeCodeAuthorization(service.session_info, credential, activation.secret,
                                    check_digest(settings), settings.network_timeout)
    signer = CscBatchSigner(auth, prefer_pss=verdict.prefer_pss,
                            timeout=int(settings.network_timeout))
    return RemoteKey(signer, credential.signing_cert, list(credential.chain), verdict)


class OneTimeCodeAuthorization(CSCAuthorizationManager):
    """Gets the batch's SAD with the official's one-time code: ``numSignatures`` and the
    hashes of the whole batch, in one ``credentials/authorize`` call. The code is sent once
    and forgotten whatever the answer."""

    def __init__(self, session_info: CSCServiceSessionInfo, credential: CSCCredentialInfo,
                 code: str, digest: str, timeout: float) -> None:
        super().__init__(session_info, credential)
        self._code: str | None = code
        self.digest_oid = algos.DigestAlgorithmId(digest).dotted
        self.timeout = timeout
        #: Why the authorisation failed, for every document waiting on it.
        self.failure: SigningError | None = None

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        code, self._code = self._code, None
        if code is None:
            raise SigningError("Mã OTP của lô này đã được dùng; hãy yêu cầu mã mới.")
        body = {"credentialID": self.csc_session_info.credential_id,
                "numSignatures": len(hash_b64s), "hashes": hash_b64s,
                "hashAlgorithmOID": self.digest_oid,
                "authData": [{"id": "OTP", "value": code}],
                "description": f"Ký số {len(hash_b64s)} tài liệu"}
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                data = await _call(session, url, body=body, headers=self.auth_headers)
            return self.parse_csc_auth_response(data)
        except CscRefusal as exc:
            self.failure = _refusal(exc)
        except (SigningError, PyHankoSigningError) as exc:
            self.failure = SigningError(getattr(exc, "message", "") or
                                        "Dịch vụ ký từ xa không cấp quyền ký cho lô này.",
                                        detail=repr(exc))
        raise self.failure


def _refusal(exc: CscRefusal) -> SigningError:
    if exc.error in WRONG_CODE:
        return SigningError(WRONG_CODE_MESSAGE, detail=exc.detail)
    if "locked" in f"{exc.detail} {exc.message}".lower():
        return SigningError("Chứng thư số trên dịch vụ ký từ xa đã bị khóa do nhập sai mã nhiều "
                            "lần; liên hệ nhà cung cấp dịch vụ.", detail=exc.detail)
    return exc


@dataclass
class _Slot:
    """One document of the batch: whether its hash has joined the batch."""

    arrived: bool = False


_DOCUMENT: contextvars.ContextVar[_Slot] = contextvars.ContextVar("sohoa_csc_document")


class CscBatchSigner(CSCSigner):
    """pyHanko's CSC signer with the batch's documents as one CSC batch: the batch commits
    (authorise, then one ``signHash``) when every document has either added its hash or
    finished without one (skipped, failed before signing). The authorisation is spent then;
    a later signature in the same batch is refused rather than waiting for ever."""

    def __init__(self, auth: OneTimeCodeAuthorization, *, prefer_pss: bool, timeout: int) -> None:
        # The HTTP session belongs to the event loop the batch runs in, which starts after the
        # key is unlocked: :meth:`commit` opens one there.
        super().__init__(cast(aiohttp.ClientSession, None), auth, sign_timeout=timeout,
                         prefer_pss=prefer_pss, batch_autocommit=True)
        self.auth = auth
        self._arrived = 0
        self._spent = False

    def expect(self, count: int) -> None:
        limit = self.auth.credential_info.max_batch_size
        if count > limit:
            raise SigningError(f"Dịch vụ ký từ xa cho phép tối đa {limit} chữ ký cho một lần "
                               f"xác thực; lô có {count} tài liệu: hãy chia thành lô nhỏ hơn.")
        self.batch_size, self._arrived, self._spent = count, 0, False

    @contextlib.asynccontextmanager
    async def document(self) -> AsyncIterator[None]:
        slot = _Slot()
        token = _DOCUMENT.set(slot)
        try:
            yield
        finally:
            _DOCUMENT.reset(token)
            if not slot.arrived and not self._spent:
                await self._withdraw()

    async def _withdraw(self) -> None:
        """A document finished without a hash: the batch waits for one fewer."""
        self.batch_size -= 1
        if self.batch_size > 0 and self._arrived == self.batch_size:
            self._spent = True
            try:
                await self.commit()
            except Exception as exc:  # the documents waiting for their signature report it
                log.debug("CSC batch commit failed: %r", exc)

    async def commit(self) -> None:
        async with aiohttp.ClientSession() as session:
            self.session = session
            await super().commit()

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        if dry_run:  # size estimate only
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        slot = _DOCUMENT.get(None)
        if slot is None or slot.arrived or self._spent:
            raise SigningError("Mã OTP của lô đã được dùng cho các tài liệu khác; tài liệu này "
                               "chưa được ký, hãy ký lại trong lô mới.")
        slot.arrived = True
        self._arrived += 1
        if self._arrived == self.batch_size:
            self._spent = True  # this hash completes the batch: pyHanko commits it now
        try:
            return await super().async_sign_raw(data, digest_algorithm)
        except PyHankoSigningError as exc:
            failure = self.auth.failure
            if failure is not None:
                raise SigningError(failure.message, detail=failure.detail) from None
            raise SigningError("Dịch vụ ký từ xa không trả chữ ký cho lô này; tài liệu chưa "
                               "được ký.", detail=repr(exc.__cause__ or exc)) from None

    async def format_csc_signing_req(self, tbs_hashes: list[str],
                                     digest_algorithm: str) -> dict[str, Any]:
        """pyHanko's request in v2 names (``hashes``, ``hashAlgorithmOID``)."""
        req = await super().format_csc_signing_req(tbs_hashes, digest_algorithm)
        req["hashes"] = req.pop("hash")
        req["hashAlgorithmOID"] = req.pop("hashAlgo")
        return req
