"""Once-only reuse: what the state already holds about a citizen, merged with provenance, and
checked against each new document of theirs (Decree 45/2020, Decree 107/2021: a citizen is
not asked again for data a result or a verified paper already gives)."""

from __future__ import annotations

from pipeline.reuse.profile import (
    CitizenProfile,
    Dossier,
    Observation,
    citizen_profile,
    dossier,
    observations,
    same_value,
)
from pipeline.reuse.reconcile import reconcile, verified_facts

__all__ = [
    "CitizenProfile",
    "Dossier",
    "Observation",
    "citizen_profile",
    "dossier",
    "observations",
    "reconcile",
    "same_value",
    "verified_facts",
]
