"""Partial least squares path modelling (PLS-PM): which drivers move satisfaction.

The estimation follows R plspm (Sanchez) step by step, so its figures can be checked
against it to 1e-6 (tests/analytics/test_pls_reference.py does, on plspm's own
``satisfaction`` data): the same start (unit weights scaled to unit variance), the same
inner schemes, the same stopping rule (squared change of the absolute weights below
``tol``) and the same scaling of the latent scores (mean 0, population variance 1).

Only NumPy and SciPy (for the t distribution): the ``plspm`` package on PyPI is
unmaintained and mis-scales standardized data (docs/decisions/0007-pls-in-numpy.md).

The path matrix follows R's convention: ``path[i, j] == 1`` means LV j points to LV i.
Latent variables are ordered as their blocks are given; a path may only point forward.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Matrix = NDArray[np.float64]


class Mode(StrEnum):
    """Reflective blocks (items reflect the construct) or formative (items form it)."""

    A = "A"
    B = "B"


class Scheme(StrEnum):
    """How the inner estimate of a construct weighs its neighbours."""

    CENTROID = "centroid"
    FACTORIAL = "factorial"
    PATH = "path"


class ModelError(ValueError):
    """A path model that cannot be estimated (says which part is wrong)."""


@dataclass(frozen=True)
class PathModel:
    """Constructs with their items (in order), and the paths between constructs."""

    blocks: Mapping[str, Sequence[str]]
    paths: Sequence[tuple[str, str]]  # (from, to)
    modes: Mapping[str, Mode] = field(default_factory=dict)  # Mode A unless named
    scheme: Scheme = Scheme.CENTROID
    scaled: bool = False  # standardize the items first (False: only centre them)

    @property
    def names(self) -> list[str]:
        return list(self.blocks)

    @property
    def item_names(self) -> list[str]:
        """Every item, block after block (the order of the weight rows)."""
        return [item for items in self.blocks.values() for item in items]

    def path_matrix(self) -> Matrix:
        names = self.names
        matrix = np.zeros((len(names), len(names)))
        for source, target in self.paths:
            if source not in self.blocks or target not in self.blocks:
                raise ModelError(f"path {source} -> {target} names an unknown construct")
            i, j = names.index(target), names.index(source)
            if j >= i:
                raise ModelError(f"path {source} -> {target} points backwards in block order")
            matrix[i, j] = 1.0
        return matrix


@dataclass(frozen=True)
class Regression:
    """One endogenous construct regressed on its predecessors."""

    target: str
    predictors: list[str]
    estimates: list[float]
    std_errors: list[float]
    t_values: list[float]
    p_values: list[float]
    intercept: float
    r_squared: float


@dataclass(frozen=True)
class Effect:
    source: str
    target: str
    direct: float
    indirect: float
    total: float


@dataclass(frozen=True)
class Item:
    name: str
    block: str
    weight: float
    loading: float
    communality: float
    redundancy: float


@dataclass(frozen=True)
class BlockSummary:
    name: str
    endogenous: bool
    r_squared: float
    block_communality: float
    mean_redundancy: float
    ave: float
    composite_reliability: float
    cronbach_alpha: float


@dataclass(frozen=True)
class PlsResult:
    """Everything an estimation gives; ``scores`` are the standardized latent scores."""

    model: PathModel
    iterations: int
    weights: Matrix  # items × constructs
    scores: Matrix  # rows × constructs
    coefficients: Matrix  # constructs × constructs, [i, j]: effect of j on i
    items: list[Item]
    regressions: list[Regression]
    blocks: list[BlockSummary]
    effects: list[Effect]
    gof: float

    def total_effects(self) -> Matrix:
        return total_of(self.coefficients)

    def r_squared(self, name: str) -> float:
        return next(b.r_squared for b in self.blocks if b.name == name)


def columns(model: PathModel, data: Mapping[str, Sequence[float]]) -> tuple[Matrix, list[int]]:
    """The items as one matrix (block after block) and each item's block index."""
    names: list[str] = []
    owner: list[int] = []
    for index, items in enumerate(model.blocks.values()):
        if not items:
            raise ModelError("every construct needs at least one item")
        names.extend(items)
        owner.extend([index] * len(items))
    missing = [n for n in names if n not in data]
    if missing:
        raise ModelError(f"no column for items {', '.join(missing)}")
    matrix = np.column_stack([np.asarray(data[n], dtype=np.float64) for n in names])
    if matrix.shape[0] < 3 or not np.isfinite(matrix).all():
        raise ModelError("the data need at least three complete rows")
    return matrix, owner


def _prepare(raw: Matrix, scaled: bool) -> Matrix:
    centred = raw - raw.mean(axis=0)
    if not scaled:
        return centred
    spread = raw.std(axis=0)  # population sd, as plspm
    if (spread == 0).any():
        raise ModelError("an item has the same answer in every row")
    return centred / spread


def _standardize(scores: Matrix) -> Matrix:
    """Mean 0 and population variance 1 per column."""
    centred = scores - scores.mean(axis=0)
    return centred / centred.std(axis=0)


def _inner_weights(scheme: Scheme, path: Matrix, scores: Matrix) -> Matrix:
    adjacent = path + path.T
    if scheme == Scheme.CENTROID:
        return np.sign(np.corrcoef(scores, rowvar=False) * adjacent)
    if scheme == Scheme.FACTORIAL:
        return np.corrcoef(scores, rowvar=False) * adjacent
    inner = path.copy()
    for k in range(path.shape[0]):
        before = path[k] == 1  # constructs pointing to k: k regressed on them
        if before.any():
            inner[before, k] = np.linalg.lstsq(scores[:, before], scores[:, k], rcond=None)[0]
        after = path[:, k] == 1  # constructs k points to: their correlation with k
        if after.any():
            inner[after, k] = [
                np.corrcoef(scores[:, k], scores[:, j])[0, 1] for j in np.where(after)[0]
            ]
    return inner


def _outer_weights(
    model: PathModel, data: Matrix, owner: list[int], path: Matrix, tol: float, max_iter: int
) -> tuple[Matrix, int]:
    """The iterative stage: outer and inner estimates in turn until the weights settle."""
    rows, count = data.shape[0], len(model.blocks)
    design = np.zeros((data.shape[1], count))
    design[np.arange(data.shape[1]), owner] = 1.0
    weights = design / (data @ design).std(axis=0)
    before = weights.sum(axis=1)
    modes = [model.modes.get(name, Mode.A) for name in model.names]
    iterations = 0
    while iterations < max_iter:  # plspm stops at maxiter with what it has
        iterations += 1
        outer = _standardize(data @ weights)
        inner = outer @ _inner_weights(model.scheme, path, outer)
        for j, mode in enumerate(modes):
            mine = design[:, j] == 1
            if mode == Mode.A:
                weights[mine, j] = inner[:, j] @ data[:, mine] / rows
            else:
                weights[mine, j] = np.linalg.lstsq(data[:, mine], inner[:, j], rcond=None)[0]
        after = weights.sum(axis=1)
        if np.sum((np.abs(before) - np.abs(after)) ** 2) < tol:
            break
        before = after
    return weights / (data @ weights).std(axis=0), iterations


def _regressions(names: list[str], path: Matrix, scores: Matrix) -> tuple[Matrix, list[Regression]]:
    rows = scores.shape[0]
    coefficients = np.zeros_like(path)
    found = []
    for i in np.where(path.sum(axis=1) > 0)[0]:
        before = np.where(path[i] == 1)[0]
        design = np.column_stack([np.ones(rows), scores[:, before]])
        solution, *_ = np.linalg.lstsq(design, scores[:, i], rcond=None)
        residual = scores[:, i] - design @ solution
        freedom = rows - design.shape[1]
        variance = residual @ residual / freedom
        errors = np.sqrt(np.diag(np.linalg.inv(design.T @ design)) * variance)
        t_values = solution / errors
        p_values = 2 * stats.t.sf(np.abs(t_values), freedom)
        centred = scores[:, i] - scores[:, i].mean()
        coefficients[i, before] = solution[1:]
        found.append(
            Regression(
                target=names[i],
                predictors=[names[j] for j in before],
                estimates=solution[1:].tolist(),
                std_errors=errors[1:].tolist(),
                t_values=t_values[1:].tolist(),
                p_values=p_values[1:].tolist(),
                intercept=float(solution[0]),
                r_squared=float(1 - residual @ residual / (centred @ centred)),
            )
        )
    return coefficients, found


def total_of(coefficients: Matrix) -> Matrix:
    """Direct plus every indirect route (the path matrix is acyclic, so powers end)."""
    total, power = np.zeros_like(coefficients), coefficients.copy()
    while power.any():
        total += power
        power = power @ coefficients
    return total


def _effects(names: list[str], coefficients: Matrix) -> list[Effect]:
    total = total_of(coefficients)
    return [
        Effect(
            names[j], names[i], coefficients[i, j], total[i, j] - coefficients[i, j], total[i, j]
        )
        for j in range(len(names))
        for i in range(j + 1, len(names))
    ]


def _alpha(items: Matrix) -> float:
    """Cronbach's alpha of the standardized items (1 for a single item)."""
    count = items.shape[1]
    if count < 2:
        return 1.0
    standard = _standardize(items)
    return float(count / (count - 1) * (1 - count / standard.sum(axis=1).var()))


def estimate(
    model: PathModel,
    data: Mapping[str, Sequence[float]],
    *,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> PlsResult:
    """Estimate the model on ``data`` (item name → answers, one value per respondent)."""
    raw, owner = columns(model, data)
    return _estimate(model, raw, owner, tol, max_iter)


@dataclass(frozen=True)
class Core:
    """What a bootstrap resample needs: weights, scores, paths and R²."""

    weights: Matrix
    scores: Matrix
    coefficients: Matrix
    regressions: list[Regression]
    r_squared: Matrix
    iterations: int


def core(model: PathModel, raw: Matrix, owner: list[int], tol: float, max_iter: int) -> Core:
    names, path = model.names, model.path_matrix()
    data = _prepare(raw, model.scaled)
    weights, iterations = _outer_weights(model, data, owner, path, tol, max_iter)
    scores = data @ weights
    coefficients, regressions = _regressions(names, path, scores)
    r_squared = np.zeros(len(names))
    for regression in regressions:
        r_squared[names.index(regression.target)] = regression.r_squared
    return Core(weights, scores, coefficients, regressions, r_squared, iterations)


def loadings(raw: Matrix, owner: list[int], scores: Matrix) -> Matrix:
    """Each item's correlation with its own construct's score."""
    items = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    mine = scores[:, owner]  # scores have mean 0 and population sd 1
    return np.asarray((items * mine).mean(axis=0))


def _estimate(
    model: PathModel, raw: Matrix, owner: list[int], tol: float, max_iter: int
) -> PlsResult:
    found = core(model, raw, owner, tol, max_iter)
    path = model.path_matrix()
    items = _items(model, raw, owner, found)
    return PlsResult(
        model=model,
        iterations=found.iterations,
        weights=found.weights,
        scores=found.scores,
        coefficients=found.coefficients,
        items=items,
        regressions=found.regressions,
        blocks=_blocks(model, raw, owner, items, path, found.r_squared),
        effects=_effects(model.names, found.coefficients),
        gof=_gof(items, owner, path, found.r_squared),
    )


def _items(model: PathModel, raw: Matrix, owner: list[int], found: Core) -> list[Item]:
    names = model.item_names
    correlations = loadings(raw, owner, found.scores)
    result = []
    for k, name in enumerate(names):
        j, loading = owner[k], float(correlations[k])
        communality = loading**2
        redundancy = communality * found.r_squared[j]
        result.append(
            Item(name, model.names[j], float(found.weights[k, j]), loading, communality, redundancy)
        )
    return result


def _blocks(
    model: PathModel, raw: Matrix, owner: list[int], items: list[Item], path: Matrix, r2: Matrix
) -> list[BlockSummary]:
    found = []
    for j, name in enumerate(model.names):
        mine = [item for item in items if item.block == name]
        loadings = np.array([item.loading for item in mine])
        squares = loadings**2
        found.append(
            BlockSummary(
                name=name,
                endogenous=bool(path[j].any()),
                r_squared=float(r2[j]),
                block_communality=float(squares.mean()),
                mean_redundancy=float(np.mean([item.redundancy for item in mine])),
                ave=float(squares.sum() / (squares.sum() + (1 - squares).sum())),
                composite_reliability=float(
                    loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - squares).sum())
                ),
                cronbach_alpha=_alpha(raw[:, [k for k, o in enumerate(owner) if o == j]]),
            )
        )
    return found


def _gof(items: list[Item], owner: list[int], path: Matrix, r2: Matrix) -> float:
    """Goodness of fit: the geometric mean of the mean communality (blocks of two or more
    items) and the mean R² of the endogenous constructs."""
    sizes = np.bincount(owner)
    shared = [item.communality for item, j in zip(items, owner, strict=True) if sizes[j] > 1]
    endogenous = path.sum(axis=1) > 0
    if not shared or not endogenous.any():
        return 0.0
    return float(np.sqrt(np.mean(shared) * r2[endogenous].mean()))
