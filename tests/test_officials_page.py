"""The officials' page end to end (issue 8).

A real kho with three born-digital results, the dev PKI with its TSA, OCSP and CRLs served on
127.0.0.1 and its signer profiles (``tests/sign_env.py``), an API key with the scopes the page
needs, the API under uvicorn in a thread, and Debian's Chromium driven headless by Playwright
(its own browsers are never downloaded): the official enters the key, picks the profile, looks
at a preview, selects three documents and signs them as a batch; ``sohoa verify`` then calls
each signed document valid.
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

from pipeline.api.keys import ApiKeys, Scope
from tests.api_server import serve
from tests.sign_env import SignEnv, sign_env

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
    key: str
    ids: list[str]


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
    """The kho, the dev PKI server and the API on a free port, for the module."""
    from pipeline.api.app import create_app

    root = tmp_path_factory.mktemp("officials")
    with sign_env(root) as env:
        ids = env.ingest_results(root / "in", 3, seed=808)
        assert env.store.index is not None
        _, key = ApiKeys(env.store.index).create(
            "Trang ký số (kiểm thử)", frozenset({Scope.SIGN, Scope.READ_DOCUMENTS}))
        with serve(create_app(env.settings, env.store)) as url:
            yield Served(env, url, key, ids)


def _get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def test_the_page_is_served_in_vietnamese_with_nothing_from_elsewhere(served: Served) -> None:
    kind, page = _get(served.url + "/")
    assert kind.startswith("text/html") and '<html lang="vi">' in page
    assets = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert sorted(assets) == ["static/app.js", "static/style.css"]
    for asset in assets:
        kind, text = _get(f"{served.url}/{asset}")
        assert kind.startswith("text/javascript" if asset.endswith(".js") else "text/css")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text
    for label in ("Khóa truy cập", "Hồ sơ ký", "Hàng chờ ký", "Chọn tất cả", "Xem trước",
                  "Thông tin đọc được", "Ký các tài liệu đã chọn", "Đã ký"):
        assert label in page, label


def test_a_batch_of_three_signed_from_the_page_is_valid(chromium: Path, served: Served) -> None:
    from playwright.sync_api import ConsoleMessage, Request, expect, sync_playwright

    env, ids = served.env, served.ids
    problems: list[str] = []
    elsewhere: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Chromium logs every non-2xx response; the wrong key below is one on purpose.
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith((served.url + "/", "blob:", "data:")):
            elsewhere.append(request.url)

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
            expect(page).to_have_title(re.compile("Ký số"))

            # A wrong key: the server's Vietnamese message, and no queue.
            page.get_by_label("Khóa truy cập").fill("sohoa_000000000000_khong-dung")
            page.get_by_role("button", name="Kết nối").click()
            expect(page.get_by_test_id("error")).to_contain_text(
                "Khóa truy cập không đúng hoặc đã bị thu hồi")
            expect(page.locator("#workspace")).to_be_hidden()

            page.get_by_label("Khóa truy cập").fill(served.key)
            page.get_by_role("button", name="Kết nối").click()
            expect(page.get_by_test_id("error")).to_be_hidden()
            page.get_by_label("Hồ sơ ký").select_option("official")
            rows = page.get_by_test_id("queue-row")
            expect(rows).to_have_count(3)
            for doc_id in ids:
                expect(page.locator(f'tr[data-id="{doc_id}"]')).to_be_visible()
            # The key lives in this tab's sessionStorage only.
            kept = page.evaluate("() => [sessionStorage.getItem('sohoa.apiKey'), "
                                 "localStorage.length, document.cookie]")
            assert kept == [served.key, 0, ""]

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
            for name in read:
                expect(page.locator(f'#fields-body tr[data-field="{name}"]')).to_be_visible()

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
            sign.click()

            expect(page.get_by_test_id("progress-text")).to_have_text(
                "Đã ký 3/3", timeout=SIGN_TIMEOUT_MS)
            progress = page.get_by_test_id("progress")
            assert progress.evaluate("p => [p.value, p.max]") == [3, 3]
            signed = page.get_by_test_id("signed-item")
            expect(signed).to_have_count(3)
            outcomes = {signed.nth(i).get_attribute("data-id"):
                        signed.nth(i).get_attribute("data-outcome") for i in range(3)}
            assert outcomes == dict.fromkeys(ids, "signed")
            expect(page.get_by_test_id("signed-outcome").first).to_have_text("Đã ký")
            expect(page.get_by_test_id("job-signer")).to_contain_text(env.pki.official_name)
            expect(page.get_by_test_id("queue-empty")).to_be_visible()

            # What was signed: the signed version's page and its signature.
            page.locator(f'[data-testid="signed-item"][data-id="{ids[1]}"]') \
                .get_by_test_id("signed-open").click()
            expect(page.get_by_test_id("signature")).to_have_count(1)
            expect(page.get_by_test_id("signature")).to_contain_text(env.pki.official_name)
            expect(page.get_by_test_id("preview-image").first).to_be_visible()
        finally:
            browser.close()
    browser_seconds = time.monotonic() - started

    assert not problems, problems
    assert not elsewhere, f"the page reached beyond its origin: {elsewhere}"
    for doc_id in ids:
        record = env.store.get_record(doc_id)
        assert [s.role for s in record.signatures] == ["official"], doc_id

    # `sohoa verify ID --json` for each, in parallel.
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
    print(f"browser part {browser_seconds:.1f} s")
