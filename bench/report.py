"""``bench/RESULTS.md`` holds one section per benchmark; each script rewrites only its own."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the section ``name`` (between HTML comment markers) or append it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + block
    path.write_text(text.rstrip() + "\n", encoding="utf-8")
