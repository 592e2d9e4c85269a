"""One chunk of comments -> one ``comments`` part and one ``assignments`` part (Parquet).

This is the unit of work both engines run: in a local process pool or as a Dask task. It
depends only on the fitted model and the chunk, so a row gets the same themes and sentiment on
either engine, whatever chunk it falls in. Parts are written atomically (temporary file, then
rename): a part that exists is complete, so an interrupted run is resumed by redoing the
missing parts only.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.io._write import public_mode

__all__ = ["ChunkSpec", "COMMENT_COLUMNS", "ASSIGNMENT_COLUMNS", "part_name", "process_chunk"]

#: columns of ``comments/part-*.parquet`` before the passthrough input columns
COMMENT_COLUMNS = ("row", "comment_id", "text_redacted", "is_empty", "is_non_english", "sentiment",
                   "sentiment_label", "primary_theme", "primary_label", "n_themes")
#: columns of ``assignments/part-*.parquet``
ASSIGNMENT_COLUMNS = ("row", "comment_id", "theme_id", "theme_label", "weight", "sentiment",
                      "sentiment_label", "n_clauses", "is_primary")


@dataclass(frozen=True)
class ChunkSpec:
    """What a worker needs besides the model and the chunk (small, picklable)."""

    out_dir: str
    text_col: str
    id_col: str | None = None
    passthrough: tuple[str, ...] = ()
    csv: bool = False  # also write this part's rows of comments.csv / assignments.csv


def part_name(part: int) -> str:
    return f"part-{part:05d}.parquet"


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        public_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _ids(frame: pd.DataFrame, spec: ChunkSpec) -> np.ndarray:
    if spec.id_col is None:
        return np.asarray([str(r + 1) for r in frame.index], dtype=object)
    ids = frame[spec.id_col]
    return np.asarray([None if pd.isna(v) else str(v) for v in ids.astype(object)], dtype=object)


def chunk_tables(miner, frame: pd.DataFrame, spec: ChunkSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two part tables for one chunk (``frame`` indexed by global row position)."""
    rows = frame.index.to_numpy(dtype=np.int64)
    texts = pd.Series(frame[spec.text_col].astype(object).to_numpy(), index=pd.RangeIndex(len(frame)),
                      dtype=object)
    comments, assignments = miner.assign(texts)
    ids = _ids(frame, spec)
    c = comments.reset_index(drop=True)
    c.insert(0, "row", rows)
    c.insert(1, "comment_id", pd.array(ids, dtype=object))
    for col in spec.passthrough:
        c[col] = frame[col].to_numpy()
    pos = assignments.index.to_numpy(dtype=np.int64)
    a = assignments.reset_index(drop=True)
    a.insert(0, "row", rows[pos])
    a.insert(1, "comment_id", pd.array(ids[pos], dtype=object))
    return c, a


def process_chunk(miner, part: int, frame: pd.DataFrame, spec: ChunkSpec) -> dict:
    """Assign one chunk and write its two parts; return small counts for the run summary."""
    c, a = chunk_tables(miner, frame, spec)
    out = Path(spec.out_dir)
    # assignments first: a part counts as done once its comments file exists
    _write_parquet(a, out / "assignments" / part_name(part))
    if spec.csv:  # formatted here, in parallel; the parent only concatenates
        from cxlab.scale._outputs import write_csv_fragment

        for kind, table in (("comments", c), ("assignments", a)):
            write_csv_fragment(table, out, kind, part, id_col=spec.id_col)
    _write_parquet(c, out / "comments" / part_name(part))
    return {"part": part, "rows": len(c), "empty": int(c["is_empty"].sum()),
            "non_english": int(c["is_non_english"].sum()),
            "unthemed": int((c["primary_theme"] == "unthemed").sum())}
