"""Turn raw column values into canonical dtypes, value by value, keeping track of what failed.

Each ``coerce_*`` function returns ``(values, failed, reason, notes)``: ``failed`` is a boolean
array marking values that were present but could not be converted (they become missing; the
caller decides whether that drops or repairs the row); ``reason`` is one text for all failures,
or an array with one text per row.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from cxlab.exceptions import SchemaError
from cxlab.schemas import Column

__all__ = ["coerce_column", "DATETIME_DTYPE", "canonical_dtype"]

#: datetimes are naive UTC at microsecond resolution (pandas' default for parsed strings)
DATETIME_DTYPE = "datetime64[us]"
#: spellings of "no value" in typed columns (compared lower-case, after stripping)
MISSING_TOKENS = frozenset({
    "", "na", "n/a", "nan", "nat", "null", "none", "<na>", "#n/a", "#na", "-", "--", "?", "missing",
})
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})
_DECIMAL_COMMA = re.compile(r"^[-+]?\d*,\d+$")
_CURRENCY = re.compile(r"^[£$€¥]\s*|\s*[£$€¥]$|^(USD|EUR|GBP)\s+|\s+(USD|EUR|GBP)$")
_FLOAT_ID = re.compile(r"^([-+]?\d+)\.0+$")
_MONTH_NAME = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
_YEAR_OR_DMY = re.compile(r"\b\d{4}\b|\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}\b")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")


def canonical_dtype(column: Column) -> str:
    """The pandas dtype a canonical column has after loading."""
    return {"str": "str", "datetime": DATETIME_DTYPE, "float": "float64", "int": "Int64",
            "bool": "boolean"}[column.dtype]


def coerce_column(values: pd.Series, column: Column, *, date_format=None, dayfirst=None,
                  decimal_comma=False):
    """Convert ``values`` to ``column``'s canonical dtype. See the module docstring."""
    kind = column.dtype
    if kind == "str":
        return coerce_text(values, id_like=column.name.endswith("_id"))
    if kind == "datetime":
        return coerce_datetime(values, date_format=date_format, dayfirst=dayfirst)
    if kind in ("float", "int"):
        return coerce_number(values, integer=kind == "int", decimal_comma=decimal_comma)
    if kind == "bool":
        return coerce_bool(values)
    raise ValueError(f"unknown dtype {kind!r} for column {column.name!r} in cxlab.schemas")


def _no_failures(n):
    return np.zeros(n, dtype=bool)


def _as_stripped_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings (NaN where missing), integer-valued floats without ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(arr) & (np.mod(arr, 1) == 0) & (np.abs(arr) < 2**53)
        out = values.astype(object).map(repr, na_action="ignore")
        out[whole] = [str(int(v)) for v in arr[whole]]
        return out.astype("str")
    if isinstance(values.dtype, pd.StringDtype) or (
        values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    ):  # the usual case (text read from a file): vectorised
        return values.astype("str").str.strip()

    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            return np.nan
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
            return str(int(v))
        if isinstance(v, bytes):
            v = v.decode("utf-8", errors="replace")
        return str(v).strip()

    return pd.Series([one(v) for v in values.to_numpy(dtype=object)], index=values.index,
                     dtype="str")


def _missing_mask(text: pd.Series) -> np.ndarray:
    lowered = text.str.lower()
    return (text.isna() | lowered.isin(MISSING_TOKENS)).to_numpy(dtype=bool)


def coerce_text(values: pd.Series, *, id_like: bool = False):
    text = _as_stripped_text(values)
    text = text.where(text != "", np.nan)
    if id_like:
        # ids exported through a float column (17850 -> 17850.0) or spelled "NA"/"null"
        dotted = text.str.contains(".", regex=False).fillna(False).to_numpy(dtype=bool)
        if dotted.any():  # the regex is slow on millions of values; most ids have no dot
            text = text.copy()
            text[dotted] = text[dotted].str.replace(_FLOAT_ID, r"\1", regex=True)
        text = text.where(~_missing_mask(text), np.nan)
    return text.astype("str"), _no_failures(len(text)), "", []


def coerce_number(values: pd.Series, *, integer=False, decimal_comma=False):
    n = len(values)
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        missing = numbers.isna().to_numpy()
        failed = _no_failures(n)
    else:
        text = _as_stripped_text(values)
        missing = _missing_mask(text)
        if decimal_comma:
            text = text.where(~text.str.match(_DECIMAL_COMMA).fillna(False),
                              text.str.replace(",", ".", regex=False))
        numbers = pd.to_numeric(text.where(~missing, np.nan), errors="coerce").astype("float64")
        failed = ~missing & numbers.isna().to_numpy()
        if failed.any():  # second chance for "£1,234.50" (or "1.234,50 €" in ';' files)
            numbers[failed] = _money_to_number(text[failed], decimal_comma=decimal_comma)
            failed = ~missing & numbers.isna().to_numpy()
    arr = numbers.to_numpy()
    infinite = ~np.isnan(arr) & ~np.isfinite(arr)
    reason = "not a number"
    if infinite.any():
        failed |= infinite
    if integer:
        fractional = np.isfinite(arr) & (np.mod(np.where(np.isfinite(arr), arr, 0), 1) != 0)
        if fractional.any():  # per-value reasons: "7.5" and "ten" fail differently
            reason = np.where(fractional & ~failed, "not a whole number", "not a number")
            failed |= fractional
    arr = np.where(failed, np.nan, arr)
    out = pd.Series(arr, index=values.index, dtype="float64")
    if integer:
        out = out.astype("Int64")
    return out, failed, reason, []


def _money_to_number(text: pd.Series, *, decimal_comma: bool) -> pd.Series:
    """Numbers written with a currency sign and/or thousands separators; others stay missing."""
    core = text.str.replace(_CURRENCY, "", regex=True).str.strip()
    if decimal_comma:
        ok = core.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+(,\d+)?|[-+]?\d+(,\d+)?").fillna(False)
        core = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        ok = core.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?|[-+]?\d+(\.\d+)?").fillna(False)
        core = core.str.replace(",", "", regex=False)
    return pd.to_numeric(core.where(ok, np.nan), errors="coerce").astype("float64")


def coerce_bool(values: pd.Series):
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean"), _no_failures(len(values)), "", []
    text = _as_stripped_text(values)
    lowered = text.str.lower()
    missing = _missing_mask(text)
    is_true = lowered.isin(_TRUE).to_numpy()
    is_false = lowered.isin(_FALSE).to_numpy()
    failed = ~missing & ~is_true & ~is_false
    out = pd.array([True if t else False if f else pd.NA for t, f in zip(is_true, is_false)],
                   dtype="boolean")
    return pd.Series(out, index=values.index), failed, "not true/false (yes/no, 1/0)", []


def read_flags(values: pd.Series, *, name: str) -> pd.Series:
    """``values`` as nullable booleans (true/false, yes/no, 1/0, y/n, t/f in any case; blanks
    missing); any other value raises :class:`SchemaError` naming ``name`` and examples."""
    flags, failed, _reason, _notes = coerce_bool(values)
    if failed.any():
        raise SchemaError(
            f"{name} must say true or false; {int(failed.sum())} value(s) are not true/false (yes/no, 1/0), "
            f"e.g. {values[failed].astype(str).unique()[:3].tolist()}. Map them first, e.g. "
            "df['returned'] = df['returned'].map({'R': True, '': False}).")
    return flags


def coerce_datetime(values: pd.Series, *, date_format=None, dayfirst=None):
    n = len(values)
    notes: list[str] = []
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype(DATETIME_DTYPE), _no_failures(n), "", ["time zone converted to UTC"]
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.astype(DATETIME_DTYPE), _no_failures(n), "", []
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numeric = values.notna().to_numpy(dtype=bool)
    elif values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        numeric = values.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                             and not pd.isna(v)).to_numpy(dtype=bool)
    else:
        numeric = np.zeros(len(values), dtype=bool)
    text = _as_stripped_text(values)
    missing = _missing_mask(text) & ~numeric
    text = text.where(~missing & ~numeric, np.nan)
    if dayfirst is None and date_format is None:
        dayfirst, note = _sniff_dayfirst(text)
        if note:
            notes.append(note)
    parsed = _parse_dates(text, date_format=date_format, dayfirst=bool(dayfirst))
    if parsed.dt.tz is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    failed = ~missing & parsed.isna().to_numpy()
    reason = "not a date" if date_format is None else f"not a date in format {date_format!r}"
    if numeric.any():
        reason += " (numbers are not read as dates: export dates as text, e.g. 2025-01-31)"
    return parsed.astype(DATETIME_DTYPE), failed, reason, notes


def _parse_dates(text: pd.Series, *, date_format, dayfirst) -> pd.Series:
    """Parse with one strict format, then ISO 8601, then value by value for date-like leftovers.

    Never hand arbitrary text to dateutil: it reads "11" as the 11th of the current month, which
    would make loads depend on today's date.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if date_format is not None:
            return pd.to_datetime(text, format=date_format, errors="coerce", utc=True)
        parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
        present = text.notna().to_numpy()
        if not present.any():
            return parsed
        fmt = None
        for value in text[present].iloc[:20]:
            fmt = guess_datetime_format(value, dayfirst=dayfirst)
            if fmt and fmt.startswith("%Y") and dayfirst:
                # year-first dates are never day-first: with dayfirst pandas guesses %Y-%d-%m
                # for 2025-01-02 and would swap the day and month of every ISO date
                fmt = guess_datetime_format(value, dayfirst=False)
            if fmt:
                break
        for step in ([fmt] if fmt else []) + ["ISO8601", "mixed"]:
            retry = present & parsed.isna().to_numpy()
            if step == "mixed":
                retry &= _date_like(text)
            if not retry.any():
                continue
            # nanosecond text ("...23.896580986") parses at ns: cut to us to fit the column
            parsed[retry] = pd.to_datetime(text[retry], format=step, errors="coerce", utc=True,
                                           dayfirst=dayfirst).astype(parsed.dtype)
    return parsed


def _date_like(text: pd.Series) -> np.ndarray:
    """Values with a full date in them (day, month and a year), safe to parse one by one."""
    groups = text.str.count(r"\d+").fillna(0).to_numpy()
    month = text.str.contains(_MONTH_NAME, regex=True).fillna(False).to_numpy(dtype=bool)
    year = text.str.contains(_YEAR_OR_DMY, regex=True).fillna(False).to_numpy(dtype=bool)
    return year & ((groups >= 3) | (month & (groups >= 2)))


def _sniff_dayfirst(text: pd.Series) -> tuple[bool, str]:
    """Guess day-first from dates like 31/01/2025; returns ``(dayfirst, note)``."""
    sample = text.dropna()
    sample = sample.iloc[: 5000]
    parts = sample.str.extract(_DAY_MONTH).dropna()
    if parts.empty:
        return False, ""
    first = parts[0].astype(int)
    second = parts[1].astype(int)
    day_first = bool((first > 12).any())
    month_first = bool((second > 12).any())
    if day_first and not month_first:
        return True, "dates read day-first (values such as 31/01 found); pass dayfirst=False to override"
    if day_first and month_first:
        return False, "dates mix day-first and month-first orders; pass date_format= to fix the order"
    if not month_first:
        return False, ("dates such as 04/09/2012 are ambiguous and were read month-first; pass "
                       "dayfirst=True if the day comes first")
    return False, ""
