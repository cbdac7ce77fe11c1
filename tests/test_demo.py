"""The README's first command as a newcomer runs it: from any folder, with no configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def _clean_env() -> dict[str, str]:
    """The caller's environment with every ``SOHOA_*`` variable removed."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}


def _sohoa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=600)


def test_demo_signs_and_verifies_from_an_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "moi"
    empty.mkdir()
    done = _sohoa("demo", cwd=empty)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    assert "KHÔNG HỢP LỆ" not in output
    ids = done.stdout.split()
    assert len(ids) == 5
    records = {d: json.loads(_sohoa("get", d, "--json", cwd=empty).stdout) for d in ids}
    finished = [d for d in ids if records[d]["status"] == "done"]
    assert len(finished) >= 4, {d: r["status"] for d, r in records.items()}
    # Every document done got a signed version; both validators called each valid and
    # trusted. One waiting in review is not signed, and the demo says why.
    assert output.count("hợp lệ, tin cậy") == 2 * len(finished)
    for doc_id in set(ids) - set(finished):
        assert not records[doc_id]["signatures"]
        assert f"Không ký {doc_id}" in output and "review" in output
    # The profiles the demo wrote name their files relative to themselves: home can move.
    profile = (empty / "var" / "profiles" / "official.toml").read_text(encoding="utf-8")
    assert '"../pki/p12/official.p12"' in profile
    for doc_id in finished:
        record = records[doc_id]
        assert record["signatures"], doc_id
        verify = _sohoa("verify", doc_id, cwd=empty)
        assert verify.returncode == 0, verify.stdout + verify.stderr
