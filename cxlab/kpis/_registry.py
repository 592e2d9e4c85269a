"""Which column each named KPI reads, how it is summarised and how two samples are compared."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.kpis._retention import churn_rows, retention_rows
from cxlab.kpis._scores import ces_rows, csat_rows, mean_rows, nps_rows
from cxlab.kpis._times import duration_rows, ticket_durations

__all__ = ["KpiSpec", "KPI_SPECS", "get_kpi", "prepare_frame"]


@dataclass(frozen=True)
class KpiSpec:
    """A named KPI: ``column`` read from the table, ``kind`` of statistic, ``summarise``.

    ``kind`` decides the two-sample test: ``"nps"`` (difference of NPS, multinomial variance),
    ``"share"`` (two proportions), ``"mean"`` (Welch t), ``"duration"`` (Mann-Whitney).
    ``values(df)`` returns the per-row values the test compares (e.g. 0/1 satisfied for CSAT).
    """

    name: str
    column: str
    kind: str
    summarise: object  # callable(df, column, alpha) -> list of KPI row dicts (see kpi_row)
    values: object  # callable(series) -> per-row values for two-sample tests
    description: str = ""


def _pick(rows, name):
    return [r for r in rows if r["kpi"] == name]


def _durations(kind, sla):
    def summarise(df, column, alpha):
        return duration_rows(df[f"{kind}_elapsed_hours"], observed=df[f"{kind}_observed"], sla_hours=sla,
                             prefix=kind, alpha=alpha)
    return summarise


def _identity(s):
    return pd.to_numeric(s, errors="coerce")


KPI_SPECS: dict[str, KpiSpec] = {
    s.name: s
    for s in (
        KpiSpec("nps", "nps", "nps", lambda d, c, a: nps_rows(d[c], alpha=a), _identity,
                "Net Promoter Score (points)"),
        KpiSpec("csat", "csat", "share", lambda d, c, a: _pick(csat_rows(d[c], alpha=a), "csat"),
                lambda s: _identity(s).isin([4, 5]).astype(float).where(s.notna()),
                "share of CSAT 4-5"),
        KpiSpec("csat_mean", "csat", "mean", lambda d, c, a: _pick(csat_rows(d[c], alpha=a), "csat_mean"),
                _identity, "mean CSAT (1-5)"),
        KpiSpec("ces", "ces", "mean", lambda d, c, a: _pick(ces_rows(d[c], alpha=a), "ces"), _identity,
                "mean effort (1 easy - 7 hard)"),
        KpiSpec("ces_easy_share", "ces", "share",
                lambda d, c, a: _pick(ces_rows(d[c], alpha=a), "ces_easy_share"),
                lambda s: _identity(s).isin([1, 2, 3]).astype(float).where(s.notna()),
                "share of CES 1-3"),
        KpiSpec("rating", "rating", "mean", lambda d, c, a: mean_rows(d[c], kpi="rating", alpha=a),
                _identity, "mean star rating"),
        KpiSpec("churn", "churned", "share", lambda d, c, a: churn_rows(d[c], alpha=a),
                lambda s: _identity(s.astype("Float64")), "share of customers churned"),
        KpiSpec("retention", "churned", "share", lambda d, c, a: retention_rows(d[c], alpha=a),
                lambda s: 1 - _identity(s.astype("Float64")), "share of customers retained"),
        KpiSpec("first_response", "first_response_hours", "duration", _durations("first_response", 24),
                _identity, "hours to first response (SLA 24 h)"),
        KpiSpec("resolution", "resolution_hours", "duration", _durations("resolution", 72),
                _identity, "hours to resolution (SLA 72 h)"),
    )
}


def get_kpi(name: str) -> KpiSpec:
    try:
        return KPI_SPECS[name]
    except KeyError:
        raise ParameterError(f"unknown kpi {name!r}; choose from {sorted(KPI_SPECS)}.") from None


def prepare_frame(df: pd.DataFrame, kpis) -> pd.DataFrame:
    """Add ticket durations once (on the whole table, so censoring uses one ``as_of``)."""
    needs = [k for k in kpis if get_kpi(k).kind == "duration" and f"{k}_elapsed_hours" not in df.columns]
    if needs:
        return ticket_durations(df)
    return df


def sample_values(spec: KpiSpec, series: pd.Series) -> np.ndarray:
    v = spec.values(series).to_numpy(dtype=float, na_value=np.nan)
    return v[np.isfinite(v)]
