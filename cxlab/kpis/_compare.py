"""Is a KPI different between two periods or between segments? Two-sample tests with BH control.

Test per KPI kind (see :data:`cxlab.kpis.KPI_SPECS`):

* ``nps``: difference of two NPS; z test with the sum of the two multinomial variances
  (adjusted-Wald proportions, the same ones behind :func:`nps` intervals).
* ``share`` (CSAT top box, churn, SLA breach...): two-proportion z test (pooled), or Fisher's exact
  test when an expected count is below 5; Newcombe hybrid score interval for the difference.
* ``mean`` (CSAT mean, CES, rating): Welch t test and interval.
* ``duration`` (response/resolution hours): Mann-Whitney U test; difference of medians with a
  seeded percentile-bootstrap interval. Only answered/resolved tickets enter the test (open ones
  have no duration yet); ``estimate_*`` columns are the censoring-aware Kaplan-Meier medians.

With several segments the p-values are adjusted with Benjamini-Hochberg (``p_adjusted``) and
``significant`` uses the adjusted value, so looking at many segments does not manufacture findings.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxlab.exceptions import ParameterError
from cxlab.io._time import read_dates, warn_undated
from cxlab.kpis._intervals import newcombe_interval, z_value
from cxlab.kpis._registry import get_kpi, prepare_frame, sample_values
from cxlab.kpis._scores import nps_counts
from cxlab.kpis._table import add_period
from cxlab.kpis._validate import as_list, as_numeric, check_alpha, require_columns

__all__ = ["compare_samples", "compare_periods", "compare_groups", "benjamini_hochberg"]


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaNs stay NaN and do not count as tests).

    Examples
    --------
    >>> from cxlab.kpis import benjamini_hochberg
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.5]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def _nps_test(a, b, alpha):
    pa, pb = nps_counts(a), nps_counts(b)
    na, nb = len(a), len(b)
    est = 100 * ((pa[0] - pa[2]) / na - (pb[0] - pb[2]) / nb)

    def adj(c, n):
        pp, pd_ = (c[0] + 0.75) / (n + 3), (c[2] + 0.75) / (n + 3)
        return pp - pd_, max(pp + pd_ - (pp - pd_) ** 2, 0) / (n + 3)

    da, va = adj(pa, na)
    db, vb = adj(pb, nb)
    d, se = da - db, np.sqrt(va + vb)
    z = z_value(alpha)
    p = 2 * stats.norm.sf(abs(d) / se) if se > 0 else (1.0 if d == 0 else 0.0)
    return est, 100 * (d - z * se), 100 * (d + z * se), float(p), "nps z (adjusted wald)"


def _share_test(a, b, alpha):
    ka, kb, na, nb = a.sum(), b.sum(), len(a), len(b)
    est = ka / na - kb / nb
    low, high = newcombe_interval(ka, na, kb, nb, alpha=alpha)
    pooled = (ka + kb) / (na + nb)
    expected = np.array([na * pooled, na * (1 - pooled), nb * pooled, nb * (1 - pooled)])
    if expected.min() < 5:
        table = [[int(ka), int(na - ka)], [int(kb), int(nb - kb)]]
        p = stats.fisher_exact(table).pvalue
        test = "fisher exact"
    else:
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        p = 2 * stats.norm.sf(abs(est) / se) if se > 0 else 1.0
        test = "two-proportion z"
    return est, low, high, float(p), test


def _mean_test(a, b, alpha):
    est = a.mean() - b.mean()
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return est, est, est, (1.0 if est == 0 else 0.0), "welch t"
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = stats.t.ppf(1 - alpha / 2, df)
    p = 2 * stats.t.sf(abs(est) / se, df)
    return est, est - t * se, est + t * se, float(p), "welch t"


def _duration_test(a, b, alpha, random_state, n_bootstrap=1000):
    est = float(np.median(a) - np.median(b))
    rng = np.random.default_rng(random_state)
    ia = rng.integers(0, len(a), size=(n_bootstrap, len(a)))
    ib = rng.integers(0, len(b), size=(n_bootstrap, len(b)))
    boot = np.median(a[ia], axis=1) - np.median(b[ib], axis=1)
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    p = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
    return est, float(low), float(high), float(p), "mann-whitney u"


_MIN_N = {"nps": 2, "share": 1, "mean": 2, "duration": 2}


def compare_samples(a, b, *, kind: str, alpha: float = 0.05, random_state=0, n_bootstrap: int = 1000) -> dict:
    """Compare two samples of per-row values; returns difference (a - b), interval and p-value.

    ``kind`` is ``"nps"`` (0-10 scores), ``"share"`` (0/1), ``"mean"`` or ``"duration"``.
    Samples too small to test give NaNs and ``test="insufficient data"``. ``n_bootstrap`` and
    ``random_state`` drive the difference-of-medians interval of durations.

    Examples
    --------
    >>> from cxlab.kpis import compare_samples
    >>> r = compare_samples([1, 1, 0, 1] * 50, [0, 0, 1, 0] * 50, kind="share")
    >>> round(float(r["difference"]), 2), bool(r["p_value"] < 0.001)
    (0.5, True)
    """
    alpha = check_alpha(alpha)
    if kind not in _MIN_N:
        raise ParameterError(f"kind must be one of {sorted(_MIN_N)}; got {kind!r}.")
    a, _ = as_numeric(a, name="sample a")
    b, _ = as_numeric(b, name="sample b")
    res = {"difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
           "test": "insufficient data", "n_a": len(a), "n_b": len(b)}
    if min(len(a), len(b)) < _MIN_N[kind]:
        return res
    if kind == "nps":
        out = _nps_test(a, b, alpha)
    elif kind == "share":
        out = _share_test(a, b, alpha)
    elif kind == "mean":
        out = _mean_test(a, b, alpha)
    else:
        out = _duration_test(a, b, alpha, random_state, n_bootstrap)
    res.update(zip(("difference", "ci_low", "ci_high", "p_value", "test"), out))
    return res


def _values(spec, part, column):
    if spec.kind == "duration":
        part = part[part[f"{spec.name}_observed"].astype(bool)]
    return sample_values(spec, part[column])


def _estimate(spec, part, column, alpha):
    first = spec.summarise(part, column, alpha)[0]  # durations: the median row
    return float(first["estimate"]), int(first["n"])


def _finish(rows, alpha, keys):
    out = pd.DataFrame(rows)
    out["p_adjusted"] = benjamini_hochberg(out["p_value"])
    out["significant"] = out["p_adjusted"] < alpha
    return out.sort_values(keys, kind="stable").reset_index(drop=True) if keys else out


def compare_periods(df: pd.DataFrame, *, kpi: str = "nps", time_col: str = "created_at", split=None,
                    before=None, after=None, period: str | None = None, by=None,
                    column: str | None = None, alpha: float = 0.05, random_state=0) -> pd.DataFrame:
    """Did a KPI change between two periods (overall or within each segment)?

    Give the periods in one of three ways: ``split`` (a date: before = earlier rows, after = rows
    on/after it); ``before`` and ``after`` as ``(start, end)`` date pairs (inclusive start,
    exclusive end); or ``period`` (``"M"``, ``"Q"``...) to compare the latest period with the one
    before it.

    Returns
    -------
    DataFrame
        One row per segment: ``by`` columns, ``kpi``, ``period_before``, ``period_after``,
        ``estimate_before``, ``estimate_after``, ``n_before``, ``n_after``, ``difference`` (after -
        before, in the KPI's unit), ``ci_low``, ``ci_high``, ``p_value``, ``p_adjusted``
        (Benjamini-Hochberg across segments), ``significant``, ``test``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import compare_periods
    >>> fb = pd.DataFrame({"created_at": pd.date_range("2025-01-01", periods=400, freq="D"),
    ...                    "csat": [5, 4, 4, 2] * 50 + [2, 3, 4, 1] * 50})
    >>> r = compare_periods(fb, kpi="csat", split="2025-07-20")
    >>> round(float(r["difference"].iloc[0]), 2), bool(r["significant"].iloc[0])
    (-0.5, True)
    """
    alpha = check_alpha(alpha)
    spec = get_kpi(kpi)
    column = column or spec.column
    by = as_list(by)
    require_columns(df, [time_col, *by] + ([] if spec.kind == "duration" else [column]), arg="df")
    work = prepare_frame(df, [kpi]).reset_index(drop=True)  # masks below align by position
    times = read_dates(work, time_col)
    if sum(x is not None for x in (split, period)) + (before is not None or after is not None) != 1:
        raise ParameterError("give exactly one of split=DATE, before=/after=(start, end) or period='M'/'Q'.")
    if split is not None:
        split = pd.Timestamp(split)
        mask_b, mask_a = times < split, times >= split
        labels = (f"before {split.date()}", f"from {split.date()}")
    elif period is not None:
        work = add_period(work, period=period, time_col=time_col, name="_period")
        present = sorted(work["_period"].dropna().unique())
        if len(present) < 2:
            raise ParameterError(f"period={period!r} gives {len(present)} period(s) in df; need at least two.")
        labels = (present[-2], present[-1])
        mask_b, mask_a = work["_period"] == labels[0], work["_period"] == labels[1]
    else:
        if before is None or after is None:
            raise ParameterError("before= and after= must both be (start, end) date pairs.")
        (b0, b1), (a0, a1) = [(pd.Timestamp(x), pd.Timestamp(y)) for x, y in (before, after)]
        mask_b, mask_a = (times >= b0) & (times < b1), (times >= a0) & (times < a1)
        labels = (f"{b0.date()}..{b1.date()}", f"{a0.date()}..{a1.date()}")
    # rows without a date are in neither period: counted, not silently lost
    warn_undated(0, len(work), time_col, n_missing=int(times.isna().sum()), left_out="both periods",
                 what="row", stacklevel=2)
    groups = [((), work)] if not by else work.groupby(by, dropna=False, sort=True)
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        pb, pa = part[mask_b.loc[part.index]], part[mask_a.loc[part.index]]
        eb, nb = _estimate(spec, pb, column, alpha)
        ea, na = _estimate(spec, pa, column, alpha)
        res = compare_samples(_values(spec, pa, column), _values(spec, pb, column), kind=spec.kind,
                              alpha=alpha, random_state=random_state)
        row = dict(zip(by, key))
        row.update(kpi=kpi, period_before=labels[0], period_after=labels[1], estimate_before=eb,
                   estimate_after=ea, n_before=nb, n_after=na, difference=res["difference"],
                   ci_low=res["ci_low"], ci_high=res["ci_high"], p_value=res["p_value"], test=res["test"])
        rows.append(row)
    return _finish(rows, alpha, by)


def compare_groups(df: pd.DataFrame, *, kpi: str = "nps", by: str, reference=None,
                   column: str | None = None, alpha: float = 0.05, random_state=0) -> pd.DataFrame:
    """Does each segment differ from the rest (or from a ``reference`` segment) on a KPI?

    Returns
    -------
    DataFrame
        One row per segment (``by`` column), with ``reference`` (``"rest"`` or the reference
        label), ``estimate``, ``estimate_reference``, ``n``, ``n_reference``, ``difference``
        (segment - reference), ``ci_low``, ``ci_high``, ``p_value``, ``p_adjusted``
        (Benjamini-Hochberg), ``significant``, ``test``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.kpis import compare_groups
    >>> fb = pd.DataFrame({"persona": ["a"] * 100 + ["b"] * 100 + ["c"] * 100,
    ...                    "nps": [10, 9, 8, 3] * 25 + [10, 9, 8, 3] * 25 + [2, 3, 8, 9] * 25})
    >>> compare_groups(fb, kpi="nps", by="persona")[["persona", "difference", "significant"]]
      persona  difference  significant
    0       a        25.0         True
    1       b        25.0         True
    2       c       -50.0         True
    """
    alpha = check_alpha(alpha)
    spec = get_kpi(kpi)
    column = column or spec.column
    if not isinstance(by, str):
        raise ParameterError(f"by must be one column name; got {by!r}.")
    require_columns(df, [by] + ([] if spec.kind == "duration" else [column]), arg="df")
    work = prepare_frame(df, [kpi]).reset_index(drop=True)  # a duplicated index must not break "rest"
    labels = work[by]
    if reference is not None and not (labels == reference).any():
        raise ParameterError(f"reference {reference!r} is not a value of column {by!r}; "
                             f"values are {sorted(labels.dropna().astype(str).unique())[:10]}.")
    rows = []
    for key, part in work.groupby(by, dropna=False, sort=True):
        if reference is not None and key == reference:
            continue
        ref = work[labels == reference] if reference is not None else work.drop(index=part.index)
        e, n = _estimate(spec, part, column, alpha)
        er, nr = _estimate(spec, ref, column, alpha)
        res = compare_samples(_values(spec, part, column), _values(spec, ref, column), kind=spec.kind,
                              alpha=alpha, random_state=random_state)
        rows.append({by: key, "kpi": kpi, "reference": "rest" if reference is None else reference,
                     "estimate": e, "estimate_reference": er, "n": n, "n_reference": nr,
                     "difference": res["difference"], "ci_low": res["ci_low"], "ci_high": res["ci_high"],
                     "p_value": res["p_value"], "test": res["test"]})
    return _finish(rows, alpha, [by])
