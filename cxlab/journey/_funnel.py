"""Drop-off along the journey from the orders table's status funnel, plus order-based KPIs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.gaps._stats import check_columns, wilson_interval
from cxlab.io._coerce import read_flags

__all__ = ["order_funnel", "order_kpis"]

#: funnel step -> journey stage where customers drop out before reaching it
FUNNEL_STAGES = {"paid": "purchase", "fulfilled": "delivery", "kept": "post_purchase"}
#: what the drop-off before each step means, in words
FUNNEL_LABELS = {"paid": "abandon checkout", "fulfilled": "cancelled", "kept": "returned"}


def _status(orders: pd.DataFrame) -> pd.Series:
    return orders["status"].astype(object).fillna("").map(lambda s: str(s).strip().lower())


def order_funnel(
    orders: pd.DataFrame,
    *,
    abandoned=("abandoned",),
    cancelled=("cancelled", "canceled"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Order funnel: started -> paid -> fulfilled -> kept, with drop-off shares and intervals.

    ``started`` is every order row; ``paid`` excludes ``abandoned`` statuses (checkout drop-off);
    ``fulfilled`` also excludes ``cancelled`` (lost during delivery); ``kept`` also excludes
    returned orders (``returned`` True). Drop-off is the share of the previous step lost, with a
    Wilson interval; each step names the journey stage where its drop-off happens.

    Returns
    -------
    DataFrame
        ``step``, ``journey_stage``, ``drop_off_label`` (what the loss means), ``n``, ``share_of_start``, ``drop_off``, ``ci_low``,
        ``ci_high`` (interval of ``drop_off``).

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"status": ["completed"] * 6 + ["abandoned"] * 2 + ["cancelled"] * 2,
    ...                   "returned": [True, False, False, False, False, False] + [False] * 4})
    >>> order_funnel(o)[["step", "n", "drop_off"]]
            step   n  drop_off
    0    started  10       NaN
    1       paid   8  0.200000
    2  fulfilled   6  0.250000
    3       kept   5  0.166667
    """
    check_columns(orders, ["status"], arg="orders", hint=" The funnel needs order statuses.")
    status = _status(orders)
    is_abandoned = status.isin([s.lower() for s in abandoned])
    is_cancelled = status.isin([s.lower() for s in cancelled])
    returned = (
        _returned(orders).fillna(False).astype(bool)
        if "returned" in orders.columns else pd.Series(False, index=orders.index)
    )
    counts = [
        ("started", None, len(orders)),
        ("paid", FUNNEL_STAGES["paid"], int((~is_abandoned).sum())),
        ("fulfilled", FUNNEL_STAGES["fulfilled"], int((~is_abandoned & ~is_cancelled).sum())),
        ("kept", FUNNEL_STAGES["kept"], int((~is_abandoned & ~is_cancelled & ~returned).sum())),
    ]
    rows, prev = [], None
    for step, stage, n in counts:
        if prev is None:
            rows.append((step, stage, "", n, 1.0 if n else np.nan, np.nan, np.nan, np.nan))
        else:
            lost = prev - n
            p, lo, hi = wilson_interval(lost, prev, confidence=confidence)
            rows.append((step, stage, FUNNEL_LABELS[step], n, n / counts[0][2] if counts[0][2] else np.nan, float(p), float(lo), float(hi)))
        prev = n
    return pd.DataFrame(rows, columns=["step", "journey_stage", "drop_off_label", "n", "share_of_start", "drop_off", "ci_low", "ci_high"])


def _share_row(kpi, stage, flags, confidence):
    flags = np.asarray(flags, dtype=float)
    flags = flags[~np.isnan(flags)]
    k, n = flags.sum(), flags.size
    p, lo, hi = wilson_interval(k, n, confidence=confidence)
    return {"journey_stage": stage, "kpi": kpi, "estimate": float(p), "ci_low": float(lo),
            "ci_high": float(hi), "n": int(n), "unit": "share"}


def order_kpis(orders: pd.DataFrame, *, confidence: float = 0.95, abandoned=("abandoned",)) -> pd.DataFrame:
    """Order-based KPIs per journey stage: checkout abandonment, on-time delivery, return rate.

    ``checkout_abandonment`` (purchase) = abandoned share of all orders; ``on_time_rate``
    (delivery) = share of non-abandoned orders with ``delivery_days <= promised_days``;
    ``return_rate`` (post_purchase) = share of completed orders returned. KPIs whose columns
    are absent are left out. Intervals are Wilson.

    Returns
    -------
    DataFrame
        ``journey_stage``, ``kpi``, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``unit``.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"status": ["completed"] * 4, "returned": [True, False, False, False]})
    >>> order_kpis(o)[["kpi", "estimate"]]
                        kpi  estimate
    0  checkout_abandonment      0.00
    1           return_rate      0.25
    """
    check_columns(orders, ["status"], arg="orders")
    status = _status(orders)
    is_abandoned = status.isin([s.lower() for s in abandoned])
    rows = [_share_row("checkout_abandonment", "purchase", is_abandoned.astype(float), confidence)]
    if {"delivery_days", "promised_days"} <= set(orders.columns):
        d = pd.to_numeric(orders["delivery_days"], errors="coerce")
        p = pd.to_numeric(orders["promised_days"], errors="coerce")
        ok = ~is_abandoned & d.notna() & p.notna()
        rows.append(_share_row("on_time_rate", "delivery", (d[ok] <= p[ok]).astype(float), confidence))
    if "returned" in orders.columns:
        completed = status == "completed"
        r = _returned(orders)[completed].astype("Float64")
        rows.append(_share_row("return_rate", "post_purchase", r.to_numpy(dtype=float, na_value=np.nan), confidence))
    return pd.DataFrame(rows, columns=["journey_stage", "kpi", "estimate", "ci_low", "ci_high", "n", "unit"])


def _returned(orders: pd.DataFrame) -> pd.Series:
    return read_flags(orders["returned"], name="orders column 'returned'")
