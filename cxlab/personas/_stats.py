"""Confidence intervals for the KPIs shown per persona (computed by :mod:`cxlab.kpis`).

* **NPS** (``%promoters - %detractors``, -100..100): each answer scores +1 (9-10), 0 (7-8) or
  -1 (0-6); the NPS is 100 x their mean, with variance ``(p + d - (p - d)^2) / n``. We use the
  adjusted Wald interval of Rocks (2016): add 3/4 of a promoter, 3/4 of a detractor and 3/2 of a
  passive (n + 3) before computing it, which keeps coverage near nominal for small n and
  extreme scores; the result is clipped to [-100, 100].
* **Rates** (churn): Wilson score interval.
* **Means** (CSAT, spend): Student-t interval of the mean of one value per customer.
"""
from __future__ import annotations

import numpy as np

from cxlab.kpis import _intervals as ci

__all__ = ["nps_interval", "wilson_interval", "mean_interval"]


def nps_interval(scores, *, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Return ``(nps, low, high, n)`` for 0-10 answers (NaN ignored).

    Examples
    --------
    >>> nps, low, high, n = nps_interval([10, 9, 8, 3, 10])
    >>> round(nps), n
    (40, 5)
    """
    s = np.asarray(scores, dtype=float)
    s = s[~np.isnan(s)]
    n = len(s)
    if n == 0:
        return (np.nan, np.nan, np.nan, 0)
    promoters, detractors = int((s >= 9).sum()), int((s <= 6).sum())
    _, low, high = ci.nps_counts_interval(promoters, n - promoters - detractors, detractors,
                                          alpha=1 - confidence, method="adjusted_wald")
    return (100 * (promoters - detractors) / n, 100 * low, 100 * high, n)


def wilson_interval(successes, n, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """Return ``(rate, low, high)`` with the Wilson score interval.

    Examples
    --------
    >>> rate, low, high = wilson_interval(0, 10)
    >>> rate, round(low, 3), round(high, 3)
    (0.0, 0.0, 0.278)
    """
    if n == 0:
        return (np.nan, np.nan, np.nan)
    low, high = ci.wilson_interval(successes, n, alpha=1 - confidence)
    return (float(successes / n), low, high)


def mean_interval(values, *, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Return ``(mean, low, high, n)``: Student-t interval (NaN ignored; no interval if n < 2)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return (np.nan, np.nan, np.nan, 0)
    _, low, high = ci.t_interval(v, alpha=1 - confidence)
    return (float(v.mean()), low, high, len(v))
