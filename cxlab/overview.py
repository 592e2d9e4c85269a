"""A first look at the CX tables: what was loaded, volumes over time, missing values, scores.

Used by ``notebooks/01_data_overview.ipynb``; every function returns a DataFrame (or a sentence
describing one) so the notebook stays thin and the numbers are testable.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import DataLoadError, ParameterError
from cxlab.io._time import read_dates, warn_undated
from cxlab.kpis._validate import as_numeric
from cxlab.schemas import TABLES, get_spec

__all__ = [
    "find_tables",
    "load_all",
    "load_overview",
    "load_issues",
    "volume_by",
    "missing_summary",
    "score_distribution",
    "describe_load",
    "describe_issues",
    "describe_volume",
    "describe_missing",
    "describe_scores",
    "SCORES",
]

#: score columns: (table, column) -> (lowest, highest) value of the scale
SCORES = {
    ("feedback", "rating"): (1, 5),
    ("feedback", "nps"): (0, 10),
    ("feedback", "csat"): (1, 5),
    ("feedback", "ces"): (1, 7),
    ("tickets", "csat"): (1, 5),
}
#: file types tried for each table, in this order
_EXTENSIONS = (".csv", ".csv.gz", ".parquet", ".xlsx", ".jsonl")
#: volume_by frequencies -> pandas period codes
_PERIODS = {"MS": "M", "QS": "Q", "YS": "Y", "W": "W-SUN", "D": "D"}
#: the datetime column that dates each table's rows
_DATE_COLUMNS = {
    "feedback": "created_at", "customers": "signup_date", "orders": "order_date",
    "tickets": "opened_at", "touchpoint_survey": "surveyed_at", "employee_survey": "surveyed_at",
}


def find_tables(data_dir: str | Path) -> dict[str, Path]:
    """Map each canonical table found in ``data_dir`` (``feedback.csv``, ...) to its file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "feedback.csv").write_text("feedback_id,text\\n")
    >>> {name: path.name for name, path in find_tables(folder).items()}
    {'feedback': 'feedback.csv'}
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise DataLoadError(f"data_dir {str(folder)!r} is not a folder; give the folder holding "
                            "feedback.csv, customers.csv, ... or '' for the demo data")
    found = {}
    for table in TABLES:
        for ext in _EXTENSIONS:
            if (folder / f"{table}{ext}").is_file():
                found[table] = folder / f"{table}{ext}"
                break
    return found


def load_all(data_dir: str | Path | None = None, *, random_state: int = 0,
             column_maps: dict[str, dict[str, str]] | None = None):
    """Load every canonical table in ``data_dir`` with :func:`cxlab.io.load_table`.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with files named after the tables (``feedback.csv``, ``orders.parquet``...).
        ``None`` or ``""``: the bundled demo data (generated on first use).
    random_state : int, default=0
        Seed of the demo data (used only when ``data_dir`` is empty).
    column_maps : dict, optional
        ``{table: {"their_name": "canonical_name"}}`` passed on as ``column_map``.

    Returns
    -------
    tables : dict of str to DataFrame
        In schema order; tables without a file are absent.
    reports : dict of str to cxlab.io.LoadReport
        What each load dropped, repaired or flagged, and why.

    Examples
    --------
    >>> tables, reports = load_all()  # doctest: +SKIP
    >>> sorted(tables)[:2]  # doctest: +SKIP
    ['customers', 'employee_survey']
    """
    from cxlab.io import load_table

    if data_dir in (None, ""):
        from cxlab.datasets import ensure_demo_data

        data_dir = ensure_demo_data(random_state=random_state)
    files = find_tables(data_dir)
    if not files:
        raise DataLoadError(
            f"no table files in {str(data_dir)!r}; name them after the canonical tables "
            f"({', '.join(f'{t}.csv' for t in TABLES)})"
        )
    unknown = sorted(set(column_maps or {}) - set(TABLES))
    if unknown:
        raise ParameterError(f"column_maps has unknown tables {unknown}; use {sorted(TABLES)}")
    tables, reports = {}, {}
    for table, path in files.items():
        tables[table], reports[table] = load_table(
            path, table, column_map=(column_maps or {}).get(table))
    return tables, reports


def load_overview(tables: dict[str, pd.DataFrame], reports: dict) -> pd.DataFrame:
    """One row per table: file, rows read and kept, rows dropped, values repaired and flagged,
    and the period its rows cover."""
    rows = []
    for name, df in tables.items():
        report = reports[name]
        date_col = _DATE_COLUMNS.get(name)
        dates = df[date_col].dropna() if date_col in df.columns else pd.Series(dtype="datetime64[ns]")
        rows.append({
            "table": name,
            "file": Path(str(report.source)).name,
            "rows_read": report.n_input_rows,
            "rows_kept": report.n_output_rows,
            "rows_dropped": report.n_dropped,
            "values_repaired": report.n_repaired,
            "values_flagged": report.n_flagged,
            "first": dates.min().date().isoformat() if len(dates) else "",
            "last": dates.max().date().isoformat() if len(dates) else "",
        })
    return pd.DataFrame(rows).set_index("table")


def load_issues(reports: dict) -> pd.DataFrame:
    """Dropped, repaired and flagged values of every load, counted by column and reason."""
    parts = [r.counts.assign(table=name) for name, r in reports.items() if len(r.counts)]
    columns = ["table", "action", "column", "check", "n", "reason"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "n" else "str") for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def volume_by(df: pd.DataFrame, *, by: str = "channel", date_col: str = "created_at",
              freq: str = "MS", wide: bool = False) -> pd.DataFrame:
    """Count rows per period (month by default) and group.

    Parameters
    ----------
    df : DataFrame
    by : str, default="channel"
        Column to split counts by; missing values count as ``"(missing)"``.
    date_col : str, default="created_at"
        Datetime column placing rows in periods; rows without one are left out.
    freq : {"MS", "QS", "YS", "W", "D"}, default="MS"
        Period: month, quarter, year, week (Monday to Sunday) or day; labelled by its start.
    wide : bool, default=False
        Return one row per period and one column per group plus ``total``.

    Returns
    -------
    DataFrame
        Long: ``period`` (start timestamp), ``by``, ``n`` (every period x group, zeros
        included), sorted. Wide: a ``period`` PeriodIndex, one column per group and ``total``.

    Examples
    --------
    >>> df = pd.DataFrame({"created_at": pd.to_datetime(["2025-01-03", "2025-01-20", "2025-02-01"]),
    ...                    "channel": ["survey", "social", "survey"]})
    >>> volume_by(df, wide=True)  # doctest: +NORMALIZE_WHITESPACE
    channel     social  survey  total
    period
    2025-01          1       1      2
    2025-02          0       1      1
    """
    missing = [c for c in (by, date_col) if c not in df.columns]
    if missing:
        raise ParameterError(f"volume_by: df has no column {missing[0]!r}; columns are "
                             f"{list(df.columns)}")
    if freq not in _PERIODS:
        raise ParameterError(f"volume_by: freq={freq!r} is not supported; use one of {list(_PERIODS)}")
    dates = read_dates(df, date_col)  # as the loaders read dates; calendar periods in UTC
    keep = dates.notna()
    warn_undated(0, len(df), date_col, n_missing=int((~keep).sum()), left_out="the volumes", what="row")
    periods = dates[keep].dt.to_period(_PERIODS[freq])
    groups = df.loc[keep, by].astype("object").where(df.loc[keep, by].notna(), "(missing)")
    counts = pd.crosstab(periods.rename("period"), groups.rename(by)).sort_index()
    if len(counts):  # periods without any row count as zero, not as absent
        full = pd.period_range(counts.index.min(), counts.index.max(), freq=_PERIODS[freq])
        counts = counts.reindex(full, fill_value=0)
    counts = counts.reindex(sorted(counts.columns), axis=1)
    if wide:  # periods as labels that read well in a table: 2025-01, 2025Q1
        counts.index = pd.PeriodIndex(counts.index, freq=_PERIODS[freq], name="period")
        return counts.assign(total=counts.sum(axis=1)).astype("int64")
    counts.index = pd.DatetimeIndex(counts.index.start_time if len(counts) else [], name="period")
    return (counts.stack().rename("n").reset_index()
            .sort_values(["period", by], kind="stable").reset_index(drop=True)
            .astype({"n": "int64"}))


def missing_summary(tables: dict[str, pd.DataFrame], *, include_complete: bool = False) -> pd.DataFrame:
    """Missing values per table and canonical column.

    Returns
    -------
    DataFrame
        ``table``, ``column``, ``required`` (the schema needs it), ``n_missing``,
        ``share_missing`` (0-1), sorted by table then share, largest first. Columns without
        missing values are left out unless ``include_complete``.

    Examples
    --------
    >>> df = pd.DataFrame({"feedback_id": ["a", "b"], "nps": [9, None]})
    >>> missing_summary({"feedback": df})[["column", "n_missing", "share_missing"]]
      column  n_missing  share_missing
    0    nps          1            0.5
    """
    rows = []
    for name, df in tables.items():
        spec = get_spec(name)
        for col in spec.columns:
            if col.name not in df.columns:
                continue
            n_missing = int(df[col.name].isna().sum())
            if n_missing == 0 and not include_complete:
                continue
            rows.append({"table": name, "column": col.name, "required": col.required,
                         "n_missing": n_missing,
                         "share_missing": n_missing / len(df) if len(df) else np.nan})
    out = pd.DataFrame(rows, columns=["table", "column", "required", "n_missing", "share_missing"])
    order = {t: i for i, t in enumerate(tables)}
    out = out.assign(_t=out["table"].map(order)).sort_values(
        ["_t", "share_missing", "column"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_t").reset_index(drop=True).astype({"n_missing": "int64"})


def score_distribution(tables: dict[str, pd.DataFrame], *, scores=None) -> pd.DataFrame:
    """How often each value of each score occurs (NPS, CSAT, rating, CES).

    Parameters
    ----------
    tables : dict of str to DataFrame
    scores : list of (table, column), optional
        Default: every pair of :data:`SCORES` present with at least one value.

    Returns
    -------
    DataFrame
        ``score`` (``"feedback.nps"``), ``value`` (every point of the scale, zeros included),
        ``n``, ``share`` (of answered rows, 0-1).

    Examples
    --------
    >>> fb = pd.DataFrame({"nps": [10, 9, 3, None]})
    >>> score_distribution({"feedback": fb}).query("n > 0")
               score  value  n     share
    3   feedback.nps      3  1  0.333333
    9   feedback.nps      9  1  0.333333
    10  feedback.nps     10  1  0.333333
    """
    rows = []
    for key in scores or SCORES:
        table, column = key
        if table not in tables or column not in tables[table].columns:
            continue
        low, high = SCORES.get(key, (None, None))
        # text and off-scale values are errors that name them, not rows silently left out
        arr, _ = as_numeric(tables[table][column], name=f"{table}.{column}", low=low, high=high)
        values = pd.Series(arr)
        if values.empty:
            continue
        if low is None:
            low, high = int(values.min()), int(values.max())
        # half points (e.g. CSAT 3.5) go to the nearest point below: the scale is discrete
        counts = np.floor(values).astype("int64").value_counts()
        for value in range(low, high + 1):
            n = int(counts.get(value, 0))
            rows.append({"score": f"{table}.{column}", "value": value, "n": n,
                         "share": n / len(values)})
    return pd.DataFrame(rows, columns=["score", "value", "n", "share"])


def _nps(values: pd.Series) -> float:
    return 100 * ((values >= 9).mean() - (values <= 6).mean())


def describe_load(overview: pd.DataFrame) -> str:
    """One sentence on what the loaders read, kept and changed."""
    read, kept = int(overview["rows_read"].sum()), int(overview["rows_kept"].sum())
    dropped = overview.loc[overview["rows_dropped"] > 0, "rows_dropped"]
    text = (f"{len(overview)} tables were loaded: {read:,} rows read and {kept:,} kept "
            f"({read - kept:,} dropped")
    if len(dropped):
        text += ", from " + ", ".join(f"{t} ({n:,})" for t, n in dropped.items())
    repaired = int(overview["values_repaired"].sum())
    flagged = int(overview["values_flagged"].sum())
    return text + f"); {repaired:,} values were repaired and {flagged:,} flagged."


def describe_issues(issues: pd.DataFrame) -> str:
    """One sentence on a :func:`load_issues` table: what was dropped, repaired, flagged, why."""
    if issues.empty:
        return "The loaders dropped, repaired and flagged nothing: every row was used as it was."
    parts = []
    for action in ("dropped", "repaired", "flagged"):
        part = issues[issues["action"] == action]
        if part.empty:
            parts.append(f"nothing was {action}")
            continue
        what = "rows" if action == "dropped" else "values"
        top = part.sort_values("n", ascending=False, kind="stable").head(3)
        reasons = ", ".join(
            f"{r.n:,} in {r.table}{'.' + r.column if r.column else ''} ({r.reason})"
            for r in top.itertuples()
        )
        others = len(part) - 3
        more = f" and {others} other kind{'s' if others > 1 else ''}" if others > 0 else ""
        parts.append(f"{int(part['n'].sum()):,} {what} were {action}: {reasons}{more}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def describe_volume(volume: pd.DataFrame, *, by: str = "channel") -> str:
    """One sentence on a long :func:`volume_by` table: total, busiest group, peak period."""
    if volume.empty:
        return "There are no dated rows to count."
    per_group = volume.groupby(by)["n"].sum().sort_values(ascending=False, kind="stable")
    per_period = volume.groupby("period")["n"].sum()
    peak = per_period.idxmax()
    total = int(per_group.sum())
    return (
        f"{total:,} rows over {len(per_period)} periods ({per_period.index.min():%b %Y} to "
        f"{per_period.index.max():%b %Y}); the largest {by} is {per_group.index[0]} "
        f"({per_group.iloc[0] / total:.0%}) and the busiest period {peak:%b %Y} "
        f"({int(per_period.max()):,} rows, against a median of {per_period.median():,.0f})."
    )


def describe_missing(missing: pd.DataFrame) -> str:
    """One sentence on a :func:`missing_summary` table."""
    if missing.empty:
        return "No value is missing in any table."
    required = missing[missing["required"] & (missing["n_missing"] > 0)]
    worst = missing.sort_values("share_missing", ascending=False, kind="stable").iloc[0]
    text = (f"{len(missing)} columns have missing values; the emptiest is "
            f"{worst['table']}.{worst['column']} ({worst['share_missing']:.0%} missing)")
    if len(required):
        cols = ", ".join(f"{r.table}.{r.column}" for r in required.itertuples())
        return text + (f". Required columns with gaps (rows kept; analyses needing the value "
                       f"skip them): {cols}.")
    return text + "; every required column is complete."


def describe_scores(tables: dict[str, pd.DataFrame]) -> str:
    """One sentence with NPS and mean satisfaction scores of the feedback table.

    Examples
    --------
    >>> describe_scores({"feedback": pd.DataFrame({"nps": [10, 9, 3, 7]})})
    'NPS is +25.0 from 4 answers (50% promoters, 25% detractors).'
    """
    fb = tables.get("feedback")
    if fb is None:
        return "There is no feedback table, so no scores to describe."
    score = {c: pd.Series(as_numeric(fb[c], name=f"feedback.{c}", low=lo, high=hi)[0])
             for (t, c), (lo, hi) in SCORES.items() if t == "feedback" and c in fb}
    parts = []
    if len(score.get("nps", ())):
        nps = score["nps"]
        parts.append(f"NPS is {_nps(nps):+.1f} from {len(nps):,} answers "
                     f"({(nps >= 9).mean():.0%} promoters, {(nps <= 6).mean():.0%} detractors)")
    for col, label in (("csat", "CSAT"), ("rating", "star rating")):
        if len(score.get(col, ())):
            parts.append(f"mean {label} is {score[col].mean():.2f} of 5 ({len(score[col]):,} answers)")
    if len(score.get("ces", ())):
        parts.append(f"mean effort (CES, 1 easy - 7 hard) is {score['ces'].mean():.2f} "
                     f"({len(score['ces']):,} answers)")
    if not parts:
        return "The feedback table holds no scores."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
