"""The tidy layout every KPI function returns (one row per KPI x segment x period)."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KPI_COLUMNS", "kpi_row", "kpi_frame"]

#: columns of every KPI result, in order (segment/period columns come first in :func:`kpi_table`)
KPI_COLUMNS = ["kpi", "estimate", "ci_low", "ci_high", "se", "n", "n_missing", "method", "unit"]


def kpi_row(kpi, estimate, low, high, *, se=float("nan"), n=0, n_missing=0, method="", unit="") -> dict:
    return {
        "kpi": kpi,
        "estimate": float(estimate),
        "ci_low": float(low),
        "ci_high": float(high),
        "se": float(se),
        "n": int(n),
        "n_missing": int(n_missing),
        "method": method,
        "unit": unit,
    }


def kpi_frame(rows: list[dict]) -> pd.DataFrame:
    # built column by column with fixed dtypes: DataFrame(list of dicts).astype() is ~20x slower,
    # which matters in kpi_table over many segments and in coverage simulations
    data = {}
    for col in KPI_COLUMNS:
        values = [r[col] for r in rows]
        if col in ("n", "n_missing"):
            data[col] = np.asarray(values, dtype="int64")
        elif col in ("kpi", "method", "unit"):
            data[col] = pd.array(values, dtype="str")
        else:
            data[col] = np.asarray(values, dtype=float)
    return pd.DataFrame(data, columns=KPI_COLUMNS)
