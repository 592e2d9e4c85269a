"""What sets each persona apart, as numbers and as plain sentences.

Numbers are compared by the standardised mean difference (SMD, persona vs everybody else, pooled
SD; skewed non-negative amounts on the log scale, as the model sees them); category levels by
Cohen's h between the persona's share and the rest's, and by lift (persona share / overall share).
SMD and h share a scale (0.2 small, 0.5 medium, 0.8 large), so traits of both kinds are ranked
together.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.personas._encode import infer_column_kinds, to_model_frame

__all__ = ["persona_traits", "FEATURE_LABELS", "theme_labels_of", "theme_name"]

#: plain-word labels of the features :func:`build_customer_features` makes
FEATURE_LABELS = {
    "age": "age",
    "tenure_days": "days as a customer",
    "recency_days": "days since the last order",
    "frequency": "orders",
    "monetary": "total spend",
    "aov": "average order value",
    "items_per_order": "items per order",
    "return_rate": "of orders returned",
    "cancel_rate": "of orders cancelled or abandoned",
    "late_delivery_rate": "of deliveries late",
    "n_tickets": "support tickets",
    "n_comments": "comments written",
    "sentiment_mean": "comment sentiment (-1..1)",
    "nps": "likelihood to recommend (0-10)",
    "csat_mean": "satisfaction (1-5)",
}
_CATEGORY_VERBS = {
    "gender": "are {level}",
    "region": "live in {level}",
    "acquisition_channel": "came via {level}",
    "loyalty_tier": "are {level}-tier members",
    "churned": "{churned}",
}


def theme_labels_of(features) -> dict:
    """``{theme id: label}`` that :func:`build_customer_features` stored on ``features`` (or ``{}``)."""
    return dict(getattr(features, "attrs", {}).get("theme_labels") or {})


def theme_name(feature: str, theme_labels=None) -> str:
    """Readable theme of a ``theme_<id>_share`` feature: its label when known, else the id.

    Examples
    --------
    >>> theme_name("theme_theme_01_share", {"theme_01": "order number / time"})
    'order number / time'
    >>> theme_name("theme_late_delivery_share")
    'late delivery'
    """
    tid = feature[len("theme_"):-len("_share")]
    return str((theme_labels or {}).get(tid) or tid.replace("_", " "))


def _label(feature: str, theme_labels=None) -> str:
    if feature in FEATURE_LABELS:
        return FEATURE_LABELS[feature]
    if feature.startswith("channel_") and feature.endswith("_share"):
        return f"of orders via {feature[len('channel_'):-len('_share')].replace('_', ' ')}"
    if feature.startswith("category_") and feature.endswith("_share"):
        return f"of orders in {feature[len('category_'):-len('_share')].replace('_', ' ')}"
    if feature.startswith("theme_") and feature.endswith("_share"):
        return f"of comments about {theme_name(feature, theme_labels)}"
    return feature.replace("_", " ")


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != 0 else "0"


def _is_share(feature: str, s: pd.Series) -> bool:
    named = feature.endswith(("_share", "_rate"))
    return named and s.min() >= 0 and s.max() <= 1


def numeric_phrase(feature: str, p: float, o: float, share: bool, theme_labels=None) -> str:
    """Say how a persona's mean ``p`` compares with the overall mean ``o`` of ``feature``."""
    label = _label(feature, theme_labels)
    if share:
        return f"{p:.0%} {label} vs {o:.0%} overall"
    ratio = p / o if o > 0 and p >= 0 else np.nan
    if feature == "monetary" and p == 0:
        return f"spends nothing (average {_fmt(o)})"
    if feature == "frequency" and p == 0:
        return f"has not ordered (average {_fmt(o)} orders)"
    if feature == "monetary" and np.isfinite(ratio):
        if ratio >= 1:
            return f"spends {ratio:.1f}x more than average ({_fmt(p)} vs {_fmt(o)})"
        return f"spends {1 - ratio:.0%} less than average ({_fmt(p)} vs {_fmt(o)})"
    if feature == "frequency" and np.isfinite(ratio):
        if ratio >= 1:
            return f"orders {ratio:.1f}x as often as average ({_fmt(p)} vs {_fmt(o)} orders)"
        return f"orders {1 - ratio:.0%} less often than average ({_fmt(p)} vs {_fmt(o)} orders)"
    if feature == "age":
        word = "older" if p > o else "younger"
        return f"{word} than average ({p:.0f} vs {o:.0f} years)"
    if feature == "recency_days":
        word = "last ordered longer ago" if p > o else "ordered more recently"
        return f"{word} than average ({p:.0f} vs {o:.0f} days)"
    if np.isfinite(ratio) and ratio >= 1.5:
        return f"{label} {ratio:.1f}x the average ({_fmt(p)} vs {_fmt(o)})"
    word = "higher" if p > o else "lower"
    return f"{word} {label} than average ({_fmt(p)} vs {_fmt(o)})"


def category_phrase(feature: str, level: str, p: float, o: float) -> str:
    """Say how common ``feature == level`` is in a persona (``p``) vs overall (``o``)."""
    if feature == "churned":
        verb = "churned" if level in ("yes", "True", "1", "1.0") else "stayed"
    else:
        template = _CATEGORY_VERBS.get(feature, "have {feature} = {level}")
        verb = template.format(level=level, feature=feature.replace("_", " "), churned="")
    return f"{p:.0%} {verb} vs {o:.0%} overall"


def persona_traits(features: pd.DataFrame, labels: pd.Series, *, columns=None, theme_labels=None) -> pd.DataFrame:
    """Compare every persona with everybody else on every feature.

    Parameters
    ----------
    features : DataFrame
        Customer features (as from :func:`build_customer_features`), indexed like ``labels``.
    labels : Series
        Persona of each customer.
    columns : list of str, optional
        Features to compare; default all.
    theme_labels : dict, optional
        ``{theme id: label}`` naming the ``theme_<id>_share`` features in the text; default the
        labels :func:`build_customer_features` stored on ``features``.

    Returns
    -------
    DataFrame
        One row per persona x feature (x level for categories): ``persona``, ``feature``,
        ``level``, ``kind``, ``persona_value``, ``overall_value``, ``effect`` (SMD or Cohen's h,
        signed), ``lift`` and ``text`` (a plain sentence), sorted by persona then ``|effect|``.
    """
    theme_labels = theme_labels_of(features) if theme_labels is None else dict(theme_labels)
    X = to_model_frame(features if columns is None else features[list(columns)])
    labels = pd.Series(labels).reindex(X.index)
    kinds = infer_column_kinds(X)
    personas = sorted(pd.unique(labels.dropna()))
    rows = []
    for col, kind in kinds.items():
        s = X[col]
        if kind == "numeric":
            v = pd.to_numeric(s, errors="coerce").astype(float)
            if v.notna().sum() < 2:
                continue
            share = _is_share(col, v.dropna())
            logged = v.min() >= 0 and v.skew() > 1 and not share
            w = np.log1p(v) if logged else v
            overall = float(v.mean())
            for p in personas:
                m = labels == p
                a, b = w[m].dropna(), w[~m].dropna()
                if len(a) == 0 or len(b) == 0:
                    continue
                sd = np.sqrt((a.var(ddof=0) + b.var(ddof=0)) / 2)
                effect = float((a.mean() - b.mean()) / sd) if sd > 1e-12 else 0.0
                pv = float(v[m].mean())
                rows.append((p, col, "", "numeric", pv, overall, effect,
                             pv / overall if overall > 0 else np.nan,
                             numeric_phrase(col, pv, overall, share, theme_labels)))
        else:
            cat = s.astype("object").where(s.notna(), "missing").map(str)
            if kind == "binary":
                cat = cat.map({"1": "yes", "1.0": "yes", "0": "no", "0.0": "no"}).fillna(cat)
            overall = cat.value_counts(normalize=True)
            for level, o in overall.sort_index().items():
                if level == "missing" or o <= 0:
                    continue
                hit = cat == level
                for p in personas:
                    m = labels == p
                    if not m.any() or m.all():
                        continue
                    pv, rest = float(hit[m].mean()), float(hit[~m].mean())
                    effect = 2 * np.arcsin(np.sqrt(pv)) - 2 * np.arcsin(np.sqrt(rest))
                    rows.append((p, col, level, "category", pv, float(o), float(effect),
                                 pv / o, category_phrase(col, level, pv, float(o))))
    out = pd.DataFrame(rows, columns=["persona", "feature", "level", "kind", "persona_value",
                                      "overall_value", "effect", "lift", "text"])
    out["_abs"] = out["effect"].abs()
    out = out.sort_values(["persona", "_abs", "feature", "level"], ascending=[True, False, True, True],
                          kind="stable").drop(columns="_abs")
    return out.reset_index(drop=True)
