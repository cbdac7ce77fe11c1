"""Shared fixtures: isolated settings and a real pipeline over a temporary store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import Settings, WatchSettings
from pipeline.process import Pipeline


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "var", watch=WatchSettings(quiet_seconds=0.2,
                                                               poll_interval=0.05))


@pytest.fixture
def pipeline(settings: Settings) -> Iterator[Pipeline]:
    with Pipeline(settings) as p:
        yield p
