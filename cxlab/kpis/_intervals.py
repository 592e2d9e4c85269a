"""Confidence intervals used by the KPI functions.

All functions take plain numbers/arrays and return ``(low, high)`` (or an estimate with its
interval); the public KPI functions wrap them into tidy DataFrames. Methods and why:

* proportions: **Wilson score** interval - keeps close to nominal coverage for small ``n`` and
  shares near 0 or 1, where the Wald interval collapses.
* means: Student **t** interval.
* NPS (a difference of two multinomial shares): **adjusted Wald** - add 3 pseudo-responses (3/4
  promoter, 3/2 passive, 3/4 detractor) and use the multinomial variance
  ``(p_pro + p_det - (p_pro - p_det)**2) / n``; the plain Wald interval under-covers for small
  samples and extreme scores (Rocks 2016, *The American Statistician* 70(4); MeasuringU's
  adjusted-Wald recommendation). ``"wald"`` and a seeded percentile ``"bootstrap"`` are available.
* quantiles (median, p90): distribution-free **order-statistic** interval from the binomial
  distribution (no assumption on the shape of response times); with censored (still open) items
  the **Kaplan-Meier** quantile with the Brookmeyer-Crowley interval is used instead.
* differences of proportions: **Newcombe** hybrid score interval (method 10).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

__all__ = [
    "z_value",
    "wilson_interval",
    "t_interval",
    "nps_counts_interval",
    "quantile_interval",
    "km_quantile_interval",
    "newcombe_interval",
]


def z_value(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def wilson_interval(k: float, n: float, *, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a proportion ``k / n`` (NaNs when ``n == 0``)."""
    if n <= 0:
        return float("nan"), float("nan")
    z = z_value(alpha)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def t_interval(x: np.ndarray, *, alpha: float = 0.05) -> tuple[float, float, float]:
    """Return ``(se, low, high)`` of the mean of ``x`` (NaN interval for fewer than 2 values)."""
    n = len(x)
    if n < 2:
        return float("nan"), float("nan"), float("nan")
    mean = float(np.mean(x))
    se = float(np.std(x, ddof=1) / np.sqrt(n))
    if se == 0:
        return 0.0, mean, mean
    tq = float(stats.t.ppf(1 - alpha / 2, n - 1))
    return se, mean - tq * se, mean + tq * se


def _nps_var(p_pro: float, p_det: float, n: float) -> float:
    return max(p_pro + p_det - (p_pro - p_det) ** 2, 0.0) / n


def nps_counts_interval(n_pro: int, n_pas: int, n_det: int, *, alpha: float = 0.05,
                        method: str = "adjusted_wald", n_bootstrap: int = 2000,
                        random_state=None) -> tuple[float, float, float]:
    """Return ``(se, low, high)`` of NPS/100 (a value in [-1, 1]) from category counts."""
    n = n_pro + n_pas + n_det
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    z = z_value(alpha)
    if method == "wald":
        est = (n_pro - n_det) / n
        se = float(np.sqrt(_nps_var(n_pro / n, n_det / n, n)))
        return se, max(-1.0, est - z * se), min(1.0, est + z * se)
    if method == "adjusted_wald":
        # 3 pseudo-responses spread 1/4 : 1/2 : 1/4 pull the interval away from the boundary
        na = n + 3
        pp, pd_ = (n_pro + 0.75) / na, (n_det + 0.75) / na
        est = pp - pd_
        se = float(np.sqrt(_nps_var(pp, pd_, na)))
        return se, max(-1.0, est - z * se), min(1.0, est + z * se)
    if method == "bootstrap":
        rng = np.random.default_rng(random_state)
        draws = rng.multinomial(n, [n_pro / n, n_pas / n, n_det / n], size=n_bootstrap)
        boot = (draws[:, 0] - draws[:, 2]) / n
        low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
        return float(np.std(boot, ddof=1)), float(low), float(high)
    raise ValueError(method)  # callers validate the name first


@lru_cache(maxsize=4096)
def _order_stat_ranks(n: int, q: float, alpha: float) -> tuple[int, int, float]:
    """1-based ranks ``(l, u)`` with ``P(X_(l) <= xi_q <= X_(u)) >= 1 - alpha`` (continuous data).

    Coverage of ``[X_(l), X_(u)]`` is ``P(l <= B <= u - 1)`` with ``B ~ Binomial(n, q)``. Start
    from the equal-tailed ranks, widen towards the side holding more mass until the level is
    reached, then take single-step narrowings that keep it, so the interval is not needlessly wide.
    """
    dist = stats.binom(n, q)

    def cov(lo, hi):
        return dist.cdf(hi - 1) - dist.cdf(lo - 1)

    lo = min(max(int(dist.ppf(alpha / 2)), 1), n)
    hi = min(max(int(dist.ppf(1 - alpha / 2)) + 1, lo + 1), n)
    while cov(lo, hi) < 1 - alpha and (lo > 1 or hi < n):
        gain_lo = dist.pmf(lo - 1) if lo > 1 else -1.0
        gain_hi = dist.pmf(hi - 1 + 1) if hi < n else -1.0
        if gain_lo >= gain_hi:
            lo -= 1
        else:
            hi += 1
    best, best_cov = (lo, hi), cov(lo, hi)
    for dl, du in ((1, 0), (0, -1), (1, -1)):
        l2, u2 = lo + dl, hi + du
        if 1 <= l2 < u2 <= n:
            c = cov(l2, u2)
            if 1 - alpha <= c < best_cov:
                best, best_cov = (l2, u2), c
    return best[0], best[1], float(best_cov)


def quantile_interval(x: np.ndarray, q: float, *, alpha: float = 0.05) -> tuple[float, float, float]:
    """Return ``(estimate, low, high)``: sample quantile and its order-statistic interval.

    NaN bounds when ``n`` is too small for any order-statistic pair to reach ``1 - alpha``
    (e.g. a median needs at least 6 values at 95%).
    """
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    est = float(np.quantile(x, q))
    lo, hi, coverage = _order_stat_ranks(n, float(q), float(alpha))  # cached: same n recur
    if coverage < 1 - alpha - 1e-12:
        return est, float("nan"), float("nan")
    return est, float(x[lo - 1]), float(x[hi - 1])


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(event_times, survival, greenwood_se)`` of the Kaplan-Meier estimate."""
    order = np.argsort(time, kind="stable")
    time, event = time[order], event[order].astype(bool)
    uniq = np.unique(time[event])
    surv, se = [], []
    s, gw = 1.0, 0.0
    for t in uniq:
        at_risk = np.sum(time >= t)
        d = np.sum((time == t) & event)
        s *= 1 - d / at_risk
        if at_risk > d:
            gw += d / (at_risk * (at_risk - d))
        surv.append(s)
        se.append(s * np.sqrt(gw))
    return uniq, np.asarray(surv), np.asarray(se)


def km_quantile_interval(time: np.ndarray, event: np.ndarray, q: float, *,
                         alpha: float = 0.05) -> tuple[float, float, float]:
    """Kaplan-Meier ``q``-quantile with the Brookmeyer-Crowley interval (right-censored data).

    The interval holds the times ``t`` at which ``|S(t) - (1 - q)| <= z * se(S(t))``; a bound is
    NaN when the survival curve never drops far enough (too many items still open).
    """
    times, surv, se = kaplan_meier(np.asarray(time, float), np.asarray(event))
    if len(times) == 0:
        return float("nan"), float("nan"), float("nan")
    target = 1 - q
    below = np.nonzero(surv <= target + 1e-12)[0]
    est = float(times[below[0]]) if len(below) else float("nan")
    z = z_value(alpha)
    ok = np.abs(surv - target) <= z * se + 1e-12
    # the lower bound is the first time the band reaches the target; the upper bound is the first
    # time the whole band lies below it (right-continuous step function)
    low = float(times[np.nonzero(ok | (surv < target))[0][0]]) if (ok | (surv < target)).any() else float("nan")
    past = np.nonzero(surv + z * se < target)[0]
    high = float(times[past[0]]) if len(past) else float("nan")
    if np.isfinite(low) and np.isfinite(est):
        low = min(low, est)
    return est, low, high


def newcombe_interval(k1: float, n1: float, k2: float, n2: float, *,
                      alpha: float = 0.05) -> tuple[float, float]:
    """Newcombe hybrid score interval for ``k1/n1 - k2/n2``."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, alpha=alpha)
    l2, u2 = wilson_interval(k2, n2, alpha=alpha)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(low), float(high)
