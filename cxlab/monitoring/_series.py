"""Turn row-level data (comments, tickets, survey answers) into per-period metric series.

Two kinds of metric:

* ``"theme_share"``: the share of comments in each period that mention a theme. ``df`` holds one
  row per comment with a ``theme`` column, or several rows per comment (long format, one per
  theme; comments are counted once via ``id_col``). Comments without a theme must stay in
  ``df`` (theme missing) because they belong in the denominator.
* any numeric column (``csat``, ``nps``, ``first_response_hours``...): its per-period
  ``statistic`` (mean, median or NPS) over the rows of the treated / control groups given by
  ``group_col``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.io._time import read_times
from cxlab.kpis._validate import as_list, read_numbers, require_columns

__all__ = ["metric_series", "STATISTICS", "FREQUENCIES"]

STATISTICS = ("mean", "median", "nps", "sum", "count")
FREQUENCIES = ("D", "W", "M", "Q")


def _times(df: pd.DataFrame, time_col: str) -> pd.Series:
    t, _ = read_times(df[time_col])  # as the loaders read dates (day-first decided once, UTC)
    bad = t.isna()
    if bad.any():
        raise SchemaError(f"column {time_col!r} has {int(bad.sum())} missing or unreadable date(s) "
                          f"(rows {list(df.index[bad][:5])}); fix or drop them before monitoring.")
    return t


def _period_start(t: pd.Series, freq: str) -> pd.Series:
    return t.dt.to_period(freq).dt.start_time


def _aggregate(values: pd.Series, periods: pd.Series, statistic: str) -> tuple[pd.Series, pd.Series]:
    # text that is not a number is an error naming it; blanks and "n/a" are missing (not counted)
    v = read_numbers(values, name=f"column {values.name!r}")
    ok = v.notna()
    grouped = v[ok].groupby(periods[ok], sort=True)
    if statistic == "nps":
        est = grouped.agg(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean()))
    elif statistic == "count":
        est = grouped.size().astype(float)
    else:
        est = getattr(grouped, statistic)().astype(float)
    return est, grouped.size()


def _theme_share(df, periods, themes, *, theme_col, id_col):
    ids = df[id_col].astype(str) if id_col in df.columns else pd.Series(df.index.astype(str), index=df.index)
    hit = df[theme_col].astype("string").isin([str(t) for t in themes]).fillna(False)
    per_comment = pd.DataFrame({"id": ids, "period": periods, "hit": hit.astype(bool)})
    per_comment = per_comment.groupby(["period", "id"], sort=True)["hit"].any().reset_index()
    grouped = per_comment.groupby("period", sort=True)["hit"]
    return grouped.mean().astype(float), grouped.size()


def metric_series(df: pd.DataFrame, *, metric: str, treated, control=None, time_col: str = "created_at",
                  freq: str = "W", group_col: str | None = None, theme_col: str = "theme",
                  id_col: str = "feedback_id", statistic: str = "mean", min_count: int = 5) -> pd.DataFrame:
    """Per-period values of the treated (and control) series.

    Parameters
    ----------
    metric : str
        ``"theme_share"`` or the name of a numeric column.
    treated, control : str or list
        Themes (``theme_share``) or values of ``group_col``; ``control`` is optional. Several
        control themes give the mean of their shares, so each counts equally. With a numeric
        metric and no ``group_col``, every row is treated.
    min_count : int, default=5
        Periods where the treated or control series rests on fewer rows are dropped (too noisy);
        they are listed in ``attrs["dropped_periods"]``.

    Returns
    -------
    DataFrame
        ``period`` (start timestamp), ``treated``, ``n_treated`` and, with a control,
        ``control``, ``n_control``; sorted by period.
    """
    if freq not in FREQUENCIES:
        raise ParameterError(f"freq must be one of {FREQUENCIES}; got {freq!r}.")
    if statistic not in STATISTICS:
        raise ParameterError(f"statistic must be one of {STATISTICS}; got {statistic!r}.")
    treated, control = as_list(treated), as_list(control)
    require_columns(df, [time_col], arg="df", hint="pass time_col= the date column.")
    if len(df) == 0:
        raise SchemaError("df is empty; monitoring needs rows before and after the live date.")
    periods = _period_start(_times(df, time_col), freq)
    if metric == "theme_share":
        require_columns(df, [theme_col], arg="df", hint=(
            "theme_share needs a theme column: one row per comment (or per comment x theme) with the "
            "theme id; pass theme_col= or merge themes into the feedback first."))
        if not treated:
            raise ParameterError("theme_share needs treated= the theme the action targets.")
        known = set(df[theme_col].dropna().astype(str))
        unknown = [t for t in treated + control if str(t) not in known]
        if unknown:
            raise ParameterError(f"theme(s) {unknown} never occur in column {theme_col!r}; known themes: "
                                 f"{sorted(known)[:12]}.")
        y, n_y = _theme_share(df, periods, treated, theme_col=theme_col, id_col=id_col)
        if control:
            shares = [_theme_share(df, periods, [c], theme_col=theme_col, id_col=id_col) for c in control]
            c = pd.concat([s for s, _ in shares], axis=1).mean(axis=1)
            n_c = shares[0][1]
    else:
        require_columns(df, [metric], arg="df", hint="metric is 'theme_share' or a numeric column of df.")
        if group_col is None:
            if control:
                raise ParameterError(f"control={control} needs group_col= the column whose values name the "
                                     "treated and control groups (e.g. 'touchpoint').")
            mask_t = pd.Series(True, index=df.index)
        else:
            require_columns(df, [group_col], arg="df")
            labels = df[group_col].astype("string")
            if not treated:
                raise ParameterError(f"treated= must name value(s) of {group_col!r}.")
            mask_t = labels.isin([str(t) for t in treated]).fillna(False).astype(bool)
            if not mask_t.any():
                raise ParameterError(f"treated {treated} never occurs in column {group_col!r}; values are "
                                     f"{sorted(labels.dropna().unique())[:12]}.")
        y, n_y = _aggregate(df.loc[mask_t, metric], periods[mask_t], statistic)
        if control:
            if control == ["rest"]:
                mask_c = ~mask_t
            else:
                mask_c = labels.isin([str(c) for c in control]).fillna(False).astype(bool)
            if not mask_c.any():
                raise ParameterError(f"control {control} never occurs in column {group_col!r}.")
            c, n_c = _aggregate(df.loc[mask_c, metric], periods[mask_c], statistic)
    out = pd.DataFrame({"treated": y, "n_treated": n_y})
    if control:
        out = out.join(pd.DataFrame({"control": c, "n_control": n_c}), how="inner")
    out.index.name = "period"
    out = out.reset_index().sort_values("period", kind="stable").reset_index(drop=True)
    small = out["n_treated"] < min_count
    if control:
        small |= out["n_control"] < min_count
    dropped = out.loc[small, "period"].tolist()
    out = out.loc[~small].reset_index(drop=True)
    for col in [c for c in out.columns if c.startswith("n_")]:
        out[col] = out[col].astype("int64")
    out.attrs["dropped_periods"] = dropped
    if np.isnan(out["treated"].to_numpy(float)).any():
        out = out.dropna(subset=["treated"]).reset_index(drop=True)
    return out
