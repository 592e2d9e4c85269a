"""The embeddings backend's part of ``ThemeMiner.fit`` and of scoring new comments.

Only the grouping changes: comments and clauses are scored against theme prototypes in the
sentence-embedding space (cosine similarity), so ``min_weight`` is a cosine similarity there
(default :data:`EMBEDDING_MIN_WEIGHT`). Everything a person reads still comes from words:
keywords and labels are the distinctive phrases of each theme's comments (the lexical
vectorizer's features, scored against the theme's lexical centroid), and quotes are kept
apart by their word vectors, so labels read like the lexical backend's.
"""
from __future__ import annotations

import copy

import numpy as np

from cxlab.exceptions import ParameterError

__all__ = [
    "EMBEDDING_MIN_WEIGHT",
    "check_embeddings_available",
    "embedded_matrices",
    "fit_embeddings",
    "lexical_centroids",
]

# Cosine similarity a comment (or one of its clauses) needs to a theme's prototype to raise it.
# all-MiniLM-L6-v2 gives unrelated short texts cosines around 0-0.2 and paraphrases 0.5+; a
# comment sitting near its nearest theme prototype scores 0.3-0.8. 0.3 keeps the comments that
# match no theme at all (greetings, off-topic) apart while leaving few real complaints out.
EMBEDDING_MIN_WEIGHT = 0.3


def check_embeddings_available() -> None:
    """Raise ImportError naming ``pip install "cxlab[embeddings]"`` when the extra is missing."""
    from cxlab.themes._embeddings import _require_backend

    _require_backend()


def _embed_kwargs(miner) -> dict:
    return {"embedding_model": getattr(miner, "embedding_model", None),
            "cache_dir": getattr(miner, "embedding_cache", None),
            "batch_size": int(getattr(miner, "embedding_batch_size", 32)),
            "progress": getattr(miner, "progress", None)}


def _model_id(miner) -> str:
    from cxlab.themes._embeddings import model_identity, resolve_model

    return model_identity(*resolve_model(getattr(miner, "embedding_model", None)))


def embedded_matrices(miner, prep) -> tuple[np.ndarray, np.ndarray]:
    """``(comment_vectors, clause_vectors)`` of new comments, in the fitted model's space."""
    from cxlab.themes._embeddings import embed_prepared

    want = getattr(miner, "embedding_model_", None)
    got = _model_id(miner)
    if want is not None and got != want:
        raise ParameterError(
            f"this theme model was fitted with embedding model {want!r} but embedding_model="
            f"{miner.embedding_model!r} now resolves to {got!r}; its vectors are not comparable. "
            "Install or point embedding_model to the model used at fit time, or refit."
        )
    Ed, Ec = embed_prepared(prep, **_embed_kwargs(miner))
    dim = miner.components_.shape[1]
    if Ed.shape[1] != dim:  # no clauses at all: nothing to score
        return np.zeros((len(Ed), dim), np.float32), np.zeros((len(Ec), dim), np.float32)
    return Ed, Ec


def lexical_centroids(L, labels: np.ndarray, k: int) -> np.ndarray:
    """Per theme, the normalised sum of its comments' lexical rows (for keywords)."""
    from cxlab.themes._embed_grouping import _lexical_centroids

    return _lexical_centroids(L, labels, k)


def fit_embeddings(miner, prep, usable: np.ndarray, Xd, Xc, tax) -> None:
    """Embed, choose the number of themes, group, then finish like the lexical backend."""
    from cxlab.themes._embed_grouping import EmbeddingGrouper, choose_n_themes_embedded
    from cxlab.themes._embeddings import embed_prepared, embed_seeds

    kwargs = _embed_kwargs(miner)
    Ed, Ec = embed_prepared(prep, **kwargs)
    miner.embedding_model_ = _model_id(miner)
    if miner.fit_on == "clauses":
        rows = prep.clauses["row"].to_numpy()
        keep = np.flatnonzero(usable[rows] & (np.diff(Xc.indptr) > 0))
        Efit, Lfit = Ec[keep], Xc[keep]
    else:
        keep = np.flatnonzero(usable)
        Efit, Lfit = Ed[keep], Xd[keep]
    n_tax = 0 if tax is None else len(tax)
    seeds = embed_seeds(tax.seeds, **kwargs) if n_tax else None
    if isinstance(miner.grouper, EmbeddingGrouper):
        make = lambda: copy.deepcopy(miner.grouper)
    elif miner.grouper is None:
        make = EmbeddingGrouper
    else:
        raise ParameterError(
            f"grouper={type(miner.grouper).__name__} works on word vectors; with backend='embeddings' "
            "pass an EmbeddingGrouper or leave grouper=None."
        )
    if miner.n_themes == "auto":
        k, miner.selection_ = choose_n_themes_embedded(Efit, Lfit, seeds=seeds,
                                                       random_state=miner.random_state)
        if n_tax:
            k = max(k, n_tax + 2)
    else:
        import pandas as pd

        k, miner.selection_ = max(int(miner.n_themes), n_tax), pd.DataFrame()
    miner.grouper_ = make().fit(Efit, k, seeds=seeds, random_state=miner.random_state)
    miner._finish_fit(prep, usable, Ed, Ec, tax, lexical=Xd)
