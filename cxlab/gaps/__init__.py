"""CX gaps: expectation vs perception, current vs target, staff vs customers, competitors,
prioritisation, SWOT and the action plan.

Public API
----------
* :func:`expectation_gaps` - SERVQUAL-style perception - expectation per touchpoint/dimension,
  paired t and Wilcoxon tests, intervals, multiple-testing control.
* :func:`internal_vs_customer` - employee survey vs customer survey (Welch t, Mann-Whitney).
* :func:`current_vs_target`, :func:`touchpoint_vs_target` - current state vs a targets YAML.
* :func:`competitor_benchmark`, :func:`benchmark_wide` - brands side by side.
* :func:`theme_pain_points`, :func:`collect_gaps`, :func:`prioritise_gaps` - ranked gaps
  (formula in :mod:`cxlab.gaps._priority`).
* :func:`emerging_themes`, :func:`build_swot` - SWOT from evidence.
* :func:`action_plan`, :func:`gap_quotes`, :func:`export_table` - action plan, redacted quotes and
  safe CSV/Excel export.
* :func:`analyse_gaps` - all of the above in one call (:class:`GapReport`).
* :func:`load_targets`, :func:`load_effort`, :func:`load_actions` - researcher YAMLs (formats in
  :mod:`cxlab.gaps._config`).
"""
from cxlab.gaps._action_plan import ACTION_PLAN_COLUMNS, action_plan, export_table, gap_quotes, neutralise_formulas
from cxlab.gaps._benchmark import benchmark_wide, competitor_benchmark
from cxlab.gaps._config import effort_for, load_actions, load_effort, load_targets
from cxlab.gaps._expectation import expectation_gaps, internal_vs_customer
from cxlab.gaps._pipeline import GapReport, analyse_gaps, overall_kpis
from cxlab.gaps._priority import GAP_COLUMNS, collect_gaps, prioritise_gaps, theme_pain_points
from cxlab.gaps._stats import adjust_pvalues
from cxlab.gaps._swot import SWOT_QUADRANTS, build_swot, emerging_themes
from cxlab.gaps._target import current_vs_target, touchpoint_vs_target

__all__ = [
    "expectation_gaps", "internal_vs_customer", "current_vs_target", "touchpoint_vs_target",
    "competitor_benchmark", "benchmark_wide", "theme_pain_points", "collect_gaps", "prioritise_gaps",
    "GAP_COLUMNS", "emerging_themes", "build_swot", "SWOT_QUADRANTS", "action_plan", "export_table",
    "neutralise_formulas", "gap_quotes", "ACTION_PLAN_COLUMNS", "load_targets", "load_effort", "load_actions",
    "effort_for", "adjust_pvalues", "analyse_gaps", "GapReport", "overall_kpis",
]
