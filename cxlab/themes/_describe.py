"""Naming themes and picking quotes.

Keywords are a theme's most *distinctive* features: prototype weight times the lift of the
feature among the theme's comments over the whole corpus (so "flight" or "dress", present
everywhere, does not name a theme). Phrases (two words) are preferred for the label when they
are nearly as distinctive as the top single word. Quotes are the comments closest to the
prototype, skipping near-duplicates so the three shown say different things; they are always
redacted text.
"""
from __future__ import annotations

import numpy as np
from sklearn.preprocessing import normalize

__all__ = ["theme_keywords", "theme_label", "pick_quotes"]


def theme_keywords(X, labels: np.ndarray, components: np.ndarray, names: np.ndarray,
                   *, top_n: int = 8) -> list[list[str]]:
    """Top distinctive features per theme (internal feature names)."""
    n = max(X.shape[0], 1)
    B = (X > 0).astype(np.float64)
    df_all = (np.asarray(B.sum(axis=0)).ravel() + 1) / (n + 1)
    out = []
    for j, comp in enumerate(components):
        mask = labels == j
        if mask.any():
            df_j = (np.asarray(B[mask].sum(axis=0)).ravel() + 1) / (mask.sum() + 1)
            lift = np.log1p(df_j / df_all)
        else:
            lift = np.ones_like(comp)
        score = comp * lift
        order = np.argsort(-score, kind="stable")
        out.append([names[i] for i in order[:top_n] if score[i] > 0])
    return out


def theme_label(keywords: list[str], readable, *, n_terms: int = 2) -> str:
    """Readable label from the top keywords: a phrase first when one ranks high."""
    if not keywords:
        return "(no keywords)"
    picked: list[str] = []
    phrases = [k for k in keywords[:4] if " " in k]
    if phrases:
        picked.append(phrases[0])
    for k in keywords:
        if len(picked) >= n_terms:
            break
        words = set(k.split(" "))
        if any(words & set(p.split(" ")) for p in picked):
            continue  # "delay" adds nothing next to "flight delay"
        picked.append(k)
    return " / ".join(readable(k) for k in picked)


def pick_quotes(X, sims: np.ndarray, candidates: np.ndarray, texts, *, n: int = 3,
                max_similarity: float = 0.6, pool: int = 50) -> list[int]:
    """Positions of up to ``n`` representative, mutually different comments.

    ``candidates`` are positions of the theme's comments; the best-scoring ``pool`` are
    considered and picked greedily, skipping any whose word vector is more similar than
    ``max_similarity`` (cosine) to one already picked, and duplicates of the same text.
    ``texts`` maps positions to (redacted) texts.
    """
    if len(candidates) == 0:
        return []
    order = candidates[np.argsort(-sims[candidates], kind="stable")][:pool]
    vecs = normalize(X[order])
    chosen: list[int] = []
    rows: list[int] = []
    seen: set[str] = set()
    for i, pos in enumerate(order):
        text = texts[pos].strip().lower()
        if not text or text in seen:
            continue
        if rows:
            sim = np.asarray((vecs[rows] @ vecs[i].T).todense()).ravel()
            if sim.max() > max_similarity:
                continue
        chosen.append(int(pos))
        rows.append(i)
        seen.add(text)
        if len(chosen) == n:
            break
    return chosen
