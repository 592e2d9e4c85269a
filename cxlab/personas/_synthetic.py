"""Seeded synthetic customer features with planted personas, for tests and benchmarks."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_synthetic_customers"]

# persona -> (age mean, log order value mean, orders mean, return rate, app share, tickets, nps mean)
# personas differ in who they are and how they buy (what PersonaModel clusters on by default) and
# in outcomes (spend, tickets, NPS, churn: what the profiles report)
_PROFILES = (
    (27, 3.6, 6.0, 0.35, 0.85, 0.5, 6.5),
    (52, 5.0, 9.0, 0.08, 0.20, 0.3, 9.0),
    (38, 3.4, 1.5, 0.10, 0.45, 0.2, 7.5),
    (46, 4.3, 3.0, 0.22, 0.25, 2.5, 3.5),
)
_TIERS = (("bronze", "silver", "gold"),
          ((0.6, 0.3, 0.1), (0.1, 0.3, 0.6), (0.85, 0.12, 0.03), (0.4, 0.4, 0.2)))


def make_synthetic_customers(n_customers: int = 1000, *, n_personas: int = 4, missing: float = 0.05,
                             random_state: int | None = 0):
    """Customer features drawn from ``n_personas`` (<= 4) planted groups.

    Parameters
    ----------
    n_customers : int, default=1000
    n_personas : int, default=4
    missing : float, default=0.05
        Share of values blanked at random in ``age`` and ``nps``.
    random_state : int, optional

    Returns
    -------
    features : DataFrame
        Indexed by ``customer_id`` (``"S000001"``...), columns like :func:`build_customer_features`.
    truth : Series
        Planted persona (0..n_personas-1) of each customer.

    Examples
    --------
    >>> X, truth = make_synthetic_customers(100, random_state=0)
    >>> X.shape[0], truth.nunique()
    (100, 4)
    """
    if not 1 <= n_personas <= len(_PROFILES):
        raise ValueError(f"n_personas must be 1..{len(_PROFILES)}; received {n_personas}.")
    rng = np.random.default_rng(random_state)
    truth = rng.choice(n_personas, size=n_customers, p=np.full(n_personas, 1 / n_personas))
    prof = np.asarray(_PROFILES, dtype=float)[truth]
    n = n_customers
    frequency = rng.poisson(prof[:, 2]) + 1
    aov = np.exp(rng.normal(prof[:, 1], 0.35, n)).round(2)
    X = pd.DataFrame({
        "age": np.clip(rng.normal(prof[:, 0], 5, n), 16, 90).round(),
        "monetary": (aov * frequency).round(2),
        "aov": aov,
        "frequency": frequency,
        "recency_days": rng.exponential(60 / np.sqrt(frequency), n).round(),
        "return_rate": np.clip(rng.normal(prof[:, 3], 0.06, n), 0, 1),
        "channel_app_share": np.clip(rng.normal(prof[:, 4], 0.12, n), 0, 1),
        "n_tickets": rng.poisson(prof[:, 5]),
        "nps": np.clip(rng.normal(prof[:, 6], 1.2, n), 0, 10).round(),
        "gender": rng.choice(["female", "male", "non-binary"], size=n, p=[0.55, 0.42, 0.03]),
        "region": rng.choice(["north", "south", "east", "west"], size=n),
    })
    tiers, probs = _TIERS
    cum = np.cumsum(np.asarray(probs), axis=1)[truth]
    X["loyalty_tier"] = np.asarray(tiers)[np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), 2)]
    X["churned"] = rng.random(n) < np.where(truth == 2, 0.4, 0.1)
    for col in ("age", "nps"):
        X[col] = X[col].mask(rng.random(n) < missing)
    index = pd.Index([f"S{i:06d}" for i in range(1, n + 1)], name="customer_id")
    X.index = index
    return X, pd.Series(truth, index=index, name="persona")
