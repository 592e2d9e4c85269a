"""Persona plots: profile heatmap, persona cards, 2-D map, KPI comparison. Each returns its Axes."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

__all__ = ["plot_persona_profile", "plot_persona_cards", "plot_persona_map", "plot_persona_kpis"]


def _axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # imported lazily; the caller's backend is respected

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _palette(n):
    import seaborn as sns

    return sns.color_palette("colorblind", max(n, 1))


def plot_persona_profile(traits: pd.DataFrame, *, names=None, max_features: int = 14, ax=None):
    """Heatmap of how each persona differs from the rest (SMD for numbers, Cohen's h for levels).

    Parameters
    ----------
    traits : DataFrame
        Output of :func:`cxlab.personas.persona_traits` (or ``model.traits_``).
    names : dict, optional
        Persona -> name for the column labels.
    max_features : int, default=14
        Rows shown: the features with the largest absolute difference in any persona.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import seaborn as sns

    t = traits.copy()
    t["row"] = np.where(t["level"].astype(str) == "", t["feature"], t["feature"] + " = " + t["level"].astype(str))
    wide = t.pivot_table(index="row", columns="persona", values="effect", aggfunc="first")
    strength = wide.abs().max(axis=1).sort_values(ascending=False, kind="stable")
    wide = wide.loc[strength.index[:max_features]]
    if names:
        wide.columns = [f"{p}: {textwrap.shorten(str(names.get(p, p)), 28)}" for p in wide.columns]
    ax = _axes(ax, (1.6 + 1.5 * wide.shape[1], 0.9 + 0.38 * len(wide)))
    # capped at 3 (huge effects add nothing to read) so moderate differences stay visible
    lim = min(float(np.nanmax(np.abs(wide.to_numpy()))), 3.0) if wide.size else 1.0
    sns.heatmap(wide, ax=ax, cmap="vlag", center=0, vmin=-lim, vmax=lim, annot=True, fmt=".1f",
                cbar_kws={"label": "difference vs rest (SMD / Cohen's h)"}, linewidths=0.5)
    ax.set_xlabel("persona")
    ax.set_ylabel("")
    ax.set_title("What sets each persona apart (red: above the rest, blue: below)")
    ax.tick_params(axis="x", labelrotation=20)
    return ax


def plot_persona_cards(profile: pd.DataFrame, *, max_traits: int = 4, kpis=("nps", "churn_rate", "spend"),
                       ncols: int | None = None, ax=None):
    """Persona cards: name, size, top traits and headline KPIs, one card per persona.

    ``profile`` is the output of :func:`cxlab.personas.profile_personas`. All cards are drawn in
    one Axes (returned), so the figure can be placed and saved as a whole.
    """
    from matplotlib.patches import FancyBboxPatch

    n = len(profile)
    ncols = ncols or min(n, 2) or 1
    nrows = int(np.ceil(n / ncols)) if n else 1
    ax = _axes(ax, (6.2 * ncols, 3.6 * nrows))
    ax.set_xlim(0, ncols)
    ax.set_ylim(0, nrows)
    ax.axis("off")
    colors = _palette(n)
    for i, row in enumerate(profile.itertuples(index=False)):
        r = row._asdict()
        col, line = i % ncols, i // ncols
        x0, y0 = col + 0.03, nrows - line - 0.97
        ax.add_patch(FancyBboxPatch((x0, y0), 0.94, 0.94, boxstyle="round,pad=0.0,rounding_size=0.04",
                                    facecolor="white", edgecolor=colors[i], linewidth=2.5))
        title = f"{r['persona']}. {r['name']}"
        ax.text(x0 + 0.04, y0 + 0.87, textwrap.shorten(title, 48), fontsize=12, fontweight="bold",
                color=colors[i], va="top")
        size = f"{r['n_customers']:,} customers ({r['share']:.0%})"
        if "stability" in r and pd.notna(r["stability"]):
            size += f" · stability {r['stability']:.2f}"
        ax.text(x0 + 0.04, y0 + 0.76, size, fontsize=9, color="0.3", va="top")
        traits = str(r["traits"]).split("; ")[:max_traits]
        body = "\n".join(textwrap.fill("• " + t, 62, subsequent_indent="   ") for t in traits)
        ax.text(x0 + 0.04, y0 + 0.66, body, fontsize=8.5, va="top", linespacing=1.25)
        facts = []
        for k in kpis:
            if k in r and pd.notna(r[k]):
                v, lo, hi = r[k], r.get(f"{k}_low"), r.get(f"{k}_high")
                fmt = "{:.0%}" if k.endswith("rate") else ("{:+.0f}" if k == "nps" else "{:,.1f}")
                ci = f" [{fmt.format(lo)}, {fmt.format(hi)}]" if pd.notna(lo) else ""
                facts.append(f"{k.replace('_', ' ')} {fmt.format(v)}{ci}")
        if facts:
            ax.text(x0 + 0.04, y0 + 0.05, textwrap.fill(" | ".join(facts), 70), fontsize=8.5,
                    color="0.15", va="bottom")
    ax.set_title("Persona cards", fontsize=13, loc="left")
    return ax


def plot_persona_map(data: pd.DataFrame, *, x: str = "pc_1", y: str = "pc_2", hue: str = "persona",
                     names=None, max_points: int = 5000, random_state: int = 0, ax=None):
    """Customers on the model's first two components, coloured by persona.

    ``data`` holds the coordinates (``model.transform(features)``) and a ``hue`` column (e.g.
    joined with ``model.predict(features)``). Large data are thinned to ``max_points`` (seeded).
    """
    import seaborn as sns

    for col in (x, y, hue):
        if col not in data.columns:
            raise KeyError(f"plot_persona_map needs column {col!r}; columns found: {list(data.columns)}")
    d = data
    if len(d) > max_points:
        d = d.sample(max_points, random_state=random_state)
    d = d.assign(**{hue: d[hue].map(lambda p: f"{p}: {names.get(p, p)}" if names else str(p))})
    order = sorted(d[hue].unique())
    ax = _axes(ax, (7.5, 6))
    sns.scatterplot(data=d, x=x, y=y, hue=hue, hue_order=order, palette=_palette(len(order)),
                    s=10, alpha=0.55, linewidth=0, ax=ax)
    centres = d.groupby(hue)[[x, y]].median()
    for label, (cx, cy) in centres.iterrows():
        ax.text(cx, cy, str(label).split(":")[0], fontsize=13, fontweight="bold", ha="center",
                va="center", bbox=dict(boxstyle="circle", facecolor="white", alpha=0.8))
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.set_title("Customers mapped by their features, coloured by persona")
    ax.legend(title="persona", fontsize=8, markerscale=2, loc="best")
    return ax


def plot_persona_kpis(data: pd.DataFrame, *, kpi: str = "nps", names=None, ax=None):
    """One KPI per persona with its confidence interval, against the overall value.

    ``data`` is the long output of :func:`cxlab.personas.persona_kpis` (rows ``persona`` x ``kpi``,
    with an ``"all"`` persona for the overall line).
    """
    d = data[data["kpi"] == kpi]
    if d.empty:
        raise ValueError(f"kpi {kpi!r} not in data; available: {sorted(data['kpi'].unique())}")
    overall = d[d["persona"].astype(str) == "all"]
    d = d[d["persona"].astype(str) != "all"].reset_index(drop=True)
    labels = [f"{p}: {textwrap.shorten(str(names.get(p, p)), 30)}" if names else f"persona {p}"
              for p in d["persona"]]
    ax = _axes(ax, (7, 0.8 + 0.6 * len(d)))
    colors = _palette(len(d))
    ypos = np.arange(len(d))[::-1]
    err = np.vstack([d["value"] - d["low"], d["high"] - d["value"]])
    for i in range(len(d)):
        ax.errorbar(d["value"].iloc[i], ypos[i], xerr=err[:, i:i + 1], fmt="o", color=colors[i],
                    capsize=4, markersize=8)
    if len(overall):
        ax.axvline(float(overall["value"].iloc[0]), color="0.4", linestyle="--", label="all customers")
        ax.legend(loc="best", fontsize=8)
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels)
    ax.set_xlabel(f"{kpi.replace('_', ' ')} (95% interval)")
    ax.set_title(f"{kpi.replace('_', ' ').upper() if kpi == 'nps' else kpi.replace('_', ' ').capitalize()} by persona")
    return ax
