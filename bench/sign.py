"""PAdES batch-signing benchmark: sohoa's ``sign_batch`` against plain pyHanko, in one run.

    .venv/bin/python -m bench.sign [--docs 200] [--runs 1]

Set-up (outside every timing): a fresh development PKI and the dev signer profiles in
``bench/out/sign/work``; the dev PKI server (TSA, OCSP, CRL) started as its own process
(``sohoa pki serve-dev``), so its CPU never competes for the signer's GIL; ``--docs``
two-page born-digital Quyết định PDFs from the samples generator, ingested once into a sohoa
store that every sohoa case gets a fresh copy of (so nothing is skipped as already signed).

Cases, each timed on its own:

* sohoa ``sign_batch`` with the ``official`` profile (visible signature image, placed from
  the page text) at B-B, B-T, B-LT and B-LTA, ``--docs`` documents each;
* sohoa two signatures: ``official`` at B-LT, then ``seal`` at B-LTA (two batches), both
  visible; counted per document (the pair);
* (a) one ``pyhanko sign addsig ... pkcs12`` process per document at B-LT (``--cli-docs``);
* (b) pyHanko API loop building the signer (``SimpleSigner.load_pkcs12``) and a new
  ``ValidationContext(allow_fetching=True)`` per document, B-LT (``--naive-docs``);
* (c) pyHanko API loop with the signer built once and one ``ValidationContext`` shared by
  the batch, B-LT, sequential, no ``bytes_reserved``, default font handling;
* (c2) the two-signature case in the (c) style: official B-LT with the signature image,
  then seal B-LTA with the seal image and a ``TextStampStyle`` (agency name and time) in
  Liberation Serif through ``GlyphAccumulatorFactory``.

Every pyHanko case signs with RSASSA-PSS like sohoa and draws its widgets in the boxes
sohoa's placement finds for that document (computed before the timing, so the baselines
get the placement for free). Requests to the PKI server are counted in a separate pass of
``--count-docs`` documents per case with the server in this process (its counters); the
timed runs use the separate server process, whose CPU time is read from ``/proc``.
A sample of every case's outputs is checked with ``sohoa verify`` (level as requested) and
poppler's ``pdfsig`` (each CAdES signature valid and trusted). The sohoa B-LT batch, the
two-signature case and (c) are profiled with cProfile (``--profile-docs`` documents) into
``bench/out/sign/profile-*.txt``. The "sign" section of ``bench/RESULTS.md`` is rewritten.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import importlib.metadata
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asn1crypto import pem  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory  # noqa: E402
from pyhanko.pdf_utils.images import PdfImage  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.text import TextBoxStyle  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.timestamps import HTTPTimeStamper  # noqa: E402
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from bench.report import write_section  # noqa: E402
from pipeline.config import Settings, SignSettings, StoreSettings  # noqa: E402
from pipeline.models import Variant  # noqa: E402
from pipeline.process import Pipeline  # noqa: E402
from pipeline.sign import pdfsig  # noqa: E402
from pipeline.sign.appearance import Box, place_issued  # noqa: E402
from pipeline.sign.appearance.fonts import DEFAULT_FONT  # noqa: E402
from pipeline.sign.authority import at_terminal  # noqa: E402
from pipeline.sign.batch import BatchReport, Outcome, sign_batch  # noqa: E402
from pipeline.sign.context import use_timezone  # noqa: E402
from pipeline.sign.devpki import DevPki, DevPkiServer, init_dev_pki  # noqa: E402
from pipeline.sign.devsetup import write_dev_profiles  # noqa: E402
from pipeline.sign.profiles import Level, Profile, load_profile  # noqa: E402
from pipeline.sign.verify import verify_pdf  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.store.documents import DocumentStore  # noqa: E402
from samples.content import make_document  # noqa: E402
from samples.render import render_pdf  # noqa: E402

ZONE = "Asia/Ho_Chi_Minh"
#: Field names of the plain-pyHanko cases (sohoa's are ``sohoa-<role>-<profile>``).
OFFICIAL_FIELD, SEAL_FIELD = "ChuKyLanhDao", "ChuKyCoQuan"
#: What the pyHanko seal stamp shows under the seal: the agency, then the signing time.
SEAL_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S+07:00"
LEVELS = (Level.B_B, Level.B_T, Level.B_LT, Level.B_LTA)
TWO = "sohoa two signatures"


# ------------------------------------------------------------------------- environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_certs(path: Path) -> list[asn1_x509.Certificate]:
    data = path.read_bytes()
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


@dataclass
class Env:
    """Everything the cases share: PKI, profiles, inputs, the ingested template store."""

    work: Path
    settings: Settings
    pki: DevPki
    inputs: list[Path]
    ids: list[str]
    #: Widget boxes sohoa's placement finds per input (official, seal), for the baselines.
    boxes: list[tuple[Box, Box]]
    template: Path
    roots: list[asn1_x509.Certificate]
    chain: list[asn1_x509.Certificate]
    signature_png: Path
    seal_png: Path
    #: Outputs per case exported and checked with sohoa verify and pdfsig.
    check_count: int = 5
    _copies: int = 0
    _prepared: list[tuple[Settings, DocumentStore]] = field(default_factory=list)

    def prepare_store(self, workers: int = 0) -> None:
        """Copy the ingested store now, so that the next :meth:`fresh_store` (inside a
        timing) costs nothing; ``workers`` overrides ``sign.workers`` for that batch."""
        self._prepared.append(self._copy(workers))

    def fresh_store(self) -> tuple[Settings, DocumentStore]:
        """A private copy of the ingested store (every document still unsigned)."""
        return self._prepared.pop(0) if self._prepared else self._copy()

    def _copy(self, workers: int = 0) -> tuple[Settings, DocumentStore]:
        self._copies += 1
        target = self.work / "stores" / f"s{self._copies:03d}"
        shutil.copytree(self.template, target)
        settings = dataclasses.replace(self.settings, store=StoreSettings(path=str(target)))
        if workers:
            sign = dataclasses.replace(settings.sign, workers=workers)
            settings = dataclasses.replace(settings, sign=sign)
        return settings, open_store(settings)

    def profile(self, settings: Settings, name: str, level: Level | None = None) -> Profile:
        chosen = load_profile(settings, name)
        return chosen if level is None else dataclasses.replace(chosen, level=level)

    def out_dir(self, case: str) -> Path:
        """An empty folder for a case's outputs."""
        folder = self.work / "out" / "".join(c if c.isalnum() else "-" for c in case)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder


def make_inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"qd-{i:04d}.pdf"
        if not path.is_file():
            doc = make_document("quyet_dinh", random.Random(i), pages=2, qr=False)
            path.write_bytes(render_pdf(doc).pdf)
        paths.append(path)
    return paths


def set_up(work: Path, docs: int) -> Env:
    if (work / "home").exists():
        shutil.rmtree(work / "home")
    for scratch in ("stores", "out"):
        shutil.rmtree(work / scratch, ignore_errors=True)
    port = free_port()
    home = work / "home"
    settings = Settings(home=home, sign=SignSettings(dev_pki_port=port))  # defaults otherwise
    pki = init_dev_pki(settings.sign.pki_path(home), port=port)
    write_dev_profiles(settings, pki)
    inputs = make_inputs(work / "input", docs)
    template = work / "template-store"
    shutil.rmtree(template, ignore_errors=True)
    ingest_settings = dataclasses.replace(settings, store=StoreSettings(path=str(template)))
    with Pipeline(ingest_settings) as pipeline:
        ids = [r.id for path in inputs for r in pipeline.ingest(path)]
    if len(set(ids)) != len(ids):
        raise SystemExit("generated documents are not all distinct")
    boxes = []
    for path in inputs:
        placed = place_issued(path.read_bytes())
        boxes.append((placed.official, placed.seal))
    official = load_profile(settings, "official")
    seal = load_profile(settings, "seal")
    assert official.appearance.image is not None and seal.appearance.image is not None
    return Env(work=work, settings=settings, pki=pki, inputs=inputs, ids=ids, boxes=boxes,
               template=template, roots=load_certs(pki.root_cert),
               chain=load_certs(pki.chain), signature_png=official.appearance.image,
               seal_png=seal.appearance.image)


class ServerProcess:
    """``sohoa pki serve-dev`` in its own process, for the timed runs."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = env.work / "serve-dev.log"

    def __enter__(self) -> ServerProcess:
        environ = {**os.environ, "SOHOA_HOME": str(self.env.settings.home),
                   "SOHOA_SIGN_DEV_PKI_PORT": str(self.env.pki.port)}
        sohoa = Path(sys.executable).parent / "sohoa"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen([str(sohoa), "pki", "serve-dev"], env=environ,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.env.pki.root_cert_url, timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the dev PKI server did not start: "
                                 + self.log.read_text(encoding="utf-8", errors="replace"))
            time.sleep(0.1)

    def cpu(self) -> float:
        """User + system seconds the server process has used so far."""
        assert self.proc is not None
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ------------------------------------------------------------------------- the cases


@dataclass
class Outputs:
    """What a case produced: signed files to check, anything that went wrong, and (for the
    sequential loops) each document's wall time."""

    files: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    per_doc: list[float] = field(default_factory=list)
    #: The exception that stopped the whole case, if one did.
    crashed: str = ""
    #: Fetches the files to check out of the store (called after the timing).
    export: Callable[[], list[Path]] | None = None

    def finish(self) -> Outputs:
        if self.export is not None:
            self.files, self.export = self.export(), None
        return self


def guarded(case: Case, env: Env, n: int) -> Outputs:
    """Run a case; an exception escaping it is a result to report, not the end of the run."""
    try:
        return case.run(env, n)
    except Exception as exc:  # reported as the case's result
        where = ""
        tb = exc.__traceback__
        while tb is not None:
            where = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
            tb = tb.tb_next
        return Outputs(failures=[f"whole case crashed: {exc!r} at {where}"],
                       crashed=f"{type(exc).__name__}: {exc} ({where})")


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    #: PAdES level ``sohoa verify`` must report for every signature, and how many.
    level: str
    signatures: int
    run: Callable[[Env, int], Outputs]
    #: The option giving this case's document count (never more than ``--docs``).
    docs_option: str = "docs"

    def docs(self, args: argparse.Namespace) -> int:
        return min(int(getattr(args, self.docs_option)), int(args.docs))


def _batch_failures(report: BatchReport) -> list[str]:
    return [f"{i.doc_id}: {i.outcome} {i.message}" for i in report.items
            if i.outcome is not Outcome.SIGNED]


def _export(env: Env, store: DocumentStore, case: str, ids: Sequence[str]) -> list[Path]:
    folder = env.out_dir(case)
    out = []
    for doc_id in ids:
        target = folder / f"{doc_id}.pdf"
        store.export(store.artifact(store.get_record(doc_id), Variant.SIGNED), target)
        out.append(target)
    return out


def sample(items: Sequence[Any], count: int) -> list[Any]:
    if len(items) <= count:
        return list(items)
    picks = {round(i * (len(items) - 1) / (count - 1)) for i in range(count)} if count > 1 \
        else {0}
    return [items[i] for i in sorted(picks)]


def sohoa_level(level: Level) -> Callable[[Env, int], Outputs]:
    def run(env: Env, n: int) -> Outputs:
        settings, store = env.fresh_store()
        ids = env.ids[:n]
        profile = env.profile(settings, "official", level)
        report = sign_batch(settings, store, profile, ids, mandate=at_terminal(profile))
        picked = sample(ids, env.check_count)
        return Outputs(failures=_batch_failures(report),
                       export=lambda: _export(env, store, f"sohoa-{level}", picked))
    return run


def sohoa_two(env: Env, n: int) -> Outputs:
    settings, store = env.fresh_store()
    ids = env.ids[:n]
    official = env.profile(settings, "official", Level.B_LT)
    seal = env.profile(settings, "seal", Level.B_LTA)
    first = sign_batch(settings, store, official, ids, mandate=at_terminal(official))
    second = sign_batch(settings, store, seal, ids, mandate=at_terminal(seal))
    picked = sample(ids, env.check_count)
    return Outputs(failures=_batch_failures(first) + _batch_failures(second),
                   export=lambda: _export(env, store, "sohoa-two", picked))


def cli_case(env: Env, n: int) -> Outputs:
    """(a): ``pyhanko sign addsig`` per document, B-LT, the signature image as the stamp's
    background in the same box (pyHanko's CLI styles are text styles: empty text, no
    border, the PNG as background)."""
    folder = env.out_dir("a")
    config = env.work / "pyhanko.yml"
    config.write_text(
        "stamp-styles:\n  official:\n    type: text\n    stamp-text: ''\n"
        f"    background: {json.dumps(str(env.signature_png))}\n"
        "    background-opacity: 1\n    border-width: 0\n", encoding="utf-8")
    pyhanko = Path(sys.executable).parent / "pyhanko"
    out = Outputs()
    for i in range(n):
        box = env.boxes[i][0]
        x0, y0, x1, y1 = _int_box(box)
        target = folder / f"{i:04d}.pdf"
        command = [
            str(pyhanko), "--config", str(config), "sign", "addsig",
            "--field", f"{box.page + 1}/{x0},{y0},{x1},{y1}/{OFFICIAL_FIELD}",
            "--style-name", "official", "--use-pades", "--prefer-pss",
            "--timestamp-url", env.pki.tsa_url, "--with-validation-info",
            "--trust", str(env.pki.root_cert), "--trust-replace",
            "--other-certs", str(env.pki.chain),
            "pkcs12", "--passfile", str(env.pki.password_file),
            str(env.inputs[i]), str(target), str(env.pki.p12_path("official")),
        ]
        begun = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        out.per_doc.append(time.perf_counter() - begun)
        if done.returncode != 0:
            out.failures.append(f"{env.inputs[i].name}: exit {done.returncode}: "
                                f"{done.stderr.strip()[-400:]}")
        else:
            out.files.append(target)
    out.files = sample(out.files, env.check_count)
    return out


def _int_box(box: Box) -> tuple[int, int, int, int]:
    return round(box.x0), round(box.y0), round(box.x1), round(box.y1)


class Plain:
    """pyHanko used as its documentation shows: ``SimpleSigner.load_pkcs12``, a
    ``ValidationContext`` with fetching, ``HTTPTimeStamper(url)``, ``PdfSigner.sign_pdf``."""

    def __init__(self, env: Env) -> None:
        self.env = env

    def signer(self, label: str) -> signers.SimpleSigner:
        made: signers.SimpleSigner | None = signers.SimpleSigner.load_pkcs12(
            str(self.env.pki.p12_path(label)), passphrase=self.env.pki.password(),
            prefer_pss=True)
        assert made is not None
        return made

    def context(self) -> ValidationContext:
        return ValidationContext(trust_roots=self.env.roots, other_certs=self.env.chain,
                                 allow_fetching=True)

    def timestamper(self) -> HTTPTimeStamper:
        return HTTPTimeStamper(self.env.pki.tsa_url)

    def official_style(self) -> StaticStampStyle:
        return StaticStampStyle(background=PdfImage(str(self.env.signature_png)),
                                background_opacity=1.0, border_width=0)

    def seal_style(self) -> TextStampStyle:
        font = GlyphAccumulatorFactory(str(DEFAULT_FONT), font_size=8)
        return TextStampStyle(
            stamp_text=self.env.pki.agency_name + "\n%(ts)s",
            timestamp_format=SEAL_TIME_FORMAT,
            text_box_style=TextBoxStyle(font=font, font_size=8),
            background=PdfImage(str(self.env.seal_png)), background_opacity=1.0,
            border_width=0)

    def sign(self, data: bytes, *, signer: signers.Signer, context: ValidationContext,
             timestamper: HTTPTimeStamper, field_name: str, box: Box, style: BaseStampStyle,
             lta: bool = False, lock: bool = False) -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES, embed_validation_info=True,
            use_pades_lta=lta, validation_context=context,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES if lock else fields.MDPPerm.FILL_FORMS)
        spec = fields.SigFieldSpec(
            sig_field_name=field_name, on_page=box.page, box=_int_box(box),
            doc_mdp_update_value=fields.MDPPerm.NO_CHANGES if lock else None,
            field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL) if lock else None)
        pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                                       stamp_style=style, new_field_spec=spec)
        out = io.BytesIO()
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=out)
        return out.getvalue()


def _plain_loop(env: Env, n: int, case: str, one: Callable[[Plain, int, bytes], bytes],
                ) -> Outputs:
    plain = Plain(env)
    folder = env.out_dir(case)
    out = Outputs()
    for i in range(n):
        target = folder / f"{i:04d}.pdf"
        begun = time.perf_counter()
        try:
            target.write_bytes(one(plain, i, env.inputs[i].read_bytes()))
            out.files.append(target)
        except Exception as exc:  # report every failure, keep measuring
            out.failures.append(f"{env.inputs[i].name}: {exc!r}"[:400])
        out.per_doc.append(time.perf_counter() - begun)
    out.files = sample(out.files, env.check_count)
    return out


def naive_case(env: Env, n: int) -> Outputs:
    """(b): signer, validation context and stamp style built again for every document."""
    def one(plain: Plain, i: int, data: bytes) -> bytes:
        return plain.sign(data, signer=plain.signer("official"), context=plain.context(),
                          timestamper=plain.timestamper(), field_name=OFFICIAL_FIELD,
                          box=env.boxes[i][0], style=plain.official_style())
    return _plain_loop(env, n, "b", one)


def shared_case(env: Env, n: int) -> Outputs:
    """(c): signer, validation context, timestamper and style built once for the batch."""
    plain = Plain(env)
    signer, context = plain.signer("official"), plain.context()
    stamper, style = plain.timestamper(), plain.official_style()

    def one(_: Plain, i: int, data: bytes) -> bytes:
        return plain.sign(data, signer=signer, context=context, timestamper=stamper,
                          field_name=OFFICIAL_FIELD, box=env.boxes[i][0], style=style)
    return _plain_loop(env, n, "c", one)


def shared_two_case(env: Env, n: int) -> Outputs:
    """(c2): official B-LT with its image, then seal B-LTA with image and text, locking."""
    plain = Plain(env)
    official, seal, context = plain.signer("official"), plain.signer("seal"), plain.context()
    stamper = plain.timestamper()
    official_style, seal_style = plain.official_style(), plain.seal_style()

    def one(_: Plain, i: int, data: bytes) -> bytes:
        official_box, seal_box = env.boxes[i]
        first = plain.sign(data, signer=official, context=context, timestamper=stamper,
                           field_name=OFFICIAL_FIELD, box=official_box, style=official_style)
        return plain.sign(first, signer=seal, context=context, timestamper=stamper,
                          field_name=SEAL_FIELD, box=seal_box, style=seal_style, lta=True,
                          lock=True)
    return _plain_loop(env, n, "c2", one)


def all_cases() -> list[Case]:
    cases = [Case(f"sohoa {lv}", f"sohoa `sign_batch`, official profile, {lv}", lv.value, 1,
                  sohoa_level(lv)) for lv in LEVELS]
    cases += [
        Case(TWO, "sohoa: official B-LT batch, then seal B-LTA batch (both visible)",
             "B-LTA", 2, sohoa_two),
        Case("(a)", "`pyhanko sign addsig` process per document, B-LT", "B-LT", 1, cli_case,
             "cli_docs"),
        Case("(b)", "pyHanko API, signer + ValidationContext per document, B-LT", "B-LT", 1,
             naive_case, "naive_docs"),
        Case("(c)", "pyHanko API, signer once, one shared ValidationContext, B-LT", "B-LT",
             1, shared_case),
        Case("(c2)", "pyHanko API (c) style, official B-LT + seal B-LTA, visible", "B-LTA",
             2, shared_two_case),
    ]
    return cases


# ------------------------------------------------------------------------- measuring


@dataclass
class Measure:
    case: str
    docs: int
    wall: float
    cpu: float
    server_cpu: float
    #: Cores other processes kept busy meanwhile (neither this benchmark nor its server).
    foreign: float
    failures: list[str]
    files: list[Path]
    per_doc: list[float] = field(default_factory=list)
    crashed: str = ""

    @property
    def rate(self) -> float:
        """Documents per second; 0 when the case did not complete."""
        return self.docs / self.wall if self.wall and not self.crashed else 0.0


def _own_cpu() -> float:
    return time.process_time()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _cpu() -> float:
    """This process and its finished children (sohoa's forked workers, pyhanko CLIs)."""
    return _own_cpu() + _children_cpu()


def measure(case: Case, env: Env, n: int, server: ServerProcess) -> Measure:
    if case.key.startswith("sohoa"):
        env.prepare_store()
    server_before, cpu_before, machine_before = server.cpu(), _cpu(), _machine_cpu()
    started = time.perf_counter()
    outputs = guarded(case, env, n)
    wall = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    server_cpu = server.cpu() - server_before
    foreign = max(0.0, _machine_cpu() - machine_before - cpu - server_cpu)
    outputs.finish()
    return Measure(case.key, n, wall, cpu, server_cpu, foreign / wall, outputs.failures,
                   outputs.files, outputs.per_doc, outputs.crashed)


def count_requests(cases: Sequence[Case], env: Env, args: argparse.Namespace,
                   ) -> dict[str, dict[str, int]]:
    """Requests per endpoint for ``--count-docs`` documents of each case (fewer for (a) and
    (b) if their subsets are smaller), with the server in this process; the number of
    documents is under the key ``docs``."""
    counts: dict[str, dict[str, int]] = {}
    with DevPkiServer(env.pki) as server:
        for case in cases:
            n = min(int(args.count_docs), case.docs(args))
            server.reset_counts()
            outputs = guarded(case, env, n).finish()
            if outputs.failures:
                print(f"  counting pass {case.key}: FAILURES {outputs.failures[:3]}",
                      file=sys.stderr)
            counts[case.key] = {"docs": n, **{k: v for k, v in server.counts.items() if v}}
            print(f"  {case.key}: {counts[case.key]}", file=sys.stderr)
    return counts


# ------------------------------------------------------------------------- checking


def check(case: Case, files: Sequence[Path], env: Env) -> list[str]:
    """Problems found by ``sohoa verify`` and ``pdfsig`` in the sampled outputs."""
    problems = []
    for path in files:
        report = verify_pdf(path.read_bytes(), env.roots)
        sigs = [s for s in report.signatures if s.kind == "signature"]
        levels = [s.level for s in sigs]
        if not report.ok:
            found = "; ".join(p for s in report.signatures for p in s.problems)
            problems.append(f"{case.key} {path.name}: sohoa verify not ok: {found}")
        if len(sigs) != case.signatures or any(lv != case.level for lv in levels):
            problems.append(f"{case.key} {path.name}: levels {levels}, expected "
                            f"{case.signatures} x {case.level}")
        if not pdfsig.available():
            problems.append("pdfsig/certutil missing")
            continue
        verdicts = pdfsig.pdfsig(path, [env.pki.root_cert])
        cades = [v for v in verdicts if not v.document_timestamp]
        if len(cades) != case.signatures or not all(v.valid_and_trusted for v in cades):
            said = [(v.signature, v.certificate) for v in cades]
            problems.append(f"{case.key} {path.name}: pdfsig {said}")
    return problems


# ------------------------------------------------------------------------- profiling

#: Where self time goes: first matching fragment of "file:function" names the component.
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("select.epoll", "idle: waiting for TSA/OCSP/CRL answers (event loop)"),
    ("posix.fsync", "store: fsync"),
    ("load_der_private_key", "private-key parsing (cryptography)"),
    ("pkcs12.load", "PKCS#12 decryption (cryptography)"),
    ("_ssl.", "TLS context set-up (a new HTTP session per request)"),
    ("pdfminer", "placement: page text"),
    ("pdfplumber", "placement: page text"),
    ("pypdfium2", "placement: page text"),
    ("appearance/pagetext", "placement: page text"),
    ("fontTools", "stamp font (fontTools)"),
    ("asn1crypto", "asn1crypto (CMS, certificates, OCSP/CRL encoding)"),
    ("pyhanko_certvalidator", "certificate path validation (certvalidator)"),
    ("pyhanko/pdf_utils", "PDF read/write (pyHanko pdf_utils)"),
    ("pyhanko/sign", "pyHanko signing code"),
    ("pyhanko/stamp", "pyHanko stamp layout"),
    ("cryptography", "cryptography (key load, RSA, hashes)"),
    ("_rust", "cryptography (key load, RSA, hashes)"),
    ("zlib", "zlib (de)compression"),
    ("PIL", "images (Pillow)"),
    ("_imaging", "images (Pillow)"),
    ("aiohttp", "HTTP client (aiohttp, asyncio)"),
    ("asyncio", "HTTP client (aiohttp, asyncio)"),
    ("_hashlib", "hashing (hashlib)"),
    ("sha256", "hashing (hashlib)"),
    ("/pipeline/", "sohoa code (records, store, audit)"),
    ("subprocess", "subprocesses"),
    ("posix.", "file system calls"),
    ("_io.", "file I/O"),
    ("json", "JSON (records, audit)"),
)

#: Functions whose cumulative share the summary names (``file fragment``, ``function``).
WATCHED: tuple[tuple[str, str, str], ...] = (
    ("pipeline/sign/look.py", "visible_for", "appearance: placement + stamp style"),
    ("placement.py", "find_signer_block", "finding the signer block (page text)"),
    ("pipeline/sign/pdfsign.py", "sign", "PdfSignatureMaker.sign (pyHanko signing)"),
    ("pipeline/sign/pdfsign.py", "signing_time", "re-reading the signing time"),
    ("pipeline/sign/versions.py", "signature_info", "signature info for the record"),
    ("pipeline/sign/versions.py", "commit_signature", "audit entry + record update"),
    ("pipeline/store/documents.py", "put_signed", "storing the signed version"),
    ("pipeline/store/documents.py", "get_record", "reading records"),
    ("pipeline/sign/keys.py", "unlock", "unlocking the key (once per batch)"),
    ("pipeline/sign/context.py", "check_signer", "checking the signer (once per batch)"),
    ("pdf_signer.py", "async_sign_pdf", "pyHanko async_sign_pdf"),
    ("pdf_signer.py", "sign_pdf", "pyHanko sign_pdf"),
    ("timestamps", "async_timestamp", "time-stamp requests"),
    ("pkcs12.py", "load_key_and_certificates", "PKCS#12 loads"),
    ("serialization", "load_der_private_key", "private key parsing"),
    ("cms_embedder.py", "write_cms", "writing the CMS into the PDF"),
    ("pdf_signer.py", "_async_embed_validation_info", "collecting validation info"),
    ("dss.py", "async_add_dss", "writing the DSS"),
    ("incremental_writer.py", "__init__", "parsing the input PDF"),
    ("opentype.py", "__init__", "pyHanko GlyphAccumulator (font parse)"),
)


def component(key: tuple[str, int, str]) -> str:
    name = f"{key[0]}:{key[2]}"
    for fragment, label in COMPONENTS:
        if fragment in name:
            return label
    return "Python built-ins called from the above (isinstance, len, max, join…)"


def profile_summary(stats: pstats.Stats) -> tuple[float, list[tuple[str, float]],
                                                    list[tuple[str, float]]]:
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    shares: dict[str, float] = defaultdict(float)
    for key, value in raw.items():
        shares[component(key)] += value[2]
    parts = sorted(((k, v / total) for k, v in shares.items()), key=lambda kv: -kv[1])
    watched = []
    for fragment, func, label in WATCHED:
        cum = max((v[3] for k, v in raw.items() if fragment in k[0] and k[2] == func),
                  default=0.0)
        if cum:
            watched.append((label, cum / total))
    return total, parts, watched


def run_profile(name: str, fn: Callable[[], object], out: Path, docs: int, env: Env,
                ) -> tuple[str, float, list[tuple[str, float]], list[tuple[str, float]]]:
    if name.startswith("sohoa"):
        # One process (cProfile cannot see forked workers); the store copy stays out.
        env.prepare_store(workers=1)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn()
    except Exception as exc:
        name += f" (CRASHED: {exc!r})"
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    total, parts, watched = profile_summary(stats)
    text = io.StringIO()
    text.write(f"cProfile of {name}, {docs} documents, {total:.2f} s profiled\n\n")
    text.write("Self time by component:\n")
    for label, share in parts:
        text.write(f"  {share:6.1%}  {label}\n")
    text.write("\nCumulative share of selected functions:\n")
    for label, share in watched:
        text.write(f"  {share:6.1%}  {label}\n")
    for order in ("cumulative", "tottime"):
        text.write(f"\n===== top 45 by {order} =====\n")
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(45)
    text.write("\n===== callers of the top 12 by tottime =====\n")
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_callers(12)
    out.write_text(text.getvalue(), encoding="utf-8")
    return name, total, parts, watched


# ------------------------------------------------------------------------- reporting


def versions() -> str:
    def v(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "missing"
    poppler = subprocess.run(["pdfsig", "-v"], capture_output=True, text=True)
    line = (poppler.stderr or poppler.stdout).splitlines()
    model = ""
    with contextlib.suppress(OSError):
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    return (f"{os.cpu_count()} cores ({model or platform.machine()}), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"pyHanko {v('pyHanko')}, pyhanko-cli {v('pyhanko-cli')}, "
            f"pyhanko-certvalidator {v('pyhanko-certvalidator')}, "
            f"cryptography {v('cryptography')}, {line[0] if line else 'pdfsig ?'}")


def _ms(value: float) -> str:
    return f"{value * 1000:.0f}"


def _requests(counts: dict[str, int] | None) -> str:
    if counts is None:
        return "—"
    found = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "docs")
    return f"{found or 'none'} ({counts.get('docs', '?')} docs)"


def render(cases: Sequence[Case], results: dict[str, Measure], runs: dict[str, list[Measure]],
           counts: dict[str, dict[str, int]], count_docs: int, problems: list[str],
           checked: dict[str, int], profiles: Sequence[tuple[str, float, list[tuple[str, float]],
                                                              list[tuple[str, float]]]],
           command: str, machine: str, seconds: float, load: tuple[float, float],
           subsets: str = "") -> tuple[str, bool]:
    lines = [
        "# Signing benchmark (PAdES, batches)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %z')} by `{command}` "
        f"({seconds / 60:.1f} min in all). Machine: {machine}. Load average (1 min) "
        f"{load[0]:.2f} at the start, {load[1]:.2f} at the end.",
        "",
        "Two-page born-digital Quyết định PDFs (samples generator), dev PKI (RSA-2048 keys, "
        "RSASSA-PSS, SHA-256) with its TSA/OCSP/CRL server `sohoa pki serve-dev` as a separate "
        "process on 127.0.0.1. Every case draws the official's signature image (and, for two "
        "signatures, the seal image with the agency name and signing time) in the boxes "
        "sohoa's placement finds; the pyHanko baselines get those boxes precomputed, outside "
        "the timing. sohoa runs with its default settings: `sign.workers` = one process per "
        f"core ({os.cpu_count()} here) for a batch of at least 16 documents per worker, "
        "`sign.concurrency` = 8 documents in flight per worker. "
        "docs/s = documents / wall time of the whole case (for the sohoa cases including "
        "key unlock, signer check, forking and reading/writing the store); CPU = CPU time of "
        "this process and its children (sohoa's workers, the pyhanko CLI processes), "
        "PKI-server CPU from /proc. "
        "\"Other processes\": CPU the rest of the machine used during the case, in cores "
        "(from /proc/stat, less this benchmark and its server). "
        "Median/p90 ms/doc only for sequential loops. Requests: separate pass of "
        f"{count_docs} documents per case (fewer for (a) and (b)) with the server "
        "in-process (its counters). "
        f"{subsets}",
        "",
        "| case | what | docs | docs/s | median ms/doc | p90 ms/doc | CPU ms/doc | "
        "PKI-server CPU ms/doc | requests (counting pass) | other processes (cores) | "
        "outputs checked |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for case in cases:
        m = results[case.key]
        med = p90 = "—"
        if m.per_doc:
            med = _ms(statistics.median(m.per_doc))
            p90 = _ms(sorted(m.per_doc)[max(0, math.ceil(0.9 * len(m.per_doc)) - 1)])
        bad = [p for p in problems if p.startswith(case.key + " ")]
        verdict = (f"{checked.get(case.key, 0)} ok" if not bad and not m.failures
                   else f"**{len(bad)} bad, {len(m.failures)} failed**")
        speed = f"{m.rate:.2f}" if not m.crashed else "**crashed**"
        lines.append(
            f"| {case.key} | {case.title} | {m.docs} | {speed} | {med} | {p90} | "
            f"{_ms(m.cpu / m.docs)} | {_ms(m.server_cpu / m.docs)} | "
            f"{_requests(counts.get(case.key))} | {m.foreign:.2f} | {verdict} |")
    if any(len(v) > 1 for v in runs.values()):
        lines += ["", "docs/s of every run (the table shows the median run): " + "; ".join(
            f"{k}: " + ", ".join(f"{m.rate:.2f}" for m in v) for k, v in runs.items())]

    def target(mine: str, theirs: str, factor: float, label: str) -> tuple[str, bool]:
        a, b = results[mine], results[theirs]
        if a.crashed or b.crashed or not b.rate:
            return f"{label}: not measured, {mine if a.crashed else theirs} crashed", False
        return (f"{label}: {a.rate / b.rate:.2f} × ({a.rate:.2f} vs {b.rate:.2f} docs/s)",
                a.rate >= factor * b.rate)

    blt = f"sohoa {Level.B_LT}"
    ratios = [target(blt, "(a)", 15, "B-LT sohoa ≥ 15 × (a)"),
              target(blt, "(c)", 3, "B-LT sohoa ≥ 3 × (c)"),
              target(TWO, "(c2)", 3, "two signatures sohoa ≥ 3 × (c2)")]
    failures = sum(len(m.failures) for m in results.values())
    total_checked = sum(checked.values())
    ratios.append((f"every checked output valid in pdfsig and sohoa verify at the requested "
                   f"level ({total_checked} files checked, {len(problems)} problems, "
                   f"{failures} documents or cases failed)", not problems and not failures))
    fetched = {k: v for k, v in counts.items() if k.startswith("sohoa")}
    once = bool(fetched) and all(
        v.get("ocsp", 0) <= (2 if k == TWO else 1)
        and all(n <= (2 if k == TWO else 1) for e, n in v.items() if e.startswith("crl"))
        for k, v in fetched.items())
    ratios.append((f"OCSP/CRL fetched once per batch by sohoa (counting pass, {count_docs}-"
                   "document batches: at most one OCSP answer and one fetch of each CRL per "
                   "batch)", once))
    lines += ["", "## Targets", ""] + [f"- [{'x' if ok else ' '}] {text}" for text, ok in ratios]

    def cpu(key: str) -> str:
        return _ms(results[key].cpu / results[key].docs)

    lines += ["", f"Other figures: {target(blt, '(b)', 1, 'B-LT sohoa / (b)')[0]}; CPU ms/doc "
              f"B-LT sohoa {cpu(blt)} vs (c) {cpu('(c)')}; two signatures {cpu(TWO)} vs (c2) "
              f"{cpu('(c2)')}."]
    if problems or failures:
        lines += ["", "## Failures", ""] + [f"- {p}" for p in problems[:30]]
        for m in results.values():
            lines += [f"- {m.case}: {f}" for f in m.failures[:10]]
            if len(m.failures) > 10:
                lines.append(f"- {m.case}: … {len(m.failures) - 10} more")
    lines += ["", "## Where the time goes (cProfile, `bench/out/sign/profile-*.txt`)", ""]
    for name, total, parts, watched in profiles:
        top = ", ".join(f"{label} {share:.0%}" for label, share in parts[:7])
        lines.append(f"- **{name}** ({total:.1f} s under the profiler), self time: {top}.")
        if watched:
            lines.append("  Cumulative: " + ", ".join(f"{label} {share:.0%}"
                                                      for label, share in watched) + ".")
    return "\n".join(lines), all(ok for _, ok in ratios)


# ------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="documents per case")
    parser.add_argument("--runs", type=int, default=1, help="timed runs of every case")
    parser.add_argument("--cli-docs", type=int, default=20,
                        help="documents for (a), one pyhanko process each")
    parser.add_argument("--naive-docs", type=int, default=50, help="documents for (b)")
    parser.add_argument("--count-docs", type=int, default=32,
                        help="documents per case in the request-counting pass (32: sohoa "
                             "forks two workers, as in the timed runs on two cores)")
    parser.add_argument("--profile-docs", type=int, default=30)
    parser.add_argument("--check", type=int, default=5,
                        help="outputs per case checked with sohoa verify and pdfsig")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "sign")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    use_timezone(ZONE)
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" per stamp
    args.workdir = args.workdir.resolve()
    work: Path = args.workdir / "work"
    work.mkdir(parents=True, exist_ok=True)
    print(f"setting up: dev PKI, profiles, {args.docs} documents ingested", file=sys.stderr)
    env = set_up(work, max(args.docs, args.profile_docs, args.count_docs))
    env.check_count = max(1, args.check)
    cases = all_cases()
    print("counting requests (server in this process)", file=sys.stderr)
    counts = count_requests(cases, env, args)
    runs: dict[str, list[Measure]] = defaultdict(list)
    problems: list[str] = []
    checked: dict[str, int] = {}
    profiles = []
    with ServerProcess(env) as server:
        for run in range(args.runs):
            for case in cases:
                n = case.docs(args)
                print(f"run {run + 1}/{args.runs}: {case.key} ({n} docs)", file=sys.stderr,
                      end="", flush=True)
                m = measure(case, env, n, server)
                runs[case.key].append(m)
                print(f": {m.rate:.2f} docs/s, CPU {_ms(m.cpu / n)} ms/doc, "
                      f"{len(m.failures)} failures", file=sys.stderr)
                for failure in m.failures[:5]:
                    print(f"  FAILED {failure}", file=sys.stderr)
        results = {k: sorted(v, key=lambda m: m.wall)[len(v) // 2] for k, v in runs.items()}
        print("checking outputs with sohoa verify and pdfsig", file=sys.stderr)
        for case in cases:
            found = check(case, results[case.key].files, env)
            checked[case.key] = len(results[case.key].files)
            problems += found
            for problem in found:
                print(f"  INVALID {problem}", file=sys.stderr)
        print("profiling", file=sys.stderr)
        pdocs = args.profile_docs
        targets: list[tuple[str, str, Callable[[], object]]] = [
            ("sohoa B-LT batch", "profile-sohoa-b-lt.txt",
             lambda: sohoa_level(Level.B_LT)(env, pdocs)),
            ("sohoa two signatures", "profile-sohoa-two.txt", lambda: sohoa_two(env, pdocs)),
            ("(c) pyHanko shared context, B-LT", "profile-c-b-lt.txt",
             lambda: shared_case(env, pdocs)),
            ("(c2) pyHanko two signatures", "profile-c2-two.txt",
             lambda: shared_two_case(env, pdocs)),
        ]
        for name, filename, fn in targets:
            profiles.append(run_profile(name, fn, args.workdir / filename, pdocs, env))
    seconds = time.perf_counter() - started
    subsets = (f"To keep the run short, (a) signs the first {results['(a)'].docs} and (b) "
               f"the first {results['(b)'].docs} documents; their rates are per document "
               "like the others.")
    command = "python -m bench.sign " + " ".join(argv if argv is not None else sys.argv[1:])
    text, ok = render(cases, results, runs, counts, args.count_docs, problems, checked,
                      profiles, command.strip(), versions(), seconds,
                      (load_start, os.getloadavg()[0]), subsets)
    write_section(args.results, "sign", text)
    shutil.rmtree(work / "stores", ignore_errors=True)  # a store copy per batch: ~60 MB each
    raw = {k: [{**dataclasses.asdict(m), "files": [str(f) for f in m.files]} for m in v]
           for k, v in runs.items()}
    (args.workdir / "results.json").write_text(
        json.dumps({"runs": raw, "counts": counts, "problems": problems}, indent=1,
                   ensure_ascii=False), encoding="utf-8")
    print(text)
    if problems or any(m.failures for m in results.values()):
        print("\nINVALID OR FAILED OUTPUTS: see above", file=sys.stderr)
        return 1
    return 0 if ok else 2


if __name__ == "__main__":
    raise SystemExit(main())
