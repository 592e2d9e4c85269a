"""The outcome of one monitored action and its plain-language verdict."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ActionResult", "RESULT_COLUMNS", "verdict_sentence"]

#: columns of :meth:`ActionResult.to_frame` and :func:`monitor_actions`
RESULT_COLUMNS = [
    "action", "metric", "target", "control", "method", "freq", "live_date", "before", "after",
    "control_before", "control_after", "effect", "ci_low", "ci_high", "p_value", "alpha",
    "significant", "level_change", "slope_change", "n_periods_before", "n_periods_after", "n_periods_dropped",
    "desired_direction", "status", "verdict", "unit",
]


def _fmt(value: float, unit: str, *, signed: bool = False) -> str:
    if unit == "share":
        text = f"{100 * value:+.1f} pts" if signed else f"{100 * value:.1f}%"
    elif unit == "points":
        text = f"{value:+.1f} points" if signed else f"{value:.1f}"
    else:
        text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text


def _ci(value: float, unit: str) -> str:
    return f"{100 * value:.1f}" if unit == "share" else (f"{value:.1f}" if unit == "points" else f"{value:.2f}")


def verdict_sentence(*, status: str, subject: str, before: float, after: float, effect: float,
                     ci_low: float, ci_high: float, alpha: float, live_date, unit: str,
                     has_control: bool) -> str:
    """One plain sentence a reviewer can read without statistics training."""
    moved = "fell" if after < before else ("rose" if after > before else "stayed")
    level = round(100 * (1 - alpha))
    relative = "relative to the control" if has_control else "against its pre-change trend"
    date = pd.Timestamp(live_date).date()
    # the raw before/after first, then the estimated effect with what it is measured against:
    # "-1.3 pts" next to "9.4% to 8.7%" would read as the raw fall
    numbers = (f"{subject} {moved} from {_fmt(before, unit)} to {_fmt(after, unit)} after {date}; "
               f"{relative}, the estimated effect is {_fmt(effect, unit, signed=True)} ({level}% CI "
               f"{_ci(ci_low, unit)} to {_ci(ci_high, unit)})")
    if status == "closed":
        return f"Closed: the {numbers}; the change is statistically significant."
    if status == "worsened":
        return f"Worsened: the {numbers}; the change is statistically significant and in the wrong direction."
    if status == "changed":
        return f"Changed: the {numbers}; the change is statistically significant."
    return (f"No detectable change: the {numbers}; the interval includes zero, so the data do not "
            "show that the action moved the metric.")


@dataclass
class ActionResult:
    """Result of :func:`evaluate_action`: effect, interval, p-value, verdict and the fitted series.

    ``effect`` is in the metric's unit (a share as a proportion: -0.087 means -8.7 points);
    ``series`` has ``period``, ``treated``, ``control`` (if any), ``post``, ``fitted`` and
    ``counterfactual`` for :func:`cxlab.plotting.plot_action_effect`. ``n_periods_dropped``
    counts periods left out for having fewer than ``min_count`` rows (listed in
    ``series.attrs["dropped_periods"]``).
    """

    action: str
    metric: str
    target: str
    control: str | None
    method: str
    freq: str
    live_date: pd.Timestamp
    before: float
    after: float
    control_before: float
    control_after: float
    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    alpha: float
    significant: bool
    level_change: float
    slope_change: float
    n_periods_before: int
    n_periods_after: int
    n_periods_dropped: int
    desired_direction: str | None
    status: str
    verdict: str
    unit: str
    series: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with :data:`RESULT_COLUMNS`."""
        return pd.DataFrame([{c: getattr(self, c) for c in RESULT_COLUMNS}], columns=RESULT_COLUMNS)

    def __str__(self) -> str:
        return self.verdict


def decide_status(effect: float, p_value: float, alpha: float, desired: str | None) -> tuple[bool, str]:
    significant = bool(np.isfinite(p_value) and p_value < alpha)
    if not significant:
        return False, "no_change"
    if desired is None:
        return True, "changed"
    good = effect < 0 if desired == "decrease" else effect > 0
    return True, "closed" if good else "worsened"
