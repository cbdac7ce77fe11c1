"""Intake: recognise a file, check it can become a document, and describe it."""

from pipeline.intake.probe import probe
from pipeline.intake.sniff import sniff

__all__ = ["probe", "sniff"]
