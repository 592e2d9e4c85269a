"""Safe writes: atomic (temp file + ``os.replace``), never into ``data/raw``, deterministic bytes,
spreadsheet formulas neutralised in exported text."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from cxlab.config import processed_dir, raw_dir
from cxlab.exceptions import CxlabError, ParameterError

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_writer", "file_sha256",
           "save_processed", "safe_for_spreadsheet", "check_not_raw"]

#: a cell starting with one of these is run as a formula by Excel/LibreOffice/Sheets
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
CSV_FLOAT_FORMAT = "%.10g"


def check_not_raw(path: str | os.PathLike) -> Path:
    """Raise :class:`CxlabError` if ``path`` lies in a ``data/raw`` folder; return it resolved.

    Raw data is never edited: everything derived goes to ``data/processed`` or ``reports``.
    """
    resolved = Path(path).expanduser().resolve()
    parts = resolved.parts
    in_raw = any(parts[i:i + 2] == ("data", "raw") for i in range(len(parts) - 1))
    with contextlib.suppress(OSError, ValueError):
        in_raw = in_raw or resolved.is_relative_to(raw_dir().resolve())
    if in_raw:
        raise CxlabError(
            f"refusing to write {resolved}: it is inside data/raw, which cxlab never modifies. "
            "Write derived tables with save_processed() (data/processed) or into reports/."
        )
    return resolved


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "wb", *, allow_raw: bool = False, **kwargs):
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    On any error the temporary file is removed and ``path`` is left as it was. ``allow_raw`` is
    for the demo generator only, which creates ``data/raw/demo`` on first use.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab.io import atomic_writer
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_writer(target, "w", encoding="utf-8") as fh:
    ...     _ = fh.write("hello")
    >>> target.read_text()
    'hello'
    """
    target = Path(path).expanduser().resolve() if allow_raw else check_not_raw(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        public_mode(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def public_mode(path: str | os.PathLike) -> None:
    """Give a file made by :func:`tempfile.mkstemp` (private, 0600) the permissions of a new
    file (0666 minus the umask), so a report or table written atomically can be read by the
    people a plain ``open(path, "w")`` would let read it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, allow_raw: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`); return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab.io import atomic_write_bytes
    >>> atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "x.bin", b"\\x00\\x01").stat().st_size
    2
    """
    with atomic_writer(path, "wb", allow_raw=allow_raw) as fh:
        fh.write(data)
    return Path(path).expanduser().resolve()


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8",
                      allow_raw: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically, with ``"\\n"`` line endings on every platform.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab.io import atomic_write_text
    >>> atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "a.txt", "hi\\n").read_text()
    'hi\\n'
    """
    return atomic_write_bytes(path, text.encode(encoding), allow_raw=allow_raw)


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes (read in chunks, so large files are fine).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab.io import file_sha256
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "empty"; _ = p.write_bytes(b"")
    >>> file_sha256(p)[:12]
    'e3b0c44298fc'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _safe_text(values: pd.Series) -> pd.Series:
    """Neutralise a column's text; numbers, dates and booleans are returned as they are."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.rename_categories(_neutralise)
    # every dtype pandas treats as text: object, str, string[pyarrow], ArrowDtype(pa.string())
    if pd.api.types.is_string_dtype(values.dtype):
        return values.map(_neutralise, na_action="ignore").astype(values.dtype)
    return values


def _safe_index(index: pd.Index) -> pd.Index:
    """Neutralise index (or column) labels and names: CSV writes both as cells."""
    names = [_neutralise(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        index = index.set_levels([_safe_index(level) for level in index.levels])
    else:
        values = index.to_series()
        safe = _safe_text(values)
        if safe is not values:
            index = pd.Index(safe)
    return index.set_names(names)


def safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells, column names and index cannot run as spreadsheet formulas.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (so
    ``=HYPERLINK(...)`` shows as text in Excel); plain numbers such as ``-3`` are left alone.
    Every column pandas treats as text is neutralised (object, ``str``, ``string[pyarrow]``,
    ``pd.ArrowDtype(pa.string())``, categorical); numeric, datetime and boolean columns are
    unchanged. Index labels and names are neutralised the same way, so the result is safe to write
    with or without its index. Use it on every CSV/Excel export of customer text.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.io import safe_for_spreadsheet
    >>> safe_for_spreadsheet(pd.DataFrame({"text": ["=1+1", "fine", "-2"]}))["text"].tolist()
    ["'=1+1", 'fine', '-2']
    """
    out = df.copy()
    for name in out.columns:
        out[name] = _safe_text(out[name])
    out.columns = _safe_index(out.columns)
    out.index = _safe_index(out.index)
    return out


def save_processed(df: pd.DataFrame, name: str, *, root: str | os.PathLike | None = None,
                   fmt: str = "parquet", spreadsheet_safe: bool = True) -> Path:
    """Save ``df`` as ``data/processed/<name>.<fmt>`` atomically; return the path.

    Same frame => same bytes: Parquet is written without timestamps; CSV uses ``"\\n"`` line
    endings, UTF-8 and a fixed float format (``%.10g``), and writes the index only when it is
    not a plain ``0..n-1`` range.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (not modified).
    name : str
        File stem: letters, digits, ``_``, ``-``, ``.``; no folders.
    root : path, default=None
        Project folder (default :func:`cxlab.config.project_root`).
    fmt : {"parquet", "csv"}, default="parquet"
    spreadsheet_safe : bool, default=True
        For CSV, neutralise formula-looking text, index included (:func:`safe_for_spreadsheet`),
        because CSVs get opened in Excel. Parquet keeps text exactly.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from cxlab.io import save_processed
    >>> save_processed(pd.DataFrame({"a": [1.5]}), "demo", root=tempfile.mkdtemp(), fmt="csv").name
    'demo.csv'
    """
    if fmt not in ("parquet", "csv"):
        raise ParameterError(f"fmt must be 'parquet' or 'csv'; got {fmt!r}.")
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ParameterError(
            f"name must be a plain file stem such as 'feedback_clean' (letters, digits, _ - .); "
            f"got {name!r}. The file always goes to data/processed/."
        )
    folder = processed_dir(Path(root) if root is not None else None)
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":
        table = safe_for_spreadsheet(df) if spreadsheet_safe else df
        # a meaningful index (ids, labels) is written as the first column; a plain 0..n-1 is not
        plain = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1
        data = table.to_csv(index=not plain, lineterminator="\n",
                            float_format=CSV_FLOAT_FORMAT).encode("utf-8")
    else:
        buffer = io.BytesIO()
        df.to_parquet(buffer, engine="pyarrow", index=None, compression="snappy")
        data = buffer.getvalue()
    return atomic_write_bytes(path, data)
