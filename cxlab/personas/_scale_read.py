"""Reading customer feature tables too big for memory: chunks in input order, row ranges, samples.

Sources are a DataFrame, a Parquet file or folder (read by record batches / row groups with
column projection) or a CSV file (pandas chunks). Chunks are indexed by the customer id: the
``id_col`` given, the pandas index stored in the Parquet metadata, or else the global row number.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import DataLoadError, ParameterError
from cxlab.scale._read import PARQUET_SUFFIXES, parquet_files

__all__ = ["count_rows", "iter_chunks", "read_rows", "source_kind", "take_rows"]



def source_kind(source) -> str:
    if isinstance(source, pd.DataFrame):
        return "frame"
    if not isinstance(source, (str, os.PathLike)):
        raise ParameterError(f"source must be a DataFrame or the path of a Parquet file/folder or CSV file; "
                             f"got {type(source).__name__}.")
    path = Path(source)
    if path.is_dir() or path.name.lower().endswith(PARQUET_SUFFIXES):
        if not path.exists():
            raise DataLoadError(f"source {str(path)!r} not found; check the path.")
        return "parquet"
    if not path.is_file():
        raise DataLoadError(f"source {str(path)!r} not found; give a Parquet file/folder or a CSV file.")
    return "csv"


def _sep(path) -> str:
    return "\t" if str(path).lower().endswith((".tsv", ".tab", ".tsv.gz")) else ","


def _index_name(files: list[Path], id_col: str | None) -> str | None:
    """The id column: ``id_col``, or the pandas index stored in the Parquet metadata."""
    if id_col is not None:
        return id_col
    import pyarrow.parquet as pq

    meta = pq.read_schema(files[0]).pandas_metadata or {}
    named = [c for c in meta.get("index_columns", []) if isinstance(c, str)]
    return named[0] if len(named) == 1 else None


def iter_chunks(source, *, columns: list[str] | None, chunk_size: int, id_col: str | None):
    """Yield ``(first_row, DataFrame)`` chunks in input order, indexed by the customer id."""
    kind = source_kind(source)
    if kind == "frame":
        frame = source if id_col is None else source.set_index(id_col)
        for i in range(0, len(frame), chunk_size):
            yield i, frame.iloc[i:i + chunk_size]
        return
    if kind == "csv":
        start = 0
        usecols = None if columns is None else [*([id_col] if id_col else []), *columns]
        with pd.read_csv(source, chunksize=chunk_size, usecols=usecols, sep=_sep(source)) as reader:
            for frame in reader:
                if id_col is not None:
                    frame = frame.set_index(id_col)
                else:
                    frame.index = pd.RangeIndex(start, start + len(frame), name="row")
                yield start, frame
                start += len(frame)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = parquet_files(Path(source))
    index = _index_name(files, id_col)
    cols = None if columns is None else [*([index] if index else []), *columns]
    start, pending = 0, []
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_size, columns=cols):
            pending.append(batch)
            while sum(len(b) for b in pending) >= chunk_size:
                table = pa.Table.from_batches(pending)
                head, rest = table.slice(0, chunk_size), table.slice(chunk_size)
                pending = rest.to_batches() if len(rest) else []
                yield start, _frame(head, index, start)
                start += chunk_size
    if pending:
        yield start, _frame(pa.Table.from_batches(pending), index, start)


def _frame(table, index: str | None, start: int) -> pd.DataFrame:
    frame = table.to_pandas()
    if index is not None and index in frame.columns:
        return frame.set_index(index)
    if index is None:
        frame.index = pd.RangeIndex(start, start + len(frame), name="row")
    return frame


def count_rows(source, id_col) -> int:
    kind = source_kind(source)
    if kind == "frame":
        return len(source)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(p).metadata.num_rows for p in parquet_files(Path(source)))
    first = pd.read_csv(source, nrows=0, sep=_sep(source)).columns[0]
    return sum(len(c) for c in pd.read_csv(source, usecols=[first], sep=_sep(source), chunksize=1_000_000))


def take_rows(source, positions: np.ndarray, *, chunk_size: int, id_col: str | None) -> pd.DataFrame:
    """Rows at sorted ``positions`` (input order), streaming the source once."""
    parts = []
    for start, frame in iter_chunks(source, columns=None, chunk_size=chunk_size, id_col=id_col):
        lo, hi = np.searchsorted(positions, [start, start + len(frame)])
        if hi > lo:
            parts.append(frame.iloc[positions[lo:hi] - start])
    return pd.concat(parts) if parts else pd.DataFrame()



def read_rows(source, start: int, stop: int, columns, id_col) -> pd.DataFrame:
    """Rows ``[start, stop)`` of a Parquet file/folder, reading only the row groups that hold them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = parquet_files(Path(source))
    index = _index_name(files, id_col)
    cols = [*([index] if index else []), *columns]
    pieces, offset = [], 0
    for path in files:
        pf = pq.ParquetFile(path)
        for g in range(pf.metadata.num_row_groups):
            n = pf.metadata.row_group(g).num_rows
            lo, hi = max(start, offset), min(stop, offset + n)
            if hi > lo:
                pieces.append(pf.read_row_group(g, columns=cols).slice(lo - offset, hi - lo))
            offset += n
            if offset >= stop:
                return _frame(pa.concat_tables(pieces), index, start)
    return _frame(pa.concat_tables(pieces), index, start)
