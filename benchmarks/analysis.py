"""Analysis benchmarks (no database): the PLS path model with 1,000 bootstrap resamples
on 5,000 survey responses. Reference in the same process: one estimation, so the
bootstrap's cost reads as a multiple of it (1,000 would be no overhead at all)."""

from __future__ import annotations

import time
from typing import Any

from kefu.analytics import drivers, ecsi, pls

RESPONSES, RESAMPLES = 5_000, 1_000


def pls_bootstrap() -> dict[str, Any]:
    model = ecsi.telecom_model()
    answers = ecsi.responses(RESPONSES, seed=11)
    started = time.perf_counter()
    for _ in range(20):
        result = pls.estimate(model, answers)
    single = (time.perf_counter() - started) / 20
    started = time.perf_counter()
    found = drivers.bootstrap(model, answers, resamples=RESAMPLES, seed=1)
    seconds = time.perf_counter() - started
    weakest = drivers.importance_performance(result, answers, target="SAT")[0]
    return {
        "responses": RESPONSES,
        "items": len(model.item_names),
        "constructs": len(model.blocks),
        "resamples": found.resamples,
        "one_estimate_ms": round(single * 1000, 2),
        "bootstrap_seconds": round(seconds, 2),
        "bootstrap_in_single_estimates": round(seconds / single),
        "weakest_driver": weakest.name,
        "planted_weak_driver": ecsi.planted().weak,
    }


def run() -> dict[str, Any]:
    return {"pls_bootstrap": pls_bootstrap()}
