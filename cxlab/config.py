"""Paths and defaults. Nothing here does I/O at import time."""
from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that pins the project folder (holding ``data/``, ``reports/``...).
PROJECT_DIR_ENV = "CXLAB_PROJECT_DIR"

#: Default seed used by the demo generator, notebooks and CLI when none is given.
DEFAULT_RANDOM_STATE = 0

#: Canonical journey stages, in order.
JOURNEY_STAGES = ("awareness", "consideration", "purchase", "delivery", "post_purchase")


def project_root(start: str | os.PathLike | None = None) -> Path:
    """Return the cxlab project folder.

    ``$CXLAB_PROJECT_DIR`` wins; otherwise the nearest folder at or above ``start`` (default: the
    current directory) that holds both ``notebooks/`` and ``data/``; otherwise the current directory.
    """
    env = os.environ.get(PROJECT_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "data").is_dir():
            return folder
    return here


def raw_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data" / "raw"


def processed_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data" / "processed"


def reports_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "reports"


def notebooks_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "notebooks"


def demo_dir(root: Path | None = None) -> Path:
    """Folder of the generated demo tables (``data/raw/demo``)."""
    return raw_dir(root) / "demo"


def demo_truth_dir(root: Path | None = None) -> Path:
    """Folder of the demo's ground truth, kept apart from the tables it describes."""
    return raw_dir(root) / "demo_truth"


def shared_datasets_dir(root: Path | None = None) -> Path:
    """``../shared/datasets`` beside the project (public data for tests and benchmarks)."""
    env = os.environ.get("CXLAB_SHARED_DATASETS")
    if env:
        return Path(env)
    return (root or project_root()).parent / "shared" / "datasets"
