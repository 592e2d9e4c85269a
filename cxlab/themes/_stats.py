"""Small statistics for pain points: OLS driver estimates, binomial trend test (overall or within
groups), BH correction."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ols_drivers", "binomial_trend", "trend_columns", "trend_groups", "check_trend_within", "bh_adjust"]


def ols_drivers(y: np.ndarray, X: np.ndarray, *, alpha: float = 0.05):
    """OLS of ``y`` on an intercept + ``X`` (0/1 theme indicators).

    Each coefficient is the change in ``y`` when a comment raises the theme, holding the other
    themes fixed. When the indicators are collinear with the intercept (every comment has
    exactly one theme), each theme is regressed on its own (theme vs the rest) instead.
    Returns coefficients, standard errors, lower and upper ``1 - alpha`` bounds (t
    distribution) for the columns of ``X``; NaN where a column has no variation.
    """
    n, k = X.shape
    nan = np.full(k, np.nan)
    ok = X.std(axis=0) > 0
    if n <= ok.sum() + 1 or not ok.any():
        return nan, nan.copy(), nan.copy(), nan.copy()
    A = np.column_stack([np.ones(n), X[:, ok]])
    if np.linalg.matrix_rank(A) < A.shape[1]:
        # themes that (almost) partition the comments are collinear with the intercept: fall
        # back to one regression per theme (theme vs all other comments)
        out = [np.full(k, np.nan) for _ in range(4)]
        for j in np.flatnonzero(ok):
            r = ols_drivers(y, X[:, [j]], alpha=alpha)
            for o, v in zip(out, r):
                o[j] = v[0]
        return tuple(out)
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ coef
    dof = n - A.shape[1]
    sigma2 = resid @ resid / dof
    cov = sigma2 * np.linalg.pinv(A.T @ A)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    t = stats.t.ppf(1 - alpha / 2, dof)
    b, s = nan.copy(), nan.copy()
    b[ok], s[ok] = coef[1:], se[1:]
    return b, s, b - t * s, b + t * s


def binomial_trend(successes: np.ndarray, totals: np.ndarray, t: np.ndarray,
                   *, strata: np.ndarray | None = None, max_iter: int = 50) -> tuple[float, float]:
    """Logistic regression of a share on time (counts per cell); returns (slope, p-value).

    A cell is a period, or a period within a group when ``strata`` gives each cell's group
    (e.g. channel). The slope is the change in log-odds per period; the p-value is the Wald
    test of slope = 0. With ``strata`` each group has its own intercept, so the slope is the
    change *within* groups and a shift in the mix of groups over time does not move it; groups
    where every comment, or none, raises the theme say nothing about the slope and are left out.
    Fitted by IRLS (Newton) on aggregated binomial counts.

    Examples
    --------
    >>> import numpy as np
    >>> # the theme is flat within each channel (10% on the web, 50% in tickets), but tickets
    >>> # grow from 10% to 90% of the comments: the crude share rises, the within-channel one does not
    >>> t = np.repeat(np.arange(5), 2); web = np.tile([True, False], 5)
    >>> m = np.where(web, [900, 900, 700, 700, 500, 500, 300, 300, 100, 100],
    ...              [100, 100, 300, 300, 500, 500, 700, 700, 900, 900])
    >>> s = np.where(web, m // 10, m // 2)
    >>> crude, within = binomial_trend(s, m, t)[0], binomial_trend(s, m, t, strata=web)[0]
    >>> round(crude, 2), abs(within) < 1e-9
    (0.4, True)
    """
    keep = totals > 0
    s, m, t = successes[keep].astype(float), totals[keep].astype(float), t[keep].astype(float)
    g = np.zeros(len(t), dtype=np.int64) if strata is None else np.unique(np.asarray(strata)[keep],
                                                                           return_inverse=True)[1]
    hits, size = np.bincount(g, weights=s), np.bincount(g, weights=m)
    informative = ((hits > 0) & (hits < size))[g]
    s, m, t, g = s[informative], m[informative], t[informative], g[informative]
    if len(np.unique(t)) < 3:
        return 0.0, 1.0
    g = np.unique(g, return_inverse=True)[1]
    n_groups = int(g.max()) + 1
    t = t - t.mean()
    A = np.column_stack([np.eye(n_groups)[g], t])
    p0 = np.clip(np.bincount(g, weights=s) / np.bincount(g, weights=m), 1e-6, 1 - 1e-6)
    beta = np.append(np.log(p0 / (1 - p0)), 0.0)
    for _ in range(max_iter):
        eta = A @ beta
        p = 1 / (1 + np.exp(-eta))
        w = m * p * (1 - p)
        grad = A.T @ (s - m * p)
        H = (A * w[:, None]).T @ A
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            return 0.0, 1.0
        beta = beta + step
        if np.abs(step).max() < 1e-8:
            break
    p = 1 / (1 + np.exp(-(A @ beta)))
    H = (A * (m * p * (1 - p))[:, None]).T @ A
    try:
        se = float(np.sqrt(np.linalg.inv(H)[-1, -1]))
    except np.linalg.LinAlgError:
        return float(beta[-1]), 1.0
    if not np.isfinite(se) or se == 0:
        return float(beta[-1]), 1.0
    z = beta[-1] / se
    return float(beta[-1]), float(2 * stats.norm.sf(abs(z)))


def check_trend_within(trend_within, time_col) -> None:
    """``trend_within`` only makes sense with a date column: say so, with the fix."""
    if trend_within is not None and time_col is None:
        from cxlab.exceptions import ParameterError

        raise ParameterError(f"trend_within={trend_within!r} holds groups apart in the trend test, which needs "
                             "time_col=; pass the date column too, or drop trend_within.")


def trend_groups(values: pd.Series) -> pd.Series:
    """The ``trend_within`` group of each row as text; a missing value is a group of its own."""
    return values.astype(object).where(values.notna(), "(missing)").astype(str)


def trend_columns(hits: np.ndarray, totals: np.ndarray, period: np.ndarray, *, strata: np.ndarray | None = None,
                  alpha: float = 0.05) -> pd.DataFrame:
    """The trend columns of the pain-point table from counts per cell, one row per theme.

    ``hits`` (cells x themes) counts the comments raising each theme in a cell, ``totals`` all
    comments in it; ``period`` numbers each cell's period from 0 and ``strata`` its group, if
    any (see :func:`binomial_trend`). Returns ``trend_slope``, ``trend_p``, ``trend_q``
    (Benjamini-Hochberg over themes), ``trend`` ("emerging" / "declining" when ``trend_q <
    alpha``, else "stable"), and the crude shares ``share_first`` / ``share_last`` of the first
    and last third of the periods.
    """
    hits = np.asarray(hits, float).reshape(len(totals), -1)
    n_per = int(period.max()) + 1 if len(period) else 0
    third = max(n_per // 3, 1)
    first, last = period < third, period >= n_per - third
    rows = []
    for j in range(hits.shape[1]):
        slope, p = binomial_trend(hits[:, j], totals, period, strata=strata)
        rows.append((slope, p, hits[first, j].sum() / max(totals[first].sum(), 1),
                     hits[last, j].sum() / max(totals[last].sum(), 1)))
    r = np.array(rows, dtype=float).reshape(-1, 4)
    q = bh_adjust(r[:, 1])
    trend = np.where(q < alpha, np.where(r[:, 0] > 0, "emerging", "declining"), "stable")
    return pd.DataFrame({"trend_slope": r[:, 0].round(4), "trend_p": r[:, 1].round(6),
                         "trend_q": q.round(6), "trend": trend,
                         "share_first": r[:, 2].round(4), "share_last": r[:, 3].round(4)})


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), same order as ``p``."""
    p = np.asarray(p, dtype=float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.clip(q, 0, 1)
    return out
