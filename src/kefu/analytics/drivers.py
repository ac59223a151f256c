"""Satisfaction drivers from a PLS path model: bootstrap confidence intervals for the
paths, effects, loadings and R², and the importance-performance map that names the
weakest drivers (短板): constructs that matter more than most for the target and
perform worse than most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kefu.analytics import pls
from kefu.analytics.pls import Matrix, ModelError, PathModel, PlsResult


@dataclass(frozen=True)
class Interval:
    """A figure on the full data and over the bootstrap resamples (percentile interval,
    as R plspm's ``perc.025`` / ``perc.975`` at the 95% level)."""

    original: float
    mean: float
    std_error: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Bootstrap:
    resamples: int  # resamples that could be estimated
    skipped: int  # resamples where a block had no variance left
    paths: dict[tuple[str, str], Interval]
    total_effects: dict[tuple[str, str], Interval]
    loadings: dict[str, Interval]
    weights: dict[str, Interval]
    r_squared: dict[str, Interval]


def _interval(original: float, values: Matrix, level: float) -> Interval:
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])  # R's quantile type 7
    spread = float(values.std(ddof=1))
    return Interval(float(original), float(values.mean()), spread, float(low), float(high))


def bootstrap(
    model: PathModel,
    data: Mapping[str, Sequence[float]],
    *,
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> Bootstrap:
    """Re-estimate on ``resamples`` samples drawn with replacement (same size)."""
    raw, owner = pls.columns(model, data)
    base = pls.core(model, raw, owner, tol, max_iter)
    rng = np.random.default_rng(seed)
    draws: list[tuple[Matrix, Matrix, Matrix, Matrix, Matrix]] = []
    skipped = 0
    for _ in range(resamples):
        rows = rng.integers(0, raw.shape[0], raw.shape[0])
        try:
            found = pls.core(model, raw[rows], owner, tol, max_iter)
        except (ModelError, np.linalg.LinAlgError, FloatingPointError):
            skipped += 1
            continue
        draws.append(_figures(found, raw[rows], owner))
    if len(draws) < 2:
        raise ModelError("too few resamples could be estimated")
    return _summarize(model, base, raw, owner, draws, level, skipped)


def _figures(
    found: pls.Core, raw: Matrix, owner: list[int]
) -> tuple[Matrix, Matrix, Matrix, Matrix, Matrix]:
    item_weights = found.weights[np.arange(len(owner)), owner]
    with np.errstate(invalid="raise", divide="raise"):
        item_loadings = pls.loadings(raw, owner, found.scores)
    total = pls.total_of(found.coefficients)
    return found.coefficients, total, item_loadings, item_weights, found.r_squared


def _summarize(
    model: PathModel,
    base: pls.Core,
    raw: Matrix,
    owner: list[int],
    draws: list[tuple[Matrix, Matrix, Matrix, Matrix, Matrix]],
    level: float,
    skipped: int,
) -> Bootstrap:
    names = model.names
    items = model.item_names
    coefficients, totals, loads, weights, r2 = (np.stack(d) for d in zip(*draws, strict=True))
    original = _figures(base, raw, owner)
    path = model.path_matrix()
    # (target row, source column) of every direct path, and of every pair with an effect
    direct = [(i, j) for i in range(len(names)) for j in range(i) if path[i, j]]
    reachable = [(i, j) for i in range(len(names)) for j in range(i) if original[1][i, j] != 0]
    return Bootstrap(
        resamples=len(draws),
        skipped=skipped,
        paths={
            (names[j], names[i]): _interval(original[0][i, j], coefficients[:, i, j], level)
            for i, j in direct
        },
        total_effects={
            (names[j], names[i]): _interval(original[1][i, j], totals[:, i, j], level)
            for i, j in reachable
        },
        loadings={n: _interval(original[2][k], loads[:, k], level) for k, n in enumerate(items)},
        weights={n: _interval(original[3][k], weights[:, k], level) for k, n in enumerate(items)},
        r_squared={
            n: _interval(original[4][j], r2[:, j], level)
            for j, n in enumerate(names)
            if path[j].any()
        },
    )


@dataclass(frozen=True)
class Driver:
    """One construct on the importance-performance map of a target construct."""

    name: str
    importance: float  # total effect on the target (standardized)
    performance: float  # mean score on a 0-100 scale
    weak: bool  # more important and worse performing than the average driver


def importance_performance(
    result: PlsResult,
    data: Mapping[str, Sequence[float]],
    *,
    target: str,
    scale: tuple[float, float] = (1.0, 10.0),
) -> list[Driver]:
    """The drivers of ``target``, weakest first (high importance, low performance).

    Performance uses each block's weights made unstandardized and relative (they sum to
    one), applied to the items rescaled from ``scale`` to 0-100 (Ringle & Sarstedt's
    IPMA); importance is the total effect on the target.
    """
    model = result.model
    names = model.names
    if target not in names:
        raise ModelError(f"unknown target construct {target}")
    raw, owner = pls.columns(model, data)
    low, high = scale
    rescaled = (raw.mean(axis=0) - low) / (high - low) * 100
    spread = raw.std(axis=0) if model.scaled else np.ones(raw.shape[1])
    total = result.total_effects()[names.index(target)]
    drivers = []
    for j, name in enumerate(names):
        if total[j] == 0:
            continue
        mine = np.array(owner) == j
        unstandardized = result.weights[mine, j] / spread[mine]
        relative = unstandardized / unstandardized.sum()
        drivers.append((name, float(total[j]), float(relative @ rescaled[mine])))
    if not drivers:
        return []
    mean_importance = np.mean([d[1] for d in drivers])
    mean_performance = np.mean([d[2] for d in drivers])
    found = [
        Driver(n, i, p, weak=bool(i >= mean_importance and p < mean_performance))
        for n, i, p in drivers
    ]
    return sorted(found, key=lambda d: (not d.weak, -d.importance * (100 - d.performance)))
