"""Handwritten numbers and days in the slots of printed document headers."""
