"""Support tickets, the touchpoint (SERVQUAL) survey and the employee survey."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.datasets import _constants as K

_TICKET_CATEGORY = {
    "delivery_delay": "delivery", "returns_refunds": "returns", "checkout_payment": "payment",
    "fabric_quality": "product", "sizing_fit": "product", "customer_service": "complaint",
    "app_website": "account", "price_value": "other", "style_design": "other",
}


def make_tickets(rng: np.random.Generator, feedback: pd.DataFrame, themes: pd.DataFrame,
                 orders: pd.DataFrame) -> pd.DataFrame:
    """Tickets behind the support-ticket comments plus calls and chats that left no text."""
    tf = feedback.loc[feedback["channel"] == "support_ticket", ["feedback_id", "customer_id", "created_at"]]
    first_theme = themes.drop_duplicates("feedback_id").set_index("feedback_id")["theme"]
    cat = tf["feedback_id"].map(first_theme).map(_TICKET_CATEGORY).fillna("other")
    written = pd.DataFrame({"customer_id": tf["customer_id"].to_numpy(),
                            "opened_at": tf["created_at"].to_numpy(),
                            "category": cat.to_numpy(),
                            "channel": np.where(rng.random(len(tf)) < 0.7, "email", "chat")})
    # calls and chats about late orders: more of them after the courier switch
    n_extra = int(0.7 * len(tf))
    done = orders[orders["status"] != "abandoned"]
    late = ((done["delivery_days"] - done["promised_days"]).fillna(0) > 1).to_numpy()
    w = np.where(late, 4.0, 1.0)
    pick = done.iloc[rng.choice(len(done), size=n_extra, p=w / w.sum())]
    opened = pick["order_date"] + pd.to_timedelta(rng.uniform(1, 9, n_extra) * 24, unit="h")
    extra_cat = np.where(late[done.index.get_indexer(pick.index)], "delivery",
                         np.array(["returns", "payment", "product", "account", "other"])[
                             rng.choice(5, n_extra, p=[0.35, 0.2, 0.2, 0.15, 0.1])])
    extra = pd.DataFrame({"customer_id": pick["customer_id"].to_numpy(), "opened_at": opened.to_numpy(),
                          "category": extra_cat,
                          "channel": np.array(["phone", "chat", "social"])[
                              rng.choice(3, n_extra, p=[0.55, 0.35, 0.10])]})
    t = pd.concat([written, extra], ignore_index=True)
    t["opened_at"] = t["opened_at"].clip(upper=K.PERIOD_END).dt.floor("s")
    t = t.sort_values(["opened_at", "customer_id"], kind="stable").reset_index(drop=True)
    n = len(t)

    # the courier switch floods support: replies and resolutions slow down after it
    after = (t["opened_at"] >= K.COURIER_SWITCH).to_numpy()
    med_first = t["channel"].map({"email": 7.0, "chat": 0.3, "phone": 0.1, "social": 3.0}).to_numpy()
    first_h = med_first * np.exp(rng.normal(0, 0.8, n)) * np.where(after, 2.6, 1.0)
    resolve_h = first_h + 20 * np.exp(rng.normal(0, 0.9, n)) * np.where(after, 1.9, 1.0)
    first = t["opened_at"] + pd.to_timedelta(np.round(first_h * 60), unit="min")
    resolved = t["opened_at"] + pd.to_timedelta(np.round(resolve_h * 60), unit="min")
    no_reply = rng.random(n) < 0.02
    unresolved = no_reply | (rng.random(n) < 0.04) | (resolved > K.PERIOD_END)
    first = first.mask(no_reply | (first > K.PERIOD_END))
    resolved = resolved.mask(unresolved)

    sat = 4.4 - 0.55 * np.log1p(resolve_h / 24) - np.where(unresolved, 1.6, 0) + rng.normal(0, 0.7, n)
    csat = np.where(rng.random(n) < 0.45, np.clip(np.round(sat), 1, 5), np.nan)
    return pd.DataFrame({
        "ticket_id": [f"T{i:06d}" for i in range(1, n + 1)],
        "customer_id": t["customer_id"],
        "opened_at": t["opened_at"],
        "first_response_at": first,
        "resolved_at": resolved,
        "channel": t["channel"],
        "category": t["category"].where(rng.random(n) >= 0.03),
        "csat": csat,
    })


def _gap(touchpoint: str, when: pd.Series) -> np.ndarray:
    """Mean perception-minus-expectation at a touchpoint, with the planted shifts."""
    g = np.full(len(when), K.TOUCHPOINT_GAP[touchpoint])
    if touchpoint in ("delivery", "shipping"):
        g = np.where(when >= K.COURIER_SWITCH, g - 0.8, g + 0.3)
    if touchpoint in ("checkout", "payment"):
        g = np.where(when >= K.CHECKOUT_FIX, g + 0.4, g - 0.3)
    return g


def make_touchpoint_survey(rng: np.random.Generator, customers: pd.DataFrame, hidden: pd.DataFrame,
                           n_respondents: int) -> pd.DataFrame:
    """SERVQUAL-style survey: expectation and perception per touchpoint x dimension (1-7)."""
    who = rng.choice(len(customers), size=n_respondents, replace=False)
    when = (K.PERIOD_START + pd.to_timedelta(rng.uniform(0, 545, n_respondents), unit="D")).floor("min")
    persona = hidden["persona"].to_numpy()[who]
    order = np.argsort(when.to_numpy(), kind="stable")
    who, when, persona = who[order], when[order], persona[order]
    tps = list(K.TOUCHPOINT_GAP)
    rows = []
    shift = {"loyal_premium": (0.3, 0.35), "value_hunter": (-0.2, -0.35),
             "trend_seeker": (0.1, 0.0), "busy_parent": (0.0, -0.2)}
    resp_effect = rng.normal(0, 0.5, n_respondents)
    for r in range(n_respondents):
        k = int(rng.integers(5, 10))
        chosen = sorted(rng.choice(len(tps), size=k, replace=False))
        for j in chosen:
            tp = tps[j]
            for dim in K.DIMENSIONS:
                rows.append((r, tp, dim))
    idx = np.array([x[0] for x in rows])
    tp_col = np.array([x[1] for x in rows], dtype=object)
    dim_col = np.array([x[2] for x in rows], dtype=object)
    m = len(rows)
    e_shift = np.array([shift[p][0] for p in persona])[idx]
    p_shift = np.array([shift[p][1] for p in persona])[idx]
    exp_mean = np.array([K.TOUCHPOINT_EXPECTATION[t] for t in tp_col]) + e_shift
    expectation = np.clip(np.round(exp_mean + rng.normal(0, 0.7, m)), 1, 7)
    when_rows = pd.Series(when[idx])
    gap = np.empty(m)
    for tp in tps:
        sel = tp_col == tp
        gap[sel] = _gap(tp, when_rows[sel])
    slow = (dim_col == "responsiveness") & np.isin(tp_col, ["customer_service", "returns"])
    dim_adj = np.where(slow, -0.4, 0.0)
    dim_adj += np.where((dim_col == "tangibles") & (tp_col == "packaging"), 0.4, 0.0)
    perception = np.clip(np.round(exp_mean + gap + dim_adj + p_shift + resp_effect[idx]
                                  + rng.normal(0, 0.8, m)), 1, 7)
    mean_gap = pd.Series(perception - expectation).groupby(idx).mean().to_numpy()
    overall = np.clip(np.round(4.8 + 0.9 * mean_gap + resp_effect + rng.normal(0, 0.7, n_respondents)), 1, 7)
    out = pd.DataFrame({
        "response_id": np.array([f"TS{r + 1:05d}" for r in range(n_respondents)])[idx],
        "customer_id": customers["customer_id"].to_numpy()[who][idx],
        "surveyed_at": when_rows,
        "journey_stage": [K.TOUCHPOINT_STAGE[t] for t in tp_col],
        "touchpoint": tp_col,
        "dimension": dim_col,
        "expectation": np.where(rng.random(m) < 0.01, np.nan, expectation),
        "perception": np.where(rng.random(m) < 0.006, np.nan, perception),
        "overall_satisfaction": np.where(rng.random(n_respondents) < 0.04, np.nan, overall)[idx],
    })
    return out


def make_employee_survey(rng: np.random.Generator, n_employees: int) -> pd.DataFrame:
    """Staff rate the same touchpoints, in two waves; they think service is better than it is."""
    depts = np.array(["customer_service", "logistics", "ecommerce", "marketing", "merchandising"])
    dept = depts[rng.choice(len(depts), size=n_employees, p=[0.35, 0.2, 0.2, 0.15, 0.1])]
    waves = (pd.Timestamp("2025-05-12"), pd.Timestamp("2026-02-09"))
    tps = np.array(list(K.TOUCHPOINT_GAP), dtype=object)
    dims = np.array(K.DIMENSIONS, dtype=object)
    frames = []
    r0 = 0
    for start in waves:
        emp = np.flatnonzero(rng.random(n_employees) < 0.8)  # not everyone answers
        n_resp, per = len(emp), len(tps) * len(dims)
        at = start + pd.to_timedelta(rng.integers(0, 14 * 24 * 60, n_resp), unit="min")
        bias = rng.normal(0, 0.4, n_resp)
        e = np.repeat(emp, per)
        r = np.repeat(np.arange(n_resp), per)
        tp = np.tile(np.repeat(tps, len(dims)), n_resp)
        dim = np.tile(dims, len(tps) * n_resp)
        m = len(e)
        customer_view = np.array([K.TOUCHPOINT_EXPECTATION[t] + _gap(t, pd.Series([start]))[0]
                                  for t in tps])
        view = dict(zip(tps, customer_view))
        base = np.array([view[t] + K.STAFF_OPTIMISM[t] for t in tp])
        own = np.where((dept[e] == "customer_service") & (tp == "customer_service"), 0.4, 0.0)
        perception = np.clip(np.round(base + own + bias[r] + rng.normal(0, 0.7, m)), 1, 7)
        expected = np.array([K.TOUCHPOINT_EXPECTATION[t] for t in tp]) - 0.4
        expectation = np.clip(np.round(expected + rng.normal(0, 0.7, m)), 1, 7)
        frames.append(pd.DataFrame({
            "response_id": [f"ES{r0 + i + 1:05d}" for i in r],
            "employee_id": [f"E{i + 1:04d}" for i in e],
            "department": dept[e],
            "surveyed_at": at[r],
            "journey_stage": [K.TOUCHPOINT_STAGE[t] for t in tp],
            "touchpoint": tp,
            "dimension": dim,
            "expectation": expectation,
            "perception": perception,
        }))
        r0 += n_resp
    out = pd.concat(frames, ignore_index=True)
    out["expectation"] = out["expectation"].mask(rng.random(len(out)) < 0.02)
    return out
