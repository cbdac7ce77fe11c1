"""Scanning stations: watched folders that turn dropped scans into stored documents."""
