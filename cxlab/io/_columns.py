"""Match the user's column names to canonical ones: ``column_map`` first, then normalised names.

Close matches (difflib and a few common synonyms) are only *suggested* in error messages, never
applied: a wrong guess would silently analyse the wrong column.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import pandas as pd

from cxlab.exceptions import SchemaError
from cxlab.schemas import TableSpec

__all__ = ["normalize_name", "resolve_columns", "loader_name"]

#: common names for canonical columns, used for suggestions only
SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("comment", "comments", "review", "review_text", "message", "body", "verbatim",
             "feedback", "content", "tweet", "response"),
    "created_at": ("date", "created", "timestamp", "time", "datetime", "submitted_at", "posted_at"),
    "channel": ("source", "platform", "medium"),
    "customer_id": ("customer", "customerid", "client_id", "user_id", "user"),
    "feedback_id": ("id", "comment_id", "review_id", "response_id"),
    "order_date": ("date", "invoice_date", "purchase_date"),
    "order_id": ("invoice", "invoiceno", "invoice_no", "transaction_id"),
    "amount": ("total", "value", "revenue", "price", "sales"),
    "rating": ("stars", "score"),
    "opened_at": ("created_at", "created", "opened"),
}


def normalize_name(name) -> str:
    """``" Feedback ID"`` -> ``"feedback_id"``: strip, lower-case, spaces/dashes/dots -> ``_``."""
    text = str(name).strip().lower()
    return re.sub(r"[\s\-./]+", "_", text).strip("_")


def loader_name(spec: TableSpec) -> str:
    return f"load_{spec.name}()"


def resolve_columns(
    frame: pd.DataFrame,
    spec: TableSpec,
    *,
    column_map: Mapping[str, str] | None = None,
    defaults: Mapping[str, object] | None = None,
) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """Rename ``frame``'s columns to canonical names.

    Returns ``(renamed frame, notes, renames)``; ``renames`` maps original to canonical names.
    Raises :class:`SchemaError` for an invalid ``column_map``/``defaults`` or missing required
    columns. Absent required columns listed in ``defaults`` are left for the caller to create.
    """
    column_map = dict(column_map or {})
    defaults = dict(defaults or {})
    canonical = spec.names
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        raise SchemaError(f"{spec.name}: column names {dupes} appear more than once; rename them so each is unique.")
    by_norm: dict[str, list[str]] = {}
    for col in columns:
        by_norm.setdefault(normalize_name(col), []).append(col)

    renames: dict[str, str] = {}
    for theirs, ours in column_map.items():
        if ours not in canonical:
            close = difflib.get_close_matches(str(ours), canonical, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise SchemaError(
                f"column_map maps {theirs!r} to {ours!r}, which is not a {spec.name} column.{hint} "
                f"Canonical columns: {canonical}."
            )
        if theirs in columns:
            source = theirs
        else:
            found = by_norm.get(normalize_name(theirs), [])
            if len(found) != 1:
                raise SchemaError(
                    f"column_map names column {theirs!r}, which is not in the data; columns found: "
                    f"{columns}. Use the column's name exactly as it appears in the file."
                )
            source = found[0]
        renames[source] = ours

    # "Feedback ID", "created-at", "CustomerID" all match: compare without case, separators
    squashed = {c.replace("_", ""): c for c in canonical}
    for col in columns:
        if col not in renames:
            match = squashed.get(normalize_name(col).replace("_", ""))
            if match is not None:
                renames[col] = match

    targets: dict[str, list[str]] = {}
    for source, ours in renames.items():
        targets.setdefault(ours, []).append(source)
    clashes = {ours: srcs for ours, srcs in targets.items() if len(srcs) > 1}
    # a canonical name already used by an unmapped column also clashes
    for ours, srcs in targets.items():
        if ours in columns and ours not in renames and ours not in clashes:
            clashes[ours] = [*srcs, ours]
    if clashes:
        detail = "; ".join(f"{ours!r} <- {srcs}" for ours, srcs in clashes.items())
        raise SchemaError(
            f"{spec.name}: several columns map to the same canonical column ({detail}); keep one "
            "in column_map, or drop or rename the others before loading."
        )

    unknown_defaults = [name for name in defaults if name not in canonical]
    if unknown_defaults:
        raise SchemaError(
            f"defaults names {unknown_defaults}, which are not {spec.name} columns; canonical "
            f"columns: {canonical}."
        )

    present = set(renames.values()) | {c for c in columns if c in canonical}
    missing = [c for c in spec.required if c not in present and c not in defaults]
    if missing:
        unmatched = [c for c in columns if c not in renames and c not in canonical]
        raise SchemaError(_missing_message(spec, missing, columns, unmatched))

    notes = [f"column {src!r} -> {dst!r}" for src, dst in renames.items() if src != dst]
    out = frame.rename(columns={c: renames.get(str(c), str(c)) for c in frame.columns})
    return out, notes, renames


def suggest(canonical: str, candidates: list[str]) -> list[str]:
    """Columns among ``candidates`` that look like ``canonical`` (best first)."""
    norm = {normalize_name(c): c for c in candidates}
    hits = [norm[n] for n in difflib.get_close_matches(canonical, list(norm), n=3, cutoff=0.6)]
    for n, original in norm.items():
        synonyms = SYNONYMS.get(canonical, ())
        if original not in hits and (n in synonyms or canonical in n or any(s == n for s in synonyms)):
            hits.append(original)
    return hits[:3]


def _missing_message(spec, missing, columns, unmatched) -> str:
    lines = [
        f"{spec.name} table lacks required column{'s' if len(missing) > 1 else ''} "
        f"{', '.join(repr(m) for m in missing)}.",
        f"Columns found: {columns}.",
    ]
    mapping, used = {}, set()
    for name in missing:
        close = [c for c in suggest(name, unmatched) if c not in used]
        if close:
            lines.append(f"Close match for {name!r}: {', '.join(repr(c) for c in close)}.")
            mapping[close[0]] = name
            used.add(close[0])
        else:
            mapping[f"<your column for {name}>"] = name
    fix = f"Fix: rename the columns, or pass column_map={mapping!r} to {loader_name(spec)}"
    constant = [m for m in missing if m not in spec.key]
    if constant:
        fix += f"; for a column your data lacks, give a constant with defaults={{{constant[0]!r}: ...}}"
    lines.append(fix + ".")
    return " ".join(lines)
