"""cxlab: a Jupyter-based research workbench for customer-experience gap analysis.

The public API is re-exported here and imported lazily, so ``import cxlab`` is cheap and has no
side effects.
"""
from __future__ import annotations

import importlib

from cxlab._version import __version__

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "load_table": "cxlab.io",
    "load_feedback": "cxlab.io",
    "load_customers": "cxlab.io",
    "load_orders": "cxlab.io",
    "load_tickets": "cxlab.io",
    "load_touchpoint_survey": "cxlab.io",
    "load_employee_survey": "cxlab.io",
    "load_folder": "cxlab.io",
    "LoadReport": "cxlab.io",
    "LoadResult": "cxlab.io",
    "summarize_reports": "cxlab.io",
    "save_processed": "cxlab.io",
    "safe_for_spreadsheet": "cxlab.io",
    "make_demo_data": "cxlab.datasets",
    "write_demo_data": "cxlab.datasets",
    "ensure_demo_data": "cxlab.datasets",
    "load_demo": "cxlab.datasets",
    "run_report": "cxlab.reports",
    "ReportRun": "cxlab.reports",
    "prepare_comments": "cxlab.text",
    "redact_pii": "cxlab.text",
    "score_sentiment": "cxlab.text",
    "SentimentScorer": "cxlab.text",
    "ThemeMiner": "cxlab.themes",
    "pain_points": "cxlab.themes",
    "describe_pain_points": "cxlab.themes",
    "mine_themes_at_scale": "cxlab.scale",
    "PersonaModel": "cxlab.personas",
    "build_customer_features": "cxlab.personas",
    "profile_personas": "cxlab.personas",
    "nps": "cxlab.kpis",
    "csat": "cxlab.kpis",
    "ces": "cxlab.kpis",
    "kpi_table": "cxlab.kpis",
    "compare_periods": "cxlab.kpis",
    "compare_groups": "cxlab.kpis",
    "driver_importance": "cxlab.drivers",
    "importance_performance": "cxlab.drivers",
    "evaluate_action": "cxlab.monitoring",
    "monitor_actions": "cxlab.monitoring",
    "JourneyMapper": "cxlab.journey",
    "load_journey": "cxlab.journey",
    "analyse_gaps": "cxlab.gaps",
    "expectation_gaps": "cxlab.gaps",
    "internal_vs_customer": "cxlab.gaps",
    "competitor_benchmark": "cxlab.gaps",
    "prioritise_gaps": "cxlab.gaps",
    "build_swot": "cxlab.gaps",
    "action_plan": "cxlab.gaps",
    "export_table": "cxlab.gaps",
    "load_targets": "cxlab.gaps",
    "load_actions": "cxlab.gaps",
    "load_effort": "cxlab.gaps",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlab' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__():
    return sorted(__all__)
