"""The watched folder end to end, with the real pipeline and store."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

from PIL import Image, ImageDraw

from pipeline.batch import BatchItem, process_one
from pipeline.cli.watch import local_handler
from pipeline.config import Settings
from pipeline.models import Failure, Status
from pipeline.process import Pipeline
from scanners.quarantine import REASON_SUFFIX
from scanners.stations import load_stations
from scanners.watcher import FolderWatcher, WatchedFolder


def small_scan(label: str) -> bytes:
    img = Image.new("L", (600, 300), 255)
    ImageDraw.Draw(img).text((40, 120), label, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(200, 200))
    return buf.getvalue()


def make_watcher(inbox: Path, pipeline: Pipeline, settings: Settings,
                 seen: list[BatchItem]) -> FolderWatcher:
    folder = WatchedFolder.configure(inbox, settings, "tram-test")
    return FolderWatcher(folder, lambda p, h: process_one(pipeline, p, "tram-test", hints=h),
                         settings, lambda _p, item, _m: seen.append(item))


def test_good_files_are_stored_then_moved_and_bad_ones_quarantined(
        tmp_path: Path, pipeline: Pipeline, settings: Settings) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    good = small_scan("Ho so 1")
    (inbox / "sub" / "to-khai.png").write_bytes(good)
    (inbox / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n")
    (inbox / ".hidden.png").write_bytes(good)
    (inbox / "dang-ghi.pdf.part").write_bytes(b"%PDF")
    seen: list[BatchItem] = []
    make_watcher(inbox, pipeline, settings, seen).run_until_idle(timeout=60)

    done = inbox / "done" / "sub" / "to-khai.png"
    assert done.read_bytes() == good
    record = next(i.record for i in seen if i.record is not None)
    assert record.source.station == "tram-test"
    assert pipeline.store.get_record(record.id).status in (Status.DONE, Status.REVIEW)
    bad = inbox / "quarantine" / "hong.pdf"
    assert bad.read_bytes() == b"%PDF-1.4\n1 0 obj\n"
    assert "cắt cụt" in Path(str(bad) + REASON_SUFFIX).read_text(encoding="utf-8")
    # Hidden and half-written files are not touched.
    assert (inbox / ".hidden.png").exists() and (inbox / "dang-ghi.pdf.part").exists()
    assert len(seen) == 2


def test_a_file_dropped_again_is_a_duplicate_and_still_leaves_the_inbox(
        tmp_path: Path, pipeline: Pipeline, settings: Settings) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seen: list[BatchItem] = []
    watcher = make_watcher(inbox, pipeline, settings, seen)
    (inbox / "a.png").write_bytes(small_scan("A"))
    watcher.run_until_idle(timeout=60)
    (inbox / "a.png").write_bytes(small_scan("A"))  # staff scan the same page twice
    watcher.run_until_idle(timeout=60)
    assert [i.record.status for i in seen if i.record][-1] is Status.DUPLICATE
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["a (2).png", "a.png"]
    assert len(list(pipeline.store.records())) == 1


def test_a_file_still_being_written_waits(tmp_path: Path, pipeline: Pipeline,
                                          settings: Settings) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seen: list[BatchItem] = []
    watcher = make_watcher(inbox, pipeline, settings, seen)
    data = small_scan("B")
    target = inbox / "b.png"

    def slow_writer() -> None:
        with target.open("wb") as fh:
            for i in range(0, len(data), 512):
                fh.write(data[i:i + 512])
                fh.flush()
                time.sleep(0.02)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    time.sleep(0.05)
    watcher.run_until_idle(timeout=60)
    writer.join()
    assert [i.failure for i in seen] == [None]
    assert (inbox / "done" / "b.png").read_bytes() == data


def test_passing_failures_stay_in_the_inbox_for_a_retry(tmp_path: Path,
                                                        settings: Settings) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "c.png").write_bytes(small_scan("C"))
    failure = Failure("c.png", "loi-kho-du-lieu", "Kho tạm thời không truy cập được.",
                      retryable=True)
    folder = WatchedFolder.configure(inbox, settings, "tram")
    watcher = FolderWatcher(folder, lambda p, _h: BatchItem(p, None, failure, 0.0), settings)
    time.sleep(settings.watch.quiet_seconds + 0.05)
    watcher.tick()
    assert watcher.tick() == 0  # backing off, not hammering the store
    assert (inbox / "c.png").exists()
    assert not (inbox / "quarantine").exists()


def test_a_station_passes_its_hints_and_a_sidecar_wins(tmp_path: Path, pipeline: Pipeline,
                                                      settings: Settings) -> None:
    stations = tmp_path / "stations.toml"
    stations.write_text('[[station]]\nname = "tram-hs"\ninbox = "inbox"\nquiet_seconds = 0.2\n'
                        'poll_interval = 0.05\nprocedure = "2.000908"\nafter = "delete"\n',
                        encoding="utf-8")
    [station] = load_stations(stations, settings)
    station.inbox.mkdir()
    (station.inbox / "a.png").write_bytes(small_scan("A"))
    (station.inbox / "b.png").write_bytes(small_scan("B"))
    (station.inbox / "b.png.json").write_text(
        '{"ma_ho_so": "000.00.12.H04-240115-0001", "thu_tuc": "1.001612"}', encoding="utf-8")
    seen: list[BatchItem] = []
    FolderWatcher(WatchedFolder.of_station(station), local_handler(pipeline, station.name),
                  settings, lambda _p, item, _m: seen.append(item)).run_until_idle(timeout=60)

    records = {i.path.name: i.record for i in seen if i.record is not None}
    assert records["a.png"].procedure == "2.000908"
    assert records["b.png"].procedure == "1.001612"
    assert records["b.png"].fields["ma_ho_so"]["value"] == "000.00.12.H04-240115-0001"
    assert all(r.source.station == "tram-hs" for r in records.values())
    assert list(station.inbox.iterdir()) == []  # after = "delete", sidecar included


def test_a_file_stored_before_a_crash_comes_back_as_a_duplicate_and_moves_on(
        tmp_path: Path, pipeline: Pipeline, settings: Settings) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.png").write_bytes(small_scan("A"))
    first = pipeline.ingest(inbox / "a.png", "tram-test")  # then the process died
    seen: list[BatchItem] = []
    make_watcher(inbox, pipeline, settings, seen).run_until_idle(timeout=60)  # the restart
    assert [i.record.status for i in seen if i.record] == [Status.DUPLICATE]
    assert [i.record.id for i in seen if i.record] == [first[0].id]
    assert (inbox / "done" / "a.png").exists() and not (inbox / "a.png").exists()
    assert len(list(pipeline.store.records())) == 1
