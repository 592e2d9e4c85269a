"""The assignment rule: which themes a comment raises, and the tables that record it.

Rule (documented in :class:`~cxlab.themes.ThemeMiner`):

1. every clause and every whole comment is scored against every theme prototype (cosine
   similarity, 0-1);
2. a comment's weight for a theme is the larger of its whole-comment score and its best
   clause score (so a theme raised in one clause of a long comment still counts);
3. the **primary theme** is the whole comment's best theme if its similarity is at least
   ``min_weight``, else its best clause's theme if that reaches ``min_weight``; otherwise the
   comment is ``unthemed`` (empty and non-English comments are always ``unthemed`` and
   flagged);
4. a comment also raises every other theme that is the best match of one of its clauses with a
   score of at least ``min_weight``; each (comment, theme) pair carries the mean sentiment of
   the clauses that raised it (the whole comment's sentiment for the primary theme when no
   clause matched it on its own).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.themes._prepare import sentiment_label

__all__ = ["UNTHEMED", "assign_tables", "comment_weights"]

UNTHEMED = "unthemed"


def primary_positions(doc_sims: np.ndarray, W: np.ndarray, usable: np.ndarray,
                      min_weight: float) -> np.ndarray:
    """Primary theme position per comment, -1 for unthemed (rule 3 of the module notes).

    The whole comment decides first (its best theme if that reaches ``min_weight``); only when
    it matches nothing well enough does its best clause decide.
    """
    n, k = W.shape
    if k == 0:
        return np.full(n, -1)
    doc_ok = doc_sims.max(axis=1) >= min_weight
    any_ok = W.max(axis=1) >= min_weight
    pos = np.where(doc_ok, doc_sims.argmax(axis=1), W.argmax(axis=1))
    return np.where(usable & any_ok, pos, -1)


def comment_weights(doc_sims: np.ndarray, clause_sims: np.ndarray, clause_rows: np.ndarray) -> np.ndarray:
    """Per comment and theme: max of whole-comment and best-clause similarity."""
    W = doc_sims.copy()
    if len(clause_rows):
        np.maximum.at(W, clause_rows, clause_sims)
    return W


def assign_tables(*, index: pd.Index, ids: list[str], labels: dict[str, str], usable: np.ndarray,
                  doc_sims: np.ndarray, clause_sims: np.ndarray, clause_rows: np.ndarray,
                  comment_sentiment: np.ndarray, clause_sentiment: np.ndarray,
                  min_weight: float) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Return ``(primary, assignments, weights)`` for one batch of prepared comments.

    ``primary`` is a DataFrame (index = comments) with ``primary_theme`` and ``n_themes``;
    ``assignments`` has one row per comment x theme (``unthemed`` rows included).
    """
    n, k = doc_sims.shape
    W = comment_weights(doc_sims, clause_sims, clause_rows)
    W[~usable] = 0.0
    primary_pos = primary_positions(doc_sims, W, usable, min_weight)
    themed = primary_pos >= 0

    # clause-level themes
    if len(clause_rows) and k:
        c_best = clause_sims.argmax(axis=1)
        c_ok = clause_sims.max(axis=1) >= min_weight
    else:
        c_best = np.zeros(len(clause_rows), dtype=int)
        c_ok = np.zeros(len(clause_rows), dtype=bool)
    pairs: dict[tuple[int, int], list[float]] = {}
    for r, j, ok, s in zip(clause_rows, c_best, c_ok, clause_sentiment):
        if ok and themed[r]:
            pairs.setdefault((int(r), int(j)), []).append(float(s))

    # gather non-primary clause themes per comment, in theme order (deterministic)
    extra: dict[int, list[int]] = {}
    for (r, j) in sorted(pairs):
        if j != primary_pos[r]:
            extra.setdefault(r, []).append(j)
    records = []
    for i, p in enumerate(primary_pos):
        if p < 0:
            records.append((i, UNTHEMED, 0.0, float(comment_sentiment[i]), 0, True))
            continue
        sents = pairs.get((i, p))
        records.append((i, ids[p], float(W[i, p]),
                        float(np.mean(sents)) if sents else float(comment_sentiment[i]),
                        len(sents) if sents else 0, True))
        for j in extra.get(i, []):
            sents = pairs[(i, j)]
            records.append((i, ids[j], float(W[i, j]), float(np.mean(sents)), len(sents), False))
    pos = np.array([r[0] for r in records], dtype=np.int64)
    theme = [r[1] for r in records]
    assignments = pd.DataFrame(
        {
            # plain arrays: Series would be re-aligned on the (repeating) comment index
            "theme_id": np.asarray(theme, dtype=object),
            "theme_label": np.asarray([labels.get(t, t) for t in theme], dtype=object),
            "weight": np.round([r[2] for r in records], 6),
            "sentiment": np.round([r[3] for r in records], 4),
            "sentiment_label": sentiment_label([r[3] for r in records]),
            "n_clauses": np.array([r[4] for r in records], dtype=np.int64),
            "is_primary": np.array([r[5] for r in records], dtype=bool),
        },
        index=index[pos],
    )
    n_themes = np.bincount(pos[assignments["theme_id"].to_numpy() != UNTHEMED], minlength=n)
    primary = pd.DataFrame(
        {
            "primary_theme": pd.Series(np.asarray([*ids, UNTHEMED], dtype=object)[primary_pos],
                                       dtype=object).to_numpy(),
            "n_themes": n_themes.astype(np.int64),
        },
        index=index,
    )
    return primary, assignments, W
