"""Short persona names from their strongest traits ("Big spenders, app-first").

Names are a starting point for the researcher, who edits them with
``PersonaModel.rename_persona`` or a ``names={persona: "name"}`` mapping.
"""
from __future__ import annotations

import pandas as pd

from cxlab.personas._traits import theme_name

__all__ = ["generate_names"]

#: (feature, direction) -> short tag; direction +1 means the persona is above average
_TAGS = {
    ("monetary", 1): "big spenders", ("monetary", -1): "light spenders",
    ("frequency", 1): "frequent buyers", ("frequency", -1): "occasional buyers",
    ("aov", 1): "big baskets", ("aov", -1): "small baskets",
    ("age", 1): "older", ("age", -1): "young",
    ("recency_days", 1): "lapsing", ("recency_days", -1): "recently active",
    ("tenure_days", 1): "long-standing", ("tenure_days", -1): "newcomers",
    ("return_rate", 1): "serial returners", ("return_rate", -1): "keepers",
    ("cancel_rate", 1): "cart abandoners",
    ("n_tickets", 1): "support-heavy", ("n_tickets", -1): "self-sufficient",
    ("n_comments", 1): "vocal",
    ("nps", 1): "promoters", ("nps", -1): "detractors",
    ("sentiment_mean", 1): "happy", ("sentiment_mean", -1): "unhappy",
    ("csat_mean", 1): "satisfied", ("csat_mean", -1): "dissatisfied",
}
_MIN_EFFECT = 0.3


def _tag(row, theme_labels=None) -> str | None:
    direction = 1 if row.effect > 0 else -1
    feature = row.feature
    if row.kind == "category":
        if direction < 0 or row.level in ("no", "other", "missing"):
            return None
        if feature == "churned":
            return "churners" if row.level == "yes" else None
        level = str(row.level).replace("_", " ")
        if row.level == "yes":
            return feature.replace("_", " ")
        if feature == "acquisition_channel":
            return f"via {level}"
        if feature == "loyalty_tier":
            return f"{level} tier"
        return level
    if (feature, direction) in _TAGS:
        return _TAGS[(feature, direction)]
    for prefix, suffix in (("channel_", "-first"), ("category_", " lovers")):
        if feature.startswith(prefix) and feature.endswith("_share") and direction > 0:
            return feature[len(prefix):-len("_share")].replace("_", " ") + suffix
    if feature.startswith("theme_") and direction > 0:
        return theme_name(feature, theme_labels) + " complainers"
    return ("high " if direction > 0 else "low ") + feature.replace("_", " ")


def generate_names(traits: pd.DataFrame, *, max_tags: int = 2, theme_labels=None) -> dict:
    """Name each persona by its ``max_tags`` strongest traits; names are unique.

    ``traits`` is the output of :func:`persona_traits` (sorted by persona then ``|effect|``);
    ``theme_labels`` (``{theme id: label}``) names theme-share traits by their labels.
    """
    names: dict = {}
    candidates: dict = {}
    for persona, group in traits.groupby("persona", sort=True):
        tags = []
        for row in group.itertuples():
            if abs(row.effect) < _MIN_EFFECT and tags:
                break
            tag = _tag(row, theme_labels)
            if tag and tag not in tags:
                tags.append(tag)
            if len(tags) >= max_tags + 2:
                break
        candidates[persona] = tags or ["typical customers"]
    for persona, tags in candidates.items():
        name = ", ".join(tags[:max_tags])
        extra = max_tags
        while name in names.values() and extra < len(tags):
            name = ", ".join(tags[: extra + 1])
            extra += 1
        if name in names.values():
            name = f"{name} ({persona})"
        names[persona] = name[:1].upper() + name[1:]
    return names
