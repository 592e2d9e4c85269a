"""Point labels that do not overlap one another, nor (optionally) the other points' markers."""
from __future__ import annotations

import numpy as np

__all__ = ["place_labels"]


def _marker_boxes(ax, xs, ys, markers):
    """Display-space boxes of scatter markers of area ``markers`` (points^2, as scatter's ``s``)."""
    from matplotlib.transforms import Bbox

    px = ax.figure.dpi / 72.0
    centres = ax.transData.transform(np.column_stack([xs, ys]))
    radii = np.sqrt(np.broadcast_to(np.asarray(markers, float), len(xs))) / 2 * px
    return [Bbox.from_extents(cx - r, cy - r, cx + r, cy + r) if np.isfinite([cx, cy]).all() else None
            for (cx, cy), r in zip(centres, radii)]


def place_labels(ax, xs, ys, texts, *, order=None, fontsize: float = 8, step: float = 10.0,
                 max_tries: int = 12, beside=None, markers=None) -> list:
    """Label points without overlaps; each label is moved up/down in steps until it fits.

    By default a label is centred on its point (bubble charts). With ``beside`` (points, a number
    or one per point, e.g. each marker's radius plus a margin) it sits that far to the right of its
    point, or to the left when the right is taken or outside the axes. With ``markers`` (marker
    areas in points^2, as scatter's ``s``) labels also keep off the other points' markers.

    Labels are placed in ``order`` (default: as given; pass the biggest points first so they keep
    their spot). A label that cannot sit level with its point goes to the nearest free slot
    ``step`` points above or below and gets a thin leader line; after ``max_tries`` slots each way
    it is placed level with its point anyway. Set the axes limits first: the placement is done in
    display space. Deterministic: the same data give the same picture. Returns the annotations.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.scatter([0, 0.001], [0, 0])
    >>> a, b = place_labels(ax, [0, 0.001], [0, 0], ["late delivery", "slow delivery"])
    >>> bool(a.get_window_extent().overlaps(b.get_window_extent()))
    False
    """
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    ax.autoscale_view()
    order = range(len(texts)) if order is None else order
    obstacles = _marker_boxes(ax, xs, ys, markers) if markers is not None else [None] * len(texts)
    pads = None if beside is None else np.broadcast_to(np.asarray(beside, float), len(texts))
    frame = ax.get_window_extent()
    placed, out = [], [None] * len(texts)

    def extent(i, dx, dy, ha):  # the label's box at this spot, with a small margin
        ann = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                          fontsize=fontsize, ha=ha, va="center")
        box = ann.get_window_extent().expanded(1.04, 1.15)
        ann.remove()
        return box

    for i in order:
        if not np.isfinite(xs[i]) or not np.isfinite(ys[i]):
            continue
        offsets = [0.0] + [sign * k * step for k in range(1, max_tries + 1) for sign in (1, -1)]
        sides = [(0.0, "center")] if pads is None else [(pads[i], "left"), (-pads[i], "right")]
        spots = [(dx, dy, ha) for dy in offsets for dx, ha in sides]
        others = [b for j, b in enumerate(obstacles) if b is not None and j != i]
        chosen = None
        for dx, dy, ha in spots:
            box = extent(i, dx, dy, ha)
            inside = pads is None or (box.x0 >= frame.x0 and box.x1 <= frame.x1)
            if inside and not any(box.overlaps(b) for b in [*placed, *others]):
                chosen = (dx, dy, ha, box)
                break
        if chosen is None:  # nowhere free: level with the point, on the first side
            chosen = (*spots[0], extent(i, *spots[0]))
        dx, dy, ha, box = chosen
        leader = {"arrowstyle": "-", "color": "0.4", "lw": 0.6, "shrinkA": 0, "shrinkB": 0} if dy else None
        out[i] = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                             fontsize=fontsize, ha=ha, va="center", arrowprops=leader)
        placed.append(box)
    return out
