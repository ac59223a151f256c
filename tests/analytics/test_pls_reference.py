"""The PLS path model equals R plspm on plspm's own ``satisfaction`` data (reference/,
R's output kept as CSV) to 1e-6: outer model, inner regressions with their standard
errors, R², communality, redundancy, AVE and every direct, indirect and total effect."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kefu.analytics import pls

REFERENCE = Path(__file__).parent / "reference"
TOLERANCE = 1e-6
ECSI = pls.PathModel(
    blocks={
        "IMAG": [f"imag{i}" for i in range(1, 6)],
        "EXPE": [f"expe{i}" for i in range(1, 6)],
        "QUAL": [f"qual{i}" for i in range(1, 6)],
        "VAL": [f"val{i}" for i in range(1, 5)],
        "SAT": [f"sat{i}" for i in range(1, 5)],
        "LOY": [f"loy{i}" for i in range(1, 5)],
    },
    paths=[
        ("IMAG", "EXPE"),
        ("IMAG", "SAT"),
        ("IMAG", "LOY"),
        ("EXPE", "QUAL"),
        ("EXPE", "VAL"),
        ("EXPE", "SAT"),
        ("QUAL", "VAL"),
        ("QUAL", "SAT"),
        ("VAL", "SAT"),
        ("SAT", "LOY"),
    ],
    scheme=pls.Scheme.CENTROID,
    scaled=False,
)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def satisfaction() -> dict[str, list[float]]:
    rows = _rows("satisfaction.csv")
    return {k: [float(r[k]) for r in rows] for k in rows[0] if k not in ("", "gender")}


@pytest.fixture(scope="module")
def result() -> pls.PlsResult:
    return pls.estimate(ECSI, satisfaction())


def test_the_outer_model_equals_plspm(result: pls.PlsResult) -> None:
    items = {item.name: item for item in result.items}
    expected = _rows("satisfaction.outer-model.csv")
    assert len(expected) == len(items) == 27
    for row in expected:
        item = items[row["name"]]
        assert item.block == row["block"]
        for figure in ("weight", "loading", "communality", "redundancy"):
            assert getattr(item, figure) == pytest.approx(float(row[figure]), abs=TOLERANCE)


def test_r_squared_communality_redundancy_and_ave_equal_plspm(result: pls.PlsResult) -> None:
    blocks = {block.name: block for block in result.blocks}
    for row in _rows("satisfaction.inner-summary.csv"):
        block = blocks[row[""]]
        assert block.endogenous == (row["type"] == "Endogenous")
        for figure in ("r_squared", "block_communality", "mean_redundancy", "ave"):
            assert getattr(block, figure) == pytest.approx(float(row[figure]), abs=TOLERANCE)


def test_every_effect_equals_plspm(result: pls.PlsResult) -> None:
    effects = {(e.source, e.target): e for e in result.effects}
    expected = _rows("satisfaction.effects.csv")
    assert len(expected) == len(effects) == 15
    for row in expected:
        effect = effects[(row["from"], row["to"])]
        for figure in ("direct", "indirect", "total"):
            assert getattr(effect, figure) == pytest.approx(float(row[figure]), abs=TOLERANCE)


def test_the_satisfaction_regression_equals_plspm(result: pls.PlsResult) -> None:
    regression = next(r for r in result.regressions if r.target == "SAT")
    columns = {
        "estimates": "Estimate",
        "std_errors": "Std. Error",
        "t_values": "t value",
        "p_values": "Pr(>|t|)",
    }
    for row in _rows("satisfaction.inner-model.csv"):
        k = regression.predictors.index(row[""])
        for figure, column in columns.items():
            got = getattr(regression, figure)[k]
            assert got == pytest.approx(float(row[column]), abs=TOLERANCE, rel=1e-6)
    assert regression.intercept == pytest.approx(0.0, abs=1e-12)  # the scores are centred
