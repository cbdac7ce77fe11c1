"""Scanning stations read from a TOML data file (see ``scanners/stations.toml``).

One ``sohoa watch`` serves every station of a centre: each has its own inbox, its own way of
noticing files (inotify locally, polling on a network share) and defaults for what its files
are (one counter often handles one procedure). Everything is checked when the file is loaded,
so a typo stops the service with a clear reason instead of leaving an inbox unwatched.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from pipeline.config import ConfigError, Settings
from pipeline.intake.hints import IntakeHints

After = Literal["move", "delete"]
AFTER_CHOICES: tuple[After, ...] = ("move", "delete")

_KEYS = frozenset({"name", "inbox", "done", "quarantine", "polling", "poll_interval",
                   "quiet_seconds", "after", "doc_type", "procedure"})
#: What a document type name looks like (a template file's stem, e.g. ``to_khai``).
DOC_TYPE_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Station:
    """One scanning station: where its files arrive, where they go, and what they are."""

    name: str
    inbox: Path
    done: Path
    quarantine: Path
    polling: bool = False
    poll_interval: float = 1.0
    quiet_seconds: float = 2.0
    #: ``move`` keeps stored files in ``done``; ``delete`` removes them once stored.
    after: After = "move"
    #: Defaults for every file of this station; a sidecar JSON beside a file wins over them.
    hints: IntakeHints = field(default_factory=IntakeHints)


def stations_file(settings: Settings) -> Path | None:
    """The configured stations file (``watch.stations``), or None when there is none."""
    return Path(settings.watch.stations) if settings.watch.stations else None


def load_stations(path: Path, settings: Settings) -> list[Station]:
    """Read and check every station of ``path``; raise :class:`ConfigError` (Vietnamese)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp trạm quét {path}: {exc}",
                          detail=repr(exc)) from exc
    unknown = set(data) - {"station"}
    if unknown:
        raise ConfigError(f"Tệp trạm quét {path}: khóa không được hỗ trợ "
                          f"{', '.join(sorted(unknown))} (mỗi trạm là một mục [[station]]).")
    tables = data.get("station")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"Tệp trạm quét {path} chưa khai báo trạm nào (mục [[station]]).")
    stations: list[Station] = []
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise ConfigError(f"Tệp trạm quét {path}: trạm thứ {number} phải là một bảng TOML.")
        stations.append(_station(table, path, number, settings))
    _check_distinct(stations, path)
    return stations


def _station(table: dict[str, Any], path: Path, number: int, settings: Settings) -> Station:
    name = table.get("name")
    label = f"trạm \"{name}\"" if isinstance(name, str) and name.strip() else f"trạm thứ {number}"

    def bad(reason: str) -> ConfigError:
        return ConfigError(f"Tệp trạm quét {path}, {label}: {reason}")

    unknown = set(table) - _KEYS
    if unknown:
        raise bad(f"khóa không được hỗ trợ: {', '.join(sorted(unknown))}.")
    if not isinstance(name, str) or not name.strip():
        raise bad("thiếu tên trạm (name).")
    if name != name.strip() or "/" in name or "\\" in name:
        raise bad("tên trạm không được có dấu cách ở hai đầu hay ký tự / \\.")

    def text(key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise bad(f"{key} phải là một chuỗi không rỗng.")
        return value.strip()

    def seconds(key: str, default: float) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise bad(f"{key} phải là một số giây lớn hơn 0 (đang là {value!r}).")
        return float(value)

    inbox_text = text("inbox")
    if inbox_text is None:
        raise bad("thiếu thư mục quét (inbox).")
    inbox = path.absolute().parent / Path(inbox_text).expanduser()

    def under_inbox(key: str, default: str) -> Path:
        folder = inbox / Path(text(key) or default).expanduser()
        if folder.resolve() == inbox.resolve():
            raise bad(f"thư mục {key} không được trùng với thư mục quét.")
        return folder

    done = under_inbox("done", settings.watch.done_dir)
    quarantine = under_inbox("quarantine", settings.watch.quarantine_dir)
    if done.resolve() == quarantine.resolve():
        raise bad("thư mục done và quarantine phải khác nhau.")
    polling = table.get("polling", settings.watch.polling)
    if not isinstance(polling, bool):
        raise bad(f"polling phải là true hoặc false (đang là {polling!r}).")
    after = table.get("after", "move")
    if after not in AFTER_CHOICES:
        raise bad(f"after phải là \"move\" (chuyển vào done) hoặc \"delete\" (xóa khỏi thư mục "
                  f"quét sau khi lưu), đang là {after!r}.")
    doc_type = text("doc_type")
    if doc_type is not None and not DOC_TYPE_NAME.fullmatch(doc_type):
        raise bad(f"doc_type {doc_type!r} không phải tên loại tài liệu (ví dụ: to_khai).")
    return Station(
        name=name, inbox=inbox, done=done, quarantine=quarantine, polling=polling,
        poll_interval=seconds("poll_interval", settings.watch.poll_interval),
        quiet_seconds=seconds("quiet_seconds", settings.watch.quiet_seconds),
        after=cast(After, after),
        hints=IntakeHints(procedure=text("procedure"), doc_type=doc_type))


def _check_distinct(stations: list[Station], path: Path) -> None:
    """Two stations sharing a name or an inbox would take the same files twice."""
    seen: dict[str, Station] = {}
    for station in stations:
        if station.name in seen:
            raise ConfigError(f"Tệp trạm quét {path}: tên trạm \"{station.name}\" bị khai báo "
                              "hai lần.")
        seen[station.name] = station
    for station in stations:
        inbox = station.inbox.resolve()
        for other in stations:
            if other is station:
                continue
            theirs = other.inbox.resolve()
            if inbox == theirs or inbox.is_relative_to(theirs):
                raise ConfigError(
                    f"Tệp trạm quét {path}: thư mục quét của trạm \"{station.name}\" ({inbox}) "
                    f"trùng hoặc nằm trong thư mục quét của trạm \"{other.name}\" ({theirs}).")
