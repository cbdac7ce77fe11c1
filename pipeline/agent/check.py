"""What the agent checks before the token signs anything: that the prepared PDF is the
version the official was shown with one update appended, that the signature will cover
all of it but the placeholder, and that the signed attributes carry that very digest.

So a server (or anyone between) cannot slip another document under the official's token:
the list shows the SHA-256 of the version shown, and the signature can only be over it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from asn1crypto import algos, cms

from pipeline.errors import AgentError

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
#: What a token is asked to do: RSA (PSS or PKCS#1 v1.5) or ECDSA, with SHA-2.
ALGORITHMS = ("rsassa_pss", "rsassa_pkcs1v15", "ecdsa")
DIGESTS = ("sha256", "sha384", "sha512")


def check_prepared(item: dict[str, Any], prepared: bytes) -> None:
    """Raise :class:`AgentError` (Vietnamese) unless ``prepared`` is safe to sign."""
    doc = item["document"]
    shown = item["version"]
    size = int(shown["size"])
    if hashlib.sha256(prepared).hexdigest() != item["prepared"]["sha256"]:
        raise AgentError(f"Tài liệu {doc}: bản tải về không đúng mã băm máy chủ báo.")
    if len(prepared) <= size or hashlib.sha256(prepared[:size]).hexdigest() != shown["sha256"]:
        raise AgentError(f"Tài liệu {doc}: bản chuẩn bị ký không phải phiên bản đã xem "
                         f"(SHA-256 {shown['sha256'][:16]}…).")
    ranges = _BYTE_RANGE.findall(prepared[size:])
    if len(ranges) != 1:
        raise AgentError(f"Tài liệu {doc}: phần thêm vào phải có đúng một chữ ký.")
    start, first, second, rest = (int(v) for v in ranges[0])
    if start != 0 or not size <= first < second or second + rest != len(prepared):
        raise AgentError(f"Tài liệu {doc}: vùng ký không phủ toàn bộ tài liệu.")
    digest_algorithm = str(item["digest_algorithm"])
    mechanism = algos.SignedDigestAlgorithm.load(base64.b64decode(item["mechanism"]))
    if digest_algorithm not in DIGESTS or mechanism.signature_algo not in ALGORITHMS:
        raise AgentError(f"Tài liệu {doc}: thuật toán ký không được phép "
                         f"({mechanism.signature_algo}, {digest_algorithm}).")
    covered = prepared[:first] + prepared[second:]
    digest = hashlib.new(digest_algorithm, covered).digest()
    attrs = cms.CMSAttributes.load(base64.b64decode(item["signed_attributes"]))
    claimed = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    if claimed != [digest]:
        raise AgentError(f"Tài liệu {doc}: dữ liệu cần ký không khớp với tài liệu.")
