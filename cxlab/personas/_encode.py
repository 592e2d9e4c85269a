"""Turn a mixed customer table into the numeric space personas are clustered in.

The choices, and why:

* **Column types** are decided once, at ``fit``: numbers are numeric; text, categories and booleans
  are categorical; a number column holding only 0/1 is treated as a yes/no category (so profiles
  can say "68% ... vs 31% overall"). Datetimes become "days before the latest date".
* **Skewed amounts** (non-negative, skewness > 1, e.g. spend, order counts) get ``log1p`` so a few
  heavy spenders do not become personas of their own.
* **Missing numbers** are imputed from the other columns (``IterativeImputer``: a customer with no
  orders gets the basket of customers like them, not one shared median point that would become a
  persona of its own; ``impute="median"`` is the simple alternative) and flagged by an indicator
  column. Columns missing together (all order aggregates of a customer who never bought) share
  one indicator, and indicators get half the weight of a real feature.
* **Mixes** (``category_*_share``: g shares of one composition) count as one variable: each share
  is weighted by ``1/sqrt(g)``, so eight category shares do not outvote age.
* **Scaling**: centre on the median, divide by IQR / 1.349 (the standard deviation for normal
  data; the standard deviation is the fallback when the IQR is 0) and clip at +-4 so outliers
  cannot pull a centroid on their own; then divide by the standard deviation of the clipped
  values, so every numeric variable has unit variance. The IQR alone would under-weight
  variables with several modes (age across life stages: wide IQR) and over-weight a spike with
  a tail (a rate most customers share: IQR near 0), which then become "personas" of their own.
* **Categories**: levels rarer than ``min_share`` are pooled into ``"other"``; unseen levels at
  predict time go to ``"other"`` (or to the neutral point when there is no ``"other"``). One-hot
  columns are centred and weighted so that each categorical variable carries the same total
  variance as one numeric column (``weighting="balanced"``), or by ``1/sqrt(p)`` as in FAMD
  (``weighting="famd"``), where rare levels weigh more.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

__all__ = ["infer_column_kinds", "make_preprocessor", "to_model_frame"]

CLIP = 4.0
MISSING_WEIGHT = 0.5
OTHER = "other"
MISSING = "missing"


def to_model_frame(X: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``X`` with datetimes as days before the latest date and bool-like as str."""
    out = {}
    for col in X.columns:
        s = X[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            latest = s.max()
            out[col] = (latest - s).dt.total_seconds() / 86400.0
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("object").where(s.notna(), None).map(
                lambda v: None if v is None else ("yes" if v else "no")
            )
        else:
            out[col] = s
    return pd.DataFrame(out, index=X.index)


def infer_column_kinds(X: pd.DataFrame) -> dict[str, str]:
    """Map each column to ``"numeric"``, ``"binary"`` (0/1 numbers) or ``"categorical"``."""
    kinds = {}
    for col in X.columns:
        s = X[col]
        if pd.api.types.is_bool_dtype(s):
            kinds[col] = "categorical"
        elif pd.api.types.is_numeric_dtype(s):
            values = pd.unique(s.dropna())
            is01 = len(values) <= 2 and set(np.asarray(values, dtype=float)) <= {0.0, 1.0}
            kinds[col] = "binary" if is01 and len(values) == 2 else "numeric"
        else:
            kinds[col] = "categorical"
    return kinds


def share_groups(columns) -> dict[str, str]:
    """Map mix columns (``<group>_<level>_share``, two or more per group) to their group."""
    prefix = {c: str(c).split("_", 1)[0] for c in columns if str(c).endswith("_share") and "_" in str(c)}
    sizes = pd.Series(list(prefix.values()), dtype=object).value_counts()
    return {c: g for c, g in prefix.items() if sizes.get(g, 0) >= 2}


class NumericEncoder(TransformerMixin, BaseEstimator):
    """log1p for skewed columns, robust scaling, mix weighting and shared missing indicators.

    Missing values stay NaN here; :class:`Imputer` fills them after all columns are encoded, so
    the imputation can use the categorical columns too.
    """

    def __init__(self, *, skew_threshold=1.0, clip=CLIP, missing_weight=MISSING_WEIGHT):
        self.skew_threshold = skew_threshold
        self.clip = clip
        self.missing_weight = missing_weight

    def fit(self, X, y=None):
        X = pd.DataFrame(X).apply(pd.to_numeric, errors="coerce").astype(float)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        skew = X.skew()
        self.log_ = ((X.min() >= 0) & (skew > self.skew_threshold)).to_numpy()
        V = self._log(X.to_numpy())
        with warnings.catch_warnings():  # all-NaN columns: centre 0, scale 1 (no signal)
            warnings.simplefilter("ignore", RuntimeWarning)
            self.median_ = np.nan_to_num(np.nanmedian(V, axis=0)) if len(V) else np.zeros(V.shape[1])
            q75, q25 = np.nanpercentile(V, [75, 25], axis=0) if len(V) else (1.0, 0.0)
            std = np.nanstd(V, axis=0) if len(V) else np.ones(V.shape[1])
        scale = np.nan_to_num((np.asarray(q75) - np.asarray(q25)) / 1.349)
        scale = np.where(scale > 1e-12, scale, np.nan_to_num(std))
        self.scale_ = np.where(scale > 1e-12, scale, 1.0)
        # unit variance after clipping: each numeric variable gets the same say
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            clipped = np.clip((V - self.median_) / self.scale_, -self.clip, self.clip)
            unit = np.nan_to_num(np.nanstd(clipped, axis=0)) if len(V) else np.ones(V.shape[1])
        self.unit_ = np.where(unit > 1e-12, unit, 1.0)
        # a mix of g shares (category_*_share) counts as one variable: each share weighs 1/sqrt(g)
        groups = share_groups(self.feature_names_in_)
        sizes = pd.Series(list(groups.values()), dtype=object).value_counts()
        self.weight_ = np.array([1 / np.sqrt(sizes[groups[c]]) if c in groups else 1.0
                                 for c in self.feature_names_in_])
        # one indicator per distinct missingness pattern (columns missing together share it)
        miss = np.isnan(V)
        self.patterns_ = []
        seen = set()
        for j in range(V.shape[1]):
            if miss[:, j].any() and not miss[:, j].all():
                key = miss[:, j].tobytes()
                if key not in seen:
                    seen.add(key)
                    self.patterns_.append(j)
        ind = miss[:, self.patterns_].astype(float) if self.patterns_ else np.empty((len(V), 0))
        self.ind_mean_ = ind.mean(axis=0) if len(V) else np.zeros(len(self.patterns_))
        sd = ind.std(axis=0) if len(V) else np.ones(len(self.patterns_))
        self.ind_scale_ = np.where(sd > 1e-12, sd, 1.0)
        return self

    def _log(self, V):
        V = V.copy()
        if self.log_.any():
            V[:, self.log_] = np.log1p(np.clip(V[:, self.log_], 0, None))
        return V

    def transform(self, X):
        X = pd.DataFrame(X).apply(pd.to_numeric, errors="coerce").astype(float)
        V = self._log(X.to_numpy())
        miss = np.isnan(V)
        Z = np.clip((V - self.median_) / self.scale_, -self.clip, self.clip) / self.unit_ * self.weight_
        if self.patterns_:
            ind = (miss[:, self.patterns_] - self.ind_mean_) / self.ind_scale_
            Z = np.hstack([Z, self.missing_weight * ind])
        return Z

    def get_feature_names_out(self, input_features=None):
        names = [str(c) for c in self.feature_names_in_]
        return np.asarray(names + [f"missing_{names[j]}" for j in self.patterns_], dtype=object)


class Imputer(TransformerMixin, BaseEstimator):
    """Fill the NaNs left by :class:`NumericEncoder`.

    ``"median"`` puts them at the (robust) centre; ``"iterative"`` predicts them from every other
    encoded column (scikit-learn's ``IterativeImputer`` with Bayesian ridge), so a customer
    without orders lands near customers like them rather than at one shared point.
    """

    def __init__(self, *, strategy="iterative", clip=CLIP, max_iter=5, random_state=None):
        self.strategy = strategy
        self.clip = clip
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        self.has_missing_ = bool(np.isnan(X).any())
        if self.strategy == "iterative" and self.has_missing_:
            from sklearn.experimental import enable_iterative_imputer  # noqa: F401
            from sklearn.impute import IterativeImputer

            self.imputer_ = IterativeImputer(max_iter=self.max_iter, random_state=self.random_state,
                                             keep_empty_features=True, skip_complete=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence notes at max_iter are expected
                self.imputer_.fit(X)
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=float)
        miss = np.isnan(X)
        if not miss.any():
            return X
        if hasattr(self, "imputer_"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                filled = self.imputer_.transform(X)
            return np.where(miss, np.clip(filled, -self.clip, self.clip), X)
        return np.where(miss, 0.0, X)


class CategoryEncoder(TransformerMixin, BaseEstimator):
    """One-hot with rare levels pooled, unseen levels handled, and per-variable weighting."""

    def __init__(self, *, min_share=0.02, weighting="balanced"):
        self.min_share = min_share
        self.weighting = weighting

    def fit(self, X, y=None):
        X = self._clean(pd.DataFrame(X))
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.levels_, self.means_, self.scales_ = [], [], []
        n = max(len(X), 1)
        for col in X.columns:
            counts = X[col].value_counts(sort=False)
            counts = counts.sort_index(kind="stable")
            keep = [str(v) for v, c in counts.items() if c / n >= self.min_share and v != OTHER]
            rare = counts[[str(v) not in keep for v in counts.index]].sum()
            levels = keep + ([OTHER] if rare > 0 else [])
            self.levels_.append(levels)
            onehot, _ = self._onehot(X[col], levels)
            p = onehot.mean(axis=0) if len(X) else np.zeros(len(levels))
            if self.weighting == "famd":
                scale = np.sqrt(np.where(p > 0, p, 1.0))
            else:
                total = float(np.sum(p * (1 - p)))
                scale = np.full(len(levels), np.sqrt(total) if total > 1e-12 else 1.0)
            self.means_.append(p)
            self.scales_.append(scale)
        return self

    @staticmethod
    def _clean(X):
        return pd.DataFrame(
            {c: X[c].astype("object").where(X[c].notna(), MISSING).map(str) for c in X.columns},
            index=X.index,
        )

    @staticmethod
    def _onehot(s, levels):
        pos = {v: i for i, v in enumerate(levels)}
        idx = s.map(lambda v: pos.get(v, pos.get(OTHER, -1))).to_numpy()
        out = np.zeros((len(s), len(levels)))
        ok = idx >= 0
        out[np.flatnonzero(ok), idx[ok]] = 1.0
        return out, ok

    def transform(self, X):
        X = self._clean(pd.DataFrame(X))
        blocks = []
        for col, levels, p, scale in zip(X.columns, self.levels_, self.means_, self.scales_):
            onehot, ok = self._onehot(X[col], levels)
            onehot[~ok] = p  # unseen level with no "other": put it at the neutral point
            blocks.append((onehot - p) / scale)
        return np.hstack(blocks) if blocks else np.empty((len(X), 0))

    def get_feature_names_out(self, input_features=None):
        return np.asarray(
            [f"{c}={v}" for c, levels in zip(self.feature_names_in_, self.levels_) for v in levels],
            dtype=object,
        )


def make_preprocessor(kinds: dict[str, str], *, weighting="balanced", min_share=0.02,
                      impute="iterative", random_state=None):
    """Build the (unfitted) pipeline for columns typed by :func:`infer_column_kinds`.

    A ``ColumnTransformer`` (numbers, categories) followed by the :class:`Imputer`.
    """
    numeric = [c for c, k in kinds.items() if k == "numeric"]
    categorical = [c for c, k in kinds.items() if k in ("categorical", "binary")]
    parts = []
    if numeric:
        parts.append(("num", NumericEncoder(), numeric))
    if categorical:
        parts.append(("cat", CategoryEncoder(min_share=min_share, weighting=weighting), categorical))
    columns = ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0,
                                verbose_feature_names_out=False)
    return Pipeline([("encode", columns),
                     ("impute", Imputer(strategy=impute, random_state=random_state))])
