"""The signing API with people in it, for the tests: the dev PKI and its profiles, extra
profiles (a second official's, a "pin" one), accounts for every role, and helpers to sign
through the API as a logged-in person."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pipeline.accounts.store import Accounts
from pipeline.api.app import create_app
from pipeline.api.keys import ApiKeys, Scope
from pipeline.sign.devsetup import DEV_OWNER
from pipeline.sign.profiles import profile_path
from tests.accounts_env import Person, logged_in, make_person
from tests.sign_env import SignEnv

#: Seconds a job may take on a loaded machine.
JOB_TIMEOUT = 180.0


def derived_profile(env: SignEnv, name: str, *, owner: str | None = None,
                    pin: bool = False) -> Path:
    """A profile made from the dev official's: another owner, or activated by a PIN typed
    for the batch (a production-shaped profile: no dev mark, no secret file)."""
    text = profile_path(env.settings, "official").read_text(encoding="utf-8")
    if owner is not None:
        text = re.sub(r'(?m)^owner = ".*"$', f'owner = "{owner}"', text)
    if pin:
        text = re.sub(r"(?m)^(dev = true|activation = \"unattended\"|secret_file = .*)\n", "",
                      text)
        text = 'activation = "pin"\n' + text
    path = profile_path(env.settings, name)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class SigningSite:
    env: SignEnv
    app: FastAPI
    accounts: Accounts
    official: Person  # owns "official" (dev) and "official-pin"
    official_b: Person  # owns "official-b"
    reviewer: Person
    clerk: Person
    system_key: str  # every scope, no grant

    def client(self, person: Person | None = None) -> TestClient:
        client = TestClient(self.app, base_url="https://testserver")
        if person is not None:
            logged_in(client, person)
        return client


def signing_site(env: SignEnv) -> SigningSite:
    derived_profile(env, "official-b", owner="pho-chu-tich-b")
    derived_profile(env, "official-pin", pin=True)
    app = create_app(env.settings, env.store)
    accounts: Accounts = app.state.services.accounts
    assert env.store.index is not None
    _, key = ApiKeys(env.store.index).create("Cổng DVC (mọi quyền)", frozenset(Scope))
    return SigningSite(
        env, app, accounts,
        make_person(accounts, DEV_OWNER, "official", "Nguyễn Văn An"),
        make_person(accounts, "pho-chu-tich-b", "official", "Trần Thị Bích"),
        make_person(accounts, "kiem-tra", "reviewer,scanner,admin", "Lê Kiểm Tra"),
        make_person(accounts, "van-thu", "clerk", "Phạm Văn Thư"), key)


def shown(client: TestClient, profile: str, ids: list[str]) -> dict[str, str]:
    """What the page does: the queue's current version of each document."""
    queue = client.get(f"/v1/signing/queue?profile={profile}&limit=200")
    assert queue.status_code == 200, queue.text
    found = {i["id"]: i["sha256"] for i in queue.json()["items"]}
    return {d: found[d] for d in ids if d in found}


def run_job(client: TestClient, profile: str, ids: list[str], **extra: Any) -> dict[str, Any]:
    """Start a job and follow it to its end; the finished job."""
    body = {"profile": profile, "documents": ids, **extra}
    started = client.post("/v1/signing/jobs", json=body)
    assert started.status_code == 202, started.text
    job: dict[str, Any] = started.json()
    deadline = time.monotonic() + JOB_TIMEOUT
    while job["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = client.get(f"/v1/signing/jobs/{job['id']}").json()
    return job
