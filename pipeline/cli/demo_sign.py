"""The signing half of ``sohoa demo``: the dev PKI, the official, the seal, then checks.

Results (born-digital documents with a signer block) are signed by the official at B-LT and
sealed by the agency at B-LTA; digitised scans get the agency's copy signature ("SAO Y") at
B-LTA. Every signed version is then verified by ``sohoa verify``'s engine and by poppler's
``pdfsig``, as anyone receiving the file would.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.table import Table

from pipeline.cli.console import err
from pipeline.config import Settings
from pipeline.models import Variant
from pipeline.sign import pdfsig
from pipeline.sign.authority import at_terminal
from pipeline.sign.batch import BatchReport, Outcome, is_scan, sign_batch
from pipeline.sign.context import trust_roots
from pipeline.sign.devpki import DevPki, DevPkiServer, init_dev_pki, load_dev_pki
from pipeline.sign.devsetup import write_dev_profiles
from pipeline.sign.profiles import load_profile
from pipeline.sign.verify import verify_pdf
from pipeline.store import open_store
from pipeline.store.documents import DocumentStore


def _dev_pki(settings: Settings) -> DevPki:
    folder = settings.sign.pki_path(settings.home)
    pki = load_dev_pki(folder) if (folder / "pki.json").exists() else init_dev_pki(
        folder, port=settings.sign.dev_pki_port)
    write_dev_profiles(settings, pki)
    return pki


def sign_demo(settings: Settings, doc_ids: list[str]) -> bool:
    """Sign the demo's documents with the dev PKI; True when every check passed."""
    pki = _dev_pki(settings)
    store = open_store(settings)
    records = [store.get_record(d) for d in doc_ids]
    results = [r.id for r in records if not is_scan(r)]
    scans = [r.id for r in records if is_scan(r)]
    reports: list[BatchReport] = []
    err.print(f"\nKý số bằng PKI thử nghiệm ({pki.directory}; máy chủ {pki.base_url}) ...")
    with DevPkiServer(pki):
        for name, ids in (("official", results), ("seal", results), ("copy", scans)):
            if ids:
                profile = load_profile(settings, name)
                reports.append(sign_batch(settings, store, profile, ids,
                                          mandate=at_terminal(profile)))
        ok = all(r.ok for r in reports)
        for report in reports:
            for item in report.items:
                if item.outcome is Outcome.FAILED:
                    err.print(f"[red]Không ký được {item.doc_id}:[/] {item.message}")
                elif item.outcome is Outcome.SKIPPED and report.profile != "seal":
                    err.print(f"[yellow]Không ký {item.doc_id}:[/] {item.message}.")
        ok = _check(settings, store, doc_ids, pki) and ok
    return ok


def _check(settings: Settings, store: DocumentStore, doc_ids: list[str], pki: DevPki) -> bool:
    roots = trust_roots(settings)
    table = Table(title="Chữ ký số (kiểm tra bằng sohoa verify và pdfsig)")
    for column in ("Mã tài liệu", "Chữ ký", "Mức", "sohoa verify", "pdfsig"):
        table.add_column(column)
    ok = True
    with tempfile.TemporaryDirectory(prefix="sohoa-demo-") as tmp:
        for doc_id in doc_ids:
            record = store.get_record(doc_id)
            if Variant.SIGNED.value not in record.artifacts:
                continue
            data = store.read(record.artifacts[Variant.SIGNED.value])
            report = verify_pdf(data, roots)
            signers = ", ".join(f"{s.signer}" for s in report.signatures if s.kind == "signature")
            poppler = "—"
            if pdfsig.available():
                path = Path(tmp) / f"{doc_id}.pdf"
                path.write_bytes(data)
                verdicts = [v for v in pdfsig.pdfsig(path, [pki.root_cert])
                            if not v.document_timestamp]
                good = bool(verdicts) and all(v.valid_and_trusted for v in verdicts)
                poppler = "hợp lệ, tin cậy" if good else "KHÔNG HỢP LỆ"
                ok = ok and good
            ok = ok and report.ok
            table.add_row(doc_id, signers, report.lowest_level,
                          "hợp lệ, tin cậy" if report.ok else "KHÔNG HỢP LỆ", poppler)
    err.print(table)
    return ok
