"""Text preparation for theme mining: the bridge to :mod:`cxlab.text`.

Everything customer-written passes through here once: normalised (URLs and @handles dropped),
flagged (empty / non-English, counted never dropped), split into clauses and tokenised. Personal
data is redacted before any text is kept for display (quotes, tables, exports).

The text work itself (normalising, flags, clauses, sentiment, redaction) is :mod:`cxlab.text`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab import text as _text

__all__ = ["Prepared", "prepare", "split_clauses", "score_sentiment", "redact"]

_WORDY = re.compile(r"[^\W\d_]", re.U)


def _has_word(s: str) -> bool:
    return bool(_WORDY.search(s))


def split_clauses(text: str) -> list[str]:
    """Split one normalised comment into clauses (at least one: the text itself)."""
    parts = [p for p in _text.split_clauses(text) if _has_word(p)]
    return parts or ([text] if text else [])


def score_sentiment(texts: list[str], scorer=None) -> np.ndarray:
    """Compound sentiment in [-1, 1] per text (cxlab.text's CX-tuned scorer).

    ``scorer`` is a fitted :class:`~cxlab.text.SentimentScorer`; without one, a scorer adapted
    to ``texts`` themselves is used (transductive, as :func:`cxlab.text.score_sentiment`).
    """
    if not texts:
        return np.zeros(0)
    if scorer is None:
        return np.asarray(_text.score_sentiment(pd.Series(texts, dtype=object)), dtype=float)
    return np.asarray(scorer.score(pd.Series(texts, dtype=object))["compound"], dtype=float)


def sentiment_label(scores) -> np.ndarray:
    """``negative`` below -0.05, ``positive`` above 0.05, else ``neutral`` (VADER's convention)."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores <= -0.05, "negative", np.where(scores >= 0.05, "positive", "neutral"))


def redact(texts: list[str], *, references: bool = False) -> list[str]:
    """Personal data replaced by placeholders (``[EMAIL]``, ``[PHONE]``...); with ``references``
    order/booking references too (``[REF]``), for quotes shown to readers."""
    return list(_text.redact_pii(pd.Series(texts, dtype=object), references=references))


@dataclass
class Prepared:
    """Comments and clauses ready for vectorising.

    ``comments`` has one row per input (input index kept) with ``clean`` (normalised, not
    redacted: used only for tokens), ``is_empty``, ``is_non_english``; ``clauses`` has one row per
    clause with ``row`` (position of its comment) and ``clause``.
    """

    comments: pd.DataFrame
    clauses: pd.DataFrame
    scorer: object = None
    _redacted: list[str] | None = None
    _comment_sentiment: np.ndarray | None = None
    _clause_sentiment: np.ndarray | None = None

    @property
    def redacted(self) -> list[str]:
        if self._redacted is None:
            self._redacted = redact(self.comments["clean"].tolist())
        return self._redacted

    @property
    def comment_sentiment(self) -> np.ndarray:
        """Mean of the comment's clause scores (0 for comments without clauses): scoring each
        text once keeps large runs fast, and a comment's tone is the balance of its parts."""
        if self._comment_sentiment is None:
            rows = self.clauses["row"].to_numpy()
            n = len(self.comments)
            total = np.bincount(rows, weights=self.clause_sentiment, minlength=n)
            count = np.bincount(rows, minlength=n)
            self._comment_sentiment = np.divide(total, count, out=np.zeros(n), where=count > 0)
        return self._comment_sentiment

    def fit_scorer(self):
        """The sentiment scorer of these clauses, fitted on them when none was given.

        A scorer fitted on the training clauses and reused for new comments makes a comment's
        sentiment the same whatever batch (chunk, partition) it is scored in; fitting it on the
        clauses and then scoring them gives exactly the transductive scores.
        """
        if self.scorer is None:
            self.scorer = _text.SentimentScorer().fit(pd.Series(self.clauses["clause"].tolist(), dtype=object))
        return self.scorer

    @property
    def clause_sentiment(self) -> np.ndarray:
        if self._clause_sentiment is None:
            texts = self.clauses["clause"].tolist()
            self._clause_sentiment = score_sentiment(texts, self.fit_scorer() if texts else None)
        return self._clause_sentiment


def _flags(raw: pd.Series) -> pd.DataFrame:
    # only the two flags used here: the personal-data scan is slow on large inputs
    f = _text.flag_comments(raw.astype(object), columns=["is_empty", "is_non_english"])
    return pd.DataFrame({"is_empty": f["is_empty"].to_numpy(bool),
                         "is_non_english": f["is_non_english"].to_numpy(bool)}, index=raw.index)


def quotable(texts: list[str]) -> np.ndarray:
    """Mask of texts fit to quote in a report: no HTML tags/entities, no spreadsheet formula."""
    f = _text.flag_comments(pd.Series(texts, dtype=object), columns=["has_html", "has_formula"])
    return ~(f["has_html"].to_numpy(bool) | f["has_formula"].to_numpy(bool))


def prepare(texts: pd.Series, *, scorer=None) -> Prepared:
    """Normalise, flag and split ``texts`` (a Series; its index is kept).

    ``scorer``: a fitted sentiment scorer for the clauses (default: one adapted to them).
    """
    raw = texts.astype(object).where(texts.notna(), "")
    clean = _text.normalize_text(raw.astype(object))
    clean = pd.Series(["" if c is None else str(c) for c in clean], index=raw.index, dtype=object)
    flags = _flags(raw)
    # positional: a repeated index must not multiply rows in a join
    comments = pd.DataFrame({"clean": clean.to_numpy(), "is_empty": flags["is_empty"].to_numpy(bool),
                             "is_non_english": flags["is_non_english"].to_numpy(bool)}, index=raw.index)
    rows, parts = [], []
    for i, (c, skip) in enumerate(zip(clean, comments["is_empty"] | comments["is_non_english"])):
        if skip:
            continue
        for p in split_clauses(c):
            rows.append(i)
            parts.append(p)
    clauses = pd.DataFrame({"row": np.asarray(rows, dtype=np.int64), "clause": pd.Series(parts, dtype=object)})
    return Prepared(comments=comments, clauses=clauses, scorer=scorer)
