"""Production login: OpenID Connect against the province's identity provider (Authlib).

Authorization code flow with PKCE (S256) and a nonce. What the browser must bring back
(state, nonce, code verifier, where it was sent back to) travels in a short-lived cookie
sealed with the home's accounts key, so it is bound to that browser and any server process
can finish the login. The ID token is checked against the provider's keys (JWKS), issuer,
audience, expiry and nonce; the person's roles come from a configurable claim, mapped to ours.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from pipeline.accounts.keyfile import Sealer
from pipeline.accounts.store import USERNAME, LoginRefused
from pipeline.api.identity import StaffRole
from pipeline.config import AuthSettings

#: Cookie carrying the sealed login state between the redirect and the callback.
STATE_COOKIE = "__Host-sohoa-oidc"
#: Seconds a login started at the provider may take.
STATE_SECONDS = 600
_PURPOSE = "oidc-login"
_TIMEOUT = 15.0


@dataclass(frozen=True)
class Identity:
    username: str
    name: str
    roles: frozenset[StaffRole]


class OidcError(LoginRefused):
    code = "dang-nhap-oidc-that-bai"


class OidcLogin:
    """One provider, its discovery document and keys fetched once per process."""

    def __init__(self, settings: AuthSettings, sealer: Sealer) -> None:
        self.settings = settings
        self.sealer = sealer
        self._metadata: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def _client(self, redirect_uri: str) -> Any:
        with warnings.catch_warnings():
            # Authlib would rather have httpx2; httpx is what this project ships.
            warnings.filterwarnings("ignore", message=".*httpx2.*")
            from authlib.integrations.httpx_client import OAuth2Client
        return OAuth2Client(client_id=self.settings.oidc_client_id,
                            client_secret=self.settings.oidc_client_secret or None,
                            scope=self.settings.oidc_scopes, redirect_uri=redirect_uri,
                            code_challenge_method="S256", timeout=_TIMEOUT)

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None:
                issuer = self.settings.oidc_issuer.rstrip("/")
                found = _get_json(f"{issuer}/.well-known/openid-configuration")
                if str(found.get("issuer", "")).rstrip("/") != issuer:
                    raise OidcError("Nhà cung cấp định danh trả về issuer không khớp cấu hình "
                                    "(auth.oidc_issuer).")
                found["jwks"] = _get_json(str(found["jwks_uri"]))
                self._metadata = found
            return self._metadata

    def start(self, redirect_uri: str) -> tuple[str, str]:
        """The provider's authorization URL and the sealed state for the cookie."""
        meta = self.metadata()
        verifier, nonce = generate_token(64), generate_token(32)
        url, state = self._client(redirect_uri).create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
        sealed = self.sealer.seal(json.dumps({"state": state, "nonce": nonce, "verifier": verifier,
                                              "redirect": redirect_uri, "at": time.time()})
                                  .encode(), _PURPOSE)
        return str(url), sealed

    def finish(self, sealed: str | None, state: str, code: str) -> Identity:
        """Who logged in, once the code is exchanged and the ID token checked."""
        opened = self.sealer.open(sealed or "", _PURPOSE)
        saved = json.loads(opened) if opened else None
        if saved is None or time.time() - float(saved["at"]) > STATE_SECONDS \
                or saved["state"] != state or not code:
            raise OidcError("Phiên đăng nhập qua nhà cung cấp định danh không hợp lệ hoặc đã "
                            "hết hạn; hãy đăng nhập lại.")
        meta = self.metadata()
        client = self._client(saved["redirect"])
        try:
            token = client.fetch_token(meta["token_endpoint"], code=code,
                                       code_verifier=saved["verifier"],
                                       grant_type="authorization_code")
        except Exception as exc:  # authlib raises OAuthError, httpx its own
            raise OidcError("Nhà cung cấp định danh từ chối mã đăng nhập.",
                            detail=repr(exc)) from None
        try:
            claims = self._id_token(meta, token, saved["nonce"])
        except OidcError:
            # The provider may have rotated its keys since they were fetched: once more with
            # fresh keys before refusing.
            with self._lock:
                self._metadata = None
            meta = self.metadata()
            claims = self._id_token(meta, token, saved["nonce"])
        if self.settings.oidc_roles_claim not in claims and meta.get("userinfo_endpoint"):
            response = client.get(meta["userinfo_endpoint"])
            if response.status_code == 200:
                userinfo = response.json()
                if userinfo.get("sub") == claims.get("sub"):
                    claims = {**userinfo, **claims}
        return self.identity(claims)

    def _id_token(self, meta: dict[str, Any], token: dict[str, Any],
                  nonce: str) -> dict[str, Any]:
        if "id_token" not in token:
            raise OidcError("Nhà cung cấp định danh không trả về ID token.")
        algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
        try:
            decoded = jwt.decode(token["id_token"], KeySet.import_key_set(meta["jwks"]),
                                 algorithms=[a for a in algorithms if a != "none"])
            checked = CodeIDToken(
                decoded.claims, decoded.header,
                {"iss": {"essential": True, "value": meta["issuer"]},
                 "aud": {"essential": True, "value": self.settings.oidc_client_id}},
                {"nonce": nonce, "client_id": self.settings.oidc_client_id,
                 "access_token": token.get("access_token")})
            checked.validate(leeway=60)
            aud = decoded.claims.get("aud")
            if self.settings.oidc_client_id not in (aud if isinstance(aud, list) else [aud]):
                raise OidcError("ID token không dành cho ứng dụng này (aud).")
        except (JoseError, ValueError) as exc:
            raise OidcError("ID token của nhà cung cấp định danh không hợp lệ.",
                            detail=repr(exc)) from None
        return dict(decoded.claims)

    def identity(self, claims: dict[str, Any]) -> Identity:
        """The person and their roles from the claims (unknown provider roles ignored)."""
        username = str(claims.get(self.settings.oidc_username_claim) or "").strip().lower()
        if not USERNAME.match(username):
            raise OidcError(f"Tài khoản định danh không có tên đăng nhập hợp lệ (claim "
                            f"{self.settings.oidc_username_claim}).")
        raw = claims.get(self.settings.oidc_roles_claim) or []
        values = raw.split() if isinstance(raw, str) else [str(v) for v in raw]
        mapping = self.settings.role_map()
        roles = set()
        for value in values:
            name = mapping.get(value, "" if mapping else value)
            if name in {r.value for r in StaffRole}:
                roles.add(StaffRole(name))
        if not roles:
            raise OidcError(f"Tài khoản “{username}” chưa được giao vai trò nào trong sohoa "
                            f"(claim {self.settings.oidc_roles_claim}).")
        return Identity(username, str(claims.get("name") or username), frozenset(roles))


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=_TIMEOUT)
        response.raise_for_status()
        found = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError("Không kết nối được nhà cung cấp định danh.", detail=repr(exc)) from None
    if not isinstance(found, dict):
        raise OidcError("Nhà cung cấp định danh trả về dữ liệu không hợp lệ.")
    return found
