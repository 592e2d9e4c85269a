"""Saving the sample-fitted model without recomputing its training tables.

``ThemeMiner.save`` stores the training comments' tables (``comments_``, ``assignments_``);
building them means assigning the whole sample once more. In the scale pipeline every sampled
row is assigned anyway (it is a row of the input), so the model is first saved with empty
tables, and once the parts are written its tables are filled from the sampled rows' parts
(the same values: the model assigns a comment the same way in any batch) and saved again.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.scale._sample import sample_rows
from cxlab.scale._work import ASSIGNMENT_COLUMNS, COMMENT_COLUMNS, part_name

__all__ = ["save_without_tables", "save_with_part_tables"]

_C = [c for c in COMMENT_COLUMNS if c not in ("row", "comment_id")]
_A = [c for c in ASSIGNMENT_COLUMNS if c not in ("row", "comment_id")]


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def save_without_tables(miner, path: Path) -> None:
    """Save ``miner`` with empty training tables (filled by :func:`save_with_part_tables`)."""
    miner._tables_ = (_empty(_C), _empty(_A))
    miner.save(path)


def _read(out_dir: Path, kind: str, parts, columns, rows: np.ndarray) -> pd.DataFrame:
    frames = []
    for part in parts:
        t = pd.read_parquet(out_dir / kind / part_name(part), columns=["row", *columns])
        t = t[np.isin(t["row"].to_numpy(), rows)]
        frames.append(t)
    df = pd.concat(frames, ignore_index=True) if frames else _empty(["row", *columns])
    df = df.astype({c: object for c in columns if str(df[c].dtype) in ("str", "string", "object")})
    return df.set_index(pd.Index(df.pop("row").to_numpy(np.int64)))


def save_with_part_tables(miner, path: Path, out_dir: Path, parts, *, n_rows: int, sample_size: int,
                          random_state: int) -> None:
    """Fill ``miner``'s training tables from the sampled rows' parts, then save it."""
    rows = sample_rows(n_rows, sample_size, random_state)
    comments = _read(Path(out_dir), "comments", parts, _C, rows)
    assignments = _read(Path(out_dir), "assignments", parts, _A, rows)
    miner._tables_ = (comments, assignments)
    miner.save(path)
