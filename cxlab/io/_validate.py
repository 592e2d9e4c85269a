"""Row-level validation with pandera: find the rows and values that break a table's rules, then
drop, repair or flag them one by one (never the whole load), with reasons in our own words.

pandera finds the failures (nullability, ranges, datetime order) from a schema built out of
:mod:`cxlab.schemas`; this module decides what to do about each and handles duplicate keys. The
cleaned table satisfies the full schema (``build_schema(table).validate(df)``, checked by the
tests rather than a second pandera pass on every load, which would double its cost).
"""
from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pandera.pandas as pa

from cxlab.exceptions import SchemaError
from cxlab.io._coerce import canonical_dtype
from cxlab.io._report import IssueLog
from cxlab.schemas import TableSpec, get_spec

__all__ = ["build_schema", "validate_rows", "ON_DUPLICATE"]

ON_DUPLICATE = ("keep_first", "error")
_ORDER_CHECK = re.compile(r"^order:(?P<earlier>\w+)<=(?P<later>\w+)$")


def _range_text(col) -> str:
    if col.min is not None and col.max is not None:
        return f"{col.min:g}-{col.max:g}"
    return f">= {col.min:g}" if col.min is not None else f"<= {col.max:g}"


def _order_check(earlier: str, later: str) -> pa.Check:
    # no ``error=``: pandera would report that text instead of the name parsed by _ORDER_CHECK
    return pa.Check(lambda df: ~(df[later] < df[earlier]), name=f"order:{earlier}<={later}")


@functools.lru_cache(maxsize=32)
def build_schema(table: str | TableSpec, *, unique_key: bool = True) -> pa.DataFrameSchema:
    """A pandera schema for a canonical table (dtypes, nullability, ranges, datetime order, key).

    Columns beyond the canonical ones are allowed. The schema checks already-coerced frames;
    :func:`cxlab.io.load_table` coerces and repairs before it.

    Examples
    --------
    >>> from cxlab.io import build_schema
    >>> schema = build_schema("feedback")
    >>> schema.columns["nps"].dtype
    DataType(Int64)
    """
    spec = get_spec(table)
    columns = {}
    for col in spec.columns:
        checks = []
        if col.min is not None or col.max is not None:
            checks.append(pa.Check.in_range(col.min, col.max) if col.min is not None and col.max is not None
                          else pa.Check.ge(col.min) if col.min is not None else pa.Check.le(col.max))
        columns[col.name] = pa.Column(canonical_dtype(col), checks=checks, nullable=col.nullable,
                                      required=True)
    return pa.DataFrameSchema(
        columns,
        checks=[_order_check(e, later) for e, later in spec.ordered],
        unique=list(spec.key) if unique_key else None,
        strict=False,
        name=spec.name,
    )


def validate_rows(frame: pd.DataFrame, spec: TableSpec, log: IssueLog, *, raw: pd.DataFrame,
                  parse_failures: dict, on_duplicate: str = "keep_first",
                  describe_row=str, skip=()) -> pd.DataFrame:
    """Drop or repair the rows of ``frame`` (coerced, RangeIndex of positions) that break rules.

    ``raw`` holds the values as read (same positions) for the report; ``parse_failures`` maps a
    column to ``(failed mask, reason)`` from coercion. Returns the cleaned frame (same index
    labels, dropped rows removed). Rows at positions in ``skip`` are already accounted for (e.g.
    blank rows): they are not checked, only removed.
    """
    frame = frame.copy()
    skip = sorted(skip)
    alive = np.ones(len(frame), dtype=bool)
    alive[skip] = False
    failures = _failure_cases(frame.drop(index=skip) if skip else frame, spec)
    drop: set[int] = set(skip)
    repairs: list[tuple[str, np.ndarray]] = []

    for (column, check), cases in failures.groupby(["column", "check"], sort=True):
        positions = np.unique(cases["index"].dropna().astype("int64").to_numpy())
        order = _ORDER_CHECK.match(str(check))
        if order:
            later, earlier = order["later"], order["earlier"]
            log.add(positions, later, "repaired", "order",
                    f"{later} before {earlier}; {later} set missing", raw[later].to_numpy()[positions])
            repairs.append((later, positions))
        elif check == "not_nullable":
            failed, reason = parse_failures.get(column, (np.zeros(len(frame), bool), ""))
            unparsed = positions[failed[positions]]
            absent = positions[~failed[positions]]
            log.add(unparsed, column, "dropped", "unparseable",
                    _reasons(f"required {column} is {{}}", reason, unparsed),
                    raw[column].to_numpy()[unparsed])
            log.add(absent, column, "dropped", "missing_required", f"required {column} is missing",
                    raw[column].to_numpy()[absent])
            drop.update(positions.tolist())
        elif str(check).startswith(("in_range", "greater_than", "less_than")):
            col = spec.column(column)
            rng = _range_text(col)
            if col.nullable:
                log.add(positions, column, "repaired", "out_of_range",
                        f"{column} outside {rng}; set missing", raw[column].to_numpy()[positions])
                repairs.append((column, positions))
            else:
                log.add(positions, column, "dropped", "out_of_range",
                        f"required {column} outside {rng}", raw[column].to_numpy()[positions])
                drop.update(positions.tolist())
        elif "uniqueness" in str(check) or str(check) == "field_uniqueness":
            continue  # duplicate keys are handled below, with the row they repeat
        else:  # dtype or missing-column failures mean coercion went wrong: a bug, not bad data
            raise RuntimeError(f"cxlab.io internal error: {spec.name}.{column} failed {check}: "
                               f"{cases['failure_case'].head(3).tolist()}")

    for column, (failed, reason) in parse_failures.items():
        if spec.column(column).nullable:
            positions = np.flatnonzero(failed & alive)
            log.add(positions, column, "repaired", "unparseable",
                    _reasons(f"{column} is {{}}; set missing", reason, positions),
                    raw[column].to_numpy()[positions])

    if "text" in frame.columns and spec.name == "feedback":
        # the themes engine's rule (cxlab.text), so the overview and the themes count the same comments
        from cxlab.text._language import empty_comments

        empty = np.flatnonzero(empty_comments(frame["text"]).to_numpy() & alive)
        log.add(empty, "text", "flagged", "empty_text",
                "empty comment (blank, punctuation only or a non-answer such as 'n/a'); kept",
                raw["text"].to_numpy()[empty])

    drop |= _duplicates(frame, spec, log, sorted(drop), on_duplicate, describe_row)
    for column, positions in repairs:
        mask = np.zeros(len(frame), dtype=bool)
        mask[positions] = True
        frame[column] = frame[column].mask(mask)
    return frame.drop(index=sorted(drop))


def _reasons(template: str, reason, positions):
    """``template`` filled with the failure reason: one for all rows, or per row."""
    if isinstance(reason, str):
        return template.format(reason)
    return [template.format(r) for r in np.asarray(reason)[positions]]


def _failure_cases(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    schema = build_schema(spec, unique_key=False)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.copy()
        for i, check in cases["check"].items():  # frame-level checks: attribute to their column
            m = _ORDER_CHECK.match(str(check))
            if m:
                cases.loc[i, "column"] = m["later"]
        cases["column"] = cases["column"].astype(object).fillna("").astype(str)
        cases["check"] = cases["check"].astype(str)
        return cases
    return pd.DataFrame(columns=["column", "check", "index", "failure_case"])


def _duplicates(frame, spec, log, already_dropped, on_duplicate, describe_row) -> set[int]:
    """Exact duplicate rows are always dropped; other repeats of a key follow ``on_duplicate``."""
    key = list(spec.key)
    alive = frame.drop(index=already_dropped)
    if alive.empty:
        return set()
    dup_key = alive.duplicated(key, keep=False).to_numpy()
    if not dup_key.any():
        return set()
    candidates = alive[dup_key]
    key_text = _key_text(candidates[key])
    hashes = pd.util.hash_pandas_object(candidates, index=False).to_numpy()
    positions = candidates.index.to_series()
    first_of_hash = positions.groupby(hashes, sort=False).transform("first").to_numpy()
    is_exact = first_of_hash != positions.to_numpy()
    exact = positions.to_numpy()[is_exact]
    log.add(exact, "/".join(key), "dropped", "exact_duplicate",
            [f"exact duplicate of row {describe_row(p)}" for p in first_of_hash[is_exact]],
            key_text[is_exact])
    rest = positions[~is_exact]
    rest_keys = key_text[~is_exact]
    first_of_key = rest.groupby(rest_keys, sort=False).transform("first").to_numpy()
    is_conflict = first_of_key != rest.to_numpy()
    conflicts = rest.to_numpy()[is_conflict]
    firsts = first_of_key[is_conflict]
    key_name = "/".join(key)
    if len(conflicts) and on_duplicate == "error":
        shown = "; ".join(
            f"row {describe_row(p)} repeats {key_name} {k!r} of row {describe_row(f)}"
            for p, f, k in zip(conflicts[:5], firsts[:5], rest_keys[is_conflict][:5])
        )
        raise SchemaError(
            f"{spec.name}: {len(conflicts)} rows repeat a {key_name} with different values ({shown}). "
            "Fix the ids, or pass on_duplicate='keep_first' to keep the first row of each id."
        )
    log.add(conflicts, key_name, "dropped", "duplicate_key",
            [f"{key_name} already seen at row {describe_row(f)} with different values; kept the first"
             for f in firsts],
            rest_keys[is_conflict])
    return set(exact.tolist()) | set(conflicts.tolist())


def _key_text(keys: pd.DataFrame) -> np.ndarray:
    """Key values as text, one per row (``a/b`` for composite keys)."""
    text = keys.iloc[:, 0].astype("str").fillna("")
    for name in keys.columns[1:]:
        text = text + "/" + keys[name].astype("str").fillna("")
    return text.to_numpy(dtype=object)
