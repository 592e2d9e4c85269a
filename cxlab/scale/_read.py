"""Reading feedback in chunks of a fixed number of rows: CSV (also gzip) and Parquet.

Every chunk is a DataFrame whose index is the global 0-based row position in the input, so a
row keeps its number whatever the chunk size, engine or resume point. Chunks have exactly
``chunk_size`` rows (the last one fewer): part ``i`` always covers rows
``[i * chunk_size, (i + 1) * chunk_size)``.

Column types are fixed up front so every chunk (and every Parquet part written from it) has the
same schema: from CSV, every column is read as text except ``outcome_col`` (float64); from
Parquet, columns keep their stored types and ``outcome_col`` is cast to float64.
"""
from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import DataLoadError, SchemaError
from cxlab.kpis._validate import read_numbers

__all__ = ["input_kind", "input_identity", "read_columns", "iter_chunks", "count_rows"]

_PARQUET = (".parquet", ".pq", ".parq")


def input_kind(source) -> str:
    """``"parquet"`` (a file or a folder of Parquet files) or ``"csv"`` (also .tsv, .gz)."""
    path = Path(source)
    if path.is_dir():
        return "parquet"
    if not path.is_file():
        raise DataLoadError(f"source {str(path)!r} not found; give a CSV/Parquet file or a folder of "
                            "Parquet files.")
    name = path.name.lower()
    if name.endswith(_PARQUET):
        return "parquet"
    if name.endswith((".xlsx", ".xls", ".json", ".jsonl")):
        raise DataLoadError(f"source {path.name!r}: the scale pipeline reads CSV/TSV (optionally .gz) and "
                            "Parquet; convert the file to CSV or Parquet first.")
    return "csv"


PARQUET_SUFFIXES = _PARQUET


def parquet_files(source) -> list[Path]:
    """The Parquet files of a file or a dataset folder (recursively, sorted: a stable row order)."""
    path = Path(source)
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(_PARQUET))
    if not files:
        raise DataLoadError(f"folder {str(path)!r} holds no .parquet files; give a Parquet dataset folder "
                            "or a CSV file.")
    return files


def input_identity(source) -> dict:
    """What makes an input the same input on a rerun: path, sizes, mtimes, hash of the first MB."""
    path = Path(source).resolve()
    files = parquet_files(path) if input_kind(path) == "parquet" else [path]
    digest = hashlib.sha1()
    for f in files:
        with open(f, "rb") as fh:
            digest.update(fh.read(1 << 20))
    return {"path": str(path), "files": len(files),
            "size": int(sum(f.stat().st_size for f in files)),
            "mtime_ns": int(max(f.stat().st_mtime_ns for f in files)),
            "head_sha1": digest.hexdigest()}


def _csv_format(path: Path) -> tuple[str, str]:
    """``(separator, encoding)`` of a CSV, sniffed from its first 256 KB by the loaders' own
    :func:`~cxlab.io._read.decode_bytes` and :func:`~cxlab.io._read.sniff_delimiter`."""
    import gzip

    from cxlab.io._read import decode_bytes, sniff_delimiter

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        head = fh.read(256 * 1024)
    cut = head.rfind(b"\n")  # whole lines only: never half of a multi-byte character
    text, enc = decode_bytes(head[:cut + 1] if cut > 0 else head, path.name)
    return sniff_delimiter(text), enc


def read_columns(source) -> list[str]:
    """Column names of the input (reads only the header / schema)."""
    path = Path(source)
    if input_kind(path) == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(parquet_files(path)[0]).names)
    try:
        sep, enc = _csv_format(path)
        return [str(c) for c in pd.read_csv(path, sep=sep, encoding=enc, nrows=0, encoding_errors="replace").columns]
    except (ValueError, OSError, UnicodeError) as exc:
        raise DataLoadError(f"source {path.name!r} could not be read as CSV: {exc}") from None


def check_columns(source, columns: dict[str, str | None]) -> None:
    """Raise SchemaError naming the argument when a column is not in the input."""
    have = read_columns(source)
    for arg, col in columns.items():
        if col is not None and col not in have:
            raise SchemaError(f"{arg}={col!r} is not a column of {Path(source).name}; its columns are {have}. "
                              f"Pass {arg}= with one of them.")


def count_rows(source) -> int | None:
    """Rows in a Parquet input (from metadata); ``None`` for CSV (known after one pass)."""
    if input_kind(source) != "parquet":
        return None
    import pyarrow.parquet as pq

    return int(sum(pq.ParquetFile(f).metadata.num_rows for f in parquet_files(source)))


def _csv_frames(path: Path, columns: list[str], outcome_col, chunk_size: int, skipped: dict):
    dtype = {c: str for c in columns if c != outcome_col}
    sep, enc = _csv_format(path)
    reader = pd.read_csv(path, sep=sep, encoding=enc, usecols=columns, dtype=dtype, chunksize=chunk_size,
                         encoding_errors="replace", on_bad_lines="warn")
    while True:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                frame = next(reader)
            except StopIteration:
                break
            except (ValueError, OSError, UnicodeError) as exc:
                raise DataLoadError(f"source {path.name!r} could not be read as CSV: {exc}") from None
        # a malformed line is skipped by pandas with a warning: counted, never silent
        bad = sum(str(w.message).count("Skipping line") for w in caught)
        if bad:
            skipped["malformed CSV line"] = skipped.get("malformed CSV line", 0) + bad
        yield frame
    reader.close()


def _parquet_frames(path: Path, columns: list[str], chunk_size: int):
    import pyarrow.parquet as pq

    for f in parquet_files(path):
        pf = pq.ParquetFile(f)
        missing = [c for c in columns if c not in pf.schema_arrow.names]
        if missing:
            raise SchemaError(f"Parquet file {f.name!r} lacks column(s) {missing}; every file of the dataset "
                              "needs the same columns.")
        for batch in pf.iter_batches(batch_size=chunk_size, columns=columns, use_threads=False):
            yield batch.to_pandas()


def iter_chunks(source, *, columns: list[str], chunk_size: int, outcome_col: str | None = None,
                skipped: dict | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
    """Yield ``(part_no, frame)`` with exactly ``chunk_size`` rows each (the last fewer).

    ``frame`` holds ``columns`` and is indexed by the global row position. Malformed CSV lines
    are counted in ``skipped`` (reason -> rows).
    """
    path = Path(source)
    skipped = {} if skipped is None else skipped
    columns = list(dict.fromkeys(columns))
    frames = (_parquet_frames(path, columns, chunk_size) if input_kind(path) == "parquet"
              else _csv_frames(path, columns, outcome_col, chunk_size, skipped))
    pending: list[pd.DataFrame] = []
    n_pending, start, part = 0, 0, 0

    def emit(frame):
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(start, start + len(frame))
        if outcome_col is not None:
            # as in memory: text that is not a number is an error naming it; blanks, "n/a" missing
            frame[outcome_col] = read_numbers(frame[outcome_col],
                                              name=f"outcome_col={outcome_col!r}").astype(np.float64)
        return frame

    for frame in frames:
        pending.append(frame)
        n_pending += len(frame)
        while n_pending >= chunk_size:
            whole = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
            yield part, emit(whole.iloc[:chunk_size])
            rest = whole.iloc[chunk_size:]
            pending, n_pending = ([rest] if len(rest) else []), len(rest)
            start += chunk_size
            part += 1
    if n_pending:
        whole = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
        yield part, emit(whole)
