"""Data overview figures: volume over time, missing values, score distributions.

Each function takes a table from :mod:`cxlab.overview`, draws on ``ax`` (a new figure when
None) and returns the Axes; none shows or saves.
"""
from __future__ import annotations

import pandas as pd

from cxlab.exceptions import ParameterError

__all__ = ["plot_volume", "plot_missing", "plot_score_distribution", "plot_score_distributions"]

_SCORE_LABELS = {"nps": "NPS 0-10", "csat": "CSAT 1-5", "rating": "Star rating 1-5",
                 "ces": "Effort (CES) 1 easy - 7 hard"}


def _new_ax(ax, size):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _require(data: pd.DataFrame, columns, func: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ParameterError(f"{func}: data lacks columns {missing}; pass the table from "
                             f"cxlab.overview (columns: {list(data.columns)})")


def plot_volume(data: pd.DataFrame, *, x: str = "period", y: str = "n", hue: str = "channel",
                title: str | None = "Feedback volume per month", ax=None):
    """Line chart of counts over time, one line per group (long :func:`cxlab.overview.volume_by`).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.overview import volume_by
    >>> df = pd.DataFrame({"created_at": pd.to_datetime(["2025-01-03", "2025-02-01"]),
    ...                    "channel": ["survey", "social"]})
    >>> ax = plot_volume(volume_by(df))
    >>> len(ax.get_lines()) >= 2
    True
    """
    import matplotlib.dates as mdates
    import seaborn as sns

    _require(data, [x, y, hue], "plot_volume")
    ax = _new_ax(ax, (9, 4))
    order = sorted(data[hue].unique())
    sns.lineplot(data=data, x=x, y=y, hue=hue, hue_order=order, marker="o", markersize=4, ax=ax)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set(xlabel="", ylabel="rows" if y == "n" else y, title=title)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title=hue.replace("_", " "), frameon=False)
    return ax


def plot_missing(data: pd.DataFrame, *, x: str = "share_missing", y: str = "column",
                 hue: str = "table", title: str | None = "Missing values", ax=None):
    """Horizontal bars: share of missing values per table and column
    (:func:`cxlab.overview.missing_summary`).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.overview import missing_summary
    >>> ax = plot_missing(missing_summary({"feedback": pd.DataFrame({"nps": [9, None]})}))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['feedback.nps']
    """
    import seaborn as sns

    _require(data, [x, y, hue], "plot_missing")
    labels = data[hue].astype(str) + "." + data[y].astype(str)
    frame = pd.DataFrame({"label": labels, x: data[x].to_numpy(), hue: data[hue].to_numpy()})
    ax = _new_ax(ax, (8, max(2.0, 0.28 * len(frame) + 1)))
    sns.barplot(data=frame, x=x, y="label", hue=hue, dodge=False, ax=ax)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set(xlabel="share of rows missing", ylabel="", title=title)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(title=hue, frameon=False, loc="lower right")
    return ax


def plot_score_distribution(data: pd.DataFrame, *, score: str = "feedback.nps", x: str = "value",
                            y: str = "share", title: str | None = None, ax=None):
    """Bars of how often each value of one score occurs
    (:func:`cxlab.overview.score_distribution`). NPS bars are coloured by detractor (0-6),
    passive (7-8) and promoter (9-10).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.overview import score_distribution
    >>> scores = score_distribution({"feedback": pd.DataFrame({"nps": [10, 3]})})
    >>> plot_score_distribution(scores, score="feedback.nps").get_title()
    'NPS 0-10 (feedback)'
    """
    import seaborn as sns

    _require(data, ["score", x, y], "plot_score_distribution")
    part = data[data["score"] == score]
    if part.empty:
        raise ParameterError(f"plot_score_distribution: no rows for score={score!r}; "
                             f"scores present: {sorted(data['score'].unique())}")
    ax = _new_ax(ax, (4, 3))
    if score.endswith(".nps"):
        group = pd.cut(part[x], [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
        palette = {"detractor": "#c0392b", "passive": "#b7950b", "promoter": "#1e8449"}
        sns.barplot(x=part[x].astype(str).to_numpy(), y=part[y].to_numpy(),
                    hue=group.astype(str).to_numpy(), palette=palette, dodge=False, ax=ax)
        ax.legend(frameon=False, fontsize="small")
    else:
        sns.barplot(x=part[x].astype(str).to_numpy(), y=part[y].to_numpy(), color="#2e86c1", ax=ax)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    if title is None:
        table, _, column = score.partition(".")
        title = f"{_SCORE_LABELS.get(column, column)} ({table})"
    ax.set(xlabel="score", ylabel="share of answers" if y == "share" else y, title=title)
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_score_distributions(data: pd.DataFrame, *, scores=None, ncols: int = 3, x: str = "value",
                             y: str = "share"):
    """A grid with one :func:`plot_score_distribution` panel per score; returns the Axes array.

    Parameters
    ----------
    data : DataFrame
        :func:`cxlab.overview.score_distribution`.
    scores : list of str, optional
        Scores to draw (``"feedback.nps"``...); default all in ``data``, in order.
    ncols : int, default=3
        Panels per row; unused panels are hidden.
    """
    import matplotlib.pyplot as plt

    _require(data, ["score", x, y], "plot_score_distributions")
    names = list(scores) if scores is not None else list(dict.fromkeys(data["score"]))
    if not names:
        raise ParameterError("plot_score_distributions: data holds no scores; check that the "
                             "tables have nps, csat, rating or ces values")
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    _, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 3.2 * nrows), layout="constrained",
                           squeeze=False)
    for ax, name in zip(axes.flat, names):
        plot_score_distribution(data, score=name, x=x, y=y, ax=ax)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    return axes
