"""Clustering back-ends, bootstrap stability and the choice of the number of personas.

Stability follows Hennig (2007) / Lange et al. (2004): refit the clustering on bootstrap
resamples, assign every customer of the reference sample with each refit, and compare with the
reference labels by the adjusted Rand index (ARI; 1 = identical partitions, 0 = chance). The
per-persona score is the best Jaccard overlap of each reference persona with a bootstrap cluster
(Hennig's rule of thumb: below 0.6 a cluster is not real, above 0.75 it is).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture

__all__ = ["fit_clusterer", "bootstrap_stability", "select_n_personas", "relevance_weights"]

#: above this many rows the final k-means is mini-batch (memory and time stay flat)
MINIBATCH_ROWS = 250_000
SILHOUETTE_ROWS = 2_000
#: stabilities closer than this count as equal when choosing k: one or two refits of ten stuck in
#: a poor local optimum (ARI ~0.5) move the bootstrap mean by 0.05-0.1, so such gaps are noise
STABILITY_TIE = 0.1


def _seeds(rng: np.random.Generator, n: int) -> list[int]:
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]


def fit_clusterer(Z: np.ndarray, k: int, *, algorithm: str, random_state: int, n_init: int = 2):
    """Fit one clustering with ``k`` groups on ``Z``; returns an object with ``predict``."""
    with warnings.catch_warnings():
        # tiny bootstrap samples can converge early; the stability score already says so
        warnings.simplefilter("ignore", ConvergenceWarning)
        if algorithm == "gmm":
            model = GaussianMixture(k, covariance_type="full", n_init=max(1, n_init - 1),
                                    reg_covar=1e-3, random_state=random_state, max_iter=200)
        elif len(Z) > MINIBATCH_ROWS:
            model = MiniBatchKMeans(k, n_init=n_init, random_state=random_state,
                                    batch_size=4096, max_no_improvement=20)
        else:
            model = KMeans(k, n_init=n_init, random_state=random_state)
        return model.fit(Z)


def _jaccard_per_cluster(ref: np.ndarray, other: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros(k)
    for c in range(k):
        a = ref == c
        if not a.any():
            continue
        best = 0.0
        for d in np.unique(other[a]):
            b = other == d
            best = max(best, (a & b).sum() / (a | b).sum())
        out[c] = best
    return out


def bootstrap_stability(Z, k, *, algorithm, n_bootstrap, random_state, ref_model=None):
    """Bootstrap ARI of a ``k``-group clustering of ``Z``.

    Returns ``(aris, jaccard, ref_model)``: ARIs (one per resample), mean per-cluster Jaccard
    (indexed like the reference model's labels) and the reference model fitted on all of ``Z``.
    """
    rng = np.random.default_rng(random_state)
    seeds = _seeds(rng, n_bootstrap + 1)
    if ref_model is None:
        ref_model = fit_clusterer(Z, k, algorithm=algorithm, random_state=seeds[0])
    ref = ref_model.predict(Z)
    aris, jac = [], np.zeros(k)
    n = len(Z)
    for b in range(n_bootstrap):
        idx = rng.integers(0, n, size=n)
        boot = fit_clusterer(Z[idx], k, algorithm=algorithm, random_state=seeds[b + 1])
        lab = boot.predict(Z)
        aris.append(adjusted_rand_score(ref, lab))
        jac += _jaccard_per_cluster(ref, lab, k)
    return np.asarray(aris), jac / max(n_bootstrap, 1), ref_model


def _silhouette(Z, labels, random_state):
    if len(np.unique(labels)) < 2:
        return np.nan
    size = min(len(Z), SILHOUETTE_ROWS)
    return float(silhouette_score(Z, labels, sample_size=size, random_state=random_state))


def select_n_personas(Z, k_values, *, algorithm, n_bootstrap, min_stability, random_state):
    """Score every candidate ``k`` and pick one.

    The rule: among the candidates whose mean bootstrap ARI reaches ``min_stability``, take (k-means,
    FAMD) the largest k whose stability is within ``STABILITY_TIE`` of the most stable candidate
    (Ben-Hur et al., 2002: the number of groups is the largest k before stability drops; a few
    broad groups are always easy to reproduce, so the finer equally stable one is more useful),
    or (Gaussian mixture) the lowest BIC; when no candidate is stable, take the most stable one
    and say so. The silhouette is reported for reading, not used: it favours 2 broad groups
    whenever personas differ along several directions.

    Returns ``(k, table)`` where ``table`` has one row per candidate.
    """
    rng = np.random.default_rng(random_state)
    # fewer refits per candidate than for the final score: ranking candidates needs less precision
    n_boot = max(5, n_bootstrap // 2)
    rows = []
    for k, seed in zip(k_values, _seeds(rng, len(k_values))):
        aris, _, ref_model = bootstrap_stability(
            Z, k, algorithm=algorithm, n_bootstrap=n_boot, random_state=seed
        )
        labels = ref_model.predict(Z)
        rows.append({
            "n_personas": k,
            "silhouette": _silhouette(Z, labels, seed),
            "bic": float(ref_model.bic(Z)) if algorithm == "gmm" else np.nan,
            "stability": float(aris.mean()),
            "stability_low": float(np.quantile(aris, 0.025)),
            "stability_high": float(np.quantile(aris, 0.975)),
            "smallest_share": float(np.bincount(labels, minlength=k).min() / len(Z)),
        })
    table = pd.DataFrame(rows)
    stable = table["stability"] >= min_stability
    if stable.any():
        pool = table[stable]
        if algorithm == "gmm":
            best = pool.sort_values(["bic", "n_personas"], kind="stable").index[0]
        else:
            good = pool[pool["stability"] >= pool["stability"].max() - STABILITY_TIE]
            best = good.sort_values("n_personas", ascending=False, kind="stable").index[0]
    else:
        best = table.sort_values(["stability", "n_personas"], ascending=[False, True],
                                 kind="stable").index[0]
    table["chosen"] = table.index == best
    return int(table.loc[best, "n_personas"]), table


def relevance_weights(M: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Column weights from how much of each column's variance lies between the groups.

    Variable weighting in the spirit of sparse k-means (Witten & Tibshirani, 2010): with
    ``eta2_j`` the between-group share of column j's variance, the column is scaled by
    ``sqrt(eta2_j / mean(eta2))`` so its say in the distances is proportional to ``eta2_j``.
    Columns that do not differ between groups (noise such as region or tenure in most data)
    fade; columns that separate groups count more. Mean weight^2 is 1.
    """
    centred = M - M.mean(axis=0)
    total = (centred ** 2).sum(axis=0)
    within = np.zeros(M.shape[1])
    for c in range(k):
        part = M[labels == c]
        if len(part):
            within += ((part - part.mean(axis=0)) ** 2).sum(axis=0)
    eta2 = np.where(total > 1e-12, np.clip(1 - within / np.where(total > 1e-12, total, 1.0), 0, 1), 0.0)
    if eta2.mean() <= 1e-12:
        return np.ones(M.shape[1])
    return np.sqrt(eta2 / eta2.mean())
