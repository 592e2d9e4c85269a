"""Emotion on a -2..+2 scale and the emotion curve across journey stages."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.gaps._stats import check_columns, check_unit_interval, mean_interval, welch_interval
from cxlab.kpis._validate import read_numbers
from cxlab.io._time import date_param, read_times, warn_undated
from cxlab.journey._config import JourneyConfig, load_journey

__all__ = ["EMOTION_SOURCES", "emotion_score", "add_emotion", "assign_stage", "emotion_curve", "emotion_change"]

#: emotion at or below which a comment or mention is a complaint: sentiment <= -0.05, VADER's
#: neutral band (the themes tables' "negative" label), on the -2..+2 scale; ratings step by 1
COMPLAINT_EMOTION = -0.1
#: column -> (lowest, highest) value; each is rescaled linearly onto -2..+2
EMOTION_SOURCES = {
    "sentiment": (-1.0, 1.0),   # e.g. VADER compound score
    "rating": (1.0, 5.0),
    "csat": (1.0, 5.0),
    "nps": (0.0, 10.0),
    "perception": (1.0, 7.0),
}


def emotion_score(df: pd.DataFrame, *, sources=("sentiment", "rating", "csat", "nps")) -> pd.Series:
    """Emotion of each row on -2 (very negative) .. +2 (very positive).

    Each row takes the first of ``sources`` it has a value for, rescaled linearly from its
    range in :data:`EMOTION_SOURCES` (a sentiment score of -1..1 is doubled; a 1-5 rating
    ``r`` becomes ``r - 3``; NPS ``x`` becomes ``(x - 5) / 2.5``). Rows with none stay NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> emotion_score(pd.DataFrame({"rating": [1, 5, None], "nps": [10, 0, 5]})).tolist()
    [-2.0, 2.0, 0.0]
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"emotion_score needs a DataFrame; received {type(df).__name__}.")
    unknown = [s for s in sources if s not in EMOTION_SOURCES]
    if unknown:
        raise ParameterError(f"sources {unknown} are unknown; choose from {list(EMOTION_SOURCES)}.")
    out = pd.Series(np.nan, index=df.index, name="emotion", dtype=float)
    for col in sources:
        if col not in df.columns:
            continue
        lo, hi = EMOTION_SOURCES[col]
        x = _scores(df[col], col, lo, hi)
        out = out.fillna(-2.0 + 4.0 * (x - lo) / (hi - lo))
    return out


def _scores(values: pd.Series, col: str, lo: float, hi: float) -> pd.Series:
    """``values`` as numbers on ``lo..hi``; text that is not a number and scores off the scale
    raise (clipping a 1-10 rating into 1-5 would read a 6 as very positive)."""
    x = read_numbers(values, name=f"column {col!r}", hint="Map them to numbers or blanks.")
    off = ~x.between(lo - 1e-9, hi + 1e-9) & x.notna()
    if off.any():
        raise SchemaError(f"column {col!r} is read on the {lo:g}..{hi:g} scale; {int(off.sum())} value(s) are "
                          f"outside it, e.g. {sorted(x[off].unique().tolist())[:3]}. Rescale the column to "
                          f"{lo:g}..{hi:g} (e.g. a 1-10 rating r to 1 + (r - 1) * 4 / 9) or blank wrong values.")
    return x


def assign_stage(df: pd.DataFrame, *, journey=None, theme_col: str | None = "theme") -> pd.Series:
    """Journey stage of each row: its ``journey_stage``, else its touchpoint's, else its theme's.

    Examples
    --------
    >>> import pandas as pd
    >>> assign_stage(pd.DataFrame({"touchpoint": ["returns", None], "theme": [None, "delivery_delay"]})).tolist()
    ['post_purchase', 'delivery']
    """
    journey = load_journey(journey)
    stage = pd.Series(pd.NA, index=df.index, dtype=object, name="journey_stage")
    if "journey_stage" in df.columns:
        stage = df["journey_stage"].astype(object).where(df["journey_stage"].notna(), pd.NA)
    if "touchpoint" in df.columns:
        stage = stage.fillna(df["touchpoint"].map(journey.touchpoint_stages()).astype(object))
    if theme_col and theme_col in df.columns and journey.theme_stages:
        stage = stage.fillna(df[theme_col].map(journey.theme_stages).astype(object))
    return stage.rename("journey_stage")


def _stage_order(values, journey: JourneyConfig) -> list[str]:
    known = journey.names
    extra = sorted({str(v) for v in values if pd.notna(v)} - set(known))
    return [*known, *extra]


def emotion_curve(
    feedback: pd.DataFrame,
    *,
    journey=None,
    by: str = "journey_stage",
    period: str | None = None,
    split_date=None,
    confidence: float = 0.95,
    sources=("sentiment", "rating", "csat", "nps"),
) -> pd.DataFrame:
    """Mean emotion (-2..+2) per stage with a Student-t confidence band.

    Parameters
    ----------
    feedback : DataFrame
        Rows with an emotion source column (``sentiment``, ``rating``, ``csat``, ``nps``) or an
        ``emotion`` column already on -2..+2, and a stage (``journey_stage``, or a
        ``touchpoint``/``theme`` that the journey maps to a stage).
    journey : path, dict or JourneyConfig, optional
        Stages and their order (default :data:`DEFAULT_JOURNEY`).
    by : str, default "journey_stage"
        Group column; ``"touchpoint"`` gives a touchpoint-level curve.
    period : str, optional
        A pandas period alias (``"Q"``, ``"M"``) to draw one curve per period of ``created_at``.
    split_date : str or date, optional
        Draw two curves, ``"before"`` and ``"after"`` the date (inclusive after).
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``by`` (stage order kept), optional ``period``, ``n``, ``emotion``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"journey_stage": ["delivery"] * 3 + ["purchase"] * 3,
    ...                    "rating": [1, 2, 2, 5, 4, 4]})
    >>> emotion_curve(fb)[["journey_stage", "n", "emotion"]].round(2)
      journey_stage  n  emotion
    0      purchase  3     1.33
    1      delivery  3    -1.33
    """
    if period is not None and split_date is not None:
        raise ParameterError("give either period= or split_date=, not both.")
    confidence = check_unit_interval(confidence, name="confidence")
    journey = load_journey(journey)
    if not isinstance(feedback, pd.DataFrame):
        raise SchemaError(f"feedback must be a DataFrame; received {type(feedback).__name__}.")
    if period is not None or split_date is not None:
        check_columns(feedback, ["created_at"], arg="feedback", hint=" A period or split_date needs dates.")
    emotion = feedback["emotion"] if "emotion" in feedback.columns else emotion_score(feedback, sources=sources)
    if by == "journey_stage":
        group = assign_stage(feedback, journey=journey)
    else:
        check_columns(feedback, [by], arg="feedback")
        group = feedback[by]
    df = pd.DataFrame({by: group.astype(object), "emotion": pd.to_numeric(emotion, errors="coerce")})
    keys = [by]
    if period is not None or split_date is not None:
        when = _dates(feedback, df, by, left_out="the curves")
        if period is not None:
            df["period"] = when.dt.to_period(period).astype(str).where(when.notna())
        else:
            df["period"] = np.where(when >= _split(split_date), "after", "before")
            df.loc[when.isna().to_numpy(), "period"] = None
        keys.append("period")
    df = df.dropna(subset=keys + ["emotion"])
    rows = []
    for key, g in df.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        mean, low, high, n = mean_interval(g["emotion"].to_numpy(float), confidence=confidence)
        rows.append((*key, n, mean, low, high))
    out = pd.DataFrame(rows, columns=[*keys, "n", "emotion", "ci_low", "ci_high"])
    if not out.empty:
        order = {s: i for i, s in enumerate(_stage_order(out[by], journey))} if by == "journey_stage" else {}
        rank = out[by].map(order) if order else out[by].rank(method="dense")
        sort_cols = {"_o": rank}
        if "period" in out:
            sort_cols["_p"] = out["period"].map({"before": "0", "after": "1"}).fillna(out["period"])
        out = out.assign(**sort_cols).sort_values(list(sort_cols), kind="stable").drop(columns=list(sort_cols))
    return out.reset_index(drop=True)


def _split(split_date) -> pd.Timestamp:
    return date_param(split_date, name="split_date", hint='pass e.g. split_date="2025-10-01".')


def _dates(feedback: pd.DataFrame, df: pd.DataFrame, by: str, *, left_out: str) -> pd.Series:
    """``created_at`` read as the loaders read it; rows that would be analysed but have no
    readable date are counted in a warning (they cannot be placed before or after anything)."""
    when, bad = read_times(feedback["created_at"])
    when = when.set_axis(df.index)
    usable = df[[by, "emotion"]].notna().all(axis=1).to_numpy()
    n_bad = int((bad & usable).sum())
    n_missing = int((when.isna().to_numpy() & ~bad & usable).sum())
    warn_undated(n_bad, int(usable.sum()), "created_at", feedback["created_at"][bad & usable].head(3),
                 n_missing=n_missing, left_out=left_out, stacklevel=4)
    return when


def emotion_change(
    feedback: pd.DataFrame,
    *,
    split_date,
    journey=None,
    by: str = "journey_stage",
    confidence: float = 0.95,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Change in mean emotion per stage after ``split_date`` vs before (Welch t test).

    Returns one row per stage: ``before``, ``after``, ``change`` (after - before), ``ci_low``,
    ``ci_high``, ``p_value``, ``p_adjusted`` (Holm over stages) and ``significant``.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"journey_stage": ["delivery"] * 8, "rating": [4, 5, 4, 5, 1, 2, 1, 2],
    ...                    "created_at": pd.to_datetime(["2025-01-01"] * 4 + ["2025-11-01"] * 4)})
    >>> float(emotion_change(fb, split_date="2025-10-01")["change"].iloc[0])
    -3.0
    """
    from cxlab.gaps._stats import adjust_pvalues

    check_columns(feedback, ["created_at"], arg="feedback")
    journey = load_journey(journey)
    emotion = feedback["emotion"] if "emotion" in feedback.columns else emotion_score(feedback)
    group = assign_stage(feedback, journey=journey) if by == "journey_stage" else feedback[by]
    df = pd.DataFrame({by: group.astype(object), "emotion": pd.to_numeric(emotion, errors="coerce")})
    when = _dates(feedback, df, by, left_out="the before/after comparison")
    df["after"] = when >= _split(split_date)
    df = df[when.notna().to_numpy()].dropna(subset=[by, "emotion"])
    rows = []
    for key, g in df.groupby(by, sort=True):
        a = g.loc[g["after"], "emotion"].to_numpy(float)
        b = g.loc[~g["after"], "emotion"].to_numpy(float)
        d, lo, hi, p, _ = welch_interval(a, b, confidence=confidence)
        rows.append((key, b.size, a.size, b.mean() if b.size else np.nan, a.mean() if a.size else np.nan, d, lo, hi, p))
    out = pd.DataFrame(rows, columns=[by, "n_before", "n_after", "before", "after", "change", "ci_low", "ci_high", "p_value"])
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), method="holm")
    out["significant"] = (out["p_adjusted"] < alpha).astype(bool)
    if by == "journey_stage":
        order = {s: i for i, s in enumerate(_stage_order(out[by], journey))}
        out = out.sort_values(by, key=lambda s: s.map(order), kind="stable")
    return out.reset_index(drop=True)


def _text_sentiment(texts: pd.Series, *, fast: bool) -> np.ndarray:
    if not fast:
        from cxlab.text import score_sentiment

        return score_sentiment(texts).to_numpy(float)
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()  # lexicon ships inside the wheel: no download
    return np.array([analyzer.polarity_scores(str(t))["compound"] for t in texts], dtype=float)


def add_emotion(
    feedback: pd.DataFrame,
    *,
    sentiment=None,
    score_text: bool = True,
    sources=("rating", "csat", "nps"),
) -> pd.DataFrame:
    """Copy of ``feedback`` with an ``emotion`` column (-2..+2) for as many rows as possible.

    A score the customer gave (``sources``: rating, CSAT, NPS) wins; rows without one take their
    text's sentiment (compound -1..1, doubled). Text sentiment comes from ``sentiment`` (a Series
    aligned on the index, or a table with ``feedback_id`` and ``sentiment`` such as a saved
    output of the themes notebook), else from a ``sentiment`` column, else - when
    ``score_text`` - it is computed for the rows that need it only: ``True``/``"cx"`` with
    :func:`cxlab.text.score_sentiment` (CX lexicon; a few ms per comment) or ``"vader"`` with
    plain VADER (about 10x faster, less tuned to CX language). An ``emotion_source`` column
    says which was used per row.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"text": ["x", "y"], "rating": [5, None]})
    >>> add_emotion(fb, sentiment=pd.Series([0.0, -0.5]))[["emotion", "emotion_source"]]
       emotion emotion_source
    0      2.0          score
    1     -1.0      sentiment
    """
    if not isinstance(feedback, pd.DataFrame):
        raise SchemaError(f"feedback must be a DataFrame; received {type(feedback).__name__}.")
    scored = emotion_score(feedback, sources=tuple(s for s in sources if s != "sentiment"))
    need = scored.isna()
    sent = None
    if isinstance(sentiment, pd.DataFrame):
        check_columns(sentiment, ["feedback_id", "sentiment"], arg="sentiment")
        check_columns(feedback, ["feedback_id"], arg="feedback")
        lookup = sentiment.drop_duplicates("feedback_id").set_index(sentiment["feedback_id"].drop_duplicates().astype(str))
        sent = feedback["feedback_id"].astype(str).map(lookup["sentiment"]).astype(float)
        sent.index = feedback.index
    elif sentiment is not None:
        sent = pd.Series(sentiment, copy=False)
        if len(sent) != len(feedback):
            raise SchemaError(f"sentiment has {len(sent)} values but feedback has {len(feedback)} rows; "
                              "pass one value per row or a table with feedback_id and sentiment.")
        sent = pd.Series(pd.to_numeric(sent, errors="coerce").to_numpy(float), index=feedback.index)
    elif "sentiment" in feedback.columns:
        sent = pd.to_numeric(feedback["sentiment"], errors="coerce").astype(float)
    elif score_text and need.any() and "text" in feedback.columns:
        if score_text not in (True, "cx", "vader"):
            raise ParameterError(f"score_text must be False, True/'cx' or 'vader'; received {score_text!r}.")
        texts = feedback.loc[need, "text"]
        has_text = texts.notna() & (texts.astype(str).str.strip() != "")
        sent = pd.Series(np.nan, index=feedback.index)
        if has_text.any():
            sent.loc[texts.index[has_text]] = _text_sentiment(texts[has_text], fast=score_text == "vader")
    from_text = 2.0 * sent.clip(-1, 1) if sent is not None else pd.Series(np.nan, index=feedback.index)
    emotion = scored.fillna(from_text)
    source = np.where(scored.notna(), "score", np.where(emotion.notna(), "sentiment", "none"))
    return feedback.assign(emotion=emotion, emotion_source=source)
