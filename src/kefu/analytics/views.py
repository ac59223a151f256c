"""Analysis results as the API shows them."""

from __future__ import annotations

from kefu.analytics.satisfaction import DriversReport
from kefu.analytics.schemas import (
    ConstructRead,
    DriverRead,
    DriversRead,
    IntervalRead,
    ItemFigures,
    PathRead,
)


def drivers_read(report: DriversReport) -> DriversRead:
    """The report with every bootstrapped figure as an interval."""
    boot, result = report.intervals, report.result
    return DriversRead(
        target=report.target,
        responses=report.responses,
        incomplete=report.incomplete,
        resamples=boot.resamples,
        skipped_resamples=boot.skipped,
        gof=result.gof,
        weakest=[d.name for d in report.map if d.weak],
        drivers=[
            DriverRead(
                name=d.name,
                importance=IntervalRead.of(boot.total_effects[(d.name, report.target)]),
                performance=d.performance,
                weak=d.weak,
            )
            for d in report.map
        ],
        constructs=[
            ConstructRead(
                name=b.name,
                r_squared=IntervalRead.of(boot.r_squared[b.name]) if b.endogenous else None,
                ave=b.ave,
                composite_reliability=b.composite_reliability,
                cronbach_alpha=b.cronbach_alpha,
            )
            for b in result.blocks
        ],
        paths=[
            PathRead(source=source, target=target, coefficient=IntervalRead.of(found))
            for (source, target), found in boot.paths.items()
        ],
        items=[
            ItemFigures(
                name=i.name,
                block=i.block,
                weight=i.weight,
                loading=IntervalRead.of(boot.loadings[i.name]),
            )
            for i in result.items
        ],
    )
