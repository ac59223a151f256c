"""The benchmark runner's own plumbing (the figures themselves live in benchmarks/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import run


def test_figures_are_saved_on_a_fresh_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """results/ is not in git: on a fresh clone the work-order suite measured for minutes,
    then failed to write its figures, because it alone did not create the folder."""
    results = tmp_path / "results"
    monkeypatch.setattr(run, "RESULTS", results)
    run._save("workorders", {"sqlite": {"ratio": 0.5, "note": "中文"}})
    saved = json.loads((results / "workorders.json").read_text(encoding="utf-8"))
    assert saved == {"sqlite": {"ratio": 0.5, "note": "中文"}}
