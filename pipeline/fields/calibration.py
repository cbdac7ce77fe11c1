"""Confidence that means what it says: the extractor's scores mapped to how often such values
are right.

The extractor's confidence mixes OCR scores, how a label was paired and the checks a value
passed; on its own scale 0.8 is not "right four times in five". A small logistic model, fitted
offline on generated documents of the layouts the extractor was developed on
(``python -m bench.calibrate``; the hold-out layouts and real documents only measure it), maps
each value's evidence to the probability that it is right. The model is data
(``calibration.json``, with how it was made), applied to values read from a page's text (OCR,
a text layer); handwritten digits and QR codes bring their own calibrated scores, and values
a person or a sidecar gave are left as they are.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.fields.model import FieldValue
from pipeline.models import PageText

MODEL_PATH = Path(__file__).with_name("calibration.json")
#: Sources whose scores this model calibrates: text read by OCR or from a text layer.
#: Handwritten digits carry the digit model's own calibrated probability
#: (``tools/calibrate_slots.py``), and a QR code that validates is kept at its fixed score.
READ_SOURCES = ("ocr", "text-layer", "ocr-reread", "qr+ocr")
#: Field kinds grouped by how they fail (names misread by a letter, codes by a digit...).
KIND_GROUPS = {
    "person_name": "name", "place": "place", "nationality": "place", "date": "date",
    "personal_id": "code", "tax_code": "code", "dossier_code": "code",
    "procedure_code": "code", "document_number": "code", "code": "code", "serial": "code",
    "phone": "code", "agency": "agency", "job_title": "agency", "procedure_name": "agency",
    "text": "text", "money": "money", "gender": "short", "email": "code",
}
GROUPS = tuple(sorted(set(KIND_GROUPS.values())))
_EPS = 1e-3


def _logit(p: float) -> float:
    p = min(1 - _EPS, max(_EPS, p))
    return math.log(p / (1 - p))


#: Page quality counted for a value whose page is not known: a typical scan's.
TYPICAL_PAGE = 0.9


def features(value: FieldValue, kind: str, page_confidence: float | None) -> dict[str, float]:
    """What the model weighs about one value (all available when the value is read). The
    page's mean OCR confidence is clipped: a text layer's 1.0 says no more than 0.99."""
    quality = min(0.99, max(0.5, TYPICAL_PAGE if page_confidence is None else page_confidence))
    out = {"logit": _logit(value.confidence), "invalid": float(not value.valid),
           "noted": float(bool(value.reason)), "confirmed": float(bool(value.confirmed_by)),
           "page": _logit(quality), f"source={value.source}": 1.0,
           f"group={KIND_GROUPS.get(kind, 'text')}": 1.0}
    return out


@dataclass(frozen=True)
class Calibrator:
    """A logistic model: probability = sigmoid(bias + Σ weight × feature)."""

    weights: Mapping[str, float]
    bias: float
    about: Mapping[str, Any]

    def probability(self, value: FieldValue, kind: str, page_confidence: float | None) -> float:
        return self.probability_of(features(value, kind, page_confidence))

    def probability_of(self, found: Mapping[str, float]) -> float:
        score = self.bias + sum(self.weights.get(name, 0.0) * x for name, x in found.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def apply(self, fields: Mapping[str, FieldValue], kinds: Mapping[str, str],
              pages: Sequence[PageText]) -> dict[str, FieldValue]:
        quality = {p.number: p.mean_confidence for p in pages}
        fitted = set(self.about.get("sources", READ_SOURCES))  # a source never seen keeps its own
        out = dict(fields)
        for name, found in fields.items():
            if found.value is None or found.source not in READ_SOURCES \
                    or found.source not in fitted:
                continue
            p = self.probability(found, kinds.get(name, "text"),
                                 quality.get(found.page) if found.page else None)
            out[name] = dataclasses.replace(found, confidence=round(p, 4))
        return out

    def to_json(self) -> str:
        return json.dumps({"about": dict(self.about), "bias": self.bias,
                           "weights": dict(sorted(self.weights.items()))},
                          ensure_ascii=False, indent=1) + "\n"


@cache
def load_calibrator(path: Path = MODEL_PATH) -> Calibrator | None:
    """The shipped model, or None before one was fitted (scores then pass unchanged)."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Calibrator({str(k): float(v) for k, v in data["weights"].items()},
                      float(data["bias"]), data.get("about", {}))


def fit(rows: Sequence[tuple[dict[str, float], bool]], about: Mapping[str, Any],
        l2: float = 1.0, steps: int = 3000, rate: float = 0.5) -> Calibrator:
    """Logistic regression by gradient descent (``rows``: features, right)."""
    import numpy as np

    names = sorted({k for f, _ in rows for k in f})
    x = np.array([[f.get(k, 0.0) for k in names] for f, _ in rows], dtype=float)
    y = np.array([1.0 if ok else 0.0 for _, ok in rows])
    w, b = np.zeros(len(names)), 0.0
    n = max(1, len(rows))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -30, 30)))
        grad = p - y
        w -= rate * (x.T @ grad / n + l2 * w / n)
        b -= rate * float(grad.mean())
    return Calibrator({k: round(float(v), 5) for k, v in zip(names, w, strict=True)},
                      round(b, 5), about)
