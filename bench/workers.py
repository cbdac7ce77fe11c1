"""Workers benchmark: scaling of ``sohoa worker`` processes, watch-to-fetchable latency, and
the fault scenarios repeated.

    .venv/bin/python -m bench.workers [--pages 200] [--repeats 5] [--arrivals 30]

1. **Scaling.** ``--pages`` scanned pages (generated with the samples generator at the
   ``scanned`` level, cut into documents of ``--per-doc`` pages, each document a distinct
   file) are processed three ways, each into a fresh local-folder kho and SQLite index: the
   in-process default (``sohoa ingest FILES``, no broker), and one and two ``sohoa worker``
   processes (one page at a time each) on a real Redis, the files submitted as the watcher
   submits them (original stored, job queued). Wall time from the first submission to the
   last document stored; pages per minute.
2. **Latency.** Two workers and ``sohoa watch`` on one station; one single-page scan lands in
   the inbox every ``--interval`` seconds (written under a temporary name, then renamed, as
   scanners and copy tools do); for each, the time from the rename to its record being
   fetchable from the kho. p50 / p99.
3. **Faults.** Each scenario of ``tests/fault_scenarios.py`` (worker SIGKILL mid-document,
   Redis restart, S3 gateway away, watcher SIGKILL while files arrive, a file still being
   written) ``--repeats`` times against Redis and a single-node Ceph radosgw; documents
   lost and duplicated are counted.
4. **SIGKILL with the shipped settings** (issue 12). ``worker_killed_defaults``
   ``--repeats`` times (Redis, radosgw, two workers, ``sohoa watch``, twelve files, one
   worker SIGKILLed mid-page, ``work.*`` at their defaults): seconds from the kill to the
   document it was reading being stored, and every document stored exactly once, also after
   the broker's own late redelivery of the dead worker's task.

Writes the "workers" section of ``bench/RESULTS.md`` (parts 1–3) and the "workers-sigkill"
section (part 4), each only when its parts ran; scratch under ``bench/out/workers``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from pipeline.config import WorkSettings  # noqa: E402
from pipeline.hashing import sha256_file  # noqa: E402
from samples import Level, generate  # noqa: E402
from tests.fault_scenarios import (  # noqa: E402
    SCENARIOS,
    Outcome,
    drop,
    start_watcher,
    submit,
    worker_killed_defaults,
)
from tests.redis_server import RedisServer, start_redis  # noqa: E402
from tests.s3_server import S3Endpoint, start_radosgw  # noqa: E402
from tests.workers_env import Cluster, distinct_scan  # noqa: E402

OUT = ROOT / "bench" / "out" / "workers"
TARGET_SCALING = 1.8


def redis_version() -> str:
    found = subprocess.run(["redis-server", "--version"], capture_output=True, text=True,
                           check=False).stdout.split()
    return next((w.removeprefix("v=") for w in found if w.startswith("v=")), "?")


def make_documents(count_pages: int, per_doc: int, seed: int) -> list[Path]:
    """``count_pages`` scanned pages as documents of ``per_doc`` pages (distinct files)."""
    src = OUT / "samples"
    shutil.rmtree(src, ignore_errors=True)
    samples = generate(src, max(8, count_pages // 8), levels=[Level.SCANNED], seed=seed,
                       formats=["image-pdf"])
    pdfs = [pikepdf.open(s.path) for s in samples]
    pages = [p for pdf in pdfs for p in pdf.pages]
    docs = OUT / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    out = []
    taken = 0
    n = 0
    while taken < count_pages:
        doc = pikepdf.new()
        size = min(per_doc, count_pages - taken)
        for k in range(size):
            doc.pages.append(pages[(taken + k) % len(pages)])
        doc.docinfo["/Title"] = f"bench-workers-{seed}-{n}"  # distinct bytes, distinct job
        path = docs / f"ho-so-{n:03d}.pdf"
        doc.save(path)
        out.append(path)
        taken += size
        n += 1
    for pdf in pdfs:
        pdf.close()
    return out


@dataclass(frozen=True)
class Run:
    mode: str
    pages: int
    seconds: float

    @property
    def per_minute(self) -> float:
        return self.pages / self.seconds * 60


def run_in_process(files: list[Path], pages: int) -> Run:
    home = OUT / "in-process"
    shutil.rmtree(home, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env["SOHOA_HOME"] = str(home)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pipeline", "ingest", *map(str, files), "--json"],
                   env=env, check=True, stdout=subprocess.DEVNULL, cwd=OUT)
    return Run("in-process (`sohoa ingest`, no broker)", pages, time.monotonic() - started)


def run_workers(files: list[Path], pages: int, workers: int, redis: RedisServer) -> Run:
    root = Path(tempfile.mkdtemp(prefix=f"w{workers}-", dir=OUT))
    cluster = Cluster(root, redis, None)
    try:
        for n in range(workers):
            cluster.start_worker(f"w{n}", ready=True)
        started = time.monotonic()
        shas = submit(cluster, files)
        cluster.wait_done(shas, timeout=3600)
        seconds = time.monotonic() - started
        cluster.stored_exactly_once({s: 1 for s in shas})
        return Run(f"{workers} × `sohoa worker` (Redis)", pages, seconds)
    finally:
        cluster.stop_all()
        shutil.rmtree(root, ignore_errors=True)


def latency(redis: RedisServer, arrivals: int, interval: float) -> list[float]:
    root = Path(tempfile.mkdtemp(prefix="latency-", dir=OUT))
    cluster = Cluster(root, redis, None)
    inbox = root / "inbox"
    stations = root / "stations.toml"
    stations.write_text(f'[[station]]\nname = "tram-do"\ninbox = "{inbox}"\n'
                        'poll_interval = 1.0\nquiet_seconds = 0.5\n', encoding="utf-8")
    scans = [distinct_scan(root / "src", f"den-{n:03d}.png", seed=f"latency-{n}-{root.name}")
             for n in range(arrivals)]
    landed: dict[str, float] = {}
    fetchable: dict[str, float] = {}
    for n in range(2):
        cluster.start_worker(f"w{n}", ready=True)
    watcher = start_watcher(cluster, stations)
    store = cluster.store()
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for sha in [s for s in landed if s not in fetchable]:
                if store.find(sha) is not None:
                    fetchable[sha] = time.monotonic()
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        time.sleep(2.0)  # the watcher's first scan of an empty inbox
        for scan in scans:
            sha = sha256_file(scan)[0]
            drop(scan, inbox)
            landed[sha] = time.monotonic()
            time.sleep(interval)
        cluster.wait("every arrival fetchable", lambda: len(fetchable) == len(landed), 600)
    finally:
        stop.set()
        watcher.terminate()
        watcher.wait(30)
        cluster.stop_all()
    delays = [fetchable[s] - landed[s] for s in landed]
    shutil.rmtree(root, ignore_errors=True)
    return delays


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--per-doc", type=int, default=10)
    parser.add_argument("--arrivals", type=int, default=30)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["scaling", "latency", "faults", "sigkill"])
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.workers " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = ["## Workers (issue 7)", "", machine(command), ""]
    redis = start_redis()
    try:
        if "scaling" not in args.skip:
            print("documents…", file=sys.stderr, flush=True)
            files = make_documents(args.pages, args.per_doc, args.seed)
            runs: list[Run] = []
            for workers in (0, 1, 2):
                print(f"scaling: {workers or 'in-process'}…", file=sys.stderr, flush=True)
                runs.append(run_workers(files, args.pages, workers, redis) if workers
                            else run_in_process(files, args.pages))
                print(f"  {runs[-1].per_minute:.1f} pages/min", file=sys.stderr, flush=True)
            ratio = runs[2].per_minute / runs[1].per_minute
            lines += [
                f"### Scaling: {args.pages} scanned pages ({len(files)} documents of "
                f"{args.per_doc} pages), local-folder kho, SQLite index", "",
                "| mode | wall s | pages/min |", "| --- | --- | --- |",
                *[f"| {r.mode} | {r.seconds:.1f} | {r.per_minute:.1f} |" for r in runs], "",
                f"2 workers / 1 worker: **{ratio:.2f}×** (target ≥ {TARGET_SCALING}×: "
                f"{'met' if ratio >= TARGET_SCALING else 'NOT met'}); 2 workers / in-process: "
                f"{runs[2].per_minute / runs[0].per_minute:.2f}×.", ""]
        if "latency" not in args.skip:
            print("latency…", file=sys.stderr, flush=True)
            delays = latency(redis, args.arrivals, args.interval)
            lines += [
                f"### Latency: a file landing in a watched folder → its document fetchable "
                f"({args.arrivals} one-page scans, one every {args.interval:g} s, "
                "`sohoa watch` with inotify + 2 workers)", "",
                f"p50 **{statistics.median(delays):.1f} s**, p99 **{pct(delays, 0.99):.1f} s**, "
                f"min {min(delays):.1f} s, max {max(delays):.1f} s. Includes the watcher's "
                "stability wait (`quiet_seconds` 0.5 s), storing the original, the queue, "
                "OCR and assembly.", ""]
        if "faults" not in args.skip:
            lines += fault_runs(redis, args.repeats)
        if "sigkill" not in args.skip:
            killed = ["## A worker SIGKILLed, shipped settings (issue 12)", "",
                      machine(command), "", *sigkill_runs(redis, args.repeats)]
            write_section(args.results, "workers-sigkill", "\n".join(killed))
            print("\n".join(killed))
    finally:
        redis.close()
    if {"scaling", "latency", "faults"} - set(args.skip):
        write_section(args.results, "workers", "\n".join(lines))
        print("\n".join(lines))
    return 0


def machine(command: str) -> str:
    return (f"Command: `{command.strip()}` — {os.cpu_count()} cores, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, "
            f"Redis {redis_version()} "
            f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).")


def sigkill_runs(redis: RedisServer, repeats: int) -> list[str]:
    """Issue 12: the killed worker's document stored within two minutes, exactly once."""
    print("radosgw…", file=sys.stderr, flush=True)
    server = start_radosgw()
    load_before = os.getloadavg()[0]
    try:
        outcomes = repeat(worker_killed_defaults, "sigkill-defaults", repeats, redis,
                          server.endpoint)
    finally:
        server.stop()
    load_after = os.getloadavg()[0]
    handovers = [o.handover or 0.0 for o in outcomes]
    once = all(o.clean and o.tally.stored == o.tally.expected for o in outcomes)
    met = once and max(handovers) < 120
    w = WorkSettings()
    return [
        "Two `sohoa worker` processes and `sohoa watch` on one station, Redis + single-node "
        "Ceph radosgw, `work.*` at their defaults (`visibility_timeout` "
        f"{w.visibility_timeout:g} s, `heartbeat_interval` {w.heartbeat_interval:g} s, "
        f"`dead_after` {w.dead_after:g} s). Each run drops twelve scans in the station's "
        "folder (one of four pages), SIGKILLs one worker right after it takes a page (its "
        "claim seen on the job board), and times the kill → that document stored. Then the "
        "broker's own redelivery of the dead worker's task (due after "
        f"{w.visibility_timeout:g} s) is forced early, and everything is counted again. "
        f"Load average of the machine (1 min): {load_before:.1f} before, {load_after:.1f} "
        "after (other work shares its cores).", "",
        "| run | kill → its document stored, s | start → all twelve stored, s | "
        "documents stored (after the late redelivery) | lost | "
        "duplicated | left in inbox |", "| --- | --- | --- | --- | --- | --- | --- |",
        *[f"| {n} | {o.handover or 0.0:.1f} | {o.seconds:.1f} | {o.tally.stored} | "
          f"{o.tally.lost} | {o.tally.duplicated} | {len(o.left_in_inbox)} |"
          for n, o in enumerate(outcomes, 1)], "",
        f"Kill → stored: median **{statistics.median(handovers):.1f} s**, max "
        f"{max(handovers):.1f} s over {len(outcomes)} runs (target: every killed worker's "
        f"document stored exactly once within 120 s: {'met' if met else 'NOT met'}).", "",
        "Where the time goes: a worker is dead once its last heartbeat is `dead_after` "
        f"({w.dead_after:g} s) old, so {w.dead_after - w.heartbeat_interval:g}–"
        f"{w.dead_after:g} s after the kill (it beat up to {w.heartbeat_interval:g} s before); "
        "the next reaper round (the other worker's heartbeat thread or the watcher's "
        f"maintenance loop, each every {w.heartbeat_interval:g} s) queues its page again, "
        "behind what is already queued; then that page and the "
        "assembly.", ""]


def repeat(scenario: Callable[[Cluster], Outcome], name: str, repeats: int,
           redis: RedisServer, s3: S3Endpoint) -> list[Outcome]:
    """Run a fault scenario ``repeats`` times, each with its own queue, bucket and folder."""
    outcomes = []
    for n in range(repeats):
        print(f"fault {name} #{n + 1}…", file=sys.stderr, flush=True)
        root = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=OUT))
        cluster = Cluster(root, redis, s3)
        try:
            outcomes.append(scenario(cluster))
        finally:
            cluster.stop_all()
            shutil.rmtree(root, ignore_errors=True)
        print(f"  {outcomes[-1].seconds:.1f} s" + (
            f", stored {outcomes[-1].handover:.1f} s after the kill"
            if outcomes[-1].handover is not None else ""), file=sys.stderr, flush=True)
    return outcomes


def fault_runs(redis: RedisServer, repeats: int) -> list[str]:
    print("radosgw…", file=sys.stderr, flush=True)
    server = start_radosgw()
    rows = []
    total_lost = total_dup = 0
    try:
        for name, scenario in SCENARIOS.items():
            outcomes = repeat(scenario, name, repeats, redis, server.endpoint)
            lost = sum(o.tally.lost for o in outcomes)
            dup = sum(o.tally.duplicated for o in outcomes)
            left = sum(len(o.left_in_inbox) for o in outcomes)
            total_lost += lost
            total_dup += dup
            rows.append(f"| {name} | {repeats} | {sum(o.files for o in outcomes)} | "
                        f"{sum(o.tally.stored for o in outcomes)} | {lost} | {dup} | {left} | "
                        f"{statistics.median(o.seconds for o in outcomes):.1f} |")
    finally:
        server.stop()
    return [
        f"### Fault scenarios, each {repeats}× (Redis + single-node Ceph radosgw)", "",
        "| scenario | runs | files | documents stored | lost | duplicated | left in inbox | "
        "median s |", "| --- | --- | --- | --- | --- | --- | --- | --- |", *rows, "",
        f"Total lost: **{total_lost}**, duplicated: **{total_dup}** (target: zero and zero).",
        ""]


if __name__ == "__main__":
    raise SystemExit(main())
