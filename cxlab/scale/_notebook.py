"""Everything the themes notebook (02) shows, for a table in memory or one too big for it.

:func:`feedback_themes_report` reads the comments, decides by size which path to take and
returns a :class:`ThemesReport` whose attributes are the notebook's tables, plots' data and
sentences, so the notebook stays a list of displays:

* up to ``large_input_rows`` comments: the table is read whole (canonical feedback tables are
  validated with :func:`cxlab.io.load_feedback`), :class:`~cxlab.themes.ThemeMiner` is fitted on
  every comment and :func:`~cxlab.themes.pain_points` computed as usual;
* above it (or for a folder of Parquet files that large): :func:`cxlab.scale.mine_themes_at_scale`
  fits on a seeded sample and assigns every comment chunk by chunk into Parquet parts, and every
  table comes from :func:`cxlab.scale._aggregate.aggregate_parts` (one streaming pass): the whole
  table is never in memory.
"""
from __future__ import annotations

import gzip
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import DataLoadError, ParameterError
from cxlab.scale._read import PARQUET_SUFFIXES, parquet_files

__all__ = ["ThemesReport", "count_input_rows", "feedback_themes_report"]


def _trend_text(r) -> str:
    """``"emerging (q<0.001): 9.8% -> 13.1%"`` from a pain-point row (first -> last third)."""
    if not isinstance(r.trend, str) or not r.trend:
        return ""
    q = getattr(r, "trend_q", np.nan)
    qtext = "" if pd.isna(q) else (" (q<0.001)" if q < 0.001 else f" (q={q:.3f})")
    first, last = getattr(r, "share_first", np.nan), getattr(r, "share_last", np.nan)
    shares = "" if pd.isna(first) or pd.isna(last) else f": {first:.1%} -> {last:.1%}"
    return f"{r.trend}{qtext}{shares}"


def _is_parquet(path: Path) -> bool:
    return path.is_dir() or path.name.lower().endswith(PARQUET_SUFFIXES)


def count_input_rows(source) -> int | None:
    """Rows of a Parquet file/folder (metadata), or lines of a CSV/JSON-lines file (an upper bound:
    a quoted comment spanning lines counts once per line), read in blocks without parsing.
    ``None`` for Excel (always read in memory: a workbook holds at most ~1M rows)."""
    path = Path(source)
    if not path.exists():
        raise DataLoadError(f"input_path {str(path)!r} not found; check the path (relative paths start at "
                            f"{Path.cwd().name}/).")
    if _is_parquet(path):
        import pyarrow.parquet as pq

        return int(sum(pq.ParquetFile(f).metadata.num_rows for f in parquet_files(path)))
    if path.name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        return None
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    n, last = 0, b"\n"
    with opener(path, "rb") as fh:
        while block := fh.read(1 << 22):
            n += block.count(b"\n")
            last = block[-1:]
    return max(n - 1 + (last != b"\n"), 0)  # minus the header line


@dataclass
class ThemesReport:
    """The notebook's content: see :func:`feedback_themes_report`.

    Attributes
    ----------
    large : bool
        True when the out-of-core path was taken.
    miner : ThemeMiner
    load_note, intro, flags_note : str
        Markdown sentences: load report, what was read, flagged and unthemed comments.
    selection, info, table : DataFrame
        Choice of the number of themes, the themes, the pain-point table.
    trends, segments : DataFrame or None
        Long tables for :func:`plot_theme_trends` / :func:`plot_theme_segments` (first segment
        column).
    feedback : DataFrame or None
        The comments (in-memory path only).
    scale : ScaleResult or None
        The out-of-core run (large path only); its parts are in ``scale.out_dir``.
    """

    large: bool
    miner: object
    load_note: str
    intro: str
    selection: pd.DataFrame
    info: pd.DataFrame
    flags_note: str
    table: pd.DataFrame
    trends: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = field(default=None, repr=False)
    scale: object = None
    id_col: str = ""
    _describe_with: object = field(default=None, repr=False)

    def describe(self, *, top: int = 3) -> str:
        """The top pain points in plain sentences (:func:`cxlab.themes.describe_pain_points`)."""
        from cxlab.themes import describe_pain_points

        return describe_pain_points(self.table, self._describe_with or self.miner, top=top)

    def ranked(self, segment_cols=()) -> pd.DataFrame:
        """The pain-point table as a reader needs it: one line per theme, 12 columns or fewer.

        The impact's interval and the trend's test and shares are folded into one text column
        each (``impact (95% CI)``, ``trend``); ``reach`` is the share of customers, or of
        comments without a customer column. ``segment_cols`` (list or comma-separated text)
        adds their ``top_<col>`` columns. The full table is :attr:`table` (``themes.csv``).
        """
        t = self.table
        reach = "share_customers" if "share_customers" in t.columns else "share_comments"
        out = t[["rank", "label", "n_comments"]].copy()
        out["reach"] = t[reach].round(3)
        for c in ("pct_negative", "mean_sentiment", "score_change_if_removed"):
            if c in t.columns:
                out[c] = t[c].round(3)
        if "impact" in t.columns:
            out["impact (95% CI)"] = [
                "" if pd.isna(m) else f"{m:+.2f} ({lo:+.2f} to {hi:+.2f})"
                for m, lo, hi in zip(t["impact"], t["impact_low"], t["impact_high"])]
        if "trend" in t.columns:
            out["trend"] = [_trend_text(r) for r in t.itertuples()]
        for c in [f"top_{s}" for s in _split(segment_cols)]:
            if c in t.columns:
                out[c] = t[c]
        out["severity"] = t["severity"].round(3)
        return out

    def quotes(self, *, top: int = 5) -> pd.DataFrame:
        """Representative quotes of the ``top`` pain points, one row per quote."""
        q = self.table[["rank", "label", "quotes"]].head(top)
        q = q.assign(quotes=q["quotes"].str.split(" [|] ", regex=True)).explode("quotes")
        return q.set_index(["rank", "label"])

    def save(self, *, root=None) -> str:
        """Save comment x theme rows and comment sentiment to ``data/processed``; say what was saved.

        The journey map (04), gap report (05), ``cxlab gaps`` and ``cxlab monitor`` read them.
        The large path streams them from the parts (input order) without loading them.
        """
        if self.large:
            return _save_from_parts(self.scale.out_dir, root=root)
        from cxlab.themes import save_theme_assignments

        id_name = self.id_col or "feedback_id"
        fb = self.feedback
        with_ids = fb if self.id_col else fb.assign(feedback_id=[str(i) for i in range(len(fb))])
        n_no_id = int(with_ids[id_name].isna().sum())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # comments without an id are counted below
            saved = save_theme_assignments(self.miner, with_ids, id_col=id_name,
                                           root=None if root is None else Path(root))
        written = pd.read_parquet(saved["theme_assignments"], columns=["feedback_id"])
        return _saved_text(len(written), written["feedback_id"].nunique(), n_no_id, id_name, saved)


def _saved_text(n_rows, n_comments, n_no_id, id_name, saved) -> str:
    return (f"Saved {n_rows:,} comment × theme rows ({n_comments:,} comments, `unthemed` "
            f"included) to `data/processed/{saved['theme_assignments'].name}` and each comment's sentiment to "
            f"`data/processed/{saved['comment_sentiment'].name}`; {n_no_id} comment(s) without a `{id_name}` could not "
            "be saved.")


def _save_from_parts(out_dir: Path, *, root=None) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cxlab import config

    folder = config.processed_dir(None if root is None else Path(root))
    folder.mkdir(parents=True, exist_ok=True)
    targets = {"theme_assignments": folder / "theme_assignments.parquet",
               "comment_sentiment": folder / "comment_sentiment.parquet"}
    a_schema = pa.schema([("feedback_id", pa.string()), ("theme", pa.string()), ("theme_label", pa.string()),
                          ("weight", pa.float64()), ("sentiment", pa.float64()), ("is_primary", pa.bool_())])
    s_schema = pa.schema([("feedback_id", pa.string()), ("sentiment", pa.float64())])
    tmp = {k: p.with_name(p.name + ".tmp") for k, p in targets.items()}
    n_rows = n_comments = n_no_id = 0
    with pq.ParquetWriter(tmp["theme_assignments"], a_schema) as wa, \
            pq.ParquetWriter(tmp["comment_sentiment"], s_schema) as ws:
        for part in sorted((out_dir / "assignments").glob("*.parquet")):
            a = pq.read_table(part, columns=["comment_id", "theme_id", "theme_label", "weight", "sentiment",
                                             "is_primary"]).to_pandas()
            ok = a["comment_id"].notna() & (a["comment_id"].astype(str) != "")
            a = a[ok]
            wa.write_table(pa.Table.from_pandas(pd.DataFrame({
                "feedback_id": a["comment_id"].astype(str).to_numpy(object),
                "theme": a["theme_id"].astype(str).to_numpy(object),
                "theme_label": a["theme_label"].astype(str).to_numpy(object),
                "weight": a["weight"].to_numpy(float), "sentiment": a["sentiment"].to_numpy(float),
                "is_primary": a["is_primary"].to_numpy(bool)}), schema=a_schema, preserve_index=False))
            n_rows += len(a)
        for part in sorted((out_dir / "comments").glob("*.parquet")):
            c = pq.read_table(part, columns=["comment_id", "sentiment"]).to_pandas()
            ok = c["comment_id"].notna() & (c["comment_id"].astype(str) != "")
            n_no_id += int((~ok).sum())
            c = c[ok]
            n_comments += len(c)
            ws.write_table(pa.Table.from_pandas(pd.DataFrame({
                "feedback_id": c["comment_id"].astype(str).to_numpy(object),
                "sentiment": c["sentiment"].to_numpy(float)}), schema=s_schema, preserve_index=False))
    for k, p in targets.items():
        os.replace(tmp[k], p)
    return _saved_text(n_rows, n_comments, n_no_id, "comment id", targets)


def _split(text) -> list[str]:
    if isinstance(text, str):
        return [w.strip() for w in text.split(",") if w.strip()]
    return list(text or ())


def feedback_themes_report(input_path: str = "", *, data_dir: str = "", text_col: str = "text",
                           id_col: str = "", time_col: str = "", outcome_col: str = "",
                           segment_cols="", customer_col: str = "", n_themes="auto", taxonomy: str = "",
                           stop_words="", random_state: int = 0, large_input_rows: int = 200_000,
                           out_parts_dir: str = "", chunk_size: int = 50_000, sample_size: int = 100_000,
                           engine: str = "local", trend_within: str = "") -> ThemesReport:
    """Read comments, find themes and build the themes notebook's tables, in memory or out of core.

    Parameters mirror notebook 02's (``""`` = not given; ``segment_cols`` and ``stop_words`` may be
    comma-separated text).

    Parameters
    ----------
    input_path : str
        Comments file (CSV/TSV, Excel, Parquet, JSON lines) or a folder of Parquet files;
        ``""`` = ``feedback.csv`` in ``data_dir`` (``""`` = the bundled demo data).
    large_input_rows : int, default=200_000
        Inputs with more rows go out of core (:func:`cxlab.scale.mine_themes_at_scale`): Excel
        and JSON inputs must then be converted to CSV or Parquet.
    out_parts_dir : str, default=""
        Where the out-of-core parts go; ``""`` = ``data/processed/themes_at_scale``.
    chunk_size, sample_size, engine
        Passed to :func:`cxlab.scale.mine_themes_at_scale` (large path only).
    trend_within : str, default=""
        Column (e.g. channel) whose groups the trend test holds apart, so a change in their mix is
        not read as a theme emerging (see :func:`cxlab.themes.pain_points`); ``""`` = none.

    Returns
    -------
    ThemesReport

    Examples
    --------
    >>> # report = feedback_themes_report("feedback.parquet", text_col="text", large_input_rows=100_000)
    >>> # report.table.head(); plot_theme_volume(report.table)
    """
    from cxlab.datasets import ensure_demo_data
    from cxlab.themes import find_taxonomy

    demo = ensure_demo_data(random_state=random_state) if not (input_path or data_dir) else None
    source = Path(input_path) if input_path else Path(data_dir or demo) / "feedback.csv"
    segments = _split(segment_cols)
    words = _split(stop_words)
    k = n_themes if n_themes == "auto" else int(n_themes)
    taxonomy_file = find_taxonomy(taxonomy, source if source.is_dir() else source.parent)
    n_rows = count_input_rows(source)
    common = dict(text_col=text_col, time_col=time_col or None, outcome_col=outcome_col or None,
                  segment_cols=segments, customer_col=customer_col or None, trend_within=trend_within or None)
    if n_rows is not None and n_rows > large_input_rows:
        return _large(source, n_rows, id_col=id_col, k=k, taxonomy_file=taxonomy_file, words=words,
                      random_state=random_state, large_input_rows=large_input_rows, out_parts_dir=out_parts_dir,
                      chunk_size=chunk_size, sample_size=sample_size, engine=engine, **common)
    return _small(source, id_col=id_col, k=k, taxonomy_file=taxonomy_file, words=words,
                  random_state=random_state, **common)


def _intro(n, name, text_col, time_col, outcome_col, segments) -> str:
    return (f"**{n:,} comments** read from `{name}`; "
            f"columns used: text `{text_col}`, time `{time_col or '-'}`, outcome `{outcome_col or '-'}`, "
            f"segments {segments or '-'}.")


def _threshold(miner) -> float:
    """The similarity threshold in use (``min_weight``, resolved when left to the backend)."""
    resolve = getattr(miner, "_min_weight", None)
    return resolve() if callable(resolve) else miner.min_weight


def _overlap_note(miner) -> str:
    """A sentence naming discovered themes that repeat a taxonomy theme (see ``seed_overlaps``)."""
    pairs = miner.seed_overlaps()
    if pairs.empty:
        return ""
    from cxlab.report_text import escape_markdown as esc

    items = "; ".join(f"*{esc(r.label)}* and *{esc(r.taxonomy_label)}* (shared: {esc(r.shared)})"
                      for r in pairs.itertuples())
    return (" **Check these pairs:** a discovered theme's top keywords are seeds or name words of a named theme, so "
            f"the two may split one subject: {items}. Merge them (`miner.merge_themes([...])`) or "
            "sharpen the taxonomy's seeds.")


def _flags_note(n_themes, min_weight, unthemed, n_empty, n_non_english) -> str:
    return (f"**{n_themes} themes.** A comment's primary theme is the one it matches best; it also raises "
            f"every other theme one of its clauses matches (similarity ≥ {min_weight}). "
            f"**{unthemed:.1%} of comments are unthemed** (no theme reached the threshold), "
            f"including {n_empty} empty and {n_non_english} non-English comments, "
            "which are flagged and kept, not dropped.")


def _read_small(source: Path, id_col: str):
    from cxlab.themes import read_comments

    if source.is_dir():  # a small Parquet dataset: read it whole, then as a DataFrame
        return read_comments(pd.read_parquet(source), id_col=id_col or None)
    return read_comments(source, id_col=id_col or None)


def _small(source, *, id_col, k, taxonomy_file, words, random_state, text_col, time_col, outcome_col,
           segment_cols, customer_col, trend_within) -> ThemesReport:
    from cxlab.themes import ThemeMiner, pain_points, theme_segments, theme_trends

    feedback, load_report = _read_small(source, id_col)
    if id_col:
        feedback = feedback.set_index(id_col, drop=False)
    miner = ThemeMiner(k, taxonomy=taxonomy_file, text_col=text_col, stop_words=words,
                       random_state=random_state).fit(feedback)
    flags = miner.comments_[["is_empty", "is_non_english"]].sum()
    table = pain_points(feedback, miner, outcome_col=outcome_col, time_col=time_col, segment_cols=segment_cols,
                        customer_col=customer_col, trend_within=trend_within)
    return ThemesReport(
        large=False, miner=miner,
        load_note=load_report.summary().splitlines()[0] if load_report is not None else "",
        intro=_intro(len(feedback), source.name, text_col, time_col, outcome_col, segment_cols),
        selection=miner.selection_, info=miner.get_theme_info(),
        flags_note=_flags_note(miner.n_themes_, _threshold(miner), miner.unthemed_share_,
                               int(flags["is_empty"]), int(flags["is_non_english"])) + _overlap_note(miner),
        table=table,
        trends=theme_trends(feedback, miner, time_col=time_col) if time_col else None,
        segments=theme_segments(feedback, miner, segment_col=segment_cols[0]) if segment_cols else None,
        feedback=feedback, id_col=id_col)


def _large(source, n_rows, *, id_col, k, taxonomy_file, words, random_state, large_input_rows, out_parts_dir,
           chunk_size, sample_size, engine, text_col, time_col, outcome_col, segment_cols,
           customer_col, trend_within) -> ThemesReport:
    from cxlab import config
    from cxlab.scale import mine_themes_at_scale
    from cxlab.scale._aggregate import aggregate_parts

    out_dir = Path(out_parts_dir) if out_parts_dir else config.processed_dir() / "themes_at_scale"
    run = dict(text_col=text_col, id_col=id_col or None, time_col=time_col, outcome_col=outcome_col,
               segment_cols=segment_cols, customer_col=customer_col, trend_within=trend_within, out_dir=out_dir, n_themes=k,
               taxonomy=taxonomy_file, stop_words=words, engine=engine, chunk_size=chunk_size,
               sample_size=sample_size, progress=False, random_state=random_state)
    try:
        # the same input and parameters: finished parts are reused (an interrupted scheduled run
        # continues, an identical rerun is quick)
        res = mine_themes_at_scale(source, resume=True, **run)
    except ParameterError:
        # the folder holds a run of other data or parameters: it is ours to replace
        res = mine_themes_at_scale(source, overwrite=True, **run)
    miner = res.miner
    agg = aggregate_parts(res.out_dir, miner, time_col=time_col, outcome_col=outcome_col,
                          segment_cols=segment_cols, customer_col=customer_col, trend_within=trend_within)
    skipped = sum(res.n_skipped.values()) if res.n_skipped else 0
    note = (f"Large input ({n_rows:,} rows > large_input_rows = {large_input_rows:,}): themes fitted on a seeded "
            f"sample of {res.n_sampled:,} comments, then every comment assigned chunk by chunk into "
            f"{res.n_parts} Parquet part(s) in `{out_dir.name}/`"
            + (f" ({res.n_parts_reused} reused from an earlier run)" if res.n_parts_reused else "")
            + "; the tables below are aggregates of those parts"
            + (f"; {skipped:,} unreadable row(s) skipped" if skipped else "") + ".")
    return ThemesReport(
        large=True, miner=miner, load_note=note,
        intro=_intro(agg.n_comments, source.name, text_col, time_col, outcome_col, segment_cols),
        selection=miner.selection_, info=agg.theme_info,
        flags_note=_flags_note(miner.n_themes_, _threshold(miner), agg.unthemed_share, agg.n_empty,
                               agg.n_non_english) + _overlap_note(miner),
        table=agg.pain_points, trends=agg.trends,
        segments=agg.segments.get(segment_cols[0]) if segment_cols else None,
        scale=res, id_col=id_col, _describe_with=agg)
