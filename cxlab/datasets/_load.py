"""Reading the demo back: the raw files through cxlab.io's loaders, which remove the planted defects."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from cxlab import config
from cxlab.datasets import _constants as K


def load_demo(root: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Load the demo tables (generating them on first use) with canonical dtypes.

    The files are read with :func:`cxlab.io.load_table`, which drops or repairs the export
    defects planted in them (listed in the truth's ``defects``), so the result equals the clean
    tables of :func:`make_demo_data`.

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

    from cxlab.io import load_table  # imported here: cxlab.io's tests use this package

    folder = ensure_demo_data(root)
    return {name: load_table(folder / f"{name}.csv", name).data for name in K.TABLE_NAMES}


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
             for name in ("feedback_themes", "customer_personas", "pii", "feedback_meta", "defects")}
    meta = truth["feedback_meta"]
    meta["sentiment"] = meta["sentiment"].astype(float)
    meta["n_themes"] = meta["n_themes"].astype(int)
    truth["effects"] = json.loads((folder / "effects.json").read_text(encoding="utf-8"))
    return truth
