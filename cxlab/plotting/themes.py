"""Theme plots: volume by sentiment, pain-point bubbles, trends, theme x segment heatmap.

Every function takes a table made by :mod:`cxlab.themes` (``pain_points``, ``theme_trends``,
``theme_segments``), column names as keywords and ``ax=``; it returns the Axes and never
shows or saves.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import SchemaError
from cxlab.plotting._labels import place_labels

__all__ = ["plot_theme_volume", "plot_pain_points", "plot_theme_trends", "plot_theme_segments", "place_labels"]

_SENTIMENT_COLORS = {"negative": "#d7301f", "neutral": "#bdbdbd", "positive": "#2b8cbe"}


def _axes(ax, figsize):
    if ax is None:
        import matplotlib.pyplot as plt  # lazily: matplotlib picks Agg itself when headless

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _need(data: pd.DataFrame, cols, fn: str) -> None:
    missing = [c for c in cols if c is not None and c not in data.columns]
    if missing:
        raise SchemaError(f"{fn}: data lacks columns {missing}; it has {list(map(str, data.columns))}. "
                          "Pass the table from cxlab.themes or name your columns with the keyword arguments.")


def plot_theme_volume(data: pd.DataFrame, *, label: str = "label", negative: str = "n_negative",
                      neutral: str = "n_neutral", positive: str = "n_positive", ax=None):
    """Horizontal bars: comments per theme, split by sentiment (largest theme on top).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["late delivery", "sizing"], "n_negative": [30, 10],
    ...                   "n_neutral": [5, 5], "n_positive": [2, 8]})
    >>> plot_theme_volume(t).get_xlabel()
    'comments'
    """
    _need(data, [label, negative, neutral, positive], "plot_theme_volume")
    d = data.assign(_total=data[[negative, neutral, positive]].sum(axis=1))
    d = d.sort_values("_total", ascending=True, kind="stable")
    ax = _axes(ax, (8, 0.45 * len(d) + 1.5))
    left = np.zeros(len(d))
    for col, name in ((negative, "negative"), (neutral, "neutral"), (positive, "positive")):
        ax.barh(d[label].astype(str), d[col], left=left, color=_SENTIMENT_COLORS[name], label=name)
        left = left + d[col].to_numpy()
    ax.set_xlabel("comments")
    ax.set_ylabel("")
    ax.set_title("Themes by volume and sentiment")
    ax.legend(loc="lower right", frameon=False)
    return ax


def plot_pain_points(data: pd.DataFrame, *, x: str = "share_comments", y: str = "pct_negative",
                     size: str = "severity", label: str = "label", ax=None):
    """Bubble chart: reach (x) vs negativity (y), bubble area = severity (or impact).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["a", "b"], "share_comments": [.2, .1],
    ...                   "pct_negative": [70, 20], "severity": [.14, .02]})
    >>> plot_pain_points(t).get_ylabel()
    '% negative'
    """
    _need(data, [x, y, size, label], "plot_pain_points")
    ax = _axes(ax, (8, 6))
    s = data[size].astype(float).clip(lower=0).fillna(0)
    area = 80 + 2000 * s / (s.max() or 1)
    ax.scatter(data[x], data[y], s=area, alpha=0.55, color="#d7301f", edgecolor="black", linewidth=0.5)
    ax.set_xlabel("reach (share of comments)" if x == "share_comments" else
                  "reach (share of customers)" if x == "share_customers" else x)
    ax.set_ylabel("% negative" if y == "pct_negative" else y)
    ax.set_title(f"Pain points: reach x negativity (bubble = {size})")
    ax.margins(0.15)
    place_labels(ax, data[x].to_numpy(float), data[y].to_numpy(float), data[label].astype(str).tolist(),
                 order=np.argsort(-s.to_numpy(), kind="stable"))
    return ax


def plot_theme_trends(data: pd.DataFrame, *, x: str = "period", y: str = "share", hue: str = "label",
                      themes=None, ax=None):
    """Lines: share of comments raising each theme per period.

    ``themes`` limits the lines to these ``hue`` values (e.g. the top pain points).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"period": pd.to_datetime(["2025-01-01", "2025-02-01"] * 2),
    ...                   "label": ["a", "a", "b", "b"], "share": [.1, .2, .3, .2]})
    >>> plot_theme_trends(t).get_ylabel()
    'share of comments'
    """
    import seaborn as sns

    _need(data, [x, y, hue], "plot_theme_trends")
    d = data if themes is None else data[data[hue].isin(list(themes))]
    ax = _axes(ax, (9, 5))
    sns.lineplot(data=d, x=x, y=y, hue=hue, marker="o", ax=ax)
    ax.set_ylabel("share of comments" if y == "share" else y)
    ax.set_xlabel("")
    ax.set_title("Theme share over time")
    ax.legend(title="", fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    for tick in ax.get_xticklabels():
        tick.set_rotation(45)
        tick.set_ha("right")
    return ax


def plot_theme_segments(data: pd.DataFrame, *, x: str = "segment", y: str = "label", value: str = "lift",
                        ax=None):
    """Heatmap of themes (rows) x segments (columns); default colour = lift over all comments.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"segment": ["app", "web"] * 2, "label": ["a", "a", "b", "b"],
    ...                   "lift": [1.5, 0.5, 0.9, 1.1]})
    >>> plot_theme_segments(t).get_xlabel()
    'segment'
    """
    import seaborn as sns

    _need(data, [x, y, value], "plot_theme_segments")
    grid = data.pivot_table(index=y, columns=x, values=value, aggfunc="mean", sort=True)
    ax = _axes(ax, (1.2 * grid.shape[1] + 4, 0.45 * grid.shape[0] + 2))
    center = 1.0 if value == "lift" else None
    sns.heatmap(grid, annot=True, fmt=".2f", cmap="RdBu_r" if center else "viridis", center=center,
                cbar_kws={"label": value}, ax=ax)
    ax.set_xlabel(x)
    ax.set_ylabel("")
    ax.set_title(f"Themes by {x} ({value})")
    return ax
