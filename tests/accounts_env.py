"""People for the tests: accounts made through the real store, logged in through the real
login form (password + a TOTP code computed with pyotp, as the person's phone would)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import pyotp

from pipeline.accounts.store import Accounts, parse_roles

PASSWORD = "mat-khau-thu-nghiem-dai"


@dataclass
class Person:
    username: str
    name: str
    password: str
    secret: str
    #: Time steps whose code was already used (a code is good once).
    used: set[int] = field(default_factory=set)

    def code(self) -> str:
        """A code the server has not seen yet: this step's, else the next one (accepted as
        clock drift), else wait for a fresh step."""
        totp = pyotp.TOTP(self.secret)
        while True:
            now = int(time.time() // totp.interval)
            for step in (now, now + 1):
                if step not in self.used and all(step > u for u in self.used):
                    self.used.add(step)
                    return totp.generate_otp(step)
            time.sleep(1.0)


def make_person(accounts: Accounts, username: str, roles: str,
                name: str | None = None) -> Person:
    account, secret = accounts.add(username, name or username.title(), parse_roles(roles),
                                   PASSWORD)
    return Person(account.username, account.name, PASSWORD, secret)


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the login page has no form token"
    return found.group(1)


def login(client: Any, person: Person, code: str | None = None) -> Any:
    """Log ``client`` (a TestClient on https://…) in; the login POST's response."""
    page = client.get("/dang-nhap")
    assert page.status_code == 200, page.text
    return client.post("/dang-nhap", data={
        "csrf": form_token(page.text), "username": person.username,
        "password": person.password, "code": code or person.code()}, follow_redirects=False)


def logged_in(client: Any, person: Person) -> str:
    """Log in and return the session's CSRF token."""
    done = login(client, person)
    assert done.status_code == 303, done.text
    session = client.get("/v1/session")
    assert session.status_code == 200, session.text
    token: str = session.json()["csrf"]
    client.headers["X-CSRF-Token"] = token
    return token
