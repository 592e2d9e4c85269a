"""Customers with too little data to shape the personas, assigned by the features they do have.

A customer who registered but never bought has every order feature missing (recency, basket,
returns, channel and category mix) and ``frequency = 0``. Imputing all of that and clustering it
makes such customers a "persona" of their own that mixes every real persona ("people we know
nothing about"). Instead, customers with fewer than ``min_observed`` of the numeric features
observed (a *partial profile*) do not shape the personas; once the personas are fitted on the
customers with full profiles, each partial customer joins the persona it resembles most on the
features it has: a diagonal Gaussian per persona (persona means, pooled within-persona variance
per encoded column), with the missing columns left out of the likelihood (marginalised, not
imputed). A numeric value outside the range seen in the full profiles (``frequency = 0`` when
every fitted customer has at least one order) says nothing about which persona fits and is left
out too, as are the missing-value indicators. ``PersonaModel.assign`` reports which customers
were assigned this way (``basis = "partial profile"``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["PartialAssigner", "numeric_layout"]

#: floor on the per-column variance, so a column constant within personas cannot dominate
_MIN_VAR = 1e-2


def numeric_layout(preprocessor) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the numeric features and of the missing indicators in the encoded matrix."""
    encode = preprocessor.named_steps["encode"]
    if "num" not in encode.named_transformers_:
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    num = encode.named_transformers_["num"]
    n_feat, n_ind = len(num.feature_names_in_), len(num.patterns_)
    start = encode.output_indices_["num"].start
    return np.arange(start, start + n_feat), np.arange(start + n_feat, start + n_feat + n_ind)


def observed_share(E: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """Share of the numeric features each row has (1.0 when there are no numeric features)."""
    if len(numeric) == 0:
        return np.ones(len(E))
    return 1.0 - np.isnan(E[:, numeric]).mean(axis=1)


class PartialAssigner:
    """Persona membership from the observed columns only (see the module docstring)."""

    def fit(self, M: np.ndarray, labels: np.ndarray, k: int, *, numeric: np.ndarray,
            indicators: np.ndarray) -> "PartialAssigner":
        self.means_ = np.vstack([M[labels == c].mean(axis=0) if (labels == c).any()
                                 else M.mean(axis=0) for c in range(k)])
        resid = M - self.means_[labels]
        self.var_ = np.maximum(resid.var(axis=0), _MIN_VAR)
        counts = np.bincount(labels, minlength=k)
        self.log_prior_ = np.log(counts / counts.sum() + 1e-12)
        self.numeric_ = numeric
        self.indicators_ = indicators
        self.low_ = M[:, numeric].min(axis=0) if len(M) else np.zeros(len(numeric))
        self.high_ = M[:, numeric].max(axis=0) if len(M) else np.zeros(len(numeric))
        return self

    def usable(self, E: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Columns each row may be judged on: observed, inside the fitted range, not indicators."""
        use = ~np.isnan(E)
        if len(self.numeric_):
            vals = M[:, self.numeric_]
            tol = 1e-9
            use[:, self.numeric_] &= (vals >= self.low_ - tol) & (vals <= self.high_ + tol)
        use[:, self.indicators_] = False
        return use

    def proba(self, E: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Membership probabilities (rows x personas, in the clusterer's label order)."""
        use = self.usable(E, M)
        X = np.where(use, M, 0.0)
        d2 = np.stack([((np.where(use, X - mu, 0.0) ** 2) / self.var_).sum(axis=1)
                       for mu in self.means_], axis=1)
        logit = -0.5 * d2 + self.log_prior_
        logit -= logit.max(axis=1, keepdims=True)
        P = np.exp(logit)
        return P / P.sum(axis=1, keepdims=True)
