"""Production login (issue 14): OpenID Connect against a provider the test starts on
127.0.0.1 (``tests/oidc_server.py``), the whole redirect flow driven by httpx: our app sends
the browser to the provider with PKCE and a nonce, the provider sends it back with a code,
the app exchanges it, checks the RS256 ID token against the provider's keys and opens a
session with the roles from the configured claim."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from pipeline.api.app import create_app
from pipeline.config import AuthSettings, Settings
from pipeline.store import open_store
from tests.oidc_server import OidcServer, Provider, User

CALLBACK = "https://testserver/dang-nhap/oidc/callback"


@dataclass
class World:
    provider: Provider
    app: TestClient


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    provider = Provider("sohoa-mot-cua", "bi-mat-cua-ung-dung", {CALLBACK})
    server = OidcServer(provider)
    try:
        settings = Settings(home=tmp_path / "var", auth=AuthSettings(
            oidc_issuer=provider.issuer, oidc_client_id="sohoa-mot-cua",
            oidc_client_secret="bi-mat-cua-ung-dung",
            oidc_role_map="lanh-dao=official,van-thu=clerk,can-bo=reviewer"))
        app = create_app(settings, open_store(settings))
        with TestClient(app, base_url="https://testserver") as client:
            yield World(provider, client)
    finally:
        server.close()


def _flow(world: World, browser: TestClient | None = None) -> httpx.Response:
    """The browser's part: to the provider and back; the app's answer to the callback."""
    browser = browser or world.app
    start = browser.get("/dang-nhap/oidc", follow_redirects=False)
    assert start.status_code == 302, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False, timeout=30)
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["location"]
    assert back.startswith(CALLBACK)
    answer: httpx.Response = browser.get(back.removeprefix("https://testserver"),
                                         follow_redirects=False)
    return answer


def test_an_official_logs_in_through_the_provider(world: World) -> None:
    world.provider.user = User("sub-1", "nguyen-van-an", "Nguyễn Văn An", ["lanh-dao", "khac"])
    page = world.app.get("/dang-nhap")
    assert "Đăng nhập bằng tài khoản" in page.text and "<div hidden>" not in page.text
    done = _flow(world)
    assert done.status_code == 200 and 'http-equiv="refresh"' in done.text
    me = world.app.get("/v1/session").json()
    assert me["username"] == "nguyen-van-an" and me["name"] == "Nguyễn Văn An"
    assert me["auth"] == "oidc" and [r["role"] for r in me["roles"]] == ["official"]
    sent = world.provider.seen[-1]
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) >= 43
    assert sent["nonce"] and sent["state"]
    assert world.app.get("/").status_code == 200


def test_roles_from_userinfo_when_the_token_has_none(world: World) -> None:
    world.provider.user = User("sub-2", "van-thu", "Phạm Văn Thư", ["van-thu"],
                               roles_in_userinfo_only=True)
    assert _flow(world).status_code == 200
    assert [r["role"] for r in world.app.get("/v1/session").json()["roles"]] == ["clerk"]


def test_refusals(world: World) -> None:
    # No role known to sohoa: no session.
    world.provider.user = User("sub-3", "khach", "Khách", ["khach"])
    refused = _flow(world)
    assert refused.status_code == 401 and "chưa được giao vai trò" in refused.text
    assert world.app.get("/v1/session").status_code == 401

    # A forged ID token (signed with a key the provider does not publish).
    world.provider.user = User("sub-4", "gia-mao", "Giả Mạo", ["lanh-dao"])
    world.provider.forge = True
    forged = _flow(world)
    assert forged.status_code == 401 and "ID token" in forged.text
    world.provider.forge = False

    # The callback in another browser (no state cookie), and a code used twice.
    start = world.app.get("/dang-nhap/oidc", follow_redirects=False)
    back = httpx.get(start.headers["location"], follow_redirects=False, timeout=30)
    path = back.headers["location"].removeprefix("https://testserver")
    with TestClient(world.app.app, base_url="https://testserver") as other:
        stolen = other.get(path, follow_redirects=False)
        assert stolen.status_code == 401 and "không hợp lệ" in stolen.text
        assert other.get("/v1/session").status_code == 401
    assert world.app.get(path, follow_redirects=False).status_code == 200
    assert world.app.get(path, follow_redirects=False).status_code == 401  # not twice

    # The provider says no.
    world.provider.user = None
    denied = _flow(world)
    assert denied.status_code == 401 and "access_denied" in denied.text
