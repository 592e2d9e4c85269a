"""Survey score KPIs: NPS, CSAT, CES, generic shares and means, each with an interval.

Every function takes one column of scores (Series or array-like), drops missing values (counted
in ``n_missing``) and returns a tidy DataFrame with the columns of :data:`KPI_COLUMNS`.
Units: NPS in points (-100..100), shares as proportions (0..1), means on the input scale.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.kpis._intervals import nps_counts_interval, t_interval, wilson_interval
from cxlab.kpis._result import kpi_frame, kpi_row
from cxlab.kpis._validate import as_numeric, check_alpha

__all__ = ["nps", "csat", "ces", "proportion", "mean_score", "NPS_METHODS"]

NPS_METHODS = ("adjusted_wald", "wald", "bootstrap")


def nps_counts(scores: np.ndarray) -> tuple[int, int, int]:
    """Promoters (9-10), passives (7-8), detractors (0-6)."""
    n_pro = int(np.sum(scores >= 9))
    n_det = int(np.sum(scores <= 6))
    return n_pro, len(scores) - n_pro - n_det, n_det


def nps(scores, *, alpha: float = 0.05, method: str = "adjusted_wald", n_bootstrap: int = 2000,
        random_state=None) -> pd.DataFrame:
    """Net Promoter Score with a confidence interval.

    NPS = 100 x (share of promoters, 9-10) - (share of detractors, 0-6).

    Parameters
    ----------
    scores : array-like of int 0-10
        Likelihood-to-recommend answers; missing values are dropped and counted in ``n_missing``.
    alpha : float, default=0.05
        1 - confidence level.
    method : {"adjusted_wald", "wald", "bootstrap"}, default="adjusted_wald"
        Interval method. ``"adjusted_wald"`` adds 3 pseudo-responses (3/4 promoter, 3/2 passive,
        3/4 detractor) before using the multinomial variance ``(p_pro + p_det - NPS**2) / n``;
        it keeps near-nominal coverage for small samples and extreme scores, where the plain
        ``"wald"`` interval under-covers. ``"bootstrap"`` is a seeded multinomial percentile
        bootstrap. The point estimate is always the observed NPS.
    n_bootstrap : int, default=2000
        Resamples for ``method="bootstrap"``.
    random_state : int, Generator or None
        Seed for the bootstrap.

    Returns
    -------
    DataFrame
        One row: ``kpi="nps"``, ``estimate``, ``ci_low``, ``ci_high``, ``se`` (points), ``n``,
        ``n_missing``, ``method``, ``unit="points"``.

    Examples
    --------
    >>> from cxlab.kpis import nps
    >>> nps([10, 9, 8, 6, 10, 3, 9, 7])[["estimate", "n"]].round(1)
       estimate  n
    0      25.0  8
    """
    return kpi_frame(nps_rows(scores, alpha=alpha, method=method, n_bootstrap=n_bootstrap,
                              random_state=random_state))


def nps_rows(scores, *, alpha=0.05, method="adjusted_wald", n_bootstrap=2000, random_state=None) -> list[dict]:
    alpha = check_alpha(alpha)
    if method not in NPS_METHODS:
        raise ParameterError(f"method must be one of {NPS_METHODS}; got {method!r}.")
    x, n_missing = as_numeric(scores, name="nps scores", low=0, high=10, integer=True)
    n_pro, n_pas, n_det = nps_counts(x)
    n = len(x)
    est = 100 * (n_pro - n_det) / n if n else float("nan")
    se, low, high = nps_counts_interval(n_pro, n_pas, n_det, alpha=alpha, method=method,
                                        n_bootstrap=n_bootstrap, random_state=random_state)
    return [kpi_row("nps", est, 100 * low, 100 * high, se=100 * se, n=n, n_missing=n_missing,
                    method=method, unit="points")]


def _share_row(kpi, flags: np.ndarray, n_missing: int, alpha: float) -> dict:
    n, k = len(flags), float(np.sum(flags))
    est = k / n if n else float("nan")
    low, high = wilson_interval(k, n, alpha=alpha)
    se = float(np.sqrt(est * (1 - est) / n)) if n else float("nan")
    return kpi_row(kpi, est, low, high, se=se, n=n, n_missing=n_missing, method="wilson", unit="share")


def _mean_row(kpi, x: np.ndarray, n_missing: int, alpha: float) -> dict:
    se, low, high = t_interval(x, alpha=alpha)
    est = float(np.mean(x)) if len(x) else float("nan")
    return kpi_row(kpi, est, low, high, se=se, n=len(x), n_missing=n_missing, method="t", unit="score")


def csat(scores, *, top_box=(4, 5), alpha: float = 0.05, scale=(1, 5)) -> pd.DataFrame:
    """Customer satisfaction: share satisfied (top box, Wilson CI) and mean score (t CI).

    Parameters
    ----------
    scores : array-like
        Satisfaction scores on ``scale`` (default 1-5); missing values are dropped and counted.
    top_box : sequence of numbers, default=(4, 5)
        Scores that count as satisfied.
    alpha : float, default=0.05
    scale : (low, high), default=(1, 5)
        Allowed range; values outside it raise :class:`~cxlab.exceptions.SchemaError`.

    Returns
    -------
    DataFrame
        Two rows: ``kpi="csat"`` (share satisfied, 0-1) and ``kpi="csat_mean"``.

    Examples
    --------
    >>> from cxlab.kpis import csat
    >>> csat([5, 4, 2, 5, 3])[["kpi", "estimate", "n"]]
             kpi  estimate  n
    0       csat       0.6  5
    1  csat_mean       3.8  5
    """
    return kpi_frame(csat_rows(scores, top_box=top_box, alpha=alpha, scale=scale))


def csat_rows(scores, *, top_box=(4, 5), alpha=0.05, scale=(1, 5)) -> list[dict]:
    alpha = check_alpha(alpha)
    x, n_missing = as_numeric(scores, name="csat scores", low=scale[0], high=scale[1])
    return [_share_row("csat", np.isin(x, list(top_box)), n_missing, alpha),
            _mean_row("csat_mean", x, n_missing, alpha)]


def ces(scores, *, easy=(1, 2, 3), alpha: float = 0.05, scale=(1, 7)) -> pd.DataFrame:
    """Customer effort score: mean effort (t CI; lower is easier) and share finding it easy (Wilson).

    cxlab's canonical CES scale is 1 (very easy) - 7 (very hard), see :mod:`cxlab.schemas`.
    If your survey uses 7 = easy, pass ``easy=(5, 6, 7)`` and read the mean the other way round.

    Examples
    --------
    >>> from cxlab.kpis import ces
    >>> ces([1, 2, 5, 3])[["kpi", "estimate"]]
                  kpi  estimate
    0             ces      2.75
    1  ces_easy_share      0.75
    """
    return kpi_frame(ces_rows(scores, easy=easy, alpha=alpha, scale=scale))


def ces_rows(scores, *, easy=(1, 2, 3), alpha=0.05, scale=(1, 7)) -> list[dict]:
    alpha = check_alpha(alpha)
    x, n_missing = as_numeric(scores, name="ces scores", low=scale[0], high=scale[1])
    return [_mean_row("ces", x, n_missing, alpha),
            _share_row("ces_easy_share", np.isin(x, list(easy)), n_missing, alpha)]


def proportion(flags, *, kpi: str = "share", alpha: float = 0.05) -> pd.DataFrame:
    """Share of true/1 values with a Wilson interval (e.g. churn, repeat purchase, SLA breach).

    Examples
    --------
    >>> from cxlab.kpis import proportion
    >>> proportion([True, False, False, True], kpi="churn")[["kpi", "estimate", "n"]]
         kpi  estimate  n
    0  churn       0.5  4
    """
    return kpi_frame(proportion_rows(flags, kpi=kpi, alpha=alpha))


def proportion_rows(flags, *, kpi="share", alpha=0.05) -> list[dict]:
    alpha = check_alpha(alpha)
    x, n_missing = as_numeric(flags, name=f"{kpi} flags", low=0, high=1, integer=True)
    return [_share_row(kpi, x == 1, n_missing, alpha)]


def mean_score(values, *, kpi: str = "mean", alpha: float = 0.05) -> pd.DataFrame:
    """Mean of a numeric column with a t interval (e.g. star rating, perception score).

    Examples
    --------
    >>> from cxlab.kpis import mean_score
    >>> mean_score([4, 5, 3], kpi="rating")[["kpi", "estimate", "n"]]
          kpi  estimate  n
    0  rating       4.0  3
    """
    return kpi_frame(mean_rows(values, kpi=kpi, alpha=alpha))


def mean_rows(values, *, kpi="mean", alpha=0.05) -> list[dict]:
    alpha = check_alpha(alpha)
    x, n_missing = as_numeric(values, name=f"{kpi} values")
    return [_mean_row(kpi, x, n_missing, alpha)]
