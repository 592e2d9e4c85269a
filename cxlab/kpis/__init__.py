"""CX KPIs with confidence intervals: NPS, CSAT, CES, retention/churn, ticket times.

Every KPI function returns a tidy DataFrame with ``kpi, estimate, ci_low, ci_high, se, n,
n_missing, method, unit`` (:data:`KPI_COLUMNS`). Units: NPS in points (-100..100), shares as
proportions (0..1), means on the input scale, times in hours. Missing values are dropped and
counted in ``n_missing``, never silently lost.

* scores: :func:`nps` (adjusted Wald), :func:`csat` (top-box share, Wilson + mean, t),
  :func:`ces` (mean + share easy), :func:`proportion`, :func:`mean_score`;
* customers: :func:`churn_rate`, :func:`retention_rate`, :func:`period_retention` (orders);
* tickets: :func:`ticket_durations`, :func:`first_response_time`, :func:`resolution_time`,
  :func:`duration_kpis` (median/p90 with order-statistic or Kaplan-Meier intervals, SLA breach);
* any KPI by segment and period: :func:`kpi_table` (names in :data:`KPI_SPECS`);
* change tests: :func:`compare_periods`, :func:`compare_groups`, :func:`compare_samples`,
  with Benjamini-Hochberg (:func:`benjamini_hochberg`) across segments.

Interval methods and why are described in :mod:`cxlab.kpis._intervals`; their coverage is
checked by simulation in ``tests/test_kpis.py`` and ``benchmarks/bench_stats.py``.
"""
from cxlab.kpis._compare import benjamini_hochberg, compare_groups, compare_periods, compare_samples
from cxlab.kpis._intervals import (
    km_quantile_interval,
    newcombe_interval,
    quantile_interval,
    t_interval,
    wilson_interval,
)
from cxlab.kpis._registry import KPI_SPECS, KpiSpec
from cxlab.kpis._result import KPI_COLUMNS
from cxlab.kpis._retention import churn_rate, period_retention, retention_rate
from cxlab.kpis._scores import ces, csat, mean_score, nps, proportion
from cxlab.kpis._table import add_period, kpi_table
from cxlab.kpis._times import duration_kpis, first_response_time, resolution_time, ticket_durations

__all__ = [
    "KPI_COLUMNS",
    "KPI_SPECS",
    "KpiSpec",
    "add_period",
    "benjamini_hochberg",
    "ces",
    "churn_rate",
    "compare_groups",
    "compare_periods",
    "compare_samples",
    "csat",
    "duration_kpis",
    "first_response_time",
    "km_quantile_interval",
    "kpi_table",
    "mean_score",
    "newcombe_interval",
    "nps",
    "period_retention",
    "proportion",
    "quantile_interval",
    "resolution_time",
    "retention_rate",
    "t_interval",
    "ticket_durations",
    "wilson_interval",
]
