"""Key-driver analysis: which touchpoints or themes move the overall outcome, and how well each performs.

Importance is the share of the outcome's explained variance (R^2) each driver carries, from
Johnson's **relative weights** (2000; default, fast) or **Shapley** regression (exact over all
subsets; up to 12 drivers). Both split R^2 among correlated drivers fairly, unlike raw regression
coefficients, and both sum to the model's R^2. Intervals come from a seeded percentile bootstrap
over respondents. ``importance_performance`` places every driver in the classic quadrants.

Typical inputs:

* touchpoint survey -> :func:`pivot_touchpoint_scores` (respondent x touchpoint perception, plus
  the respondent's ``overall_satisfaction``);
* themes per comment -> :func:`theme_indicators` (comment x theme 0/1) joined with the comment's
  ``nps`` or ``rating``.
"""
from __future__ import annotations

import warnings
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.kpis._validate import as_list, check_alpha, read_numbers, require_columns

__all__ = [
    "relative_weights",
    "shapley_importance",
    "driver_importance",
    "importance_performance",
    "pivot_touchpoint_scores",
    "theme_indicators",
    "QUADRANTS",
]

#: quadrant labels of the importance-performance chart, keyed by (high importance, high performance)
QUADRANTS = {
    (True, True): "keep up the good work",
    (True, False): "concentrate here",
    (False, False): "low priority",
    (False, True): "possible overkill",
}
_METHODS = ("relative_weights", "shapley")
_MAX_SHAPLEY = 12


def _number_like(values: pd.Series) -> bool:
    """Numbers, or text holding only numbers and blanks/"N/A" (a survey export): a driver."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return True
    if not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        return False
    try:
        return bool(read_numbers(values, name="").notna().any())
    except SchemaError:
        return False


def _corr(x: np.ndarray) -> np.ndarray:
    """Correlation matrix that tolerates constant columns (bootstrap resamples of rare themes)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.corrcoef(x, rowvar=False)
    c = np.nan_to_num(np.atleast_2d(c), nan=0.0)
    np.fill_diagonal(c, 1.0)
    return c


def _rw_from_corr(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative weights and standardized betas from the joint correlation matrix (outcome last)."""
    rxx, rxy = c[:-1, :-1], c[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 0, None)  # pairwise correlations can be slightly non-PSD
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T  # orthogonal counterparts' loadings
    beta_z = np.linalg.pinv(lam) @ rxy
    weights = (lam**2) @ (beta_z**2)
    betas = np.linalg.pinv(rxx) @ rxy
    return weights, betas


def _all_subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R^2 of every subset of drivers, indexed by bitmask (bit j set = driver j in the model)."""
    p = len(rxy)
    r2 = np.zeros(2**p)
    for k in range(1, p + 1):
        combos = np.array(list(combinations(range(p), k)))
        subs = rxx[combos[:, :, None], combos[:, None, :]]  # (m, k, k) batched correlation blocks
        r = rxy[combos]
        # a ridge of 1e-10 keeps exactly collinear subsets solvable without changing R^2 visibly
        beta = np.linalg.solve(subs + 1e-10 * np.eye(k), r[:, :, None])[:, :, 0]
        masks = (1 << combos).sum(axis=1)
        r2[masks] = np.einsum("mk,mk->m", r, beta)
    return r2


def _shapley_from_corr(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rxx, rxy = c[:-1, :-1], c[:-1, -1]
    p = len(rxy)
    r2 = _all_subset_r2(rxx, rxy)
    masks = np.arange(2**p)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array([factorial(k) * factorial(p - k - 1) / factorial(p) for k in range(p)])
    phi = np.zeros(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        phi[j] = np.sum(weight[sizes[without]] * (r2[without | (1 << j)] - r2[without]))
    return phi, np.linalg.pinv(rxx) @ rxy


def relative_weights(X, y) -> tuple[np.ndarray, float]:
    """Johnson's relative weights of the columns of ``X`` for ``y``; they sum to the R^2.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3)); y = X @ [1.0, 0.5, 0.0] + rng.normal(size=500)
    >>> w, r2 = relative_weights(X, y)
    >>> bool(np.isclose(w.sum(), r2)), int(np.argmax(w))
    (True, 0)
    """
    c = _corr(np.column_stack([np.asarray(X, float), np.asarray(y, float)]))
    w, _ = _rw_from_corr(c)
    return w, float(w.sum())


def shapley_importance(X, y) -> tuple[np.ndarray, float]:
    """Shapley (LMG) decomposition of R^2 over the columns of ``X``; exact, up to 12 columns.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3)); y = X @ [1.0, 0.5, 0.0] + rng.normal(size=500)
    >>> phi, r2 = shapley_importance(X, y)
    >>> bool(np.isclose(phi.sum(), r2)), int(np.argmax(phi))
    (True, 0)
    """
    X = np.asarray(X, float)
    if X.shape[1] > _MAX_SHAPLEY:
        raise ParameterError(f"method='shapley' handles up to {_MAX_SHAPLEY} drivers (2^p regressions); got "
                             f"{X.shape[1]}. Use method='relative_weights' or fewer drivers.")
    c = _corr(np.column_stack([X, np.asarray(y, float)]))
    phi, _ = _shapley_from_corr(c)
    return phi, float(phi.sum())


def _pairwise_corr(frame: pd.DataFrame) -> np.ndarray:
    c = frame.corr(min_periods=3).to_numpy()
    c = np.nan_to_num(c, nan=0.0)
    np.fill_diagonal(c, 1.0)
    return c


def driver_importance(df: pd.DataFrame, *, outcome: str, drivers=None, method: str = "relative_weights",
                      n_bootstrap: int = 200, alpha: float = 0.05, missing: str = "auto",
                      min_n: int = 30, random_state=None) -> pd.DataFrame:
    """How much each driver moves ``outcome``: relative importance with bootstrap intervals.

    Parameters
    ----------
    df : DataFrame
        One row per respondent/comment: the ``outcome`` and one numeric column per driver (e.g.
        :func:`pivot_touchpoint_scores` or :func:`theme_indicators` output).
    outcome : str
        Overall outcome column (``overall_satisfaction``, ``nps``, ``rating``...).
    drivers : list of str, optional
        Driver columns; default every other numeric column.
    method : {"relative_weights", "shapley"}, default="relative_weights"
    n_bootstrap : int, default=200
        Bootstrap resamples for the intervals (0 skips them).
    alpha : float, default=0.05
    missing : {"auto", "listwise", "pairwise"}, default="auto"
        ``"listwise"`` keeps rows with every driver answered; ``"pairwise"`` builds the
        correlations from all available pairs (for surveys where respondents rate only the
        touchpoints they used); ``"auto"`` is listwise when that keeps at least 70% of the rows,
        else pairwise. The choice made is in the ``method`` column (e.g.
        ``"relative_weights (pairwise)"``).
    min_n : int, default=30
        Fewest usable rows accepted.
    random_state : int, Generator or None

    Returns
    -------
    DataFrame
        One row per driver, most important first: ``driver``, ``importance`` (its part of R^2;
        the column sums to ``r2``), ``importance_share`` (importance / R^2), ``ci_low``,
        ``ci_high`` (bootstrap interval of ``importance``), ``rank``, ``performance`` (mean driver
        score; for 0/1 theme indicators the share of comments mentioning it), ``coefficient``
        (standardized multiple-regression beta), ``direction`` (``"positive"``/``"negative"``),
        ``n`` (rows used), ``n_missing`` (rows of ``df`` left out because the outcome or, listwise,
        any driver, pairwise this driver, is missing; ``n + n_missing == len(df)``), ``r2``,
        ``method``.

    Raises
    ------
    SchemaError
        When the outcome or a driver holds text that is not a number (``"Don't know"``). Blanks
        and ``"N/A"``-like spellings count as missing.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame(rng.normal(size=(300, 3)), columns=["delivery", "returns", "website"])
    >>> d["overall"] = 2 * d["delivery"] + d["returns"] + rng.normal(size=300)
    >>> driver_importance(d, outcome="overall", n_bootstrap=50, random_state=0)["driver"].tolist()
    ['delivery', 'returns', 'website']
    """
    alpha = check_alpha(alpha)
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}; got {method!r}.")
    if missing not in ("auto", "listwise", "pairwise"):
        raise ParameterError(f"missing must be 'auto', 'listwise' or 'pairwise'; got {missing!r}.")
    require_columns(df, [outcome], arg="df", hint="pass outcome= the overall score column.")
    if drivers is None:
        drivers = [c for c in df.columns if c != outcome and _number_like(df[c])
                   and not pd.api.types.is_bool_dtype(df[c])] + \
                  [c for c in df.columns if c != outcome and pd.api.types.is_bool_dtype(df[c])]
    drivers = as_list(drivers)
    require_columns(df, drivers, arg="df", hint="check the names passed as drivers=.")
    if len(drivers) < 2:
        raise ParameterError(f"need at least 2 driver columns to split R^2; got {drivers}.")
    if method == "shapley" and len(drivers) > _MAX_SHAPLEY:
        raise ParameterError(f"method='shapley' handles up to {_MAX_SHAPLEY} drivers; got {len(drivers)}. "
                             "Use method='relative_weights' or fewer drivers.")
    data = df[drivers + [outcome]].apply(lambda col: read_numbers(col, name=f"df column {col.name!r}"))
    n_rows = len(data)
    data = data[data[outcome].notna()].astype(float)
    if missing == "auto":
        complete = int(data.notna().all(axis=1).sum())
        missing = "listwise" if complete >= 0.7 * len(data) else "pairwise"
    if missing == "listwise":
        data = data.dropna()
    n = len(data)
    if missing == "pairwise":  # the smallest number of rows behind any driver-outcome correlation
        n_eff = int(data[drivers].notna().sum().min()) if n else 0
    else:
        n_eff = n
    if n_eff < max(min_n, len(drivers) + 2):
        raise SchemaError(f"driver analysis needs at least {max(min_n, len(drivers) + 2)} rows with {outcome!r} "
                          f"and {'every driver' if missing == 'listwise' else 'each driver'} present; got {n_eff}. "
                          + ("Try missing='pairwise' or fewer drivers." if missing == "listwise" else "Collect more responses."))
    constant = [c for c in drivers if data[c].nunique(dropna=True) < 2]
    if constant:
        raise SchemaError(f"driver column(s) {constant} do not vary (one value only); drop them from drivers=.")
    solve = _rw_from_corr if method == "relative_weights" else _shapley_from_corr

    def fit(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        c = _pairwise_corr(frame) if missing == "pairwise" else _corr(frame.to_numpy())
        return solve(c)

    weights, betas = fit(data)
    r2 = float(weights.sum())
    low = high = np.full(len(drivers), np.nan)
    if n_bootstrap:
        rng = np.random.default_rng(random_state)
        values = data.to_numpy()
        boot = np.empty((n_bootstrap, len(drivers)))
        for b in range(n_bootstrap):
            sample = values[rng.integers(0, n, n)]
            frame = pd.DataFrame(sample, columns=data.columns) if missing == "pairwise" else sample
            boot[b] = (solve(_pairwise_corr(frame) if missing == "pairwise" else _corr(frame)))[0]
        low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2], axis=0)
    n_used = data[drivers].notna().sum().to_numpy() if missing == "pairwise" else np.full(len(drivers), n)
    out = pd.DataFrame({
        "driver": drivers,
        "importance": weights,
        "importance_share": weights / r2 if r2 > 0 else np.nan,
        "ci_low": low,
        "ci_high": high,
        "performance": data[drivers].mean().to_numpy(),
        "coefficient": betas,
        "direction": np.where(betas >= 0, "positive", "negative"),
        "n": n_used,
        "n_missing": n_rows - n_used,
        "r2": r2,
        "method": f"{method} ({missing})",
    })
    out = out.sort_values(["importance", "driver"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.insert(5, "rank", np.arange(1, len(out) + 1))
    return out


def importance_performance(drivers: pd.DataFrame, *, importance: str = "importance",
                           performance: str = "performance", importance_cut=None,
                           performance_cut=None) -> pd.DataFrame:
    """Classify drivers into importance-performance quadrants.

    Cut-offs default to the mean importance and mean performance of the drivers shown (the usual
    "data-centred" grid); pass numbers (e.g. a scale midpoint or a target) to override.
    Quadrants: high importance & high performance "keep up the good work"; high importance & low
    performance "concentrate here"; low & low "low priority"; low importance & high performance
    "possible overkill".

    Returns
    -------
    DataFrame
        Copy of ``drivers`` with ``quadrant``, ``importance_cut`` and ``performance_cut``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"driver": ["a", "b", "c", "d"], "importance": [0.3, 0.3, 0.05, 0.05],
    ...                   "performance": [6, 3, 3, 6]})
    >>> importance_performance(d)["quadrant"].tolist()
    ['keep up the good work', 'concentrate here', 'low priority', 'possible overkill']
    """
    require_columns(drivers, [importance, performance], arg="drivers",
                    hint="pass driver_importance() output or name the columns with importance=/performance=.")
    imp = pd.to_numeric(drivers[importance], errors="coerce")
    perf = pd.to_numeric(drivers[performance], errors="coerce")
    icut = float(imp.mean()) if importance_cut is None else float(importance_cut)
    pcut = float(perf.mean()) if performance_cut is None else float(performance_cut)
    quadrant = [QUADRANTS[(bool(i >= icut), bool(p >= pcut))] if pd.notna(i) and pd.notna(p) else None
                for i, p in zip(imp, perf)]
    return drivers.assign(quadrant=quadrant, importance_cut=icut, performance_cut=pcut)


def pivot_touchpoint_scores(survey: pd.DataFrame, *, score: str = "perception",
                            outcome: str = "overall_satisfaction", id_col: str = "response_id",
                            driver_col: str = "touchpoint") -> pd.DataFrame:
    """Touchpoint survey (long) -> one row per respondent, one column per touchpoint, plus outcome.

    Several service dimensions of one touchpoint are averaged. The outcome is the respondent's
    mean ``overall_satisfaction``. The index is ``id_col``. Missing answers (blank, ``"N/A"``)
    leave NaN cells, which :func:`driver_importance` counts in ``n_missing``; text that is not a
    number raises :class:`SchemaError`; rows without an id or touchpoint are left out with a
    ``UserWarning`` giving their count.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": ["r1", "r1", "r2", "r2"], "touchpoint": ["app", "returns"] * 2,
    ...                   "perception": [6, 2, 5, 4], "overall_satisfaction": [4, 4, 5, 5]})
    >>> pivot_touchpoint_scores(s).reset_index()
      response_id  app  returns  overall_satisfaction
    0          r1  6.0      2.0                   4.0
    1          r2  5.0      4.0                   5.0
    """
    require_columns(survey, [id_col, driver_col, score, outcome], arg="survey")
    values = read_numbers(survey[score], name=f"survey column {score!r}")
    overall = read_numbers(survey[outcome], name=f"survey column {outcome!r}")
    unplaced = survey[[id_col, driver_col]].isna().any(axis=1)
    if unplaced.any():  # no cell to put them in: say so rather than let groupby drop them
        warnings.warn(f"pivot_touchpoint_scores left out {int(unplaced.sum())} of {len(survey)} survey row(s) "
                      f"with no {id_col!r} or {driver_col!r}; fill those values or drop the rows first.",
                      UserWarning, stacklevel=2)
    wide = (survey.assign(_v=values).groupby([id_col, driver_col], sort=True)["_v"].mean()
            .unstack(driver_col))
    wide.columns = [str(c) for c in wide.columns]
    overall = overall.groupby(survey[id_col], sort=True).mean()
    wide[outcome] = overall.reindex(wide.index).astype(float)
    wide.columns.name = None
    return wide


def theme_indicators(themes: pd.DataFrame, *, id_col: str = "feedback_id", theme_col: str = "theme",
                     ids=None) -> pd.DataFrame:
    """Long (comment, theme) rows -> one row per comment with a 0/1 column per theme.

    ``ids`` (e.g. every ``feedback_id`` of the feedback table) adds comments without any theme as
    all-zero rows, so they count in shares and regressions. The index is ``id_col``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"feedback_id": ["f1", "f1", "f2"], "theme": ["late", "price", "late"]})
    >>> theme_indicators(t, ids=["f1", "f2", "f3"]).reset_index()
      feedback_id  late  price
    0          f1     1      1
    1          f2     1      0
    2          f3     0      0
    """
    require_columns(themes, [id_col, theme_col], arg="themes")
    t = themes.dropna(subset=[id_col, theme_col])
    wide = pd.crosstab(t[id_col].astype(str), t[theme_col].astype(str)).clip(upper=1)
    if ids is not None:
        wide = wide.reindex(sorted(set(map(str, ids)) | set(wide.index)), fill_value=0)
    wide.index.name = id_col
    wide.columns.name = None
    return wide.astype("int64")
