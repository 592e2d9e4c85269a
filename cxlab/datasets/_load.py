"""Reading the demo back (plain pandas, so cxlab.io can depend on this package and not vice versa)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from cxlab import config
from cxlab.datasets import _constants as K
from cxlab.schemas import TABLES

_DTYPES = {"str": "str", "float": "float64", "int": "Int64", "bool": "boolean"}


def _read_table(path: Path, name: str) -> pd.DataFrame:
    spec = TABLES[name]
    dtypes = {c.name: _DTYPES[c.dtype] for c in spec.columns if c.dtype in _DTYPES}
    dates = [c.name for c in spec.columns if c.dtype == "datetime"]
    # an empty CSV field is missing (as in any export); "NA" or "None" typed by a customer is text
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for col in dates:
        df[col] = pd.to_datetime(df[col], format="ISO8601")
    return df


def load_demo(root: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Load the demo tables (generating them on first use) with canonical dtypes.

    Parameters
    ----------
    root : path, optional
        Project folder; default :func:`cxlab.config.project_root`.

    Returns
    -------
    dict of str to DataFrame
        Keyed by table name (``feedback``, ``customers``, ``orders``, ``tickets``,
        ``touchpoint_survey``, ``employee_survey``).

    Examples
    --------
    >>> from cxlab.datasets import load_demo
    >>> tables = load_demo()  # doctest: +SKIP
    >>> tables["feedback"].columns[:3].tolist()  # doctest: +SKIP
    ['feedback_id', 'text', 'created_at']
    """
    from cxlab.datasets._write import ensure_demo_data

    folder = ensure_demo_data(root)
    return {name: _read_table(folder / f"{name}.csv", name) for name in K.TABLE_NAMES}


def load_demo_truth(root: str | os.PathLike | None = None) -> dict:
    """Load the demo's ground truth: planted themes, personas, PII, comment meta and effects.

    Examples
    --------
    >>> from cxlab.datasets import load_demo_truth
    >>> truth = load_demo_truth()  # doctest: +SKIP
    >>> truth["effects"]["fix"]["date"]  # doctest: +SKIP
    '2026-01-15'
    """
    from cxlab.datasets._write import ensure_demo_data

    ensure_demo_data(root)
    folder = config.demo_truth_dir(Path(root) if root is not None else None)
    truth = {name: pd.read_csv(folder / f"{name}.csv", dtype="str", keep_default_na=False,
                               na_values=[""])
             for name in ("feedback_themes", "customer_personas", "pii", "feedback_meta")}
    meta = truth["feedback_meta"]
    meta["sentiment"] = meta["sentiment"].astype(float)
    meta["n_themes"] = meta["n_themes"].astype(int)
    truth["effects"] = json.loads((folder / "effects.json").read_text(encoding="utf-8"))
    return truth
