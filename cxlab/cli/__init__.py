"""``cxlab`` command line: argument parsing only; the work is done by the package.

Each sub-command lives in its own module ``cxlab/cli/_<name>.py`` defining ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``. Heavy imports happen inside ``run``.

Exit codes (stable, for cron and CI):

* 0 - success
* 1 - the analysis or a report notebook failed (the message says where)
* 2 - bad command line, parameters or input data (the message says what to fix)
* 130 - interrupted
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

from cxlab._version import __version__
from cxlab.exceptions import CxlabError, ReportError

#: sub-command modules, in the order ``cxlab --help`` lists them
_COMMANDS = ("_demo_data", "_report", "_kernel", "_themes", "_personas", "_gaps", "_monitor")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _load_commands():
    modules = []
    for name in _COMMANDS:
        try:
            modules.append(importlib.import_module(f"cxlab.cli.{name}"))
        except ModuleNotFoundError as exc:  # a command not built yet; never hide other errors
            if exc.name != f"cxlab.cli.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cxlab",
        description="cxlab: customer-experience gap analysis workbench.",
        epilog="Exit codes: 0 ok, 1 analysis/report failed, 2 bad arguments or input, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"cxlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _load_commands():
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    for flag in ("out", "prefix"):  # an output path that cannot be a folder: say so before any work
        where = getattr(args, flag, None)
        if where is not None and os.path.exists(where) and not os.path.isdir(where):
            print(f"cxlab {args.command}: error: --{flag} {where} is a file; give a folder to write to.",
                  file=sys.stderr)
            return EXIT_USAGE
    try:
        with warnings.catch_warnings():
            # data warnings (rows left out of one figure, unused taxonomy seeds...) read as one
            # line in a terminal or cron log, not as a source location
            warnings.showwarning = lambda message, category, *rest, **kw: print(
                f"cxlab {args.command}: warning: {message}", file=sys.stderr)
            return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("cxlab: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ReportError as exc:
        print(f"cxlab {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except CxlabError as exc:
        print(f"cxlab {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a folder that cannot be written (read-only, a file in the way...)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"cxlab {args.command}: error: {exc.strerror or exc}{where}; check the paths given and that "
              "the output folder can be written.", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
