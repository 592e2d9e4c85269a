"""Retention and churn rates with Wilson intervals."""
from __future__ import annotations

import warnings

import pandas as pd

from cxlab.kpis._result import kpi_frame
from cxlab.kpis._scores import proportion_rows
from cxlab.kpis._validate import as_numeric, check_alpha

__all__ = ["churn_rate", "retention_rate"]


def churn_rate(churned, *, alpha: float = 0.05) -> pd.DataFrame:
    """Share of customers who left (``churned`` True/1), Wilson interval; missing flags counted.

    Examples
    --------
    >>> from cxlab.kpis import churn_rate
    >>> churn_rate([True, False, False, False])[["kpi", "estimate", "n"]]
         kpi  estimate  n
    0  churn      0.25  4
    """
    return kpi_frame(churn_rows(churned, alpha=alpha))


def churn_rows(churned, *, alpha=0.05) -> list[dict]:
    return proportion_rows(churned, kpi="churn", alpha=alpha)


def retention_rate(churned, *, alpha: float = 0.05) -> pd.DataFrame:
    """Share of customers who stayed (1 - churn), Wilson interval.

    Examples
    --------
    >>> from cxlab.kpis import retention_rate
    >>> retention_rate([True, False, False, False])[["kpi", "estimate"]]
             kpi  estimate
    0  retention      0.75
    """
    return kpi_frame(retention_rows(churned, alpha=alpha))


def retention_rows(churned, *, alpha=0.05) -> list[dict]:
    alpha = check_alpha(alpha)
    x, n_missing = as_numeric(churned, name="churned flags", low=0, high=1, integer=True)
    rows = proportion_rows(1 - x, kpi="retention", alpha=alpha)
    rows[0]["n_missing"] = n_missing
    return rows


def period_retention(orders: pd.DataFrame, *, period: str = "Q", customer_col: str = "customer_id",
                     time_col: str = "order_date", alpha: float = 0.05) -> pd.DataFrame:
    """Share of a period's buyers who buy again in the next period (Wilson interval), per period.

    Only completed orders should be passed (drop abandoned/cancelled ones first). The last
    period has no next period and is left out.

    Returns
    -------
    DataFrame
        ``period`` (the buyers' period, text such as ``"2025Q1"``) then :data:`KPI_COLUMNS` with
        ``kpi="retention"``: estimate = share of that period's buyers seen again next period.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import period_retention
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...                   "order_date": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-04-02", "2025-05-01"])})
    >>> period_retention(o)[["period", "estimate", "n"]]
       period  estimate  n
    0  2025Q1       0.5  2
    """
    from cxlab.kpis._table import add_period
    from cxlab.kpis._validate import require_columns

    alpha = check_alpha(alpha)
    require_columns(orders, [customer_col, time_col], arg="orders")
    labelled = add_period(orders[[customer_col, time_col]], period=period, time_col=time_col, name="_p")
    usable = labelled[customer_col].notna() & labelled["_p"].notna()
    if not usable.all():
        warnings.warn(f"{int((~usable).sum())} of {len(usable)} order(s) have no {customer_col!r} or no "
                      f"{time_col!r}; they are left out of retention (a buyer needs an id and a period).",
                      UserWarning, stacklevel=2)
    labelled = labelled[usable]
    periods = pd.PeriodIndex(sorted(labelled["_p"].unique()), freq=period)
    buyers = {str(p): set(labelled.loc[labelled["_p"] == str(p), customer_col].astype(str)) for p in periods}
    rows, labels = [], []
    for p in periods[:-1]:
        now, nxt = buyers[str(p)], buyers.get(str(p + 1), set())
        flags = pd.Series([c in nxt for c in sorted(now)], dtype=float)
        rows += proportion_rows(flags, kpi="retention", alpha=alpha)
        labels.append(str(p))
    out = kpi_frame(rows)
    out.insert(0, "period", pd.Series(labels, dtype="str"))
    return out
