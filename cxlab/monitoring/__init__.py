"""Monitoring: given the date an action went live, did its gap close?

:func:`evaluate_action` compares the targeted metric before and after the live date against a
control (difference-in-differences) or its own pre-trend (interrupted time series), with
Newey-West (HAC) intervals, a p-value and a plain verdict ("Closed: ...", "No detectable change:
..."). :func:`monitor_actions` runs it for every action of an actions YAML.
:func:`cxlab.plotting.plot_action_effect` draws the before/after chart with the counterfactual.

Actions YAML (read by :func:`cxlab.gaps.load_actions`; the demo's is
``cxlab/datasets/demo_config/actions.yaml``)::

    version: 1
    actions:
      - name: checkout fix          # required, unique
        live_date: 2026-01-15       # required, ISO date the change went live
        metric: theme_share         # default; or a numeric column (csat, nps, rating, ...), or a
                                    # touchpoint survey column (perception) with survey= given
        theme: checkout_payment     # theme_share: the theme the action should reduce
        touchpoint: checkout        # other metrics: the treated value of group_col (touchpoint)
        control: fabric_quality     # optional: theme(s)/touchpoint(s) the action cannot affect,
                                    # a list, or "rest"; with a control: DiD, without: ITS
        effort: 2                   # optional, 1-5 (used by the action plan)
        owner: App team             # optional

Statistical behaviour (tests/test_monitoring.py): under no effect the verdict flags a change at
the 5% level about 5% of the time (measured over seeded null simulations), and planted effects
of realistic size are detected.
"""
from cxlab.monitoring._evaluate import desired_direction, evaluate_action, monitor_actions
from cxlab.monitoring._result import RESULT_COLUMNS, ActionResult, verdict_sentence
from cxlab.monitoring._series import metric_series

__all__ = [
    "ActionResult",
    "RESULT_COLUMNS",
    "desired_direction",
    "evaluate_action",
    "metric_series",
    "monitor_actions",
    "verdict_sentence",
]
