"""HTTP API (issue 8)."""
