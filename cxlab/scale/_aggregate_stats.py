"""Running sums behind :mod:`cxlab.scale._aggregate`, and the statistics computed from them.

Each function here reproduces a step of :func:`cxlab.themes.pain_points` from sums that can be
accumulated batch by batch: the OLS driver estimate from ``A'A``, ``A'y`` and ``y'y``; the
logistic trend test from per-period counts; segment lifts from per-value counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import stats

from cxlab.exceptions import SchemaError
from cxlab.themes._assign import UNTHEMED
from cxlab.themes._stats import trend_columns, trend_groups
from cxlab.io._time import read_times

__all__ = ["Accumulator", "exact_rank", "ols_from_moments", "segment_tables", "trend_tables"]

_LABELS = ("negative", "neutral", "positive")
#: pending customer hashes kept before de-duplicating (bounds memory between compactions)
_COMPACT = 1 << 20
MISSING = "(missing)"


class _DistinctHashes:
    """A set of 64-bit hashes kept as a sorted unique array plus not-yet-merged batches."""

    def __init__(self):
        self.unique = np.empty(0, dtype=np.uint64)
        self.pending: list[np.ndarray] = []
        self.n_pending = 0

    def add(self, h: np.ndarray) -> None:
        if len(h):
            self.pending.append(h)
            self.n_pending += len(h)
            if self.n_pending > _COMPACT:
                self.compact()

    def compact(self) -> np.ndarray:
        if self.pending:
            self.unique = np.unique(np.concatenate([self.unique, *self.pending]))
            self.pending, self.n_pending = [], 0
        return self.unique


@dataclass
class _Outcome:
    k: int
    n: int = 0
    shift: float | None = None
    sum_y: float = 0.0
    yty: float = 0.0
    xsum: np.ndarray = None
    xtx: np.ndarray = None
    xty: np.ndarray = None

    def __post_init__(self):
        self.xsum = np.zeros(self.k)
        self.xtx = np.zeros((self.k, self.k))
        self.xty = np.zeros(self.k)

    def add(self, y: np.ndarray, M: np.ndarray) -> None:
        ok = np.isfinite(y)
        if not ok.any():
            return
        if self.shift is None:
            # centre on the first batch's mean: y'y - b'A'y then loses no precision to a big mean
            self.shift = float(y[ok].mean())
        yc, X = y[ok] - self.shift, M[ok].astype(np.float64)
        self.n += int(ok.sum())
        self.sum_y += float(yc.sum())
        self.yty += float(yc @ yc)
        self.xsum += X.sum(axis=0)
        self.xtx += X.T @ X
        self.xty += X.T @ yc


@dataclass
class Accumulator:
    """Per-theme running sums over comment batches (see :mod:`cxlab.scale._aggregate`)."""

    ids: list
    time_col: str | None = None
    outcome_col: str | None = None
    segment_cols: list = field(default_factory=list)
    customer_col: str | None = None
    freq: str = "M"
    #: column whose groups the trend test holds apart (e.g. channel); None = over all comments
    trend_within: str | None = None
    #: day or month first in dates such as 04/09/2012, decided once for all batches
    dayfirst: bool = False

    def __post_init__(self):
        k = len(self.ids)
        # position k = unthemed
        self._lookup = pd.Index([*self.ids, UNTHEMED], dtype=object)
        self.n = self.n_empty = self.n_non_english = 0
        self.member = np.zeros(k, dtype=np.int64)
        # index k = unthemed
        self.mentions = np.zeros(k + 1, dtype=np.int64)
        self.n_primary = np.zeros(k + 1, dtype=np.int64)
        self.sent_sum = np.zeros(k + 1)
        self.label_counts = np.zeros((k + 1, 3), dtype=np.int64)
        self.outcome = _Outcome(k) if self.outcome_col is not None else None
        self.periods: dict = {}  # (period start, trend_within group or "") -> [comments, hits per theme]
        self.n_undated = 0  # time values present but not dates (reported, left out of trends)
        self.undated_examples: list = []
        self.segments = {c: {} for c in self.segment_cols}
        self._cust_all = _DistinctHashes()
        self._cust = [_DistinctHashes() for _ in range(k)]

    def add(self, comments: pd.DataFrame, a: pd.DataFrame, pos: np.ndarray) -> None:
        """Add one batch of comments and its assignment rows (``pos`` = row within the batch)."""
        k, nb = len(self.ids), len(comments)
        tid = a["theme_id"].astype(object).to_numpy()
        j = self._lookup.get_indexer(tid).astype(np.int64)
        if (j < 0).any():
            bad = sorted({str(t) for t in tid[j < 0]})[:5]
            raise SchemaError(f"assignment parts name theme(s) {bad} the model does not have "
                              f"({list(self.ids)}); pass the miner that wrote the parts (theme_model.pkl).")
        self.mentions += np.bincount(j, minlength=k + 1)
        self.sent_sum += np.bincount(j, weights=a["sentiment"].to_numpy(float), minlength=k + 1)
        lab = a["sentiment_label"].astype(object).to_numpy()
        for i, name in enumerate(_LABELS):
            self.label_counts[:, i] += np.bincount(j[lab == name], minlength=k + 1)
        self.n_primary += np.bincount(j[a["is_primary"].to_numpy(bool)], minlength=k + 1)
        M = np.zeros((nb, k), dtype=bool)
        themed = j < k
        M[pos[themed], j[themed]] = True
        self.n += nb
        self.member += M.sum(axis=0)
        self.n_empty += int(comments["is_empty"].to_numpy(bool).sum())
        self.n_non_english += int(comments["is_non_english"].to_numpy(bool).sum())
        if self.customer_col is not None:
            self._add_customers(comments[self.customer_col], M)
        if self.outcome is not None:
            self.outcome.add(pd.to_numeric(comments[self.outcome_col], errors="coerce").to_numpy(float), M)
        if self.time_col is not None:
            self._add_periods(comments[self.time_col], M,
                              None if self.trend_within is None else comments[self.trend_within])
        for c in self.segment_cols:
            self._add_segments(self.segments[c], comments[c], M)

    def _add_customers(self, cust: pd.Series, M: np.ndarray) -> None:
        known = cust.notna().to_numpy()
        h = pd.util.hash_array(cust.astype(object).to_numpy()[known])
        self._cust_all.add(h)
        Mk = M[known]
        for j, acc in enumerate(self._cust):
            acc.add(h[Mk[:, j]])

    def customers_all(self) -> np.ndarray:
        return self._cust_all.compact()

    def customers_of(self, j: int) -> np.ndarray:
        return self._cust[j].compact()

    def _add_periods(self, col: pd.Series, M: np.ndarray, within: pd.Series | None = None) -> None:
        when, bad = read_times(col, dayfirst=self.dayfirst)
        if bad.any():
            self.n_undated += int(bad.sum())
            self.undated_examples += col[bad].head(3 - len(self.undated_examples)).tolist()
        per = when.dt.to_period(self.freq)
        ok = per.notna().to_numpy()
        if not ok.any():
            return
        group = pd.Series("", index=col.index) if within is None else trend_groups(within)
        keys = pd.MultiIndex.from_arrays([per[ok].dt.start_time, group[ok]])
        codes, uniq = pd.factorize(keys, sort=True)
        totals = np.bincount(codes, minlength=len(uniq))
        Mo = M[ok]
        hits = np.column_stack([np.bincount(codes, weights=Mo[:, j], minlength=len(uniq))
                                for j in range(M.shape[1])]) if M.shape[1] else np.zeros((len(uniq), 0))
        for i, (p, g) in enumerate(uniq):
            entry = self.periods.setdefault((pd.Timestamp(p), g), [0, np.zeros(M.shape[1])])
            entry[0] += int(totals[i])
            entry[1] += hits[i]

    @staticmethod
    def _add_segments(store: dict, col: pd.Series, M: np.ndarray) -> None:
        vals = col.astype(object).where(col.notna(), None).to_numpy()
        known = pd.notna(vals)
        if not known.all():
            entry = store.setdefault((False, MISSING), [0, np.zeros(M.shape[1], dtype=np.int64)])
            entry[0] += int((~known).sum())
            entry[1] += M[~known].sum(axis=0)
        if known.any():
            codes, uniq = pd.factorize(vals[known], sort=False)
            Mk = M[known]
            counts = np.bincount(codes, minlength=len(uniq))
            hits = np.zeros((len(uniq), M.shape[1]), dtype=np.int64)
            for j in range(M.shape[1]):
                hits[:, j] = np.bincount(codes, weights=Mk[:, j], minlength=len(uniq))
            for i, v in enumerate(uniq):
                entry = store.setdefault((True, v), [0, np.zeros(M.shape[1], dtype=np.int64)])
                entry[0] += int(counts[i])
                entry[1] += hits[i]


def exact_rank(G: np.ndarray) -> int:
    """Rank of an integer-valued matrix by exact (fraction) elimination.

    ``A'A`` of an intercept and 0/1 indicators holds integers; deciding collinearity exactly
    avoids a float tolerance (the singular values of ``A'A`` are those of ``A`` squared, so a
    tolerance fitted to ``A`` does not carry over).
    """
    rows = [[Fraction(int(round(v))) for v in r] for r in np.asarray(G)]
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    rank = 0
    for c in range(n_cols):
        piv = next((r for r in range(rank, n_rows) if rows[r][c] != 0), None)
        if piv is None:
            continue
        rows[rank], rows[piv] = rows[piv], rows[rank]
        for r in range(n_rows):
            if r != rank and rows[r][c] != 0:
                f = rows[r][c] / rows[rank][c]
                rows[r] = [x - f * y for x, y in zip(rows[r], rows[rank])]
        rank += 1
    return rank


def ols_from_moments(n, xsum, xtx, sum_y, xty, yty, *, alpha: float = 0.05):
    """``cxlab.themes._stats.ols_drivers`` from sufficient statistics of 0/1 indicators.

    ``n`` rows, ``xsum = 1'X``, ``xtx = X'X``, ``sum_y = 1'y``, ``xty = X'y``, ``yty = y'y``
    (``y`` may be shifted by a constant: only the intercept moves). Same rules: columns without
    variation get NaN; when the indicators are collinear with the intercept each theme is
    regressed on its own.
    """
    xsum, xtx, xty = np.asarray(xsum, float), np.asarray(xtx, float), np.asarray(xty, float)
    k = len(xsum)
    nan = np.full(k, np.nan)
    ok = (xsum > 0) & (xsum < n)  # a 0/1 column varies unless it is all 0 or all 1
    if n <= ok.sum() + 1 or not ok.any():
        return nan, nan.copy(), nan.copy(), nan.copy()
    idx = np.flatnonzero(ok)
    G = np.empty((len(idx) + 1, len(idx) + 1))
    G[0, 0], G[0, 1:], G[1:, 0], G[1:, 1:] = n, xsum[idx], xsum[idx], xtx[np.ix_(idx, idx)]
    g = np.concatenate([[sum_y], xty[idx]])
    if exact_rank(G) < G.shape[0]:
        out = [np.full(k, np.nan) for _ in range(4)]
        for j in idx:
            r = ols_from_moments(n, xsum[[j]], xtx[np.ix_([j], [j])], sum_y, xty[[j]], yty, alpha=alpha)
            for o, v in zip(out, r):
                o[j] = v[0]
        return tuple(out)
    coef = np.linalg.solve(G, g)
    rss = max(yty - 2 * coef @ g + coef @ G @ coef, 0.0)
    dof = n - G.shape[0]
    cov = rss / dof * np.linalg.pinv(G)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    t = stats.t.ppf(1 - alpha / 2, dof)
    b, s = nan.copy(), nan.copy()
    b[ok], s[ok] = coef[1:], se[1:]
    return b, s, b - t * s, b + t * s


def trend_tables(periods: dict, ids: list, labels: dict, *, alpha: float, within: bool = False):
    """``(trend columns of pain_points, theme_trends long table)`` from counts per (period, group).

    With ``within`` the trend test holds the groups apart (:func:`cxlab.themes._stats.trend_columns`);
    the long table always sums the groups of a period.
    """
    cells = sorted(periods)
    k = len(ids)
    cell_totals = np.array([periods[c][0] for c in cells], dtype=np.int64)
    cell_hits = np.vstack([periods[c][1] for c in cells]) if cells else np.zeros((0, k))
    keys = sorted({p for p, _ in cells})
    period = np.searchsorted(np.asarray(keys, dtype="datetime64[ns]"),
                             np.asarray([p for p, _ in cells], dtype="datetime64[ns]")) if cells else np.zeros(0, int)
    strata = pd.factorize(pd.Index([g for _, g in cells], dtype=object), sort=True)[0] if within else None
    cols = trend_columns(cell_hits, cell_totals, period, strata=strata, alpha=alpha)
    n_per = len(keys)
    totals = np.bincount(period, weights=cell_totals, minlength=n_per).astype(np.int64)
    hits = np.zeros((n_per, k))
    for j in range(k):
        hits[:, j] = np.bincount(period, weights=cell_hits[:, j], minlength=n_per)
    long = pd.DataFrame({
        "period": np.tile(np.asarray(keys, dtype="datetime64[ns]") if keys else
                          np.empty(0, dtype="datetime64[ns]"), k),
        "theme_id": np.repeat(np.asarray(ids, dtype=object), n_per),
        "n": hits.T.reshape(-1).astype(np.int64),
        "n_total": np.tile(totals, k),
    })
    long["share"] = (long["n"] / long["n_total"]).round(4)
    long["label"] = long["theme_id"].map(labels)
    long = long[["period", "theme_id", "label", "n", "n_total", "share"]].sort_values(
        ["theme_id", "period"], kind="stable").reset_index(drop=True)
    return cols, long


def segment_tables(store: dict, member: np.ndarray, n: int, ids: list, labels: dict):
    """``(top_<col> strings of pain_points, theme_segments long table)`` from per-value counts."""
    known = sorted(((v, c, h) for (is_known, v), (c, h) in store.items() if is_known),
                   key=lambda e: str(e[0]))
    n_known = sum(c for _, c, _ in known)
    hits_known = sum((h for _, _, h in known), np.zeros(len(ids), dtype=np.int64))
    top = []
    for j in range(len(ids)):
        base = hits_known[j] / n_known if n_known else 0
        best, best_lift = "", 0.0
        for v, c, h in known:
            if c < 5 or base == 0:
                continue
            lift = (h[j] / c) / base
            if lift > best_lift + 1e-12:
                best, best_lift = str(v), lift
        top.append(f"{best} ({best_lift:.1f}x)" if best else "")
    # the plotting table groups values by their text, missing ones as "(missing)"
    by_text: dict[str, list] = {}
    for (is_known, v), (c, h) in store.items():
        e = by_text.setdefault(str(v) if is_known else MISSING, [0, np.zeros(len(ids), dtype=np.int64)])
        e[0] += c
        e[1] = e[1] + h
    segs = sorted(by_text)
    overall = member / n if n else np.zeros(len(ids))
    recs = []
    for j, t in enumerate(ids):
        for s in segs:
            c, h = by_text[s]
            recs.append((s, t, int(h[j]), int(c)))
    long = pd.DataFrame(recs, columns=["segment", "theme_id", "n", "n_segment"])
    long["n"] = long["n"].astype(np.int64)
    long["share"] = (long["n"] / long["n_segment"]).round(4)
    base = long["theme_id"].map(dict(zip(ids, overall)))
    long["lift"] = np.where(base > 0, long["n"] / long["n_segment"] / base, np.nan).round(3)
    long["label"] = long["theme_id"].map(labels)
    return top, long[["segment", "theme_id", "label", "n", "n_segment", "share", "lift"]]
