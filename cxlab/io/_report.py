"""The account every load returns: which rows were dropped, which values repaired or flagged, why."""
from __future__ import annotations

import html
from pathlib import Path
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["LoadReport", "LoadResult", "IssueLog", "ACTIONS", "ISSUE_COLUMNS", "summarize_reports"]

#: what happened to a row or value: removed from the table / value changed (set missing, filled) /
#: kept unchanged but worth knowing (e.g. an empty comment)
ACTIONS = ("dropped", "repaired", "flagged")
ISSUE_COLUMNS = ["row", "column", "action", "check", "reason", "value"]
_VALUE_WIDTH = 80


def _as_text(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    text = str(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "\u2026"


def _as_texts(values) -> list[str]:
    """Vectorised :func:`_as_text` (logs can hold hundreds of thousands of values)."""
    series = pd.Series(list(values) if not isinstance(values, np.ndarray) else values, dtype=object)
    text = series.astype(str)
    text[series.isna().to_numpy()] = ""
    long = (text.str.len() > _VALUE_WIDTH).to_numpy()
    if long.any():
        text[long] = [_as_text(v) for v in text[long]]
    return text.tolist()


class IssueLog:
    """Collects issues by row *position* while a load runs; positions become labels at the end."""

    def __init__(self):
        self._parts: list[pd.DataFrame] = []

    def add(self, positions, column, action, check, reason, values=None) -> None:
        positions = np.asarray(positions, dtype=np.int64).ravel()
        if positions.size == 0:
            return
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if values is None:
            values = [""] * positions.size
        self._parts.append(pd.DataFrame({
            "position": positions,
            "column": column if column is not None else "",
            "action": action,
            "check": check,
            "reason": reason,
            "value": _as_texts(values),
        }))

    def dropped_positions(self) -> set[int]:
        return {int(p) for part in self._parts for p in part.loc[part["action"] == "dropped", "position"]}

    def to_frame(self, row_labels) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype=object if c == "row" else "str") for c in ISSUE_COLUMNS})
        issues = pd.concat(self._parts, ignore_index=True)
        issues = issues.sort_values(["position"], kind="stable").reset_index(drop=True)
        labels = np.asarray(row_labels, dtype=object)
        rows = pd.Series(labels[issues["position"].to_numpy()], dtype=object)
        if len(rows) and pd.api.types.infer_dtype(rows, skipna=False) == "integer":
            rows = rows.astype("int64")
        issues.insert(0, "row", rows)
        return issues[ISSUE_COLUMNS].astype({c: "str" for c in ISSUE_COLUMNS[1:]})


@dataclass(eq=False)  # holds a DataFrame: compare reports by their fields, not with ==
class LoadReport:
    """What a load read, kept, dropped and repaired, and why.

    Attributes
    ----------
    source : str
        The file read (or ``"DataFrame"``).
    table : str
        Canonical table name, e.g. ``"feedback"``.
    n_input_rows, n_output_rows : int
        Rows read and rows kept; ``n_input_rows == n_output_rows + n_dropped`` always.
    issues : pandas.DataFrame
        One row per (input row, column) with an issue: ``row`` (file row number with the
        header as row 1, or the DataFrame index label), ``column``, ``action`` (``dropped``,
        ``repaired`` or ``flagged``), ``check`` (a short code), ``reason`` and ``value`` (the
        original value, as text, truncated).
    notes : list of str
        How the source was read (encoding, delimiter, column renames, defaults).
    """

    source: str
    table: str
    n_input_rows: int
    n_output_rows: int
    issues: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    row_numbering: str = ""

    @property
    def source_name(self) -> str:
        """The file name without its folder (stable across machines, for printed reports)."""
        return self.source if self.source == "DataFrame" else Path(self.source).name

    @property
    def n_dropped(self) -> int:
        """Number of input rows dropped (a row counts once, whatever the number of reasons)."""
        return int(self.issues.loc[self.issues["action"] == "dropped", "row"].nunique())

    @property
    def n_repaired(self) -> int:
        """Number of values repaired (set missing or filled)."""
        return int((self.issues["action"] == "repaired").sum())

    @property
    def n_flagged(self) -> int:
        """Number of values kept unchanged but flagged."""
        return int((self.issues["action"] == "flagged").sum())

    @property
    def counts(self) -> pd.DataFrame:
        """Issues counted by ``action``, ``column`` and ``check``, with one reason (row numbers
        generalised; ``issues`` has each row's own)."""
        if self.issues.empty:
            return pd.DataFrame({"action": pd.Series(dtype="str"), "column": pd.Series(dtype="str"),
                                 "check": pd.Series(dtype="str"), "reason": pd.Series(dtype="str"),
                                 "n": pd.Series(dtype="int64")})
        order = {a: i for i, a in enumerate(ACTIONS)}
        grouped = (
            self.issues.groupby(["action", "column", "check"], sort=True)
            .agg(reason=("reason", "first"), n=("row", "size"))
            .reset_index()
        )
        # the example reason speaks for the whole group: "duplicate of row 1217" would mislead
        grouped["reason"] = grouped["reason"].str.replace(r"\brow \d[\d,]*", "an earlier row", regex=True)
        grouped["_order"] = grouped["action"].map(order)
        grouped = grouped.sort_values(["_order", "n", "column"], ascending=[True, False, True],
                                      kind="stable")
        return grouped.drop(columns="_order").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The issues as a new DataFrame (one row per input row and column affected)."""
        return self.issues.copy()

    def summary(self) -> str:
        """A few lines of plain text saying what was read, kept, dropped and repaired."""
        lines = [
            f"{self.table} from {self.source_name}: {self.n_input_rows:,} rows read, "
            f"{self.n_output_rows:,} kept, {self.n_dropped:,} dropped; {self.n_repaired:,} values "
            f"repaired, {self.n_flagged:,} flagged."
        ]
        for rec in self.counts.itertuples(index=False):
            column = f" {rec.column}" if rec.column else ""
            lines.append(f"  {rec.action}{column} ({rec.check}): {rec.n:,} - e.g. {rec.reason}")
        notes = list(self.notes)
        if not self.issues.empty and self.row_numbering:
            notes.append(self.row_numbering)
        if notes:
            lines.append("Notes: " + "; ".join(notes) + ".")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"LoadReport(table={self.table!r}, source={self.source_name!r}, "
            f"n_input_rows={self.n_input_rows}, n_output_rows={self.n_output_rows}, "
            f"dropped={self.n_dropped}, repaired={self.n_repaired}, flagged={self.n_flagged})"
        )

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        parts = [f"<p><b>LoadReport</b>: {head}</p>"]
        if not self.issues.empty:
            parts.append(self.counts.to_html(index=False, escape=True, border=0))
            parts.append("<p>First issues:</p>")
            parts.append(self.issues.head(10).to_html(index=False, escape=True, border=0))
        if self.notes:
            parts.append("<p><i>" + html.escape("; ".join(self.notes)) + "</i></p>")
        return "\n".join(parts)


class LoadResult(NamedTuple):
    """What ``load_*`` returns: unpack it as ``df, report = load_feedback(path)``."""

    data: pd.DataFrame
    report: LoadReport


def summarize_reports(reports) -> pd.DataFrame:
    """One row per load: rows read, kept, dropped, values repaired and flagged.

    Parameters
    ----------
    reports : iterable of LoadReport or LoadResult, or a dict of them (e.g. from ``load_folder``)

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.io import load_feedback, summarize_reports
    >>> _, report = load_feedback(pd.DataFrame({"feedback_id": ["1", "1"], "text": ["a", "a"],
    ...                           "created_at": "2025-01-01", "channel": "survey"}))
    >>> summarize_reports([report])[["table", "n_input_rows", "n_dropped"]].to_dict("records")
    [{'table': 'feedback', 'n_input_rows': 2, 'n_dropped': 1}]
    """
    items = reports.values() if isinstance(reports, dict) else reports
    rows = []
    for item in items:
        report = item.report if isinstance(item, LoadResult) else item
        rows.append({"table": report.table, "source": report.source_name,
                     "n_input_rows": report.n_input_rows, "n_output_rows": report.n_output_rows,
                     "n_dropped": report.n_dropped, "n_repaired": report.n_repaired,
                     "n_flagged": report.n_flagged})
    columns = ["table", "source", "n_input_rows", "n_output_rows", "n_dropped", "n_repaired", "n_flagged"]
    return pd.DataFrame(rows, columns=columns)
