"""Pagination by opaque cursor over lists the index returns in a stable order."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, TypeVar

from pipeline.api.errors import ApiError

T = TypeVar("T")
MAX_LIMIT = 200


def page(items: Sequence[T], limit: int, cursor: str | None) -> tuple[list[T], str | None]:
    start = _decode(cursor) if cursor else 0
    chunk = list(items[start:start + limit])
    end = start + len(chunk)
    return chunk, (_encode(end) if end < len(items) else None)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        offset = int(number)
        if kind != "o" or offset < 0:
            raise ValueError(text)
        return offset
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "con-tro-khong-hop-le", "Con trỏ phân trang không hợp lệ.") \
            from None


def envelope(items: list[Any], next_cursor: str | None, total: int) -> dict[str, Any]:
    return {"items": items, "next": next_cursor, "total": total}
