"""sohoa test suite."""
