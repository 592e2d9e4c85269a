"""``cxlab report``: run the report notebooks into ``reports/<run-id>/``."""
from __future__ import annotations

NAME = "report"
HELP = "Execute the notebooks in notebooks/ with papermill into reports/<run-id>/ (HTML + manifest)."

_EPILOG = """\
examples:
  cxlab report                                  all notebooks, demo data, default parameters
  cxlab report --only 01 -p random_state 1      one notebook, one parameter
  cxlab report --params params.yaml -p data_dir data/raw/mine --hide-code
  cxlab report --list-params                    what -p accepts

-p values are read as YAML scalars (3, 0.5, true, null); str parameters get the text as typed.
-p overrides --params. Unknown names and wrongly typed values are rejected before anything runs.
Exit codes: 0 ok; 1 a notebook failed (message names notebook and cell; the run folder keeps the
executed notebook, HTML and manifest.json); 2 bad arguments or parameters; 130 interrupted.
"""


def add_arguments(parser) -> None:
    import argparse

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument(
        "--only", action="append", metavar="NB",
        help="notebooks to run: numbers or names, comma-separated or repeated (e.g. 01,02)",
    )
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
        dest="parameters", help="set a notebook parameter (repeatable)",
    )
    parser.add_argument("--params", metavar="FILE.yaml",
                        help="YAML file of name: value parameters (may also hold parameters of "
                             "notebooks not selected: they are ignored)")
    parser.add_argument("--run-id", help="run folder name (default: UTC time + parameter hash)")
    parser.add_argument("--force", action="store_true", help="replace an existing run folder")
    parser.add_argument("--hide-code", action="store_true", help="hide code cells in the HTML")
    parser.add_argument("--kernel", metavar="NAME",
                        help="Jupyter kernel (default: Python running this cxlab installation)")
    parser.add_argument("--out", metavar="DIR", help="folder for run folders (default: reports/)")
    parser.add_argument("--notebook-dir", metavar="DIR",
                        help="folder of NN_name.ipynb notebooks (default: notebooks/)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress output (errors are still printed)")
    parser.add_argument("--list-params", action="store_true",
                        help="print the parameters the selected notebooks accept and exit")


def run(args) -> int:
    import sys

    from cxlab.reports import discover_parameters, find_notebooks, run_report
    from cxlab.reports._params import format_parameters

    if args.list_params:
        paths = find_notebooks(args.only, notebook_dir=args.notebook_dir)
        print(f"parameters of {', '.join(p.name for p in paths)}:")
        print(format_parameters(discover_parameters(paths)))
        return 0
    run = run_report(
        args.only,
        cli_parameters=[tuple(p) for p in args.parameters],
        params_file=args.params,
        out_dir=args.out,
        run_id=args.run_id,
        force=args.force,
        hide_code=args.hide_code,
        kernel_name=args.kernel,
        notebook_dir=args.notebook_dir,
        progress=not args.no_progress,
    )
    print(f"report {run.run_id}: {len(run.notebooks)} notebook(s) ok")
    print(f"  open {run.index_path}")
    sys.stdout.flush()
    return 0
