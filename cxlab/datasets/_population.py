"""Customers drawn from latent personas, and the orders they place."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.datasets import _constants as K

_DAY = pd.Timedelta(days=1)


def _pick(rng: np.random.Generator, probs: dict, size: int) -> np.ndarray:
    keys = list(probs)
    p = np.array([probs[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _n_days() -> int:
    return int((K.PERIOD_END.normalize() - K.PERIOD_START) / _DAY) + 1


def _season_weights() -> np.ndarray:
    """Daily order intensity: growth over the period, a winter peak and a summer dip."""
    days = pd.date_range(K.PERIOD_START, K.PERIOD_END.normalize(), freq="D")
    month_factor = {1: 0.85, 2: 0.8, 3: 0.95, 4: 1.0, 5: 1.0, 6: 0.95, 7: 0.9, 8: 0.9,
                    9: 1.0, 10: 1.05, 11: 1.45, 12: 1.35}
    w = np.array([month_factor[m] for m in days.month], dtype=float)
    w *= np.linspace(0.9, 1.15, len(days))  # the shop grows
    w *= np.where(days.day_of_week >= 5, 1.15, 1.0)  # weekend browsing
    return w


def make_customers(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(customers, hidden)``; ``hidden`` holds persona and behaviour parameters."""
    names = list(K.PERSONAS)
    shares = np.array([K.PERSONAS[p]["share"] for p in names])
    persona = np.array(names, dtype=object)[rng.choice(len(names), size=n, p=shares / shares.sum())]
    cols = {k: np.empty(n, dtype=object) for k in ("gender", "acquisition_channel", "loyalty_tier")}
    age = np.empty(n)
    for name in names:
        spec = K.PERSONAS[name]
        m = persona == name
        k = int(m.sum())
        age[m] = rng.normal(*spec["age"], size=k)
        cols["gender"][m] = _pick(rng, spec["gender"], k)
        cols["acquisition_channel"][m] = _pick(rng, spec["acquisition"], k)
        cols["loyalty_tier"][m] = _pick(rng, spec["loyalty"], k)
    age = np.clip(np.round(age), 17, 85)

    # most customers joined before the period (the existing base), the rest during it
    n_days = _n_days()
    existing = rng.random(n) < 0.6
    season = _season_weights()
    new_day = rng.choice(n_days, size=n, p=season / season.sum())
    old_day = -rng.integers(1, 4 * 365, size=n)
    signup = K.PERIOD_START + pd.to_timedelta(np.where(existing, old_day, new_day), unit="D")
    # a customer signing up late in the period has little time to order; keep joins before May 2026
    signup = signup.where(signup < pd.Timestamp("2026-05-15"), signup - pd.Timedelta(days=120))

    churn_p = np.array([K.PERSONAS[p]["churn"] for p in persona])
    churned = rng.random(n) < churn_p
    customers = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
        "signup_date": signup,
        "age": age,
        "gender": cols["gender"],
        "region": _pick(rng, K.REGIONS, n),
        "acquisition_channel": cols["acquisition_channel"],
        "loyalty_tier": cols["loyalty_tier"],
        "churned": churned,
    })
    # real CRM exports are incomplete: unknown ages, genders not given, regions not captured
    customers["age"] = customers["age"].mask(rng.random(n) < 0.06)
    customers["gender"] = customers["gender"].mask(rng.random(n) < 0.04)
    customers.loc[rng.random(n) < 0.03, "gender"] = "prefer_not_to_say"
    customers["region"] = customers["region"].mask(rng.random(n) < 0.025)
    customers["acquisition_channel"] = customers["acquisition_channel"].mask(rng.random(n) < 0.05)
    customers["churned"] = customers["churned"].astype("boolean")
    hidden = pd.DataFrame({"customer_id": customers["customer_id"], "persona": persona,
                           "churned": churned})
    return customers, hidden


def make_orders(rng: np.random.Generator, customers: pd.DataFrame, hidden: pd.DataFrame,
                n: int) -> pd.DataFrame:
    """Orders over the period: frequency, basket, category and app use follow the persona."""
    persona = hidden["persona"].to_numpy()
    n_cust = len(customers)
    n_days = _n_days()
    start = np.maximum(((customers["signup_date"] - K.PERIOD_START) / _DAY).to_numpy(), 0)
    start = start.astype(int)
    # churned customers stop ordering somewhere in their window
    end = np.full(n_cust, n_days - 1)
    churned = hidden["churned"].to_numpy()
    cut = start + (rng.uniform(0.25, 0.8, n_cust) * (n_days - 1 - start)).astype(int)
    end = np.where(churned, cut, end)
    end = np.maximum(end, start)

    weight = np.array([K.PERSONAS[p]["order_weight"] for p in persona])
    weight = weight * rng.gamma(3.0, 1 / 3.0, n_cust) * (end - start + 1) / n_days
    # most customers bought at least once (that is how they got an account); a few never did
    buyer = rng.random(n_cust) >= 0.03
    first = np.where(buyer, 1, 0) if n >= 2 * buyer.sum() else np.zeros(n_cust, dtype=int)
    weight[~buyer] = 0
    counts = first + rng.multinomial(n - first.sum(), weight / weight.sum())
    cust_idx = np.repeat(np.arange(n_cust), counts)

    season = _season_weights()
    cum = np.concatenate([[0.0], np.cumsum(season)])
    a, b = start[cust_idx], end[cust_idx] + 1
    target = cum[a] + rng.random(n) * (cum[b] - cum[a])
    day = np.clip(np.searchsorted(cum, target, side="right") - 1, 0, n_days - 1)
    hour = rng.choice(24, size=n, p=_hour_weights())
    seconds = rng.integers(0, 3600, n)
    order_date = (K.PERIOD_START + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour, unit="h")
                  + pd.to_timedelta(seconds, unit="s"))

    p_of = persona[cust_idx]
    specs = [K.PERSONAS[p] for p in p_of]
    category = np.empty(n, dtype=object)
    for name, spec in K.PERSONAS.items():
        m = p_of == name
        category[m] = _pick(rng, spec["categories"], int(m.sum()))
    mu = np.log([s["amount"][0] for s in specs]) + np.log([K.CATEGORY_PRICE[c] for c in category])
    sigma = np.array([s["amount"][1] for s in specs])
    items_mu = np.array([s["items"][0] for s in specs])
    n_items = np.maximum(1, np.round(rng.normal(items_mu, [s["items"][1] for s in specs]))).astype(int)
    amount = np.round(np.exp(rng.normal(mu, sigma)) * (0.6 + 0.4 * n_items / items_mu), 2)
    app = rng.random(n) < np.array([s["app_share"] for s in specs])
    channel = np.where(app, "app", "web")

    # checkout errors before the fix push abandonment up; cancellations are rarer and flat
    fixed = order_date >= K.CHECKOUT_FIX
    p_abandon = np.where(fixed, 0.05, np.where(app, 0.12, 0.09))
    u = rng.random(n)
    status = np.where(u < p_abandon, "abandoned",
                      np.where(u < p_abandon + 0.035, "cancelled", "completed"))
    completed = status == "completed"

    express = rng.random(n) < 0.18
    promised = np.where(express, 2.0, np.where(rng.random(n) < 0.5, 3.0, 5.0))
    late_courier = order_date >= K.COURIER_SWITCH
    delay = np.where(late_courier, rng.gamma(2.2, 1.4, n), rng.gamma(1.2, 0.55, n)) - 0.6
    delivery = np.round(np.maximum(1.0, promised + delay + rng.normal(0, 0.4, n)))
    delivery = np.where(completed, delivery, np.nan)
    # the courier feed sometimes misses a scan
    delivery = np.where(rng.random(n) < 0.025, np.nan, delivery)

    ret_p = np.array([s["return_rate"] for s in specs])
    ret_p = ret_p * np.where(np.isin(category, ["dresses", "jeans", "shoes"]), 1.25, 0.85)
    returned = pd.array(np.where(completed, rng.random(n) < ret_p, False), dtype="boolean")
    returned[~completed] = False

    orders = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy()[cust_idx],
        "order_date": order_date,
        "amount": amount,
        "n_items": pd.array(n_items, dtype="Int64"),
        "category": category,
        "channel": channel,
        "status": status,
        "returned": returned,
        "promised_days": np.where(status == "abandoned", np.nan, promised),
        "delivery_days": delivery,
    })
    orders = orders.sort_values(["order_date", "customer_id"], kind="stable").reset_index(drop=True)
    ids = 100000 + rng.choice(900000, size=n, replace=False)
    orders.insert(0, "order_id", [f"LW{i}" for i in np.sort(ids)])
    orders["category"] = orders["category"].mask(rng.random(n) < 0.01)
    return orders


def _hour_weights() -> np.ndarray:
    w = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.5, 3, 3.2, 3.4, 4, 3.8, 3.4,
                  3.2, 3.4, 3.8, 4.5, 5.5, 6, 5.5, 4, 2.2])
    return w / w.sum()
