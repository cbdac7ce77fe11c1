"""Read the handwritten number and day of a scanned page and put them into its words.

Serves every document of Decree 30/2020 (quyết định, chỉ thị, tờ trình, công văn...) whose
number and day are written by hand into the printed header's blanks after signing. Runs only
where the anchors are found, so it costs nothing on other pages and milliseconds on these.

Confidence starts from the model's probability of each digit multiplied together, lowered
when a blob had to be cut into digits and sent far below review when the reading is not a
possible value for its blank (a day of 45, a six-digit number); that raw score is then mapped
to how often such readings are right on generated headers (``model.calibrate``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from pipeline.models import Handwriting, Word
from pipeline.ocr.handwriting.ink import SlotInk, refine, slot_ink
from pipeline.ocr.handwriting.model import calibrate, classify
from pipeline.ocr.handwriting.segment import group, split
from pipeline.ocr.handwriting.slots import Slot, fold

#: Digits a blank may hold, and the values it may hold.
PLAUSIBLE = {"number": (1, 5, 1, 99_999), "day": (1, 2, 1, 31), "month": (1, 2, 1, 12)}
#: Confidence kept when a blob had to be cut into digits.
CUT_FACTOR = 0.8
#: Confidence kept for a reading that is no possible value of its blank.
IMPLAUSIBLE_FACTOR = 0.2
#: A printed anchor cut out of a word Tesseract glued to the handwriting keeps at least this
#: confidence: its letters were recognised and it sits where the other anchors place it.
ANCHOR_CONFIDENCE = 0.8
_NAMES = {"number": ("so", None), "day": ("ngay", "thang"), "month": ("thang", "nam")}


Calibration = Callable[[float], float]


def read_slot(ink: SlotInk, slot: Slot, calibration: Calibration = calibrate
              ) -> Handwriting | None:
    """The digits written in one blank, or None when it holds no ink."""
    read = split(group(ink.strokes), classify)
    if not read:
        return None
    glyphs = [g for g, _ in read]
    probs = np.stack([p for _, p in read])
    digits = probs[:, :10].argmax(axis=1)
    text = "".join(str(int(d)) for d in digits)
    confidence = float(np.prod(probs[np.arange(len(digits)), digits]))
    if any(g.cut for g in glyphs):
        confidence *= CUT_FACTOR
    fewest, most, low, high = PLAUSIBLE[slot.kind]
    if not (fewest <= len(text) <= most and low <= int(text) <= high):
        confidence *= IMPLAUSIBLE_FACTOR
    box = (float(min(g.x0 for g in glyphs)), float(min(g.y0 for g in glyphs)),
           float(max(g.x1 for g in glyphs)), float(max(g.y1 for g in glyphs)))
    return Handwriting(slot.kind, text, round(calibration(confidence), 4), box)


def _trimmed(word: Word, name: str, slot: Slot, left: bool) -> Word:
    """The printed anchor of a word Tesseract glued to handwriting ("ngày0B" -> "ngày").
    The number's anchor is written as Decree 30 prints it ("SỐ," -> "Số:"): it was
    recognised by its place before a blank and a symbol, not by its letters alone."""
    folded = fold(word.text)
    if left:
        at = folded.find(name)
        end = at + len(name)
        if folded[end:end + 1] and folded[end] in ":;":
            end += 1
        text = word.text[:end] if at == 0 else word.text
        if name == "so":
            text = "Số:"
        box = (word.box[0], word.box[1], min(word.box[2], slot.x0), word.box[3])
    else:
        at = folded.find("/") if name == "/" else folded.find(name)
        text = word.text[at:] if at > 0 else word.text
        box = (max(word.box[0], slot.x1), word.box[1], word.box[2], word.box[3])
    if text == word.text and box == word.box:
        return word
    confidence = word.confidence if name == "/" else max(word.confidence, ANCHOR_CONFIDENCE)
    return Word(text, box, confidence, word.line)


def place(words: Sequence[Word], slot: Slot, reading: Handwriting) -> list[Word]:
    """The page's words with the blank's noise replaced by the reading, the anchors cut
    free of it, and the reading placed right after the left anchor."""
    left_name, right_name = _NAMES[slot.kind]
    out: list[Word] = []
    for i, word in enumerate(words):
        if i == slot.left:
            out.append(_trimmed(word, left_name, slot, left=True))
            out.append(Word(reading.text, reading.box, reading.confidence, slot.line))
            if slot.right == i:  # one glued word held both anchors
                out.append(dataclasses.replace(
                    _trimmed(word, right_name or "/", slot, left=False), line=slot.line))
            continue
        if i == slot.right:
            out.append(_trimmed(word, right_name or "/", slot, left=False))
            continue
        middle = (word.box[0] + word.box[2]) / 2
        if word.line == slot.line and slot.x0 - 1 <= middle <= slot.x1 + 1:
            continue  # Tesseract's reading of the handwriting
        out.append(word)
    return out


#: Ink taller than this many heights of the page's printed numbers is handwriting.
PRINT_TALL = 1.2


def _print_sized(ink: SlotInk, slot: Slot) -> bool:
    """Whether the blank's ink is no taller than the page's printed numbers (typed into the
    blank, or printed without one); True when the page shows no printed number to compare."""
    if not slot.digits or not ink.strokes:
        return True
    return max(s.height for s in ink.strokes) <= PRINT_TALL * slot.digits


def read_handwriting(pixels: np.ndarray, words: Sequence[Word], slots: Sequence[Slot],
                     calibration: Calibration | None = None
                     ) -> tuple[list[Word], tuple[Handwriting, ...]]:
    """Words with the blanks ``slots`` (from ``find_slots(words, ...)``) read, and what was
    read there. ``pixels`` is the page as shown (the words' coordinates), colour or grey;
    ``calibration`` replaces the fitted one (``tools/calibrate_slots.py`` fits it)."""
    readings: list[Handwriting] = []
    current = list(words)
    # Last first, so the word indices of the slots not yet placed stay valid.
    for found in sorted(slots, key=lambda s: -s.left):
        slot = refine(pixels, found)
        ink = slot_ink(pixels, slot)
        if slot.printed and not ink.blue and _print_sized(ink, slot):
            continue  # a number Tesseract is sure of, black and as tall as print: print
        reading = read_slot(ink, slot, calibration or calibrate)
        if reading is None:
            continue
        current = place(current, slot, reading)
        readings.append(reading)
    return current, tuple(sorted(readings, key=lambda r: (r.box[1], r.box[0])))


__all__ = ["read_handwriting", "read_slot"]
