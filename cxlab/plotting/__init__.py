"""Plotting functions: ``plot_<what>(data, *, ..., ax=None) -> Axes``; they never show or save.

Each area has its own module (overview, themes, personas, kpis, journey); the public functions are
re-exported here and imported on first use, so importing cxlab does not import matplotlib.
"""
from __future__ import annotations

import importlib

_EXPORTS: dict[str, str] = {
    "plot_volume": "cxlab.plotting.overview",
    "plot_missing": "cxlab.plotting.overview",
    "plot_score_distribution": "cxlab.plotting.overview",
    "plot_score_distributions": "cxlab.plotting.overview",
    "plot_theme_volume": "cxlab.plotting.themes",
    "plot_pain_points": "cxlab.plotting.themes",
    "plot_theme_trends": "cxlab.plotting.themes",
    "plot_theme_segments": "cxlab.plotting.themes",
    "plot_persona_profile": "cxlab.plotting.personas",
    "plot_persona_cards": "cxlab.plotting.personas",
    "plot_persona_map": "cxlab.plotting.personas",
    "plot_persona_kpis": "cxlab.plotting.personas",
    "plot_kpis": "cxlab.plotting.kpis",
    "plot_kpi_trend": "cxlab.plotting.kpis",
    "plot_importance_performance": "cxlab.plotting.kpis",
    "plot_action_effect": "cxlab.plotting.kpis",
    "plot_journey_map": "cxlab.plotting.journey",
    "plot_emotion_curve": "cxlab.plotting.journey",
    "plot_gaps": "cxlab.plotting.journey",
    "plot_impact_effort": "cxlab.plotting.journey",
    "plot_swot": "cxlab.plotting.journey",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlab.plotting' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__():
    return sorted(__all__)
