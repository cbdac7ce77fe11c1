"""Short-lived download links: S3 pre-signed URLs, or links to this server signed with HMAC.

With the S3 backend the client downloads straight from the object store (the response
carries ``x-amz-meta-sha256`` to check). With the local folder the link points back here,
to ``/v1/links/{token}``, which needs no key: the token is the permission, bound to one
object and an expiry by an HMAC under the server's link secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi import Request

from pipeline.api.errors import ApiError
from pipeline.models import Artifact

if TYPE_CHECKING:
    from pipeline.api.deps import Services


def link_for(svc: Services, request: Request, artifact: Artifact,
             seconds: int) -> tuple[str, str]:
    until = datetime.now(UTC) + timedelta(seconds=seconds)
    objects: Any = svc.store.objects
    if hasattr(objects, "client") and hasattr(objects, "bucket"):  # the S3 backend
        url = objects.client.presigned_get_object(objects.bucket, artifact.key,
                                                  expires=timedelta(seconds=seconds))
        return str(url), until.isoformat()
    payload = {"k": artifact.key, "s": artifact.sha256, "z": artifact.size,
               "m": artifact.media_type, "e": int(until.timestamp())}
    token = _sign(request.app.state.link_secret, payload)
    return str(request.url_for("follow_link", token=token)), until.isoformat()


def _sign(secret: bytes, payload: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:16]
    return (body + b"." + base64.urlsafe_b64encode(mac)).decode().replace("=", "")


def verify(secret: bytes, token: str) -> Artifact:
    try:
        body, _, mac = token.partition(".")
        raw = body.encode() + b"=" * (-len(body) % 4)
        expected = hmac.new(secret, raw, hashlib.sha256).digest()[:16]
        given = base64.urlsafe_b64decode(mac + "=" * (-len(mac) % 4))
        if not hmac.compare_digest(expected, given):
            raise ValueError("mac")
        data = json.loads(base64.urlsafe_b64decode(raw))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(403, "lien-ket-khong-hop-le", "Đường dẫn tải không hợp lệ.") from None
    if int(data["e"]) < time.time():
        raise ApiError(410, "lien-ket-het-han", "Đường dẫn tải đã hết hạn; hãy lấy đường dẫn mới.")
    return Artifact(str(data["k"]), str(data["s"]), int(data["z"]), str(data["m"]))
