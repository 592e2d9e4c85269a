"""Load CX tables into their canonical form, with an account of every row dropped or repaired,
and write derived tables safely.

Reading: :func:`load_table` and one loader per table (:func:`load_feedback`, ...) accept CSV
(delimiter and encoding sniffed; gzip/zip), Excel, Parquet, JSON lines or a DataFrame, map
column names (``column_map``), coerce dtypes, validate with pandera schemas built from
:mod:`cxlab.schemas`, and return ``(data, report)``.

Writing: :func:`save_processed` (atomic, deterministic, into ``data/processed``), the atomic
helpers used by reports, :func:`file_sha256` and :func:`safe_for_spreadsheet`. Nothing here
writes into ``data/raw``.
"""
from cxlab.io._columns import normalize_name
from cxlab.io._load import (
    load_customers,
    load_employee_survey,
    load_feedback,
    load_folder,
    load_orders,
    load_table,
    load_tickets,
    load_touchpoint_survey,
)
from cxlab.io._read import SUPPORTED_EXTENSIONS
from cxlab.io._report import LoadReport, LoadResult, summarize_reports
from cxlab.io._validate import build_schema
from cxlab.io._write import (
    atomic_write_bytes,
    atomic_write_text,
    atomic_writer,
    check_not_raw,
    file_sha256,
    safe_for_spreadsheet,
    save_processed,
)

__all__ = [
    "load_table",
    "load_feedback",
    "load_customers",
    "load_orders",
    "load_tickets",
    "load_touchpoint_survey",
    "load_employee_survey",
    "load_folder",
    "LoadResult",
    "LoadReport",
    "summarize_reports",
    "build_schema",
    "normalize_name",
    "save_processed",
    "atomic_writer",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_not_raw",
    "file_sha256",
    "safe_for_spreadsheet",
    "SUPPORTED_EXTENSIONS",
]
