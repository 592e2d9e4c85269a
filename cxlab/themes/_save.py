"""Saving a fitted model's comment x theme table for the later steps (journey, gaps, monitoring).

The journey and gap-report code (:func:`cxlab.journey.load_report_inputs`) and the ``gaps`` /
``monitor`` commands pick up ``data/processed/theme_assignments.parquet`` and
``data/processed/comment_sentiment.parquet`` when present, so fitted themes flow into those
reports instead of the taxonomy's seed-word fallback.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError

__all__ = ["save_theme_assignments", "theme_assignment_tables", "load_theme_assignments"]

ASSIGNMENT_COLUMNS = ("feedback_id", "theme", "theme_label", "weight", "sentiment", "is_primary")


def theme_assignment_tables(miner, feedback: pd.DataFrame, *, id_col: str = "feedback_id"
                            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables :func:`save_theme_assignments` writes, without writing them.

    Parameters
    ----------
    miner : ThemeMiner
        Fitted. When ``feedback`` is what it was fitted on, its stored tables are reused;
        otherwise ``feedback`` is assigned with :meth:`ThemeMiner.assign`.
    feedback : DataFrame
        Comments with ``miner.text_col`` and ``id_col``.
    id_col : str, default="feedback_id"
        Comment id column.

    Returns
    -------
    (assignments, sentiment) : tuple of DataFrame
        ``assignments``: ``feedback_id, theme, theme_label, weight, sentiment, is_primary``, one
        row per comment x theme it raises (``unthemed`` rows included: their share stays
        visible), sorted by ``feedback_id`` then primary first; rows without an id are skipped
        with a warning. ``sentiment``:
        ``feedback_id, sentiment`` (whole comment, -1..1), one row per comment.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.themes import ThemeMiner
    >>> fb = pd.DataFrame({"feedback_id": [str(i) for i in range(20)],
    ...                    "text": ["parcel arrived late", "the dress runs small"] * 10})
    >>> miner = ThemeMiner(n_themes=2, random_state=0).fit(fb)
    >>> a, s = theme_assignment_tables(miner, fb)
    >>> a.columns.tolist(), len(s)
    (['feedback_id', 'theme', 'theme_label', 'weight', 'sentiment', 'is_primary'], 20)
    """
    miner._check_fitted()
    if not isinstance(feedback, pd.DataFrame):
        raise ParameterError(f"feedback must be a DataFrame with {id_col!r} and {miner.text_col!r} columns, "
                             f"got {type(feedback).__name__}.")
    missing = [c for c in (id_col, miner.text_col) if c not in feedback.columns]
    if missing:
        raise SchemaError(f"feedback: column(s) {missing} not found; it has {list(map(str, feedback.columns))}. "
                          "Pass id_col='<your id column>' (and fit the miner with text_col=...).")
    ids = feedback[id_col]
    texts = miner._texts(feedback, where="save_theme_assignments")
    if miner._is_training(texts):
        comments, assignments = miner.comments_, miner.assignments_
    else:
        comments, assignments = miner.assign(feedback)
    # assignments hold max(n_themes, 1) rows per comment, in comment order (unthemed = 1 row)
    per = comments["n_themes"].clip(lower=1).to_numpy()
    if per.sum() != len(assignments):  # pragma: no cover - guards the table contract
        raise SchemaError("ThemeMiner tables are inconsistent; refit the model.")
    has_id = ids.notna().to_numpy()
    if not has_id.all():
        # without an id a row cannot be joined to anything downstream: skipped, and said so
        warnings.warn(f"{int((~has_id).sum())} of {len(ids)} comment(s) have no {id_col!r} and were not "
                      "saved; give every comment an id to keep them.", UserWarning, stacklevel=3)
    fid = ids.astype(object).where(ids.notna(), "").astype(str).to_numpy()
    rows = np.repeat(np.arange(len(fid)), per)
    out = pd.DataFrame({
        "feedback_id": fid[rows],
        "theme": assignments["theme_id"].astype(str).to_numpy(),
        "theme_label": assignments["theme_label"].astype(str).to_numpy(),
        "weight": assignments["weight"].to_numpy(float),
        "sentiment": assignments["sentiment"].to_numpy(float),
        "is_primary": assignments["is_primary"].to_numpy(bool),
    })
    out = out[has_id[rows]]
    out = out.sort_values(["feedback_id", "is_primary", "weight"], ascending=[True, False, False],
                          kind="stable").reset_index(drop=True)
    sentiment = pd.DataFrame({"feedback_id": fid, "sentiment": comments["sentiment"].to_numpy(float)})[has_id]
    sentiment = sentiment.sort_values("feedback_id", kind="stable").reset_index(drop=True)
    return out, sentiment


def save_theme_assignments(miner, feedback: pd.DataFrame, *, id_col: str = "feedback_id",
                           root=None) -> dict[str, Path]:
    """Save ``theme_assignments.parquet`` and ``comment_sentiment.parquet`` to ``data/processed``.

    Written atomically and deterministically with :func:`cxlab.io.save_processed`; the journey
    map, gap report and monitoring pick them up (see :func:`theme_assignment_tables` for the
    columns).

    Parameters
    ----------
    miner : ThemeMiner
        Fitted model.
    feedback : DataFrame
        Comments with ``id_col`` and the miner's ``text_col``.
    id_col : str, default="feedback_id"
    root : path, optional
        Project folder (default: :func:`cxlab.config.project_root`).

    Returns
    -------
    dict
        ``{"theme_assignments": path, "comment_sentiment": path}``.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from cxlab.themes import ThemeMiner
    >>> fb = pd.DataFrame({"feedback_id": [str(i) for i in range(20)],
    ...                    "text": ["parcel arrived late", "the dress runs small"] * 10})
    >>> miner = ThemeMiner(n_themes=2, random_state=0).fit(fb)
    >>> paths = save_theme_assignments(miner, fb, root=tempfile.mkdtemp())
    >>> sorted(p.name for p in paths.values())
    ['comment_sentiment.parquet', 'theme_assignments.parquet']
    """
    from cxlab.io import save_processed

    assignments, sentiment = theme_assignment_tables(miner, feedback, id_col=id_col)
    root = None if root is None else Path(root)
    return {
        "theme_assignments": save_processed(assignments, "theme_assignments", root=root),
        "comment_sentiment": save_processed(sentiment, "comment_sentiment", root=root),
    }


def load_theme_assignments(path: str | Path = "", *, root=None) -> pd.DataFrame | None:
    """Read a comment x theme table: a given file, or the one the themes notebook saved.

    Parameters
    ----------
    path : str or Path, default=""
        A Parquet/CSV table with ``feedback_id`` and a theme column (``theme`` or ``theme_id``,
        as written by :func:`save_theme_assignments` or ``cxlab themes``). ``""`` means
        ``data/processed/theme_assignments.parquet`` when it exists, else ``None``.
    root : path, optional
        Project folder for the default file.

    Returns
    -------
    DataFrame or None
        ``feedback_id, theme[, sentiment, theme_label]``, primary theme first; ``unthemed`` rows
        left out. ``None`` when ``path`` is ``""`` and nothing was saved.
    """
    from cxlab import config
    from cxlab.journey import read_theme_table

    if path in ("", None):
        saved = config.processed_dir(Path(root) if root is not None else None) / "theme_assignments.parquet"
        return read_theme_table(saved) if saved.is_file() else None
    return read_theme_table(path)
