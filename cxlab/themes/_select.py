"""Choosing the number of themes from the data: coherence x stability.

For each candidate ``k`` the grouper is fitted on two random halves of a sample (at most
``max_rows``) of the comments. A good ``k`` gives themes that

* **recur**: the two halves find the same themes (stability = mean cosine of the best
  one-to-one matching of their prototypes, Hungarian algorithm), and
* **make sense**: the top words of a theme occur together in comments (coherence = mean NPMI
  of the top-word pairs, Bouma 2009, computed on the whole sample), and
* **are specific**: no catch-all theme holds most comments (``largest`` = share of the sample
  in the biggest theme; small ``k`` always looks stable because of such a bucket).

The chosen ``k`` maximises ``stability * (coherence + 1) / 2 * (1 - largest)`` (ties -> fewer
themes); every candidate's scores (and ``heldout``: mean best similarity of one half's
comments to the other half's themes) are kept in ``ThemeMiner.selection_`` so the choice can be
shown and argued with.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from cxlab.themes._grouping import truncated_svd

__all__ = ["DEFAULT_CANDIDATES", "choose_n_themes", "npmi_coherence"]

DEFAULT_CANDIDATES = (4, 6, 8, 10, 12, 15)


def npmi_coherence(X, components: np.ndarray, *, top_n: int = 8) -> np.ndarray:
    """Mean NPMI of the top-``top_n`` feature pairs of each component (one value per theme)."""
    n = X.shape[0]
    B = (X > 0).astype(np.float64).tocsc()
    out = []
    for comp in components:
        top = np.argsort(-comp, kind="stable")[:top_n]
        sub = B[:, top]
        co = np.asarray((sub.T @ sub).todense())
        df = np.diag(co)
        vals = []
        for a in range(len(top)):
            for b in range(a + 1, len(top)):
                if df[a] == 0 or df[b] == 0:
                    continue
                p_ab = co[a, b] / n
                if p_ab == 0:
                    vals.append(-1.0)
                    continue
                pmi = np.log(p_ab / ((df[a] / n) * (df[b] / n)))
                vals.append(pmi / -np.log(p_ab))
        out.append(np.mean(vals) if vals else 0.0)
    return np.asarray(out)


def _match(a: np.ndarray, b: np.ndarray) -> float:
    sims = a @ b.T
    r, c = linear_sum_assignment(-sims)
    return float(sims[r, c].mean())


def _fit(grouper, X, k, seeds, random_state, svd):
    if getattr(grouper, "self_train", 0):
        # comparing candidates needs the themes NMF finds, not the last polish: self-training
        # would make each of the many fits below several times slower for the same ranking
        grouper.self_train = 0
    if getattr(grouper, "refine", "spherical") == "mixture":
        grouper.refine = "spherical"  # likewise: the mixture refinement polishes the chosen k only
    try:
        return grouper.fit(X, k, seeds=seeds, random_state=random_state, svd=svd).components_
    except TypeError:  # a grouper that does not take a precomputed SVD
        return grouper.fit(X, k, seeds=seeds, random_state=random_state).components_


def choose_n_themes(X, make_grouper, *, candidates=DEFAULT_CANDIDATES, seeds=None,
                    random_state=None, max_rows: int = 4000) -> tuple[int, pd.DataFrame]:
    """Return the chosen number of themes and a table of every candidate's scores."""
    rng = np.random.default_rng(random_state)
    n = X.shape[0]
    rows = rng.permutation(n)[: min(n, max_rows)]
    sample = X[np.sort(rows)]
    # only words that recur in the sample can shape a theme; dropping the rest makes each of
    # the many small fits below several times cheaper (NNDSVD's SVD cost grows with columns)
    df = np.asarray((sample > 0).sum(axis=0)).ravel()
    cols = np.flatnonzero(df >= 3)
    if len(cols) >= 2 * max(candidates):
        sample = sample[:, cols]
        seeds = None if seeds is None else seeds[:, cols]
    half = rng.permutation(sample.shape[0])
    first, second = np.sort(half[: len(half) // 2]), np.sort(half[len(half) // 2:])
    n_seeds = 0 if seeds is None else len(seeds)
    ks = [k for k in candidates if max(2, n_seeds) <= k < min(sample.shape) // 2]
    A, B = sample[first], sample[second]
    svd_a = svd_b = None
    if ks and not n_seeds:  # one SVD per half serves every candidate's NNDSVD start
        svd_a = truncated_svd(A, max(ks), random_state)
        svd_b = truncated_svd(B, max(ks), random_state)
    records = []
    for k in ks:
        a = _fit(make_grouper(), A, k, seeds, random_state, svd_a)
        b = _fit(make_grouper(), B, k, seeds, random_state, svd_b)
        stability = _match(a, b)
        # how well each half's themes describe the other half's comments (held-out fit)
        fit_ab = np.asarray((sample[second] @ a.T).max(axis=1)).ravel()
        fit_ba = np.asarray((sample[first] @ b.T).max(axis=1)).ravel()
        heldout = float(np.mean(np.r_[fit_ab, fit_ba]))
        largest = float(max(np.bincount(np.asarray(sample @ a.T).argmax(axis=1), minlength=k).max(),
                            1) / sample.shape[0])
        # coherence of each half's themes, judged on the whole sample
        coherence = float(np.mean(np.r_[npmi_coherence(sample, a), npmi_coherence(sample, b)]))
        records.append({"n_themes": k, "stability": stability, "coherence": coherence,
                        "heldout": heldout, "largest": largest})
    table = pd.DataFrame(records, columns=["n_themes", "stability", "coherence", "heldout", "largest"])
    if table.empty:
        k = max(1, min(n_seeds + 1, n))
        return k, table.assign(score=pd.Series(dtype=float), chosen=pd.Series(dtype=bool))
    # NPMI lies in [-1, 1]; shift it to [0, 1] so the product ranks sensibly when it is negative.
    # (1 - largest): a theme holding most comments is a catch-all that tells a researcher nothing,
    # and small k always looks stable because of it.
    table["score"] = table["stability"] * (table["coherence"] + 1) / 2 * (1 - table["largest"])
    best = table.sort_values(["score", "n_themes"], ascending=[False, True], kind="stable").iloc[0]
    table["chosen"] = table["n_themes"] == best["n_themes"]
    return int(best["n_themes"]), table
