"""``load_table`` and the per-table loaders: read, map columns, coerce, validate, report."""
from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import DataLoadError, ParameterError, SchemaError
from cxlab.io._coerce import coerce_column
from cxlab.io._columns import normalize_name, resolve_columns
from cxlab.io._read import read_source
from cxlab.io._report import IssueLog, LoadReport, LoadResult
from cxlab.io._validate import ON_DUPLICATE, validate_rows
from cxlab.schemas import TABLES, TableSpec, get_spec

__all__ = [
    "load_table", "load_folder", "load_feedback", "load_customers", "load_orders", "load_tickets",
    "load_touchpoint_survey", "load_employee_survey",
]

_FOLDER_EXTENSIONS = (".csv", ".csv.gz", ".tsv", ".parquet", ".xlsx", ".jsonl")
_ROW_NUMBERING = {
    "csv": "row = line in the file, header = row 1 (a quoted value spanning lines counts once)",
    "excel": "row = spreadsheet row, header = row 1",
    "jsonl": "row = record number, first record = row 1",
    "parquet": "row = record number, first record = row 1",
    "dataframe": "row = index label of the input DataFrame",
}


def load_table(source, table: str | TableSpec, *, column_map: Mapping[str, str] | None = None,
               defaults: Mapping[str, object] | None = None, sheet_name=None,
               encoding: str | None = None, delimiter: str | None = None,
               date_format: str | Mapping[str, str] | None = None, dayfirst: bool | None = None,
               on_duplicate: str = "keep_first", strict: bool = False) -> LoadResult:
    """Load a table into its canonical form, with an account of every row dropped or repaired.

    Parameters
    ----------
    source : str, path or pandas.DataFrame
        A CSV/TSV (delimiter and encoding sniffed; ``.gz``/``.zip`` allowed), Excel ``.xlsx``,
        Parquet or JSON lines file, or a DataFrame (never modified).
    table : str or TableSpec
        Canonical table: ``"feedback"``, ``"customers"``, ``"orders"``, ``"tickets"``,
        ``"touchpoint_survey"`` or ``"employee_survey"`` (see :mod:`cxlab.schemas`).
    column_map : dict, default=None
        ``{"their_name": "canonical_name"}``, applied first. Other columns match canonical names
        after normalising (case, spaces and dashes), so ``"Feedback ID"`` matches ``feedback_id``.
    defaults : dict, default=None
        ``{"canonical_name": value}`` for columns your data lacks (e.g. ``{"channel": "social"}``)
        or whose missing values should take a constant; filled values are reported as repaired.
    sheet_name : str or int, default=None
        Excel sheet (default: the first).
    encoding, delimiter : str, default=None
        Override the sniffed text encoding / CSV delimiter.
    date_format : str or dict, default=None
        strftime format of all datetime columns, or ``{column: format}``; default: inferred.
    dayfirst : bool, default=None
        Read ``04/09/2012`` as 4 September; default: sniffed from values like ``31/01/2025``.
    on_duplicate : {"keep_first", "error"}, default="keep_first"
        Rows repeating a key with different values: keep the first and drop (and report) the
        others, or raise :class:`~cxlab.exceptions.SchemaError`. Exact duplicate rows are always
        dropped and reported.
    strict : bool, default=False
        Raise :class:`~cxlab.exceptions.SchemaError` instead of dropping rows or repairing values.

    Notes
    -----
    What happens to bad values: a required, non-nullable value (an id, ``created_at``) that is
    missing or unreadable drops the row; an optional value that is unreadable or out of range
    (``nps`` 11, ``rating`` 0) is set missing ("repaired"); a later datetime before an earlier
    one (``resolved_at`` < ``opened_at``) is set missing; an empty comment is kept and
    "flagged". Ids become text (``17850.0`` -> ``"17850"``; ``00123`` stays); datetimes become
    naive UTC (``datetime64[us]``); numbers accept currency signs, thousands separators and,
    in ``;``-separated files, decimal commas. Text is only stripped of surrounding spaces.

    Returns
    -------
    LoadResult
        ``(data, report)``: the canonical DataFrame (canonical columns first, in schema order,
        then your other columns; a DataFrame input keeps its index, files get a RangeIndex) and
        a :class:`LoadReport`.

    Raises
    ------
    DataLoadError
        The file cannot be read (missing, empty, unknown type, undecodable).
    SchemaError
        Required columns are missing (the message lists them and the ``column_map`` to pass),
        or ``strict``/``on_duplicate="error"`` found bad rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.io import load_table
    >>> raw = pd.DataFrame({"ID": [1, 2], "Comment": ["Late again", "Great fit"],
    ...                     "Date": ["2025-03-01", "not a date"], "channel": "survey"})
    >>> df, report = load_table(raw, "feedback", column_map={"ID": "feedback_id",
    ...                         "Comment": "text", "Date": "created_at"})
    >>> df[["feedback_id", "text"]].to_dict("records")
    [{'feedback_id': '1', 'text': 'Late again'}]
    >>> report.n_dropped
    1
    """
    spec = _check_arguments(table, on_duplicate)
    raw = read_source(source, sheet_name=sheet_name, encoding=encoding, delimiter=delimiter,
                      text_columns=lambda header: _canonical_sources(header, spec, column_map))
    notes = list(raw.notes)
    renamed, rename_notes, _ = resolve_columns(raw.frame, spec, column_map=column_map, defaults=defaults)
    notes += rename_notes
    work = renamed.reset_index(drop=True)
    n_read = len(work)
    row_labels = list(raw.row_labels) + [label for label, _, _ in raw.skipped]
    log = IssueLog()
    for i, (_, reason, text) in enumerate(raw.skipped):
        log.add([n_read + i], "", "dropped", "malformed_row", reason, [text])

    # wholly empty rows (blank lines, spacer rows in a sheet) are dropped as such, not as
    # "missing id" rows
    blank = np.flatnonzero(work.isna().all(axis=1).to_numpy()) if len(work.columns) else []
    log.add(blank, "", "dropped", "blank_row", "empty row")

    defaults = dict(defaults or {})
    for name, value in defaults.items():
        if name not in work.columns:
            work[name] = pd.Series([value] * n_read, dtype=object)
            notes.append(f"{name} absent: set to {value!r} for every row (defaults)")
    absent = [c for c in spec.names if c not in work.columns]
    for name in absent:
        work[name] = pd.Series([np.nan] * n_read, dtype=object)
    if absent:
        notes.append(f"optional columns absent, added empty: {', '.join(absent)}")
    if n_read == 0:
        notes.append("no data rows")

    coerced, parse_failures = _coerce(work, spec, log, notes, date_format=date_format,
                                      dayfirst=dayfirst, decimal_comma=raw.delimiter == ";")
    coerced = _fill_defaults(coerced, defaults, renamed.columns, parse_failures, log, spec,
                             date_format=date_format, dayfirst=dayfirst)

    def describe_row(position):
        return row_labels[int(position)]

    clean = validate_rows(coerced, spec, log, raw=work, parse_failures=parse_failures,
                          on_duplicate=on_duplicate, describe_row=describe_row, skip=blank)
    issues = log.to_frame(row_labels)
    if strict:
        _raise_if_changed(issues, spec, raw.source)

    extras = [c for c in clean.columns if c not in spec.names]
    clean = clean[spec.names + extras]
    if raw.kind == "dataframe":
        clean.index = source.index[clean.index.to_numpy()]
    else:
        clean = clean.reset_index(drop=True)
    report = LoadReport(source=raw.source, table=spec.name, n_input_rows=n_read + len(raw.skipped),
                        n_output_rows=len(clean), issues=issues, notes=notes,
                        row_numbering=_ROW_NUMBERING[raw.kind])
    if report.n_input_rows != report.n_output_rows + report.n_dropped:  # the core promise
        raise RuntimeError(f"cxlab.io internal error: row accounting is off in {report!r}")
    return LoadResult(clean, report)


def load_folder(folder, *, tables=None, **kwargs) -> dict[str, LoadResult]:
    """Load every canonical table found in ``folder`` (e.g. the demo's ``data/raw/demo``).

    A table is found as ``<name>.csv``, ``.csv.gz``, ``.tsv``, ``.parquet``, ``.xlsx`` or
    ``.jsonl`` (first match in that order). ``kwargs`` go to :func:`load_table` for every table.

    Parameters
    ----------
    folder : str or path
    tables : list of str, default=None
        Tables that must be there (a :class:`DataLoadError` names the missing ones); default:
        whichever canonical tables are present.

    Returns
    -------
    dict
        ``{table name: LoadResult}`` in :data:`cxlab.schemas.TABLES` order.

    Examples
    --------
    >>> from cxlab.io import load_folder
    >>> loaded = load_folder(folder)  # doctest: +SKIP
    >>> feedback, report = loaded["feedback"]  # doctest: +SKIP
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DataLoadError(f"folder not found: {folder}; pass the folder holding feedback.csv etc.")
    wanted = list(tables) if tables is not None else list(TABLES)
    for name in wanted:
        _check_arguments(name, kwargs.get("on_duplicate", "keep_first"))
    found = {}
    for name in wanted:
        for ext in _FOLDER_EXTENSIONS:
            if (folder / f"{name}{ext}").is_file():
                found[name] = folder / f"{name}{ext}"
                break
    missing = [name for name in wanted if name not in found]
    if (tables is not None and missing) or not found:
        raise DataLoadError(
            f"{folder} holds no file for tables {missing}; expected names such as "
            f"{missing[0]}.csv. Files there: {sorted(p.name for p in folder.iterdir())[:20]}."
        )
    return {name: load_table(path, name, **kwargs) for name, path in found.items()}


def _check_arguments(table, on_duplicate) -> TableSpec:
    try:
        spec = get_spec(table)
    except KeyError:
        raise ParameterError(f"unknown table {table!r}; choose one of {sorted(TABLES)}.") from None
    if on_duplicate not in ON_DUPLICATE:
        raise ParameterError(f"on_duplicate must be one of {ON_DUPLICATE}; got {on_duplicate!r}.")
    return spec


def _canonical_sources(header, spec, column_map) -> set[str]:
    """Header names that will become canonical columns (read as text, parsed by us)."""
    mapped = set((column_map or {}).keys())
    mapped_norm = {normalize_name(k) for k in mapped}
    squashed = {n.replace("_", "") for n in spec.names}
    return {h for h in header
            if h in mapped or normalize_name(h) in mapped_norm
            or normalize_name(h).replace("_", "") in squashed}


def _coerce(work, spec, log, notes, *, date_format, dayfirst, decimal_comma):
    out = work.copy()
    parse_failures = {}
    for col in spec.columns:
        fmt = date_format.get(col.name) if isinstance(date_format, Mapping) else date_format
        values, failed, reason, col_notes = coerce_column(
            work[col.name], col, date_format=fmt, dayfirst=dayfirst, decimal_comma=decimal_comma)
        out[col.name] = values
        notes += [f"{col.name}: {n}" for n in col_notes]
        if failed.any():
            parse_failures[col.name] = (failed, reason)
    return out, parse_failures


def _fill_defaults(frame, defaults, original_columns, parse_failures, log, spec, **kwargs):
    """Fill missing values of columns the user has, with their ``defaults`` value (reported)."""
    for name, value in defaults.items():
        if name not in original_columns:
            continue
        failed = parse_failures.get(name, (np.zeros(len(frame), bool), ""))[0]
        missing = frame[name].isna().to_numpy() & ~failed
        if missing.any():
            filled, bad, _, _ = coerce_column(pd.Series([value] * len(frame), dtype=object),
                                              spec.column(name), **kwargs)
            if bad.any():
                raise SchemaError(f"defaults[{name!r}] = {value!r} does not fit {spec.name}.{name} "
                                  f"({spec.column(name).dtype}); give a value of that type.")
            frame[name] = frame[name].mask(missing, filled)
            log.add(np.flatnonzero(missing), name, "repaired", "filled_default",
                    f"missing {name} filled with default {value!r}")
    return frame


def _raise_if_changed(issues: pd.DataFrame, spec: TableSpec, source: str) -> None:
    bad = issues[issues["action"] != "flagged"]
    if bad.empty:
        return
    shown = "; ".join(
        f"row {r.row} {r.column or '(row)'}: {r.reason}" + (f" ({r.value!r})" if r.value else "")
        for r in bad.head(5).itertuples(index=False)
    )
    n_rows = bad.loc[bad["action"] == "dropped", "row"].nunique()
    raise SchemaError(
        f"{spec.name} from {source}: strict=True and {n_rows} rows would be dropped, "
        f"{int((bad['action'] == 'repaired').sum())} values repaired. First problems: {shown}. "
        "Fix these rows in the data, or load with strict=False and read the report."
    )


def _make_loader(name: str):
    def loader(source, **kwargs) -> LoadResult:
        return load_table(source, name, **kwargs)

    loader.__name__ = loader.__qualname__ = f"load_{name}"
    # show load_table's keyword options (minus ``table``) in help() and IDEs
    params = [p for p in inspect.signature(load_table).parameters.values() if p.name != "table"]
    loader.__signature__ = inspect.Signature(params, return_annotation="LoadResult")
    loader.__doc__ = (
        f"Load the ``{name}`` table; shorthand for ``load_table(source, {name!r}, **kwargs)``.\n\n"
        f"{get_spec(name).description}\n\nSee :func:`load_table` for the options and the report.\n\n"
        "Examples\n--------\n"
        f">>> from cxlab.io import load_{name}\n"
        f">>> df, report = load_{name}(path)  # doctest: +SKIP\n"
    )
    return loader


load_feedback = _make_loader("feedback")
load_customers = _make_loader("customers")
load_orders = _make_loader("orders")
load_tickets = _make_loader("tickets")
load_touchpoint_survey = _make_loader("touchpoint_survey")
load_employee_survey = _make_loader("employee_survey")
