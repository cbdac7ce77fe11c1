"""Wall-clock time in the configured zone, so records and stamps agree on +07:00."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def now(tz_name: str) -> datetime:
    return datetime.now(zone(tz_name)).replace(microsecond=0)


def now_iso(tz_name: str) -> str:
    return now(tz_name).isoformat()
