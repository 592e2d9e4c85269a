"""Which report notebooks to run: ``NN_name.ipynb`` files, chosen by number, name or path."""
from __future__ import annotations

import re
from pathlib import Path

from cxlab import config
from cxlab.exceptions import ParameterError

__all__ = ["find_notebooks", "NOTEBOOK_RE"]

#: report notebooks are named ``NN_name.ipynb``; other notebooks (scratch work) are never run
NOTEBOOK_RE = re.compile(r"^(\d+)_(.+)\.ipynb$")


def find_notebooks(selection=None, *, notebook_dir: str | Path | None = None) -> list[Path]:
    """Return the report notebooks ``NN_name.ipynb`` to run, in name order.

    Parameters
    ----------
    selection : str or list of str or Path, optional
        Which notebooks: numbers (``"01"``, ``"1"``), names with or without number and suffix
        (``"01_data_overview"``, ``"data_overview"``), comma-separated lists of those, or paths
        of ``.ipynb`` files. Default: every ``NN_*.ipynb`` in ``notebook_dir``.
    notebook_dir : str or Path, optional
        Default: the project's ``notebooks/``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("02_b.ipynb", "01_a.ipynb", "scratch.ipynb"):
    ...     _ = (folder / name).write_text("{}")
    >>> [p.name for p in find_notebooks(notebook_dir=folder)]
    ['01_a.ipynb', '02_b.ipynb']
    >>> [p.name for p in find_notebooks("2", notebook_dir=folder)]
    ['02_b.ipynb']
    """
    folder = Path(notebook_dir) if notebook_dir is not None else config.notebooks_dir()
    available = sorted(
        p for p in folder.glob("*.ipynb") if NOTEBOOK_RE.match(p.name)
    ) if folder.is_dir() else []
    if selection is None:
        if not available:
            raise ParameterError(
                f"no report notebooks (NN_name.ipynb) in {folder}; run from the project folder, "
                f"set ${config.PROJECT_DIR_ENV}, or name the notebooks to run"
            )
        return available
    items = [selection] if isinstance(selection, (str, Path)) else list(selection)
    chosen: list[Path] = []
    for item in items:
        for token in ([item] if isinstance(item, Path) else [t.strip() for t in str(item).split(",")]):
            if not str(token):
                continue
            path = Path(token)
            if path.suffix == ".ipynb" and path.is_file():
                chosen.append(path)
                continue
            matches = [p for p in available if _matches(p, str(token))]
            if not matches:
                names = ", ".join(p.stem for p in available) or "none"
                raise ParameterError(
                    f"no notebook matches {str(token)!r} in {folder}; available: {names} "
                    "(give a number like 01, a name, or a path to an .ipynb file)"
                )
            chosen.extend(matches)
    unique = {p.resolve(): p for p in chosen}
    return sorted(unique.values(), key=lambda p: (p.name, str(p)))


def _matches(path: Path, token: str) -> bool:
    number, rest = NOTEBOOK_RE.match(path.name).groups()
    token = token.removesuffix(".ipynb")
    if token.isdigit():
        return int(token) == int(number)
    return token in (path.stem, rest)
