"""Stability of files being written, and moving files aside without losing any."""

from __future__ import annotations

from pathlib import Path

from scanners.quarantine import REASON_SUFFIX, move_aside, quarantine
from scanners.stability import StabilityTracker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_file_is_ready_only_after_a_quiet_period(tmp_path: Path) -> None:
    clock = Clock()
    tracker = StabilityTracker(2.0, clock)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 part")
    tracker.observe([scan])
    clock.now = 1.5
    assert tracker.ready() == []
    scan.write_bytes(b"%PDF-1.4 part and more")  # the scanner is still writing
    tracker.observe([scan])
    clock.now = 3.0
    assert tracker.ready() == []
    clock.now = 3.6
    tracker.observe([scan])
    assert tracker.ready() == [scan]


def test_vanished_files_are_forgotten(tmp_path: Path) -> None:
    clock = Clock()
    tracker = StabilityTracker(1.0, clock)
    scan = tmp_path / "x.png"
    scan.write_bytes(b"x")
    tracker.observe([scan])
    scan.unlink()
    tracker.observe([scan])
    clock.now = 5
    assert tracker.ready() == [] and tracker.pending() == 0


def test_moving_never_overwrites(tmp_path: Path) -> None:
    done = tmp_path / "done"
    done.mkdir()
    (done / "a.pdf").write_bytes(b"earlier")
    src = tmp_path / "a.pdf"
    src.write_bytes(b"later")
    moved = move_aside(src, done)
    assert moved.name == "a (2).pdf"
    assert (done / "a.pdf").read_bytes() == b"earlier"
    assert moved.read_bytes() == b"later"
    assert not src.exists()


def test_quarantine_writes_the_reason_beside_the_file(tmp_path: Path) -> None:
    src = tmp_path / "in" / "sub" / "hong.pdf"
    src.parent.mkdir(parents=True)
    src.write_bytes(b"broken")
    moved = quarantine(src, tmp_path / "q", code="tep-bi-hong", message="Tệp PDF bị hỏng.",
                       station="tram-1", timezone="Asia/Ho_Chi_Minh",
                       relative=Path("sub/hong.pdf"))
    assert moved == tmp_path / "q" / "sub" / "hong.pdf"
    assert moved.read_bytes() == b"broken"
    reason = Path(str(moved) + REASON_SUFFIX).read_text(encoding="utf-8")
    assert "Lý do: Tệp PDF bị hỏng." in reason
    assert "+07:00" in reason and "tram-1" in reason


def test_is_stable_follows_the_quiet_period(tmp_path: Path) -> None:
    clock = Clock()
    tracker = StabilityTracker(1.0, clock)
    sidecar = tmp_path / "a.pdf.json"
    assert not tracker.is_stable(sidecar)  # never seen
    sidecar.write_text("{}", encoding="utf-8")
    tracker.observe([sidecar])
    assert not tracker.is_stable(sidecar)
    clock.now = 1.0
    assert tracker.is_stable(sidecar)


def test_sidecars_move_with_their_file_under_the_same_new_name(tmp_path: Path) -> None:
    done = tmp_path / "done"
    done.mkdir()
    (done / "a.pdf").write_bytes(b"earlier")
    src = tmp_path / "a.pdf"
    src.write_bytes(b"later")
    named, stem = tmp_path / "a.pdf.json", tmp_path / "a.json"
    named.write_text('{"ma_ho_so": "HS-1"}', encoding="utf-8")
    stem.write_text('{"thu_tuc": "1.001612"}', encoding="utf-8")
    moved = move_aside(src, done, sidecars=[named, stem])
    assert moved.name == "a (2).pdf"
    assert "HS-1" in (done / "a (2).pdf.json").read_text(encoding="utf-8")
    assert "1.001612" in (done / "a (2).json").read_text(encoding="utf-8")
    assert not named.exists() and not stem.exists()


def test_a_shared_sidecar_is_copied_and_never_kept_twice(tmp_path: Path) -> None:
    shared = tmp_path / "x.json"
    shared.write_text('{"ma_ho_so": "HS-2"}', encoding="utf-8")
    for name in ("x.pdf", "x.png"):
        (tmp_path / name).write_bytes(name.encode())
    move_aside(tmp_path / "x.pdf", tmp_path / "done", copies=[shared])
    assert shared.exists()
    move_aside(tmp_path / "x.png", tmp_path / "done", sidecars=[shared])
    assert not shared.exists()
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["x.json", "x.pdf", "x.png"]


def test_quarantine_takes_the_sidecar_along(tmp_path: Path) -> None:
    src = tmp_path / "hong.pdf"
    src.write_bytes(b"broken")
    sidecar = tmp_path / "hong.pdf.json"
    sidecar.write_text("{hỏng", encoding="utf-8")
    moved = quarantine(src, tmp_path / "q", code="sidecar-hong", message="Tệp kèm hỏng.",
                       station="tram-1", timezone="Asia/Ho_Chi_Minh", sidecars=[sidecar])
    assert (tmp_path / "q" / "hong.pdf.json").read_text(encoding="utf-8") == "{hỏng"
    assert Path(str(moved) + REASON_SUFFIX).exists() and not sidecar.exists()


def test_a_file_changed_since_it_was_ready_waits_again(tmp_path: Path) -> None:
    clock = Clock()
    tracker = StabilityTracker(1.0, clock)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"one")
    tracker.observe([scan])
    clock.now = 2.0
    assert tracker.ready() == [scan] and tracker.unchanged(scan)
    scan.write_bytes(b"one and two")
    assert not tracker.unchanged(scan)
    assert tracker.ready() == []
    clock.now = 3.0
    assert tracker.ready() == [scan]
