"""A real S3 server for the store tests: single-node Ceph with the RADOS Gateway (radosgw).

:func:`start_radosgw` builds a throw-away cluster in a temporary folder — one monitor, one
OSD on the in-memory ``memstore`` backend, one radosgw bound to 127.0.0.1, no cephx — creates
an S3 user with ``radosgw-admin`` and returns the endpoint and keys; :meth:`Radosgw.stop`
kills the daemons and removes the folder. Nothing outside the folder is touched and only
127.0.0.1 is bound. The recipe and its start-up races follow
``../shared/research/s3-servers.md``: the monitor answers "wrong fsid"/``EPERM`` while it is
still forming, so its commands are retried; ``osd crush update on start = false`` avoids the
race that killed the OSD; the rgw data pools are created while the OSD boots so the first
``make_bucket``/PUT does not pay for them. Debian packages: ``ceph-mon ceph-osd radosgw``
(``make test`` installs them).

:func:`external_s3` returns the server named by ``SOHOA_TEST_S3_ENDPOINT`` (MinIO or any S3)
instead, with ``SOHOA_TEST_S3_ACCESS_KEY`` / ``SOHOA_TEST_S3_SECRET_KEY`` and optionally
``SOHOA_TEST_S3_SECURE`` and ``SOHOA_TEST_S3_REGION``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Programs the fixture runs; all from the Debian packages ceph-mon, ceph-osd and radosgw
#: (and their dependencies ceph-base, ceph-common, python3-rados).
PROGRAMS = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool")
INSTALL_HINT = (
    "Ceph's RADOS Gateway is not installed ({missing} missing). `make test` installs it "
    "(Debian packages ceph-mon ceph-osd radosgw); or point SOHOA_TEST_S3_ENDPOINT, "
    "SOHOA_TEST_S3_ACCESS_KEY and SOHOA_TEST_S3_SECRET_KEY at another S3 server."
)
#: The rgw data pools, created ahead so the first bucket and PUT are quick.
_RGW_POOLS = ("default.rgw.buckets.index", "default.rgw.buckets.data",
              "default.rgw.buckets.non-ec")


class S3ServerError(RuntimeError):
    """The test server could not be started; the message carries the daemons' last words."""


@dataclass(frozen=True)
class S3Endpoint:
    """How to reach an S3 server: ``endpoint`` is ``host:port``."""

    endpoint: str
    access_key: str
    secret_key: str
    secure: bool = False
    region: str = "us-east-1"
    #: ``radosgw`` for the fixture's own server, ``external`` otherwise.
    kind: str = "radosgw"


def missing_programs() -> list[str]:
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if not list(Path("/usr/lib/python3/dist-packages").glob("rados*.so")):
        missing.append("python3-rados")
    return missing


def external_s3(environ: Mapping[str, str] | None = None) -> S3Endpoint | None:
    env = os.environ if environ is None else environ
    endpoint = env.get("SOHOA_TEST_S3_ENDPOINT", "")
    if not endpoint:
        return None
    secure = env.get("SOHOA_TEST_S3_SECURE", "").strip().lower() in ("1", "true", "yes", "on")
    for scheme in ("https://", "http://"):
        if endpoint.startswith(scheme):
            secure = scheme == "https://"
            endpoint = endpoint.removeprefix(scheme)
    return S3Endpoint(endpoint.rstrip("/"), env.get("SOHOA_TEST_S3_ACCESS_KEY", ""),
                      env.get("SOHOA_TEST_S3_SECRET_KEY", ""), secure,
                      env.get("SOHOA_TEST_S3_REGION", "us-east-1"), kind="external")


@dataclass
class Radosgw:
    """A running single-node cluster; :meth:`stop` ends it and removes its folder."""

    workdir: Path
    endpoint: S3Endpoint
    started_in: float
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def stop(self, *, purge: bool = True) -> None:
        _stop_all(self.processes)
        if purge:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def stop_gateway(self) -> None:
        """The S3 side goes away (connections refused); the data stays in the OSD."""
        proc = self.processes["rgw"]
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def start_gateway(self, deadline: float = 60.0) -> None:
        argv = [str(a) for a in self.processes["rgw"].args]  # type: ignore[union-attr]
        with (self.workdir / "log" / "rgw.out").open("ab") as out:
            self.processes["rgw"] = subprocess.Popen(
                argv, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True, preexec_fn=_die_with_parent)
        end = time.monotonic() + deadline
        while True:
            try:
                _probe(self.endpoint)
                return
            except _Retryable:
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)


#: The cluster this process started (the fault tests take its gateway away for a while).
RUNNING: list[Radosgw] = []


def start_radosgw(*, deadline: float = 60.0, memstore_bytes: int = 1 << 30) -> Radosgw:
    """Build and start the cluster; raise :class:`S3ServerError` (cleaned up) on failure."""
    missing = missing_programs()
    if missing:
        raise S3ServerError(INSTALL_HINT.format(missing=", ".join(missing)))
    started = time.monotonic()
    _sweep_stale()
    work = Path(tempfile.mkdtemp(prefix=_PREFIX))
    cluster = _Cluster(work, started + deadline, memstore_bytes)
    try:
        endpoint = cluster.start()
    except BaseException as exc:
        logs = cluster.log_tails()
        _stop_all(cluster.processes)
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, S3ServerError):
            raise S3ServerError(f"{exc}\n{logs}") from exc
        raise
    server = Radosgw(work, endpoint, time.monotonic() - started, cluster.processes)
    RUNNING.append(server)
    return server


class _Cluster:
    def __init__(self, work: Path, deadline: float, memstore_bytes: int) -> None:
        self.work = work
        self.deadline = deadline
        self.memstore_bytes = memstore_bytes
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.conf = work / "ceph.conf"
        self.logs = work / "log"

    # -- the steps -----------------------------------------------------------------------
    def start(self) -> S3Endpoint:
        base = _free_port_range(41)
        rgw_port, mon_port = base, base + 1
        fsid = str(uuid.uuid4())
        self._write_conf(fsid, rgw_port, mon_port, base + 10, base + 40)

        monmap = self.work / "monmap"
        self._run(["monmaptool", "--create", "--fsid", fsid, "--addv", "a",
                   f"[v1:127.0.0.1:{mon_port}]", str(monmap)])
        self._run(["ceph-mon", "-c", str(self.conf), "--id", "a", "--mkfs",
                   "--monmap", str(monmap)])
        self._spawn("mon", ["ceph-mon", "-c", str(self.conf), "--id", "a", "-f"])
        osd_uuid = str(uuid.uuid4())
        # One python3-rados process per batch of monitor commands: the ``ceph`` command line
        # costs ~0.3 s a call. ``osd new`` is idempotent per uuid; every command is retried
        # because a forming monitor answers "wrong fsid"/EPERM.
        self._mon([{"prefix": "osd new", "uuid": osd_uuid},
                   {"prefix": "osd crush add", "id": 0, "weight": 1.0,
                    "args": ["root=default", "host=localhost"]}], "registering the OSD")
        self._run(["ceph-osd", "-c", str(self.conf), "-i", "0", "--mkfs",
                   "--osd-uuid", osd_uuid])
        self._spawn("osd", ["ceph-osd", "-c", str(self.conf), "-i", "0", "-f"])
        # The rgw data pools are made while the OSD boots, so the first bucket is quick.
        pools: list[dict[str, object]] = []
        for pool in _RGW_POOLS:
            pools += [{"prefix": "osd pool create", "pool": pool, "pg_num": 8, "pgp_num": 8},
                      {"prefix": "osd pool application enable", "pool": pool, "app": "rgw",
                       "yes_i_really_mean_it": True}]
        self._mon(pools, "creating the rgw pools")
        self._wait_osd_up()

        self._spawn("rgw", ["radosgw", "-c", str(self.conf), "-n", "client.rgw", "-f"])
        access_key = "SOHOA" + secrets.token_hex(8).upper()
        secret_key = secrets.token_urlsafe(30)
        self._retry("creating the S3 user", lambda: self._run(
            ["radosgw-admin", "-c", str(self.conf), "user", "create", "--uid=sohoa-test",
             "--display-name=sohoa test", f"--access-key={access_key}",
             f"--secret-key={secret_key}"], timeout=20))
        endpoint = S3Endpoint(f"127.0.0.1:{rgw_port}", access_key, secret_key)
        self._retry("the gateway answering S3 requests", lambda: _probe(endpoint))
        return endpoint

    def _write_conf(self, fsid: str, rgw_port: int, mon_port: int, first: int,
                    last: int) -> None:
        w = self.work
        for sub in ("mon", "osd", "rgw", "run", "log"):
            (w / sub).mkdir()
        self.conf.write_text(f"""\
[global]
fsid = {fsid}
mon host = v1:127.0.0.1:{mon_port}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind port min = {first}
ms bind port max = {last}
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
keyring = /dev/null
run dir = {w}/run
admin socket = {w}/run/$name.asok
pid file = {w}/run/$name.pid
log file = {w}/log/$name.log
mon cluster log file = {w}/log/cluster.log
crash dir = {w}/crash
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
mon data avail warn = 1
mon data avail crit = 0

[mon.a]
mon data = {w}/mon
paxos propose interval = 0.1

[osd.0]
osd data = {w}/osd
osd objectstore = memstore
memstore device bytes = {self.memstore_bytes}
osd crush update on start = false
osd class update on start = false

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:{rgw_port} tcp_nodelay=1
rgw data = {w}/rgw
rgw dns name = 127.0.0.1
rgw enable usage log = false
rgw thread pool size = 64
""")

    def _wait_osd_up(self) -> None:
        """Wait in slices, so that an OSD that died while booting (the start-up race) is
        noticed and started again, at most 3 times."""
        restarts = 0
        while True:
            try:
                self._mon([], "waiting for the OSD to come up", wait_osd_up=3.0)
                return
            except S3ServerError:
                if time.monotonic() >= self.deadline:
                    raise
                if self.processes["osd"].poll() is not None:
                    if restarts >= 3:
                        raise
                    restarts += 1
                    self._spawn("osd", ["ceph-osd", "-c", str(self.conf), "-i", "0", "-f"])

    def _mon(self, commands: list[dict[str, object]], what: str, *,
             wait_osd_up: float = 0.0) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise S3ServerError(f"timed out {what}")
        if wait_osd_up:
            left = min(left, wait_osd_up)
        job = json.dumps({"conf": str(self.conf), "commands": commands,
                          "wait_osd_up": bool(wait_osd_up), "seconds": left})
        self._check_daemons()
        try:
            done = subprocess.run([_SYSTEM_PYTHON, "-c", _MON_SCRIPT], input=job.encode(),
                                  capture_output=True, timeout=left + 10, cwd=self.work,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise S3ServerError(f"timed out {what}") from exc
        if done.returncode != 0:
            err = done.stderr.decode(errors="replace").strip()[-600:]
            raise S3ServerError(f"failed {what}: {err}")

    # -- helpers -------------------------------------------------------------------------
    def _run(self, argv: Sequence[str], timeout: float = 30) -> str:
        self._check_daemons()
        left = max(1.0, min(timeout, self.deadline - time.monotonic()))
        try:
            done = subprocess.run(argv, capture_output=True, timeout=left, cwd=self.work,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise _Retryable(f"{argv[0]} {' '.join(argv[3:6])} timed out") from exc
        if done.returncode != 0:
            err = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise _Retryable(f"{' '.join([argv[0], *argv[3:6]])} failed "
                             f"({done.returncode}): {err[-400:]}")
        return done.stdout.decode(errors="replace")

    def _retry(self, what: str, action: object) -> None:
        assert callable(action)
        delay = 0.05
        while True:
            try:
                action()
                return
            except _Retryable as exc:
                if time.monotonic() + delay > self.deadline:
                    raise S3ServerError(f"timed out waiting for {what}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _check_time(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise S3ServerError(f"timed out waiting for {what}")

    def _check_daemons(self) -> None:
        for name, proc in self.processes.items():
            if proc.poll() is not None and name != "osd":
                raise S3ServerError(f"ceph {name} exited with status {proc.returncode}")

    def _spawn(self, name: str, argv: Sequence[str]) -> None:
        out = (self.logs / f"{name}.out").open("ab")
        try:
            self.processes[name] = subprocess.Popen(
                argv, cwd=self.work, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True, preexec_fn=_die_with_parent)
        finally:
            out.close()

    def log_tails(self) -> str:
        parts = []
        for path in sorted(self.logs.glob("*")):
            with contextlib.suppress(OSError):
                lines = path.read_text(errors="replace").splitlines()[-15:]
                if lines:
                    parts.append(f"--- {path.name}\n" + "\n".join(lines))
        return "\n".join(parts)


class _Retryable(S3ServerError):
    """A step that failed in a way worth retrying (the cluster may still be forming)."""


#: Debian's python3, which has the ``rados`` module (package python3-rados, pulled in by
#: ceph-common); the venv's python cannot import it.
_SYSTEM_PYTHON = "/usr/bin/python3"
#: Runs monitor commands (JSON on stdin) through librados, retrying each until the deadline;
#: optionally waits for the OSD to be up.
_MON_SCRIPT = """
import json, sys, time
import rados
job = json.load(sys.stdin)
end = time.monotonic() + job["seconds"]
class Refused(Exception):
    pass
def until(fn):
    delay = 0.05
    while True:
        try:
            return fn()
        except Refused:
            raise
        except Exception:
            if time.monotonic() + delay > end:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.3)
cluster = rados.Rados(conffile=job["conf"])
until(lambda: cluster.connect(timeout=5))
PASSING = {-1, -2, -11, -16, -110}  # EPERM ENOENT EAGAIN EBUSY ETIMEDOUT: still forming
def mon(cmd):
    ret, out, err = cluster.mon_command(json.dumps(cmd), b"", timeout=10)
    if ret != 0:
        kind = RuntimeError if ret in PASSING else Refused
        raise kind(f"{cmd['prefix']}: {ret} {err}")
    return out
for cmd in job["commands"]:
    until(lambda: mon(cmd))
def osd_up():
    if json.loads(mon({"prefix": "osd stat", "format": "json"}))["num_up_osds"] < 1:
        raise RuntimeError("the OSD is not up yet")
if job["wait_osd_up"]:
    until(osd_up)
cluster.shutdown()
"""


def _probe(endpoint: S3Endpoint) -> None:
    from minio import Minio  # only once a server runs: keeps the SDK out of other sessions

    client = Minio(endpoint.endpoint, endpoint.access_key, endpoint.secret_key,
                   secure=endpoint.secure, region=endpoint.region)
    try:
        client.list_buckets()
    except Exception as exc:
        raise _Retryable(f"S3 request failed: {exc}") from exc


def _stop_all(processes: dict[str, subprocess.Popen[bytes]], grace: float = 3.0) -> None:
    """End the daemons, gateway first (it exits promptly only while the OSD still answers).
    The data is thrown away with the folder, so the OSD is killed outright: on TERM,
    memstore would first write everything it holds to disk."""
    for name in ("rgw", "osd", "mon"):
        proc = processes.get(name)
        if proc is None:
            continue
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGKILL if name == "osd" else signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_PREFIX = "sohoa-rgw-"


def _sweep_stale(min_age: float = 600.0) -> None:
    """Remove the folders of earlier runs that were killed before they could clean up (their
    daemons died with them): older than ``min_age`` seconds, with no daemon still running."""
    for old in Path(tempfile.gettempdir()).glob(_PREFIX + "*"):
        with contextlib.suppress(OSError, ValueError):
            if time.time() - old.stat().st_mtime < min_age:
                continue
            pids = [int(p.read_text().strip()) for p in (old / "run").glob("*.pid")]
            if any(Path(f"/proc/{pid}").exists() for pid in pids):
                continue
            shutil.rmtree(old, ignore_errors=True)


def _free_port_range(count: int) -> int:
    """A first port such that ``count`` ports from it are free on 127.0.0.1."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 60000 - count)
        if all(_port_free(p) for p in range(base, base + count)):
            return base
    raise S3ServerError("no free range of ports on 127.0.0.1")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """Have the kernel end the daemon if the test process dies without cleaning up."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


if __name__ == "__main__":  # manual check: python -m tests.s3_server
    server = start_radosgw()
    print(f"radosgw up in {server.started_in:.1f} s at {server.endpoint.endpoint}")
    server.stop()
