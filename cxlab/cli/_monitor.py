"""``cxlab monitor``: did each action's gap close after it went live? Verdicts + a results table.

Examples::

    cxlab monitor --out reports/monitor                 # demo feedback + demo actions.yaml
    cxlab monitor feedback.csv --actions actions.yaml --themes themes.parquet --out OUT
    cxlab monitor tickets.csv --table tickets --actions ticket_actions.yaml \
        --metric first_response_hours --group-col channel --statistic median --method its --out OUT

With feedback data, an action whose metric is a column of ``touchpoint_survey.csv`` beside it
(e.g. ``perception``) is measured on that survey, by touchpoint.
With ``--table tickets`` the columns ``first_response_hours`` and ``resolution_hours`` (answered /
resolved tickets only) are added, so they can be monitored; an action's ``touchpoint`` then names
the ``--group-col`` value it targets (e.g. ``email``).

Writes ``OUT/monitoring.csv`` (one row per action: effect, 95% CI, p-value, status, verdict;
formulas neutralised) and, unless ``--no-figures``, ``OUT/monitor_<action>.png`` before/after
charts. Prints one verdict per action. Exit code 0 when at least one action was evaluated
(actions that could not be are reported with the reason), 1 when none could be, 2 for bad input.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

NAME = "monitor"
HELP = ("Did the gap close? Before/after tests (difference-in-differences or interrupted time series) "
        "for the actions in an actions YAML; writes monitoring.csv and charts to --out DIR.")

_TIME_COLS = {"feedback": "created_at", "tickets": "opened_at", "orders": "order_date",
              "touchpoint_survey": "surveyed_at", "raw": "created_at"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "examples:" + __doc__.split("Examples::", 1)[1]
    parser.add_argument("data", nargs="?", type=Path, default=None, metavar="FEEDBACK_OR_METRIC_CSV",
                        help="row-level data: feedback comments (default: the bundled demo feedback) or any "
                             "table with a date column and a numeric metric column")
    parser.add_argument("--actions", metavar="FILE.yaml", type=Path, default=None,
                        help="actions YAML (format: cxlab.monitoring docstring; default: actions.yaml beside "
                             "the data, or the demo's)")
    parser.add_argument("--table", choices=sorted(_TIME_COLS), default="feedback",
                        help="schema used to load the data (default feedback; 'raw' reads the CSV as it is)")
    parser.add_argument("--themes", metavar="FILE", type=Path, default=None,
                        help="comment x theme table (feedback_id, theme), e.g. saved by `cxlab themes`; needed "
                             "for metric theme_share when the data has no theme column (default: "
                             "data/processed/theme_assignments.parquet if present, else the seed words of "
                             "taxonomy.yaml beside the data)")
    parser.add_argument("--metric", default=None,
                        help="measure every action on this metric instead of the one in the YAML "
                             "(theme_share or a numeric column such as csat)")
    parser.add_argument("--statistic", choices=("mean", "median", "nps", "sum", "count"), default="mean",
                        help="per-period summary of a numeric metric (default mean)")
    parser.add_argument("--time-col", default=None, help="date column (default: created_at; opened_at for tickets)")
    parser.add_argument("--theme-col", default="theme", help="theme column (default theme)")
    parser.add_argument("--id-col", default="feedback_id", help="comment id column (default feedback_id)")
    parser.add_argument("--group-col", default="touchpoint",
                        help="column whose values are the actions' touchpoints for numeric metrics (default touchpoint)")
    parser.add_argument("--method", choices=("auto", "did", "its"), default="auto",
                        help="did = difference-in-differences vs the action's control, its = interrupted time "
                             "series; auto (default) = did when the action has a control, else its")
    parser.add_argument("--freq", choices=("D", "W", "M", "Q"), default="W", help="period length (default W)")
    parser.add_argument("--window", type=int, default=None,
                        help="use at most N periods each side of the live date (default: all)")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    parser.add_argument("--no-figures", action="store_true", help="write the table only, no PNG charts")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder (created if needed)")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")[:60] or "action"


def _load(args):
    """Return (data, actions path, notes)."""
    from cxlab.exceptions import ParameterError

    notes = []
    folder = None
    if args.data is None:
        if args.table != "feedback":
            raise ParameterError("give the data file when --table is not feedback (the demo default is feedback).")
        from cxlab.datasets import ensure_demo_data

        folder = ensure_demo_data()
        path = folder / "feedback.csv"
        print(f"using the demo data in {folder}")
    else:
        path = args.data
        folder = path.parent
    if args.table == "raw":
        from cxlab.io._read import read_source

        # read as the loaders read files: encoding and separator detected, clear errors
        df = read_source(path).frame
    else:
        from cxlab.io import load_table

        df, report = load_table(path, args.table)
        dropped = getattr(report, "n_dropped", 0) or 0
        if dropped:
            notes.append(f"{dropped} row(s) dropped while loading {path.name} (see cxlab.io load report)")
    actions = args.actions
    if actions is None:
        actions = folder / "actions.yaml"
        if not actions.is_file():
            raise ParameterError(f"no --actions given and no actions.yaml beside {path.name}; pass --actions FILE.yaml.")
    return df, actions, folder, notes


def _attach_themes(df, args, folder, notes):
    from cxlab import config

    if args.theme_col in df.columns:
        return df
    from cxlab.journey import read_theme_table, seed_word_themes, theme_table_coverage

    saved = config.processed_dir() / "theme_assignments.parquet"
    taxonomy = folder / "taxonomy.yaml" if folder is not None else None
    ids = df[[args.id_col]].rename(columns={args.id_col: "feedback_id"}) if args.id_col in df.columns else df.iloc[:0]
    themes = None
    if args.themes is not None:
        themes = read_theme_table(args.themes)
        theme_table_coverage(themes, ids, name=args.themes.name, strict=True)
    elif saved.is_file():
        themes = read_theme_table(saved)
        foreign = theme_table_coverage(themes, ids, name=saved.name)
        if foreign:  # saved from other data: joining it would leave every comment themeless
            notes.append(foreign)
            themes = None
        else:
            notes.append(f"themes from {saved.name}")
    if themes is None and taxonomy is not None and taxonomy.is_file() and "text" in df.columns:
        themes = seed_word_themes(df, taxonomy)
        notes.append("themes: no saved themes for this data, tagged comments by the taxonomy's seed words")
    if themes is None:
        return df
    themes = themes[["feedback_id", "theme"]].rename(columns={"theme": args.theme_col})
    # a left join keeps comments without a theme: they belong in every share's denominator
    return df.merge(themes, left_on=args.id_col, right_on="feedback_id", how="left",
                    suffixes=("", "_theme"))


def _survey_beside(df, actions, args, folder, notes):
    """The touchpoint survey beside feedback data, when an action's metric is one of its columns
    (e.g. ``perception``) and not a feedback column; else None."""
    wanted = [a["metric"] for a in actions if a["metric"] != "theme_share" and a["metric"] not in df.columns]
    path = folder / "touchpoint_survey.csv" if folder is not None else None
    if args.table != "feedback" or not wanted or path is None or not path.is_file():
        return None
    from cxlab.io import load_table

    survey, _ = load_table(path, "touchpoint_survey")
    notes.append(f"metric(s) {sorted(set(wanted))} measured on {path.name}, by touchpoint")
    return survey


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from cxlab.exceptions import ParameterError
    from cxlab.gaps import export_table, load_actions
    from cxlab.monitoring import monitor_actions

    if not 0 < args.alpha < 1:
        raise ParameterError(f"--alpha must be between 0 and 1 (e.g. 0.05); received {args.alpha}.")
    if args.window is not None and args.window < 3:
        raise ParameterError(f"--window must be at least 3 periods; received {args.window}.")
    df, actions_path, folder, notes = _load(args)
    if args.table == "tickets":
        from cxlab.kpis import ticket_durations

        df = ticket_durations(df)
    actions = load_actions(actions_path)
    if args.metric:
        if args.metric != "theme_share" and args.metric not in df.columns:
            raise ParameterError(f"--metric {args.metric!r} is not a column of the {args.table} table; its "
                                 f"columns are {[str(c) for c in df.columns]}.")
        actions = [{**a, "metric": args.metric} for a in actions]
    if any(a["metric"] == "theme_share" for a in actions):
        df = _attach_themes(df, args, folder, notes)
    survey = _survey_beside(df, actions, args, folder, notes)
    time_col = args.time_col or _TIME_COLS[args.table]
    table, results = monitor_actions(actions, df, time_col=time_col, method=args.method, freq=args.freq,
                                     alpha=args.alpha, theme_col=args.theme_col, id_col=args.id_col,
                                     group_col=args.group_col, statistic=args.statistic, window=args.window,
                                     return_results=True, survey=survey)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [export_table(table, out / "monitoring.csv")]
    if not args.no_figures:
        import matplotlib.pyplot as plt

        from cxlab.plotting.kpis import plot_action_effect

        for name, res in results.items():
            fig, ax = plt.subplots(figsize=(10, 4.8))
            plot_action_effect(res, ax=ax)
            path = out / f"monitor_{_slug(name)}.png"
            fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
            plt.close(fig)
            written.append(path)
    for row in table.itertuples():
        print(f"{row.action}: {row.verdict}")
    for note in notes:
        print(f"note: {note}")
    print(f"\nwrote {len(written)} file(s) to {out}:")
    for p in written:
        print(f"  {Path(p).name}")
    return 0 if (table["status"] != "not_evaluated").any() else 1
