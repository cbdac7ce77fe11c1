"""A small OpenID Connect provider on 127.0.0.1 for the login tests: the real protocol,
not a stub of our client.

Discovery document, JWKS, the authorization endpoint (authorization code with PKCE S256 and
a nonce; the person who "logs in" is chosen by the test, as if they had typed their password
at the provider), the token endpoint (client secret, single-use codes, PKCE checked) issuing
an RS256-signed ID token, and userinfo. Roles can be put in the ID token or only in userinfo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class User:
    sub: str
    username: str
    name: str
    roles: list[str]
    #: Roles only in userinfo, not in the ID token.
    roles_in_userinfo_only: bool = False


@dataclass
class _Grant:
    user: User
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    method: str


@dataclass
class Provider:
    client_id: str
    client_secret: str
    redirect_uris: set[str]
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "sohoa-test", "use": "sig", "alg": "RS256"}))
    #: Who logs in at the next authorization request.
    user: User | None = None
    #: Sign ID tokens with a key that is not in the JWKS (a forged token).
    forge: bool = False
    issuer: str = ""
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, User] = field(default_factory=dict)
    #: What authorization requests said (the test checks PKCE and nonce were sent).
    seen: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {"issuer": base, "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
                "userinfo_endpoint": f"{base}/userinfo", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "scopes_supported": ["openid", "profile"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                          "client_secret_post"]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        self.seen.append(query)
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect not in self.redirect_uris:
            return 400, {}, {"error": "invalid_request"}
        if query.get("response_type") != "code" or "openid" not in query.get("scope", ""):
            return 400, {}, {"error": "unsupported_response_type"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, {"error": "invalid_request", "error_description": "PKCE required"}
        if self.user is None:
            params = {"error": "access_denied", "state": query.get("state", "")}
            return 302, {"Location": f"{redirect}?{urlencode(params)}"}, None
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = _Grant(self.user, self.client_id, redirect,
                                      query.get("nonce", ""), query["code_challenge"],
                                      query["code_challenge_method"])
        params = {"code": code, "state": query.get("state", "")}
        return 302, {"Location": f"{redirect}?{urlencode(params)}"}, None

    def token(self, form: dict[str, str], auth: str) -> tuple[int, dict[str, str], Any]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if auth.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return 401, {}, {"error": "invalid_client"}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {}, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
            .decode().rstrip("=")
        if not secrets.compare_digest(computed, grant.challenge):
            return 400, {}, {"error": "invalid_grant", "error_description": "PKCE mismatch"}
        access = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access] = grant.user
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "sub": grant.user.sub, "aud": self.client_id, "iat": now,
            "exp": now + 300, "nonce": grant.nonce, "name": grant.user.name,
            "preferred_username": grant.user.username}
        if not grant.user.roles_in_userinfo_only:
            claims["roles"] = grant.user.roles
        key = RSAKey.generate_key(2048, parameters={"kid": "sohoa-test"}) if self.forge \
            else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "sohoa-test"}, claims, key)
        return 200, {}, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                         "id_token": id_token, "scope": "openid profile"}

    def userinfo(self, auth: str) -> tuple[int, dict[str, str], Any]:
        user = self.tokens.get(auth[7:] if auth.lower().startswith("bearer ") else "")
        if user is None:
            return 401, {"WWW-Authenticate": "Bearer"}, {"error": "invalid_token"}
        return 200, {}, {"sub": user.sub, "name": user.name,
                         "preferred_username": user.username, "roles": user.roles}


class OidcServer:
    """The provider served on 127.0.0.1 in a thread, until ``close``."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        handler = _handler(provider)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        provider.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, {}, provider.discovery())
            elif url.path == "/jwks":
                self._send(200, {}, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                self._send(*provider.authorize(query))
            elif url.path == "/userinfo":
                self._send(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._send(404, {}, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                self._send(*provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._send(404, {}, {"error": "not_found"})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
