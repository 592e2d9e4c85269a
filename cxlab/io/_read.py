"""Read a file (or take a DataFrame) into a raw table, sniffing format, compression, encoding and
delimiter. No schema knowledge here beyond which columns to keep as text.

Row numbers: for CSV and Excel, row 1 is the header, so the first data row is row 2 (what a
spreadsheet or editor shows); blank lines are kept as rows, so numbers match lines. For JSON lines and Parquet, row 1 is the first
record. For a DataFrame, rows are named by their index label.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxlab.exceptions import DataLoadError

__all__ = ["RawTable", "read_source", "SUPPORTED_EXTENSIONS"]

CSV_EXTENSIONS = (".csv", ".tsv", ".txt", ".tab")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
PARQUET_EXTENSIONS = (".parquet", ".pq")
JSON_EXTENSIONS = (".jsonl", ".ndjson", ".json")
COMPRESSED_EXTENSIONS = (".gz", ".zip", ".bz2", ".xz")
SUPPORTED_EXTENSIONS = (
    CSV_EXTENSIONS + EXCEL_EXTENSIONS + PARQUET_EXTENSIONS + JSON_EXTENSIONS + COMPRESSED_EXTENSIONS
)
DELIMITERS = (",", ";", "\t", "|")
#: tokens read as missing in columns that are not kept as text (pandas' defaults, spelled out
#: because per-column NA lists switch the defaults off)
NA_TOKENS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)
_SNIFF_BYTES = 256 * 1024


@dataclass
class RawTable:
    """A table as read, before any schema work."""

    frame: pd.DataFrame
    source: str
    kind: str  # "csv", "excel", "parquet", "jsonl", "dataframe"
    #: label of each row in the report (file row numbers, or index labels for a DataFrame)
    row_labels: list
    notes: list[str] = field(default_factory=list)
    delimiter: str | None = None
    #: rows the reader itself had to skip: (row label, reason, raw text)
    skipped: list[tuple[object, str, str]] = field(default_factory=list)


def read_source(
    source,
    *,
    sheet_name=None,
    encoding: str | None = None,
    delimiter: str | None = None,
    text_columns: Callable[[list[str]], Collection[str]] | None = None,
) -> RawTable:
    """Read ``source`` (path or DataFrame) into a :class:`RawTable`.

    ``text_columns(header)`` names the columns to read as plain text from CSV files (the
    canonical ones, so ``00123`` stays ``00123``); other columns get pandas' usual inference.
    """
    if isinstance(source, pd.DataFrame):
        return RawTable(source.copy(), source="DataFrame", kind="dataframe",
                        row_labels=list(source.index))
    if not isinstance(source, (str, Path)) and not hasattr(source, "__fspath__"):
        raise DataLoadError(
            f"source must be a file path or a pandas DataFrame; got {type(source).__name__}. "
            "Pass the path of a CSV, Excel, Parquet or JSON lines file."
        )
    path = Path(source).expanduser()
    if path.is_dir():
        raise DataLoadError(f"{path} is a folder; pass the path of one data file inside it.")
    if not path.is_file():
        raise DataLoadError(f"file not found: {path}; check the path (relative paths start at {Path.cwd()}).")
    name = path.name
    data = path.read_bytes()
    return _read_bytes(data, name, str(path), sheet_name=sheet_name, encoding=encoding,
                       delimiter=delimiter, text_columns=text_columns)


def _read_bytes(data, name, label, *, sheet_name, encoding, delimiter, text_columns) -> RawTable:
    lower = name.lower()
    notes: list[str] = []
    if lower.endswith(".zip"):
        data, name = _unzip(data, label)
        notes.append(f"read member {name!r} of the zip archive")
        lower = name.lower()
    for ext, opener in ((".gz", gzip.decompress), (".bz2", _bz2), (".xz", _xz)):
        if lower.endswith(ext):
            try:
                data = opener(data)
            except Exception as exc:
                raise DataLoadError(
                    f"{label}: ends in {ext} but could not be decompressed ({exc}); "
                    "check the file is complete, or decompress it yourself."
                ) from None
            notes.append(f"decompressed {ext}")
            lower = lower[: -len(ext)]
            break
    if not data.strip(b"\x00\t\r\n \xef\xbb\xbf\xff\xfe"):
        raise DataLoadError(
            f"{label} is empty (no header, no rows); export the table again with a header row."
        )
    suffix = Path(lower).suffix
    if suffix in EXCEL_EXTENSIONS:
        table = _read_excel(data, label, sheet_name)
    elif suffix in PARQUET_EXTENSIONS:
        table = _read_parquet(data, label)
    elif suffix in JSON_EXTENSIONS:
        table = _read_json(data, label, encoding)
    elif suffix in CSV_EXTENSIONS:
        table = _read_csv(data, label, encoding=encoding, delimiter=delimiter,
                          text_columns=text_columns, tab_default=suffix in (".tsv", ".tab"))
    elif suffix == ".xls":
        raise DataLoadError(
            f"{label} is an old binary Excel (.xls) file, which cxlab does not read; open it in "
            "Excel or LibreOffice and save it as .xlsx or .csv."
        )
    else:
        raise DataLoadError(
            f"{label}: unknown file type {suffix or '(no extension)'!r}; cxlab reads "
            f"{', '.join(SUPPORTED_EXTENSIONS)}. Rename the file if its extension is wrong, or "
            "read it with pandas and pass the DataFrame."
        )
    table.notes[:0] = notes
    return table


def _bz2(data):
    import bz2

    return bz2.decompress(data)


def _xz(data):
    import lzma

    return lzma.decompress(data)


def _unzip(data: bytes, label: str) -> tuple[bytes, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DataLoadError(f"{label} ends in .zip but is not a zip archive; check the file.") from None
    members = [
        m for m in archive.namelist()
        if not m.endswith("/") and not m.startswith("__MACOSX") and Path(m).suffix.lower() in
        CSV_EXTENSIONS + EXCEL_EXTENSIONS + PARQUET_EXTENSIONS + JSON_EXTENSIONS
    ]
    if len(members) != 1:
        raise DataLoadError(
            f"{label}: a zip archive must hold exactly one data file; found {members or archive.namelist()}. "
            "Extract the one you want and load it directly."
        )
    return archive.read(members[0]), Path(members[0]).name


# -- text files ------------------------------------------------------------------------------

def decode_bytes(data: bytes, label: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``, sniffing the encoding unless given. Returns ``(text, encoding)``."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataLoadError(
                f"{label} could not be decoded as {encoding!r} ({exc}); leave encoding=None to "
                "sniff it, or pass the file's real encoding (e.g. 'cp1252')."
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            enc = _guess_encoding(data, label)
        else:
            _check_text(text, label, "utf-8")
            return text, "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise DataLoadError(
            f"{label} starts like {enc} but does not decode as it ({exc}); pass encoding= with "
            "the file's real encoding, or re-save it as UTF-8."
        ) from None
    _check_text(text, label, enc)
    return text, enc


def _guess_encoding(data: bytes, label: str) -> str:
    from charset_normalizer import from_bytes

    if b"\x00" not in data[:_SNIFF_BYTES]:
        # Western single-byte files are by far the most common non-UTF-8 exports (Excel on
        # Windows writes cp1252); short samples make charset-normalizer pick exotic code pages.
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data[:_SNIFF_BYTES]).best()
    if best is None:
        raise DataLoadError(
            f"{label} is not readable text in any known encoding (it looks like a binary file); "
            "check it is really a CSV/JSON text file, or pass encoding= if you know it."
        )
    return best.encoding


def _check_text(text: str, label: str, enc: str) -> None:
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(2, len(sample) // 100):
        raise DataLoadError(
            f"{label} decodes as {enc} but holds {controls} control characters in its first "
            f"{len(sample)} characters: it looks like a binary file, not a text table. Check the "
            "file, or pass encoding= if you know it."
        )


def sniff_delimiter(text: str) -> str:
    """Return the delimiter among ``, ; TAB |`` that splits the first lines most consistently."""
    head = "\n".join(text[:_SNIFF_BYTES].splitlines()[:50])
    best, best_score = ",", (0, 0, 0)
    for i, delim in enumerate(DELIMITERS):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(head), delimiter=delim) if r]
        except csv.Error:
            continue
        if len(counts) > 1:
            counts = counts[:-1]  # the last sampled record may be cut in half
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts)
        score = (consistent, counts[0], -i)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(data, label, *, encoding, delimiter, text_columns, tab_default) -> RawTable:
    text, enc = decode_bytes(data, label, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    sniffed = delimiter is None
    if delimiter is None:
        delimiter = "\t" if tab_default and "\t" in text[:4096] else sniff_delimiter(text)
    notes = [f"encoding {enc}" + (" (sniffed)" if encoding is None else ""),
             f"delimiter {delimiter!r}" + (" (sniffed)" if sniffed else "")]
    try:
        header = list(pd.read_csv(io.StringIO(text), sep=delimiter, nrows=0).columns)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        _raise_if_unclosed_quote(label, exc)
        raise DataLoadError(f"{label}: no header row could be read ({exc}); check the file.") from None
    keep = set(text_columns(header)) if text_columns else set()
    kwargs = dict(
        sep=delimiter,
        skip_blank_lines=False,  # keep row numbers equal to line numbers; blank rows are reported
        dtype={c: object for c in header if c in keep},
        keep_default_na=False,
        na_values={c: ([""] if c in keep else list(NA_TOKENS)) for c in header},
    )
    skipped: list = []
    try:
        frame = pd.read_csv(io.StringIO(text), **kwargs)
        labels = list(range(2, len(frame) + 2))
    except pd.errors.ParserError as exc:
        _raise_if_unclosed_quote(label, exc)
        try:
            frame, labels, skipped = _read_csv_skipping_bad_lines(text, header, kwargs)
        except csv.Error as err:
            raise DataLoadError(f"{label}: malformed CSV ({err}); check the file.") from None
    notes.append(f"{len(header)} columns")
    return RawTable(frame, source=label, kind="csv", row_labels=labels, notes=notes,
                    delimiter=delimiter, skipped=skipped)


def _raise_if_unclosed_quote(label, exc) -> None:
    if "EOF inside string" in str(exc):  # it swallows every later line: no safe repair
        raise DataLoadError(
            f"{label}: a quoted value is never closed ({exc}); every row after it would be "
            "lost. Fix the stray quote character in the file, or export it again."
        ) from None


def _read_csv_skipping_bad_lines(text, header, kwargs):
    """Slow path for files with malformed rows: keep the good ones, report the bad ones."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=kwargs["sep"]))
    n = len(header)
    good, labels, skipped = [records[0]], [], []
    for number, record in enumerate(records[1:], start=2):
        if len(record) > n:
            skipped.append((number, f"malformed row: {len(record)} fields, header has {n}",
                            kwargs["sep"].join(record)))
        else:
            good.append(record)
            labels.append(number)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=kwargs["sep"], lineterminator="\n").writerows(good)
    buffer.seek(0)
    return pd.read_csv(buffer, **kwargs), labels, skipped


def _read_json(data, label, encoding) -> RawTable:
    text, enc = decode_bytes(data, label, encoding)
    text = text.lstrip("\ufeff")
    is_array = text.lstrip().startswith("[")
    try:
        frame = pd.read_json(io.StringIO(text), lines=not is_array, dtype=False)  # no guessing
    except ValueError as exc:
        where = ""
        if not is_array:
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        json.loads(line)
                    except json.JSONDecodeError as err:
                        where = f" line {number} is not valid JSON ({err.msg});"
                        break
        raise DataLoadError(
            f"{label}: could not read JSON ({exc});{where} cxlab expects one JSON object per line "
            "(JSON lines) or a list of objects."
        ) from None
    return RawTable(frame, source=label, kind="jsonl", row_labels=list(range(1, len(frame) + 1)),
                    notes=[f"encoding {enc}", "JSON array" if is_array else "JSON lines"])


# -- binary formats --------------------------------------------------------------------------

def _read_excel(data, label, sheet_name) -> RawTable:
    sheet = 0 if sheet_name is None else sheet_name
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, engine="openpyxl")
    except (ValueError, IndexError, KeyError) as exc:
        sheets = _sheet_names(data)
        raise DataLoadError(
            f"{label}: could not read sheet {sheet!r} ({exc}); the workbook has sheets {sheets}. "
            "Pass sheet_name= with one of them."
        ) from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise DataLoadError(
            f"{label} is not a readable .xlsx workbook ({type(exc).__name__}: {exc}); open it in "
            "Excel or LibreOffice and save it again, or export the sheet as CSV."
        ) from None
    if frame.columns.empty:
        raise DataLoadError(f"{label}: sheet {sheet!r} is empty; pass sheet_name= for the sheet with the table.")
    return RawTable(frame, source=label, kind="excel", row_labels=list(range(2, len(frame) + 2)),
                    notes=[f"sheet {sheet!r}"])


def _sheet_names(data) -> list[str]:
    try:
        from openpyxl import load_workbook

        return load_workbook(io.BytesIO(data), read_only=True).sheetnames
    except Exception:
        return []


def _read_parquet(data, label) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises its own error types
        raise DataLoadError(
            f"{label} is not a readable Parquet file ({type(exc).__name__}: {exc}); check the "
            "file is complete, or export the table again."
        ) from None
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return RawTable(frame, source=label, kind="parquet", row_labels=list(range(1, len(frame) + 1)))
