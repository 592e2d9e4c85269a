"""Small statistical helpers shared by the gap analyses (intervals, tests, multiple testing).

Kept private: the public analyses return tidy tables; these helpers only fill their columns.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxlab.exceptions import ParameterError, SchemaError

#: multiple-testing corrections accepted by ``correction=``
CORRECTIONS = ("holm", "fdr_bh", "bonferroni", "none")


def check_columns(df: pd.DataFrame, required, *, arg: str, hint: str = "") -> None:
    """Raise :class:`SchemaError` naming the argument and the missing columns."""
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{arg} must be a pandas DataFrame; received {type(df).__name__}.")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{arg} lacks columns {missing} (it has {list(df.columns)}); rename them or load the "
            f"table with cxlab.io.load_table(..., column_map={{'your_name': '{missing[0]}'}}).{hint}"
        )


def check_unit_interval(value, *, name: str, low: float = 0.0, high: float = 1.0) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number in ({low}, {high}); received {value!r}.") from None
    if not low < value < high:
        raise ParameterError(f"{name} must be in ({low}, {high}); received {value!r}.")
    return value


def adjust_pvalues(p, *, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing; NaN p-values stay NaN and are not counted.

    ``holm`` controls the family-wise error rate (the chance of any false flag); ``fdr_bh``
    (Benjamini-Hochberg) controls the false-discovery rate; ``bonferroni``; ``none``.
    """
    if method not in CORRECTIONS:
        raise ParameterError(f"correction must be one of {list(CORRECTIONS)}; received {method!r}.")
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0 or method == "none":
        out[ok] = q
        return out
    if method == "bonferroni":
        out[ok] = np.minimum(q * m, 1.0)
    elif method == "fdr_bh":
        out[ok] = stats.false_discovery_control(q, method="bh")
    else:  # Holm step-down: multiply the k-th smallest by (m - k), keep monotone
        order = np.argsort(q, kind="stable")
        scaled = q[order] * (m - np.arange(m))
        adj = np.minimum(np.maximum.accumulate(scaled), 1.0)
        res = np.empty(m)
        res[order] = adj
        out[ok] = res
    return out


def mean_interval(values, *, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and Student-t interval of ``values`` (NaN dropped): ``(mean, low, high, n)``."""
    from cxlab.kpis._intervals import t_interval

    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan, 0)
    _, low, high = t_interval(x, alpha=1 - confidence)
    return (float(x.mean()), low, high, int(x.size))


def _signed_rank_p(d: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value (zeros dropped, as in the textbook test).

    Large samples use the normal approximation with the tie correction (what
    :func:`scipy.stats.wilcoxon` does there too, computed directly because it is called for
    every group); small samples use scipy's exact test.
    """
    nz = d[d != 0]
    n = nz.size
    if n < 6:  # too few non-zero pairs for any signed-rank p below 5%
        return np.nan
    if n <= 50:
        return float(stats.wilcoxon(nz).pvalue)
    ranks = stats.rankdata(np.abs(nz))
    r_plus = ranks[nz > 0].sum()
    mean = n * (n + 1) / 4.0
    _, counts = np.unique(ranks, return_counts=True)
    var = n * (n + 1) * (2 * n + 1) / 24.0 - (counts**3 - counts).sum() / 48.0
    if var <= 0:
        return np.nan
    return float(2 * stats.norm.sf(abs(r_plus - mean) / np.sqrt(var)))


def paired_tests(diff) -> tuple[float, float]:
    """Two-sided p-values of the paired t test and the Wilcoxon signed-rank test on ``diff``."""
    d = np.asarray(diff, dtype=float)
    d = d[~np.isnan(d)]
    n = d.size
    if n < 2:
        return (np.nan, np.nan)
    sd = d.std(ddof=1)
    if sd == 0:  # no spread: t undefined; all-zero means no evidence of a gap
        p = 1.0 if d[0] == 0 else 0.0
        return (p, p if d[0] == 0 else np.nan)
    t = d.mean() / (sd / np.sqrt(n))
    p_t = float(2 * stats.t.sf(abs(t), n - 1))
    return (p_t, _signed_rank_p(d))


def welch_interval(a, b, *, confidence: float = 0.95) -> tuple[float, float, float, float, float]:
    """Difference of means ``a - b`` with Welch interval and p-values (Welch t, Mann-Whitney U).

    Returns ``(diff, low, high, p_welch, p_mann_whitney)``.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        d = a.mean() - b.mean() if a.size and b.size else np.nan
        return (float(d), np.nan, np.nan, np.nan, np.nan)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    diff = float(a.mean() - b.mean())
    se = np.sqrt(va + vb)
    if se == 0:
        return (diff, diff, diff, 1.0 if diff == 0 else 0.0, np.nan)
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    h = float(stats.t.ppf(0.5 + confidence / 2, dof)) * se
    p = float(2 * stats.t.sf(abs(diff) / se, dof))  # Welch t test, as scipy's ttest_ind(equal_var=False)
    p_u = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return (diff, diff - h, diff + h, p, p_u)


def wilson_interval(k, n, *, confidence: float = 0.95):
    """Wilson score interval for proportions ``k / n`` (vectorised); NaN where ``n == 0``."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return p, centre - half, centre + half


def two_proportion_test(k1, n1, k2, n2, *, confidence: float = 0.95):
    """Difference ``k1/n1 - k2/n2`` with a Newcombe (Wilson-based) interval and a z-test p-value."""
    p1, l1, u1 = wilson_interval(k1, n1, confidence=confidence)
    p2, l2, u2 = wilson_interval(k2, n2, confidence=confidence)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (np.asarray(k1, float) + k2) / (np.asarray(n1, float) + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / np.asarray(n1, float) + 1 / np.asarray(n2, float)))
        z = np.where(se > 0, d / se, 0.0)
    p = 2 * stats.norm.sf(np.abs(z))
    return d, low, high, p
