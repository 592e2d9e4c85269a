"""Writing the demo to disk: byte-identical for a seed, atomic, generated once on first use."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from cxlab import config
from cxlab.datasets import _constants as K
from cxlab.datasets._defects import plant_export_defects
from cxlab.datasets._make import make_demo_data
from cxlab.io._write import public_mode

DEMO_CONFIG_DIR = Path(__file__).resolve().parent / "demo_config"


def _demo_yamls() -> list[Path]:
    return sorted(DEMO_CONFIG_DIR.glob("*.yaml")) if DEMO_CONFIG_DIR.is_dir() else []


def expected_files() -> list[str]:
    """File names a complete demo folder holds (tables, then the researcher YAMLs)."""
    return [f"{name}.csv" for name in K.TABLE_NAMES] + [p.name for p in _demo_yamls()]


def _format_datetimes(df: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as fixed text: a date when every value is midnight, else seconds precision."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            midnight = bool((s.dropna() == s.dropna().dt.normalize()).all())
            fmt = "%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S"
            s = s.dt.strftime(fmt)
        out[col] = s
    return pd.DataFrame(out, index=df.index)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` with fixed formatting so the bytes depend only on the values."""
    _format_datetimes(df).to_csv(path, index=False, lineterminator="\n", encoding="utf-8",
                                 float_format="%.10g")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_all(demo, data_dir: Path, truth_dir: Path) -> None:
    # the files are an "export": clean tables plus a few defects the loaders must account for
    formatted = {name: _format_datetimes(demo.tables[name]) for name in K.TABLE_NAMES}
    raw, defects = plant_export_defects(formatted, random_state=demo.truth["effects"]["random_state"])
    for name in K.TABLE_NAMES:
        write_csv(raw[name], data_dir / f"{name}.csv")
    write_csv(defects, truth_dir / "defects.csv")
    for yaml_path in _demo_yamls():
        shutil.copyfile(yaml_path, data_dir / yaml_path.name)
    for name in ("feedback_themes", "customer_personas", "pii", "feedback_meta"):
        write_csv(demo.truth[name], truth_dir / f"{name}.csv")
    (truth_dir / "effects.json").write_text(
        json.dumps(demo.truth["effects"], indent=2, sort_keys=True) + "\n", encoding="utf-8")
    manifest = {
        "generator_version": K.GENERATOR_VERSION,
        "random_state": demo.truth["effects"]["random_state"],
        "files": {p.name: _sha256(p) for p in sorted(data_dir.iterdir())},
    }
    (truth_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                             encoding="utf-8")


def _install(tmp: Path, target: Path, *, replace: bool) -> bool:
    """Move the finished folder ``tmp`` to ``target``; return False if another writer won."""
    try:
        os.rename(tmp, target)
        return True
    except OSError:
        if not target.exists():
            raise
    if not replace:
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    # swap via a trash name: readers see the old folder or the new one, never a half-written one
    trash = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-old-"))
    os.rename(target, trash / target.name)
    os.rename(tmp, target)
    shutil.rmtree(trash, ignore_errors=True)
    return True


#: files of a truth folder (see _write_all)
_TRUTH_NAMES = frozenset({*K.TRUTH_FILES, "defects.csv"})


def _data_names() -> frozenset:
    """Files of a demo table folder: one CSV per table and the researcher YAMLs."""
    return frozenset({f"{name}.csv" for name in K.TABLE_NAMES} | {p.name for p in _demo_yamls()})


def _default_truth_dir(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + "_truth")


def write_demo_data(out_dir: str | os.PathLike | None = None, *,
                    truth_dir: str | os.PathLike | None = None,
                    random_state: int = config.DEFAULT_RANDOM_STATE,
                    overwrite: bool = False) -> Path:
    """Generate the demo and write it as CSV files; return the folder of the tables.

    Tables go to ``out_dir`` (default ``data/raw/demo``) with the researcher YAMLs of
    ``cxlab/datasets/demo_config``; ground truth goes to ``truth_dir`` (default: a sibling
    folder named ``<out_dir>_truth``, i.e. ``data/raw/demo_truth``). Each folder is written in a
    temporary folder beside it and renamed into place, so readers never see half-written
    files. The same ``random_state`` gives byte-identical files.

    Parameters
    ----------
    out_dir : path, optional
        Folder for the tables.
    truth_dir : path, optional
        Folder for the ground truth.
    random_state : int, default=0
        Seed of the generator.
    overwrite : bool, default=False
        Replace existing folders; otherwise an existing folder raises ``FileExistsError``.

    Returns
    -------
    Path
        The folder holding the tables.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab.datasets import write_demo_data
    >>> folder = write_demo_data(pathlib.Path(tempfile.mkdtemp()) / "demo")  # doctest: +SKIP
    >>> sorted(p.name for p in folder.glob("*.csv"))[:2]  # doctest: +SKIP
    ['customers.csv', 'employee_survey.csv']
    """
    out_dir = Path(out_dir) if out_dir is not None else config.demo_dir()
    truth_dir = Path(truth_dir) if truth_dir is not None else _default_truth_dir(out_dir)
    for folder, allowed in ((out_dir, _data_names()), (truth_dir, _TRUTH_NAMES)):
        if not (folder.exists() and any(folder.iterdir())):
            continue
        if not overwrite:
            raise FileExistsError(
                f"{folder} already exists and is not empty; pass overwrite=True "
                "(CLI: --force) to replace it, or choose another folder."
            )
        # overwrite replaces the whole folder: only ever one that holds nothing but demo files
        other = sorted(p.name for p in folder.iterdir() if p.name not in allowed or not p.is_file())
        if other:
            raise FileExistsError(
                f"{folder} holds files the demo generator did not write ({other[:5]}); overwrite would "
                "delete them. Choose an empty folder or move those files first.")
    return _generate(out_dir, truth_dir, random_state=random_state, replace=True)


def _generate(out_dir: Path, truth_dir: Path, *, random_state: int, replace: bool) -> Path:
    demo = make_demo_data(random_state=random_state)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    truth_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_data = _mkdtemp(out_dir)
    tmp_truth = _mkdtemp(truth_dir)
    try:
        _write_all(demo, tmp_data, tmp_truth)
        # truth first: a complete table folder implies its truth is already in place
        _install(tmp_truth, truth_dir, replace=replace)
        _install(tmp_data, out_dir, replace=replace)
    finally:
        for tmp in (tmp_data, tmp_truth):
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _mkdtemp(target: Path) -> Path:
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-tmp-"))
    # mkdtemp makes a private (0700) folder; the demo is ordinary project data
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    return tmp


def _manifest(truth_dir: Path) -> dict | None:
    try:
        return json.loads((truth_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(out_dir: Path, truth_dir: Path, *, random_state: int | None = None) -> bool:
    """True when every expected file exists and was written by this generator version."""
    manifest = _manifest(truth_dir)
    if manifest is None or manifest.get("generator_version") != K.GENERATOR_VERSION:
        return False
    if random_state is not None and manifest.get("random_state") != random_state:
        return False
    tables = [f"{name}.csv" for name in K.TABLE_NAMES]
    return (all((out_dir / f).is_file() for f in tables)
            and all((truth_dir / f).is_file() for f in K.TRUTH_FILES))


def _sync_yamls(out_dir: Path) -> None:
    """Copy researcher YAMLs that are new or changed since the demo was written (atomically)."""
    for src in _demo_yamls():
        dest = out_dir / src.name
        if dest.is_file() and dest.read_bytes() == src.read_bytes():
            continue
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{src.name}-")
        os.close(fd)
        shutil.copyfile(src, tmp)
        public_mode(tmp)
        os.replace(tmp, dest)


def ensure_demo_data(root: str | os.PathLike | None = None, *,
                     random_state: int = config.DEFAULT_RANDOM_STATE) -> Path:
    """Return the demo folder ``data/raw/demo``, generating it on first use only.

    Safe when several processes call it at once: each writes into its own temporary folder and
    the first to finish wins; the others keep its (identical) files.

    Parameters
    ----------
    root : path, optional
        Project folder (holding ``data/``); default :func:`cxlab.config.project_root`.
    random_state : int, default=0
        Seed used when the data has to be generated; an existing folder made with another seed
        is regenerated.

    Returns
    -------
    Path
        The folder with ``feedback.csv``, ``customers.csv``, ... and the demo YAMLs.

    Examples
    --------
    >>> from cxlab.datasets import ensure_demo_data
    >>> folder = ensure_demo_data()  # doctest: +SKIP
    >>> (folder / "feedback.csv").is_file()  # doctest: +SKIP
    True
    """
    root = Path(root) if root is not None else None
    out_dir, truth_dir = config.demo_dir(root), config.demo_truth_dir(root)
    if not is_complete(out_dir, truth_dir, random_state=random_state):
        stale = out_dir.exists() or truth_dir.exists()
        _generate(out_dir, truth_dir, random_state=random_state, replace=stale)
        if not is_complete(out_dir, truth_dir, random_state=random_state):
            # a concurrent writer with another seed or version won the race: take ours
            _generate(out_dir, truth_dir, random_state=random_state, replace=True)
    _sync_yamls(out_dir)
    return out_dir
