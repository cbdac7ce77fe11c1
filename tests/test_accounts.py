"""Accounts, sessions and CSRF (issue 14): argon2id hashes, TOTP once per code, lockout,
idle and absolute session expiry, the login page, logout, and the ``sohoa user`` commands,
all through the real app on a real local kho and SQLite index."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pipeline.accounts.sessions import COOKIE, Sessions, digest
from pipeline.accounts.store import Accounts, LoginRefused, parse_roles
from pipeline.api.app import create_app
from pipeline.api.auth import require_role
from pipeline.api.identity import Actor, StaffRole
from pipeline.api.keys import ApiKeys, Scope
from pipeline.config import AuthSettings, Settings
from pipeline.errors import InputError
from pipeline.store import DocumentStore, open_store
from tests.accounts_env import Person, form_token, logged_in, login, make_person


@dataclass
class Site:
    app: FastAPI
    store: DocumentStore
    settings: Settings
    accounts: Accounts

    def client(self) -> TestClient:
        # https: the session cookie is Secure (a browser treats 127.0.0.1 as secure too).
        return TestClient(self.app, base_url="https://testserver")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    settings = Settings(home=tmp_path / "var",
                        auth=AuthSettings(max_failed_logins=3, lockout_minutes=10))
    store = open_store(settings)
    app = create_app(settings, store)
    yield Site(app, store, settings, app.state.services.accounts)


def test_passwords_are_argon2id_and_totp_secrets_sealed(site: Site) -> None:
    person = make_person(site.accounts, "nguyen-van-an", "official")
    raw = b"".join(p.read_bytes() for p in site.settings.home.glob("index.sqlite3*"))
    assert b"$argon2id$" in raw
    assert person.password.encode() not in raw and person.secret.encode() not in raw
    with pytest.raises(InputError, match="đã có"):
        site.accounts.add("nguyen-van-an", "Người khác", parse_roles("reviewer"),
                          "mot-mat-khau-khac")
    with pytest.raises(InputError, match="ít nhất"):
        site.accounts.add("ngan", "Ngắn", parse_roles("reviewer"), "ngan")
    with pytest.raises(InputError, match="Vai trò 'sep'"):
        parse_roles("official,sep")


def test_login_sets_a_strict_session_cookie_and_a_code_is_good_once(site: Site) -> None:
    person = make_person(site.accounts, "an", "official,clerk", "Nguyễn Văn An")
    browser = site.client()
    assert browser.get("/", follow_redirects=False).headers["location"] == "/dang-nhap"
    code = person.code()
    done = login(browser, person, code)
    assert done.status_code == 303 and done.headers["location"] == "/"
    cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith(COOKIE))
    flags = {p.strip().lower() for p in cookie.split(";")}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    token = cookie.split(";")[0].split("=", 1)[1]
    raw = b"".join(p.read_bytes() for p in site.settings.home.glob("index.sqlite3*"))
    assert token.encode() not in raw and digest(token).encode() in raw  # only its hash
    me = browser.get("/v1/session").json()
    assert me["username"] == "an" and me["auth"] == "password+totp"
    assert {r["role"] for r in me["roles"]} == {"official", "clerk"}
    assert browser.get("/").status_code == 200

    # The same code again, even with the right password, is refused (replay).
    again = site.client()
    replay = login(again, person, code)
    assert replay.status_code == 401 and "không đúng" in replay.text
    assert again.get("/v1/session").status_code == 401


def test_failed_logins_lock_the_account_for_a_while(site: Site) -> None:
    person = make_person(site.accounts, "binh", "reviewer")
    browser = site.client()
    wrong = dataclasses.replace(person, password="khong-phai-mat-khau")
    for _ in range(3):
        refused = login(browser, wrong, "000000")
        assert refused.status_code == 401
        assert "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng" in refused.text
    locked = login(browser, person)  # the right password and code: still locked
    assert locked.status_code == 401 and "tạm khóa" in locked.text
    later = time.time() + 11 * 60
    step = int(later // 30)
    account = site.accounts.login("binh", person.password, pyotp.TOTP(person.secret).at(later),
                                  site.settings.auth, now=later)
    assert account.username == "binh" and step > 0
    # A wrong code counts the same as a wrong password, and unknown users get the same answer.
    with pytest.raises(LoginRefused, match="không đúng"):
        site.accounts.login("binh", person.password, "000000", site.settings.auth, now=later)
    with pytest.raises(LoginRefused, match="không đúng"):
        site.accounts.login("khong-co-ai", person.password, "123456", site.settings.auth,
                            now=later)


def test_the_login_form_needs_its_own_token(site: Site) -> None:
    person = make_person(site.accounts, "chi", "reviewer")
    browser = site.client()
    page = browser.get("/dang-nhap")
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    assert "Mã xác thực" in page.text and "http://" not in page.text
    assert "<div hidden>" in page.text  # no provider configured: no button for it
    forged = site.client()  # another site's form: no login cookie, a made-up token
    answer = forged.post("/dang-nhap", data={"csrf": form_token(page.text), "username": "chi",
                                              "password": person.password,
                                              "code": person.code()}, follow_redirects=False)
    assert answer.status_code == 403 and "hết hạn" in answer.text


def test_state_changes_on_a_session_need_the_csrf_token(site: Site) -> None:
    person = make_person(site.accounts, "dung", "official")
    browser = site.client()
    token = logged_in(browser, person)
    del browser.headers["X-CSRF-Token"]
    body = {"profile": "official", "documents": ["a" * 24]}
    missing = browser.post("/v1/signing/jobs", json=body)
    assert missing.status_code == 403 and missing.json()["error"]["code"] == "thieu-ma-csrf"
    wrong = browser.post("/v1/signing/jobs", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "thieu-ma-csrf"
    # With the token the request goes through to the signing rules (no such profile here).
    right = browser.post("/v1/signing/jobs", json=body, headers={"X-CSRF-Token": token})
    assert right.status_code == 404 and right.json()["error"]["code"] == "khong-co-ho-so-ky"
    # Reads need no token; logout without it is refused, with it (the form field) it works.
    assert browser.get("/v1/session").status_code == 200
    assert browser.post("/dang-xuat", follow_redirects=False).status_code == 403
    out = browser.post("/dang-xuat", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/dang-nhap"
    assert browser.get("/v1/session").status_code == 401


def test_sessions_expire_when_idle_and_at_the_absolute_limit(site: Site) -> None:
    assert site.store.index is not None
    sessions = Sessions(site.store.index, AuthSettings(session_idle_minutes=10,
                                                       session_hours=1))
    roles = frozenset({StaffRole.REVIEWER})
    start = time.time()
    token = sessions.create("e", "E", roles, "password+totp", now=start)
    assert sessions.find(token, now=start + 9 * 60) is not None  # within idle: restarted
    assert sessions.find(token, now=start + 18 * 60) is not None
    assert sessions.find(token, now=start + 29 * 60) is None  # 11 min idle: gone
    assert sessions.find(token, now=start + 1) is None  # and deleted, not just hidden
    busy = sessions.create("e", "E", roles, "password+totp", now=start)
    for minute in range(5, 60, 5):
        assert sessions.find(busy, now=start + minute * 60) is not None
    assert sessions.find(busy, now=start + 61 * 60) is None  # absolute limit, however busy


def test_a_disabled_account_is_logged_out_and_cannot_log_in(site: Site) -> None:
    person = make_person(site.accounts, "giang", "clerk")
    browser = site.client()
    logged_in(browser, person)
    environ = {"SOHOA_HOME": str(site.settings.home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "user", "disable", "giang"],
                          env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "vô hiệu hóa" in done.stderr
    assert browser.get("/v1/session").status_code == 401
    refused = login(site.client(), person)
    assert refused.status_code == 401 and "vô hiệu hóa" in refused.text


def test_user_commands(site: Site, tmp_path: Path) -> None:
    environ = {"SOHOA_HOME": str(site.settings.home), "PATH": "/usr/bin:/bin"}
    secret_file = tmp_path / "mk.txt"
    secret_file.write_text("mat-khau-cua-hoa-123\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pipeline", "user", *args], env=environ,
                              capture_output=True, text=True, timeout=120)

    added = run("add", "hoa", "--name", "Lê Thị Hoa", "--role", "clerk,reviewer",
                "--password-file", str(secret_file), "--json")
    assert added.returncode == 0, added.stderr
    shown = json.loads(added.stdout)
    assert shown["totp_uri"].startswith("otpauth://totp/sohoa:hoa?secret=")
    assert "không hiển thị lại" not in added.stdout
    person = Person("hoa", "Lê Thị Hoa", "mat-khau-cua-hoa-123", shown["totp_secret"])
    logged_in(site.client(), person)
    listed = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert listed == [{"username": "hoa", "name": "Lê Thị Hoa", "roles": ["clerk", "reviewer"],
                       "disabled": False, "created_at": listed[0]["created_at"],
                       "locked_until": None}]
    assert shown["totp_secret"] not in run("list").stdout
    reset = run("reset-totp", "hoa", "--json")
    assert reset.returncode == 0, reset.stderr
    fresh = json.loads(reset.stdout)["totp_secret"]
    assert fresh != shown["totp_secret"]
    assert login(site.client(), person).status_code == 401  # the old secret is dead
    logged_in(site.client(), dataclasses.replace(person, secret=fresh, used=set()))
    bad = run("add", "x y", "--name", "X", "--role", "official", "--password-file",
              str(secret_file))
    assert bad.returncode != 0 and "Tên đăng nhập" in bad.stderr


def clerks_only(who: Annotated[Actor, require_role(StaffRole.CLERK)]) -> dict[str, Any]:
    """A route for records clerks only (mounted by the test below)."""
    return {"who": who.id, "via": who.via}


def test_role_checks_admit_only_people_with_the_role(site: Site) -> None:
    site.app.add_api_route("/kiem-thu/van-thu", clerks_only, methods=["POST"])
    clerk = make_person(site.accounts, "van-thu", "clerk")
    reviewer = make_person(site.accounts, "kiem-tra", "reviewer")
    as_clerk = site.client()
    logged_in(as_clerk, clerk)
    answer = as_clerk.post("/kiem-thu/van-thu")
    assert answer.status_code == 200 and answer.json()["who"] == "van-thu"
    assert answer.json()["via"].startswith("session:")
    as_reviewer = site.client()
    logged_in(as_reviewer, reviewer)
    refused = as_reviewer.post("/kiem-thu/van-thu")
    assert refused.status_code == 403 and "văn thư" in refused.json()["error"]["message"]
    assert site.store.index is not None
    _, key = ApiKeys(site.store.index).create("mọi quyền", frozenset(Scope))
    system = site.client().post("/kiem-thu/van-thu", headers={"Authorization": f"Bearer {key}"})
    assert system.status_code == 401  # a system is never a person


def test_accounts_sessions_grants_and_pin_counters_on_postgresql(pg_server: str,
                                                                 tmp_path: Path) -> None:
    """The same tables on the production database (its own dialect's upserts)."""
    from pipeline.accounts.store import open_accounts
    from pipeline.index import Index
    from pipeline.sign.state import Grants, PinGuard, ProfileLocked

    settings = Settings(home=tmp_path / "var", auth=AuthSettings(max_failed_logins=2))
    index = Index(pg_server)
    accounts = open_accounts(settings, index)
    person = make_person(accounts, f"pg-{time.time_ns()}", "official,clerk")
    code = person.code()
    account = accounts.login(person.username, person.password, code, settings.auth)
    assert account.roles == {StaffRole.OFFICIAL, StaffRole.CLERK}
    with pytest.raises(LoginRefused):  # the same code twice
        accounts.login(person.username, person.password, code, settings.auth)
    with pytest.raises(LoginRefused):  # the second failure in a row locks (max 2)
        accounts.login(person.username, "sai-mat-khau-roi", "000000", settings.auth)
    with pytest.raises(LoginRefused, match="tạm khóa"):
        accounts.login(person.username, person.password, person.code(), settings.auth)
    sessions = Sessions(index, settings.auth)
    token = sessions.create(person.username, "P", account.roles, "password+totp")
    found = sessions.find(token)
    assert found is not None and found.actor().via == f"session:{found.short_id}"
    assert sessions.end_all(person.username) == 1 and sessions.find(token) is None
    grants = Grants(index)
    assert grants.grant("copy", "c1") and not grants.grant("copy", "c1")
    assert grants.has("copy", "c1") and grants.revoke("copy", "c1")
    guard = PinGuard(index, dataclasses.replace(settings.sign, pin_attempts=2))
    name = f"pg-pin-{time.time_ns()}"
    assert "Còn 1 lần" in guard.failed(name).message
    assert isinstance(guard.failed(name), ProfileLocked)
    with pytest.raises(ProfileLocked):
        guard.check(name)
