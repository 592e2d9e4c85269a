"""The time column of a table, read for trends and splits the way the loaders read dates.

Trends used to call ``pd.to_datetime(errors="coerce")``, which takes its format from the first
value: a later value in another layout (``31/01/2025`` after ``2025-01-30``) became NaT and
left the trend without a word, and offsets that change with daylight saving gave an
object column. Here the loaders' reader (:func:`cxlab.io._coerce.coerce_datetime`) is used
instead: one strict format, then ISO 8601, then value by value for date-like leftovers; day or
month first decided once from the values; time zones converted to UTC. Values that are present
but are not dates are counted and reported in a warning: those comments still count everywhere
except in the trend columns.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.io._coerce import _as_stripped_text, _missing_mask, _sniff_dayfirst, coerce_datetime

__all__ = ["SNIFF_VALUES", "date_param", "present_text", "read_dates", "read_times", "sniff_dayfirst", "warn_undated"]

#: non-null values looked at to decide day-first (as the loaders do)
SNIFF_VALUES = 5000


def present_text(values: pd.Series) -> pd.Series:
    """The values that are not missing (blank, ``n/a``...), as stripped text."""
    text = _as_stripped_text(values)
    return text[~_missing_mask(text)]


def sniff_dayfirst(values: pd.Series) -> bool:
    """Whether dates such as ``04/09/2012`` in ``values`` put the day first (see the loaders).

    Decided on the first :data:`SNIFF_VALUES` present values, as the loaders do.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return False
    return _sniff_dayfirst(present_text(values).iloc[:SNIFF_VALUES])[0]


def read_times(values: pd.Series, *, dayfirst: bool | None = None) -> tuple[pd.Series, np.ndarray]:
    """``(times, unreadable)``: naive UTC datetimes (NaT where missing or not a date) and a mask
    of the values that were present but could not be read as dates.

    ``dayfirst=None`` decides it from ``values``; pass the answer of :func:`sniff_dayfirst` on
    the first rows to read batch after batch the same way.
    """
    if dayfirst is None:
        dayfirst = sniff_dayfirst(values)
    times, failed, _reason, _notes = coerce_datetime(values.reset_index(drop=True), dayfirst=dayfirst)
    return times.set_axis(values.index), np.asarray(failed, dtype=bool)


def read_dates(df: pd.DataFrame, time_col: str) -> pd.Series:
    """``df[time_col]`` as naive UTC datetimes, read as the loaders read dates (NaT where
    missing); values that are present but not dates raise :class:`SchemaError` naming them."""
    times, bad = read_times(df[time_col])
    if bad.any():
        raise SchemaError(f"column {time_col!r} has {int(bad.sum())} value(s) that are not dates, e.g. "
                          f"{df.loc[bad, time_col].astype(str).head(3).tolist()}. Fix or blank them "
                          "(e.g. 2025-01-31), or load the table with cxlab.io, which reports them per row.")
    return times


def date_param(value, *, name: str, hint: str) -> pd.Timestamp:
    """A date given as a parameter (``split_date``, an action's ``live_date``) as a Timestamp;
    anything that is not one raises :class:`ParameterError` ``"<name>=<value> is not a date; <hint>"``."""
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError):
        when = pd.NaT
    if pd.isna(when):
        raise ParameterError(f"{name}={value!r} is not a date; {hint}")
    return when


def warn_undated(n_bad: int, n: int, time_col: str, examples=(), *, n_missing: int = 0,
                 left_out: str = "the trends", what: str = "comment", stacklevel: int = 3) -> None:
    """Say how many rows an analysis could not place in time (nothing is dropped silently).

    ``n_bad`` values are present but not dates (``examples`` shows a few); ``n_missing`` rows
    have no value at all (pass it where leaving them out changes a figure, not only a trend).
    """
    if n_bad <= 0 and n_missing <= 0:
        return
    shown = ", ".join(repr(str(v)[:40]) for v in list(examples)[:3])
    parts = []
    if n_bad > 0:
        parts.append(f"{n_bad} of {n} {what}(s) have a {time_col!r} value that is not a date"
                     f"{f' (e.g. {shown})' if shown else ''}")
    if n_missing > 0:
        parts.append(f"{n_missing} of {n} have no {time_col!r}" if parts else
                     f"{n_missing} of {n} {what}(s) have no {time_col!r}")
    warnings.warn(
        f"{' and '.join(parts)}; they are left out of {left_out} and count in everything else. Fix "
        "those values (e.g. 2025-01-31) or load the table with cxlab.io, which reports them per row.",
        UserWarning, stacklevel=stacklevel)
