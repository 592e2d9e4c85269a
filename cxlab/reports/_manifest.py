"""The run manifest: what ran, with which inputs and software, and how it ended."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["utc_now", "hash_files", "package_versions", "write_manifest"]

#: distributions whose versions explain a report's numbers
PACKAGES = (
    "cxlab", "pandas", "numpy", "scipy", "scikit-learn", "nltk", "vadersentiment", "py3langid",
    "pandera", "pyarrow", "matplotlib", "seaborn", "papermill", "nbconvert", "nbformat",
    "nbclient", "ipykernel", "jupyter_client", "pyyaml",
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.resolve().as_posix()


def hash_files(paths, *, root: Path | None = None) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file under ``paths`` (files or folders), sorted by name.

    Keys are paths relative to ``root`` when inside it, else absolute. Hidden files
    (``.name``) are skipped: they are editor or OS leftovers, not inputs.
    """
    files: dict[str, dict[str, Any]] = {}
    for path in paths:
        path = Path(path)
        candidates = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in candidates:
            if not file.is_file() or any(part.startswith(".") for part in file.relative_to(
                path if path.is_dir() else path.parent).parts):
                continue
            files[_display_path(file, root)] = {"sha256": _sha256(file), "bytes": file.stat().st_size}
    return dict(sorted(files.items()))


def package_versions() -> dict[str, str | None]:
    """Versions of Python and the packages in :data:`PACKAGES` (None when not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def environment() -> dict[str, Any]:
    return {"python_executable": sys.executable, "platform": platform.platform()}


def write_manifest(data: dict[str, Any], target: Path) -> Path:
    """Write ``data`` as JSON to ``target`` atomically (a reader never sees half a file)."""
    from cxlab.io import atomic_writer

    target = Path(target)
    with atomic_writer(target, "w", encoding="utf-8", allow_raw=True) as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    return target
