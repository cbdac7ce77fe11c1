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


# The S3 server of the store contract suite (issue 6).
from tests.s3_server import (  # noqa: E402 - kept beside the fixture that uses it
    INSTALL_HINT,
    S3Endpoint,
    S3ServerError,
    external_s3,
    missing_programs,
    start_radosgw,
)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Endpoint]:
    """A real S3 server for the session: ``SOHOA_TEST_S3_ENDPOINT`` (+ ``_ACCESS_KEY``,
    ``_SECRET_KEY``) when set, else a single-node Ceph radosgw started in a temporary folder
    (``tests/s3_server.py``) and removed afterwards. A missing radosgw fails the tests."""
    external = external_s3()
    if external is not None:
        yield external
        return
    missing = missing_programs()
    if missing:
        pytest.fail(INSTALL_HINT.format(missing=", ".join(missing)), pytrace=False)
    try:
        server = start_radosgw()
    except S3ServerError as exc:
        pytest.fail(f"radosgw did not start: {exc}", pytrace=False)
    try:
        yield server.endpoint
    finally:
        server.stop()


# The PostgreSQL server of the index tests (issue 6).
from tests.pg_server import (  # noqa: E402 - kept beside the fixture that uses it
    INSTALL_HINT as PG_INSTALL_HINT,
)
from tests.pg_server import (  # noqa: E402
    PgServerError,
    pg_bin,
    start_postgres,
)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a real PostgreSQL for the session (``tests/pg_server.py``), stopped and removed
    afterwards. A missing PostgreSQL fails the tests: ``make test`` installs it."""
    if pg_bin() is None:
        pytest.fail(PG_INSTALL_HINT, pytrace=False)
    try:
        server = start_postgres()
    except PgServerError as exc:
        pytest.fail(f"PostgreSQL did not start: {exc}", pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()
