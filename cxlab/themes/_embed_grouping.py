"""Grouping sentence embeddings into themes: seeded spherical k-means, k chosen by stability.

Why not UMAP + HDBSCAN (BERTopic): they leave a large outlier bucket, change the number of
topics from run to run and need a lot of memory. Spherical k-means on the normalised vectors
(cosine similarity) is deterministic for a ``random_state`` (k-means++ start drawn with
``numpy.random.default_rng``, best of ``n_init`` starts), small in memory (the vectors plus
``k`` prototypes) and gives every comment a nearest theme; ``unthemed`` is then decided by the
miner's similarity threshold, not by the clustering.

The number of themes (``n_themes="auto"``) maximises ``stability * (1 - largest)``: for each
candidate ``k``, k-means is fitted on two random halves of a sample and both models label the
whole sample; stability is the adjusted Rand index of the two labelings (measured on
assignments, not prototypes as in :mod:`cxlab.themes._select`: embedding prototypes all look
alike in cosine, assignments do not); ``largest`` is the share of the biggest theme (a
catch-all makes small ``k`` look stable). NPMI coherence of each theme's words is reported in
the table but not scored: word co-occurrence penalises what embeddings add (one theme for
comments that say the same thing in different words).

Anchored (taxonomy) themes start at the embedded seed phrases and are pulled back toward them
at every round (``anchor_strength``), like the lexical grouper's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

from cxlab.themes._base import BaseGrouper
from cxlab.themes._select import npmi_coherence

__all__ = ["EMBEDDING_CANDIDATES", "EmbeddingGrouper", "choose_n_themes_embedded"]

EMBEDDING_CANDIDATES = (4, 6, 8, 10, 12, 15, 20)


def _unit(X: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, n, out=np.zeros_like(X), where=n > 0)


def _group_sums(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of each group (a sparse one-hot product: far faster than np.add.at)."""
    from scipy.sparse import csr_matrix

    onehot = csr_matrix((np.ones(len(labels), dtype=X.dtype), (labels, np.arange(len(labels)))),
                        shape=(k, len(labels)))
    return np.asarray(onehot @ X, dtype=X.dtype)


def _data_anchors(X: np.ndarray, seeds: np.ndarray, k: int) -> np.ndarray:
    """Move each seed vector to the mean of the comments closest to it.

    A few seed words embed far from whole sentences saying the same thing (short phrase vs
    sentence), so a raw seed vector loses its comments to any free theme that starts among them.
    The mean of the seed's nearest comments (about half a theme's share) sits among the comments
    while keeping the seed's meaning.
    """
    top = max(3, len(X) // max(2 * k, 2))
    sims = X @ seeds.T
    out = np.empty_like(seeds)
    for j in range(len(seeds)):
        idx = np.argpartition(-sims[:, j], min(top, len(X)) - 1)[:top]
        out[j] = X[idx].sum(axis=0)
    return _unit(out)


def _kmeanspp(X: np.ndarray, k: int, rng, first: np.ndarray | None) -> np.ndarray:
    """k-means++ on cosine distance; rows of ``first`` (anchors) are the first centres."""
    centres = [] if first is None else list(first)
    if not centres:
        centres.append(X[rng.integers(len(X))])
    best = (X @ np.asarray(centres).T).max(axis=1)
    while len(centres) < k:
        d = np.clip(1.0 - best, 0.0, None) ** 2
        total = d.sum()
        i = int(rng.choice(len(X), p=d / total)) if total > 0 else int(rng.integers(len(X)))
        centres.append(X[i])
        best = np.maximum(best, X @ X[i])
    return np.asarray(centres, dtype=X.dtype)


class EmbeddingGrouper(BaseGrouper):
    """Spherical k-means on L2-normalised embeddings (cosine), anchored by seed vectors.

    Parameters
    ----------
    n_init : int, default=3
        k-means++ starts; the one with the highest total similarity is kept.
    max_iter : int, default=50
        Rounds per start (stops earlier when assignments no longer change).
    anchor_strength : float, default=0.5
        Pull of anchored themes back to their seeds at each round (0 = seeds only start them).
    tol : float, default=0.001
        Stop when at most this share of the texts changed theme in a round.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> labels = EmbeddingGrouper().fit(X, 2, random_state=0).predict(X)
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
    True
    """

    def __init__(self, *, n_init: int = 3, max_iter: int = 50, anchor_strength: float = 0.5,
                 tol: float = 0.001):
        self.n_init = n_init
        self.max_iter = max_iter
        self.anchor_strength = anchor_strength
        self.tol = tol

    def _lloyd(self, X, C, anchors):
        labels = None
        for _ in range(self.max_iter):
            sims = X @ C.T
            new_labels = sims.argmax(axis=1)
            # converged when (almost) no comment changes theme: the last few moves of a
            # handful of borderline comments cost many rounds and change nothing readable
            if labels is not None and np.count_nonzero(new_labels != labels) <= self.tol * len(X):
                break
            labels = new_labels
            sums = _group_sums(X, labels, len(C))
            empty = ~sums.any(axis=1)
            sums[empty] = C[empty]  # a theme that won nothing keeps its place
            C = _unit(sums)
            if anchors is not None:
                a = self.anchor_strength
                C[: len(anchors)] = _unit((1 - a) * C[: len(anchors)] + a * anchors)
        sims = X @ C.T
        return C, float(sims.max(axis=1).sum())

    def fit(self, X, n_themes, *, seeds=None, random_state=None):
        X = _unit(np.asarray(X, dtype=np.float32))
        anchors = None if seeds is None or not len(seeds) else _unit(np.asarray(seeds, np.float32))
        if anchors is not None and len(X):
            anchors = _data_anchors(X, anchors, int(n_themes))
        k = max(1, min(int(n_themes), len(X)))
        if anchors is not None:
            k = max(k, len(anchors))
        rng = np.random.default_rng(random_state)
        best = None
        for _ in range(max(1, self.n_init)):
            C0 = _kmeanspp(X, k, rng, anchors) if len(X) else np.zeros((k, X.shape[1]), np.float32)
            C, obj = self._lloyd(X, C0, anchors)
            if best is None or obj > best[1]:
                best = (C, obj)
        self.components_ = best[0]
        return self

    def predict(self, X) -> np.ndarray:
        return (np.asarray(X, dtype=np.float32) @ self.components_.T).argmax(axis=1)


def _lexical_centroids(L, labels: np.ndarray, k: int) -> np.ndarray:
    """Theme prototypes in the lexical space: normalised sum of each theme's word vectors."""
    rows = []
    for j in range(k):
        m = labels == j
        rows.append(np.asarray(L[m].sum(axis=0)).ravel() if m.any() else np.zeros(L.shape[1]))
    return normalize(np.vstack(rows))


def choose_n_themes_embedded(E: np.ndarray, L, *, candidates=EMBEDDING_CANDIDATES, seeds=None,
                             random_state=None, max_rows: int = 4000) -> tuple[int, pd.DataFrame]:
    """Chosen number of themes and every candidate's scores (see module notes).

    ``E``: embeddings of the texts themes are learned from; ``L``: their lexical (TF-IDF)
    rows, for coherence. Table columns match the lexical backend's ``selection_``.
    """
    rng = np.random.default_rng(random_state)
    n = E.shape[0]
    rows = np.sort(rng.permutation(n)[: min(n, max_rows)])
    S, Ls = E[rows], L[rows]
    half = rng.permutation(len(rows))
    first, second = np.sort(half[: len(half) // 2]), np.sort(half[len(half) // 2:])
    n_seeds = 0 if seeds is None else len(seeds)
    # each half must give every theme ~5 comments on average, or stability measures noise
    ks = [k for k in candidates if max(2, n_seeds) <= k <= len(first) // 5]
    records = []
    for k in ks:
        a = EmbeddingGrouper(n_init=1).fit(S[first], k, seeds=seeds, random_state=random_state)
        b = EmbeddingGrouper(n_init=1).fit(S[second], k, seeds=seeds, random_state=random_state)
        la, lb = a.predict(S), b.predict(S)
        stability = float(adjusted_rand_score(la, lb))
        heldout = float(np.mean(np.r_[(S[second] @ a.components_.T).max(axis=1),
                                      (S[first] @ b.components_.T).max(axis=1)]))
        largest = float(np.bincount(la, minlength=k).max() / len(la))
        coh = np.r_[npmi_coherence(Ls, _lexical_centroids(Ls, la, k)),
                    npmi_coherence(Ls, _lexical_centroids(Ls, lb, k))]
        records.append({"n_themes": k, "stability": stability, "coherence": float(np.mean(coh)),
                        "heldout": heldout, "largest": largest})
    table = pd.DataFrame(records, columns=["n_themes", "stability", "coherence", "heldout", "largest"])
    if table.empty:
        k = max(1, min(n_seeds + 1, n))
        return k, table.assign(score=pd.Series(dtype=float), chosen=pd.Series(dtype=bool))
    # coherence is reported, not scored: word co-occurrence penalises exactly what embeddings
    # add (one theme for comments that say it in different words), and it falls with k anyway
    table["score"] = table["stability"].clip(lower=0) * (1 - table["largest"])
    best = table.sort_values(["score", "n_themes"], ascending=[False, True], kind="stable").iloc[0]
    table["chosen"] = table["n_themes"] == best["n_themes"]
    return int(best["n_themes"]), table
