"""PageText to and from JSON, so pages read on one machine can be assembled on another."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pipeline.models import Handwriting, PageText, TextSource, Word


def page_to_json(page: PageText) -> bytes:
    data = dataclasses.asdict(page)
    data["words"] = [[w.text, list(w.box), w.confidence, w.line] for w in page.words]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def page_from_json(body: bytes) -> PageText:
    data: dict[str, Any] = json.loads(body)
    data["text_source"] = TextSource(data["text_source"])
    data["words"] = tuple(Word(text, (float(b[0]), float(b[1]), float(b[2]), float(b[3])),
                               float(confidence), int(line))
                          for text, b, confidence, line in data["words"])
    for name in ("warnings", "corrections", "codes"):
        data[name] = tuple(data.get(name) or ())
    data["handwritten"] = tuple(
        Handwriting(h["kind"], h["text"], float(h["confidence"]),
                    (float(h["box"][0]), float(h["box"][1]), float(h["box"][2]),
                     float(h["box"][3])))
        for h in data.get("handwritten") or ())
    return PageText(**data)
