"""What a scale run returns: :class:`ScaleResult`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ScaleResult"]


@dataclass
class ScaleResult:
    """Outcome of :func:`~cxlab.scale.mine_themes_at_scale`.

    Attributes
    ----------
    miner : ThemeMiner
        The model fitted on the sample (also saved as ``theme_model.pkl``).
    out_dir : Path
    n_rows : int
        Rows read from the input (each has one row in the ``comments`` parts).
    n_sampled : int
        Rows the model was fitted on.
    n_skipped : dict
        Input rows that could not be read, by reason (e.g. ``"malformed CSV line"``).
    flags : dict
        Comments flagged ``empty`` / ``non_english`` and ``unthemed`` (kept, counted).
    n_parts, n_parts_reused : int
        Parts in the output, and parts reused from an interrupted run.
    paths : dict
        ``comments`` and ``assignments`` (part folders), ``model``, ``themes_csv`` and, when
        the input has at most ``csv_max_rows`` rows, ``comments_csv`` and ``assignments_csv``.
    themes_kind : str
        ``"pain_points"`` (full table from aggregates) or ``"counts"``.
    timings : dict
        Seconds per step: ``sample``, ``fit``, ``assign``, ``outputs``, ``total``.
    engine : str
    """

    miner: object
    out_dir: Path
    n_rows: int
    n_sampled: int
    n_skipped: dict = field(default_factory=dict)
    flags: dict = field(default_factory=dict)
    n_parts: int = 0
    n_parts_reused: int = 0
    paths: dict = field(default_factory=dict)
    themes_kind: str = "counts"
    timings: dict = field(default_factory=dict)
    engine: str = "local"

    def summary(self) -> str:
        """A few plain lines: rows, themes, flags, skipped rows, outputs, time."""
        f = self.flags
        skipped = ", ".join(f"{n:,} {why}" for why, n in sorted(self.n_skipped.items())) or "none"
        n = max(self.n_rows, 1)
        lines = [
            f"{self.n_rows:,} comments -> {self.miner.n_themes_} themes (fitted on a sample of "
            f"{self.n_sampled:,}); engine {self.engine}, {self.n_parts} part(s)"
            + (f", {self.n_parts_reused} reused from an earlier run" if self.n_parts_reused else ""),
            f"flagged: {f.get('empty', 0):,} empty, {f.get('non_english', 0):,} non-English; "
            f"unthemed: {f.get('unthemed', 0):,} ({f.get('unthemed', 0) / n:.1%}); rows skipped: {skipped}",
            f"wrote {self.out_dir}: comments/, assignments/, " + ", ".join(
                Path(p).name for k, p in self.paths.items() if k not in ("comments", "assignments")),
            "time: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()),
        ]
        return "\n".join(lines)
