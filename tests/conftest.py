"""Shared fixtures. Fitted models and generated data are session-scoped: build once, reuse."""
from __future__ import annotations

from pathlib import Path

import pytest

from cxlab.config import shared_datasets_dir

REPO = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(config, items):
    datasets = shared_datasets_dir(REPO)
    if datasets.is_dir():
        return
    skip = pytest.mark.skip(
        reason=f"public datasets not found at {datasets}; put ../shared/datasets beside the "
        "checkout or set CXLAB_SHARED_DATASETS to run the realdata tests"
    )
    for item in items:
        if "realdata" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """Folder of the public datasets (``../shared/datasets``); tests using it must be marked realdata."""
    return shared_datasets_dir(REPO)
