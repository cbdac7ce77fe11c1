"""The officials' page end to end (issues 8 and 14).

A real kho with three born-digital results, the dev PKI with its TSA, OCSP and CRLs served on
127.0.0.1 and its signer profiles plus a production-shaped "pin" profile
(``tests/sign_env.py``, ``tests/signing_site.py``), the official's account (password + TOTP),
the API under uvicorn in a thread, and Debian's Chromium driven headless by Playwright (its
own browsers are never downloaded): the official logs in with a code computed by pyotp, sees
only their own profiles, looks at a preview, selects three documents, types a wrong PIN (the
batch fails, nothing is signed), then the right one; ``sohoa verify`` and poppler's
``pdfsig`` call each signed document valid and each audit entry names the official.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.models import Status
from pipeline.sign import pdfsig
from tests.accounts_env import Person
from tests.api_server import serve
from tests.born_digital import slotted_quyet_dinh
from tests.sign_env import SignEnv, sign_env
from tests.signing_site import signing_site

pytestmark = pytest.mark.integration

#: Debian's package; another Chromium can be named for a local run.
CHROMIUM = Path(os.environ.get("SOHOA_TEST_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = ("The officials' page test drives Debian's Chromium with Playwright and needs "
                "{missing}. `make test` installs them (apt-get install chromium; "
                ".venv/bin/pip install playwright); Playwright's own browsers are not used.")
#: Signing three documents at B-LT (a timestamp each, revocation data once) takes seconds;
#: this is the ceiling on a loaded machine.
SIGN_TIMEOUT_MS = 180_000


@dataclass
class Served:
    env: SignEnv
    url: str
    official: Person
    ids: list[str]
    review: list[str]


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Fail, never skip, when the browser or its driver is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright")
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        missing.append("the Python package uvicorn")
    if missing:
        pytest.fail(INSTALL_HINT.format(missing=" and ".join(missing)), pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The kho, the dev PKI server, the accounts and the API on a free port, for the module."""
    root = tmp_path_factory.mktemp("officials")
    with sign_env(root) as env:
        ids = env.ingest_results(root / "in", 3, seed=808)
        assert all(env.store.get_record(d).status is Status.DONE for d in ids)
        # A decision exported with its number and date still blank waits in review: it is
        # never offered for signing.
        blank = root / "in" / "chua-so.pdf"
        blank.write_bytes(slotted_quyet_dinh(809).blank)
        review = [r.id for r in env.ingest_paths([blank])]
        assert env.store.get_record(review[0]).status is Status.REVIEW
        site = signing_site(env)
        with serve(site.app) as url:
            yield Served(env, url, site.official, ids, review)


def _get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def test_the_page_is_served_in_vietnamese_with_nothing_from_elsewhere(served: Served) -> None:
    from importlib import resources

    kind, login_page = _get(served.url + "/")  # no session: the login page
    assert kind.startswith("text/html") and '<html lang="vi">' in login_page
    assert "Tên đăng nhập" in login_page and "Mã xác thực" in login_page
    assert re.findall(r'(?:src|href)="([^"#]+)"', login_page) == ["/static/style.css",
                                                                   "/dang-nhap/oidc"]
    page = resources.files("pipeline.api").joinpath("static/index.html").read_text("utf-8")
    assets = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert sorted(assets) == ["static/app.js", "static/style.css"]
    for asset in assets:
        kind, text = _get(f"{served.url}/{asset}")
        assert kind.startswith("text/javascript" if asset.endswith(".js") else "text/css")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text
    for label in ("Đăng xuất", "Hồ sơ ký", "Hàng chờ ký", "Chọn tất cả", "Xem trước",
                  "Thông tin đọc được", "Ký các tài liệu đã chọn", "Đã ký", "Mã PIN"):
        assert label in page, label


def test_an_official_logs_in_and_signs_a_batch_with_a_pin(chromium: Path,
                                                          served: Served) -> None:
    from playwright.sync_api import ConsoleMessage, Request, expect, sync_playwright

    env, ids, official = served.env, served.ids, served.official
    password = env.pki.password().decode()
    problems: list[str] = []
    elsewhere: list[str] = []
    posted: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Chromium logs every non-2xx response; the wrong code below is one on purpose.
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith((served.url + "/", "blob:", "data:")):
            elsewhere.append(request.url)
        if request.method == "POST" and request.url.endswith("/v1/signing/jobs"):
            posted.append(request.headers.get("x-csrf-token", ""))

    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            page.set_default_timeout(30_000)
            page.on("console", on_console)
            page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
            page.on("request", on_request)
            page.goto(served.url + "/")
            expect(page).to_have_url(re.compile("/dang-nhap$"))

            # A wrong code: the server's Vietnamese message, still on the login page.
            page.get_by_label("Tên đăng nhập").fill(official.username)
            page.get_by_label("Mật khẩu").fill(official.password)
            page.get_by_label("Mã xác thực").fill("000000")
            page.get_by_test_id("login-submit").click()
            expect(page.get_by_test_id("login-error")).to_contain_text(
                "mật khẩu hoặc mã xác thực không đúng")
            page.get_by_label("Mật khẩu").fill(official.password)
            page.get_by_label("Mã xác thực").fill(official.code())
            page.get_by_test_id("login-submit").click()
            expect(page).to_have_title(re.compile("Ký số"))
            expect(page.get_by_test_id("who")).to_contain_text(official.name)

            # Only the official's own profiles; the PIN one chosen.
            options = page.get_by_test_id("profile-select").locator("option")
            expect(options).to_have_count(2)
            assert sorted(options.evaluate_all("os => os.map(o => o.value)")) == [
                "official", "official-pin"]
            page.get_by_label("Hồ sơ ký").select_option("official-pin")
            rows = page.get_by_test_id("queue-row")
            expect(rows).to_have_count(3)
            for doc_id in ids:
                expect(page.locator(f'tr[data-id="{doc_id}"]')).to_be_visible()
            expect(page.locator(f'tr[data-id="{served.review[0]}"]')).to_have_count(0)
            # Nothing of the session is readable by the page (HttpOnly), nothing kept.
            kept = page.evaluate("() => [document.cookie, localStorage.length, "
                                 "Object.keys(sessionStorage)]")
            assert kept == ["", 0, ["sohoa.profile"]]

            # A row shows its page and the fields read.
            first = env.store.get_record(ids[0])
            page.locator(f'tr[data-id="{ids[0]}"]').get_by_test_id("row-open").click()
            image = page.get_by_test_id("preview-image").first
            expect(image).to_be_visible()
            assert image.evaluate("img => img.naturalWidth") >= 400
            expect(page.get_by_test_id("preview-title")).to_contain_text(first.source.filename)
            read = {k for k, v in first.fields.items() if isinstance(v, dict)}
            assert read, "the generated result should have fields read"
            expect(page.get_by_test_id("field-row")).to_have_count(len(read))

            # Select all, none, then the three one by one.
            select_all = page.get_by_label("Chọn tất cả")
            select_all.check()
            expect(page.get_by_test_id("row-check").and_(page.locator(":checked"))) \
                .to_have_count(3)
            select_all.uncheck()
            sign = page.get_by_test_id("sign-button")
            expect(sign).to_be_disabled()
            for doc_id in ids:
                page.locator(f'tr[data-id="{doc_id}"]').get_by_test_id("row-check").check()
            expect(sign).to_have_text("Ký các tài liệu đã chọn (3)")

            # A wrong PIN: the batch stops with a clear message and signs nothing.
            sign.click()
            expect(page.get_by_test_id("pin-dialog")).to_be_visible()
            page.get_by_test_id("pin-input").fill("khong-phai-ma-pin")
            page.get_by_test_id("pin-ok").click()
            expect(page.get_by_test_id("error")).to_contain_text("Sai mã PIN",
                                                                 timeout=SIGN_TIMEOUT_MS)
            assert all(not env.store.get_record(d).signatures for d in ids)

            for doc_id in ids:  # the failed batch kept the selection; make sure of it
                page.locator(f'tr[data-id="{doc_id}"]').get_by_test_id("row-check").check()
            sign.click()
            page.get_by_test_id("pin-input").fill(password)
            page.get_by_test_id("pin-ok").click()
            expect(page.get_by_test_id("progress-text")).to_have_text(
                "Đã ký 3/3", timeout=SIGN_TIMEOUT_MS)
            signed = page.get_by_test_id("signed-item")
            outcomes = {}
            for i in range(signed.count()):
                item = signed.nth(i)
                if item.get_attribute("data-outcome") == "signed":
                    outcomes[item.get_attribute("data-id")] = "signed"
            assert outcomes == dict.fromkeys(ids, "signed")
            expect(page.get_by_test_id("job-signer")).to_contain_text(env.pki.official_name)
            expect(page.get_by_test_id("queue-empty")).to_be_visible()
            assert page.evaluate("() => document.getElementById('pin').value") == ""

            # What was signed: the signed version's page and its signature.
            done = f'[data-testid="signed-item"][data-outcome="signed"][data-id="{ids[1]}"]'
            page.locator(done).get_by_test_id("signed-open").click()
            expect(page.get_by_test_id("signature")).to_have_count(1)
            expect(page.get_by_test_id("signature")).to_contain_text(env.pki.official_name)

            # Logging out ends the session: the page sends the person to the login page.
            page.get_by_test_id("logout").click()
            expect(page).to_have_url(re.compile("/dang-nhap$"))
            page.goto(served.url + "/")
            expect(page).to_have_url(re.compile("/dang-nhap$"))
        finally:
            browser.close()
    browser_seconds = time.monotonic() - started

    assert not problems, problems
    assert not elsewhere, f"the page reached beyond its origin: {elsewhere}"
    assert len(posted) == 2 and all(len(t) == 64 for t in posted)  # CSRF token sent
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        assert [s.role for s in record.signatures] == ["official"], doc_id
        (audit,) = env.store.audit_entries(f"signatures/{doc_id}/")
        assert audit["actor"]["id"] == official.username  # type: ignore[index]
        assert audit["actor"]["name"] == official.name  # type: ignore[index]
        assert audit["actor"]["auth"] == "password+totp"  # type: ignore[index]
        assert str(audit["via"]).startswith("session:") and audit["activation"] == "pin"
        assert audit["shown_sha256"] == audit["signed_from_sha256"] == \
            record.artifacts["searchable"].sha256
        assert audit["request"] and password not in json.dumps(audit)

    # `sohoa verify ID --json` for each, in parallel, and poppler's pdfsig.
    environ = {**os.environ, "SOHOA_HOME": str(env.settings.home),
               "SOHOA_SIGN_DEV_PKI_PORT": str(env.pki.port), "SOHOA_JOBS": "1"}
    runs = {doc_id: subprocess.Popen([sys.executable, "-m", "pipeline", "verify", doc_id,
                                      "--json"], env=environ, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            for doc_id in ids}
    for doc_id, run in runs.items():
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, (doc_id, stdout, stderr)
        answer = json.loads(stdout)
        assert answer["ok"], answer
        assert [s["signer"] for s in answer["signatures"]] == [env.pki.official_name]
        assert answer["lowest_level"] == "B-LT", answer
    if not pdfsig.available():
        pytest.fail("pdfsig and certutil are needed (poppler-utils, libnss3-tools): "
                    "`make test` installs them", pytrace=False)
    for doc_id in ids:
        path = served.env.settings.home / f"{doc_id}.pdf"
        record = env.store.get_record(doc_id)
        path.write_bytes(env.store.read(record.artifacts["signed"]))
        verdicts = [v for v in pdfsig.pdfsig(path, [env.pki.root_cert])
                    if not v.document_timestamp]
        assert verdicts and all(v.valid_and_trusted for v in verdicts), (doc_id, verdicts)
    print(f"browser part {browser_seconds:.1f} s")
