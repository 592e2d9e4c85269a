"""Theme membership of a feedback table, and its breakdowns over time and segments."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import SchemaError
from cxlab.themes._assign import UNTHEMED
from cxlab.io._time import read_times, warn_undated

__all__ = ["theme_membership", "theme_trends", "theme_segments"]


def _check_cols(feedback: pd.DataFrame, cols: dict[str, str | None]) -> None:
    for arg, col in cols.items():
        if col is not None and col not in feedback.columns:
            raise SchemaError(
                f"{arg}={col!r} is not a column of the feedback table; it has "
                f"{list(map(str, feedback.columns))}. Pass {arg}= with one of those (or None)."
            )


def theme_membership(feedback: pd.DataFrame, miner) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(comments, assignments, member)`` for ``feedback``, all by row position.

    Reuses the miner's training tables when ``feedback`` holds the comments it was fitted on;
    otherwise assigns the comments. ``member`` is a boolean DataFrame (rows = positions,
    columns = theme ids): True when the comment raises the theme (primary or not).
    """
    miner._check_fitted()
    _check_cols(feedback, {"text_col": miner.text_col})
    texts = feedback[miner.text_col]
    if miner._is_training(texts):
        comments, assignments = miner.comments_, miner.assignments_
    else:
        comments, assignments = miner.assign(feedback)
    # assignments come in input order, one row per comment and theme (at least one per comment)
    pos = np.repeat(np.arange(len(comments)), comments["n_themes"].clip(lower=1).to_numpy())
    comments = comments.reset_index(drop=True)
    assignments = assignments.reset_index(drop=True).assign(row=pos)
    ids = list(miner.theme_ids_)
    member = np.zeros((len(comments), len(ids)), dtype=bool)
    col = {t: j for j, t in enumerate(ids)}
    themed = assignments["theme_id"].to_numpy() != UNTHEMED
    rows = assignments["row"].to_numpy()[themed]
    cols = assignments["theme_id"].map(col).to_numpy()[themed].astype(int)
    member[rows, cols] = True
    return comments, assignments, pd.DataFrame(member, columns=ids)


def theme_trends(feedback: pd.DataFrame, miner, *, time_col: str = "created_at",
                 freq: str = "M") -> pd.DataFrame:
    """Share of comments raising each theme per period (long table for plotting).

    Returns columns ``period`` (Timestamp, period start), ``theme_id``, ``label``, ``n``
    (comments raising the theme), ``n_total`` (comments in the period), ``share``.

    Examples
    --------
    >>> # trends = theme_trends(feedback, miner, time_col="created_at")
    """
    _check_cols(feedback, {"time_col": time_col})
    _, _, member = theme_membership(feedback, miner)
    when, bad = read_times(feedback[time_col])
    warn_undated(int(bad.sum()), len(bad), time_col, feedback[time_col][bad].head(3))
    period = when.dt.to_period(freq).dt.start_time.to_numpy()
    ok = ~pd.isna(period)
    m = member[ok].assign(period=period[ok])
    n = m.groupby("period", sort=True).sum()
    total = m.groupby("period", sort=True).size()
    long = n.reset_index().melt(id_vars="period", var_name="theme_id", value_name="n")
    long["n_total"] = long["period"].map(total).astype(int)
    long["share"] = (long["n"] / long["n_total"]).round(4)
    long["label"] = long["theme_id"].map(miner.labels_)
    return long[["period", "theme_id", "label", "n", "n_total", "share"]].sort_values(
        ["theme_id", "period"], kind="stable").reset_index(drop=True)


def theme_segments(feedback: pd.DataFrame, miner, *, segment_col: str) -> pd.DataFrame:
    """Share of each segment's comments raising each theme, and its lift over all comments.

    Returns a long table: ``segment``, ``theme_id``, ``label``, ``n``, ``n_segment``,
    ``share`` and ``lift`` (share in the segment / share overall; 2.0 = twice as common).
    Missing segment values are grouped as ``"(missing)"``.
    """
    _check_cols(feedback, {"segment_col": segment_col})
    _, _, member = theme_membership(feedback, miner)
    seg = feedback[segment_col].astype(object).where(feedback[segment_col].notna(), "(missing)")
    m = member.assign(segment=seg.astype(str).to_numpy())
    n = m.groupby("segment", sort=True).sum()
    size = m.groupby("segment", sort=True).size()
    overall = member.mean()
    long = n.reset_index().melt(id_vars="segment", var_name="theme_id", value_name="n")
    long["n_segment"] = long["segment"].map(size).astype(int)
    long["share"] = (long["n"] / long["n_segment"]).round(4)
    base = long["theme_id"].map(overall)
    long["lift"] = np.where(base > 0, long["n"] / long["n_segment"] / base, np.nan).round(3)
    long["label"] = long["theme_id"].map(miner.labels_)
    return long[["segment", "theme_id", "label", "n", "n_segment", "share", "lift"]]
