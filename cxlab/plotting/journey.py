"""Journey and gap figures: journey map, emotion curve, gap chart, impact x effort matrix, SWOT.

Every function takes a table from :mod:`cxlab.journey` / :mod:`cxlab.gaps`, draws on ``ax`` (a
new figure when None) and returns the Axes; none shows or saves.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from cxlab.gaps._stats import check_columns
from cxlab.plotting._labels import place_labels

__all__ = ["plot_journey_map", "plot_emotion_curve", "plot_gaps", "plot_impact_effort", "plot_swot"]

_NEG, _POS, _NEUTRAL, _TARGET = "#c0392b", "#1e8449", "#7f8c8d", "#34495e"
_STAGE_COLOURS = ("#d6eaf8", "#aed6f1", "#85c1e9", "#5dade2", "#3498db", "#2e86c1", "#2874a6")


def _new_ax(ax, size):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax


def _printable(text: str) -> str:
    # the default fonts have no emoji glyphs: drop them rather than print empty boxes
    return "".join(ch for ch in text if ord(ch) < 0x2600 or 0x2E80 <= ord(ch) < 0x1F000)


def _wrap(text, width, max_lines=None) -> str:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    text = " ".join(_printable(str(text)).split())
    lines = []
    for part in str(text).split("\n"):
        lines.extend(textwrap.wrap(part, width) or [""])
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(lines)


def _emotion_colour(v) -> str:
    if v is None or np.isnan(v):
        return _NEUTRAL
    return _NEG if v < -0.25 else _POS if v > 0.25 else "#d68910"


def plot_journey_map(data: pd.DataFrame, *, title: str | None = None, show_quotes: bool = True, ax=None):
    """Journey map: stages across; lanes for touchpoints, actions, emotion, pain points, KPIs.

    The emotion lane draws the current curve (mean emotion on -2..+2, shaded 95% band) against
    the dashed target curve; drop-off shares from the order funnel and a redacted customer
    quote per stage sit in their own lanes.

    Parameters
    ----------
    data : DataFrame
        :attr:`cxlab.journey.JourneyMapper.stages_` (one row per stage: ``label``,
        ``touchpoints``, ``actions``, ``emotion``, ``ci_low``, ``ci_high``, ``target_emotion``,
        ``pain_points``, ``kpi_text``, ``drop_off``, ``quote``, ``n_feedback``).
    title : str, optional
    show_quotes : bool, default True
        Add the "Customers say" lane (quotes must already be redacted, as ``stages_`` are).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> st = pd.DataFrame({"label": ["Buy", "Get"], "emotion": [0.5, -1.0], "ci_low": [0.3, -1.2],
    ...                    "ci_high": [0.7, -0.8]})
    >>> plot_journey_map(st).get_xlim() == (-1.45, 1.5)
    True
    """
    check_columns(data, ["label", "emotion", "ci_low", "ci_high"], arg="data",
                  hint=" Pass JourneyMapper().fit(...).stages_.")
    from matplotlib.patches import Polygon, Rectangle

    n = len(data)
    lanes = [("header", 0.75), ("Touchpoints", 1.0), ("Customer\nactions", 0.85), ("Emotion\n(-2..+2)", 2.6),
             ("Pain points", 1.15), ("KPIs", 1.05), ("Drop-off", 0.55)]
    quotes = data["quote"].fillna("") if "quote" in data.columns else pd.Series([""] * n)
    if show_quotes and (quotes != "").any():
        lanes.append(("Customers\nsay", 1.35))
    total = sum(h for _, h in lanes)
    ax = _new_ax(ax, (max(11.0, 2.7 * n + 2.2), 1.05 * total + 1.0))
    top, spans = total, {}
    for name, h in lanes:
        spans[name] = (top - h, top)
        top -= h
    ax.set_xlim(-1.45, n - 0.5)
    ax.set_ylim(0, total)
    ax.axis("off")
    col_w = 0.96
    width_chars = 24

    def cell_text(lane, i, text, **kw):
        lo, hi = spans[lane]
        ax.text(i, (lo + hi) / 2, text, ha="center", va="center", fontsize=kw.pop("fontsize", 9), **kw)

    for k, (name, h) in enumerate(lanes[1:]):
        lo, hi = spans[name]
        ax.add_patch(Rectangle((-1.45, lo), n + 0.95, h, color="#f4f6f7" if k % 2 == 0 else "white", zorder=0, lw=0))
        ax.text(-1.4, (lo + hi) / 2, name, ha="left", va="center", fontsize=10, fontweight="bold", color="#2c3e50")
    # header: chevrons in journey order
    lo, hi = spans["header"]
    for i, row in enumerate(data.itertuples()):
        c = _STAGE_COLOURS[min(i, len(_STAGE_COLOURS) - 1)]
        x0, x1, tip = i - col_w / 2, i + col_w / 2, 0.12
        pts = [(x0, lo + 0.08), (x1 - tip, lo + 0.08), (x1, (lo + hi) / 2), (x1 - tip, hi - 0.05), (x0, hi - 0.05)]
        if i:
            pts.append((x0 + tip, (lo + hi) / 2))
        ax.add_patch(Polygon(pts, closed=True, color=c, zorder=1))
        nfb = getattr(row, "n_feedback", None)
        sub = f"\n{int(nfb):,} comments" if nfb is not None and not pd.isna(nfb) else ""
        ax.text(i, (lo + hi) / 2, f"{row.label}{sub}", ha="center", va="center", fontsize=10.5,
                fontweight="bold", color="#1b2631" if i < 3 else "white", zorder=2)
    for i, row in enumerate(data.itertuples()):
        tps = str(getattr(row, "touchpoints", "") or "").replace("_", " ").replace(", ", "\n")
        cell_text("Touchpoints", i, tps, color="#1b2631")
        cell_text("Customer\nactions", i, _wrap(getattr(row, "actions", ""), width_chars, 3), color="#34495e",
                  style="italic")
        pains = str(getattr(row, "pain_points", "") or "")
        pains = "\n".join(_wrap("• " + p.strip(), width_chars, 2) for p in pains.split(";") if p.strip())
        cell_text("Pain points", i, pains or "-", color=_NEG if pains else _NEUTRAL)
        cell_text("KPIs", i, str(getattr(row, "kpi_text", "") or "-"), color="#1b2631")
        drop = getattr(row, "drop_off", np.nan)
        what = getattr(row, "drop_off_label", None) or "lost here"
        cell_text("Drop-off", i, f"{drop:.0%} {what}" if drop is not None and not pd.isna(drop) else "-",
                  color=_NEG if drop is not None and not pd.isna(drop) and drop >= 0.1 else "#1b2631",
                  fontweight="bold" if drop is not None and not pd.isna(drop) else "normal")
        if "Customers\nsay" in spans:
            q = quotes.iloc[i]
            cell_text("Customers\nsay", i, f"“{_wrap(q, width_chars + 2, 4)}”" if q else "-", color="#4d5656",
                      style="italic", fontsize=8.5)
    # emotion lane
    lo, hi = spans["Emotion\n(-2..+2)"]
    pad = 0.22

    def ey(v):
        return lo + pad + (np.asarray(v, dtype=float) + 2) / 4 * (hi - lo - 2 * pad)

    x = np.arange(n)
    ax.fill_between([-0.5, n - 0.5], ey(0), ey(2), color=_POS, alpha=0.05, lw=0)
    ax.fill_between([-0.5, n - 0.5], ey(-2), ey(0), color=_NEG, alpha=0.05, lw=0)
    for v in (-2, 0, 2):
        ax.plot([-0.5, n - 0.5], [ey(v)] * 2, color="#bfc9ca", lw=0.8 if v else 1.2, ls=":" if v else "-", zorder=1)
        ax.text(-0.52, ey(v), f"{v:+d}" if v else "0", ha="right", va="center", fontsize=8, color="#7f8c8d")
    ax.fill_between(x, ey(data["ci_low"]), ey(data["ci_high"]), color="#5d6d7e", alpha=0.25, lw=0, zorder=2,
                    label="95% band")
    ax.plot(x, ey(data["emotion"]), color="#2c3e50", lw=2.4, zorder=3, label="current")
    if "target_emotion" in data.columns and data["target_emotion"].notna().any():
        ax.plot(x, ey(data["target_emotion"]), color=_TARGET, lw=1.6, ls="--", marker="o", mfc="white",
                ms=6, zorder=3, label="target")
    for i, v in enumerate(data["emotion"]):
        if pd.isna(v):
            continue
        ax.scatter([i], [ey(v)], s=110, color=_emotion_colour(v), edgecolor="white", lw=1.5, zorder=4)
        ax.text(i + 0.1, ey(v) + 0.2, f"{v:+.2f}", fontsize=9.5, fontweight="bold", color=_emotion_colour(v),
                va="bottom", ha="left", zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.legend(loc="upper right", fontsize=8, frameon=False, ncol=3, bbox_to_anchor=(1.0, (hi - 0.02) / total),
              bbox_transform=ax.transAxes)
    if title:
        ax.set_title(title, fontsize=13, fontweight="bold", loc="left")
    return ax


def plot_emotion_curve(data: pd.DataFrame, *, x: str = "journey_stage", y: str = "emotion", hue: str | None = None,
                       target: dict | None = None, ax=None):
    """Emotion curve(s) with confidence bands, e.g. before vs after a date (``hue="period"``).

    Parameters
    ----------
    data : DataFrame
        :func:`cxlab.journey.emotion_curve` output (``x``, ``y``, ``ci_low``, ``ci_high``).
    hue : str, optional
        One line per value (e.g. ``"period"``).
    target : dict, optional
        ``{stage: desired emotion}`` drawn dashed.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> c = pd.DataFrame({"journey_stage": ["a", "b"], "emotion": [0.5, -0.5], "ci_low": [0.4, -0.6],
    ...                   "ci_high": [0.6, -0.4]})
    >>> plot_emotion_curve(c).get_ylim() == (-2.1, 2.1)
    True
    """
    check_columns(data, [x, y, "ci_low", "ci_high"], arg="data")
    ax = _new_ax(ax, (9, 4.5))
    cats = list(dict.fromkeys(data[x].astype(str)))
    pos = {c: i for i, c in enumerate(cats)}
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=False))
    palette = ["#2c3e50", _NEG, "#2874a6", "#d68910", _POS]
    for k, (name, g) in enumerate(groups):
        xs = g[x].astype(str).map(pos).to_numpy()
        col = palette[k % len(palette)]
        ax.fill_between(xs, g["ci_low"], g["ci_high"], color=col, alpha=0.18, lw=0)
        ax.plot(xs, g[y], color=col, marker="o", lw=2, label=str(name) if name is not None else "current")
    if target:
        tx = [pos[s] for s in cats if s in target]
        ax.plot(tx, [target[s] for s in cats if s in target], color=_TARGET, ls="--", marker="o", mfc="white",
                label="target")
    ax.axhline(0, color="#95a5a6", lw=0.8)
    ax.set_xticks(range(len(cats)), [c.replace("_", " ") for c in cats])
    ax.set_ylim(-2.1, 2.1)
    ax.set_ylabel("emotion (-2 very negative .. +2 very positive)")
    ax.set_xlabel("")
    ax.legend(frameon=False, fontsize=9)
    return ax


def plot_gaps(data: pd.DataFrame, *, y: str = "touchpoint", x: str = "gap", ax=None):
    """Gap chart: each group's mean gap with its interval; significant shortfalls in red.

    Parameters
    ----------
    data : DataFrame
        :func:`cxlab.gaps.expectation_gaps` (or :func:`cxlab.gaps.internal_vs_customer` with
        ``x="difference"``) output with ``ci_low``, ``ci_high`` and ``significant``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> g = pd.DataFrame({"touchpoint": ["returns", "app"], "gap": [-2.0, 0.1], "ci_low": [-2.2, -0.1],
    ...                   "ci_high": [-1.8, 0.3], "significant": [True, False]})
    >>> plot_gaps(g).get_xlabel()
    'perception - expectation (1-7 scale; below 0 = shortfall)'
    """
    check_columns(data, [y, x, "ci_low", "ci_high"], arg="data")
    ax = _new_ax(ax, (8, 0.42 * len(data) + 1.5))
    d = data.reset_index(drop=True).iloc[::-1]
    sig = d["significant"].astype(bool) if "significant" in d else pd.Series(True, index=d.index)
    ys = np.arange(len(d))
    cols = [(_NEG if v < 0 else _POS) if s else _NEUTRAL for v, s in zip(d[x], sig)]
    ax.hlines(ys, d["ci_low"], d["ci_high"], color=cols, lw=2.5)
    ax.scatter(d[x], ys, color=cols, s=45, zorder=3)
    ax.axvline(0, color="#2c3e50", lw=1)
    ax.set_yticks(ys, [str(v).replace("_", " ") for v in d[y]])
    ax.set_xlabel("perception - expectation (1-7 scale; below 0 = shortfall)" if x == "gap" else x.replace("_", " "))
    ax.grid(axis="x", alpha=0.3)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return ax


def plot_impact_effort(data: pd.DataFrame, *, x: str = "effort", y: str = "value", label: str = "label",
                       size: str | None = "reach", ax=None):
    """Impact x effort matrix of prioritised gaps, with quadrant names.

    Parameters
    ----------
    data : DataFrame
        :func:`cxlab.gaps.prioritise_gaps` output (``effort``, ``value``, ``label``, ``reach``).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> p = pd.DataFrame({"effort": [2, 4], "value": [0.3, 0.1], "label": ["a", "b"], "reach": [0.5, 0.2]})
    >>> plot_impact_effort(p).get_xlim() == (0.5, 5.5)
    True
    """
    check_columns(data, [x, y, label], arg="data", hint=" Pass cxlab.gaps.prioritise_gaps() output.")
    ax = _new_ax(ax, (8, 6))
    med = float(data[y].median()) if len(data) else 0.0
    if "quadrant" in data and y == "value":
        # prioritise_gaps drew the line over all gaps; a top-N slice must show the same line
        high = data["quadrant"].isin(["quick win", "major project"])
        if high.any():
            med = float(data.loc[high, y].min())
    ymax = float(data[y].max()) * 1.25 if len(data) and data[y].max() > 0 else 1.0
    ax.axvline(3, color="#95a5a6", lw=1, ls="--")
    ax.axhline(med, color="#95a5a6", lw=1, ls="--")
    for tx, ty, name in ((1.0, ymax * 0.97, "quick wins"), (5.0, ymax * 0.97, "major projects"),
                         (1.0, 0.01 * ymax, "fill-ins"), (5.0, 0.01 * ymax, "reconsider")):
        ax.text(tx, ty, name, ha="center", va="top" if ty > med else "bottom", fontsize=10, color="#7f8c8d",
                fontweight="bold")
    sizes = 80 + 900 * data[size].astype(float) if size and size in data else 120
    rank = data["rank"] if "rank" in data else pd.Series(range(1, len(data) + 1), index=data.index)
    if "quadrant" in data and y == "value":  # the table's own quadrants, so plot and table agree
        cols = data["quadrant"].map({"quick win": _POS, "major project": "#d68910"}).fillna(_NEUTRAL).to_numpy()
    else:
        cols = np.where(data[y] >= med, np.where(data[x] <= 3, _POS, "#d68910"), _NEUTRAL)
    ax.scatter(data[x], data[y], s=sizes, c=cols, alpha=0.65, edgecolor="white", lw=1.5, zorder=3)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0, ymax)
    # each label beside its bubble, moved up or down (with a leader line) to keep off the others
    area = np.broadcast_to(np.asarray(sizes, float), len(data))
    texts = [f"{rk}. {str(r[label]).replace('_', ' ')}" for (_, r), rk in zip(data.iterrows(), rank)]
    place_labels(ax, data[x].to_numpy(float), data[y].to_numpy(float), texts, fontsize=9,
                 beside=np.sqrt(area) / 2 + 3, markers=area, order=np.argsort(-area, kind="stable"))
    ax.set_xlabel("effort (1 = days, 5 = multi-quarter programme)")
    ax.set_ylabel("value = impact x reach x severity")
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return ax


def plot_swot(data: pd.DataFrame, *, ax=None):
    """SWOT as a 2 x 2 grid of text boxes from :func:`cxlab.gaps.build_swot`.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> s = pd.DataFrame({"quadrant": ["weakness"], "item": ["returns"], "evidence": ["gap -2.4"]})
    >>> plot_swot(s).get_xlim() == (0.0, 2.0)
    True
    """
    check_columns(data, ["quadrant", "item", "evidence"], arg="data")
    from matplotlib.patches import Rectangle

    ax = _new_ax(ax, (12, 7))
    spec = {"strength": (0, 1, "#d5f5e3", "Strengths"), "weakness": (1, 1, "#fadbd8", "Weaknesses"),
            "opportunity": (0, 0, "#d6eaf8", "Opportunities"), "threat": (1, 0, "#fdebd0", "Threats")}
    for q, (cx, cy, colour, title) in spec.items():
        ax.add_patch(Rectangle((cx + 0.01, cy + 0.01), 0.98, 0.98, color=colour, lw=0))
        ax.text(cx + 0.04, cy + 0.93, title, fontsize=13, fontweight="bold", va="top")
        rows = data[data["quadrant"] == q]
        body = "\n".join(_wrap(f"• {r.item}: {r.evidence}", 58, 3) for r in rows.itertuples()) or "(no evidence)"
        ax.text(cx + 0.04, cy + 0.8, body, fontsize=9, va="top", linespacing=1.35)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.axis("off")
    return ax
