"""Transductive adaptation of the lexicon scorer to the corpus being analysed (no labels).

A lexicon misses how a given customer base writes ("bags", "on hold", "DM me", product names).
Without any labels we let the corpus teach itself:

1. **Seeds from the lexicon.** Comments the CX lexicon scores clearly (compound <= -0.4 ->
   negative, >= 0.6 -> positive) and comments with no sentiment evidence at all (|compound| <
   0.05, no "!", no negation or complaint marker -> neutral).
2. **A text classifier on those seeds.** TF-IDF of word 1-2 grams (of the same lexicon-prepared
   text, so CX markers are features) and a multinomial logistic regression, fitted on this
   corpus only. It generalises from the seeds to comments that share their vocabulary but lack
   lexicon words.
3. **Class priors re-estimated by EM** (Saerens, Latinne & Decaestecker, 2002): seed selection
   distorts class proportions, so the corpus's own proportions are estimated from the
   classifier's probabilities and the probabilities re-weighted accordingly.
4. **Blend with the lexicon.** Final class scores are ``log P(class) + beta * lexicon evidence``
   (evidence = -compound, 0, +compound for negative, neutral, positive), so strong lexicon cues
   still count. ``compound`` becomes ``P(positive) - P(negative)`` in [-1, 1].

No external labels are used and nothing is downloaded; the result is deterministic.
"""
from __future__ import annotations

import re

import numpy as np

__all__ = ["fit_adapter", "apply_adapter", "MIN_ADAPT_TEXTS", "MIN_SEEDS_PER_CLASS"]

#: below this many texts the corpus is too small to learn from: the lexicon alone is used
MIN_ADAPT_TEXTS = 300
#: every class needs this many seeds, otherwise adaptation is skipped
MIN_SEEDS_PER_CLASS = 20
NEG_SEED, POS_SEED, NEUTRAL_SEED = -0.4, 0.6, 0.05
BLEND_BETA = 0.5
_NEGATION_CUE = re.compile(r"\b(?:not|no|never|nothing|nobody|none|cannot|without)\b|n't\b|\bcxneg",
                           re.I)
_TOKEN_PATTERN = r"(?u)\b\w[\w']*\b|[?!]"


def seed_labels(prepared: list[str], compound: np.ndarray) -> np.ndarray:
    """-1 (no seed), 0 negative, 1 neutral, 2 positive."""
    seeds = np.full(len(compound), -1, dtype=int)
    quiet = np.array([("!" not in t) and not _NEGATION_CUE.search(t) for t in prepared], dtype=bool)
    seeds[(np.abs(compound) < NEUTRAL_SEED) & quiet & np.array([bool(t) for t in prepared])] = 1
    seeds[compound <= NEG_SEED] = 0
    seeds[compound >= POS_SEED] = 2
    return seeds


def _em_priors(proba: np.ndarray, train_prior: np.ndarray, n_iter: int = 100) -> np.ndarray:
    prior = train_prior.copy()
    for _ in range(n_iter):
        adjusted = proba * (prior / train_prior)
        adjusted /= adjusted.sum(axis=1, keepdims=True)
        new = adjusted.mean(axis=0)
        if np.abs(new - prior).max() < 1e-7:
            prior = new
            break
        prior = new
    return prior


def fit_adapter(prepared: list[str], compound: np.ndarray, *, random_state: int = 0) -> dict | None:
    """Fit the corpus model; ``None`` when the corpus is too small or a class lacks seeds."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(prepared) < MIN_ADAPT_TEXTS:
        return None
    seeds = seed_labels(prepared, compound)
    counts = np.bincount(seeds[seeds >= 0], minlength=3)
    if counts.min() < MIN_SEEDS_PER_CLASS:
        return None
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                 token_pattern=_TOKEN_PATTERN, dtype=np.float64)
    features = vectorizer.fit_transform(prepared)
    mask = seeds >= 0
    # newton-cg: exact, deterministic and several times faster than lbfgs here.
    model = LogisticRegression(C=1.0, solver="newton-cg", max_iter=200, random_state=random_state)
    model.fit(features[mask], seeds[mask])
    train_prior = counts / counts.sum()
    corpus_prior = _em_priors(model.predict_proba(features), train_prior)
    return {"vectorizer": vectorizer, "model": model, "train_prior": train_prior,
            "corpus_prior": corpus_prior, "n_seeds": counts}


def apply_adapter(adapter: dict, prepared: list[str], compound: np.ndarray) -> np.ndarray:
    """Class probabilities (negative, neutral, positive) per text, blended with the lexicon."""
    proba = adapter["model"].predict_proba(adapter["vectorizer"].transform(prepared))
    proba = proba * (adapter["corpus_prior"] / adapter["train_prior"])
    proba /= proba.sum(axis=1, keepdims=True)
    evidence = BLEND_BETA * np.stack([-compound, np.zeros_like(compound), compound], axis=1)
    logits = np.log(np.clip(proba, 1e-12, None)) + evidence
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    out /= out.sum(axis=1, keepdims=True)
    # Texts with nothing to read stay neutral.
    empty = np.array([not t for t in prepared], dtype=bool)
    out[empty] = (0.0, 1.0, 0.0)
    return out
