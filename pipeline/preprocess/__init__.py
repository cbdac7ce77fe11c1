"""Page preprocessing for OCR: geometry first (page, orientation, skew), then pixels.

Each step is measured by ``bench/ablation.py`` and kept only where it lowers the error rate;
the stored original is never altered. Geometry that changes what the page looks like (a
deskewed or flattened photo) produces a corrected page image for the searchable PDF, so
the invisible text layer always lies on the pixels it was read from.
"""
