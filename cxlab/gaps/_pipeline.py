"""One call from canonical tables to every gap result: used by ``cxlab gaps`` and notebook 05."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.kpis._validate import read_numbers

__all__ = ["GapReport", "analyse_gaps", "overall_kpis"]


def overall_kpis(tables: dict, *, alpha: float = 0.05) -> pd.DataFrame:
    """Company-level KPIs with intervals from whichever tables are present.

    Feedback: NPS, CSAT (share 4-5), CES, rating; customers: churn; tickets: first-response and
    resolution times; orders: checkout abandonment, on-time rate, return rate. Computed with
    :func:`cxlab.kpis.kpi_table` and :func:`cxlab.journey.order_kpis`.

    Returns
    -------
    DataFrame
        ``kpi``, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``source``.
    """
    from cxlab.journey import order_kpis
    from cxlab.kpis import kpi_table

    cols = ["kpi", "estimate", "ci_low", "ci_high", "n"]
    frames = []
    fb = tables.get("feedback")
    if fb is not None:
        wanted = [k for k in ("nps", "csat", "ces", "rating") if k in fb.columns and fb[k].notna().any()]
        if wanted:
            frames.append(kpi_table(fb, kpis=wanted, alpha=alpha)[cols].assign(source="feedback"))
    cu = tables.get("customers")
    if cu is not None and "churned" in cu.columns and cu["churned"].notna().any():
        frames.append(kpi_table(cu, kpis=("churn",), alpha=alpha)[cols].assign(source="customers"))
    tk = tables.get("tickets")
    if tk is not None and "first_response_at" in tk.columns:
        kp = ["first_response"] + (["resolution"] if "resolved_at" in tk.columns else [])
        frames.append(kpi_table(tk, kpis=kp, time_col="opened_at", alpha=alpha)[cols].assign(source="tickets"))
    od = tables.get("orders")
    if od is not None and "status" in od.columns:
        frames.append(order_kpis(od, confidence=1 - alpha)[cols].assign(source="orders"))
    if not frames:
        return pd.DataFrame(columns=[*cols, "source"])
    return pd.concat(frames, ignore_index=True)


@dataclass
class GapReport:
    """Every table of a gap analysis; ``None`` where the inputs did not allow it.

    ``tables()`` lists the non-empty ones by file stem; ``notes`` says what was skipped and why.
    """

    expectation: pd.DataFrame | None = None
    expectation_dimensions: pd.DataFrame | None = None
    internal: pd.DataFrame | None = None
    kpis: pd.DataFrame | None = None
    kpi_targets: pd.DataFrame | None = None
    touchpoint_targets: pd.DataFrame | None = None
    pain_points: pd.DataFrame | None = None
    emerging: pd.DataFrame | None = None
    benchmark: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None
    theme_drivers: pd.DataFrame | None = None
    gaps: pd.DataFrame | None = None
    priorities: pd.DataFrame | None = None
    swot: pd.DataFrame | None = None
    monitoring: pd.DataFrame | None = None
    quotes: pd.DataFrame | None = None
    action_plan: pd.DataFrame | None = None
    focal: str | None = None
    notes: list = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {k: v for k, v in vars(self).items() if isinstance(v, pd.DataFrame) and not v.empty}

    def summary(self, *, journey=None, emotion_change=None, split_date=None) -> str:
        """Executive summary in Markdown, every sentence computed from these tables.

        ``journey`` (:attr:`JourneyMapper.stages_`) and ``emotion_change``
        (:func:`cxlab.journey.emotion_change` at ``split_date``) add the journey sentences.
        """
        from cxlab import report_text as rt

        focal = self.focal
        sections = {}
        if journey is not None:
            sections["Journey"] = rt.describe_journey(journey)
        if emotion_change is not None and split_date is not None:
            sections["What changed"] = rt.describe_emotion_change(emotion_change, split_date=split_date)
        sections["Largest gaps"] = rt.describe_expectation_gaps(self.expectation) if self.expectation is not None else ""
        sections["Blind spot"] = rt.describe_internal_view(self.internal) if self.internal is not None else ""
        sections["Targets"] = rt.describe_targets(self.kpi_targets) if self.kpi_targets is not None else ""
        sections["Emerging"] = rt.describe_emerging(self.emerging) if self.emerging is not None else ""
        if self.benchmark is not None and focal:
            sections["Competitors"] = rt.describe_benchmark(self.benchmark, focal=focal)
        sections["Priorities"] = rt.describe_priorities(self.priorities) if self.priorities is not None else ""
        if self.monitoring is not None:
            sections["Monitoring"] = rt.describe_monitoring(self.monitoring)
        return rt.executive_summary(sections)


def _auto_drivers(survey, feedback, themes, *, exclude, alpha, random_state, notes, n_bootstrap=100):
    """Touchpoint and theme driver tables from :mod:`cxlab.drivers` (None where not possible)."""
    from cxlab.drivers import driver_importance, importance_performance, pivot_touchpoint_scores, theme_indicators
    from cxlab.exceptions import CxlabError

    tp = th = None
    if survey is not None and "overall_satisfaction" in survey.columns and survey["overall_satisfaction"].notna().any():
        try:
            wide = pivot_touchpoint_scores(survey)
            tp = importance_performance(driver_importance(wide, outcome="overall_satisfaction", alpha=alpha,
                                                          n_bootstrap=n_bootstrap, random_state=random_state))
        except CxlabError as exc:
            notes.append(f"touchpoint drivers skipped: {exc}")
    if feedback is not None and themes is not None and "nps" in feedback.columns and feedback["nps"].notna().any():
        try:
            # every comment, themed or not, so the regression compares against comments without the theme
            ind = theme_indicators(themes[~themes["theme"].isin(list(exclude))], ids=feedback["feedback_id"])
            nps = feedback.assign(feedback_id=feedback["feedback_id"].astype(str)).set_index("feedback_id")["nps"]
            data = ind.join(read_numbers(nps, name="feedback column 'nps'").rename("nps"), how="inner").dropna(subset=["nps"])
            th = driver_importance(data, outcome="nps", alpha=alpha, n_bootstrap=n_bootstrap, random_state=random_state)
        except CxlabError as exc:
            notes.append(f"theme drivers skipped: {exc}")
    return tp, th


def _theme_long(feedback, themes):
    from cxlab.journey import theme_table

    return theme_table(feedback, themes)


def analyse_gaps(
    tables: dict,
    *,
    themes: pd.DataFrame | None = None,
    targets=None,
    effort=None,
    actions=None,
    importance="auto",
    focal: str | None = None,
    theme_labels: dict | None = None,
    exclude_themes=(),
    praise_themes=(),
    alpha: float = 0.05,
    correction: str = "holm",
    top: int = 10,
    random_state: int = 0,
) -> GapReport:
    """Run every gap analysis the given tables allow and collect the results.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Canonical tables by name (``feedback``, ``touchpoint_survey``, ``employee_survey``,
        ``orders``, ``tickets``, ``customers``); missing ones are skipped and noted. Feedback
        should carry an ``emotion`` column (:func:`cxlab.journey.add_emotion`); otherwise its
        scores are used.
    themes : DataFrame, optional
        Long ``feedback_id, theme`` table (e.g. a ThemeMiner's assignments); default: a
        ``theme`` column of feedback. Without themes, pain points, emerging themes, theme
        benchmarks and monitoring are skipped.
    targets, effort, actions : path or dict, optional
        Researcher YAMLs (:func:`load_targets`, :func:`load_effort`, :func:`load_actions`).
    importance : "auto", DataFrame, dict or None, default "auto"
        Driver importance for the priorities' impact term. ``"auto"`` computes it with
        :mod:`cxlab.drivers`: touchpoints -> ``overall_satisfaction`` (touchpoint survey) and
        themes -> ``nps`` (feedback); each driver's share of R^2 (``importance_share``) divided
        by the largest share in its own model, so the top driver of each model has impact 1. A DataFrame needs ``driver`` and ``importance``; None gives
        every gap impact 1.
    focal : str, optional
        Your brand for the competitor benchmark (default: the most frequent ``brand``).
    exclude_themes : sequence of str
        Theme ids that are not pain points (e.g. ``"unthemed"``).
    praise_themes : sequence of str
        Themes customers raise as praise (e.g. ``"style_design"``): not pain points, and a
        higher share is better in the benchmark.
    alpha, correction
        Significance level and multiple-testing correction used throughout.
    top : int, default 10
        Gaps kept in the action plan.
    random_state : int, default 0
        Passed to monitoring (bootstrap / resampling where used).

    Returns
    -------
    GapReport

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": list("abcdef"), "touchpoint": ["returns"] * 6,
    ...                   "expectation": [6] * 6, "perception": [3, 4, 3, 4, 3, 4]})
    >>> r = analyse_gaps({"touchpoint_survey": s})
    >>> r.priorities[["gap_id", "rank"]]
                   gap_id  rank
    0  touchpoint:returns     1
    """
    from cxlab.gaps import (
        action_plan, build_swot, collect_gaps, gap_quotes, competitor_benchmark, current_vs_target, emerging_themes,
        expectation_gaps, internal_vs_customer, load_actions, prioritise_gaps, theme_pain_points,
        touchpoint_vs_target,
    )

    if not isinstance(tables, dict):
        raise ParameterError(f"tables must be a dict of DataFrames by table name; received {type(tables).__name__}.")
    rep = GapReport()
    fb, survey, emp = tables.get("feedback"), tables.get("touchpoint_survey"), tables.get("employee_survey")
    labels = dict(theme_labels or {})
    acts = load_actions(actions) if actions is not None and not isinstance(actions, list) else actions
    if survey is not None:
        rep.expectation = expectation_gaps(survey, alpha=alpha, correction=correction)
        if "dimension" in survey.columns and survey["dimension"].notna().any():
            rep.expectation_dimensions = expectation_gaps(survey, by=("touchpoint", "dimension"), alpha=alpha,
                                                          correction=correction)
        if targets is not None:
            rep.touchpoint_targets = touchpoint_vs_target(survey, targets)
    else:
        rep.notes.append("no touchpoint survey: expectation gaps skipped")
    if emp is not None and survey is not None:
        rep.internal = internal_vs_customer(emp, survey, alpha=alpha, correction=correction)
    else:
        rep.notes.append("no employee survey: internal view skipped")
    tt = _theme_long(fb, themes) if fb is not None else None
    has_themes = tt is not None and not tt.empty
    fbf = fb  # the focal brand's own comments (competitor posts only feed the benchmark)
    if fb is not None and "brand" in fb.columns and fb["brand"].notna().any():
        if focal is None:
            focal = str(fb["brand"].value_counts().index[0])
        fbf = fb[fb["brand"].astype(object).fillna(focal) == focal]
    rep.kpis = overall_kpis({**tables, "feedback": fbf} if fb is not None else tables, alpha=alpha)
    if targets is not None:
        rep.kpi_targets = current_vs_target(rep.kpis, targets)
    if fb is not None and has_themes:
        not_pain = [*exclude_themes, *praise_themes]
        rep.pain_points = theme_pain_points(fbf, tt, labels=labels, exclude=not_pain)
        if "created_at" in fb.columns:
            # within channels when there are several: a change in the channel mix is not a new problem
            by_channel = "channel" if "channel" in fbf.columns and fbf["channel"].nunique() > 1 else None
            rep.emerging = emerging_themes(fbf, tt[~tt["theme"].isin(not_pain)], labels=labels,
                                           alpha=alpha, strata=by_channel)
    elif fb is not None:
        rep.notes.append("no themes: pain points, emerging themes and theme-share monitoring skipped")
    if acts:
        long = None
        if fb is not None and has_themes and "created_at" in fb.columns:
            long = fbf.merge(tt, on="feedback_id", how="left") if "theme" not in fbf.columns else fbf
        from cxlab.monitoring import monitor_actions

        # each action on the table holding its metric: comments (theme_share, rating...) or the
        # touchpoint survey (perception...)
        rep.monitoring = monitor_actions(acts, long, alpha=alpha, labels=labels, survey=survey)
    if fb is not None and "brand" in fb.columns and fb["brand"].nunique() > 1:
        focal = focal or str(fb["brand"].value_counts().index[0])
        bench_fb = fb
        if "channel" in fb.columns:
            # like with like: competitors are only seen in some channels (e.g. social posts), so
            # the focal brand is compared on those channels only
            rivals = fb.loc[fb["brand"].astype(object) != focal, "channel"].dropna().unique()
            bench_fb = fb[fb["channel"].isin(rivals)]
            rep.notes.append(f"competitor benchmark on channel(s) {sorted(map(str, rivals))} only")
        rep.benchmark = competitor_benchmark(bench_fb, focal=focal, themes=tt if has_themes else None,
                                             positive_themes=list(praise_themes), alpha=alpha)
    rep.focal = focal
    if isinstance(importance, str) and importance == "auto":
        rep.drivers, rep.theme_drivers = _auto_drivers(survey, fb, tt if has_themes else None,
                                                       exclude=[*exclude_themes], alpha=alpha,
                                                       random_state=random_state, notes=rep.notes)
        shares = {}
        for kind, d in (("touchpoint", rep.drivers), ("theme", rep.theme_drivers)):
            if d is not None and len(d):
                # each model's top driver gets 1: the two outcome models explain different
                # amounts of variance, so their raw shares are not on one scale. Keys name the
                # kind: a touchpoint and a theme may share an id ("customer_service")
                top_share = float(d["importance_share"].max())
                if top_share > 0:
                    shares.update((f"{kind}:{k}", v) for k, v in
                                  zip(d["driver"].astype(str), d["importance_share"].astype(float) / top_share))
        importance = shares or None
    elif isinstance(importance, pd.DataFrame):
        rep.drivers = importance
    rep.gaps = collect_gaps(expectation=rep.expectation, pain_points=rep.pain_points,
                            targets=rep.touchpoint_targets, labels=labels)
    rep.priorities = prioritise_gaps(rep.gaps, importance=importance, effort=effort, actions=acts,
                                     monitoring=rep.monitoring)
    drivers_for_swot = rep.drivers if rep.drivers is not None and "performance" in rep.drivers.columns else None
    themes_for_swot = rep.pain_points
    if has_themes and praise_themes:  # praise themes are no pain points but can be strengths
        themes_for_swot = theme_pain_points(fbf, tt, labels=labels, exclude=list(exclude_themes))
    rep.swot = build_swot(expectation=rep.expectation, pain_points=themes_for_swot, drivers=drivers_for_swot,
                          emerging=rep.emerging, benchmark=rep.benchmark, prioritised=rep.priorities)
    verdicts = rep.monitoring[["action", "verdict"]] if rep.monitoring is not None else None
    quotes = None
    if fb is not None and "text" in fb.columns and len(rep.priorities):
        rep.quotes = gap_quotes(rep.priorities, fbf, tt if has_themes else None)  # every gap the plan may show
        quotes = {g: q for g, q in zip(rep.quotes["gap_id"], rep.quotes["quote"]) if q}
    rep.action_plan = action_plan(rep.priorities, actions=acts, verdicts=verdicts, quotes=quotes, top=top)
    return rep
