"""Reading comments for theme mining: canonical feedback tables are validated and accounted for."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cxlab.exceptions import SchemaError

__all__ = ["read_comments"]


def read_comments(source, *, id_col: str | None = None):
    """Read a table of comments; return ``(comments, load_report)``.

    A table with the canonical feedback columns (see :mod:`cxlab.schemas`) is loaded with
    :func:`cxlab.io.load_feedback`, so duplicate exports, rows without an id or date and
    off-scale scores are dropped or repaired and each is accounted for in the returned
    :class:`~cxlab.io.LoadReport`. Any other table (a review export, a tweet dump) is read as it is,
    delimiter and encoding sniffed, every row kept, and the report is ``None``.

    Parameters
    ----------
    source : path or DataFrame
        CSV/TSV (any delimiter or encoding), Excel, Parquet or JSON lines.
    id_col : str, optional
        Comment id column, read as text so ``00123`` stays ``00123``.

    Examples
    --------
    >>> import pandas as pd
    >>> comments, report = read_comments(pd.DataFrame({"review": ["Runs small", "Love it"]}))
    >>> len(comments), report is None
    (2, True)
    """
    from cxlab.io import load_feedback
    from cxlab.io._read import read_source

    try:
        comments, report = load_feedback(source)
    except SchemaError:  # not a canonical feedback table: analyse every row as given
        keep_text = (lambda header: [id_col] if id_col in header else []) if id_col else None
        return read_source(source if isinstance(source, pd.DataFrame) else Path(source),
                           text_columns=keep_text).frame, None
    return comments, report
