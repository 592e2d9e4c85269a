"""Support-ticket times: first response and resolution (median, p90, SLA breach share).

Unanswered / unresolved tickets are **right-censored**, not dropped: their clock is still running
at ``as_of`` (default: the latest timestamp in the table), so we know only that their time is at
least ``as_of - opened_at``. Quantiles then use the Kaplan-Meier estimate (Brookmeyer-Crowley
interval); without open tickets they use the sample quantile with a distribution-free
order-statistic interval. For the SLA breach share an open ticket already past the SLA counts as a
breach; an open ticket still inside the SLA cannot be judged yet and is excluded from ``n`` and
counted in ``n_missing``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.kpis._intervals import km_quantile_interval, quantile_interval, wilson_interval
from cxlab.kpis._result import kpi_frame, kpi_row
from cxlab.kpis._validate import check_alpha, require_columns

__all__ = ["ticket_durations", "duration_kpis", "first_response_time", "resolution_time"]

_KINDS = {"first_response": "first_response_at", "resolution": "resolved_at"}


def _as_datetime(series: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        out = series
    else:
        out = pd.to_datetime(series, errors="coerce", utc=False, format="mixed")
        bad = out.isna() & series.notna()
        if bad.any():
            raise SchemaError(f"column {name!r} has {int(bad.sum())} value(s) that are not dates, e.g. "
                              f"{series[bad].astype(str).head(3).tolist()}; fix or blank them.")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def ticket_durations(tickets: pd.DataFrame, *, opened_col: str = "opened_at",
                     first_response_col: str = "first_response_at", resolved_col: str = "resolved_at",
                     as_of=None) -> pd.DataFrame:
    """Add hours to first response and to resolution, with flags for still-open (censored) tickets.

    Returns a copy of ``tickets`` (same index) with, for ``first_response`` and ``resolution``:
    ``*_hours`` (NaN while the ticket is still open, so plain means and medians use answered
    tickets only), ``*_elapsed_hours`` (hours so far, up to ``as_of`` for open tickets: a lower
    bound) and ``*_observed`` (False while open). ``as_of`` defaults to the latest timestamp in
    the three columns. Censored-aware KPIs (:func:`duration_kpis`) use elapsed hours + flags.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import ticket_durations
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 10:00"]),
    ...                   "first_response_at": pd.to_datetime(["2025-01-01 11:00", None]),
    ...                   "resolved_at": pd.to_datetime(["2025-01-02 09:00", None])})
    >>> ticket_durations(t)[["first_response_hours", "first_response_elapsed_hours"]]
       first_response_hours  first_response_elapsed_hours
    0                   2.0                           2.0
    1                   NaN                          23.0
    """
    require_columns(tickets, [opened_col], arg="tickets")
    opened = _as_datetime(tickets[opened_col], opened_col)
    if opened.isna().any():
        raise SchemaError(f"column {opened_col!r} is missing for {int(opened.isna().sum())} ticket(s); "
                          "every ticket needs an opening time (drop those rows first).")
    ends = {}
    for kind, col in (("first_response", first_response_col), ("resolution", resolved_col)):
        ends[kind] = (_as_datetime(tickets[col], col) if col in tickets.columns
                      else pd.Series(pd.NaT, index=tickets.index, dtype="datetime64[ns]"))
    stamps = pd.concat([opened, *ends.values()])
    as_of = pd.Timestamp(as_of) if as_of is not None else stamps.max()
    out = tickets.copy()
    for kind, end in ends.items():
        observed = end.notna()
        stop = end.where(observed, as_of)
        hours = (stop - opened).dt.total_seconds() / 3600
        negative = hours < 0
        if negative.any():
            col = first_response_col if kind == "first_response" else resolved_col
            raise SchemaError(f"{int(negative.sum())} ticket(s) have {col!r} before {opened_col!r} "
                              f"(rows {list(tickets.index[negative][:5])}); fix or drop them.")
        # hours only where the event happened, so a plain mean/median never mixes in open tickets;
        # the elapsed time of open ones (a lower bound) lives in *_elapsed_hours for censored methods
        out[f"{kind}_hours"] = hours.astype(float).where(observed)
        out[f"{kind}_elapsed_hours"] = hours.astype(float)
        out[f"{kind}_observed"] = observed.astype(bool)
    return out


def duration_kpis(hours, *, observed=None, sla_hours: float | None = None, prefix: str = "time",
                  alpha: float = 0.05, quantiles=(0.5, 0.9)) -> pd.DataFrame:
    """Median, p90 and SLA breach share of durations in hours, handling censored values.

    Parameters
    ----------
    hours : array-like of float
        Durations (hours). NaN rows are dropped and counted in ``n_missing``.
    observed : array-like of bool, optional
        False where the duration is censored (the item is still open). Default: all observed.
    sla_hours : float, optional
        Target; adds a ``{prefix}_sla_breach`` row (share of items over it, Wilson interval).
    prefix : str
        KPI name prefix, e.g. ``"first_response"`` -> ``first_response_median_hours``.

    Examples
    --------
    >>> from cxlab.kpis import duration_kpis
    >>> duration_kpis([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sla_hours=8)[["kpi", "estimate"]]
                     kpi  estimate
    0  time_median_hours       5.5
    1     time_p90_hours       9.1
    2    time_sla_breach       0.2
    """
    return kpi_frame(duration_rows(hours, observed=observed, sla_hours=sla_hours, prefix=prefix, alpha=alpha,
                                   quantiles=quantiles))


def duration_rows(hours, *, observed=None, sla_hours=None, prefix="time", alpha=0.05,
                  quantiles=(0.5, 0.9)) -> list[dict]:
    alpha = check_alpha(alpha)
    h = pd.to_numeric(pd.Series(hours).reset_index(drop=True), errors="coerce").to_numpy(float)
    obs = (np.ones(len(h), bool) if observed is None
           else pd.Series(observed).reset_index(drop=True).fillna(False).astype(bool).to_numpy())
    if len(obs) != len(h):
        raise ParameterError(f"observed has {len(obs)} values but hours has {len(h)}; pass one flag per duration.")
    keep = np.isfinite(h)
    n_missing = int((~keep).sum())
    h, obs = h[keep], obs[keep]
    if (h < 0).any():
        raise SchemaError(f"{prefix} durations must be >= 0; {int((h < 0).sum())} are negative.")
    censored = bool((~obs).any())
    rows = []
    for q in quantiles:
        label = "median" if q == 0.5 else f"p{round(q * 100):d}"
        if censored:
            est, low, high = km_quantile_interval(h, obs, q, alpha=alpha)
            method = "kaplan_meier"
        else:
            est, low, high = quantile_interval(h, q, alpha=alpha)
            method = "order_statistic"
        rows.append(kpi_row(f"{prefix}_{label}_hours", est, low, high, n=len(h), n_missing=n_missing,
                            method=method, unit="hours"))
    if sla_hours is not None:
        breach = h > sla_hours
        known = obs | breach  # open tickets inside the SLA cannot be judged yet
        k, n = float(breach[known].sum()), int(known.sum())
        low, high = wilson_interval(k, n, alpha=alpha)
        est = k / n if n else float("nan")
        se = float(np.sqrt(est * (1 - est) / n)) if n else float("nan")
        rows.append(kpi_row(f"{prefix}_sla_breach", est, low, high, se=se, n=n,
                            n_missing=n_missing + int((~known).sum()),
                            method="wilson" + (" (open within SLA excluded)" if (~known).any() else ""),
                            unit="share"))
    return rows


def _ticket_kpis(tickets, kind, *, sla_hours, alpha, as_of, **cols):
    require_columns(tickets, [cols.get("opened_col", "opened_at")], arg="tickets")
    end_col = cols.get("first_response_col" if kind == "first_response" else "resolved_col", _KINDS[kind])
    require_columns(tickets, [end_col], arg="tickets")
    d = ticket_durations(tickets, as_of=as_of, **cols)
    return duration_kpis(d[f"{kind}_elapsed_hours"], observed=d[f"{kind}_observed"], sla_hours=sla_hours,
                         prefix=kind, alpha=alpha)


def first_response_time(tickets: pd.DataFrame, *, sla_hours: float | None = 24, alpha: float = 0.05,
                        as_of=None, **cols) -> pd.DataFrame:
    """Hours from ``opened_at`` to ``first_response_at``: median, p90 and SLA breach share.

    Unanswered tickets are censored at ``as_of`` (see the module notes). Extra keywords name the
    columns (``opened_col``, ``first_response_col``, ``resolved_col``).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import first_response_time
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01"] * 3),
    ...                   "first_response_at": pd.to_datetime(["2025-01-01 02:00", "2025-01-01 05:00",
    ...                                                        "2025-01-02 06:00"])})
    >>> first_response_time(t)[["kpi", "estimate"]].round(2)
                               kpi  estimate
    0  first_response_median_hours      5.00
    1     first_response_p90_hours     25.00
    2    first_response_sla_breach      0.33
    """
    return _ticket_kpis(tickets, "first_response", sla_hours=sla_hours, alpha=alpha, as_of=as_of, **cols)


def resolution_time(tickets: pd.DataFrame, *, sla_hours: float | None = 72, alpha: float = 0.05,
                    as_of=None, **cols) -> pd.DataFrame:
    """Hours from ``opened_at`` to ``resolved_at``: median, p90 and SLA breach share.

    Unresolved tickets are censored at ``as_of`` (see the module notes).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import resolution_time
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01"] * 2),
    ...                   "resolved_at": pd.to_datetime(["2025-01-02", "2025-01-05"])})
    >>> resolution_time(t)["kpi"].tolist()
    ['resolution_median_hours', 'resolution_p90_hours', 'resolution_sla_breach']
    """
    return _ticket_kpis(tickets, "resolution", sla_hours=sla_hours, alpha=alpha, as_of=as_of, **cols)
