"""The pain-point table: per theme, reach, negativity, impact on an outcome, trend, segments."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import SchemaError
from cxlab.io._time import read_times, warn_undated
from cxlab.kpis._validate import read_numbers
from cxlab.themes._breakdown import _check_cols, theme_membership
from cxlab.themes._stats import check_trend_within, ols_drivers, trend_columns, trend_groups

__all__ = ["pain_points", "describe_pain_points"]


def _outcome(feedback, outcome_col):
    # text that is not a number is an error naming it (not a rating silently left out of impact)
    y = read_numbers(feedback[outcome_col], name=f"outcome_col={outcome_col!r}").to_numpy(dtype=float)
    if np.isfinite(y).sum() < 10:
        raise SchemaError(
            f"outcome_col={outcome_col!r} has {int(np.isfinite(y).sum())} numeric values; impact "
            "needs at least 10. Pass a rating/NPS/CSAT column with numbers, or outcome_col=None."
        )
    return y


def pain_points(feedback: pd.DataFrame, miner, *, outcome_col: str | None = None,
                time_col: str | None = None, segment_cols=(), customer_col: str | None = None,
                freq: str = "M", alpha: float = 0.05, trend_within: str | None = None) -> pd.DataFrame:
    """Rank themes as pain points: reach x negativity x impact, with trend and segments.

    Per theme (one row each; ``unthemed`` is reported in ``describe_pain_points``):

    * ``n_comments`` comments raising it (primary or not), ``share_comments`` of all comments,
      ``share_customers`` of distinct customers (when ``customer_col`` is given);
    * ``mean_sentiment`` (of the clauses that raise it) and ``pct_negative``; counts
      ``n_negative``, ``n_neutral``, ``n_positive``;
    * with ``outcome_col`` (rating, NPS, CSAT; higher = better): ``score_change_if_removed`` =
      mean outcome of comments *without* the theme minus the overall mean (what the score would
      be if the theme's comments were gone), and a driver estimate ``impact`` = OLS coefficient
      of the theme indicator when the outcome is regressed on all theme indicators together,
      with ``impact_low``/``impact_high`` (``1 - alpha`` CI);
    * with ``time_col``: ``trend_slope`` (change in log-odds of raising the theme per period,
      logistic regression on period counts), ``trend_p``, ``trend_q`` (Benjamini-Hochberg over
      themes) and ``trend`` = ``emerging`` / ``declining`` when ``trend_q < alpha``, else
      ``stable``; ``share_first``/``share_last`` = share in the first and last third of periods.
      With ``trend_within`` (a column such as the channel) the slope is estimated within its
      groups (one intercept each), so a change in the mix of channels over time is not read as a
      theme emerging; the shares stay crude;
    * per segment column ``c``: ``top_<c>`` = segment where the theme is most over-represented,
      with its lift ("app_review (1.8x)");
    * ``quotes``: representative redacted quotes.

    **Severity** (the ranking) = ``reach x negativity x impact_weight`` where ``reach`` =
    ``share_customers`` (or ``share_comments``), ``negativity`` = ``pct_negative / 100`` and
    ``impact_weight`` = ``1 + max(0, -impact) / sd(outcome)`` (1 without an outcome): a theme
    that many customers raise, mostly negatively, and that pulls the score down ranks first.

    Parameters
    ----------
    feedback : DataFrame
        Comments with the miner's ``text_col`` and the optional columns below.
    miner : ThemeMiner
        Fitted.
    outcome_col, time_col, customer_col : str, optional
    segment_cols : sequence of str, default=()
    freq : str, default="M"
        Period for trends (pandas period alias).
    alpha : float, default=0.05
    trend_within : str, optional
        Column whose groups the trend test holds apart (see above); needs ``time_col``.

    Returns
    -------
    DataFrame
        One row per theme, sorted by ``severity`` (descending), ``rank`` from 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.themes import ThemeMiner
    >>> fb = pd.DataFrame({"text": ["late delivery again", "parcel late, still waiting",
    ...                             "runs small", "size too small"] * 5,
    ...                    "rating": [1, 2, 4, 3] * 5})
    >>> miner = ThemeMiner(2, random_state=0).fit(fb)
    >>> pain_points(fb, miner, outcome_col="rating")["label"].iloc[0]
    'late delivery / parcel'
    """
    segment_cols = [segment_cols] if isinstance(segment_cols, str) else list(segment_cols)
    _check_cols(feedback, {"outcome_col": outcome_col, "time_col": time_col,
                           "customer_col": customer_col, "trend_within": trend_within})
    for c in segment_cols:
        _check_cols(feedback, {"segment_cols": c})
    check_trend_within(trend_within, time_col)
    comments, assignments, member = theme_membership(feedback, miner)
    ids = list(miner.theme_ids_)
    n = len(comments)
    M = member.to_numpy()
    out = pd.DataFrame({"theme_id": ids, "label": [miner.labels_[t] for t in ids]})
    out["n_comments"] = M.sum(axis=0).astype(int)
    out["share_comments"] = (out["n_comments"] / max(n, 1)).round(4)
    if customer_col is not None:
        cust = feedback[customer_col].astype(object).to_numpy()
        known = pd.notna(cust)
        n_cust = len(pd.unique(cust[known]))
        out["share_customers"] = [round(len(pd.unique(cust[known & M[:, j]])) / max(n_cust, 1), 4)
                                  for j in range(len(ids))]
    themed = assignments[assignments["theme_id"].isin(ids)]
    g = themed.groupby("theme_id", sort=False)
    out["mean_sentiment"] = out["theme_id"].map(g["sentiment"].mean()).round(4)
    for lab in ("negative", "neutral", "positive"):
        cnt = themed[themed["sentiment_label"] == lab].groupby("theme_id", sort=False).size()
        out[f"n_{lab}"] = out["theme_id"].map(cnt).fillna(0).astype(int)
    out["pct_negative"] = (100 * out["n_negative"] / out["n_comments"].clip(lower=1)).round(2)

    impact_weight = np.ones(len(ids))
    if outcome_col is not None:
        y = _outcome(feedback, outcome_col)
        ok = np.isfinite(y)
        ybar = y[ok].mean()
        out["outcome_mean"] = [round(float(y[ok & M[:, j]].mean()), 4) if (ok & M[:, j]).any() else np.nan
                               for j in range(len(ids))]
        out["score_change_if_removed"] = [
            round(float(y[ok & ~M[:, j]].mean() - ybar), 4) if (ok & ~M[:, j]).any() else np.nan
            for j in range(len(ids))]
        b, se, lo, hi = ols_drivers(y[ok], M[ok].astype(float), alpha=alpha)
        out["impact"], out["impact_low"], out["impact_high"] = b.round(4), lo.round(4), hi.round(4)
        sd = float(np.std(y[ok])) or 1.0
        impact_weight = 1 + np.clip(-np.nan_to_num(b), 0, None) / sd
    if time_col is not None:
        out = out.join(_trends(feedback, M, time_col=time_col, freq=freq, alpha=alpha, within=trend_within))
    for c in segment_cols:
        out[f"top_{c}"] = _top_segment(feedback[c], M)
    out["quotes"] = [" | ".join(miner.quotes_.get(t, [])) for t in ids]
    reach = out["share_customers"] if "share_customers" in out else out["share_comments"]
    out["severity"] = (reach * out["pct_negative"] / 100 * impact_weight).round(5)
    out = out.sort_values(["severity", "n_comments", "theme_id"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def _trends(feedback, M, *, time_col, freq, alpha, within=None) -> pd.DataFrame:
    when, bad = read_times(feedback[time_col])
    warn_undated(int(bad.sum()), len(bad), time_col, feedback[time_col][bad].head(3), stacklevel=4)
    per = when.dt.to_period(freq)
    ok = per.notna().to_numpy()
    codes = (per[ok].dt.start_time.rank(method="dense").to_numpy() - 1).astype(int)
    if within is None:
        group = np.zeros(len(codes), dtype=np.int64)
    else:  # a missing group value is a group of its own
        group = pd.factorize(trend_groups(feedback[within])[ok], sort=True)[0]
    cell, cell_of = np.unique(np.column_stack([codes, group]), axis=0, return_inverse=True)
    cell_of = cell_of.reshape(-1)
    totals = np.bincount(cell_of, minlength=len(cell))
    hits = np.zeros((len(cell), M.shape[1]))
    for j in range(M.shape[1]):
        hits[:, j] = np.bincount(cell_of, weights=M[ok, j], minlength=len(cell))
    return trend_columns(hits, totals, cell[:, 0], strata=None if within is None else cell[:, 1], alpha=alpha)


def _top_segment(seg: pd.Series, M: np.ndarray) -> list[str]:
    s = seg.astype(object).where(seg.notna(), None).to_numpy()
    known = pd.notna(s)
    values = sorted(pd.unique(s[known]).tolist(), key=str)
    out = []
    for j in range(M.shape[1]):
        base = M[known, j].mean() if known.any() else 0
        best, best_lift = "", 0.0
        for v in values:
            inseg = known & (s == v)
            if inseg.sum() < 5 or base == 0:
                continue
            lift = M[inseg, j].mean() / base
            if lift > best_lift + 1e-12:
                best, best_lift = str(v), lift
        out.append(f"{best} ({best_lift:.1f}x)" if best else "")
    return out


def describe_pain_points(table: pd.DataFrame, miner, *, top: int = 3) -> str:
    """A few plain-English sentences about the top pain points (for reports and the CLI)."""
    lines = []
    share = getattr(miner, "unthemed_share_", np.nan)
    lines.append(f"{miner.n_themes_} themes; {share:.1%} of comments are unthemed "
                 "(no theme reached min_weight, or empty/non-English).")
    for _, r in table.head(top).iterrows():
        reach = r["share_customers"] if "share_customers" in r else r["share_comments"]
        bits = [f"#{r['rank']} {r['label']}: {reach:.1%} reach, {r['pct_negative']:.0f}% negative"]
        if "impact" in r and pd.notna(r["impact"]):
            bits.append(f"impact {r['impact']:+.2f} (CI {r['impact_low']:+.2f} to {r['impact_high']:+.2f})")
        if "trend" in r and r["trend"] != "stable":
            q = r["trend_q"]
            bits.append(f"{r['trend']} (q{'<0.001' if q < 0.001 else f'={q:.3f}'})")
        lines.append(", ".join(bits) + ".")
    return "\n".join(lines)
