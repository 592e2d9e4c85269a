"""``PersonaModel``: customers -> a handful of stable, explained personas."""
from __future__ import annotations

import numbers
from fnmatch import fnmatchcase
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from cxlab.exceptions import NotFittedError, ParameterError, SchemaError
from cxlab.personas._encode import infer_column_kinds, make_preprocessor, to_model_frame
from cxlab.personas._naming import generate_names
from cxlab.personas._partial import PartialAssigner, numeric_layout, observed_share
from cxlab.personas._select import (bootstrap_stability, fit_clusterer, relevance_weights,
                                    select_n_personas)
from cxlab.personas._traits import persona_traits, theme_labels_of

__all__ = ["PersonaModel"]

_ALGORITHMS = ("auto", "kmeans", "gmm", "famd")
#: outcomes personas are judged on, not built from (override with ``columns=`` or ``exclude=``):
#: the KPIs (churn, NPS, satisfaction, sentiment, spend) and the experience a persona has
#: (support contacts, comments, pain-point themes). Clustering on them would make "persona 2 has
#: the lowest NPS" true by construction; they are profiled per persona instead. ``monetary`` is
#: also ``frequency`` x ``aov`` (both clustered on): keeping it would count activity twice.
#: Shell-style patterns (``theme_*``) are allowed.
DEFAULT_EXCLUDE = ("churned", "nps", "csat_mean", "sentiment_mean", "monetary", "n_tickets",
                   "n_comments", "theme_*_share")


class PersonaModel(BaseEstimator):
    """Cluster customers into personas; choose how many from the data; say how stable they are.

    Parameters
    ----------
    n_personas : "auto" or int, default="auto"
        Number of personas. ``"auto"`` tries ``k_range`` and keeps, among the candidates whose
        mean bootstrap ARI reaches ``min_stability``, the largest whose stability is within 0.1
        of the most stable (k-means, FAMD) or the lowest BIC (Gaussian mixture); when none is
        stable the most stable is kept and ``stability_["stable"]`` is False.
    algorithm : {"auto", "kmeans", "gmm", "famd"}, default="auto"
        ``"kmeans"``: k-means on robust-scaled numbers and balanced one-hots, reduced by PCA.
        ``"gmm"``: Gaussian mixture (full covariances) on the same components; soft memberships.
        ``"famd"``: factor analysis of mixed data (PCA on standardised numbers and one-hots
        weighted by 1/sqrt(share)) then k-means; ``"auto"`` uses it when most columns are
        categorical, k-means otherwise.
    columns : list of str, optional
        Features to cluster on; default all columns except ``exclude``.
    exclude : tuple of str, default=DEFAULT_EXCLUDE
        Columns (or shell-style patterns) left out when ``columns`` is None: the outcomes the
        personas are judged on (churn, NPS, CSAT, sentiment, spend, support contacts, comments,
        pain-point themes); they stay in the profiles and KPIs.
    k_range : tuple of int, default=(2, 8)
        Smallest and largest number of personas tried by ``"auto"``.
    n_bootstrap : int, default=20
        Bootstrap refits behind the reported stability (``"auto"`` ranks candidates with half
        as many, at least 5).
    min_stability : float, default=0.8
        Mean bootstrap ARI a segmentation needs to count as stable.
    sample_size : int, optional
        Fit the final model on a seeded sample of this many customers (predict works on any
        number, chunk by chunk). Default: all customers.
    selection_size : int, default=2000
        Customers (a seeded sample) used to choose k and measure stability.
    variance_kept : float, default=0.9
        Share of variance the PCA components keep (at least 2 components).
    impute : {"iterative", "median"}, default="iterative"
        How missing numbers are filled (see :mod:`cxlab.personas._encode`).
    min_observed : float, default=0.5
        Customers with less than this share of the numeric features (e.g. registered but never
        ordered: every order feature missing) do not shape the personas; each joins the persona
        it resembles most on the features it has (``partial_``, ``assign(...)["basis"]``).
        0 clusters everybody.
    feature_weighting : {"relevance", None}, default="relevance"
        ``"relevance"``: once k is chosen, weight each encoded column by the share of its
        variance that lies between the personas and refit (sparse k-means style, see
        :func:`relevance_weights`), so columns that separate nobody (region, tenure...) stop
        blurring the personas. None: every column keeps equal weight.
    random_state : int, optional
        Seed for sampling, initialisation and bootstrap; same seed, same personas.

    Attributes
    ----------
    n_personas_ : int
    algorithm_ : str
    columns_ : list of str
        Features used; ``kinds_`` maps each to numeric / binary / categorical.
    dropped_columns_ : dict
        Columns ignored and why (identifiers, constants, empty).
    preprocessor_ : Pipeline
        ``ColumnTransformer`` (numbers, categories) then the imputer.
    pca_ : PCA
    stability_ : dict
        ``ari`` (mean bootstrap ARI), ``low``/``high`` (2.5%/97.5% of the bootstrap ARIs),
        ``n_bootstrap``, ``stable`` (``ari >= min_stability``).
    persona_stability_ : Series
        Mean bootstrap Jaccard of each persona (below 0.6: not a real group).
    k_scores_ : DataFrame
        Silhouette, BIC and stability of every candidate k (``"auto"`` only).
    partial_ : Series of bool
        Training customers with a partial profile, assigned by the features they have;
        ``n_partial_`` counts them.
    labels_ : Series
        Persona of each training customer; personas are numbered 1..k from largest to smallest.
    names_ : dict
        Persona number -> short generated name (edit with :meth:`rename_persona`).
    traits_ : DataFrame
        Output of :func:`persona_traits` on the training data: the clustered columns and the
        ``profiled_columns_`` (excluded outcomes, described but not clustered on).
    theme_labels_ : dict
        ``{theme id: label}`` carried by the features (:func:`build_customer_features` with a
        labelled theme table): theme-share traits, names and pain points use the labels.

    Examples
    --------
    >>> from cxlab.personas import PersonaModel, make_synthetic_customers
    >>> X, truth = make_synthetic_customers(600, random_state=0)
    >>> model = PersonaModel(random_state=0, n_bootstrap=5).fit(X)
    >>> model.n_personas_
    4
    """

    def __init__(self, n_personas="auto", *, algorithm="auto", columns=None,
                 exclude=DEFAULT_EXCLUDE, k_range=(2, 8), n_bootstrap=20, min_stability=0.8,
                 sample_size=None, selection_size=2000, variance_kept=0.9, impute="iterative",
                 min_observed=0.5, feature_weighting="relevance", random_state=None):
        self.n_personas = n_personas
        self.algorithm = algorithm
        self.columns = columns
        self.exclude = exclude
        self.k_range = k_range
        self.n_bootstrap = n_bootstrap
        self.min_stability = min_stability
        self.sample_size = sample_size
        self.selection_size = selection_size
        self.variance_kept = variance_kept
        self.impute = impute
        self.min_observed = min_observed
        self.feature_weighting = feature_weighting
        self.random_state = random_state

    # ------------------------------------------------------------------ validation
    def _check_params(self, n_rows: int):
        if self.algorithm not in _ALGORITHMS:
            raise ParameterError(f"algorithm={self.algorithm!r} is unknown; use one of {list(_ALGORITHMS)}.")
        k = self.n_personas
        if k != "auto" and not (isinstance(k, numbers.Integral) and k >= 1):
            raise ParameterError(f"n_personas={k!r} must be 'auto' or a positive integer.")
        lo, hi = self.k_range
        if not (2 <= lo <= hi):
            raise ParameterError(f"k_range={self.k_range!r} must be (low, high) with 2 <= low <= high.")
        if self.feature_weighting not in ("relevance", None):
            raise ParameterError(f"feature_weighting={self.feature_weighting!r} is unknown; use 'relevance' or None.")
        if not (isinstance(self.min_observed, numbers.Real) and 0 <= self.min_observed <= 1):
            raise ParameterError(f"min_observed={self.min_observed!r} must be a share between 0 and 1.")
        needed = 2 * (lo if k == "auto" else k)
        if n_rows < max(needed, 2):
            raise SchemaError(f"PersonaModel needs at least {max(needed, 2)} customers to find "
                              f"{k if k != 'auto' else lo} personas; received {n_rows}.")

    def _pick_columns(self, X: pd.DataFrame) -> list[str]:
        self.profiled_columns_ = []
        if self.columns is not None:
            missing = [c for c in self.columns if c not in X.columns]
            if missing:
                raise SchemaError(f"columns {missing} not found in the customer features; columns "
                                  f"found: {list(X.columns)}.")
            cols = list(self.columns)
        else:
            patterns = [str(p) for p in (self.exclude or ())]
            cols = [c for c in X.columns if not any(fnmatchcase(str(c), p) for p in patterns)]
            # left out of the clustering, still described in the traits (spend, NPS, tickets...)
            self.profiled_columns_ = [c for c in X.columns if c not in cols and X[c].nunique(dropna=True) > 1]
        self.dropped_columns_ = {}
        kept = []
        n = len(X)
        for c in cols:
            s = X[c]
            nunique = s.nunique(dropna=True)
            is_text = not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)
                           or pd.api.types.is_datetime64_any_dtype(s))
            if nunique == 0:
                self.dropped_columns_[c] = "empty"
            elif nunique == 1:
                self.dropped_columns_[c] = "constant"
            elif is_text and nunique > max(50, 0.5 * n):
                self.dropped_columns_[c] = "identifier or free text (too many distinct values)"
            else:
                kept.append(c)
        if not kept:
            raise SchemaError(f"no usable feature columns: {self.dropped_columns_ or 'none given'}; "
                              "pass customer features such as build_customer_features() returns.")
        return kept

    def _check_fitted(self):
        if not hasattr(self, "pca_"):
            raise NotFittedError("this PersonaModel is not fitted yet; call fit(features) first.")

    def _encode(self, X: pd.DataFrame) -> np.ndarray:
        return self._encode_parts(X)[0]

    def _encode_parts(self, X: pd.DataFrame):
        """``(Z, E, M, partial)``: components, encoded (NaN kept), imputed, partial-profile rows."""
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"expected a pandas DataFrame of customer features; received {type(X).__name__}.")
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise SchemaError(f"customer features lack columns {missing} the model was fitted on; "
                              f"columns found: {list(X.columns)}. Build them with the same "
                              "build_customer_features() inputs.")
        E, M = self._encode_frame(to_model_frame(X[self.columns_]))
        partial = self._partial_rows(E)
        return self.pca_.transform(M * self.feature_weights_), E, M, partial

    def _encode_frame(self, frame: pd.DataFrame):
        E = self.preprocessor_.named_steps["encode"].transform(frame)
        return E, self.preprocessor_.named_steps["impute"].transform(E)

    def _partial_rows(self, E: np.ndarray) -> np.ndarray:
        if getattr(self, "partial_assigner_", None) is None:
            return np.zeros(len(E), dtype=bool)
        return observed_share(E, self.partial_assigner_.numeric_) < self.min_observed

    # ------------------------------------------------------------------ fit
    def fit(self, X: pd.DataFrame, y=None):
        """Choose the number of personas (if ``"auto"``), fit them and measure their stability."""
        # one BLAS/OpenMP thread: the many small refits gain nothing from threads and a busy
        # machine makes spinning threads orders of magnitude slower
        with threadpool_limits(limits=1):
            return self._fit(X)

    def _fit(self, X: pd.DataFrame):
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"expected a pandas DataFrame of customer features; received {type(X).__name__}.")
        self._check_params(len(X))
        rng = np.random.default_rng(self.random_state)
        seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=4)]
        self.columns_ = self._pick_columns(X)
        frame = to_model_frame(X[self.columns_])
        self.kinds_ = infer_column_kinds(frame)
        n_cat = sum(k != "numeric" for k in self.kinds_.values())
        algorithm = self.algorithm
        if algorithm == "auto":
            algorithm = "famd" if n_cat > len(self.kinds_) / 2 else "kmeans"
        self.algorithm_ = algorithm

        fit_idx = np.arange(len(X))
        if self.sample_size is not None and self.sample_size < len(X):
            fit_idx = np.sort(np.random.default_rng(seeds[0]).choice(len(X), self.sample_size, replace=False))
        fit_frame = frame.iloc[fit_idx]
        self.preprocessor_ = make_preprocessor(
            self.kinds_, weighting="famd" if algorithm == "famd" else "balanced",
            impute=self.impute, random_state=seeds[0]).fit(fit_frame)
        E, M = self._encode_frame(fit_frame)
        self.feature_names_out_ = list(self.preprocessor_.named_steps["encode"].get_feature_names_out())
        # customers missing most numeric features (never ordered...) do not shape the personas;
        # they are assigned afterwards by the features they have (see _partial.py)
        numeric, indicators = numeric_layout(self.preprocessor_)
        partial = observed_share(E, numeric) < self.min_observed
        needed = 2 * (self.k_range[0] if self.n_personas == "auto" else int(self.n_personas))
        if (~partial).sum() < max(needed, 2):
            partial[:] = False
        M_all, E_all = M, E
        M = M[~partial]
        self.feature_weights_ = np.ones(M.shape[1])
        self.pca_ = self._fit_pca(M)
        Z = self.pca_.transform(M)

        sel = np.arange(len(Z))
        if len(Z) > self.selection_size:
            sel = np.sort(np.random.default_rng(seeds[1]).choice(len(Z), self.selection_size, replace=False))
        Zs = Z[sel]
        if self.n_personas == "auto":
            lo, hi = self.k_range
            ks = list(range(lo, min(hi, max(lo, len(Zs) // 10)) + 1))
            k, self.k_scores_ = select_n_personas(
                Zs, ks, algorithm=algorithm, n_bootstrap=self.n_bootstrap,
                min_stability=self.min_stability, random_state=seeds[2])
        else:
            k, self.k_scores_ = int(self.n_personas), None
        self.clusterer_ = fit_clusterer(Z, k, algorithm=algorithm, random_state=seeds[3], n_init=4)
        if self.feature_weighting == "relevance" and k > 1:
            # reweight the encoded columns by how much they separate the personas, refit (twice:
            # the weights settle quickly); k was chosen before, on equally weighted columns
            for _ in range(2):
                self.feature_weights_ = relevance_weights(M, self.clusterer_.predict(Z), k)
                self.pca_ = self._fit_pca(M * self.feature_weights_)
                Z = self.pca_.transform(M * self.feature_weights_)
                self.clusterer_ = fit_clusterer(Z, k, algorithm=algorithm, random_state=seeds[3], n_init=4)
            Zs = Z[sel]
        raw = self.clusterer_.predict(Z)
        # personas numbered 1..k by size (largest first); ties broken by cluster index
        counts = np.bincount(raw, minlength=k)
        order = np.lexsort((np.arange(k), -counts))
        self.relabel_ = np.empty(k, dtype=int)
        self.relabel_[order] = np.arange(1, k + 1)
        self.n_personas_ = k
        self.persona_ids_ = list(range(1, k + 1))
        self._set_spread(Z, raw)
        self.partial_assigner_ = None
        if partial.any():
            self.partial_assigner_ = PartialAssigner().fit(M, raw, k, numeric=numeric,
                                                           indicators=indicators)

        # stability of the final partition: bootstrap refits on the selection sample vs it
        aris, jaccard, _ = bootstrap_stability(Zs, k, algorithm=algorithm, n_bootstrap=self.n_bootstrap,
                                               random_state=seeds[3], ref_model=self.clusterer_)
        mean = float(np.mean(aris)) if len(aris) else float("nan")
        self.stability_ = {
            "ari": mean,
            "low": float(np.quantile(aris, 0.025)) if len(aris) else float("nan"),
            "high": float(np.quantile(aris, 0.975)) if len(aris) else float("nan"),
            "n_bootstrap": int(self.n_bootstrap),
            "stable": bool(len(aris) and mean >= self.min_stability),
        }
        self.persona_stability_ = pd.Series(
            {int(self.relabel_[c]): float(jaccard[c]) for c in range(k)}, name="stability"
        ).sort_index().rename_axis("persona")
        if len(fit_idx) < len(X):
            E_all, M_all = self._encode_frame(frame)
        raw = self._raw_predict(self.pca_.transform(M_all * self.feature_weights_), E_all, M_all,
                                self._partial_rows(E_all))
        self.partial_ = pd.Series(self._partial_rows(E_all), index=X.index, name="partial")
        self.n_partial_ = int(self.partial_.sum())
        self.labels_ = pd.Series(self.relabel_[raw], index=X.index, name="persona")
        self.theme_labels_ = theme_labels_of(X)
        self.traits_ = persona_traits(X[self.columns_ + self.profiled_columns_], self.labels_,
                                      theme_labels=self.theme_labels_)
        self.names_ = generate_names(self.traits_, theme_labels=self.theme_labels_)
        return self

    def _fit_pca(self, M: np.ndarray) -> PCA:
        """PCA keeping ``variance_kept`` of the variance (at least 2 components)."""
        n_comp = min(M.shape[1], len(M) - 1, 50)
        pca = PCA(n_components=n_comp, svd_solver="full").fit(M)
        keep = int(np.searchsorted(np.cumsum(pca.explained_variance_ratio_), self.variance_kept) + 1)
        keep = int(np.clip(keep, min(2, n_comp), n_comp))
        return PCA(n_components=keep, svd_solver="full").fit(M)

    def _set_spread(self, Z, raw):
        if self.algorithm_ == "gmm":
            return
        # soft memberships: spherical Gaussians around the centres with the pooled per-dimension
        # within-persona variance (confidence near 1 = far from any other persona)
        d2 = ((Z - self.clusterer_.cluster_centers_[raw]) ** 2).sum(axis=1)
        self.spread_ = float(max(d2.mean() / max(Z.shape[1], 1), 1e-9))
        self.log_prior_ = np.log(np.bincount(raw, minlength=self.clusterer_.n_clusters) / len(raw) + 1e-12)

    # ------------------------------------------------------------------ predict
    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Customers' coordinates in the model's component space (``pc_1`` and ``pc_2`` map them)."""
        self._check_fitted()
        Z = self._encode(X)
        return pd.DataFrame(Z, index=X.index, columns=[f"pc_{i + 1}" for i in range(Z.shape[1])])

    def _raw_predict(self, Z, E, M, partial) -> np.ndarray:
        raw = self.clusterer_.predict(Z) if len(Z) else np.empty(0, dtype=int)
        if partial.any():
            raw[partial] = self.partial_assigner_.proba(E[partial], M[partial]).argmax(axis=1)
        return raw

    def _proba(self, Z: np.ndarray, E=None, M=None, partial=None) -> np.ndarray:
        if self.algorithm_ == "gmm":
            P = self.clusterer_.predict_proba(Z)
        else:
            # spherical Gaussians around the centres with the fitted within-persona spread
            d2 = ((Z[:, None, :] - self.clusterer_.cluster_centers_[None]) ** 2).sum(axis=2)
            logit = -d2 / (2 * self.spread_) + self.log_prior_
            logit -= logit.max(axis=1, keepdims=True)
            P = np.exp(logit)
            P /= P.sum(axis=1, keepdims=True)
        if partial is not None and partial.any():
            P[partial] = self.partial_assigner_.proba(E[partial], M[partial])
        out = np.empty_like(P)
        out[:, self.relabel_ - 1] = P
        return out

    def predict_proba(self, X: pd.DataFrame, *, chunk_size: int = 100_000) -> pd.DataFrame:
        """Membership probability of each customer in each persona (columns 1..k)."""
        self._check_fitted()
        parts = [self._proba(*self._encode_parts(X.iloc[i:i + chunk_size]))
                 for i in range(0, len(X), chunk_size)] or [np.empty((0, self.n_personas_))]
        return pd.DataFrame(np.vstack(parts), index=X.index, columns=self.persona_ids_)

    def predict(self, X: pd.DataFrame, *, chunk_size: int = 100_000) -> pd.Series:
        """Persona (1..k) of each customer; works chunk by chunk so memory stays flat."""
        self._check_fitted()
        parts = []
        for i in range(0, len(X), chunk_size):
            Z, E, M, partial = self._encode_parts(X.iloc[i:i + chunk_size])
            with threadpool_limits(limits=1):
                raw = self._raw_predict(Z, E, M, partial)
            parts.append(self.relabel_[raw])
        values = np.concatenate(parts) if parts else np.empty(0, dtype=int)
        return pd.Series(values, index=X.index, name="persona")

    def assign(self, X: pd.DataFrame, *, chunk_size: int = 100_000) -> pd.DataFrame:
        """``persona``, ``persona_name``, ``confidence`` (top membership probability) and ``basis``.

        ``basis`` is ``"full profile"``, or ``"partial profile"`` for a customer missing most
        numeric features (e.g. no orders yet), assigned by the features it has.
        """
        P = self.predict_proba(X, chunk_size=chunk_size)
        persona = self.predict(X, chunk_size=chunk_size)
        conf = P.to_numpy()[np.arange(len(P)), persona.to_numpy() - 1] if len(P) else np.empty(0)
        partial = np.concatenate([self._partial_rows(self._encode_parts(X.iloc[i:i + chunk_size])[1])
                                  for i in range(0, len(X), chunk_size)] or [np.empty(0, dtype=bool)])
        return pd.DataFrame({"persona": persona, "persona_name": persona.map(self.names_),
                             "confidence": conf,
                             "basis": np.where(partial, "partial profile", "full profile")},
                            index=X.index)

    def assign_chunks(self, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """Assign personas to an iterable of feature chunks (e.g. millions of customers), lazily."""
        for chunk in chunks:
            yield self.assign(chunk)

    # ------------------------------------------------------------------ names
    def rename_persona(self, persona, name: str | None = None):
        """Rename one persona (``rename_persona(2, "Bargain hunters")``) or many with a dict."""
        self._check_fitted()
        mapping = persona if isinstance(persona, dict) else {persona: name}
        for p, n in mapping.items():
            if p not in self.names_:
                raise ParameterError(f"persona {p!r} does not exist; personas are {self.persona_ids_}.")
            if not isinstance(n, str) or not n.strip():
                raise ParameterError(f"the new name of persona {p} must be non-empty text; received {n!r}.")
            self.names_[p] = n.strip()
        return self
