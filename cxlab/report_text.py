"""Plain-English sentences computed from cxlab results, for executive summaries and notebooks.

Every function takes a result table and returns Markdown text built from its numbers (nothing is
hard-coded), so a re-run on new data rewrites the story. Customer quotes are escaped so that
HTML or Markdown in them is shown, not rendered.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

__all__ = [
    "escape_markdown", "name", "describe_expectation_gaps", "describe_internal_view", "describe_journey",
    "describe_emotion_change", "describe_targets", "describe_benchmark", "describe_emerging",
    "describe_priorities", "describe_swot", "describe_monitoring", "executive_summary", "readable_table",
]


def escape_markdown(text) -> str:
    """Escape HTML and Markdown control characters in untrusted text (e.g. customer quotes).

    Examples
    --------
    >>> escape_markdown("<b>*bad*</b> [link](x)")
    '&lt;b&gt;\\\\*bad\\\\*&lt;/b&gt; \\\\[link\\\\](x)'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    out = html.escape(str(text), quote=False)
    for ch in "\\`*_{}[]#|~":
        out = out.replace(ch, "\\" + ch)
    return out


def _is_p_column(col) -> bool:
    col = str(col)
    return col == "p" or col.startswith("p_") or col.endswith("_p")


def readable_table(table: pd.DataFrame, *, digits: int = 3) -> pd.DataFrame:
    """A result table for reading: numbers rounded to ``digits``, p-values never shown as 0.

    P-value columns (named ``p``, ``p_*`` or ``*_p``) become text: below ``10**-digits`` they read
    ``"<0.001"`` (for ``digits=3``) instead of a rounded ``0.000``, which would claim certainty;
    others keep ``digits`` decimals. Missing values stay missing. The input is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> readable_table(pd.DataFrame({"gap": [-1.23456, 0.5], "p_adjusted": [1e-9, 0.04321]}))
         gap p_adjusted
    0 -1.235     <0.001
    1  0.500      0.043
    """
    out = table.round(digits)
    floor = 10.0 ** -digits
    for col in [c for c in table.columns if _is_p_column(c)]:
        p = pd.to_numeric(table[col], errors="coerce")
        if p.notna().sum() < table[col].notna().sum():
            continue  # not numbers: leave as is
        out[col] = [None if pd.isna(v) else f"<{floor:.{digits}f}" if v < floor else f"{v:.{digits}f}" for v in p]
    return out


def name(value) -> str:
    """Readable name of an id: ``customer_service`` -> ``customer service``."""
    return str(value).replace("_", " ")


def _ci(low, high, fmt="{:+.2f}") -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"95% CI {fmt.format(low)} to {fmt.format(high)}"


def _join(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_expectation_gaps(gaps: pd.DataFrame, *, by: str = "touchpoint", top: int = 3) -> str:
    """Sentence on the largest expectation gaps (:func:`cxlab.gaps.expectation_gaps` output).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"touchpoint": ["returns"], "n": [10], "expectation": [6.0], "perception": [3.5],
    ...     "gap": [-2.5], "ci_low": [-2.9], "ci_high": [-2.1], "share_below": [0.9], "significant": [True]})
    >>> describe_expectation_gaps(g)[:48]
    'The largest expectation gap is at **returns**: c'
    """
    if gaps is None or gaps.empty:
        return "No expectation-vs-perception data was available."
    short = gaps[(gaps["gap"] < 0) & gaps["significant"].astype(bool)].sort_values("gap", kind="stable")
    if short.empty:
        return f"No {name(by)} falls significantly short of customers' expectations."
    r = short.iloc[0]
    text = (f"The largest expectation gap is at **{name(r[by])}**: customers rate it {r['perception']:.2f} "
            f"against an expectation of {r['expectation']:.2f} (gap {r['gap']:+.2f}, {_ci(r['ci_low'], r['ci_high'])}; "
            f"{r['share_below']:.0%} of {int(r['n'])} respondents below expectation).")
    rest = short.iloc[1:top]
    if len(rest):
        text += " Next: " + _join(f"{name(v)} ({g:+.2f})" for v, g in zip(rest[by], rest["gap"])) + "."
    text += (f" {len(short)} of {len(gaps)} {name(by)}s fall significantly short "
             "(after multiple-testing correction).")
    return text


def describe_internal_view(internal: pd.DataFrame, *, by: str = "touchpoint") -> str:
    """Sentence on staff vs customers (:func:`cxlab.gaps.internal_vs_customer` output).

    Examples
    --------
    >>> import pandas as pd
    >>> iv = pd.DataFrame({"touchpoint": ["customer_service"], "staff": [6.8], "customers": [4.9],
    ...     "difference": [1.9], "ci_low": [1.8], "ci_high": [2.0], "significant": [True]})
    >>> describe_internal_view(iv)[:44]
    'Staff overrate **customer service** the most'
    """
    if internal is None or internal.empty:
        return "No employee survey was available to compare staff's and customers' views."
    sig = internal[internal["significant"].astype(bool) & (internal["difference"] > 0)]
    if sig.empty:
        return "Staff and customers rate the touchpoints alike (no significant blind spot)."
    r = sig.sort_values("difference", ascending=False, kind="stable").iloc[0]
    return (f"Staff overrate **{name(r[by])}** the most: they score it {r['staff']:.2f} where customers give "
            f"{r['customers']:.2f} (difference {r['difference']:+.2f}, {_ci(r['ci_low'], r['ci_high'])}); "
            f"staff rate {len(sig)} of {len(internal)} {name(by)}s significantly higher than customers do.")


def describe_journey(stages: pd.DataFrame) -> str:
    """Sentence on the emotion curve, target and drop-off (:attr:`JourneyMapper.stages_`).

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"label": ["Buy", "Get"], "emotion": [0.5, -1.0], "target_emotion": [1.0, 1.0],
    ...                    "drop_off": [0.1, float("nan")]})
    >>> describe_journey(st)[:40]
    'Emotion peaks at **Buy** (+0.50) and bot'
    """
    if stages is None or stages.empty or stages["emotion"].isna().all():
        return "No stage had enough feedback to draw the emotion curve."
    s = stages.dropna(subset=["emotion"])
    hi, lo = s.loc[s["emotion"].idxmax()], s.loc[s["emotion"].idxmin()]
    text = f"Emotion peaks at **{hi['label']}** ({hi['emotion']:+.2f}) and bottoms out at **{lo['label']}** ({lo['emotion']:+.2f})."
    if "target_emotion" in s and s["target_emotion"].notna().any():
        t = s.dropna(subset=["target_emotion"])
        below = t[t["emotion"] < t["target_emotion"]]
        if len(below):
            worst = below.loc[(below["emotion"] - below["target_emotion"]).idxmin()]
            text += (f" {len(below)} of {len(t)} stages are below their target emotion; the widest shortfall is at "
                     f"{worst['label']} ({worst['emotion'] - worst['target_emotion']:+.2f}).")
        else:
            text += " Every stage meets its target emotion."
    if "drop_off" in s and s["drop_off"].notna().any():
        d = s.loc[s["drop_off"].idxmax()]
        what = d.get("drop_off_label", "") or "lost"
        text += f" The largest drop-off is at {d['label']} ({d['drop_off']:.0%} {what})."
    return text


def describe_emotion_change(change: pd.DataFrame, *, split_date, by: str = "journey_stage") -> str:
    """Sentence on stages whose emotion changed after ``split_date`` (:func:`emotion_change`).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"journey_stage": ["delivery"], "before": [0.1], "after": [-0.6], "change": [-0.7],
    ...                   "ci_low": [-0.9], "ci_high": [-0.5], "significant": [True]})
    >>> describe_emotion_change(c, split_date="2025-10-01")[:53]
    'Since 2025-10-01, emotion fell at **delivery** (+0.10'
    """
    sig = change[change["significant"].astype(bool)] if change is not None and len(change) else pd.DataFrame()
    if sig.empty:
        return f"No stage's emotion changed significantly after {split_date}."
    parts = []
    for r in sig.sort_values("change", kind="stable").itertuples():
        verb = "fell" if r.change < 0 else "rose"
        parts.append(f"{verb} at **{name(getattr(r, by))}** ({r.before:+.2f} -> {r.after:+.2f}; change "
                     f"{r.change:+.2f}, {_ci(r.ci_low, r.ci_high)})")
    return f"Since {split_date}, emotion " + "; it ".join(parts) + "."


def describe_targets(comparison: pd.DataFrame) -> str:
    """Sentence on current vs target (:func:`cxlab.gaps.current_vs_target` output).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"metric": ["nps"], "label": ["NPS"], "current": [12.0], "target": [30.0],
    ...                   "shortfall": [18.0], "status": ["missed"]})
    >>> describe_targets(c)
    '0 of 1 KPI targets are met, 1 missed and 0 unclear; furthest off: NPS (12 vs target 30).'
    """
    if comparison is None or comparison.empty:
        return "No KPI targets were given."
    counts = comparison["status"].value_counts()
    text = (f"{counts.get('met', 0)} of {len(comparison)} KPI targets are met, {counts.get('missed', 0)} missed "
            f"and {counts.get('unclear', 0)} unclear")
    missed = comparison[comparison["status"] == "missed"].copy()
    if len(missed):
        missed["_rel"] = missed["shortfall"] / missed["target"].abs().replace(0, np.nan)
        worst = missed.sort_values("_rel", ascending=False, kind="stable").head(2)
        text += "; furthest off: " + _join(f"{r.label} ({r.current:.3g} vs target {r.target:.3g})"
                                           for r in worst.itertuples())
    no_data = counts.get("no data", 0)
    return text + (f"; {no_data} had no data." if no_data else ".")


def describe_benchmark(benchmark: pd.DataFrame, *, focal: str) -> str:
    """Sentence on competitors ahead of or behind the focal brand (:func:`competitor_benchmark`).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"brand": ["A", "B"], "metric": ["theme_share"] * 2, "theme": ["late"] * 2,
    ...     "value": [0.3, 0.1], "ahead_of_focal": [False, True], "behind_focal": [False, False]})
    >>> describe_benchmark(b, focal="A")
    'Competitors ahead of A: B on late (10.0% vs 30.0% of comments).'
    """
    if benchmark is None or benchmark.empty:
        return "No competitor data was available."
    focal_vals = {(r.metric, r.theme): r.value for r in benchmark[benchmark["brand"] == focal].itertuples()}
    ahead = benchmark[benchmark["ahead_of_focal"].astype(bool)]
    if ahead.empty:
        sizes = ""
        if "n" in benchmark.columns and "metric" in benchmark.columns:
            n = benchmark[benchmark["metric"] == "emotion"].drop_duplicates("brand")
            if len(n):
                sizes = " (comments: " + ", ".join(f"{escape_markdown(str(r.brand))} {int(r.n):,}"
                                                     for r in n.itertuples() if pd.notna(r.n)) + ")"
        return (f"No competitor is detectably ahead of {focal} on any benchmarked metric{sizes}, after "
                "correcting for the many comparisons; with few competitor comments, small differences "
                "cannot be detected.")

    def what(r):
        ours = focal_vals.get((r.metric, r.theme), np.nan)
        if r.metric == "theme_share":
            return f"{r.brand} on {name(r.theme)} ({r.value:.1%} vs {ours:.1%} of comments)"
        return f"{r.brand} on {name(r.metric)} ({r.value:.2f} vs {ours:.2f})"

    return f"Competitors ahead of {focal}: " + "; ".join(what(r) for r in ahead.itertuples()) + "."


def describe_emerging(emerging: pd.DataFrame) -> str:
    """Sentence on rising and falling complaint themes (:func:`cxlab.gaps.emerging_themes`).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"label": ["late delivery"], "share_before": [0.07], "share_recent": [0.12],
    ...                   "emerging": [True], "declining": [False]})
    >>> describe_emerging(e)
    'Emerging problem: late delivery (complaints about it in 7.0% -> 12.0% of comments).'
    """
    if emerging is None or emerging.empty:
        return "No theme data was available to look for emerging problems."
    up, down = emerging[emerging["emerging"].astype(bool)], emerging[emerging["declining"].astype(bool)]
    fmt = lambda d: _join(f"{escape_markdown(str(r.label))} (complaints about it in {r.share_before:.1%} -> "  # noqa: E731
                          f"{r.share_recent:.1%} of comments)" for r in d.itertuples())
    parts = []
    if len(up):
        parts.append(("Emerging problem" if len(up) == 1 else "Emerging problems") + ": " + fmt(up))
    if len(down):
        parts.append("Falling: " + fmt(down))
    return ("; ".join(parts) + ".") if parts else "No complaint theme rose or fell significantly in the recent period."


_ACTION_NOTE = {"no effect seen": ", its action shows no detectable effect",
                "worse since action": ", worse since its action"}


def describe_priorities(prioritised: pd.DataFrame, *, top: int = 3) -> str:
    """Sentence on the top-ranked gaps (:func:`cxlab.gaps.prioritise_gaps` output).

    Only gaps that still need a decision (``to_do``: open, or their action shows no effect
    or a worsening) are named as "fix first"; gaps with a live action or a met target are named
    apart, so a reader sees why they are not on the list.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"rank": [1, 2], "label": ["returns", "payment"], "priority_score": [0.2, 0.3],
    ...                   "quadrant": ["quick win"] * 2, "owner": ["Ops"] * 2, "status": ["open", "target met"],
    ...                   "to_do": [True, False]})
    >>> describe_priorities(p)
    'Fix first: 1. returns (score 0.200, quick win, owner Ops). Not on that list: payment (target met).'
    """
    if prioritised is None or prioritised.empty:
        return "No gaps were found to prioritise."
    table = prioritised.sort_values("rank", kind="stable")
    to_do = table["to_do"].astype(bool) if "to_do" in table.columns else pd.Series(True, index=table.index)
    todo = table[to_do]
    parts = []
    if len(todo):
        parts.append("Fix first: " + "; ".join(
            f"{int(r.rank)}. {escape_markdown(str(r.label))} (score {r.priority_score:.3f}, {r.quadrant}, owner {r.owner}"
            + (_ACTION_NOTE.get(getattr(r, "status", ""), "")) + ")"
            for r in todo.head(top).itertuples()) + ".")
    else:
        parts.append("Every gap has a live action or a met target.")
    rest = table[~to_do]
    if len(rest):
        parts.append("Not on that list: " + _join(
            f"{escape_markdown(str(r.label))} ({r.status})" for r in rest.itertuples()) + ".")
    return " ".join(parts)


def describe_swot(swot: pd.DataFrame) -> str:
    """One line per SWOT quadrant naming its items (:func:`cxlab.gaps.build_swot` output)."""
    if swot is None or swot.empty:
        return "No SWOT evidence."
    lines = []
    for q in ("strength", "weakness", "opportunity", "threat"):
        items = swot.loc[swot["quadrant"] == q, "item"]
        lines.append(f"- **{q.capitalize()}s**: " + (_join(escape_markdown(i) for i in items) or "none found"))
    return "\n".join(lines)


def describe_monitoring(results: pd.DataFrame) -> str:
    """One sentence per monitored action from a table with ``action`` and ``verdict`` columns."""
    if results is None or results.empty or not {"action", "verdict"} <= set(results.columns):
        return "No actions were monitored."
    return " ".join(f"**{r.action}**: {str(r.verdict).rstrip('.')}." for r in results.itertuples())


def executive_summary(sections: dict) -> str:
    """Markdown bullet list from ``{heading: sentence}``; empty sentences are skipped.

    Examples
    --------
    >>> print(executive_summary({"Gaps": "Returns fall short.", "Drivers": ""}))
    - **Gaps.** Returns fall short.
    """
    return "\n".join(f"- **{k}.** {v}" for k, v in sections.items() if v)
