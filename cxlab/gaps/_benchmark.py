"""Competitor benchmark: KPIs and theme shares per brand side by side, tested against a focal brand."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.gaps._stats import (
    adjust_pvalues,
    check_columns,
    check_unit_interval,
    mean_interval,
    two_proportion_test,
    welch_interval,
    wilson_interval,
)

__all__ = ["competitor_benchmark", "benchmark_wide"]

_COLS = ["brand", "metric", "theme", "value", "ci_low", "ci_high", "n", "better", "diff_vs_focal",
         "diff_low", "diff_high", "p_value", "p_adjusted", "ahead_of_focal", "behind_focal"]


def competitor_benchmark(
    feedback: pd.DataFrame,
    *,
    focal: str,
    brand_col: str = "brand",
    themes: pd.DataFrame | None = None,
    theme_col: str = "theme",
    positive_themes=(),
    min_n: int = 20,
    confidence: float = 0.95,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
) -> pd.DataFrame:
    """Emotion, negative share and theme shares per brand, each competitor tested against ``focal``.

    Metrics per brand: ``emotion`` (mean, -2..+2, t interval; from :func:`cxlab.journey.emotion_score`
    unless an ``emotion`` column is given), ``negative_share`` (share of comments with emotion < 0)
    and ``theme_share`` per theme (share of the brand's comments that raise it, Wilson interval).
    Each competitor's metric is compared with the focal brand's (Welch t for emotion, a
    two-proportion z test for shares; Newcombe interval of the difference) and p-values are
    adjusted across all comparisons. ``ahead_of_focal`` is True when a competitor is
    significantly better (higher emotion; lower negative/theme share, except ``positive_themes``
    where higher is better).

    Parameters
    ----------
    feedback : DataFrame
        Comments with ``brand_col`` and an emotion source; ``feedback_id`` when ``themes`` is given.
    focal : str
        Your brand (e.g. ``"Loomwear"``); must occur in ``brand_col``.
    themes : DataFrame, optional
        Long ``feedback_id, theme`` table; default: ``feedback[theme_col]`` when present.
    min_n : int, default 20
        Brands with fewer comments are reported but not tested.
    correction : {"fdr_bh", "holm", "bonferroni", "none"}, default "fdr_bh"
        The benchmark screens many metrics at once, so it controls the false-discovery rate by
        default (under no true difference this still keeps false alarms at ``alpha``).

    Returns
    -------
    DataFrame
        Long table: ``brand``, ``metric``, ``theme``, ``value``, ``ci_low``, ``ci_high``, ``n``,
        ``better`` ("higher"/"lower"), ``diff_vs_focal`` (competitor - focal), ``diff_low``,
        ``diff_high``, ``p_value``, ``p_adjusted``, ``ahead_of_focal``, ``behind_focal``.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"brand": ["A"] * 30 + ["B"] * 30,
    ...                    "rating": [1] * 20 + [5] * 10 + [1] * 5 + [5] * 25})
    >>> b = competitor_benchmark(fb, focal="A")
    >>> b.loc[b["metric"] == "negative_share", ["brand", "value", "ahead_of_focal"]].round(3)
      brand  value  ahead_of_focal
    2     A  0.667           False
    3     B  0.167            True
    """
    from cxlab.journey._emotion import emotion_score
    from cxlab.journey._map import theme_table

    check_columns(feedback, [brand_col], arg="feedback")
    confidence = check_unit_interval(confidence, name="confidence")
    alpha = check_unit_interval(alpha, name="alpha")
    brands = sorted(feedback[brand_col].dropna().astype(str).unique())
    if focal not in brands:
        raise ParameterError(f"focal brand {focal!r} does not occur in column {brand_col!r}; brands found: {brands}.")
    emotion = feedback["emotion"] if "emotion" in feedback.columns else emotion_score(feedback)
    df = pd.DataFrame({"brand": feedback[brand_col].astype(object), "emotion": emotion}).dropna(subset=["brand"])
    df["brand"] = df["brand"].astype(str)
    ids = feedback["feedback_id"].astype(str) if "feedback_id" in feedback.columns else pd.Series(
        [str(i) for i in range(len(feedback))], index=feedback.index)
    df["feedback_id"] = ids
    tt = theme_table(feedback.assign(feedback_id=ids), themes, theme_col=theme_col)
    theme_names = sorted(tt["theme"].unique())
    positive = set(positive_themes)

    samples = {}  # (brand, metric, theme) -> ("mean", values) or ("share", k, n)
    for brand, g in df.groupby("brand", sort=True):
        e = g["emotion"].dropna().to_numpy(float)
        samples[(brand, "emotion", "")] = ("mean", e)
        samples[(brand, "negative_share", "")] = ("share", int((e < 0).sum()), e.size)
        mentioned = tt[tt["feedback_id"].isin(g["feedback_id"])]
        counts = mentioned.groupby("theme").size()
        for th in theme_names:
            samples[(brand, "theme_share", th)] = ("share", int(counts.get(th, 0)), len(g))

    rows = []
    for (brand, metric, th), s in samples.items():
        better = "higher" if metric == "emotion" or th in positive else "lower"
        if s[0] == "mean":
            v, lo, hi, n = mean_interval(s[1], confidence=confidence)
        else:
            v, lo, hi = (float(x) for x in wilson_interval(s[1], s[2], confidence=confidence))
            n = s[2]
        d = dlo = dhi = p = np.nan
        f = samples[(focal, metric, th)]
        if brand != focal and n >= min_n and (f[1].size if f[0] == "mean" else f[2]) >= min_n:
            if s[0] == "mean":
                d, dlo, dhi, p, _ = welch_interval(s[1], f[1], confidence=confidence)
            else:
                d, dlo, dhi, p = (float(x) for x in two_proportion_test(s[1], s[2], f[1], f[2], confidence=confidence))
        rows.append([brand, metric, th, v, lo, hi, n, better, d, dlo, dhi, p])
    out = pd.DataFrame(rows, columns=_COLS[:-3])
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), method=correction)
    sig = out["p_adjusted"] < alpha
    good = np.where(out["better"] == "higher", out["diff_vs_focal"] > 0, out["diff_vs_focal"] < 0)
    bad = np.where(out["better"] == "higher", out["diff_vs_focal"] < 0, out["diff_vs_focal"] > 0)
    out["ahead_of_focal"] = (sig & good).astype(bool)
    out["behind_focal"] = (sig & bad).astype(bool)
    order = {"emotion": 0, "negative_share": 1, "theme_share": 2}
    out = out.assign(_m=out["metric"].map(order)).sort_values(["_m", "theme", "brand"], kind="stable")
    return out.drop(columns="_m").reset_index(drop=True)


def benchmark_wide(benchmark: pd.DataFrame, *, digits: int = 3, intervals: bool = True, labels=None) -> pd.DataFrame:
    """Brands side by side: one row per metric/theme, one column per brand.

    With ``intervals`` (the default, for reading) each cell is text: the value, its interval and,
    for a competitor, "ahead" or "behind" when it differs from the focal brand after the
    correction for many comparisons; a first row gives each brand's number of comments. With
    ``intervals=False`` the cells are the rounded values (numbers). ``labels`` maps theme ids
    to readable names.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"brand": ["A", "B"], "metric": ["emotion"] * 2, "theme": ["", ""],
    ...                   "value": [0.5, 1.0]})
    >>> benchmark_wide(b, intervals=False).loc["emotion"].tolist()
    [0.5, 1.0]
    >>> b = b.assign(ci_low=[0.4, 0.8], ci_high=[0.6, 1.2], n=[300, 50], ahead_of_focal=[False, True],
    ...              behind_focal=[False, False])
    >>> benchmark_wide(b, digits=2).loc["emotion"].tolist()
    ['0.50 [0.40, 0.60]', '1.00 [0.80, 1.20] ahead']
    """
    check_columns(benchmark, ["brand", "metric", "theme", "value"], arg="benchmark")
    labels = dict(labels or {})
    theme = benchmark["theme"].astype(str)
    key = np.where(theme == "", benchmark["metric"],
                   benchmark["metric"].astype(str) + ": " + theme.map(lambda t: labels.get(t, t)))
    b = benchmark.assign(metric=key)
    if not intervals or not {"ci_low", "ci_high"} <= set(b.columns):
        return b.pivot_table(index="metric", columns="brand", values="value", sort=False).round(digits)

    def cell(r) -> str:
        if pd.isna(r["value"]):
            return ""
        text = f"{r['value']:.{digits}f}"
        if pd.notna(r["ci_low"]) and pd.notna(r["ci_high"]):
            text += f" [{r['ci_low']:.{digits}f}, {r['ci_high']:.{digits}f}]"
        if r.get("ahead_of_focal") == 1:  # True, numpy's True or 1
            text += " ahead"
        elif r.get("behind_focal") == 1:
            text += " behind"
        return text

    wide = b.assign(cell=b.apply(cell, axis=1)).pivot(index="metric", columns="brand", values="cell")
    wide = wide.reindex(list(dict.fromkeys(b["metric"])))
    if "n" in b.columns:  # comments per brand: the base of every share in its column
        n = b.groupby("brand", sort=False)["n"].max()  # theme shares count all the brand's comments
        wide = pd.concat([pd.DataFrame([n.reindex(wide.columns).map(lambda v: f"{int(v):,}")], index=["comments (n)"]),
                          wide])
    wide.columns.name, wide.index.name = "brand", "metric"
    return wide
