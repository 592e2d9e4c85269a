"""Tables built from the parts: ``comments.csv`` / ``assignments.csv`` and ``themes.csv``.

The CSVs are streamed part by part (bounded memory) in exactly the format ``cxlab themes``
writes for small inputs: UTF-8, ``\\n`` line endings, spreadsheet-safe, same columns.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.scale._work import part_name

__all__ = ["write_csv_tables", "themes_table", "write_themes_csv"]

_COMMENT_CSV = ("text_redacted", "is_empty", "is_non_english", "sentiment", "sentiment_label",
                "primary_theme", "primary_label", "n_themes")
_ASSIGNMENT_CSV = ("theme_id", "theme_label", "weight", "sentiment", "sentiment_label", "n_clauses",
                   "is_primary")


def _csv_text(df: pd.DataFrame, header: bool) -> str:
    from cxlab.io import safe_for_spreadsheet

    return safe_for_spreadsheet(df).to_csv(index=False, header=header, lineterminator="\n",
                                           float_format="%.10g")


_FRAGMENTS = ".csv_parts"


def _csv_frame(t: pd.DataFrame, kind: str, id_col: str | None) -> pd.DataFrame:
    """The rows of ``comments.csv`` / ``assignments.csv`` for one part table."""
    columns = list(_COMMENT_CSV if kind == "comments" else _ASSIGNMENT_CSV)
    ids = t["comment_id"].astype(object).to_numpy() if id_col else t["row"].to_numpy(np.int64) + 1
    df = t[columns].astype({c: object for c in columns if str(t[c].dtype) in ("str", "string")})
    df.insert(0, id_col or "row", ids)
    return df


def _fragment_path(out_dir: Path, kind: str, part: int) -> Path:
    return Path(out_dir) / _FRAGMENTS / kind / part_name(part).replace(".parquet", ".csv")


def write_csv_fragment(table: pd.DataFrame, out_dir: Path, kind: str, part: int, *, id_col) -> Path:
    """One part's CSV rows (no header), written atomically beside the Parquet parts."""
    from cxlab.io._write import atomic_writer

    path = _fragment_path(out_dir, kind, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(_csv_text(_csv_frame(table, kind, id_col), header=False))
    return path


def _stream(out_dir: Path, kind: str, parts: list[int], id_col: str | None) -> Path:
    from cxlab.io._write import atomic_writer

    columns = list(_COMMENT_CSV if kind == "comments" else _ASSIGNMENT_CSV)
    path = out_dir / f"{kind}.csv"
    with atomic_writer(path, "w", encoding="utf-8", newline="") as fh:
        header = pd.DataFrame(columns=[id_col or "row", *columns])
        fh.write(_csv_text(header, header=True))
        for part in parts:
            frag = _fragment_path(out_dir, kind, part)
            if frag.is_file():  # formatted by the worker that wrote the part
                fh.write(frag.read_text(encoding="utf-8"))
            else:  # e.g. parts of an earlier run: format them here
                t = pd.read_parquet(out_dir / kind / part_name(part), columns=["row", "comment_id", *columns])
                fh.write(_csv_text(_csv_frame(t, kind, id_col), header=False))
    return path


def write_csv_tables(out_dir: Path, parts: list[int], *, id_col: str | None) -> dict[str, Path]:
    """Write ``comments.csv`` and ``assignments.csv`` as ``cxlab themes`` does for small inputs."""
    out_dir = Path(out_dir)
    paths = {"comments_csv": _stream(out_dir, "comments", parts, id_col),
             "assignments_csv": _stream(out_dir, "assignments", parts, id_col)}
    drop_fragments(out_dir)
    return paths


def drop_fragments(out_dir: Path) -> None:
    import shutil

    shutil.rmtree(Path(out_dir) / _FRAGMENTS, ignore_errors=True)


def _count_table(out_dir: Path, miner, parts: list[int]) -> pd.DataFrame:
    """Per theme counts and sentiment from the assignment parts (used until the aggregate
    pain-point table is available)."""
    from cxlab.themes._assign import UNTHEMED

    ids = [*miner.theme_ids_, UNTHEMED]
    n_primary = dict.fromkeys(ids, 0)
    n_mentions = dict.fromkeys(ids, 0)
    sent_sum = dict.fromkeys(ids, 0.0)
    n_neg = dict.fromkeys(ids, 0)
    n_rows = 0
    for part in parts:
        a = pd.read_parquet(out_dir / "assignments" / part_name(part),
                            columns=["theme_id", "sentiment", "sentiment_label", "is_primary"])
        n_rows += int(a["is_primary"].sum())
        g = a.assign(neg=(a["sentiment_label"] == "negative"), prim=a["is_primary"].astype(int)).groupby(
            "theme_id", sort=True).agg(n=("prim", "size"), p=("prim", "sum"), s=("sentiment", "sum"),
                                       neg=("neg", "sum"))
        for t, r in g.iterrows():
            n_mentions[t] += int(r["n"])
            n_primary[t] += int(r["p"])
            sent_sum[t] += float(r["s"])
            n_neg[t] += int(r["neg"])
    from cxlab.themes._info import theme_info_row

    rows = [theme_info_row(miner, t, n_primary=n_primary[t], n_total=n_rows, n_comments=n_mentions[t],
                           sentiment_sum=sent_sum[t], n_negative=n_neg[t]) for t in ids]
    return pd.DataFrame(rows)


def themes_table(out_dir: Path, miner, parts: list[int], *, time_col=None, outcome_col=None,
                 segment_cols=(), customer_col=None, trend_within=None) -> tuple[pd.DataFrame, str]:
    """The theme table from aggregates of the parts; returns ``(table, kind)``.

    ``kind`` is ``"pain_points"`` when :func:`cxlab.scale._aggregate.summarise_parts` is
    available (same columns as :func:`cxlab.themes.pain_points`, plus keywords and anchored as
    ``cxlab themes`` writes), else ``"counts"`` (per theme counts and sentiment).
    """
    try:
        from cxlab.scale._aggregate import summarise_parts
    except ImportError:
        return _count_table(Path(out_dir), miner, parts), "counts"
    table = summarise_parts(out_dir, miner, time_col=time_col, outcome_col=outcome_col,
                            segment_cols=tuple(segment_cols), customer_col=customer_col,
                            trend_within=trend_within)
    if "keywords" not in table.columns:
        table.insert(3, "keywords", table["theme_id"].map(
            lambda t: ", ".join(miner.keywords_.get(t, []))))
    if "anchored" not in table.columns:
        table.insert(4, "anchored", table["theme_id"].map(lambda t: bool(miner.anchored_.get(t, False))))
    return table, "pain_points"


def write_themes_csv(table: pd.DataFrame, path: Path) -> Path:
    from cxlab.io import atomic_write_text

    atomic_write_text(path, _csv_text(table, header=True))
    return path
