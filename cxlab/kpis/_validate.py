"""Input checks shared by the KPI, driver and monitoring functions.

Validation happens once, where data enters a public function; messages name the argument, what
was received and how to fix it.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.io._coerce import MISSING_TOKENS

__all__ = ["as_numeric", "read_numbers", "require_columns", "check_alpha", "as_list"]


def as_list(value) -> list:
    """``None`` -> ``[]``, a scalar/str -> ``[value]``, an iterable -> ``list(value)``."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def require_columns(df, columns, *, arg: str = "df", hint: str = "") -> None:
    """Raise :class:`SchemaError` naming the columns of ``columns`` that ``df`` lacks."""
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"{arg} must be a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in as_list(columns) if c not in df.columns]
    if missing:
        have = ", ".join(map(str, list(df.columns)[:20]))
        raise SchemaError(
            f"{arg} lacks column(s) {missing} (it has: {have}). "
            + (hint or "Rename your columns or pass the right column names as keywords.")
        )


def check_alpha(alpha) -> float:
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 < value < 1:
        raise ParameterError(f"alpha must be between 0 and 1 (e.g. 0.05 for 95% intervals); got {alpha!r}.")
    return value


def as_numeric(values, *, name: str, low: float | None = None, high: float | None = None,
               integer: bool = False) -> tuple[np.ndarray, int]:
    """Return ``(finite float array, n_missing)`` from array-like ``values``.

    Missing values (NaN/None/empty, and text such as "n/a", "-" or "null" that the loaders read
    as missing) are dropped and counted, never silently lost: callers report
    the count as ``n_missing``. Values that are not numbers, fall outside ``[low, high]`` or are
    not whole numbers when ``integer`` raise :class:`SchemaError` naming a few offenders.
    """
    if isinstance(values, pd.DataFrame):
        raise ParameterError(f"{name} must be one column of scores (Series or array); got a DataFrame "
                             f"with columns {list(values.columns)[:10]}. Select the column first.")
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "biuf":
        arr = values.astype(float)  # fast path for clean numeric arrays (simulations, internals)
        return _check_range(arr, name=name, low=low, high=high, integer=integer)
    series = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return _check_range(series.to_numpy(dtype=float, na_value=np.nan), name=name, low=low, high=high,
                            integer=integer)
    if series.dtype == bool or str(series.dtype) == "boolean":
        series = series.astype("Float64")
    numeric = pd.to_numeric(series, errors="coerce")
    if series.dtype.kind in "biuf" or int(numeric.isna().sum()) == int(series.isna().sum()):
        bad_text = None  # nothing failed to convert: skip the (slow) text check
    else:
        # blanks and the loaders' spellings of "no value" ("n/a", "-", "null"...) are missing
        spelled_missing = series.astype(str).str.strip().str.lower().isin(MISSING_TOKENS)
        bad_text = numeric.isna() & series.notna() & ~spelled_missing
    if bad_text is not None and bad_text.any():
        examples = series[bad_text].astype(str).unique()[:3].tolist()
        raise SchemaError(
            f"{name} must be numeric; {int(bad_text.sum())} value(s) are not, e.g. {examples}. "
            "Clean or map them to numbers first."
        )
    arr = numeric.to_numpy(dtype=float, na_value=np.nan)
    return _check_range(arr, name=name, low=low, high=high, integer=integer)


_NON_ANSWER_HINT = ("Non-answers such as \"Don't know\" can be blanked first "
                    "(e.g. df.replace({\"Don't know\": None})); blanks count as missing.")


def read_numbers(values, *, name: str, hint: str = _NON_ANSWER_HINT) -> pd.Series:
    """``values`` as floats with the index kept, NaN where an answer is missing.

    The one reader of number columns outside the loaders, built on the loaders' own
    (:func:`cxlab.io._coerce.coerce_number`): blanks and the loaders' spellings of "no value"
    (``"N/A"``, ``"-"``, ``"null"``...) are missing, for the caller to count; amounts such as
    ``"1,230.50"`` or ``"$100"`` are read as the loaders read them; other text
    (``"Don't know"``, ``"6 - high"``) raises :class:`SchemaError` naming ``name`` and a few
    offenders, followed by ``hint``, where a coerce-and-drop would lose those answers without a
    word.

    Examples
    --------
    >>> read_numbers(pd.Series(["4", "n/a", "1,230.5", None]), name="x").tolist()
    [4.0, nan, 1230.5, nan]
    """
    from cxlab.io._coerce import coerce_number

    series = values if isinstance(values, pd.Series) else pd.Series(values)
    numbers, failed, _, _ = coerce_number(series)
    if failed.any():
        examples = pd.unique(series.to_numpy(dtype=object)[failed].astype(str))[:3].tolist()
        raise SchemaError(f"{name} must be numeric; {int(failed.sum())} value(s) are not, e.g. {examples}. "
                          f"{hint}")
    out = numbers.astype(float)
    return out.where(np.isfinite(out))


def _check_range(arr: np.ndarray, *, name, low, high, integer) -> tuple[np.ndarray, int]:
    finite = np.isfinite(arr)
    n_missing = int((~finite).sum())
    arr = arr[finite]
    problems = []
    if low is not None:
        problems.append(arr < low)
    if high is not None:
        problems.append(arr > high)
    if integer:
        problems.append(arr != np.round(arr))
    if problems:
        bad = np.logical_or.reduce(problems)
        if bad.any():
            rng = f"{low:g}-{high:g}" if low is not None and high is not None else "the allowed range"
            kind = "whole numbers " if integer else ""
            raise SchemaError(
                f"{name} must be {kind}in {rng}; {int(bad.sum())} value(s) are not, e.g. "
                f"{np.unique(arr[bad])[:3].tolist()}. Rescale or drop them first."
            )
    return arr, n_missing
