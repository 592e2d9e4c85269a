"""Gap inventory and prioritisation: impact x reach x severity x feasibility / effort.

The priority formula (documented here and in :func:`prioritise_gaps`)::

    value          = impact * reach * severity            (each on 0..1)
    priority_score = value * feasibility / effort         (feasibility, effort on 1..5)

* **impact** - how much the touchpoint/theme moves the overall outcome: its driver importance
  (e.g. relative weight from :mod:`cxlab.drivers`) divided by the largest importance among the
  gaps, so the most important driver has impact 1. Gaps with no importance estimate take the
  median of the others; with no importance table at all every gap has impact 1.
* **reach** - share of customers touched: respondents whose perception fell below their
  expectation (survey gaps) or share of comments raising the theme as a complaint (pain points).
* **severity** - how bad it is when it happens: the mean shortfall as a share of the scale's
  range (survey gaps: ``-gap / 6`` on a 1-7 scale), or the mean negativity of complaints
  (pain points: ``-emotion / 2``), clipped to 0..1.
* **effort** and **feasibility** - researcher-supplied in an effort YAML (1..5; see
  :func:`cxlab.gaps.load_effort`), defaults 3 and 3.

The impact x effort matrix puts ``value`` against ``effort``: "quick win" (value at or above
the median, effort <= 3), "major project" (value >= median, effort > 3), "fill-in" (value below
the median, effort <= 3) and "reconsider" (value below the median, effort > 3).

Ranking puts the gaps that still need a decision first. Each gap gets a ``status``:

* "open" - no action is live on it and its target (if any) is not met;
* "no effect seen" - an action is live but monitoring detected no change in its measure (which
  is not proof that it failed: the data may be too few or too early);
* "worse since action" - an action is live and its measure worsened;
* "action live" - an action is live and monitoring cannot judge it yet (or found a change
  with no desired direction), or judged it on another gap's measure (an action on the checkout
  measured by the share of checkout complaints judges the theme gap, not the touchpoint's
  perception gap);
* "action worked" - an action is live and monitoring says its measure closed;
* "target met" - the researcher's target for the touchpoint is met (whole interval at or above
  it), even though customers still expect more.

"open", "no effect seen" and "worse since action" gaps still need a decision (``to_do`` is True)
and are ranked first (by ``priority_score``), then "action live", then "action worked" and
"target met": those are for watching, not new work. The score itself never depends on the
status, so a filtered table reads the same.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.gaps._config import cell_name, effort_for, load_actions, load_effort, matching_action
from cxlab.gaps._stats import check_columns

__all__ = ["collect_gaps", "theme_pain_points", "prioritise_gaps", "GAP_COLUMNS", "GAP_STATUSES"]

#: columns of the gap inventory (input of :func:`prioritise_gaps`)
GAP_COLUMNS = ["gap_id", "kind", "touchpoint", "theme", "label", "reach", "severity", "metric",
               "current", "target", "target_status", "evidence"]

#: gap statuses of :func:`prioritise_gaps`, in ranking order (the first three share a tier)
GAP_STATUSES = ("open", "no effect seen", "worse since action", "action live", "action worked", "target met")
_STATUS_TIER = {"open": 0, "no effect seen": 0, "worse since action": 0, "action live": 1, "action worked": 2,
                "target met": 2}
_MONITOR_STATUS = {"closed": "action worked", "no_change": "no effect seen", "worsened": "worse since action"}


def mention_emotion(tt: pd.DataFrame, comment_emotion: pd.Series) -> pd.Series:
    """Emotion (-2..+2) of each mention of a long ``feedback_id, theme[, sentiment]`` table: the
    mention's own sentiment (-1..1, doubled) when known, else its comment's emotion
    (``comment_emotion`` indexed by ``feedback_id``). A mention is a complaint at or below
    :data:`~cxlab.journey._emotion.COMPLAINT_EMOTION`, in every table that counts complaints."""
    comment = tt["feedback_id"].map(comment_emotion)
    if "sentiment" not in tt.columns:
        return comment
    return (2 * pd.to_numeric(tt["sentiment"], errors="coerce").clip(-1, 1)).fillna(comment)


def theme_pain_points(feedback: pd.DataFrame, themes=None, *, theme_col: str = "theme", labels=None,
                      exclude=()) -> pd.DataFrame:
    """Per theme: comments raising it, complaints, reach and severity (for the gap inventory).

    ``reach`` = complaints about the theme / all comments with an emotion; ``severity`` =
    mean ``-emotion / 2`` of those complaints. A mention is a complaint when its own sentiment
    (a ``sentiment`` column of ``themes``, -1..1) is negative (at most -0.05, the themes tables'
    neutral band), else when its comment's emotion (``emotion`` column or
    :func:`cxlab.journey.emotion_score`) is.

    Returns
    -------
    DataFrame
        ``theme``, ``label``, ``n_comments``, ``n_complaints``, ``reach``, ``severity``,
        ``mean_emotion``; sorted by complaints (most first).

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"feedback_id": list("abcd"), "rating": [1, 2, 5, 4],
    ...                    "theme": ["late", "late", "style", None]})
    >>> theme_pain_points(fb)[["theme", "n_complaints", "reach"]]
       theme  n_complaints  reach
    0   late             2    0.5
    1  style             0    0.0
    """
    from cxlab.journey._emotion import COMPLAINT_EMOTION, emotion_score
    from cxlab.journey._map import theme_table

    ids = feedback["feedback_id"].astype(str) if "feedback_id" in feedback.columns else pd.Series(
        [str(i) for i in range(len(feedback))], index=feedback.index)
    fb = feedback.assign(feedback_id=ids)
    emotion = fb["emotion"] if "emotion" in fb.columns else emotion_score(fb)
    em = pd.Series(emotion.to_numpy(float), index=ids).groupby(level=0).first()
    tt = theme_table(fb, themes, theme_col=theme_col)
    tt = tt[~tt["theme"].isin(list(exclude))]
    tt = tt.assign(emotion=mention_emotion(tt, em))
    total = int(em.notna().sum())
    labels = dict(labels or {})
    rows = []
    for th, g in tt.groupby("theme", sort=True):
        neg = g["emotion"][g["emotion"] <= COMPLAINT_EMOTION]
        rows.append((th, labels.get(th, th.replace("_", " ")), len(g), len(neg),
                     len(neg) / total if total else np.nan,
                     float(np.clip(-neg.mean() / 2, 0, 1)) if len(neg) else 0.0, g["emotion"].mean()))
    out = pd.DataFrame(rows, columns=["theme", "label", "n_comments", "n_complaints", "reach", "severity", "mean_emotion"])
    return out.sort_values(["n_complaints", "theme"], ascending=[False, True], kind="stable").reset_index(drop=True)


def collect_gaps(*, expectation=None, pain_points=None, targets=None, scale_range: float = 6.0,
                 only_significant: bool = True, labels=None) -> pd.DataFrame:
    """Gather gaps from the analyses into one inventory (the input of :func:`prioritise_gaps`).

    Parameters
    ----------
    expectation : DataFrame, optional
        :func:`expectation_gaps` output by touchpoint; shortfalls (gap < 0, and significant when
        ``only_significant``) become ``kind="expectation"`` gaps.
    pain_points : DataFrame, optional
        :func:`theme_pain_points` output (or any table with ``theme``, ``reach``, ``severity``);
        themes with complaints become ``kind="pain_point"`` gaps.
    targets : DataFrame, optional
        :func:`touchpoint_vs_target` output; fills ``target`` and ``target_status`` ("met",
        "missed", "unclear") of touchpoint gaps. Gaps without a target of their own are measured
        against the customers' expectation and have ``target_status`` "no target".
    scale_range : float, default 6.0
        Range of the survey scale (7 - 1), to turn a gap into a 0..1 severity.
    labels : dict, optional
        Readable names of theme ids (touchpoints are named by their id, ``_`` -> space).

    Returns
    -------
    DataFrame
        Columns :data:`GAP_COLUMNS`; ``gap_id`` is ``"touchpoint:<name>"`` or ``"theme:<name>"``.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"touchpoint": ["returns"], "gap": [-2.4], "ci_low": [-2.6], "ci_high": [-2.2],
    ...                   "share_below": [0.9], "significant": [True], "expectation": [6.1],
    ...                   "perception": [3.7], "n": [400]})
    >>> collect_gaps(expectation=e)[["gap_id", "reach", "severity"]]
                   gap_id  reach  severity
    0  touchpoint:returns    0.9       0.4
    """
    labels = dict(labels or {})
    rows = []
    tgt, tgt_status = {}, {}
    if targets is not None and len(targets):
        check_columns(targets, ["touchpoint", "target"], arg="targets", hint=" Pass cxlab.gaps.touchpoint_vs_target() output.")
        tgt = dict(zip(targets["touchpoint"], targets["target"]))
        if "status" in targets.columns:
            tgt_status = dict(zip(targets["touchpoint"], targets["status"].astype(str)))
    if expectation is not None and len(expectation):
        check_columns(expectation, ["touchpoint", "gap", "share_below", "expectation", "perception"], arg="expectation")
        e = expectation[expectation["gap"] < 0]
        if only_significant and "significant" in e.columns:
            e = e[e["significant"].astype(bool)]
        for r in e.itertuples():
            ci = f", 95% CI {r.ci_low:.2f} to {r.ci_high:.2f}" if hasattr(r, "ci_low") else ""
            rows.append({
                "gap_id": f"touchpoint:{r.touchpoint}", "kind": "expectation", "touchpoint": r.touchpoint,
                "theme": None, "label": str(r.touchpoint).replace("_", " "),
                "reach": float(r.share_below), "severity": float(np.clip(-r.gap / scale_range, 0, 1)),
                "metric": f"perception of {r.touchpoint} (1-7)", "current": float(r.perception),
                "target": tgt.get(r.touchpoint, float(r.expectation)),
                "target_status": tgt_status.get(r.touchpoint, "no target"),
                "evidence": (f"perception {r.perception:.2f} vs expectation {r.expectation:.2f} "
                             f"(gap {r.gap:+.2f}{ci}; {r.share_below:.0%} of {int(r.n)} respondents below)"),
            })
    if pain_points is not None and len(pain_points):
        check_columns(pain_points, ["theme", "reach", "severity"], arg="pain_points")
        p = pain_points[pain_points["reach"] > 0]
        for r in p.itertuples():
            label = getattr(r, "label", None) or labels.get(r.theme, str(r.theme).replace("_", " "))
            n = getattr(r, "n_complaints", None)
            rows.append({
                "gap_id": f"theme:{r.theme}", "kind": "pain_point", "touchpoint": None, "theme": r.theme,
                "label": label, "reach": float(r.reach), "severity": float(np.clip(r.severity, 0, 1)),
                "metric": f"share of comments complaining about {label}", "current": float(r.reach),
                "target": None, "target_status": "no target",
                "evidence": (f"{r.reach:.1%} of comments complain about {label}"
                             + (f" ({int(n)} comments)" if n is not None else "")
                             + f"; mean severity {r.severity:.2f}"),
            })
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def _importance_lookup(importance) -> dict:
    if importance is None:
        return {}
    if isinstance(importance, dict):
        return {str(k): float(v) for k, v in importance.items()}
    check_columns(importance, ["driver", "importance"], arg="importance",
                  hint=" Pass cxlab.drivers output or a dict {driver: importance}.")
    return {str(k): float(v) for k, v in zip(importance["driver"], importance["importance"])}


def prioritise_gaps(gaps: pd.DataFrame, *, importance=None, effort=None, actions=None,
                    monitoring: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score and rank gaps: ``priority_score = impact * reach * severity * feasibility / effort``.

    See the module docstring (:mod:`cxlab.gaps._priority`) for each term.

    Parameters
    ----------
    gaps : DataFrame
        Gap inventory (:func:`collect_gaps` output: ``gap_id``, ``touchpoint``, ``theme``,
        ``reach``, ``severity``, ...).
    importance : DataFrame or dict, optional
        Driver importance: ``driver`` and ``importance`` columns, drivers named like the gaps'
        touchpoints or themes (e.g. ``cxlab.drivers`` output), or ``{name: importance}``. Names
        may be qualified as ``"touchpoint:<id>"`` / ``"theme:<id>"`` when a touchpoint and a
        theme share an id; a qualified name wins over a bare one.
    effort : path, dict or None
        Effort YAML (:func:`cxlab.gaps.load_effort`).
    actions : path, list of dict or dict, optional
        Actions already live (actions YAML, :func:`cxlab.gaps.load_actions`); an action on a
        gap's theme or touchpoint sets its ``status`` and ``action``.
    monitoring : DataFrame, optional
        :func:`cxlab.monitoring.monitor_actions` results (``action``, ``status``): whether each
        live action closed its measure.

    Returns
    -------
    DataFrame
        The gaps with ``importance``, ``impact``, ``value``, ``effort``, ``feasibility``,
        ``owner``, ``priority_score``, ``quadrant``, ``status``, ``to_do``, ``action`` and
        ``rank`` (1 = do first), sorted by rank: gaps that still need a decision (``to_do``)
        first (see the module docstring for the statuses). With a ``kind`` column, also
        ``rank_in_kind``: the rank among gaps of the same kind. Survey gaps (share of respondents
        below expectation, shortfall on the scale) and complaint themes (share of comments
        complaining, their negativity) are measured on different bases, so a rank within a kind
        is the firmer comparison; the overall rank mixes the two.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"gap_id": ["a", "b"], "touchpoint": ["x", "y"], "theme": [None, None],
    ...                   "reach": [0.5, 0.8], "severity": [0.4, 0.4]})
    >>> prioritise_gaps(g, effort={"touchpoints": {"y": {"effort": 5}}})[["gap_id", "priority_score", "rank"]]
      gap_id  priority_score  rank
    0      a           0.200     1
    1      b           0.192     2

    A met target sends a gap after the open ones, whatever its score:

    >>> g["target_status"] = ["met", "missed"]
    >>> prioritise_gaps(g)[["gap_id", "status", "rank"]]
      gap_id      status  rank
    0      b        open     1
    1      a  target met     2
    """
    check_columns(gaps, ["gap_id", "touchpoint", "theme", "reach", "severity"], arg="gaps")
    eff = load_effort(effort)
    acts = actions if actions is None or isinstance(actions, list) else load_actions(actions)
    checked, measured = {}, {}
    if monitoring is not None and len(monitoring):
        check_columns(monitoring, ["action", "status"], arg="monitoring",
                      hint=" Pass cxlab.monitoring.monitor_actions() output.")
        checked = dict(zip(monitoring["action"].astype(str), monitoring["status"].astype(str)))
        if "metric" in monitoring.columns:
            measured = dict(zip(monitoring["action"].astype(str), monitoring["metric"].astype(str)))
    lookup = _importance_lookup(importance)
    out = gaps.copy()

    def imp(r):
        # a theme gap takes its theme's importance, a touchpoint gap its touchpoint's: "theme:x" /
        # "touchpoint:x" keys first (a touchpoint and a theme may share an id), then a bare name
        theme, tp = cell_name(r["theme"]), cell_name(r["touchpoint"])
        keys = [f"theme:{theme}", theme] if theme is not None else [f"touchpoint:{tp}", tp] if tp is not None else []
        for key in keys:
            if key in lookup:
                return lookup[key]
        return np.nan

    out["importance"] = out.apply(imp, axis=1) if len(out) else pd.Series(dtype=float)
    if lookup and out["importance"].notna().any():
        filled = out["importance"].fillna(out["importance"].median())
        top = filled.max()
        out["impact"] = filled / top if top > 0 else 1.0
    else:
        out["impact"] = 1.0
    entries = [effort_for(eff, touchpoint=r["touchpoint"], theme=r["theme"]) for _, r in out.iterrows()]
    out["effort"] = [e["effort"] for e in entries]
    out["feasibility"] = [e["feasibility"] for e in entries]
    out["owner"] = [e["owner"] for e in entries]
    out["value"] = out["impact"] * out["reach"].astype(float) * out["severity"].astype(float)
    out["priority_score"] = (out["value"] * out["feasibility"] / out["effort"]).round(6)
    med = out["value"].median() if len(out) else 0.0
    high = out["value"] >= med
    easy = out["effort"] <= 3
    out["quadrant"] = np.select([high & easy, high & ~easy, ~high & easy], ["quick win", "major project", "fill-in"],
                                "reconsider")
    status, action = [], []
    for _, r in out.iterrows():
        act = matching_action(acts, theme=r["theme"], touchpoint=r["touchpoint"])
        action.append("" if act is None else act["name"])
        if "target_status" in out.columns and r["target_status"] == "met":
            status.append("target met")
        elif act is None:
            status.append("open")
        else:
            # a verdict speaks for the gap whose measure it tested: a share of comments for a
            # theme gap, a survey or KPI measure for a touchpoint gap; the action's other gap is
            # "action live" (not judged on its own measure)
            metric = measured.get(act["name"])
            own = metric is None or (metric == "theme_share") == (cell_name(r["theme"]) is not None)
            status.append(_MONITOR_STATUS.get(checked.get(act["name"]), "action live") if own else "action live")
    out["status"] = status
    out["_tier"] = out["status"].map(_STATUS_TIER)
    out["to_do"] = out["_tier"].eq(0)
    out["action"] = action
    out = (out.sort_values(["_tier", "priority_score", "gap_id"], ascending=[True, False, True], kind="stable")
           .drop(columns="_tier").reset_index(drop=True))
    out["rank"] = np.arange(1, len(out) + 1)
    if "kind" in out.columns:  # survey gaps and complaint themes are measured on different bases
        out["rank_in_kind"] = out.groupby("kind", sort=False).cumcount() + 1
    return out

