"""Emerging themes and a SWOT table generated from the evidence (never written by hand)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.gaps._stats import adjust_pvalues, check_columns, two_proportion_test
from cxlab.io._time import read_dates, warn_undated

__all__ = ["emerging_themes", "build_swot", "SWOT_QUADRANTS"]

SWOT_QUADRANTS = ("strength", "weakness", "opportunity", "threat")


def emerging_themes(
    feedback: pd.DataFrame,
    themes=None,
    *,
    split_date=None,
    recent_days: int = 182,
    theme_col: str = "theme",
    complaints_only: bool = True,
    alpha: float = 0.05,
    labels=None,
    strata: str | None = None,
) -> pd.DataFrame:
    """Themes whose complaint share rose in the recent period (two-proportion z test, Holm).

    With ``strata`` (a feedback column such as ``"channel"``) the change is the Mantel-Haenszel
    weighted difference of shares within each stratum, so a shift in the mix of channels (say,
    many more support tickets, where returns are always discussed more) is not reported as a
    theme rising: the share must rise *within* channels. ``share_before``/``share_recent`` stay
    the crude shares.

    The recent period starts at ``split_date``, or ``recent_days`` before the last comment.
    Shares are of all comments in each period; with ``complaints_only`` only complaints count,
    by the rule of the pain-point table (:func:`theme_pain_points`: the mention's own
    ``sentiment`` in ``themes`` when given, else the comment's emotion, at or below
    ``COMPLAINT_EMOTION``), so rising praise - or praise in a comment that complains about
    something else - is not flagged as a threat.

    Returns
    -------
    DataFrame
        ``theme``, ``label``, ``share_before``, ``share_recent``, ``change``, ``ci_low``,
        ``ci_high``, ``ratio``, ``p_value``, ``p_adjusted``, ``emerging`` (significant rise),
        ``declining`` (significant fall); sorted by change, largest rise first.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"feedback_id": [str(i) for i in range(400)], "rating": [1] * 400,
    ...     "created_at": pd.date_range("2025-01-01", periods=400, freq="D"),
    ...     "theme": ["late" if (i % 10 == 0 or i > 300) else "other" for i in range(400)]})
    >>> emerging_themes(fb, split_date="2025-10-28")[["theme", "emerging"]]
       theme  emerging
    0   late      True
    1  other     False
    """
    from cxlab.journey._emotion import emotion_score
    from cxlab.journey._map import theme_table

    check_columns(feedback, ["created_at"], arg="feedback")
    ids = feedback["feedback_id"].astype(str) if "feedback_id" in feedback.columns else pd.Series(
        [str(i) for i in range(len(feedback))], index=feedback.index)
    when = read_dates(feedback, "created_at")
    dated = when.notna().to_numpy()
    if not dated.all():  # an undated comment is neither recent nor before: left out, and said so
        warn_undated(0, len(feedback), "created_at", n_missing=int((~dated).sum()),
                     left_out="the recent-vs-before comparison", stacklevel=2)
        feedback, ids, when = feedback[dated], ids[dated], when[dated]
    split = pd.Timestamp(split_date) if split_date is not None else when.max() - pd.Timedelta(days=recent_days)
    recent = pd.Series((when >= split).to_numpy(), index=ids)
    emotion = feedback["emotion"] if "emotion" in feedback.columns else emotion_score(feedback)
    em = pd.Series(emotion.to_numpy(float), index=ids)
    tt = theme_table(feedback.assign(feedback_id=ids), themes, theme_col=theme_col)
    if complaints_only:  # a complaint as the pain-point table counts one
        from cxlab.gaps._priority import mention_emotion
        from cxlab.journey._emotion import COMPLAINT_EMOTION

        tt = tt[(mention_emotion(tt, em.groupby(level=0).first()) <= COMPLAINT_EMOTION).to_numpy()]
    rec = recent.groupby(level=0).first()
    n_recent, n_before = int(rec.sum()), int((~rec).sum())
    stratum = None
    if strata is not None:
        check_columns(feedback, [strata], arg="feedback")
        stratum = pd.Series(feedback[strata].astype(str).fillna("(missing)").to_numpy(),
                            index=ids).groupby(level=0).first()
    labels = dict(labels or {})
    rows = []
    for th, g in tt.groupby("theme", sort=True):
        flags = g["feedback_id"].drop_duplicates().map(rec)
        k_r, k_b = int(flags.sum()), int((~flags.astype(bool)).sum())
        if stratum is None:
            d, lo, hi, p = (float(x) for x in two_proportion_test(k_r, n_recent, k_b, n_before))
        else:
            d, lo, hi, p = _stratified_difference(flags_index=g["feedback_id"].drop_duplicates(),
                                                  recent=rec, stratum=stratum, alpha=alpha)
        sb = k_b / n_before if n_before else np.nan
        sr = k_r / n_recent if n_recent else np.nan
        rows.append((th, labels.get(th, th.replace("_", " ")), sb, sr, d, lo, hi, sr / sb if sb else np.nan, p))
    out = pd.DataFrame(rows, columns=["theme", "label", "share_before", "share_recent", "change", "ci_low",
                                      "ci_high", "ratio", "p_value"])
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), method="holm")
    out["emerging"] = ((out["p_adjusted"] < alpha) & (out["change"] > 0)).astype(bool)
    out["declining"] = ((out["p_adjusted"] < alpha) & (out["change"] < 0)).astype(bool)
    return out.sort_values(["change", "theme"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _stratified_difference(*, flags_index, recent, stratum, alpha):
    """Mantel-Haenszel risk difference (recent - before) across strata, its CI and p-value.

    Weights ``n1*n0/(n1+n0)`` per stratum; the variance is the weighted sum of the per-stratum
    binomial variances (valid for the large strata of comment data; strata missing either period
    carry no weight).
    """
    from scipy import stats

    has = pd.Series(True, index=pd.Index(flags_index)).reindex(recent.index, fill_value=False)
    frame = pd.DataFrame({"recent": recent.astype(bool), "has": has.astype(bool),
                          "stratum": stratum.reindex(recent.index)})
    num = den = var = 0.0
    for _, g in frame.groupby("stratum", sort=True):
        r, b = g.loc[g["recent"], "has"], g.loc[~g["recent"], "has"]
        n1, n0 = len(r), len(b)
        if n1 == 0 or n0 == 0:
            continue
        p1, p0 = r.mean(), b.mean()
        w = n1 * n0 / (n1 + n0)
        num += w * (p1 - p0)
        den += w
        var += w**2 * (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    if den == 0:
        return np.nan, np.nan, np.nan, np.nan
    d, se = num / den, np.sqrt(var) / den
    if se == 0:
        return d, d, d, (1.0 if d == 0 else 0.0)
    z = stats.norm.ppf(1 - alpha / 2)
    return d, d - z * se, d + z * se, float(2 * stats.norm.sf(abs(d / se)))


def _name(value) -> str:
    return str(value).replace("_", " ")


def _drivers_quadrants(drivers: pd.DataFrame) -> pd.DataFrame:
    # cxlab.drivers.importance_performance names the quadrants; without it, split at the medians
    check_columns(drivers, ["driver", "importance", "performance"], arg="drivers")
    d = drivers.dropna(subset=["importance", "performance"])
    if "quadrant" in d.columns:
        return d.assign(_strength=d["quadrant"] == "keep up the good work",
                        _opportunity=d["quadrant"] == "concentrate here")
    hi_imp = d["importance"] >= d["importance"].median()
    hi_perf = d["performance"] >= d["performance"].median()
    return d.assign(_strength=hi_imp & hi_perf, _opportunity=hi_imp & ~hi_perf)


def build_swot(
    *,
    expectation=None,
    pain_points=None,
    drivers=None,
    emerging=None,
    benchmark=None,
    prioritised=None,
    n_per_quadrant: int = 3,
) -> pd.DataFrame:
    """SWOT table drawn from the evidence tables; every row cites its source and numbers.

    * **strength** - high-importance, high-performance drivers (``drivers``: ``driver``,
      ``importance``, ``performance`` and optionally ``quadrant`` from
      :func:`cxlab.drivers.importance_performance`) that do not fall significantly short of
      expectations (a driver's performance is only relative to the others), touchpoints that
      meet or beat expectations (``expectation``), praised themes (``pain_points`` rows with a
      mean emotion above +0.5 and under 25% complaints) and metrics where the focal brand leads competitors (``benchmark``).
    * **weakness** - the largest significant expectation shortfalls and the most common
      complaint themes.
    * **opportunity** - important-but-underperforming drivers; without drivers, the top
      "quick win" gaps of ``prioritised``.
    * **threat** - emerging negative themes (``emerging``) and competitors ahead (``benchmark``).

    Returns
    -------
    DataFrame
        ``quadrant``, ``item``, ``evidence``, ``source``; at most ``n_per_quadrant`` rows per
        quadrant, strongest evidence first.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"touchpoint": ["returns", "website"], "gap": [-2.4, 0.3],
    ...                   "significant": [True, True], "ci_low": [-2.6, 0.1], "ci_high": [-2.2, 0.5]})
    >>> build_swot(expectation=e)[["quadrant", "item"]]
       quadrant     item
    0  strength  website
    1  weakness  returns
    """
    items = {q: [] for q in SWOT_QUADRANTS}  # quadrant -> list of (strength of evidence, item, text, source)
    short = set()  # touchpoints significantly below customers' expectations: never a strength
    if expectation is not None and len(expectation) and {"touchpoint", "gap"} <= set(expectation.columns):
        sig = expectation["significant"].astype(bool) if "significant" in expectation else True
        short = set(expectation.loc[sig & (expectation["gap"] < 0), "touchpoint"].astype(str))
    if drivers is not None and len(drivers):
        d = _drivers_quadrants(drivers)
        # "performing well" is relative to the other touchpoints: one that falls short of what
        # customers expect is not a strength however it ranks
        for r in d[d["_strength"] & ~d["driver"].astype(str).isin(short)].itertuples():
            items["strength"].append((r.importance, _name(r.driver),
                                      f"important driver (importance {r.importance:.2f}) performing well "
                                      f"({r.performance:.2f})", "drivers"))
        for r in d[d["_opportunity"]].itertuples():
            items["opportunity"].append((r.importance, _name(r.driver),
                                         f"important driver (importance {r.importance:.2f}) underperforming "
                                         f"({r.performance:.2f})", "drivers"))
    if expectation is not None and len(expectation):
        e = expectation[expectation["significant"].astype(bool)] if "significant" in expectation else expectation
        for r in e[e["gap"] >= 0].itertuples():
            items["strength"].append((r.gap, _name(r.touchpoint), f"meets expectations (gap {r.gap:+.2f}, "
                                      f"95% CI {r.ci_low:+.2f} to {r.ci_high:+.2f})", "expectation gaps"))
        for r in e[e["gap"] < 0].itertuples():
            items["weakness"].append((-r.gap, _name(r.touchpoint), f"below expectations (gap {r.gap:+.2f}, "
                                      f"95% CI {r.ci_low:+.2f} to {r.ci_high:+.2f})", "expectation gaps"))
    if pain_points is not None and len(pain_points):
        for r in pain_points.itertuples():
            label = getattr(r, "label", r.theme)
            complaint_share = r.n_complaints / r.n_comments if getattr(r, "n_comments", 0) else 1.0
            if getattr(r, "mean_emotion", -1) > 0.5 and complaint_share < 0.25:
                items["strength"].append((r.mean_emotion / 4, _name(label),
                                          f"mostly praised (mean emotion {r.mean_emotion:+.2f}; "
                                          f"{complaint_share:.0%} of mentions are complaints)", "themes"))
            elif r.reach > 0:
                items["weakness"].append((r.reach * 10, _name(label),
                                          f"{r.reach:.1%} of comments complain about it", "themes"))
    if emerging is not None and len(emerging):
        for r in emerging[emerging["emerging"].astype(bool)].itertuples():
            items["threat"].append((10 + r.change * 10, _name(r.label),
                                    f"complaints rising: {r.share_before:.1%} -> {r.share_recent:.1%} of comments",
                                    "emerging themes"))
    if benchmark is not None and len(benchmark):
        def fmt(v, metric):
            return f"{v:+.1%}".replace("%", " pts") if metric != "emotion" else f"{v:+.2f}"

        def what(r):
            return f"{_name(r.theme)} share" if r.theme else _name(r.metric)

        for r in benchmark[benchmark["ahead_of_focal"].astype(bool)].itertuples():
            items["threat"].append((abs(r.diff_vs_focal), f"{r.brand} ahead on {what(r)}",
                                    f"{r.brand} - ours = {fmt(r.diff_vs_focal, r.metric)} (95% CI "
                                    f"{fmt(r.diff_low, r.metric)} to {fmt(r.diff_high, r.metric)})",
                                    "competitor benchmark"))
        for r in benchmark[benchmark["behind_focal"].astype(bool)].itertuples():
            items["strength"].append((abs(r.diff_vs_focal), f"ahead of {r.brand} on {what(r)}",
                                      f"{r.brand} - ours = {fmt(r.diff_vs_focal, r.metric)} (95% CI "
                                      f"{fmt(r.diff_low, r.metric)} to {fmt(r.diff_high, r.metric)})",
                                      "competitor benchmark"))
    if not items["opportunity"] and prioritised is not None and len(prioritised):
        for r in prioritised[prioritised["quadrant"] == "quick win"].itertuples():
            items["opportunity"].append((r.priority_score, _name(r.label),
                                         f"quick win: value {r.value:.3f} for effort {r.effort:g}", "priorities"))
    rows, weak = [], set()
    for q in SWOT_QUADRANTS:
        seen = set(weak) if q == "opportunity" else set()  # an opportunity should add news
        for weight, item, text, source in sorted(items[q], key=lambda t: (-t[0], t[1])):
            if item in seen:
                continue
            seen.add(item)
            rows.append((q, item, text, source))
            if q == "weakness":
                weak.add(item)
            if sum(1 for r in rows if r[0] == q) >= n_per_quadrant:
                break
    return pd.DataFrame(rows, columns=["quadrant", "item", "evidence", "source"])
