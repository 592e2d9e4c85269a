"""Small statistics for pain points: OLS driver estimates, binomial trend test, BH correction."""
from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["ols_drivers", "binomial_trend", "bh_adjust"]


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
                   *, max_iter: int = 50) -> tuple[float, float]:
    """Logistic regression of a share on time (per-period counts); returns (slope, p-value).

    The slope is the change in log-odds per period; the p-value is the Wald test of slope = 0.
    Fitted by IRLS (Newton) on aggregated binomial counts.
    """
    keep = totals > 0
    s, m, t = successes[keep].astype(float), totals[keep].astype(float), t[keep].astype(float)
    if len(t) < 3 or s.sum() == 0 or s.sum() == m.sum():
        return 0.0, 1.0
    t = t - t.mean()
    A = np.column_stack([np.ones_like(t), t])
    p0 = np.clip(s.sum() / m.sum(), 1e-6, 1 - 1e-6)
    beta = np.array([np.log(p0 / (1 - p0)), 0.0])
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
        se = float(np.sqrt(np.linalg.inv(H)[1, 1]))
    except np.linalg.LinAlgError:
        return float(beta[1]), 1.0
    if not np.isfinite(se) or se == 0:
        return float(beta[1]), 1.0
    z = beta[1] / se
    return float(beta[1]), float(2 * stats.norm.sf(abs(z)))


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
