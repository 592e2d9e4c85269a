"""Current state vs the researcher's target state (targets YAML)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.gaps._config import load_targets
from cxlab.gaps._stats import check_columns, mean_interval
from cxlab.kpis._validate import read_numbers

__all__ = ["current_vs_target", "touchpoint_vs_target"]

_COLS = ["metric", "label", "touchpoint", "current", "ci_low", "ci_high", "target", "direction",
         "shortfall", "status"]


def _status(value, low, high, target, direction) -> str:
    if value is None or np.isnan(value):
        return "no data"
    if direction == "lower":  # flip so that "higher is better" logic applies
        value, low, high, target = -value, -high, -low, -target
    if np.isnan(low) or np.isnan(high):
        return "met" if value >= target else "missed"
    if low >= target:
        return "met"
    if high < target:
        return "missed"
    return "unclear"


def current_vs_target(current: pd.DataFrame, targets, *, metric_col: str = "kpi") -> pd.DataFrame:
    """Compare current KPIs (with intervals) with the KPI targets of a targets YAML.

    ``status`` is "met" when the whole interval is on the good side of the target, "missed"
    when it is wholly on the bad side and "unclear" when the interval straddles the target
    (the data cannot tell yet). ``shortfall`` is how far the estimate is from the target in
    the bad direction (positive = worse than target). Targets with no current value are kept
    with status "no data" so nothing is silently dropped.

    Parameters
    ----------
    current : DataFrame
        Tidy KPI table such as :func:`cxlab.kpis.kpi_table` returns: ``kpi`` (or
        ``metric_col``), ``estimate``, and optionally ``ci_low``/``ci_high``. One row per KPI
        (the first row of a KPI is used).
    targets : path or dict
        A targets YAML (see :func:`cxlab.gaps.load_targets`).

    Returns
    -------
    DataFrame
        ``metric``, ``label``, ``touchpoint`` (empty), ``current``, ``ci_low``, ``ci_high``,
        ``target``, ``direction``, ``shortfall``, ``status``; in the targets file's order.

    Examples
    --------
    >>> import pandas as pd
    >>> cur = pd.DataFrame({"kpi": ["nps"], "estimate": [12.0], "ci_low": [8.0], "ci_high": [16.0]})
    >>> current_vs_target(cur, {"kpis": {"nps": 30}})[["metric", "shortfall", "status"]]
      metric  shortfall  status
    0    nps       18.0  missed
    """
    check_columns(current, [metric_col, "estimate"], arg="current")
    t = load_targets(targets)["kpis"]
    cur = current.drop_duplicates(metric_col).set_index(metric_col)
    rows = []
    for metric, spec in t.items():
        if metric in cur.index:
            r = cur.loc[metric]
            v = float(r["estimate"])
            lo = float(r["ci_low"]) if "ci_low" in cur.columns else np.nan
            hi = float(r["ci_high"]) if "ci_high" in cur.columns else np.nan
        else:
            v = lo = hi = np.nan
        target, direction = spec["target"], spec["direction"]
        shortfall = (target - v) if direction == "higher" else (v - target)
        rows.append((metric, spec["label"], "", v, lo, hi, target, direction, shortfall,
                     _status(v, lo, hi, target, direction)))
    return pd.DataFrame(rows, columns=_COLS)


def touchpoint_vs_target(survey: pd.DataFrame, targets, *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean perception per touchpoint (t interval) vs the touchpoint targets of a targets YAML.

    Touchpoints not listed in ``targets.touchpoints`` use its ``default``; without a default
    they are left out.

    Returns
    -------
    DataFrame
        Same columns as :func:`current_vs_target` with ``metric == "perception"``, sorted by
        shortfall (worst first).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": list("abcd"), "touchpoint": ["returns"] * 4,
    ...                   "perception": [3, 4, 3, 4]})
    >>> touchpoint_vs_target(s, {"touchpoints": {"default": 5.5}})[["touchpoint", "shortfall"]]
      touchpoint  shortfall
    0    returns        2.0
    """
    check_columns(survey, ["response_id", "touchpoint", "perception"], arg="survey")
    t = load_targets(targets)["touchpoints"]
    resp = (survey.assign(perception=read_numbers(survey["perception"], name="survey column 'perception'"))
            .dropna(subset=["perception", "touchpoint"])
            .groupby(["touchpoint", "response_id"], sort=True)["perception"].mean().reset_index())
    rows = []
    for tp, g in resp.groupby("touchpoint", sort=True):
        target = t.get(tp, t.get("default"))
        if target is None:
            continue
        m, lo, hi, _ = mean_interval(g["perception"].to_numpy(float), confidence=confidence)
        rows.append(("perception", f"perception of {tp}", tp, m, lo, hi, target, "higher", target - m,
                     _status(m, lo, hi, target, "higher")))
    out = pd.DataFrame(rows, columns=_COLS)
    return out.sort_values(["shortfall", "touchpoint"], ascending=[False, True], kind="stable").reset_index(drop=True)
