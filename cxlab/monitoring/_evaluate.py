"""``evaluate_action`` (one action) and ``monitor_actions`` (a list of them)."""
from __future__ import annotations

import pandas as pd

from cxlab.exceptions import CxlabError, ParameterError
from cxlab.io._time import date_param
from cxlab.kpis._validate import as_list, check_alpha
from cxlab.monitoring._models import fit_before_after
from cxlab.monitoring._result import RESULT_COLUMNS, ActionResult, decide_status, verdict_sentence
from cxlab.monitoring._series import metric_series

__all__ = ["evaluate_action", "monitor_actions", "desired_direction"]

_METHODS = ("did", "its", "auto")
_LOWER_IS_BETTER = ("theme_share", "ces", "churn", "hours", "breach", "complaint", "return", "delay")
_HIGHER_IS_BETTER = ("nps", "csat", "rating", "retention", "perception", "satisfaction", "score")


def desired_direction(metric: str) -> str | None:
    """``"decrease"`` for complaint shares, effort, times and churn; ``"increase"`` for scores."""
    name = str(metric).lower()
    if any(k in name for k in _LOWER_IS_BETTER):
        return "decrease"
    if any(k in name for k in _HIGHER_IS_BETTER):
        return "increase"
    return None


def _label(values) -> str | None:
    values = as_list(values)
    return None if not values else ", ".join(map(str, values))


def evaluate_action(df: pd.DataFrame, *, metric: str, live_date, treated=None, control=None,
                    time_col: str = "created_at", method: str = "auto", freq: str = "W",
                    alpha: float = 0.05, group_col: str | None = None, theme_col: str = "theme",
                    id_col: str = "feedback_id", statistic: str = "mean", direction="auto",
                    name: str | None = None, subject: str | None = None, min_count: int = 5,
                    window: int | None = None, errors: str = "ar1",
                    hac_lags: int | None = None) -> ActionResult:
    """Did the metric an action targets change after it went live? With interval and verdict.

    Parameters
    ----------
    df : DataFrame
        Row-level data: comments with a ``theme`` column (``metric="theme_share"``), or rows with
        a numeric ``metric`` column (e.g. ``csat``, ``first_response_hours``).
    metric : str
        ``"theme_share"`` or a numeric column.
    live_date : date-like
        When the action went live.
    treated : str or list
        The theme(s) (``theme_share``) or ``group_col`` value(s) the action targets.
    control : str, list or None
        Comparison theme(s)/group(s) the action cannot affect (``"rest"`` = every other group).
    method : {"auto", "did", "its"}, default="auto"
        ``"did"``: difference-in-differences against ``control``; ``"its"``: interrupted time
        series (segmented regression, level and slope change; on ``treated - control`` when a
        control is given). ``"auto"`` picks DiD with a control, ITS without.
    freq : {"D", "W", "M", "Q"}, default="W"
        Period length of the series; weekly gives enough points for the HAC errors.
    alpha : float, default=0.05
    statistic : {"mean", "median", "nps", "sum", "count"}, default="mean"
        Per-period summary of a numeric metric (ignored for ``theme_share``).
    direction : {"auto", "decrease", "increase", None}
        Which way is good. ``"auto"``: down for complaint shares, effort, times and churn; up for
        NPS, CSAT and ratings. With None the verdict says "Changed" instead of "Closed".
    name, subject : str, optional
        Action name; wording of the metric in the verdict (default e.g. "share of comments on
        checkout_payment").
    min_count : int, default=5
        Periods with fewer rows in a series are dropped as too noisy.
    window : int, optional
        Use at most this many periods on each side of the live date (default: all). A window keeps
        ITS from extrapolating a pre-trend far into the future and keeps unrelated later events
        out of the comparison.
    errors : {"ar1", "hac"}, default="ar1"
        Standard errors allowing for autocorrelation between periods: ``"ar1"`` (OLS with an AR(1)
        error covariance; near-nominal false-positive rate in null simulations) or ``"hac"``
        (Newey-West; over-rejects in short series). See :mod:`cxlab.monitoring._models`.
    hac_lags : int, optional
        Newey-West lags for ``errors="hac"``; default ``floor(4 * (T / 100) ** (2 / 9))``.

    Returns
    -------
    ActionResult
        ``effect`` (in the metric's unit; shares as proportions), ``ci_low``, ``ci_high``,
        ``p_value``, ``status`` ("closed", "worsened", "changed" or "no_change"), ``verdict``
        (a sentence) and ``series`` for plotting; ``.to_frame()`` gives one table row.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cxlab.monitoring import evaluate_action
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2025-01-01", "2025-12-31", freq="6h")
    >>> theme = rng.choice(["checkout", "quality", "other"], size=len(days), p=[0.2, 0.2, 0.6])
    >>> late = days >= "2025-07-01"
    >>> theme[late & (rng.random(len(days)) < 0.75) & (theme == "checkout")] = "other"
    >>> fb = pd.DataFrame({"created_at": days, "theme": theme})
    >>> r = evaluate_action(fb, metric="theme_share", treated="checkout", control="quality",
    ...                     live_date="2025-07-01", name="checkout fix")
    >>> r.status
    'closed'
    """
    alpha = check_alpha(alpha)
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}; got {method!r}.")
    control_list = as_list(control)
    if method == "auto":
        method = "did" if control_list else "its"
    if method == "did" and not control_list:
        raise ParameterError("method='did' needs control= (a theme or group the action cannot affect); "
                             "pass one or use method='its'.")
    if direction == "auto":
        direction = desired_direction(metric)
    if direction not in ("decrease", "increase", None):
        raise ParameterError(f"direction must be 'auto', 'decrease', 'increase' or None; got {direction!r}.")
    live = date_param(live_date, name=f"action {name!r}: live_date" if name else "live_date",
                      hint="give the day the action went live as an ISO date, e.g. 2026-01-15.")
    series = metric_series(df, metric=metric, treated=treated, control=control_list, time_col=time_col,
                           freq=freq, group_col=group_col, theme_col=theme_col, id_col=id_col,
                           statistic=statistic, min_count=min_count)
    fit = fit_before_after(series, live_date=live, method=method, freq=freq, alpha=alpha, hac_lags=hac_lags,
                           window=window, errors=errors)
    if metric == "theme_share":
        unit = "share"
        subject = subject or f"share of comments on {_label(treated)}"
    else:
        unit = "points" if statistic == "nps" else "score"
        target = f" for {_label(treated)}" if treated is not None else ""
        subject = subject or f"{statistic} {metric}{target}"
    significant, status = decide_status(fit["effect"], fit["p_value"], alpha, direction)
    verdict = verdict_sentence(status=status, subject=subject, before=fit["before"], after=fit["after"],
                               effect=fit["effect"], ci_low=fit["ci_low"], ci_high=fit["ci_high"],
                               alpha=alpha, live_date=live, unit=unit, has_control=bool(control_list))
    return ActionResult(
        action=name or f"{_label(treated) or metric} from {live.date()}", metric=metric,
        target=_label(treated) or "all", control=_label(control_list), method=method, freq=freq,
        live_date=live, before=fit["before"], after=fit["after"], control_before=fit["control_before"],
        control_after=fit["control_after"], effect=fit["effect"], ci_low=fit["ci_low"],
        ci_high=fit["ci_high"], p_value=fit["p_value"], alpha=alpha, significant=significant,
        level_change=fit["level_change"], slope_change=fit["slope_change"],
        n_periods_before=fit["n_periods_before"], n_periods_after=fit["n_periods_after"],
        n_periods_dropped=len(series.attrs.get("dropped_periods", [])),
        desired_direction=direction, status=status, verdict=verdict, unit=unit, series=fit["series"],
    )


def _read_actions(actions) -> list[dict]:
    if isinstance(actions, pd.DataFrame):
        records = actions.to_dict("records")
        return [{k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in r.items()}
                for r in records]
    if isinstance(actions, list) and all(isinstance(a, dict) for a in actions):
        return [dict(a) for a in actions]
    from cxlab.gaps import load_actions  # the actions YAML format is owned by cxlab.gaps

    return load_actions(actions)


def monitor_actions(actions, data: pd.DataFrame | None, *, time_col: str = "created_at", method: str = "auto",
                    freq: str = "W", alpha: float = 0.05, theme_col: str = "theme",
                    id_col: str = "feedback_id", group_col: str = "touchpoint", statistic: str = "mean",
                    min_count: int = 5, window: int | None = None, errors: str = "ar1",
                    return_results: bool = False, labels: dict | None = None,
                    survey: pd.DataFrame | None = None, survey_time_col: str = "surveyed_at"):
    """Evaluate every action of an actions YAML (or list/DataFrame of actions) on ``data``.

    ``labels`` (``{theme id: readable name}``) names a theme-share action's theme in its
    verdict ("the share of comments on Checkout and payment ...").

    ``survey`` (a touchpoint survey: one row per respondent x touchpoint) measures the actions
    whose metric is one of its columns and not one of ``data``'s (e.g. ``perception``: the
    touchpoint's own rating), by ``survey_time_col``, the action's ``touchpoint`` against its
    ``control`` touchpoints. ``data`` may then be None when no action needs it.

    Each action needs ``name`` and ``live_date``; ``metric`` defaults to ``theme_share``
    (then ``theme`` is the treated theme and ``control`` the comparison theme(s)); for another
    metric (a numeric column of ``data``, e.g. ``csat``) the treated group is the action's
    ``touchpoint`` in ``group_col`` and ``control`` names comparison touchpoint(s) or ``rest``.
    An action that cannot be evaluated (unknown theme, too few periods...) gets
    ``status="not_evaluated"`` and the reason as its verdict instead of stopping the others.

    Returns
    -------
    DataFrame
        One row per action (file order): :data:`RESULT_COLUMNS` plus ``owner``, ``effort``,
        ``theme``, ``touchpoint``. With ``return_results=True`` also a dict
        ``{action name: ActionResult}`` for plotting.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cxlab.monitoring import monitor_actions
    >>> rng = np.random.default_rng(1)
    >>> days = pd.date_range("2025-01-01", "2025-12-31", freq="6h")
    >>> fb = pd.DataFrame({"created_at": days, "theme": rng.choice(["a", "b", "c"], len(days))})
    >>> acts = [{"name": "a fix", "live_date": "2025-06-02", "theme": "a", "control": "b"}]
    >>> monitor_actions(acts, fb)[["action", "status"]]
      action     status
    0  a fix  no_change
    """
    alpha = check_alpha(alpha)
    rows, results = [], {}
    for spec in _read_actions(actions):
        metric = str(spec.get("metric") or "theme_share")
        name = str(spec.get("name") or "unnamed action")
        extra = {"owner": spec.get("owner"), "effort": spec.get("effort"), "theme": spec.get("theme"),
                 "touchpoint": spec.get("touchpoint")}
        theme_metric = metric == "theme_share"
        treated = spec.get("theme") if theme_metric else spec.get("touchpoint")
        on_survey = (survey is not None and not theme_metric and metric in survey.columns
                     and (data is None or metric not in data.columns))
        frame, tcol, gcol = (survey, survey_time_col, "touchpoint") if on_survey else (data, time_col, group_col)
        try:
            if not spec.get("live_date"):
                raise ParameterError(f"action {name!r} has no live_date.")
            if frame is None:
                raise ParameterError(f"there is no dated data to measure {metric!r} on (for theme_share: comments "
                                     "with dates and themes; for a survey column: the touchpoint survey).")
            subject = (f"share of comments on {labels[treated]}"
                       if theme_metric and isinstance(treated, str) and treated in (labels or {}) else
                       f"{statistic} {metric} of the {str(treated).replace('_', ' ')} (survey)"
                       if on_survey and isinstance(treated, str) else None)
            res = evaluate_action(
                frame, metric=metric, live_date=spec["live_date"], treated=treated, subject=subject,
                control=spec.get("control"), time_col=tcol, method=method, freq=freq, alpha=alpha,
                group_col=None if theme_metric or treated is None else gcol, theme_col=theme_col,
                id_col=id_col, statistic=statistic, name=name, min_count=min_count,
                window=window, errors=errors)
            results[name] = res
            rows.append({**res.to_frame().iloc[0].to_dict(), **extra})
        except CxlabError as exc:
            blank = {c: float("nan") for c in RESULT_COLUMNS}
            blank.update(action=name, metric=metric, target=_label(treated), control=_label(spec.get("control")),
                         method=method, freq=freq, live_date=pd.to_datetime(spec.get("live_date"), errors="coerce"),
                         alpha=alpha, significant=False, status="not_evaluated",
                         verdict=f"Not evaluated: {exc}")
            rows.append({**blank, **extra})
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS + ["owner", "effort", "theme", "touchpoint"])
    return (out, results) if return_results else out
