"""Scanning stations: the TOML file, and intake that never loses nor doubles a file.

The watcher is driven with a fake handler standing in for the pipeline: it records what it
was given and dedups by content, as the store does.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scanners
import scanners.watcher
from pipeline.batch import BatchItem, is_candidate
from pipeline.config import ConfigError, Settings, WatchSettings
from pipeline.errors import ExitCode
from pipeline.intake.hints import IntakeHints
from pipeline.models import Failure
from scanners.quarantine import REASON_SUFFIX
from scanners.stations import Station, load_stations, stations_file
from scanners.watcher import FolderWatcher, Handler, WatchedFolder

QUIET = 0.2


class FakeStore:
    """Takes files as the pipeline would: the first of some bytes is new, later ones dups."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, IntakeHints, bytes]] = []
        self.stored: dict[str, str] = {}
        self.duplicates = 0
        self.lock = threading.Lock()

    def __call__(self, path: Path, hints: IntakeHints) -> BatchItem:
        data = path.read_bytes()
        with self.lock:
            self.calls.append((path.name, hints, data))
            digest = hashlib.sha256(data).hexdigest()
            if digest in self.stored:
                self.duplicates += 1
            self.stored.setdefault(digest, path.name)
        return BatchItem(path, None, None, 0.0)

    def hints(self, name: str) -> IntakeHints:
        return next(h for n, h, _ in self.calls if n == name)


def write_stations(folder: Path, body: str) -> Path:
    path = folder / "stations.toml"
    path.write_text(body, encoding="utf-8")
    return path


def station(tmp_path: Path, name: str = "tram-01", **extra: object) -> Station:
    lines = [f'name = "{name}"', f'inbox = "{name}"', f"quiet_seconds = {QUIET}",
             "poll_interval = 0.05"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    path = write_stations(tmp_path, "[[station]]\n" + "\n".join(lines) + "\n")
    [only] = load_stations(path, Settings())
    only.inbox.mkdir(parents=True, exist_ok=True)
    return only


def watcher(st: Station, handle: Handler, settings: Settings | None = None) -> FolderWatcher:
    return FolderWatcher(WatchedFolder.of_station(st), handle, settings or Settings())


# --- the stations file -----------------------------------------------------------------------

def test_the_shipped_example_parses() -> None:
    example = Path(scanners.__file__).parent / "stations.toml"
    local, share = load_stations(example, Settings())
    assert (local.name, local.inbox, local.polling, local.after) == (
        "tram-01", Path("/srv/scan/tram-01"), False, "move")
    assert local.done == Path("/srv/scan/tram-01/done")
    assert local.hints == IntakeHints(procedure="1.001612", doc_type="to_khai")
    assert (share.polling, share.poll_interval, share.quiet_seconds, share.after) == (
        True, 5.0, 10.0, "delete")
    assert share.done == Path("/srv/scan/da-xu-ly/tram-02")
    assert share.quarantine == Path("/mnt/smb/tram-02/cach-ly")


def test_relative_inboxes_follow_the_file_and_defaults_follow_the_settings(
        tmp_path: Path) -> None:
    path = write_stations(tmp_path, '[[station]]\nname = "a"\ninbox = "quet/a"\n')
    settings = Settings(watch=WatchSettings(quiet_seconds=7.0, poll_interval=3.0, polling=True,
                                            done_dir="xong", quarantine_dir="/q"))
    [a] = load_stations(path, settings)
    assert a.inbox == tmp_path / "quet" / "a"
    assert (a.done, a.quarantine) == (tmp_path / "quet" / "a" / "xong", Path("/q"))
    assert (a.quiet_seconds, a.poll_interval, a.polling, a.after) == (7.0, 3.0, True, "move")
    assert a.hints == IntakeHints()


def test_stations_file_comes_from_the_settings() -> None:
    assert stations_file(Settings()) is None
    configured = Settings(watch=WatchSettings(stations="/etc/sohoa/tram.toml"))
    assert stations_file(configured) == Path("/etc/sohoa/tram.toml")


@pytest.mark.parametrize(("body", "says"), [
    ('[[station]]\nname = "a"\ninbox = "a"\ncolor = "red"\n', 'trạm "a": khóa không được hỗ trợ'),
    ('[[station]]\nname = "a"\ninbox = "a"\n[[station]]\nname = "a"\ninbox = "b"\n',
     'tên trạm "a" bị khai báo hai lần'),
    ('[[station]]\nname = "a"\n', 'trạm "a": thiếu thư mục quét'),
    ('[[station]]\ninbox = "a"\n', "trạm thứ 1: thiếu tên trạm"),
    ('[[station]]\nname = "a"\ninbox = "a"\nafter = "archive"\n', 'after phải là "move"'),
    ('[[station]]\nname = "a"\ninbox = "a"\npoll_interval = 0\n', "poll_interval phải là"),
    ('[[station]]\nname = "a"\ninbox = "a"\nquiet_seconds = "2"\n', "quiet_seconds phải là"),
    ('[[station]]\nname = "a"\ninbox = "a"\npolling = "yes"\n', "polling phải là true"),
    ('[[station]]\nname = "a"\ninbox = "a"\ndone = "."\n', "không được trùng với thư mục quét"),
    ('[[station]]\nname = "a"\ninbox = "a"\ndoc_type = "Tờ khai"\n', "không phải tên loại"),
    ('[[station]]\nname = "a"\ninbox = "a"\n[[station]]\nname = "b"\ninbox = "a/con"\n',
     'trạm "b"'),
    ('tram = 1\n', "khóa không được hỗ trợ tram"),
    ("", "chưa khai báo trạm nào"),
    ("[[station]\n", "Không đọc được tệp trạm quét"),
])
def test_bad_stations_files_are_refused_with_a_clear_reason(tmp_path: Path, body: str,
                                                            says: str) -> None:
    path = write_stations(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_stations(path, Settings())
    assert says in caught.value.message
    assert str(path) in caught.value.message


def test_a_missing_stations_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Không đọc được tệp trạm quét"):
        load_stations(tmp_path / "khong-co.toml", Settings())


# --- intake ----------------------------------------------------------------------------------

def test_two_stations_one_polled_ingest_side_by_side(tmp_path: Path) -> None:
    body = "".join(
        f'[[station]]\nname = "{n}"\ninbox = "{n}"\nquiet_seconds = {QUIET}\n'
        f'poll_interval = 0.05\npolling = {p}\nprocedure = "{n}-tt"\n'
        for n, p in (("tai-cho", "false"), ("chia-se", "true")))
    stations = load_stations(write_stations(tmp_path, body), Settings())
    for s in stations:
        s.inbox.mkdir()
    store = FakeStore()
    watchers = [watcher(s, store) for s in stations]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in watchers]
    for t in threads:
        t.start()
    try:
        (tmp_path / "tai-cho" / "a.pdf").write_bytes(b"%PDF a")
        (tmp_path / "chia-se" / "b.pdf").write_bytes(b"%PDF b")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(
                (tmp_path / n / "done" / f).exists()
                for n, f in (("tai-cho", "a.pdf"), ("chia-se", "b.pdf"))):
            time.sleep(0.05)
    finally:
        stop.set()
        for w in watchers:
            w.wake.set()
        for t in threads:
            t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    assert (tmp_path / "tai-cho" / "done" / "a.pdf").read_bytes() == b"%PDF a"
    assert (tmp_path / "chia-se" / "done" / "b.pdf").read_bytes() == b"%PDF b"
    assert store.hints("a.pdf").procedure == "tai-cho-tt"
    assert store.hints("b.pdf").procedure == "chia-se-tt"
    assert len(store.calls) == 2


def test_sidecars_give_hints_over_the_station_and_move_with_their_file(tmp_path: Path) -> None:
    st = station(tmp_path, doc_type="to_khai", procedure="9.999999")
    (st.inbox / "a.pdf").write_bytes(b"%PDF a")
    (st.inbox / "a.pdf.json").write_text(
        json.dumps({"ma_ho_so": "000.00.12.H04-240115-0001", "thu_tuc": "1.001612"}),
        encoding="utf-8")
    (st.inbox / "sub").mkdir()
    (st.inbox / "sub" / "b.png").write_bytes(b"png b")
    (st.inbox / "sub" / "b.json").write_text('{"doc_type": "can_cuoc"}', encoding="utf-8")
    (st.inbox / "c.pdf").write_bytes(b"%PDF c")
    store = FakeStore()
    watcher(st, store).run_until_idle(timeout=10)

    assert store.hints("a.pdf") == IntakeHints("000.00.12.H04-240115-0001", "1.001612", "to_khai")
    assert store.hints("b.png") == IntakeHints(None, "9.999999", "can_cuoc")
    assert store.hints("c.pdf") == IntakeHints(None, "9.999999", "to_khai")
    assert sorted(n for n, _, _ in store.calls) == ["a.pdf", "b.png", "c.pdf"]  # no sidecar
    assert json.loads((st.done / "a.pdf.json").read_text(encoding="utf-8"))["thu_tuc"]
    assert (st.done / "sub" / "b.png").exists() and (st.done / "sub" / "b.json").exists()
    assert [p for p in st.inbox.rglob("*") if p.is_file() and not p.is_relative_to(st.done)] == []


def test_a_sidecar_shared_by_two_files_serves_both(tmp_path: Path) -> None:
    st = station(tmp_path)
    for name in ("x.pdf", "x.png"):
        (st.inbox / name).write_bytes(name.encode())
    (st.inbox / "x.json").write_text('{"ma_ho_so": "HS-1"}', encoding="utf-8")
    store = FakeStore()
    watcher(st, store).run_until_idle(timeout=10)
    assert store.hints("x.pdf").ma_ho_so == store.hints("x.png").ma_ho_so == "HS-1"
    assert not (st.inbox / "x.json").exists()
    assert sorted(p.name for p in st.done.iterdir()) == ["x.json", "x.pdf", "x.png"]


def test_moving_into_a_busy_done_keeps_the_pair_together(tmp_path: Path) -> None:
    st = station(tmp_path)
    st.done.mkdir()
    (st.done / "a.pdf.json").write_text("{}", encoding="utf-8")  # left by an earlier file
    (st.inbox / "a.pdf").write_bytes(b"%PDF a")
    (st.inbox / "a.pdf.json").write_text('{"ma_ho_so": "HS-2"}', encoding="utf-8")
    watcher(st, FakeStore()).run_until_idle(timeout=10)
    assert (st.done / "a (2).pdf").read_bytes() == b"%PDF a"
    assert "HS-2" in (st.done / "a (2).pdf.json").read_text(encoding="utf-8")
    assert (st.done / "a.pdf.json").read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize(("sidecar", "says"), [
    ("{khong phai json", "không phải JSON hợp lệ"),
    ('["HS-1"]', "phải là một đối tượng JSON"),
    ('{"ma_ho_so": ["HS-1"]}', "phải là chuỗi"),
])
def test_a_bad_sidecar_sends_its_file_to_quarantine(tmp_path: Path, sidecar: str,
                                                    says: str) -> None:
    st = station(tmp_path)
    (st.inbox / "d.pdf").write_bytes(b"%PDF d")
    (st.inbox / "d.pdf.json").write_text(sidecar, encoding="utf-8")
    store = FakeStore()
    seen: list[BatchItem] = []
    FolderWatcher(WatchedFolder.of_station(st), store, Settings(),
                  lambda _p, item, _m: seen.append(item)).run_until_idle(timeout=10)
    assert store.calls == []
    assert (st.quarantine / "d.pdf").read_bytes() == b"%PDF d"
    assert (st.quarantine / "d.pdf.json").read_text(encoding="utf-8") == sidecar
    reason = Path(str(st.quarantine / "d.pdf") + REASON_SUFFIX).read_text(encoding="utf-8")
    assert "Mã lỗi: sidecar-hong" in reason and says in reason and "tram-01" in reason
    assert [i.failure.code for i in seen if i.failure] == ["sidecar-hong"]
    assert not any(st.inbox.glob("d.*"))


def test_after_delete_removes_stored_files_and_their_sidecars_only(tmp_path: Path) -> None:
    st = station(tmp_path, after="delete")
    (st.inbox / "ok.pdf").write_bytes(b"%PDF ok")
    (st.inbox / "ok.pdf.json").write_text('{"ma_ho_so": "HS-3"}', encoding="utf-8")
    (st.inbox / "hong.pdf").write_bytes(b"%PDF hong")
    (st.inbox / "cho.pdf").write_bytes(b"%PDF cho")

    def handle(path: Path, hints: IntakeHints) -> BatchItem:
        if path.name == "ok.pdf":
            return BatchItem(path, None, None, 0.0)
        retry = path.name == "cho.pdf"
        return BatchItem(path, None, Failure(path.name, "x", "Lỗi.", retryable=retry), 0.0)

    w = FolderWatcher(WatchedFolder.of_station(st), handle, Settings())
    w.tick()
    time.sleep(QUIET + 0.05)
    w.tick()
    assert sorted(p.name for p in st.inbox.iterdir()) == ["cho.pdf", "quarantine"]
    assert not st.done.exists()
    assert (st.quarantine / "hong.pdf").read_bytes() == b"%PDF hong"


def test_hidden_and_temporary_files_are_never_taken(tmp_path: Path) -> None:
    st = station(tmp_path)
    names = [".an.pdf", "~$to-khai.docx", "scan.pdf.part", "scan.tmp", "x.crdownload",
             "x.partial", ".x.swp", "x.filepart", "Thumbs.db", "desktop.ini", "scan.pdf~",
             "mo-coi.json", ".git/scan.pdf", ".an/scan.pdf"]
    for name in names:
        (st.inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (st.inbox / name).write_bytes(b"%PDF")
    store = FakeStore()
    w = watcher(st, store)
    started = time.monotonic()
    w.run_until_idle(timeout=10)
    assert time.monotonic() - started < 2  # nothing to wait for
    time.sleep(QUIET + 0.05)
    assert w.tick() == 0
    assert store.calls == []
    assert all((st.inbox / name).read_bytes() == b"%PDF" for name in names)
    assert not st.done.exists() and not st.quarantine.exists()
    assert not any(is_candidate(Path(n)) for n in names if "/" not in n and n != "mo-coi.json")


def test_a_file_still_being_written_is_taken_once_complete(tmp_path: Path) -> None:
    st = station(tmp_path)
    data = bytes(range(256)) * 40
    target = st.inbox / "dang-quet.pdf"
    store = FakeStore()
    w = watcher(st, store)

    def slow_writer() -> None:
        with target.open("wb") as fh:
            for i in range(0, len(data), 1024):
                fh.write(data[i:i + 1024])
                fh.flush()
                time.sleep(0.06)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    while not target.exists():
        time.sleep(0.01)
    while writer.is_alive():  # the scanner is still writing: never taken
        w.tick()
        assert store.calls == []
        time.sleep(0.03)
    writer.join()
    w.run_until_idle(timeout=10)
    assert [(n, d) for n, _, d in store.calls] == [("dang-quet.pdf", data)]
    assert (st.done / "dang-quet.pdf").read_bytes() == data


def test_a_sidecar_still_being_written_holds_its_file_back(tmp_path: Path) -> None:
    st = station(tmp_path)
    (st.inbox / "e.pdf").write_bytes(b"%PDF e")
    store = FakeStore()
    w = watcher(st, store)
    w.tick()
    time.sleep(QUIET + 0.05)
    (st.inbox / "e.pdf.json").write_text('{"ma_ho_so": "HS', encoding="utf-8")
    assert w.tick() == 0  # the file is quiet, its sidecar is not yet
    (st.inbox / "e.pdf.json").write_text('{"ma_ho_so": "HS-5"}', encoding="utf-8")
    w.run_until_idle(timeout=10)
    assert store.hints("e.pdf").ma_ho_so == "HS-5"


def test_a_file_rewritten_while_handled_is_taken_again(tmp_path: Path) -> None:
    st = station(tmp_path)
    target = st.inbox / "h.pdf"
    target.write_bytes(b"%PDF first")
    store = FakeStore()

    def rescanned_meanwhile(path: Path, hints: IntakeHints) -> BatchItem:
        item = store(path, hints)
        if len(store.calls) == 1:
            path.write_bytes(b"%PDF second, longer")  # staff scan again under the same name
        return item

    watcher(st, rescanned_meanwhile).run_until_idle(timeout=10)
    assert [d for _, _, d in store.calls] == [b"%PDF first", b"%PDF second, longer"]
    assert (st.done / "h.pdf").read_bytes() == b"%PDF second, longer"


class Crash(BaseException):
    """The process dying between storing a file and moving it."""


def test_a_crash_after_storing_re_handles_the_file_once_more_then_moves_it(
        tmp_path: Path) -> None:
    st = station(tmp_path)
    (st.inbox / "f.pdf").write_bytes(b"%PDF f")
    store = FakeStore()

    def store_then_die(path: Path, hints: IntakeHints) -> BatchItem:
        store(path, hints)
        raise Crash

    with pytest.raises(Crash):
        watcher(st, store_then_die).run_until_idle(timeout=10)
    assert (st.inbox / "f.pdf").exists()  # stored, but not yet moved: still in the inbox
    watcher(st, store).run_until_idle(timeout=10)  # the restart
    assert store.duplicates == 1 and len(store.stored) == 1
    assert (st.done / "f.pdf").read_bytes() == b"%PDF f"
    assert not (st.inbox / "f.pdf").exists()


def test_a_file_that_cannot_be_moved_stays_and_is_retried(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanners.watcher, "MAX_RETRY_SECONDS", 0.0)
    st = station(tmp_path)
    st.done.write_text("not a folder", encoding="utf-8")  # the move fails
    (st.inbox / "g.pdf").write_bytes(b"%PDF g")
    store = FakeStore()
    w = watcher(st, store)
    w.tick()
    time.sleep(QUIET + 0.05)
    w.tick()
    assert (st.inbox / "g.pdf").exists() and len(store.calls) == 1
    st.done.unlink()
    w.run_until_idle(timeout=10)
    assert (st.done / "g.pdf").read_bytes() == b"%PDF g"
    assert len(store.calls) == 2 and store.duplicates == 1


# --- the command -----------------------------------------------------------------------------

def cli_env(tmp_path: Path, stations: Path | None) -> dict[str, str]:
    config = tmp_path / "sohoa.toml"
    config.write_text("", encoding="utf-8")
    return {"SOHOA_HOME": str(tmp_path / "var"), "SOHOA_CONFIG": str(config),
            "SOHOA_WATCH_STATIONS": str(stations) if stations else "",
            "SOHOA_WATCH_QUIET_SECONDS": str(QUIET), "SOHOA_WATCH_POLL_INTERVAL": "0.05"}


def test_watch_without_folder_nor_stations_is_a_usage_error(tmp_path: Path) -> None:
    from pipeline.cli.main import app

    result = CliRunner().invoke(app, ["watch", "--once"], env=cli_env(tmp_path, None))
    assert result.exit_code == ExitCode.USAGE
    assert "chưa cấu hình tệp trạm quét" in " ".join(result.output.split())


def test_watch_with_a_bad_stations_file_is_a_usage_error(tmp_path: Path) -> None:
    from pipeline.cli.main import app

    path = write_stations(tmp_path, '[[station]]\nname = "a"\n')
    result = CliRunner().invoke(app, ["watch", "--once"], env=cli_env(tmp_path, path))
    assert result.exit_code == ExitCode.USAGE
    assert "thiếu thư mục quét" in " ".join(result.output.split())


def test_watch_once_runs_every_station(tmp_path: Path) -> None:
    from pipeline.cli.main import app

    path = write_stations(tmp_path, "".join(
        f'[[station]]\nname = "{n}"\ninbox = "{n}"\n' for n in ("tram-a", "tram-b")))
    for n in ("tram-a", "tram-b"):
        (tmp_path / n).mkdir()
        (tmp_path / n / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n")
    result = CliRunner().invoke(app, ["watch", "--once"], env=cli_env(tmp_path, path))
    assert result.exit_code == 0, result.output
    for n in ("tram-a", "tram-b"):
        reason = (tmp_path / n / "quarantine" / ("hong.pdf" + REASON_SUFFIX)).read_text(
            encoding="utf-8")
        assert f"Trạm quét: {n}" in reason
    assert "tram-a · " in result.output and "tram-b · " in result.output
