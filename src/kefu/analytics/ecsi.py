"""The telecom satisfaction model (ECSI shaped, as seed 003 lays out) and survey answers
drawn from it with known structure, so the analysis can be checked against the truth:
the demo plants one weak driver (important for satisfaction, poorly rated) and the PLS
map must name it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kefu.analytics.pls import Mode, PathModel, Scheme

ITEMS_PER_BLOCK = {
    "IMAG": 4,  # 企业形象
    "EXPE": 3,  # 客户期望
    "NET": 4,  # 网络质量
    "TARIFF": 3,  # 资费
    "HALL": 3,  # 营业厅服务
    "HOTLINE": 4,  # 热线服务
    "VAL": 3,  # 感知价值
    "SAT": 3,  # 满意度
    "LOY": 3,  # 忠诚度
}
QUALITY = ("NET", "TARIFF", "HALL", "HOTLINE")
PATHS = [
    ("IMAG", "EXPE"),
    ("IMAG", "SAT"),
    ("IMAG", "LOY"),
    *((("EXPE", q)) for q in QUALITY),
    *(((q, "VAL")) for q in QUALITY),
    *(((q, "SAT")) for q in QUALITY),
    ("EXPE", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "LOY"),
]


def item_names(block: str) -> list[str]:
    return [f"{block.lower()}{n}" for n in range(1, ITEMS_PER_BLOCK[block] + 1)]


def telecom_model() -> PathModel:
    """All blocks reflective, centroid scheme, items on their 1-10 scale (not scaled)."""
    blocks = {block: item_names(block) for block in ITEMS_PER_BLOCK}
    return PathModel(blocks, PATHS, {b: Mode.A for b in blocks}, Scheme.CENTROID, scaled=False)


@dataclass(frozen=True)
class Truth:
    """The structure the answers are drawn from."""

    effects_on_sat: dict[str, float]
    means: dict[str, float]  # each construct's mean answer on the 1-10 scale
    weak: str


def planted(weak: str = "HOTLINE") -> Truth:
    """``weak`` drives satisfaction hardest of the quality dimensions and is rated lowest."""
    effects = {"NET": 0.20, "TARIFF": 0.12, "HALL": 0.10, "HOTLINE": 0.12, "IMAG": 0.15}
    effects[weak] = 0.38
    means = dict.fromkeys(ITEMS_PER_BLOCK, 7.6)
    means[weak] = 5.6
    return Truth(effects, means, weak)


def responses(count: int, *, seed: int = 0, truth: Truth | None = None) -> dict[str, list[int]]:
    """``count`` answers per item, whole numbers 1-10, from the model's equations."""
    truth = truth or planted()
    rng = np.random.default_rng(seed)

    def noise(share: float) -> np.ndarray:
        return rng.standard_normal(count) * np.sqrt(share)

    lv: dict[str, np.ndarray] = {"IMAG": rng.standard_normal(count)}
    lv["EXPE"] = 0.55 * lv["IMAG"] + noise(1 - 0.55**2)
    for quality in QUALITY:
        lv[quality] = 0.45 * lv["EXPE"] + noise(1 - 0.45**2)
    lv["VAL"] = sum(0.2 * lv[q] for q in QUALITY) + noise(0.6)
    sat = sum(truth.effects_on_sat[name] * lv[name] for name in truth.effects_on_sat)
    lv["SAT"] = sat + 0.15 * lv["VAL"] + noise(0.35)
    lv["LOY"] = 0.55 * lv["SAT"] + 0.2 * lv["IMAG"] + noise(0.5)
    answers: dict[str, list[int]] = {}
    for block in ITEMS_PER_BLOCK:
        score = lv[block] / lv[block].std()
        for name in item_names(block):
            loading = rng.uniform(0.75, 0.9)
            item = loading * score + np.sqrt(1 - loading**2) * rng.standard_normal(count)
            answers[name] = (
                np.clip(np.rint(truth.means[block] + 1.5 * item), 1, 10).astype(int).tolist()
            )
    return answers
