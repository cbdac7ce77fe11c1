"""API load benchmark: fetch-by-ID of a record and of a 1 MB file at 50 concurrent clients.

    .venv/bin/python -m bench.api [--clients 50] [--seconds 20] [--load 0.5] [--workers 2]

For each kho (the local folder, then a single-node Ceph radosgw started here), ``--records``
synthetic records (and ``--files`` of them with a 1 MB searchable PDF) are stored, an API key
is made, and ``sohoa serve --workers W`` runs on 127.0.0.1. The load generator is a minimal
asyncio HTTP/1.1 client with keep-alive (one connection per client, far cheaper than a full
client library, since it shares the two cores with the server):

* **closed loop** — each of ``--clients`` sends its next request as soon as the last one
  answered: the most the server does (requests/s) and the latency at that load;
* **paced** — each client sends requests on a fixed schedule, all together ``--load`` (half)
  of the closed loop's requests/s; latency is measured from the scheduled time, so a
  stalled server cannot hide its queue.

Every response is checked (status 200, length); errors are counted. Writes the "api" section
of ``bench/RESULTS.md``; scratch under ``bench/out/api``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from bench.store import build, generate  # noqa: E402
from pipeline.api.keys import ApiKeys, Scope  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.models import Variant  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from tests.s3_server import start_radosgw  # noqa: E402

OUT = ROOT / "bench" / "out" / "api"
TARGET_P99_MS = 20.0


@dataclass(frozen=True)
class Setup:
    name: str
    env: dict[str, str]
    key: str
    records: list[str]
    files: list[str]


def prepare(name: str, env: dict[str, str], records: int, files: int) -> Setup:
    settings = load_settings(env, config_file=None)
    store = open_store(settings)
    truth = generate(records, seed=11)
    ids = []
    with_files = []
    blob = os.urandom(1 << 20)
    for n, spec in enumerate(truth.specs[:records]):
        record = build(spec, truth)
        if n < files:
            artifact = store.put_artifact(record.id, Variant.SEARCHABLE,
                                          b"%PDF-1.7\n" + blob[:-9], "application/pdf")
            record = replace(record, artifacts={**record.artifacts, "searchable": artifact})
            with_files.append(record.id)
        store.put_record(record)
        ids.append(record.id)
    assert store.index is not None
    _, key = ApiKeys(store.index).create("bench", frozenset({Scope.READ_DOCUMENTS}))
    return Setup(name, env, key, ids, with_files)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(setup: Setup, port: int, workers: int) -> subprocess.Popen[bytes]:
    log = (OUT / f"server-{setup.name}.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                             "--workers", str(workers)], env=setup.env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=OUT)
    log.close()
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(1.0 if workers > 1 else 0.2)  # let every worker process bind
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("sohoa serve did not start")


@dataclass
class Result:
    latencies: list[float]
    errors: int
    seconds: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str,
                   key: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
                 "\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status if length > 0 else -status


async def load(port: int, key: str, paths: list[str], clients: int, seconds: float,
               rate: float | None) -> Result:
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    stop_at = start + seconds

    async def client(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        interval = 1.0 / rate if rate else 0.0
        due = time.perf_counter() + rng.random() * interval
        try:
            while True:
                if rate:
                    now = time.perf_counter()
                    if due > now:
                        await asyncio.sleep(due - now)
                    sent = due
                    due += interval
                else:
                    sent = time.perf_counter()
                if sent >= stop_at:
                    return
                try:
                    status = await _request(reader, writer, rng.choice(paths), key)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                if status != 200:
                    errors += 1
                latencies.append(time.perf_counter() - sent)
        finally:
            writer.close()

    await asyncio.gather(*(client(n) for n in range(clients)))
    return Result(latencies, errors, time.perf_counter() - start)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def row(name: str, what: str, mode: str, r: Result) -> str:
    return (f"| {name} | {what} | {mode} | {r.rps:.0f} | {pct(r.latencies, .5):.1f} | "
            f"{pct(r.latencies, .99):.1f} | {r.errors} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--load", type=float, default=0.5,
                        help="paced runs send this share of the closed loop's requests/s")
    parser.add_argument("--max-paced", type=float, default=400.0,
                        help="most requests/s a paced run asks for (the Python load "
                             "generator shares the cores and cannot keep a faster pace)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    rows: list[str] = []
    summary: list[str] = []
    server = start_radosgw()
    try:
        s3 = server.endpoint
        kinds = {
            "local folder": {**base, "SOHOA_HOME": str(OUT / "local")},
            "S3 (radosgw)": {**base, "SOHOA_HOME": str(OUT / "s3"),
                             "SOHOA_S3_ENDPOINT": s3.endpoint,
                             "SOHOA_S3_ACCESS_KEY": s3.access_key,
                             "SOHOA_S3_SECRET_KEY": s3.secret_key, "SOHOA_S3_BUCKET": "api-bench",
                             "SOHOA_S3_SECURE": "false", "SOHOA_S3_REGION": s3.region},
        }
        for name, env in kinds.items():
            print(f"{name}: storing {args.records} records…", file=sys.stderr, flush=True)
            setup = prepare(name.split()[0], env, args.records, args.files)
            port = free_port()
            proc = start_server(setup, port, args.workers)
            try:
                records = [f"/v1/documents/{i}" for i in setup.records]
                files = [f"/v1/documents/{i}/files/searchable" for i in setup.files]
                asyncio.run(load(port, setup.key, records, 4, 2.0, None))  # warm up
                for what, paths in (("record", records), ("1 MB file", files)):
                    print(f"  {what}, closed loop…", file=sys.stderr, flush=True)
                    most = asyncio.run(load(port, setup.key, paths, args.clients,
                                            args.seconds, None))
                    rows.append(row(name, what, "closed loop", most))
                    # Paced at a share of what the closed loop showed the server can do.
                    total = min(args.load * most.rps, args.max_paced)
                    rate = total / args.clients
                    mode = f"paced {total:.0f}/s in all ({total / most.rps:.0%} of max)"
                    print(f"  {what}, {mode}…", file=sys.stderr, flush=True)
                    result = asyncio.run(load(port, setup.key, paths, args.clients,
                                              args.seconds, rate))
                    kept = result.rps >= 0.9 * total
                    rows.append(row(name, what, mode if kept else
                                    f"{mode} — the client fell behind: not valid", result))
                    if what == "record" and kept:
                        p99 = pct(result.latencies, .99)
                        summary.append(
                            f"- [{'x' if p99 < TARGET_P99_MS and not result.errors else ' '}] "
                            f"{name}: record p99 {p99:.1f} ms at {args.clients} clients "
                            f"sending {result.rps:.0f} req/s in all (target < "
                            f"{TARGET_P99_MS:g} ms, zero errors: {result.errors} errors); at "
                            f"the closed loop's maximum the p99 is "
                            f"{pct(most.latencies, .99):.0f} ms")
            finally:
                proc.terminate()
                proc.wait(30)
    finally:
        server.stop()
    text = "\n".join([
        "## API (issue 8)", "",
        f"Command: `python -m bench.api {' '.join(argv if argv is not None else sys.argv[1:])}`"
        f" — {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"`sohoa serve --workers {args.workers}` (uvicorn) and the load generator on the same "
        f"machine, {args.clients} concurrent clients with keep-alive, {args.seconds:g} s per "
        f"run, {args.records} records ({args.files} with a 1 MB file) per kho.", "",
        "| kho | fetch | load | req/s | p50 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |", *rows, "",
        "Closed loop: latency is the queue at the server's maximum rate (50 clients / "
        "throughput). Paced: the latency of a request at a steady load of half that maximum "
        f"(at most {args.max_paced:g} req/s, which the load generator can keep), measured from "
        "its scheduled time; a paced run whose client fell more than 10 % behind its schedule "
        "is marked not valid.", "", *summary, ""])
    write_section(args.results, "api", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
