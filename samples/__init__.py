"""Synthetic Vietnamese administrative documents with exact ground truth.

Used by ``make demo`` (small committed examples), integration tests (generated on the fly)
and the OCR benchmark (character error rate per level). Start with :func:`generate`.
"""

import warnings

# ``python -m samples.generate`` runs a module this package has already imported (for the
# re-export below); runpy warns about that, harmlessly.
warnings.filterwarnings(
    "ignore", message="'samples.generate' found in sys.modules", category=RuntimeWarning
)

from samples.degrade import Level  # noqa: E402
from samples.generate import SampleInfo, generate  # noqa: E402

__all__ = ["Level", "SampleInfo", "generate"]
