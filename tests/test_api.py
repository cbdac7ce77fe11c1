"""The HTTP API (issue 8): reads by ID, dossier and citizen, keys and scopes on every route
(from the route table), the audit log of personal-data reads, uploads, links, and refusals
of malformed input — all through the real app on a real local kho and SQLite index.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pipeline.api.app import create_app
from pipeline.api.audit import entries
from pipeline.api.keys import PREFIX, ApiKeys, Scope
from pipeline.api.routes.misc import PUBLIC
from pipeline.config import LimitSettings, Settings
from pipeline.models import DocumentRecord, Variant
from pipeline.store import DocumentStore, open_store
from tests.test_index import CITIZEN, DOSSIER, make_record, populate

ROOT = Path(__file__).resolve().parents[1]
BORN_DIGITAL = ROOT / "samples" / "examples" / "quyet-dinh-born-digital.pdf"
PURPOSE = {"X-Purpose": "giai-quyet-ho-so 000.00.22.H04-230315-0012"}


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    store: DocumentStore
    docs: dict[str, DocumentRecord]
    keys: dict[str, str]
    settings: Settings

    def get(self, url: str, key: str | None = "full", **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if key is not None:
            headers["Authorization"] = f"Bearer {self.keys[key]}"
        return self.client.get(url, headers=headers, **kwargs)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(home=tmp_path / "var", limits=LimitSettings(max_file_mb=1))
    store = open_store(settings)
    docs = populate(store)  # a citizen's dossier: receipt, form, ID card, two signed results
    assert store.index is not None
    keys = ApiKeys(store.index)
    made = {
        "full": keys.create("cổng dịch vụ công", frozenset(Scope))[1],
        "read": keys.create("sở tư pháp", frozenset({Scope.READ_DOCUMENTS,
                                                      Scope.READ_CITIZENS}))[1],
        "upload": keys.create("máy quét", frozenset({Scope.UPLOAD}))[1],
    }
    app = create_app(settings, store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(app, client, store, docs, made, settings)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"], body
    found: dict[str, Any] = body["error"]
    return found


# -- reads ----------------------------------------------------------------------------------
def test_a_read_only_client_fetches_a_signed_result_and_a_citizen_profile(api: Api) -> None:
    decision = api.docs["decision"]
    by_name = api.get(f"/v1/documents/{DOSSIER}-KQ02", key="read")
    assert by_name.status_code == 200
    assert by_name.json()["id"] == decision.id
    assert len(by_name.json()["signatures"]) == 2
    signed = api.get(f"/v1/documents/{decision.id}/files/signed", key="read")
    assert signed.status_code == 200
    assert signed.content == api.store.read(api.store.artifact(decision, Variant.SIGNED))
    assert signed.headers["etag"] == f'"{decision.artifacts["signed"].sha256}"'

    profile = api.get(f"/v1/citizens/{CITIZEN}", key="read", headers=PURPOSE)
    assert profile.status_code == 200
    body = profile.json()
    assert body["so_dinh_danh"] == CITIZEN
    assert body["fields"]["ho_ten"]["value"] == "Trần Văn Bình"
    assert {d["id"] for d in body["documents"]} >= {decision.id}

    # The audit log has the read: who, what, when and why; nothing else was logged of it.
    (entry,) = list(entries(api.store))
    assert entry["client_name"] == "sở tư pháp" and entry["subject"] == CITIZEN
    assert entry["purpose"] == PURPOSE["X-Purpose"] and entry["what"] == "citizen-profile"

    # No key, or a key without the scope: refused, and nothing more is logged.
    assert api.get(f"/v1/citizens/{CITIZEN}", key=None, headers=PURPOSE).status_code == 401
    refused = api.get(f"/v1/citizens/{CITIZEN}", key="upload", headers=PURPOSE)
    assert refused.status_code == 403 and error_of(refused)["code"] == "khong-du-quyen"
    assert api.get(f"/v1/documents/{decision.id}", key="upload").status_code == 403
    assert len(list(entries(api.store))) == 1


def test_personal_data_needs_a_purpose_and_never_reaches_ordinary_logs(
        api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    missing = api.get(f"/v1/citizens/{CITIZEN}", key="read")
    assert missing.status_code == 400 and error_of(missing)["code"] == "thieu-muc-dich"
    assert api.get(f"/v1/citizens/{CITIZEN}/documents", key="read",
                   headers=PURPOSE).status_code == 200
    server = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith("httpx"))  # the test's own client logs URLs
    assert CITIZEN not in server
    assert "/v1/citizens/{so_dinh_danh}" in server  # the route, not the path


def test_etags_and_pagination(api: Api) -> None:
    first = api.get(f"/v1/documents/{api.docs['form'].id}")
    etag = first.headers["etag"]
    again = api.get(f"/v1/documents/{api.docs['form'].id}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    seen: list[str] = []
    url = f"/v1/dossiers/{DOSSIER}?limit=2"
    while True:
        page = api.get(url).json()
        assert len(page["items"]) <= 2
        seen += [d["id"] for d in page["items"]]
        if page["next"] is None:
            break
        url = f"/v1/dossiers/{DOSSIER}?limit=2&cursor={page['next']}"
    assert len(seen) == len(set(seen)) == page["total"] == 4  # receipt, form, two results
    bad = api.get(f"/v1/dossiers/{DOSSIER}?cursor=xx")
    assert bad.status_code == 400 and error_of(bad)["code"] == "con-tro-khong-hop-le"


def test_short_lived_links(api: Api) -> None:
    doc = api.docs["decision"]
    link = api.get(f"/v1/documents/{doc.id}/files/signed/link?expires=60").json()
    fetched = api.client.get(link["url"])  # no key: the link is the permission
    assert fetched.status_code == 200
    assert fetched.content == api.store.read(api.store.artifact(doc, Variant.SIGNED))
    tampered = link["url"][:-3] + ("AAA" if not link["url"].endswith("AAA") else "BBB")
    assert api.client.get(tampered).status_code == 403


# -- uploads --------------------------------------------------------------------------------
def test_upload_runs_the_pipeline_and_refuses_bad_bodies(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.keys['upload']}",
               "Content-Type": "application/pdf"}
    data = BORN_DIGITAL.read_bytes()
    done = api.client.post("/v1/documents?filename=qd.pdf&station=cong", content=data,
                           headers=headers)
    assert done.status_code == 201, done.text
    (record,) = done.json()["documents"]
    assert record["source"]["station"] == "cong" and record["status"] in ("done", "review")
    again = api.client.post("/v1/documents?filename=qd.pdf", content=data, headers=headers)
    assert again.json()["documents"][0]["status"] == "duplicate"

    wrong_type = api.client.post("/v1/documents?filename=a.txt", content=b"hello",
                                 headers={**headers, "Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    too_big = api.client.post("/v1/documents?filename=big.pdf", content=b"%PDF" + b"0" * (2 << 20),
                              headers=headers)
    assert too_big.status_code == 413 and error_of(too_big)["code"] == "tep-qua-lon"
    junk = api.client.post("/v1/documents?filename=junk.pdf", content=b"not a pdf at all",
                           headers=headers)
    assert junk.status_code == 422 and "message" in error_of(junk)
    traversal = api.client.post("/v1/documents?filename=../../etc/passwd", content=data,
                                headers=headers)
    assert traversal.status_code == 422
    assert not (api.settings.home.parent / "etc").exists()


# -- refusals on every route -----------------------------------------------------------------
SAMPLES = {"ref": None, "variant": "original", "number": "1", "so_dinh_danh": CITIZEN,
           "ma_ho_so": DOSSIER, "job_id": "0" * 16, "batch_id": "0" * 16,
           "agent_id": "0" * 12, "doc_id": "a" * 24, "name": "official"}


def _routes(api: Api) -> list[tuple[Any, str]]:
    """Every route and method of the app, flattened (FastAPI keeps included routers as
    nodes whose effective routes carry the full path and the merged dependencies)."""
    found: list[Any] = []
    for route in api.app.routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "effective_route_contexts"):
            found.extend(route.effective_route_contexts())
    documented = {(p, m.upper()) for p, ops in api.app.openapi()["paths"].items() for m in ops}
    pairs = [(r, m) for r in found for m in sorted(r.methods or ()) if r.path not in PUBLIC]
    assert documented <= {(r.path, m) for r, m in pairs} | {(p, "GET") for p in PUBLIC}
    return pairs


def _guards(route: Any) -> set[Scope | str]:
    """What admits a caller to ``route``: an API key's scope, or a person's session, an
    agent's token, a pairing code (``auth`` on the dependency)."""
    found: set[Scope | str] = set()
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        for guard in (getattr(dep.call, "scope", None), getattr(dep.call, "auth", None)):
            if guard is not None:
                found.add(guard)
        stack.extend(dep.dependencies)
    return found


def _url(api: Api, route: Any) -> str:
    values = {**SAMPLES, "ref": api.docs["decision"].id}
    return str(route.path).format(**values)


def test_every_route_needs_a_key_with_its_scope(api: Api) -> None:
    """Every route has exactly one guard. Scoped routes: no key 401, a key without the
    scope 403. Routes of a person, an agent or a pairing: no system key gets through,
    whatever scopes it holds."""
    routes = _routes(api)
    assert len(routes) >= 10
    keys = ApiKeys(api.store.index)  # type: ignore[arg-type]
    _, every_scope = keys.create("mọi phạm vi", frozenset(Scope))
    for route, method in routes:
        guards = _guards(route)
        assert len(guards) == 1, f"{method} {route.path} has no single guard: {guards}"
        (guard,) = guards
        url = _url(api, route)
        anonymous = api.client.request(method, url)
        assert anonymous.status_code == 401, (method, route.path, anonymous.status_code)
        assert error_of(anonymous)["code"] in ("chua-xac-thuc", "chua-dang-nhap")
        bogus = api.client.request(method, url, headers={"Authorization": "Bearer sohoa_x_y"})
        assert bogus.status_code == 401, (method, route.path)
        if not isinstance(guard, Scope):
            assert guard in ("person", "agent", "pairing-code"), guard
            system = api.client.request(method, url,
                                        headers={"Authorization": f"Bearer {every_scope}"})
            assert system.status_code in (401, 403), (method, route.path, system.status_code)
            continue
        others = frozenset(Scope) - {guard}
        _, other_key = keys.create(f"thiếu {guard.value}", others)
        wrong = api.client.request(method, url, headers={"Authorization": f"Bearer {other_key}"})
        assert wrong.status_code == 403, (method, route.path, wrong.status_code)


def test_a_revoked_key_is_refused(api: Api) -> None:
    keys: ApiKeys = api.app.state.services.keys  # the server's own: revocation is immediate
    client, key = keys.create("tạm", frozenset({Scope.READ_DOCUMENTS}))
    url = f"/v1/documents/{api.docs['form'].id}"
    assert api.client.get(url, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert keys.revoke(client.id)
    assert api.client.get(url, headers={"Authorization": f"Bearer {key}"}).status_code == 401


@pytest.mark.parametrize("path", [
    "/v1/documents/..%2F..%2Fetc%2Fpasswd", "/v1/documents/%00", "/v1/documents/a%2Fb/fields",
    "/v1/documents/aaaaaaaaaaaaaaaaaaaaaaaa", "/v1/documents/{decision}/files/..%2Frecord",
    "/v1/documents/{decision}/files/nope", "/v1/documents/{decision}/pages/0",
    "/v1/citizens/12345", "/v1/citizens/00109001234x", "/v1/dossiers/..",
    "/v1/documents/x-KQ01",
])
def test_malformed_ids_are_refused_cleanly(api: Api, path: str) -> None:
    response = api.get(path.format(decision=api.docs["decision"].id), headers=PURPOSE)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
    error_of(response)


def test_keys_are_stored_hashed(api: Api, tmp_path: Path) -> None:
    index_file = api.settings.home / "index.sqlite3"
    raw = index_file.read_bytes() + b"".join(
        p.read_bytes() for p in index_file.parent.glob("index.sqlite3-wal"))
    for key in api.keys.values():
        secret = key.removeprefix(PREFIX).split("_", 1)[1]  # the secret may hold "_"
        assert len(secret) >= 40
        assert secret.encode() not in raw


def test_openapi_document_is_committed_and_current(api: Api) -> None:
    import json

    served = api.client.get("/openapi.json").json()
    assert served == api.app.openapi()
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert served == committed, "run: sohoa serve --openapi docs/openapi.json"


def test_a_record_put_after_startup_is_served(api: Api) -> None:
    late = make_record("late", "to_khai", {"so_dinh_danh": CITIZEN})
    api.store.put_record(dataclasses.replace(late))
    assert api.get(f"/v1/documents/{late.id}").json()["id"] == late.id
