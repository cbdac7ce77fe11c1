"""The agent's HTTP client (standard library only: the official's computer needs nothing
but this package). HTTPS with the server's certificate checked; plain HTTP only to this
computer itself (tests, a tunnel)."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import AgentError

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Client:
    def __init__(self, server: str, token: str, *, ca_file: str = "",
                 timeout: float = 600.0) -> None:
        parts = urlsplit(server)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise AgentError(f"Địa chỉ máy chủ '{server}' không hợp lệ (ví dụ: "
                             "https://kyso.tinh.gov.vn).")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            raise AgentError("Agent chỉ nói chuyện với máy chủ qua HTTPS (HTTP chỉ dùng được "
                             "với chính máy này).")
        self.server = server.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=ca_file or None)

    def get(self, path: str) -> dict[str, Any]:
        return _json(self._request("GET", path))

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return _json(self._request("POST", path, body))

    def get_bytes(self, path: str) -> bytes:
        return self._request("GET", path)

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> bytes:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.server + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout,
                                        context=self.context) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            raise AgentError(f"Máy chủ từ chối ({exc.code}): {_message(exc.read())}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise AgentError(f"Không kết nối được máy chủ {self.server}: {reason}.") from None


def _json(data: bytes) -> dict[str, Any]:
    try:
        found = json.loads(data)
    except ValueError:
        raise AgentError("Máy chủ trả lời không phải JSON.") from None
    if not isinstance(found, dict):
        raise AgentError("Máy chủ trả lời không đúng định dạng.")
    return found


def _message(data: bytes) -> str:
    """The server's Vietnamese reason from an error body, else a short raw excerpt."""
    try:
        error = json.loads(data)["error"]
        return f"{error['message']} (mã yêu cầu {error.get('request_id') or '-'})"
    except (ValueError, KeyError, TypeError):
        return data[:200].decode("utf-8", "replace") or "không rõ lý do"
