"""One call from a feedback table to analysis-ready comment and clause tables."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.text._clauses import split_clauses
from cxlab.text._language import FLAG_COLUMNS, detect_language, flag_comments
from cxlab.text._normalize import extract_handles, normalize_text
from cxlab.text._redact import redact_pii
from cxlab.text._sentiment import SentimentScorer

__all__ = ["prepare_comments", "PreparedComments", "COMMENT_COLUMNS", "CLAUSE_COLUMNS"]

COMMENT_COLUMNS = ("text_redacted", "language", *FLAG_COLUMNS, "n_clauses", "sentiment",
                   "sentiment_label")
CLAUSE_COLUMNS = ("comment_index", "clause_no", "clause_text", "sentiment", "sentiment_label")


@dataclass
class PreparedComments:
    """Result of :func:`prepare_comments`; unpacks as ``comments, clauses``.

    Attributes
    ----------
    comments : pandas.DataFrame
        One row per input row, same index: :data:`COMMENT_COLUMNS` (plus ``comment_id``).
    clauses : pandas.DataFrame
        One row per clause: :data:`CLAUSE_COLUMNS` (plus ``comment_id``); ``comment_index``
        is the input row's index label. Empty comments have no clauses.
    scorer : SentimentScorer
        The fitted scorer (reuse it to score new texts the same way).
    """

    comments: pd.DataFrame
    clauses: pd.DataFrame
    scorer: SentimentScorer

    def __iter__(self):
        return iter((self.comments, self.clauses))

    def flag_counts(self) -> pd.Series:
        """Number of comments carrying each flag (nothing is dropped silently)."""
        return self.comments[list(FLAG_COLUMNS)].sum().astype(int).rename("comments")


def _check_input(df, text_col, id_col) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(
            f"prepare_comments expects a pandas DataFrame, got {type(df).__name__}; "
            "wrap texts as pd.DataFrame({'text': texts})"
        )
    for arg, col in (("text_col", text_col), ("id_col", id_col)):
        if col is not None and col not in df.columns:
            raise SchemaError(
                f"{arg}={col!r} is not a column of the table (columns: {list(df.columns)}); "
                f"pass {arg}= with the name of your column"
            )


def prepare_comments(df: pd.DataFrame, *, text_col: str = "text", id_col: str | None = None,
                     redact: bool = True, language: bool = True, extra_stop_words=(),
                     scorer: SentimentScorer | None = None) -> PreparedComments:
    """Clean, redact, flag, split and score comments.

    Parameters
    ----------
    df : pandas.DataFrame
        Feedback table; not modified.
    text_col : str, default="text"
    id_col : str, optional
        Copied into both tables as ``comment_id``.
    redact : bool, default=True
        Replace personal data by placeholders in every output text (leave on unless the text
        was redacted upstream).
    language : bool, default=True
        Detect languages (``False`` marks every comment ``"und"``, none flagged non-English).
    extra_stop_words : sequence of str, default=()
        Brand/product names: ignored by sentiment (a name is not a feeling).
    scorer : SentimentScorer, optional
        Sentiment scorer to use (default ``SentimentScorer(ignore_words=extra_stop_words)``),
        fitted on these comments.

    Returns
    -------
    PreparedComments
        ``comments`` (same index as ``df``) and ``clauses`` tables; unpack as
        ``comments, clauses = prepare_comments(df)``.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["Love the fit but shipping took forever", None]})
    >>> comments, clauses = prepare_comments(df)
    >>> clauses[["clause_text", "sentiment_label"]].values.tolist()
    [['Love the fit', 'positive'], ['shipping took forever', 'negative']]
    """
    _check_input(df, text_col, id_col)
    raw = df[text_col].astype(object)
    clean = normalize_text(raw)
    text_out = redact_pii(clean) if redact else clean
    if language:
        languages = detect_language(raw)
    else:
        languages = pd.Series("und", index=df.index, dtype=object, name="language")
    flags = flag_comments(raw, languages=languages)
    if scorer is None:
        # Handles are learned from the raw text (normalisation removes them); the scorer then
        # learns from the same cleaned, redacted text it will score.
        handles = sorted({h for hs in extract_handles(raw) for h in hs})
        scorer = SentimentScorer(ignore_words=(*extra_stop_words, *handles), learn_handles=False)
    scorer = scorer.fit(text_out)

    clause_lists = [[] if empty else split_clauses(t)
                    for t, empty in zip(text_out, flags["is_empty"])]
    comment_scores = scorer.score(pd.Series(text_out.tolist(), index=df.index, dtype=object))
    comment_scores.loc[flags["is_empty"].to_numpy(), ["compound", "label"]] = [0.0, "neutral"]

    comments = pd.DataFrame({"text_redacted": text_out, "language": languages}, index=df.index)
    comments = comments.join(flags)
    comments["n_clauses"] = np.array([len(c) for c in clause_lists], dtype=int)
    comments["sentiment"] = comment_scores["compound"].astype(float)
    comments["sentiment_label"] = comment_scores["label"].astype(object)

    owner = np.repeat(np.arange(len(df)), [len(c) for c in clause_lists])
    clause_text = [c for cs in clause_lists for c in cs]
    # Clauses are scored by the CX lexicon alone (see SentimentScorer.score): their own words
    # decide, not the corpus model's class balance or topic words.
    clause_scores = scorer.score(pd.Series(clause_text, dtype=object), use_adapter=False)
    clauses = pd.DataFrame({
        "comment_index": df.index.take(owner) if len(owner) else df.index[:0],
        "clause_no": np.concatenate([np.arange(len(c)) for c in clause_lists]).astype(int)
        if clause_text else np.array([], dtype=int),
        "clause_text": pd.Series(clause_text, dtype=object),
        "sentiment": clause_scores["compound"].to_numpy(dtype=float),
        "sentiment_label": clause_scores["label"].to_numpy(dtype=object),
    })
    if id_col is not None:
        ids = df[id_col].astype(object)
        comments.insert(0, "comment_id", ids)
        clauses.insert(0, "comment_id", ids.to_numpy()[owner] if len(owner) else [])
    return PreparedComments(comments=comments, clauses=clauses, scorer=scorer)
