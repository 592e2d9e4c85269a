"""Pain points from partitioned theme outputs, streamed: the same table without the whole data.

:func:`cxlab.scale.mine_themes_at_scale` writes ``comments/part-*.parquet`` (one row per input
comment) and ``assignments/part-*.parquet`` (one row per comment x theme). The pain-point table
(:func:`cxlab.themes.pain_points`) needs, per theme, only sums over comments, so it is rebuilt
here from record batches read with column projection, never holding more than one batch of
comments and its assignments:

* counts, sentiment sums and label counts per theme;
* distinct customers per theme: 64-bit hashes of the customer ids, de-duplicated as they come
  (memory grows with distinct customer x theme pairs, not with comments);
* the outcome: sums, sums within each theme (``outcome_mean``, ``score_change_if_removed``)
  and the sufficient statistics ``A'A``, ``A'y``, ``y'y`` of the driver regression
  (:func:`ols_from_moments` gives the same estimate and interval as ``ols_drivers`` on rows);
* trends: comments and theme hits per period (the logistic trend test already works on grouped
  counts, so it gives the same estimate);
* segments: comments and theme hits per segment value (lifts).

The two streams are merged on ``row`` (input position), so parts need not pair up one to one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import SchemaError
from cxlab.scale._aggregate_stats import (
    Accumulator,
    ols_from_moments,
    segment_tables,
    trend_tables,
)
from cxlab.themes._assign import UNTHEMED
from cxlab.themes._stats import check_trend_within
from cxlab.io._time import SNIFF_VALUES, present_text, sniff_dayfirst, warn_undated

__all__ = ["ThemeAggregates", "aggregate_parts", "summarise_parts"]

#: comments per record batch; assignments are read in batches of the same size
BATCH_ROWS = 65_536
_ASSIGN_COLS = ["row", "theme_id", "sentiment", "sentiment_label", "is_primary"]


@dataclass
class ThemeAggregates:
    """Everything the themes report shows, aggregated over partitioned outputs.

    Attributes
    ----------
    pain_points : DataFrame
        As :func:`cxlab.themes.pain_points` (same columns, meaning and ranking).
    theme_info : DataFrame
        As ``ThemeMiner.get_theme_info()`` but over all comments (``unthemed`` row included).
    trends : DataFrame or None
        As :func:`cxlab.themes.theme_trends` (with ``time_col``).
    segments : dict of str -> DataFrame
        As :func:`cxlab.themes.theme_segments`, one table per segment column.
    n_comments, n_empty, n_non_english : int
    n_undated : int
        Comments whose time value is present but not a date (left out of the trends only).
    unthemed_share : float
        Share of all comments whose primary theme is ``unthemed``.
    n_themes_ : int
        Number of themes (so :func:`cxlab.themes.describe_pain_points` can take this object).
    """

    pain_points: pd.DataFrame
    theme_info: pd.DataFrame
    trends: pd.DataFrame | None = None
    segments: dict = field(default_factory=dict)
    n_comments: int = 0
    n_empty: int = 0
    n_non_english: int = 0
    unthemed_share: float = float("nan")
    n_themes_: int = 0
    n_undated: int = 0

    @property
    def unthemed_share_(self) -> float:
        return self.unthemed_share

    def describe(self, *, top: int = 3) -> str:
        """Plain-English sentences about the top pain points (``describe_pain_points``)."""
        from cxlab.themes import describe_pain_points

        return describe_pain_points(self.pain_points, self, top=top)


def _part_files(out_dir: Path, kind: str) -> list[Path]:
    folder = out_dir / kind
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise SchemaError(
            f"out_dir={str(out_dir)!r} has no {kind}/*.parquet parts; pass the folder "
            "cxlab.scale.mine_themes_at_scale wrote (it holds comments/ and assignments/).")
    return files


def _schema_names(files: list[Path]) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.read_schema(files[0]).names)


def _batches(files: list[Path], columns: list[str]):
    """Record batches of ``files`` in file order, projected on ``columns``, as DataFrames."""
    import pyarrow.parquet as pq

    for path in files:
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            yield batch.to_pandas()


def _sniff_parts(files: list[Path], time_col: str) -> bool:
    """Day-first or not, from the first present time values of the parts (as on a whole table)."""
    seen, n = [], 0
    for batch in _batches(files, [time_col]):
        present = present_text(batch[time_col])
        seen.append(present)
        n += len(present)
        if n >= SNIFF_VALUES:
            break
    return sniff_dayfirst(pd.concat(seen)) if seen else False


class _AssignmentStream:
    """Assignment rows handed out by comment batch: all rows with ``row <= hi``, in order."""

    def __init__(self, files):
        self._it = _batches(files, _ASSIGN_COLS)
        self._buf = pd.DataFrame(columns=_ASSIGN_COLS)
        self._done = False

    def upto(self, hi: int) -> pd.DataFrame:
        while not self._done and (self._buf.empty or self._buf["row"].iat[-1] <= hi):
            nxt = next(self._it, None)
            if nxt is None:
                self._done = True
            else:
                self._buf = nxt if self._buf.empty else pd.concat([self._buf, nxt], ignore_index=True)
        rows = self._buf["row"].to_numpy()
        cut = int(np.searchsorted(rows, hi, side="right"))
        out, self._buf = self._buf.iloc[:cut], self._buf.iloc[cut:].reset_index(drop=True)
        return out

    def leftover(self) -> int:
        return len(self.upto(np.iinfo(np.int64).max))


def aggregate_parts(out_dir, miner, *, time_col: str | None = None, outcome_col: str | None = None,
                    segment_cols=(), customer_col: str | None = None, freq: str = "M",
                    alpha: float = 0.05, trend_within: str | None = None) -> ThemeAggregates:
    """Stream the parts once and return every aggregate the themes report shows.

    Parameters are those of :func:`summarise_parts`.

    Returns
    -------
    ThemeAggregates
        ``pain_points``, ``theme_info``, ``trends``, ``segments`` and counts.

    Examples
    --------
    >>> # agg = aggregate_parts("out/themes", result.miner, time_col="created_at")
    >>> # plot_theme_volume(agg.pain_points); plot_theme_trends(agg.trends)
    """
    out_dir = Path(out_dir)
    miner._check_fitted()
    segment_cols = [segment_cols] if isinstance(segment_cols, str) else list(segment_cols)
    comment_files, assign_files = _part_files(out_dir, "comments"), _part_files(out_dir, "assignments")
    have = _schema_names(comment_files)
    check_trend_within(trend_within, time_col)
    wanted = {"time_col": time_col, "outcome_col": outcome_col, "customer_col": customer_col,
              "trend_within": trend_within, **{f"segment_cols[{i}]": c for i, c in enumerate(segment_cols)}}
    for arg, col in wanted.items():
        if col is not None and col not in have:
            raise SchemaError(
                f"{arg}={col!r} is not a column of the comment parts in {out_dir / 'comments'}; they "
                f"have {have}. Pass it to mine_themes_at_scale (so it is carried into the parts) or "
                f"set {arg.split('[')[0]}=None.")
    cols = ["row", "is_empty", "is_non_english", "primary_theme"]
    cols += [c for c in dict.fromkeys([time_col, outcome_col, customer_col, trend_within, *segment_cols]) if c]
    ids = list(miner.theme_ids_)
    acc = Accumulator(ids, time_col=time_col, outcome_col=outcome_col, segment_cols=segment_cols,
                      customer_col=customer_col, freq=freq, trend_within=trend_within,
                      dayfirst=_sniff_parts(comment_files, time_col) if time_col else False)
    assignments = _AssignmentStream(assign_files)
    last = -1
    for comments in _batches(comment_files, cols):
        rows = comments["row"].to_numpy(np.int64)
        if len(rows) == 0:
            continue
        if rows[0] <= last or (np.diff(rows) <= 0).any():
            raise SchemaError(f"comment parts in {out_dir / 'comments'} are not in input order (column "
                              "'row' must increase across parts); rewrite them with mine_themes_at_scale.")
        last = int(rows[-1])
        a = assignments.upto(last)
        pos = np.searchsorted(rows, a["row"].to_numpy(np.int64))
        pos = np.minimum(pos, len(rows) - 1)
        if len(a) and (rows[pos] != a["row"].to_numpy()).any():
            raise SchemaError(f"assignment parts in {out_dir / 'assignments'} name rows missing from the "
                              "comment parts; the run is incomplete: rerun mine_themes_at_scale.")
        acc.add(comments, a, pos)
    extra = assignments.leftover()
    if extra:
        raise SchemaError(f"{extra} assignment row(s) in {out_dir / 'assignments'} come after the last "
                          "comment; the run is incomplete: rerun mine_themes_at_scale.")
    return _finish(acc, miner, alpha=alpha, time_col=time_col, freq=freq)


def summarise_parts(out_dir, miner, *, time_col: str | None = None, outcome_col: str | None = None,
                    segment_cols=(), customer_col: str | None = None, freq: str = "M",
                    alpha: float = 0.05, trend_within: str | None = None) -> pd.DataFrame:
    """The pain-point table of partitioned theme outputs, computed by streaming them.

    Same columns, meaning and ranking as :func:`cxlab.themes.pain_points` on the whole table
    (see it for the severity formula), with memory bounded by one record batch plus one entry
    per theme x (period, segment value, distinct customer).

    Parameters
    ----------
    out_dir : path
        Folder written by :func:`cxlab.scale.mine_themes_at_scale` (``comments/`` and
        ``assignments/`` parts; the optional columns below are carried in the comment parts).
    miner : ThemeMiner
        The fitted model that made the parts (``ScaleResult.miner``): theme ids, labels, quotes.
    time_col, outcome_col, customer_col : str, optional
    segment_cols : sequence of str, default=()
    freq : str, default="M"
        Period for trends (pandas period alias).
    alpha : float, default=0.05
    trend_within : str, optional
        Column whose groups (e.g. channel) the trend test holds apart, as in ``pain_points``.

    Returns
    -------
    DataFrame
        One row per theme, sorted by ``severity``; ``rank`` from 1.

    Examples
    --------
    >>> # table = summarise_parts("out/themes", result.miner, outcome_col="rating",
    >>> #                         time_col="created_at", segment_cols=["channel"])
    """
    return aggregate_parts(out_dir, miner, time_col=time_col, outcome_col=outcome_col,
                           segment_cols=segment_cols, customer_col=customer_col, freq=freq,
                           alpha=alpha, trend_within=trend_within).pain_points


def _finish(acc: Accumulator, miner, *, alpha, time_col, freq) -> ThemeAggregates:
    ids = list(miner.theme_ids_)
    n = acc.n
    out = pd.DataFrame({"theme_id": ids, "label": [miner.labels_[t] for t in ids]})
    out["n_comments"] = acc.member.astype(int)
    out["share_comments"] = (out["n_comments"] / max(n, 1)).round(4)
    if acc.customer_col is not None:
        n_cust = len(acc.customers_all())
        out["share_customers"] = [round(len(acc.customers_of(j)) / max(n_cust, 1), 4)
                                  for j in range(len(ids))]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_sent = np.where(acc.member > 0, acc.sent_sum[:len(ids)] / acc.mentions[:len(ids)], np.nan)
    out["mean_sentiment"] = np.round(mean_sent, 4)
    for i, lab in enumerate(("negative", "neutral", "positive")):
        out[f"n_{lab}"] = acc.label_counts[:len(ids), i].astype(int)
    out["pct_negative"] = (100 * out["n_negative"] / out["n_comments"].clip(lower=1)).round(2)

    impact_weight = np.ones(len(ids))
    if acc.outcome_col is not None:
        o = acc.outcome
        if o.n < 10:
            raise SchemaError(
                f"outcome_col={acc.outcome_col!r} has {o.n} numeric values; impact needs at least 10. "
                "Pass a rating/NPS/CSAT column with numbers, or outcome_col=None.")
        ybar = o.sum_y / o.n
        cnt_in, sum_in = o.xtx.diagonal(), o.xty
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_in = np.where(cnt_in > 0, sum_in / np.maximum(cnt_in, 1), np.nan)
            mean_out = np.where(o.n - cnt_in > 0, (o.sum_y - sum_in) / np.maximum(o.n - cnt_in, 1), np.nan)
        out["outcome_mean"] = np.round(mean_in + o.shift, 4)
        out["score_change_if_removed"] = np.round(mean_out - ybar, 4)
        b, _se, lo, hi = ols_from_moments(o.n, o.xsum, o.xtx, o.sum_y, o.xty, o.yty, alpha=alpha)
        out["impact"], out["impact_low"], out["impact_high"] = b.round(4), lo.round(4), hi.round(4)
        sd = float(np.sqrt(max(o.yty / o.n - ybar ** 2, 0.0))) or 1.0
        impact_weight = 1 + np.clip(-np.nan_to_num(b), 0, None) / sd
    trends = None
    if time_col is not None:
        warn_undated(acc.n_undated, n, time_col, acc.undated_examples, stacklevel=2)
        trend_cols, trends = trend_tables(acc.periods, ids, miner.labels_, alpha=alpha,
                                          within=acc.trend_within is not None)
        out = out.join(trend_cols)
    segments = {}
    for c in acc.segment_cols:
        out[f"top_{c}"], segments[c] = segment_tables(acc.segments[c], acc.member, n, ids, miner.labels_)
    out["quotes"] = [" | ".join(miner.quotes_.get(t, [])) for t in ids]
    reach = out["share_customers"] if "share_customers" in out else out["share_comments"]
    out["severity"] = (reach * out["pct_negative"] / 100 * impact_weight).round(5)
    out = out.sort_values(["severity", "n_comments", "theme_id"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    unthemed = acc.n_primary[len(ids)] / n if n else float("nan")
    return ThemeAggregates(
        pain_points=out, theme_info=_theme_info(acc, miner, n), trends=trends, segments=segments,
        n_comments=n, n_empty=acc.n_empty, n_non_english=acc.n_non_english,
        unthemed_share=float(unthemed), n_themes_=len(ids), n_undated=acc.n_undated)


def _theme_info(acc: Accumulator, miner, n: int) -> pd.DataFrame:
    """``ThemeMiner.get_theme_info()`` columns over all comments of the parts."""
    from cxlab.themes._info import theme_info_row

    rows = [theme_info_row(miner, t, n_primary=int(acc.n_primary[j]), n_total=n, n_comments=int(acc.mentions[j]),
                           sentiment_sum=float(acc.sent_sum[j]), n_negative=int(acc.label_counts[j, 0]))
            for j, t in enumerate([*miner.theme_ids_, UNTHEMED])]
    return pd.DataFrame(rows)
