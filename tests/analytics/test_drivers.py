"""Satisfaction drivers: the importance-performance map names a planted weak driver, the
bootstrap gives stable percentile intervals, and the estimates do not depend on how the
items happen to be scaled."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pls_reference import ECSI, satisfaction

from kefu.analytics import drivers, ecsi, pls


@pytest.mark.parametrize("weak", ["HOTLINE", "NET", "HALL"])
def test_the_map_names_the_planted_weak_driver_and_only_it(weak: str) -> None:
    truth = ecsi.planted(weak)
    answers = ecsi.responses(1500, seed=7, truth=truth)
    result = pls.estimate(ecsi.telecom_model(), answers)
    found = drivers.importance_performance(result, answers, target="SAT")
    assert [d.name for d in found if d.weak] == [weak]
    assert found[0].name == weak
    assert all(0 <= d.performance <= 100 for d in found)


def test_performance_is_the_weighted_mean_answer_on_a_0_to_100_scale() -> None:
    answers = satisfaction()
    result = pls.estimate(ECSI, answers)
    found = {d.name: d for d in drivers.importance_performance(result, answers, target="SAT")}
    # IMAG's items weighed by its relative weights, rescaled from 1-10 to 0-100
    weights = np.array([i.weight for i in result.items if i.block == "IMAG"])
    means = np.array([np.mean(answers[f"imag{k}"]) for k in range(1, 6)])
    expected = (weights / weights.sum()) @ ((means - 1) / 9 * 100)
    assert found["IMAG"].performance == pytest.approx(expected)
    assert found["IMAG"].importance == pytest.approx(0.490971137879492, abs=1e-9)  # plspm
    assert "LOY" not in found  # loyalty comes after satisfaction: no effect on it


def test_the_bootstrap_is_repeatable_and_its_intervals_tell_strong_from_null_paths() -> None:
    data = satisfaction()
    first = drivers.bootstrap(ECSI, data, resamples=150, seed=3)
    again = drivers.bootstrap(ECSI, data, resamples=150, seed=3)
    assert first == again
    assert first.resamples == 150 and first.skipped == 0
    strong = first.paths[("VAL", "SAT")]
    assert strong.low < strong.original < strong.high and strong.excludes_zero
    assert strong.std_error == pytest.approx(0.06, abs=0.03)  # plspm's lm SE is 0.060
    null = first.paths[("EXPE", "SAT")]  # -0.003 in plspm: no effect
    assert not null.excludes_zero
    assert set(first.total_effects) >= {("IMAG", "LOY"), ("EXPE", "LOY")}
    assert all(0 < i.low <= i.high < 1 for i in first.r_squared.values())


items_st = st.lists(st.tuples(st.floats(0.2, 5.0), st.floats(-10, 10)), min_size=27, max_size=27)


@settings(max_examples=15, deadline=None)
@given(transforms=items_st)
def test_standardized_estimates_ignore_each_items_unit_and_origin(transforms) -> None:
    data = satisfaction()
    model = pls.PathModel(ECSI.blocks, ECSI.paths, scaled=True)
    base = pls.estimate(model, data)
    names = [n for block in ECSI.blocks.values() for n in block]
    moved = {
        n: [a * x + b for x in data[n]] for n, (a, b) in zip(names, transforms, strict=True)
    } | {n: data[n] for n in data if n not in names}
    other = pls.estimate(model, moved)
    np.testing.assert_allclose(other.coefficients, base.coefficients, atol=1e-9)
    np.testing.assert_allclose(other.scores, base.scores, atol=1e-9)
    assert [i.loading for i in other.items] == pytest.approx([i.loading for i in base.items])


@settings(max_examples=15, deadline=None)
@given(shifts=st.lists(st.floats(-50, 50), min_size=27, max_size=27))
def test_unscaled_estimates_ignore_where_each_item_starts(shifts) -> None:
    data = satisfaction()
    base = pls.estimate(ECSI, data)
    names = [n for block in ECSI.blocks.values() for n in block]
    moved = {n: [x + s for x in data[n]] for n, s in zip(names, shifts, strict=True)}
    other = pls.estimate(ECSI, moved)
    np.testing.assert_allclose(other.weights, base.weights, atol=1e-9)
    np.testing.assert_allclose(other.coefficients, base.coefficients, atol=1e-9)


def test_the_three_inner_schemes_agree_closely_on_a_clean_model() -> None:
    data = satisfaction()
    paths = {
        scheme: pls.estimate(pls.PathModel(ECSI.blocks, ECSI.paths, scheme=scheme), data)
        for scheme in pls.Scheme
    }
    centroid = paths[pls.Scheme.CENTROID].coefficients
    for scheme in (pls.Scheme.FACTORIAL, pls.Scheme.PATH):
        np.testing.assert_allclose(paths[scheme].coefficients, centroid, atol=0.02)


def test_a_formative_block_is_estimated_by_regression() -> None:
    data = satisfaction()
    model = pls.PathModel(ECSI.blocks, ECSI.paths, modes={"QUAL": pls.Mode.B})
    result = pls.estimate(model, data)
    qual = result.scores[:, model.names.index("QUAL")]
    assert qual.mean() == pytest.approx(0, abs=1e-9) and qual.std() == pytest.approx(1)
    assert result.r_squared("QUAL") > 0.5


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (pls.PathModel({"A": ["imag1"], "B": ["sat1"]}, [("B", "A")]), "backwards"),
        (pls.PathModel({"A": ["imag1"], "B": ["nope"]}, [("A", "B")]), "nope"),
        (pls.PathModel({"A": ["imag1"], "B": ["sat1"]}, [("A", "C")]), "unknown"),
        (pls.PathModel({"A": [], "B": ["sat1"]}, [("A", "B")]), "at least one item"),
    ],
)
def test_a_model_that_cannot_be_estimated_says_why(model: pls.PathModel, message: str) -> None:
    with pytest.raises(pls.ModelError, match=message):
        pls.estimate(model, satisfaction())
