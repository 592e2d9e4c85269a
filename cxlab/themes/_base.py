"""Tiny base classes for the pluggable parts of :class:`~cxlab.themes.ThemeMiner`.

A theme model is three swappable pieces, in the spirit of BERTopic but with ``random_state``
and tables everywhere:

* a **vectorizer** turns prepared texts (comments or clauses) into a non-negative matrix
  (rows = texts) and knows readable names for its columns;
* a **grouper** learns theme prototypes from that matrix (optionally anchored by seed vectors
  from a taxonomy) and scores texts against them;
* the miner itself (selection of the number of themes, labels, quotes, assignment rule,
  edits, tables) only talks to these two interfaces.

A future embeddings backend implements :class:`BaseGrouper` (and its own vectorizer producing
dense rows); an out-of-core backend implements :meth:`BaseGrouper.partial_fit` and is fed
chunks. Nothing in the miner depends on sparse vs dense matrices.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

__all__ = ["BaseThemeVectorizer", "BaseGrouper"]


class BaseThemeVectorizer(ABC):
    """Turns texts into a non-negative document x feature matrix.

    ``analyze`` maps each text (a clause) to its features; a comment's features are the
    concatenation of its clauses' features, so texts are analysed once.
    """

    @abstractmethod
    def analyze(self, texts: list[str]) -> list[list[str]]:
        """Features of each text (tokens, phrases...)."""

    @abstractmethod
    def fit(self, docs: list[list[str]]) -> "BaseThemeVectorizer":
        """Learn the vocabulary and weights from analysed documents."""

    @abstractmethod
    def transform(self, docs: list[list[str]]):
        """Return the matrix (sparse or dense), rows L2-normalised."""

    def fit_transform(self, docs: list[list[str]]):
        return self.fit(docs).transform(docs)

    @abstractmethod
    def get_feature_names_out(self) -> np.ndarray:
        """Internal feature names (e.g. stems and stem bigrams)."""

    @abstractmethod
    def readable(self, feature: str) -> str:
        """Readable surface form of a feature, for labels (``"deliveri"`` -> ``"delivery"``)."""

    @abstractmethod
    def seed_vector(self, phrases: list[str]) -> np.ndarray:
        """Feature vector of a researcher's seed words/phrases (zeros when none is known)."""


class BaseGrouper(ABC):
    """Learns ``n`` theme prototypes and scores texts against them.

    ``components_`` is an ``(n_themes, n_features)`` array of L2-normalised prototypes;
    :meth:`score` returns similarities in ``[0, 1]`` (the assignment threshold of the miner is
    applied to these).
    """

    components_: np.ndarray

    @abstractmethod
    def fit(self, X, n_themes: int, *, seeds: np.ndarray | None = None,
            random_state: int | None = None) -> "BaseGrouper":
        """Learn prototypes; ``seeds`` rows (one per anchored theme) come first and stay anchored."""

    def partial_fit(self, X, n_themes: int, *, seeds=None, random_state=None) -> "BaseGrouper":
        """Update prototypes from one chunk (out-of-core backends override this)."""
        raise NotImplementedError(
            f"{type(self).__name__} cannot learn incrementally; fit it on a sample instead."
        )

    def score(self, X) -> np.ndarray:
        """Similarity of each row of ``X`` to each prototype, shape ``(n_rows, n_themes)``."""
        sims = X @ self.components_.T
        return np.clip(np.asarray(sims, dtype=float), 0.0, 1.0)
