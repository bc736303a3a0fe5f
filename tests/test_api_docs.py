"""docs/api.md's examples are run, in order, in one namespace (the page is the contract)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.S)


def test_the_api_page_has_examples():
    assert len(blocks()) >= 5


def test_the_api_page_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    namespace: dict = {}
    for i, code in enumerate(blocks()):
        try:
            exec(compile(code, f"docs/api.md block {i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            pytest.fail(f"docs/api.md block {i + 1} failed: {exc!r}\n{code}")


def test_every_runs_column_is_documented():
    from sim.experiment.outcomes import COLUMNS

    text = (ROOT / "docs" / "api.md").read_text()
    missing = [c.name for c in COLUMNS if f"`{c.name}`" not in text]
    assert not missing
