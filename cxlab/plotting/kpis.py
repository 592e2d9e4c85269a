"""KPI, driver and monitoring figures: KPIs with intervals, KPI trends, importance-performance
quadrants and the before/after chart of a monitored action.

Every function takes a table from :mod:`cxlab.kpis`, :mod:`cxlab.drivers` or
:mod:`cxlab.monitoring`, draws on ``ax`` (a new figure when None) and returns the Axes; none shows
or saves. matplotlib is imported inside the functions, so importing this module is cheap.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.kpis._validate import require_columns
from cxlab.plotting._labels import place_labels

__all__ = ["plot_kpis", "plot_kpi_trend", "plot_importance_performance", "plot_action_effect"]

_TREATED, _CONTROL, _FIT, _CF = "#c0392b", "#7f8c8d", "#1f4e79", "#1f4e79"
_QUADRANT_COLOURS = {
    "keep up the good work": "#1e8449",
    "concentrate here": "#c0392b",
    "low priority": "#7f8c8d",
    "possible overkill": "#d68910",
}


def _new_ax(ax, size):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax


def _label(col: str) -> str:
    return str(col).replace("_", " ")


def plot_kpis(data: pd.DataFrame, *, y: str = "kpi", x: str = "estimate", low: str = "ci_low",
              high: str = "ci_high", hue: str | None = None, ax=None):
    """Point estimates with their confidence intervals, one row per ``y`` (and ``hue``).

    Plot one KPI (one unit) at a time, e.g. ``kpi_table(df, by="persona", kpis="nps")`` with
    ``y="persona"``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from cxlab.kpis import kpi_table
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"channel": ["app", "web"] * 20, "nps": [9, 3, 10, 7] * 10})
    >>> ax = plot_kpis(kpi_table(fb, by="channel", kpis="nps"), y="channel")
    """
    require_columns(data, [y, x, low, high] + ([hue] if hue else []), arg="data")
    ax = _new_ax(ax, (7, 0.45 * max(len(data), 4) + 1))
    d = data.reset_index(drop=True)
    groups = [(None, d)] if hue is None else list(d.groupby(hue, sort=True, dropna=False))
    d = d.assign(**{y: d[y].astype("string").fillna("(missing)").astype(str)})
    labels = list(dict.fromkeys(d[y]))
    pos = {lab: i for i, lab in enumerate(labels)}
    step = 0.7 / max(len(groups), 1)
    for g, (name, part) in enumerate(groups):
        offset = (g - (len(groups) - 1) / 2) * step if hue else 0.0
        ys = part[y].astype(str).map(pos).to_numpy(float) + offset
        est = part[x].to_numpy(float)
        err = np.vstack([est - part[low].to_numpy(float), part[high].to_numpy(float) - est])
        ax.errorbar(est, ys, xerr=np.nan_to_num(err), fmt="o", capsize=3, label=None if hue is None else str(name))
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    unit = d["unit"].iloc[0] if "unit" in d.columns and len(d) else ""
    kpi = d["kpi"].iloc[0] if "kpi" in d.columns and d["kpi"].nunique() == 1 else _label(x)
    ax.set_xlabel(f"{kpi} ({unit})" if unit else str(kpi))
    ax.set_ylabel(_label(y))
    ax.grid(axis="x", alpha=0.3)
    if hue:
        ax.legend(title=_label(hue), frameon=False)
    return ax


def plot_kpi_trend(data: pd.DataFrame, *, x: str = "period", y: str = "estimate", low: str = "ci_low",
                   high: str = "ci_high", hue: str | None = None, ax=None):
    """A KPI over periods with its confidence band (``kpi_table(..., period="M")`` output).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> d = pd.DataFrame({"period": ["2025-01", "2025-02", "2025-03"], "estimate": [10.0, 12, 9],
    ...                   "ci_low": [5.0, 7, 4], "ci_high": [15.0, 17, 14]})
    >>> ax = plot_kpi_trend(d)
    """
    require_columns(data, [x, y, low, high] + ([hue] if hue else []), arg="data")
    ax = _new_ax(ax, (8, 4))
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=True, dropna=False))
    periods = sorted(data[x].astype(str).unique())
    pos = {p: i for i, p in enumerate(periods)}
    for name, part in groups:
        part = part.assign(_pos=part[x].astype(str).map(pos)).sort_values("_pos", kind="stable")
        line, = ax.plot(part["_pos"], part[y], marker="o", label=None if hue is None else str(name))
        ax.fill_between(part["_pos"], part[low].astype(float), part[high].astype(float), alpha=0.2,
                        color=line.get_color(), linewidth=0)
    every = max(1, len(periods) // 12)
    ax.set_xticks(range(0, len(periods), every), periods[::every], rotation=45, ha="right")
    kpi = data["kpi"].iloc[0] if "kpi" in data.columns and data["kpi"].nunique() == 1 else _label(y)
    ax.set_ylabel(str(kpi))
    ax.set_xlabel(_label(x))
    ax.grid(alpha=0.3)
    if hue:
        ax.legend(title=_label(hue), frameon=False)
    return ax


def plot_importance_performance(data: pd.DataFrame, *, x: str = "performance", y: str = "importance",
                                label: str = "driver", importance_cut=None, performance_cut=None,
                                errorbars: bool = True, ax=None):
    """Importance-performance quadrant chart of :func:`cxlab.drivers.driver_importance` output.

    Dashed lines mark the cut-offs (mean importance and mean performance unless given, as in
    :func:`cxlab.drivers.importance_performance`); each quadrant is named in its corner and the
    points are coloured by quadrant. Vertical bars show the importance intervals when present.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> d = pd.DataFrame({"driver": ["returns", "delivery", "website", "app"],
    ...                   "importance": [0.20, 0.15, 0.03, 0.02], "performance": [3.1, 5.6, 5.9, 3.9]})
    >>> ax = plot_importance_performance(d)
    """
    from cxlab.drivers import importance_performance

    require_columns(data, [x, y, label], arg="data",
                    hint="pass driver_importance() output or name the columns with x=, y=, label=.")
    d = importance_performance(data, importance=y, performance=x, importance_cut=importance_cut,
                               performance_cut=performance_cut)
    ax = _new_ax(ax, (7.5, 6))
    colours = d["quadrant"].map(_QUADRANT_COLOURS).fillna("#333333")
    if errorbars and {"ci_low", "ci_high"} <= set(d.columns) and y == "importance":
        err = np.vstack([d[y] - d["ci_low"], d["ci_high"] - d[y]]).astype(float)
        ax.errorbar(d[x], d[y], yerr=np.clip(np.nan_to_num(err), 0, None), fmt="none", ecolor="#bbbbbb",
                    capsize=2, zorder=1)
    ax.scatter(d[x], d[y], c=list(colours), s=60, zorder=2)
    icut, pcut = float(d["importance_cut"].iloc[0]), float(d["performance_cut"].iloc[0])
    ax.axhline(icut, color="#555555", ls="--", lw=1)
    ax.axvline(pcut, color="#555555", ls="--", lw=1)
    corners = {"concentrate here": (0.02, 0.98, "left", "top"),
               "keep up the good work": (0.98, 0.98, "right", "top"),
               "low priority": (0.02, 0.02, "left", "bottom"),
               "possible overkill": (0.98, 0.02, "right", "bottom")}
    for name, (cx, cy, ha, va) in corners.items():
        ax.text(cx, cy, name, transform=ax.transAxes, ha=ha, va=va, fontsize=9, style="italic",
                color=_QUADRANT_COLOURS[name])
    ax.set_xlabel(_label(x) if x != "performance" else "performance (mean score)")
    ax.set_ylabel(_label(y) if y != "importance" else "importance (part of R\N{SUPERSCRIPT TWO}; parts sum to R\N{SUPERSCRIPT TWO})")
    ax.set_title("Importance-performance")
    ax.margins(0.08)
    # ids read as words ("size_guide" -> "size guide"); labels keep off each other and the points
    place_labels(ax, d[x].to_numpy(float), d[y].to_numpy(float), [str(v).replace("_", " ") for v in d[label]],
                 fontsize=9, beside=6, markers=60)
    return ax


def plot_action_effect(result, *, ax=None, show_control: bool = True):
    """Before/after chart of a monitored action: observed series, fitted lines, counterfactual.

    ``result`` is an :class:`cxlab.monitoring.ActionResult` (or its ``series`` DataFrame). The
    dashed line after the live date is what the model expects without the action (the control's
    path for DiD, the pre-trend for ITS); the gap between it and the solid fitted line is the
    effect. The verdict is the title.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> from cxlab.monitoring import evaluate_action
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2025-01-01", "2025-12-31", freq="6h")
    >>> fb = pd.DataFrame({"created_at": days, "theme": rng.choice(["a", "b", "c"], len(days))})
    >>> ax = plot_action_effect(evaluate_action(fb, metric="theme_share", treated="a", control="b",
    ...                                         live_date="2025-07-01"))
    """
    series = getattr(result, "series", result)
    if not isinstance(series, pd.DataFrame):
        raise ParameterError(f"result must be an ActionResult or its series DataFrame; got {type(result).__name__}.")
    require_columns(series, ["period", "treated", "post", "fitted", "counterfactual"], arg="result.series")
    ax = _new_ax(ax, (9, 4.5))
    share = getattr(result, "unit", None) == "share"
    scale = 100.0 if share else 1.0
    s = series.sort_values("period", kind="stable")
    pre, post = s[~s["post"]], s[s["post"]]
    target = getattr(result, "target", "treated")
    ax.plot(s["period"], scale * s["treated"], "o", ms=3, color=_TREATED, alpha=0.6, label=f"{target} (observed)")
    if show_control and "control" in s.columns:
        ax.plot(s["period"], scale * s["control"], "o", ms=3, color=_CONTROL, alpha=0.5,
                label=f"control: {getattr(result, 'control', 'control')}")
    ax.plot(pre["period"], scale * pre["fitted"], "-", color=_FIT, lw=2, label="fitted")
    ax.plot(post["period"], scale * post["fitted"], "-", color=_FIT, lw=2)
    ax.plot(post["period"], scale * post["counterfactual"], "--", color=_CF, lw=1.5,
            label="expected without the change")
    live = getattr(result, "live_date", None)
    if live is not None:
        ax.axvline(pd.Timestamp(live), color="#333333", lw=1)
        ax.annotate(f"live {pd.Timestamp(live).date()}", (pd.Timestamp(live), 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -12), textcoords="offset points", fontsize=9)
    ax.set_ylabel(f"{getattr(result, 'metric', 'metric')}" + (" (%)" if share else ""))
    verdict = getattr(result, "verdict", "")
    if verdict:
        ax.set_title("\n".join(textwrap.wrap(verdict, 110)), fontsize=9, loc="left")
    ax.legend(frameon=False, fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return ax
