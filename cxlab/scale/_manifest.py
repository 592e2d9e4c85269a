"""The run manifest: what an output folder was made from, and which parts are finished.

``OUT/manifest.json`` records the input's identity (path, size, mtime, hash of its first MB),
the run's parameters (columns, chunk size, sample, seed, model options), the model file's hash
and the parts done. A rerun with the same input and parameters skips finished parts; anything
else is refused with a message saying to use a new output folder or ``overwrite``. Written
atomically after each part, so an interrupted run never claims a part it did not finish.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from cxlab.exceptions import ParameterError

__all__ = ["MANIFEST", "read_manifest", "write_manifest", "file_sha1", "check_manifest", "clear_outputs"]

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
#: everything the pipeline writes into OUT (and removes on overwrite); nothing else is touched
OUTPUTS = ("comments", "assignments", ".csv_parts", "theme_model.pkl", "themes.csv", "comments.csv", "assignments.csv",
           MANIFEST)


def file_sha1(path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(out_dir: Path) -> dict | None:
    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": None}


def write_manifest(out_dir: Path, manifest: dict) -> None:
    from cxlab.io import atomic_write_text

    manifest = {**manifest, "parts_done": sorted(set(manifest.get("parts_done", [])))}
    atomic_write_text(Path(out_dir) / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def check_manifest(old: dict, *, identity: dict, params: dict, out_dir: Path) -> None:
    """Raise ParameterError when ``out_dir`` holds a run of another input or other parameters."""
    how = (f"use a new output folder (--out) or overwrite=True (--overwrite) to replace the run in "
           f"{str(out_dir)!r}")
    if old.get("version") != MANIFEST_VERSION:
        raise ParameterError(f"{str(out_dir)!r} holds an unreadable or older run manifest; {how}.")
    diffs = []
    for key in ("path", "size", "mtime_ns", "head_sha1", "files"):
        if old.get("input", {}).get(key) != identity.get(key):
            diffs.append(f"input {key}: {old.get('input', {}).get(key)!r} -> {identity.get(key)!r}")
    for key in sorted(set(params) | set(old.get("params", {}))):
        if old.get("params", {}).get(key) != params.get(key):
            diffs.append(f"{key}: {old.get('params', {}).get(key)!r} -> {params.get(key)!r}")
    if diffs:
        raise ParameterError(f"{str(out_dir)!r} holds a run of a different input or parameters "
                             f"({'; '.join(diffs[:4])}); {how}.")


def clear_outputs(out_dir: Path) -> None:
    """Remove what an earlier run wrote (only the pipeline's own files and folders)."""
    for name in OUTPUTS:
        p = Path(out_dir) / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
