"""Document IDs: stable, opaque and derived from content, so re-ingesting is idempotent.

The same bytes always map to the same document (a crashed run that is repeated, or two
workers racing on one file, converge on one record). ``part`` distinguishes documents cut
from one file (a stack of dossiers scanned together).
"""

from __future__ import annotations

import base64
import hashlib
import re

_NAMESPACE = b"sohoa/document/v1"
_ID = re.compile(r"^[a-z2-7]{24}$")


def document_id(sha256: str, part: str = "") -> str:
    digest = hashlib.sha256(_NAMESPACE + b"\0" + sha256.encode() + b"\0" + part.encode()).digest()
    return base64.b32encode(digest[:15]).decode("ascii").lower()


def is_document_id(text: str) -> bool:
    return bool(_ID.match(text))
