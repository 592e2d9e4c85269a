"""``cxlab demo-data``: write the seeded Loomwear demo tables and their ground truth."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cxlab.cli._args import seed_arg

NAME = "demo-data"
HELP = "Generate the seeded demo data (Loomwear, a fictional clothing retailer) as CSV files."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", type=Path, default=None,
                        help="folder for the tables (default: data/raw/demo); the ground truth "
                             "goes beside it in DIR_truth")
    parser.add_argument("--seed", metavar="N", type=seed_arg, default=None,
                        help="random seed (default: 0); the same seed gives identical files")
    parser.add_argument("--force", action="store_true",
                        help="replace existing demo folders")


def run(args: argparse.Namespace) -> int:
    from cxlab import config
    from cxlab.datasets import _write

    seed = config.DEFAULT_RANDOM_STATE if args.seed is None else args.seed
    out_dir = args.out if args.out is not None else config.demo_dir()
    out_dir = Path(out_dir).expanduser().resolve()
    truth_dir = (config.demo_truth_dir() if args.out is None
                 else _write._default_truth_dir(out_dir)).resolve()
    if not args.force and _write.is_complete(out_dir, truth_dir, random_state=seed):
        print(f"demo data (seed {seed}) already in {out_dir}; nothing to do (use --force to rewrite)")
        return 0
    occupied = [d for d in (out_dir, truth_dir) if d.exists() and any(d.iterdir())]
    if occupied and not args.force:
        print(f"cxlab demo-data: error: {occupied[0]} exists and holds other files (another seed, "
              "an older generator or something else); pass --force to replace it or choose "
              "another --out folder", file=sys.stderr)
        return 2
    _write.write_demo_data(out_dir, truth_dir=truth_dir, random_state=seed, overwrite=True)
    print(f"wrote demo data (seed {seed}) to {out_dir}:")
    for path in sorted(out_dir.iterdir()):
        print(f"  {path.name:<24} {_describe(path)}")
    print(f"ground truth in {truth_dir}:")
    for path in sorted(truth_dir.iterdir()):
        print(f"  {path.name:<24} {_describe(path)}")
    return 0


def _describe(path: Path) -> str:
    size = path.stat().st_size
    if path.suffix == ".csv":
        with path.open("rb") as fh:
            rows = sum(1 for _ in fh) - 1  # newlines inside quoted comments make this approximate
        return f"{size / 1024:8.0f} KiB  ~{rows} lines"
    return f"{size / 1024:8.1f} KiB"
