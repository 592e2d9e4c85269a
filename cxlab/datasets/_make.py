"""``make_demo_data``: all demo tables and their ground truth, in memory."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlab.config import DEFAULT_RANDOM_STATE
from cxlab.datasets import _constants as K
from cxlab.datasets._feedback import make_feedback
from cxlab.datasets._population import make_customers, make_orders
from cxlab.datasets._service import make_employee_survey, make_tickets, make_touchpoint_survey
from cxlab.exceptions import ParameterError
from cxlab.schemas import TABLES


@dataclass
class DemoData:
    """The demo tables and what was planted in them.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Keyed by the table names of :mod:`cxlab.schemas` (``feedback``, ``customers``, ...), with
        exactly the canonical columns in canonical order.
    truth : dict
        ``feedback_themes`` (feedback_id, theme, polarity), ``customer_personas``
        (customer_id, persona), ``feedback_meta`` (latent sentiment, language, kind),
        ``pii`` (feedback_id, kind, value) DataFrames, and ``effects`` (a JSON-able dict).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    truth: dict = field(default_factory=dict)


def _check_size(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            f"{name} must be an int >= {minimum}; got {value!r}. Pass e.g. {name}={max(minimum, 100)}."
        )
    return int(value)


def make_demo_data(*, random_state: int = DEFAULT_RANDOM_STATE, n_customers: int = 5000,
                   n_orders: int = 20000, n_comments: int = 12000) -> DemoData:
    """Generate the Loomwear demo: customers, orders, feedback, tickets and surveys.

    A fictional online clothing retailer over 2025-01-01 .. 2026-06-30, with customers from four
    latent personas and planted effects (courier switch on 2025-10-01, checkout fix on
    2026-01-15, a size guide on 2025-07-01 that changes nothing, the largest expectation gap at
    ``returns``, staff overrating ``customer_service``, competitors on social media).

    Parameters
    ----------
    random_state : int, default=0
        Seed; the same seed gives the same data.
    n_customers, n_orders, n_comments : int
        Table sizes (tickets and surveys scale with them).

    Returns
    -------
    DemoData
        ``.tables`` (canonical columns) and ``.truth`` (planted themes, personas, effects).

    Examples
    --------
    >>> from cxlab.datasets import make_demo_data
    >>> demo = make_demo_data(random_state=0, n_customers=300, n_orders=1000, n_comments=500)
    >>> sorted(demo.tables)
    ['customers', 'employee_survey', 'feedback', 'orders', 'tickets', 'touchpoint_survey']
    >>> len(demo.tables["feedback"])
    500
    """
    n_customers = _check_size("n_customers", n_customers, 20)
    n_orders = _check_size("n_orders", n_orders, 50)
    n_comments = _check_size("n_comments", n_comments, 10)
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)):
        raise ParameterError(f"random_state must be an int; got {random_state!r}.")
    rng = np.random.default_rng(int(random_state))
    # each table gets its own stream so resizing one table leaves the others unchanged
    streams = rng.spawn(6)
    customers, hidden = make_customers(streams[0], n_customers)
    orders = make_orders(streams[1], customers, hidden, n_orders)
    feedback, ftruth = make_feedback(streams[2], customers, hidden, orders, n_comments)
    tickets = make_tickets(streams[3], feedback, ftruth["feedback_themes"], orders)
    n_resp = max(20, round(1200 * n_customers / 5000))
    survey = make_touchpoint_survey(streams[4], customers, hidden, min(n_resp, n_customers))
    employees = make_employee_survey(streams[5], max(10, round(150 * n_customers / 5000)))
    tables = {"feedback": feedback, "customers": customers, "orders": orders, "tickets": tickets,
              "touchpoint_survey": survey, "employee_survey": employees}
    tables = {name: _canonical(name, df) for name, df in tables.items()}
    truth = {
        "feedback_themes": ftruth["feedback_themes"],
        "customer_personas": hidden[["customer_id", "persona"]].reset_index(drop=True),
        "feedback_meta": ftruth["feedback_meta"],
        "pii": ftruth["pii"],
        "effects": effects(random_state=int(random_state)),
    }
    return DemoData(tables=tables, truth=truth)


_DTYPES = {"str": "str", "float": "float64", "int": "Int64", "bool": "boolean"}


def _canonical(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Exactly the schema's columns, in its order, with its dtypes."""
    spec = TABLES[name]
    out = {}
    for col in spec.columns:
        s = df[col.name] if col.name in df else pd.Series(None, index=df.index)
        if col.dtype == "datetime":
            s = pd.to_datetime(s).astype("datetime64[us]")
        elif col.dtype == "str":
            s = s.astype("object").where(s.notna(), None).astype("str")
        else:
            s = s.astype(_DTYPES[col.dtype])
        out[col.name] = s
    return pd.DataFrame(out).reset_index(drop=True)


def effects(*, random_state: int = DEFAULT_RANDOM_STATE) -> dict:
    """The planted effects as a JSON-able dict (what ``effects.json`` holds)."""
    return {
        "generator_version": K.GENERATOR_VERSION,
        "random_state": random_state,
        "company": K.BRAND,
        "period": {"start": "2025-01-01", "end": "2026-06-30"},
        "themes": {t: K.THEME_LABELS[t] for t in K.THEMES},
        "touchpoints": {stage: list(tps) for stage, tps in K.TOUCHPOINTS.items()},
        "emerging_problem": {
            "event": "courier switch", "date": K.COURIER_SWITCH.strftime("%Y-%m-%d"),
            "old_courier": K.OLD_COURIER, "new_courier": K.NEW_COURIER,
            "theme": "delivery_delay", "touchpoints": ["delivery", "shipping"],
            "theme_base_rate_before": K.THEME_BASE_RATE["delivery_delay"],
            "theme_base_rate_after": K.DELIVERY_DELAY_AFTER_SWITCH,
            "effects": ["orders.delivery_days up", "delivery_delay share of comments ~x3",
                        "delivery NPS/CSAT down", "ticket response and resolution times up"],
        },
        "fix": {
            "event": "checkout fix (app release)", "action": "checkout fix",
            "date": K.CHECKOUT_FIX.strftime("%Y-%m-%d"), "theme": "checkout_payment",
            "touchpoints": ["checkout", "payment"],
            "theme_base_rate_before": K.THEME_BASE_RATE["checkout_payment"],
            "theme_base_rate_after": K.CHECKOUT_PAYMENT_AFTER_FIX,
            "effects": ["checkout_payment share falls", "checkout gap narrows",
                        "abandoned orders fall"],
        },
        "no_effect_action": {
            "event": "new size guide", "action": "new size guide",
            "date": K.SIZE_GUIDE.strftime("%Y-%m-%d"), "theme": "sizing_fit",
            "theme_base_rate": K.THEME_BASE_RATE["sizing_fit"], "effects": [],
        },
        "personas": {
            name: {"share": spec["share"], "mean_age": spec["age"][0], "nps_base": spec["nps_base"],
                   "churn_rate": spec["churn"], "return_rate": spec["return_rate"],
                   "app_share": spec["app_share"], "typical_amount": spec["amount"][0],
                   "top_pain_points": sorted((t for t, m in spec["theme_mult"].items()
                                              if m > 1 and t != "style_design"),
                                             key=lambda t: -spec["theme_mult"][t])}
            for name, spec in K.PERSONAS.items()
        },
        "largest_expectation_gap": {"touchpoint": "returns", "mean_gap": K.TOUCHPOINT_GAP["returns"]},
        "touchpoint_gaps": K.TOUCHPOINT_GAP,
        "internal_view": {"overrated_touchpoint": "customer_service",
                          "staff_optimism": K.STAFF_OPTIMISM["customer_service"]},
        "competitors": {"brands": [K.BRAND, *K.COMPETITORS], "ahead_on_delivery": "Threadly"},
        "theme_nps_impact": K.THEME_NPS_IMPACT,
    }
