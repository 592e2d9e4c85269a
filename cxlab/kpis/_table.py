"""``kpi_table``: any KPI by any segment and period, in one tidy table."""
from __future__ import annotations

import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.io._time import read_dates
from cxlab.kpis._registry import get_kpi, prepare_frame
from cxlab.kpis._result import KPI_COLUMNS, kpi_frame
from cxlab.kpis._validate import as_list, check_alpha, require_columns

__all__ = ["kpi_table", "add_period"]

_PERIODS = ("D", "W", "M", "Q", "Y")


def add_period(df: pd.DataFrame, *, period: str, time_col: str, name: str = "period") -> pd.DataFrame:
    """Return a copy of ``df`` with a ``period`` text column (e.g. ``"2025-01"``, ``"2025Q1"``).

    Text labels sort in time order for every supported frequency and write to CSV unchanged.
    """
    if period not in _PERIODS:
        raise ParameterError(f"period must be one of {_PERIODS} (day, week, month, quarter, year); got {period!r}.")
    require_columns(df, [time_col], arg="df", hint=f"pass time_col= the column holding dates to use period={period!r}.")
    times = read_dates(df, time_col)
    labels = times.dt.to_period(period).astype(str).where(times.notna())
    return df.assign(**{name: labels})


def kpi_table(df: pd.DataFrame, *, by=None, period: str | None = None, time_col: str = "created_at",
              kpis=("nps", "csat", "ces"), columns: dict | None = None, alpha: float = 0.05,
              min_n: int = 1) -> pd.DataFrame:
    """KPIs with confidence intervals for every segment and/or period.

    Parameters
    ----------
    df : DataFrame
        Row-level data: feedback (``nps``, ``csat``, ``ces``, ``rating``), customers (``churned``)
        or tickets (``opened_at``, ``first_response_at``, ``resolved_at``).
    by : None, str or list of str
        Segment column(s), e.g. ``"channel"``, ``["persona", "touchpoint"]``. Missing segment
        labels form their own group (NaN) rather than being dropped.
    period : {None, "D", "W", "M", "Q", "Y"}
        Adds a ``period`` column (text such as ``"2025-01"`` or ``"2025Q1"``) from ``time_col``.
    time_col : str, default="created_at"
        Date column used for ``period`` (``"opened_at"`` for tickets).
    kpis : sequence of str, default=("nps", "csat", "ces")
        Any of ``nps``, ``csat``, ``csat_mean``, ``ces``, ``ces_easy_share``, ``rating``,
        ``churn``, ``retention``, ``first_response``, ``resolution`` (the last two add median,
        p90 and SLA-breach rows).
    columns : dict, optional
        Read a KPI from another column, e.g. ``{"csat": "satisfaction"}``.
    alpha : float, default=0.05
    min_n : int, default=1
        Groups with fewer usable values get NaN estimate and interval (their ``n`` is kept), so
        tiny segments are visible but never over-read.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``period`` (when asked), then ``kpi, estimate, ci_low, ci_high, se, n,
        n_missing, method, unit``; sorted by segment, period and the order of ``kpis``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import kpi_table
    >>> fb = pd.DataFrame({"channel": ["app", "app", "web", "web"], "nps": [10, 3, 9, 9],
    ...                    "csat": [5, 2, 4, 5]})
    >>> kpi_table(fb, by="channel", kpis=("nps", "csat"))[["channel", "kpi", "estimate", "n"]]
      channel   kpi  estimate  n
    0     app   nps       0.0  2
    1     app  csat       0.5  2
    2     web   nps     100.0  2
    3     web  csat       1.0  2
    """
    alpha = check_alpha(alpha)
    kpis = as_list(kpis)
    if not kpis:
        raise ParameterError("kpis is empty; name at least one KPI, e.g. kpis=('nps',).")
    specs = [get_kpi(k) for k in kpis]
    columns = dict(columns or {})
    by = as_list(by)
    require_columns(df, by, arg="df", hint="check the names passed as by=.")
    work = df  # read-only below; prepare_frame/add_period return copies
    for spec in specs:
        col = columns.get(spec.name, spec.column)
        if spec.kind == "duration":
            require_columns(work, ["opened_at"], arg="df",
                            hint=f"kpi {spec.name!r} needs ticket columns (opened_at and the end time).")
        elif col not in work.columns:
            raise SchemaError(f"df lacks column {col!r} needed for kpi {spec.name!r}; pass "
                              f"columns={{{spec.name!r}: 'your_column'}} or drop {spec.name!r} from kpis.")
    work = prepare_frame(work, kpis)
    needed = set(by) | {columns.get(sp.name, sp.column) for sp in specs if sp.kind != "duration"}
    for sp in specs:
        if sp.kind == "duration":
            needed |= {f"{sp.name}_elapsed_hours", f"{sp.name}_observed"}
    if period is not None:
        needed.add(time_col)
    # grouping only the columns in use keeps long text columns out of every per-group copy
    work = work[[c for c in work.columns if c in needed]]
    keys = list(by)
    if period is not None:
        work = add_period(work, period=period, time_col=time_col)
        keys.append("period")
    groups = [((), work)] if not keys else work.groupby(keys, dropna=False, sort=True)
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        labels = dict(zip(keys, key))
        for spec in specs:
            col = columns.get(spec.name, spec.column)
            for row in spec.summarise(part, col, alpha):
                if row["n"] < min_n:
                    row.update(estimate=float("nan"), ci_low=float("nan"), ci_high=float("nan"), se=float("nan"))
                rows.append((labels, row))
    out = kpi_frame([r for _, r in rows])
    for i, name in enumerate(keys):
        values = [labels[name] for labels, _ in rows]
        out.insert(i, name, pd.Series(values, dtype=work[name].dtype if name in work else object)
                   if rows else pd.Series(dtype=object))
    return out[keys + KPI_COLUMNS]
