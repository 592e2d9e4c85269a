"""``JourneyMapper``: per-stage and per-touchpoint evidence for the journey map."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import NotFittedError, SchemaError
from cxlab.gaps._stats import check_columns, check_unit_interval
from cxlab.journey._config import load_journey
from cxlab.journey._emotion import COMPLAINT_EMOTION, assign_stage, emotion_curve, emotion_score
from cxlab.journey._funnel import order_funnel, order_kpis

__all__ = ["JourneyMapper", "redact_quote", "theme_table"]


def redact_quote(text, *, max_chars: int = 140) -> str:
    """Customer text made safe to show: personal data and order references redacted
    (:func:`cxlab.text.redact_pii` with ``references=True``), whitespace folded, shortened.

    Examples
    --------
    >>> redact_quote("Mail me at jo@example.com  now about order LW123456")
    'Mail me at [EMAIL] now about order [REF]'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    from cxlab.text import redact_pii

    text = " ".join(str(redact_pii(str(text), references=True)).split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def theme_table(feedback: pd.DataFrame, themes=None, *, theme_col: str = "theme") -> pd.DataFrame:
    """Long table ``feedback_id, theme[, sentiment]`` from ``themes`` or ``feedback[theme_col]``.

    Only the comments of ``feedback`` are kept: a theme table saved for all comments (say, with
    competitors' posts) and a subset of the feedback (one brand's) give that subset's themes, so
    counts and the shares they are divided by rest on the same comments. Rows are grouped by
    comment keeping their given order within a comment (so a primary theme listed first stays
    first). Returns an empty table when neither source is available.
    """
    if themes is not None:
        check_columns(themes, ["feedback_id", theme_col], arg="themes")
        # a per-mention sentiment (e.g. a ThemeMiner's clause sentiment) is kept: it tells a
        # complaint about this theme apart from praise in the same comment
        extra = ["sentiment"] if "sentiment" in themes.columns else []
        out = themes[["feedback_id", theme_col, *extra]].rename(columns={theme_col: "theme"})
    elif theme_col in feedback.columns and "feedback_id" in feedback.columns:
        out = feedback[["feedback_id", theme_col]].rename(columns={theme_col: "theme"})
    else:
        return pd.DataFrame({"feedback_id": pd.Series(dtype=object), "theme": pd.Series(dtype=object)})
    out = out.dropna(subset=["theme"]).astype({"feedback_id": str, "theme": str})
    if themes is not None and "feedback_id" in feedback.columns:
        out = out[out["feedback_id"].isin(set(feedback["feedback_id"].astype(str)))]
    # keep the given order within a comment (primary theme first when the source ranks them):
    # the first theme decides the stage of a comment that has no touchpoint of its own
    return out.drop_duplicates(["feedback_id", "theme"]).sort_values("feedback_id", kind="stable").reset_index(drop=True)


class JourneyMapper:
    """Build the evidence for a journey map from feedback, surveys, tickets and orders.

    Parameters
    ----------
    journey : path, dict or JourneyConfig, optional
        Stages and touchpoints (default: :data:`cxlab.journey.DEFAULT_JOURNEY`).
    confidence : float, default 0.95
        Level of the emotion bands and KPI intervals.
    n_pain_points : int, default 2
        Pain points listed per stage.
    min_complaints : int, default 10
        A theme is named as a stage's pain point only with at least this many complaints there
        (a share of a handful of complaints is noise). ``pain_points`` reads "late delivery (34% of
        1,036)": the theme's share of the stage's complaints, and how many complaints that is.
    theme_labels : dict, optional
        Display names of theme ids (``{"delivery_delay": "late delivery"}``).
    brand : str, optional
        Map only this brand's comments (rows with no brand are kept). Default: when feedback
        has a ``brand`` column, its most frequent brand, so competitor posts stay out.

    Attributes
    ----------
    stages_ : DataFrame
        One row per stage, in journey order: ``journey_stage``, ``label``, ``touchpoints``,
        ``actions``, ``n_feedback``, ``emotion``, ``ci_low``, ``ci_high``, ``negative_share``,
        ``target_emotion``, ``emotion_gap`` (emotion - target), ``top_pain_point``,
        ``pain_points``, ``quote`` (redacted), ``drop_off``, ``drop_off_label``, ``kpi_text``.
    touchpoints_ : DataFrame
        One row per touchpoint: ``journey_stage``, ``touchpoint``, ``n_feedback``, ``emotion``,
        ``ci_low``, ``ci_high``, plus survey ``expectation``, ``perception`` and ``gap`` when a
        survey was given.
    kpis_ : DataFrame
        Tidy KPI table per stage (``journey_stage``, ``kpi``, ``estimate``, ``ci_low``,
        ``ci_high``, ``n``).
    pain_points_ : DataFrame
        ``journey_stage``, ``theme``, ``label``, ``n``, ``share`` (of the stage's negative comments).
    funnel_ : DataFrame or None
        :func:`order_funnel` output when orders were given.
    feedback_ : DataFrame
        The feedback with its ``emotion`` and resolved ``journey_stage`` (for follow-up curves
        such as :func:`emotion_change`); ``n_skipped_`` counts rows no stage could be given.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"feedback_id": ["1", "2", "3"], "text": ["late again", "love it", "late"],
    ...                    "touchpoint": ["delivery", "website", "delivery"], "rating": [1, 5, 2],
    ...                    "theme": ["delivery_delay", "style_design", "delivery_delay"]})
    >>> m = JourneyMapper(min_complaints=1).fit(fb)
    >>> m.stages_.set_index("journey_stage").loc["delivery", "top_pain_point"]
    'delivery_delay'
    """

    def __init__(self, journey=None, *, confidence: float = 0.95, n_pain_points: int = 2, theme_labels=None,
                 brand=None, min_complaints: int = 10):
        self.journey = journey
        self.brand = brand
        self.confidence = confidence
        self.n_pain_points = n_pain_points
        self.min_complaints = min_complaints
        self.theme_labels = theme_labels

    # ----------------------------------------------------------------------------------------
    def fit(self, feedback, *, survey=None, tickets=None, orders=None, themes=None, targets=None):
        """Aggregate the tables per stage and touchpoint; returns ``self``.

        Parameters
        ----------
        feedback : DataFrame
            Feedback table; needs an emotion source (``sentiment``, ``rating``, ``csat`` or
            ``nps``) and a stage source (``journey_stage``, ``touchpoint`` or ``theme``).
        survey : DataFrame, optional
            Touchpoint survey (expectation vs perception per touchpoint).
        tickets : DataFrame, optional
            Support tickets (first-response KPIs on the journey's ``tickets_stage``).
        orders : DataFrame, optional
            Orders (funnel drop-off, on-time and return KPIs).
        themes : DataFrame, optional
            Long ``feedback_id, theme`` table (e.g. from a ThemeMiner); default: feedback's
            ``theme`` column if present.
        targets : path or dict, optional
            Targets YAML (its ``emotion`` section gives the target curve).
        """
        from cxlab.gaps._config import load_targets

        confidence = check_unit_interval(self.confidence, name="confidence")
        journey = load_journey(self.journey)
        if not isinstance(feedback, pd.DataFrame):
            raise SchemaError(f"feedback must be a DataFrame; received {type(feedback).__name__}.")
        self.brand_ = self.brand
        if "brand" in feedback.columns and feedback["brand"].notna().any():
            if self.brand_ is None:
                self.brand_ = str(feedback["brand"].value_counts().index[0])
            feedback = feedback[feedback["brand"].astype(object).fillna(self.brand_) == self.brand_]
        if "feedback_id" not in feedback.columns:
            feedback = feedback.assign(feedback_id=[str(i) for i in range(len(feedback))])
        labels = dict(self.theme_labels or {})
        tt = theme_table(feedback, themes)
        fb = feedback.assign(
            emotion=feedback["emotion"] if "emotion" in feedback.columns else emotion_score(feedback),
            feedback_id=feedback["feedback_id"].astype(str),
        )
        first_theme = tt.drop_duplicates("feedback_id").set_index("feedback_id")["theme"]
        fb = fb.assign(journey_stage=assign_stage(
            fb.assign(theme=fb["feedback_id"].map(first_theme)), journey=journey))
        self.n_skipped_ = int(fb["journey_stage"].isna().sum())  # rows with no stage cannot be mapped

        curve = emotion_curve(fb, journey=journey, confidence=confidence)
        target = load_targets(targets)["emotion"] if targets is not None else {}
        self.pain_points_ = self._pain_points(fb, tt, labels)
        self.kpis_ = self._kpis(fb, tickets, orders, journey, confidence)
        self.funnel_ = order_funnel(orders, confidence=confidence) if orders is not None else None
        self.touchpoints_ = self._touchpoints(fb, survey, journey, confidence)
        self.stages_ = self._stages(fb, curve, target, journey, labels, tt)
        self.journey_ = journey
        self.feedback_ = fb  # the comments with their emotion and stage, for follow-up curves
        return self

    def _check(self):
        if not hasattr(self, "stages_"):
            raise NotFittedError("this JourneyMapper is not fitted yet; call .fit(feedback, ...) first.")

    # ----------------------------------------------------------------------------------------
    def _pain_points(self, fb, tt, labels):
        cols = ["journey_stage", "theme", "label", "n", "share"]
        neg = fb.loc[fb["emotion"] <= COMPLAINT_EMOTION, ["feedback_id", "journey_stage"]].dropna()
        if tt.empty or neg.empty:
            return pd.DataFrame(columns=cols)
        hits = neg.merge(tt, on="feedback_id", how="inner")
        if "sentiment" in hits.columns:  # "love the fit but the parcel was late": only the parcel
            own = 2 * pd.to_numeric(hits["sentiment"], errors="coerce")
            hits = hits[own.isna() | (own <= COMPLAINT_EMOTION)]
        counts = hits.groupby(["journey_stage", "theme"], sort=True).size().rename("n").reset_index()
        totals = neg.groupby("journey_stage").size()
        counts["share"] = counts["n"] / counts["journey_stage"].map(totals)
        counts["label"] = counts["theme"].map(lambda t: labels.get(t, t.replace("_", " ")))
        counts = counts.sort_values(["journey_stage", "n", "theme"], ascending=[True, False, True], kind="stable")
        return counts[cols].reset_index(drop=True)

    def _kpis(self, fb, tickets, orders, journey, confidence):
        frames = []
        cols = ["journey_stage", "kpi", "estimate", "ci_low", "ci_high", "n"]
        wanted = [k for k, c in (("nps", "nps"), ("csat", "csat"), ("ces", "ces"), ("rating", "rating"))
                  if c in fb.columns and fb[c].notna().any()]
        if wanted:
            from cxlab.kpis import kpi_table

            staged = fb.dropna(subset=["journey_stage"]).astype({"journey_stage": str})
            k = kpi_table(staged, by="journey_stage", kpis=wanted, alpha=1 - confidence, min_n=5)
            frames.append(k[cols])
        if orders is not None:
            frames.append(order_kpis(orders, confidence=confidence)[cols])
        if tickets is not None and journey.tickets_stage and "first_response_at" in tickets.columns:
            from cxlab.kpis import kpi_table

            k = kpi_table(tickets, kpis=("first_response",), alpha=1 - confidence)
            frames.append(k.assign(journey_stage=journey.tickets_stage)[cols])
        if not frames:
            return pd.DataFrame(columns=cols)
        out = pd.concat(frames, ignore_index=True)
        order = {s: i for i, s in enumerate(journey.names)}
        return out.sort_values("journey_stage", key=lambda s: s.map(order).fillna(len(order)), kind="stable").reset_index(drop=True)

    def _touchpoints(self, fb, survey, journey, confidence):
        curve = emotion_curve(fb.dropna(subset=["touchpoint"]) if "touchpoint" in fb else fb.iloc[:0].assign(touchpoint=[]),
                              by="touchpoint", confidence=confidence)
        curve = curve.rename(columns={"n": "n_feedback"})
        tps = journey.touchpoint_stages()
        base = pd.DataFrame({"touchpoint": list(tps), "journey_stage": list(tps.values())})
        extra = sorted(set(curve["touchpoint"]) - set(tps))
        if extra:
            base = pd.concat([base, pd.DataFrame({"touchpoint": extra, "journey_stage": pd.NA})], ignore_index=True)
        out = base.merge(curve, on="touchpoint", how="left")
        if survey is not None:
            from cxlab.gaps._expectation import expectation_gaps

            g = expectation_gaps(survey, by="touchpoint", confidence=confidence)
            out = out.merge(g[["touchpoint", "expectation", "perception", "gap"]], on="touchpoint", how="left")
        out["n_feedback"] = out["n_feedback"].fillna(0).astype(int)
        return out[["journey_stage", *[c for c in out.columns if c != "journey_stage"]]]

    def _stages(self, fb, curve, target, journey, labels, tt):
        rows = []
        curve = curve.set_index("journey_stage")
        neg_share = fb.dropna(subset=["emotion", "journey_stage"]).groupby("journey_stage")["emotion"].apply(
            lambda e: float((e <= COMPLAINT_EMOTION).mean()))  # a complaint, as everywhere else
        for pos, stage in enumerate(journey.stages):
            pp = self.pain_points_[(self.pain_points_["journey_stage"] == stage.name)
                                   & (self.pain_points_["n"] >= getattr(self, "min_complaints", 0))].head(self.n_pain_points)
            top = pp["theme"].iloc[0] if len(pp) else None
            row = {
                "journey_stage": stage.name, "label": stage.label, "position": pos,
                "touchpoints": ", ".join(stage.touchpoints), "actions": ", ".join(stage.actions),
                "n_feedback": int(curve["n"].get(stage.name, 0)),
                "emotion": curve["emotion"].get(stage.name, np.nan),
                "ci_low": curve["ci_low"].get(stage.name, np.nan),
                "ci_high": curve["ci_high"].get(stage.name, np.nan),
                "negative_share": neg_share.get(stage.name, np.nan),
                "target_emotion": target.get(stage.name, np.nan),
                "top_pain_point": top,
                "pain_points": "; ".join(f"{r.label} ({r.share:.0%} of {round(r.n / r.share):,})"
                                         for r in pp.itertuples()),
                "quote": self._quote(fb, stage.name, top, tt),
                "drop_off": self._drop_off(stage.name),
                "drop_off_label": self._drop_off(stage.name, col="drop_off_label"),
                "kpi_text": self._kpi_text(stage.name),
            }
            rows.append(row)
        out = pd.DataFrame(rows)
        out["emotion_gap"] = out["emotion"] - out["target_emotion"]
        return out

    def _quote(self, fb, stage, theme, tt):
        # The most negative readable comment on the stage's top pain point, redacted; ties are
        # broken by length then id so the same data always shows the same quote.
        if "text" not in fb.columns:
            return ""
        cand = fb[(fb["journey_stage"] == stage) & (fb["emotion"] < 0)]
        if theme is not None:
            cand = cand[cand["feedback_id"].isin(tt.loc[tt["theme"] == theme, "feedback_id"])]
        length = cand["text"].astype(str).str.len()
        cand = cand.assign(_len=length)[(length >= 25) & (length <= 220)]
        if cand.empty:
            return ""
        cand = cand.sort_values(["emotion", "_len", "feedback_id"], kind="stable")
        return redact_quote(cand["text"].iloc[0])

    def _drop_off(self, stage, col="drop_off"):
        if self.funnel_ is None:
            return np.nan if col == "drop_off" else ""
        hit = self.funnel_[self.funnel_["journey_stage"] == stage]
        if not len(hit):
            return np.nan if col == "drop_off" else ""
        return float(hit[col].iloc[0]) if col == "drop_off" else str(hit[col].iloc[0])

    def _kpi_text(self, stage):
        names = {"nps": "NPS {:+.0f}", "csat": "CSAT {:.0%}", "ces": "CES {:.1f}", "rating": "rating {:.1f}",
                 "on_time_rate": "on time {:.0%}", "first_response_median_hours": "1st reply {:.0f} h"}
        # abandonment and returns are the funnel's drop-off: shown in their own lane, not here
        k = self.kpis_[(self.kpis_["journey_stage"] == stage) & self.kpis_["kpi"].isin(list(names))]
        k = k.dropna(subset=["estimate"])
        return "\n".join(names[r.kpi].format(r.estimate) for r in k.itertuples())
