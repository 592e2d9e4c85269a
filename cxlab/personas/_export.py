"""Spreadsheet-safe, byte-reproducible CSV output for persona tables."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = ["write_csv"]


def write_csv(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` as UTF-8 CSV (LF, 6 significant digits) with formulas neutralised, atomically."""
    from cxlab.io import atomic_write_text, safe_for_spreadsheet

    text = safe_for_spreadsheet(df).to_csv(index=False, lineterminator="\n", float_format="%.6g")
    return Path(atomic_write_text(path, text))
