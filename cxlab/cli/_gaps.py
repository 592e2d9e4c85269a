"""``cxlab gaps``: expectation, target, staff and competitor gaps -> priorities and action plan.

Examples::

    cxlab gaps --out reports/gaps                      # the bundled demo data
    cxlab gaps --data DIR --out OUT                    # DIR holds feedback.csv, touchpoint_survey.csv, ...
    cxlab gaps --survey s.csv --employee e.csv --targets targets.yaml --effort effort.yaml --out OUT
"""
from __future__ import annotations

import argparse
from pathlib import Path

from cxlab.cli._args import seed_arg

NAME = "gaps"
HELP = ("Find CX gaps (expectation vs perception, current vs target, staff vs customers, competitors), "
        "rank them and write an action plan to --out DIR.")

_TABLE_FLAGS = {
    "feedback": "feedback",
    "survey": "touchpoint_survey",
    "employee": "employee_survey",
    "orders": "orders",
    "tickets": "tickets",
    "customers": "customers",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", type=Path, default=None,
                        help="folder with canonical tables named after cxlab.schemas (feedback.csv, "
                             "touchpoint_survey.csv, employee_survey.csv, orders.csv, tickets.csv, customers.csv) "
                             "and optional targets.yaml, effort.yaml, actions.yaml, taxonomy.yaml "
                             "(default: the bundled demo data)")
    for flag, table in _TABLE_FLAGS.items():
        parser.add_argument(f"--{flag}", metavar="FILE", type=Path, default=None,
                            help=f"{table} table (CSV, Excel, Parquet, JSON lines); overrides --data")
    parser.add_argument("--themes", metavar="FILE", type=Path, default=None,
                        help="comment x theme table (feedback_id, theme) e.g. saved by `cxlab themes`; "
                             "default: data/processed/theme_assignments.parquet if present, else seed words "
                             "of DIR/taxonomy.yaml")
    parser.add_argument("--targets", metavar="FILE", type=Path, default=None, help="targets YAML (desired state)")
    parser.add_argument("--effort", metavar="FILE", type=Path, default=None, help="effort/feasibility YAML")
    parser.add_argument("--actions", metavar="FILE", type=Path, default=None,
                        help="actions YAML (actions already live, for status and monitoring)")
    parser.add_argument("--focal", metavar="BRAND", default=None,
                        help="your brand for the competitor benchmark (default: the most frequent brand)")
    parser.add_argument("--praise-theme", metavar="ID", action="append", default=None,
                        help="a theme that is praise, not a pain point (repeatable; demo: style_design)")
    parser.add_argument("--text-sentiment", choices=("cx", "vader", "none"), default="cx",
                        help="sentiment of comments without a rating/CSAT/NPS and no saved sentiment: cxlab's CX "
                             "scorer (default), plain VADER (faster) or none")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    parser.add_argument("--correction", choices=("holm", "fdr_bh", "bonferroni", "none"), default="holm",
                        help="multiple-testing correction across touchpoints (default holm)")
    parser.add_argument("--top", type=int, default=10, help="gaps kept in the action plan (default 10)")
    parser.add_argument("--seed", type=seed_arg, default=None, help="random seed (default 0)")
    parser.add_argument("--no-figures", action="store_true", help="write tables only, no PNG figures")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder (created if needed)")


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from cxlab import config
    from cxlab.exceptions import ParameterError
    from cxlab.gaps import analyse_gaps, export_table
    from cxlab.journey import JourneyMapper, load_journey, load_report_inputs

    if not 0 < args.alpha < 1:
        raise ParameterError(f"--alpha must be between 0 and 1 (e.g. 0.05); received {args.alpha}.")
    if args.top < 1:
        raise ParameterError(f"--top must be a positive number of gaps; received {args.top}.")
    explicit = {t: getattr(args, f) for f, t in _TABLE_FLAGS.items() if getattr(args, f) is not None}
    demo = args.data is None and not explicit
    seed = config.DEFAULT_RANDOM_STATE if args.seed is None else args.seed
    inputs = load_report_inputs(
        "" if args.data is None else args.data, files=explicit, themes_file=args.themes or "",
        targets_file=args.targets or "", effort_file=args.effort or "", actions_file=args.actions or "",
        score_text=False if args.text_sentiment == "none" else args.text_sentiment, random_state=seed,
    )
    if demo:
        print(f"using the demo data in {inputs.folder}")
    praise = args.praise_theme if args.praise_theme is not None else (["style_design"] if demo else [])
    report = analyse_gaps(inputs.tables, themes=inputs.themes, targets=inputs.targets, effort=inputs.effort,
                          actions=inputs.actions, focal=args.focal, theme_labels=inputs.labels, praise_themes=praise,
                          alpha=args.alpha, correction=args.correction, top=args.top, random_state=seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [export_table(table, out / f"{stem}.csv") for stem, table in report.tables().items()]
    written.append(export_table(report.action_plan, out / "action_plan.xlsx"))
    mapper = None
    if "feedback" in inputs.tables:
        mapper = JourneyMapper(load_journey(inputs.journey), theme_labels=inputs.labels, brand=report.focal).fit(
            inputs.tables["feedback"], survey=inputs.tables.get("touchpoint_survey"),
            tickets=inputs.tables.get("tickets"), orders=inputs.tables.get("orders"), themes=inputs.themes,
            targets=inputs.targets)
        written.append(export_table(mapper.stages_, out / "journey_stages.csv"))
    summary = report.summary(journey=mapper.stages_ if mapper is not None else None)
    notes = [f"themes: {inputs.theme_source}", *inputs.notes, *report.notes]
    text = "# CX gap summary\n\n" + summary + "\n\n## Notes\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    (out / "summary.md").write_text(text, encoding="utf-8")
    written.append(out / "summary.md")
    if not args.no_figures:
        written += _figures(report, mapper, out)
    print(summary)
    print(f"\nwrote {len(written)} files to {out}:")
    for p in written:
        print(f"  {Path(p).name}")
    return 0


def _figures(report, mapper, out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    from cxlab.plotting.journey import plot_gaps, plot_impact_effort, plot_journey_map, plot_swot

    jobs = []
    if mapper is not None:
        jobs.append(("journey_map.png", lambda ax: plot_journey_map(mapper.stages_, ax=ax), (15, 10)))
    if report.expectation is not None:
        jobs.append(("expectation_gaps.png", lambda ax: plot_gaps(report.expectation, ax=ax), (8, 6)))
    if report.priorities is not None and len(report.priorities):
        jobs.append(("impact_effort.png", lambda ax: plot_impact_effort(report.priorities.head(12), ax=ax), (9, 6.5)))
    if report.swot is not None:
        jobs.append(("swot.png", lambda ax: plot_swot(report.swot, ax=ax), (12, 7)))
    paths = []
    for name, draw, size in jobs:
        fig, ax = plt.subplots(figsize=size)
        draw(ax)
        fig.savefig(out / name, dpi=110, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        paths.append(out / name)
    return paths
