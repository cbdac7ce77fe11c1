"""A real PostgreSQL for the index tests: Debian's server, a throw-away cluster in a temp dir.

:func:`start_postgres` runs ``initdb`` (trust authentication, a ``sohoa`` superuser) and
``pg_ctl start`` on 127.0.0.1 with a free port and the socket inside the folder, creates the
``sohoa_test`` database and returns the URL; :meth:`PgServer.stop` stops the server and
removes the folder. PostgreSQL refuses to run as root, so as root both programs run as the
``postgres`` user (``nobody`` if there is none) through ``runuser``, with the folder chowned
to it. Durability is switched off (``fsync``, ``synchronous_commit``): the data dies with the
test run anyway. A cluster left behind by a killed run is stopped by the next one.
Debian package: ``postgresql`` (``make test`` installs it).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). "
                "`make test` installs it (Debian package postgresql).")
_PREFIX = "sohoa-pg-"


class PgServerError(RuntimeError):
    """The test server could not be started; the message carries its log."""


@dataclass
class PgServer:
    workdir: Path
    url: str
    started_in: float
    _bin: Path
    _user: str | None

    def stop(self) -> None:
        _pg_ctl(self._bin, self._user, self.workdir / "data", "stop", "-m", "immediate",
                "-w", check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)


def pg_bin() -> Path | None:
    """The newest installed server's ``bin`` folder."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


def start_postgres(*, deadline: float = 60.0) -> PgServer:
    """Start a private cluster; raise :class:`PgServerError` (cleaned up) on failure."""
    binaries = pg_bin()
    if binaries is None:
        raise PgServerError(INSTALL_HINT)
    started = time.monotonic()
    _sweep_stale(binaries)
    user = _unprivileged_user()
    work = Path(tempfile.mkdtemp(prefix=_PREFIX))
    (work / "owner.pid").write_text(str(os.getpid()))
    try:
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(work, entry.pw_uid, entry.pw_gid)
        data = work / "data"
        _run(binaries / "initdb", user, "-D", str(data), "-A", "trust", "-U", "sohoa",
             "-E", "UTF8", "--no-locale", "--no-sync", timeout=deadline)
        port = _free_port()
        options = (f"-h 127.0.0.1 -p {port} -k {work} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _pg_ctl(binaries, user, data, "start", "-w", "-t", str(int(deadline)), "-l",
                str(work / "server.log"), "-o", options, check=True)
        url = f"postgresql://sohoa@127.0.0.1:{port}/sohoa_test"
        _create_database(port)
    except BaseException as exc:
        log = _tail(work / "server.log")
        _pg_ctl(binaries, user, work / "data", "stop", "-m", "immediate", "-w", check=False)
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, subprocess.CalledProcessError | OSError | PgServerError):
            raise PgServerError(f"{exc}\n{log}") from exc
        raise
    return PgServer(work, url, time.monotonic() - started, binaries, user)


def _create_database(port: int) -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user="sohoa", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute("CREATE DATABASE sohoa_test")


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PgServerError("running as root with neither a 'postgres' nor a 'nobody' user")


def _command(program: Path, user: str | None, *args: str) -> list[str]:
    base = [str(program), *args]
    return ["runuser", "-u", user, "--", *base] if user else base


def _run(program: Path, user: str | None, *args: str, timeout: float) -> None:
    done = subprocess.run(_command(program, user, *args), capture_output=True, timeout=timeout,
                          cwd="/", check=False)
    if done.returncode != 0:
        raise PgServerError(f"{program.name} failed: "
                            f"{done.stderr.decode(errors='replace')[-2000:]}")


def _pg_ctl(binaries: Path, user: str | None, data: Path, *args: str, check: bool) -> None:
    done = subprocess.run(_command(binaries / "pg_ctl", user, "-D", str(data), *args),
                          capture_output=True, timeout=120, cwd="/", check=False)
    if check and done.returncode != 0:
        raise PgServerError(f"pg_ctl {args[0]} failed: "
                            f"{done.stderr.decode(errors='replace')[-2000:]}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sweep_stale(binaries: Path) -> None:
    """Stop clusters of earlier runs whose pytest process is gone (only ours: by prefix)."""
    for work in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            owner = int((work / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        user = _unprivileged_user()
        if (work / "data" / "postmaster.pid").exists():
            _pg_ctl(binaries, user, work / "data", "stop", "-m", "immediate", "-w", check=False)
        shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
