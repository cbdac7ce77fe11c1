"""Vietnamese text: which syllables can exist, and repairs of what OCR misread in names,
agencies and titles (a closed set of syllables makes a misreading visible)."""
