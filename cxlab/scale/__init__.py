"""Themes at scale: millions of comments in bounded memory, on one machine or a Dask cluster.

:func:`mine_themes_at_scale` reads feedback in chunks (CSV or Parquet), fits a
:class:`~cxlab.themes.ThemeMiner` on a seeded sample, assigns every chunk on a local process
pool or a ``dask.distributed`` cluster and writes partitioned Parquet (``comments/``,
``assignments/``), the model, ``themes.csv`` and, when they fit, the same CSV tables as
``cxlab themes``. Interrupted runs resume where they stopped.

The tables of a run (the same as :func:`cxlab.themes.pain_points` and friends) are computed from
aggregates of its parts by :func:`summarise_parts` / :func:`aggregate_parts`;
:func:`feedback_themes_report` is what notebook 02 calls, in memory or out of core.
"""
from cxlab.scale._aggregate import ThemeAggregates, aggregate_parts, summarise_parts
from cxlab.scale._notebook import ThemesReport, feedback_themes_report
from cxlab.scale._pipeline import mine_themes_at_scale
from cxlab.scale._read import iter_chunks
from cxlab.scale._result import ScaleResult
from cxlab.scale._work import ASSIGNMENT_COLUMNS, COMMENT_COLUMNS

__all__ = ["mine_themes_at_scale", "ScaleResult", "iter_chunks", "COMMENT_COLUMNS", "ASSIGNMENT_COLUMNS",
           "summarise_parts", "aggregate_parts", "ThemeAggregates", "feedback_themes_report", "ThemesReport"]
