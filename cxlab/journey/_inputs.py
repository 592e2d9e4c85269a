"""Theme and sentiment inputs for the journey and gap reports: saved outputs, or a quick fallback.

Theme fitting is the slow step of the demo report, so notebooks 04-05 reuse what notebook 02
saved (``data/processed``) and fall back on seed words of the researcher's taxonomy only when
nothing was saved.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxlab.exceptions import DataLoadError
from cxlab.gaps._stats import check_columns

__all__ = ["read_theme_table", "seed_word_themes", "theme_table_coverage", "load_report_inputs", "ReportInputs"]

_THEME_COLS = ("theme", "theme_id", "primary_theme")


def read_theme_table(path) -> pd.DataFrame:
    """Read a saved comment x theme table (Parquet or CSV) as ``feedback_id, theme[, sentiment]``.

    Accepts ``theme``, ``theme_id`` or ``primary_theme`` for the theme column and keeps a
    ``sentiment`` (per mention) and ``theme_label`` columns when present. ``unthemed`` rows are
    dropped. Within a comment the
    primary (``is_primary``) or strongest (``weight``) theme comes first.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> pd.DataFrame({"feedback_id": ["a", "b"], "theme_id": ["late", "unthemed"]}).to_csv(p, index=False)
    >>> read_theme_table(p)
      feedback_id theme
    0           a  late
    """
    if not isinstance(path, (str, os.PathLike)) or not Path(path).is_file():
        raise DataLoadError(f"theme table {str(path)!r} does not exist; run the themes notebook "
                            "(02) or `cxlab themes` first, or pass another file.")
    path = Path(path)
    df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype={"feedback_id": str})
    col = next((c for c in _THEME_COLS if c in df.columns), None)
    if col is None:
        raise DataLoadError(f"{path.name} has no theme column (one of {list(_THEME_COLS)}); it has {list(df.columns)}.")
    check_columns(df, ["feedback_id"], arg=path.name)
    # primary / strongest theme first within each comment: it decides the comment's stage
    if "is_primary" in df.columns or "weight" in df.columns:
        keys = [c for c in ("is_primary", "weight") if c in df.columns]
        df = df.sort_values(keys, ascending=False, kind="stable")
    keep = ["feedback_id", col] + [c for c in ("sentiment", "theme_label") if c in df.columns]
    out = df[keep].rename(columns={col: "theme"})
    out = out[out["theme"].notna() & (out["theme"].astype(str) != "unthemed")]
    out = out.astype({"feedback_id": str, "theme": str})
    return out.sort_values("feedback_id", kind="stable").reset_index(drop=True)


#: Below this share of the feedback's comment ids found in a saved theme table, the table is
#: taken to come from other data (e.g. notebook 02 run on your data, this report on the demo).
MIN_THEME_COVERAGE = 0.5


def theme_table_coverage(themes: pd.DataFrame, feedback: pd.DataFrame, *, name: str,
                         strict: bool = False) -> str | None:
    """Check that a saved comment x theme table belongs to ``feedback``; a note, or ``None`` if it fits.

    Theme tables are joined to comments by ``feedback_id``. A table saved from other data
    matches few or no ids, and a join would quietly leave every comment without a theme. So:
    when under :data:`MIN_THEME_COVERAGE` of the comments with an id are in the table, the note
    starts with ``"ignored"`` (the caller falls back) or, with ``strict=True`` (a file the user
    named), a :class:`~cxlab.exceptions.DataLoadError` says what to fix. Partial coverage above
    the threshold is reported (unthemed comments are not in the table, so ~10% missing is normal).

    Examples
    --------
    >>> fb = pd.DataFrame({"feedback_id": ["a", "b", "c"]})
    >>> note = theme_table_coverage(pd.DataFrame({"feedback_id": ["x"], "theme": ["t"]}), fb, name="t.csv")
    >>> note.split(":")[0], "none of the 3 comments" in note
    ('ignored t.csv', True)
    """
    if "feedback_id" not in feedback.columns or not len(feedback):
        return None
    ids = feedback["feedback_id"].dropna().astype(str)
    if not len(ids):
        return None
    found = ids.isin(set(themes["feedback_id"].astype(str))).to_numpy()
    share = float(found.mean())
    if share >= MIN_THEME_COVERAGE:
        return None
    what = ("none" if not found.any() else f"only {int(found.sum())} ({share:.0%})") + f" of the {len(ids)} comments"
    msg = (f"{name}: {what} of this feedback table have a row in it, so it was saved from other data. "
           "Run notebook 02 or `cxlab themes --save-processed` on this feedback to save its themes")
    if strict:
        raise DataLoadError(msg + ", or pass the theme table that belongs to it.")
    return f"ignored {msg}; until then comments are tagged by the taxonomy's seed words"


def seed_word_themes(feedback: pd.DataFrame, taxonomy, *, text_col: str = "text") -> pd.DataFrame:
    """Tag comments with every taxonomy theme whose seed word or phrase they contain.

    A quick, transparent fallback when no fitted themes were saved: it only finds the themes the
    researcher already named and misses paraphrases, so reports say when it was used.

    Parameters
    ----------
    feedback : DataFrame
        Needs ``feedback_id`` and ``text_col``.
    taxonomy : path, dict or cxlab.themes.Taxonomy
        Read with :func:`cxlab.themes.load_taxonomy`.

    Returns
    -------
    DataFrame
        ``feedback_id``, ``theme`` (one row per comment x matched theme), grouped by comment
        with themes in taxonomy order.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"feedback_id": ["1", "2"], "text": ["Parcel LATE again", "nice"]})
    >>> seed_word_themes(fb, {"themes": {"delivery_delay": {"seeds": ["late"]}}})
      feedback_id           theme
    0           1  delivery_delay
    """
    from cxlab.themes import load_taxonomy

    check_columns(feedback, ["feedback_id", text_col], arg="feedback")
    tax = load_taxonomy(taxonomy)
    text = feedback[text_col].astype(object).fillna("").astype(str).str.lower()
    ids = feedback["feedback_id"].astype(str)
    frames = []
    for tid, seeds in zip(tax.ids, tax.seeds):
        # word-start boundary so "late" matches "late"/"lateness" but not "chocolate"
        pattern = r"\b(?:" + "|".join(re.escape(s.lower()) for s in seeds) + ")"
        hit = text.str.contains(pattern, regex=True)
        frames.append(pd.DataFrame({"feedback_id": ids[hit].to_numpy(), "theme": tid}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["feedback_id", "theme"])
    # grouped by comment, themes in taxonomy order within a comment
    return out.sort_values("feedback_id", kind="stable").reset_index(drop=True)


@dataclass
class ReportInputs:
    """Everything notebooks 04-05 and ``cxlab gaps`` read, resolved once.

    ``tables`` are canonical tables (feedback with an ``emotion`` column), ``themes`` a long
    ``feedback_id, theme`` table or None, ``labels`` readable theme names, the YAML paths (None
    when absent) and ``notes`` on every fallback used.
    """

    folder: Path | None
    tables: dict
    themes: pd.DataFrame | None
    theme_source: str
    labels: dict
    targets: Path | None
    effort: Path | None
    actions: Path | None
    journey: Path | None
    notes: list = field(default_factory=list)


def _file_or_default(given, folder, name):
    if given not in (None, ""):
        path = Path(given)
        if not path.is_file():
            raise DataLoadError(f"{name} file {str(path)!r} does not exist; check the path or pass \"\" for the default.")
        return path
    if folder is not None and (Path(folder) / name).is_file():
        return Path(folder) / name
    return None


def load_report_inputs(
    data_dir="",
    *,
    files: dict | None = None,
    themes_file="",
    targets_file="",
    effort_file="",
    actions_file="",
    journey_file="",
    score_text="cx",
    random_state: int = 0,
) -> ReportInputs:
    """Load the tables, themes, emotion and researcher YAMLs for the journey and gap reports.

    Parameters
    ----------
    data_dir : str or path, default ""
        Folder of canonical tables (``feedback.csv``...) and YAMLs (``targets.yaml``,
        ``effort.yaml``, ``actions.yaml``, ``taxonomy.yaml``, ``journey.yaml``); ``""`` = the
        bundled demo data (unless ``files`` are given).
    files : dict, optional
        ``{table name: path}`` overriding or replacing files of ``data_dir``.
    themes_file : str, default ""
        Comment x theme table; ``""`` = ``data/processed/theme_assignments.parquet`` (saved by
        notebook 02 / ``cxlab themes``: ``feedback_id``, ``theme``, optionally ``sentiment``,
        ``theme_label``, ``is_primary``, ``weight``) if present, else the taxonomy's seed words.
        Comment sentiment comes from ``data/processed/comment_sentiment.parquet``
        (``feedback_id``, ``sentiment``) when saved, else the mean of the comment's theme
        mentions, else ``score_text``.
    targets_file, effort_file, actions_file, journey_file : str, default ""
        ``""`` = the file of that name in ``data_dir`` if present.
    score_text : {"cx", "vader", False}, default "cx"
        How to score the text of comments that have no rating/CSAT/NPS and no saved sentiment
        (see :func:`cxlab.journey.add_emotion`): fast plain VADER, the slower CX scorer of
        :mod:`cxlab.text`, or not at all.
    random_state : int, default 0
        Seed of the demo data.

    Examples
    --------
    >>> inputs = load_report_inputs()  # doctest: +SKIP
    >>> sorted(inputs.tables)[:2]  # doctest: +SKIP
    ['customers', 'employee_survey']
    """
    from cxlab import config
    from cxlab.io import load_table
    from cxlab.journey._emotion import add_emotion
    from cxlab.schemas import TABLES

    files = {k: Path(v) for k, v in (files or {}).items() if v not in (None, "")}
    unknown = sorted(set(files) - set(TABLES))
    if unknown:
        raise DataLoadError(f"files has unknown tables {unknown}; use {sorted(TABLES)}.")
    folder = Path(data_dir) if data_dir not in (None, "") else None
    if folder is None and not files:
        from cxlab.datasets import ensure_demo_data

        folder = ensure_demo_data(random_state=random_state)
    if folder is not None and not folder.is_dir():
        raise DataLoadError(f"data_dir {str(folder)!r} is not a folder; pass the folder holding feedback.csv etc.")
    notes, tables = [], {}
    demo = data_dir in (None, "") and not files
    if demo:  # the bundled demo is known to be valid: read it directly, much faster than validating
        from cxlab.datasets import load_demo

        tables = load_demo()
    for table in ([] if demo else TABLES):
        path = files.get(table)
        if path is None and folder is not None:
            hits = sorted(p for p in folder.glob(f"{table}.*") if p.suffix in (".csv", ".parquet", ".xlsx", ".json", ".jsonl", ".gz"))
            path = hits[0] if hits else None
        if path is None:
            continue
        df, report = load_table(path, table)
        tables[table] = df
        if report.n_dropped:
            notes.append(f"{table}: {report.n_dropped} row(s) dropped while loading (see cxlab.io's load report)")
    if not tables:
        raise DataLoadError("no input tables found; give data_dir (a folder with feedback.csv, "
                            "touchpoint_survey.csv, ...) or files={'touchpoint_survey': 'survey.csv'}.")
    taxonomy = _file_or_default("", folder, "taxonomy.yaml")
    labels = {}
    if taxonomy is not None:
        from cxlab.themes import load_taxonomy

        tax = load_taxonomy(taxonomy)
        labels = dict(zip(tax.ids, tax.labels))
    themes, source, foreign = None, "none", False
    fb = tables.get("feedback")
    if fb is not None:
        saved = config.processed_dir() / "theme_assignments.parquet"
        if themes_file not in (None, ""):
            themes, source = read_theme_table(themes_file), f"saved themes ({Path(themes_file).name})"
            note = theme_table_coverage(themes, fb, name=Path(themes_file).name, strict=True)
            if note:
                notes.append(note)
        elif saved.is_file():
            themes, source = read_theme_table(saved), f"saved themes ({saved.name})"
            note = theme_table_coverage(themes, fb, name=saved.name)
            if note:
                notes.append(note)
            if note and note.startswith("ignored"):
                themes, source, foreign = None, "none", True
        if themes is not None and "theme_label" in themes.columns:  # fitted labels; taxonomy names win
            found = themes.drop_duplicates("theme").set_index("theme")["theme_label"].dropna().astype(str)
            labels = {**found.to_dict(), **labels}
        elif "theme" in fb.columns:
            source = "feedback's theme column"
        elif taxonomy is not None:
            themes, source = seed_word_themes(fb, taxonomy), "taxonomy seed words"
            if not foreign:
                notes.append("no saved themes found (run notebook 02 or `cxlab themes`): comments were tagged by "
                             "the seed words of taxonomy.yaml, which finds fewer mentions than fitted themes")
        else:
            notes.append("no themes: pain points, emerging themes and monitoring are skipped")
        sentiment = None
        comments = config.processed_dir() / "comment_sentiment.parquet"
        if themes is not None and "sentiment" in themes.columns:
            # mean sentiment of a comment's theme mentions stands in for the comment's sentiment
            sentiment = themes.groupby("feedback_id", sort=True)["sentiment"].mean().dropna().reset_index()
        if comments.is_file() and themes_file in (None, "") and not foreign:  # the whole comment's score
            saved_sent = pd.read_parquet(comments)
            if {"feedback_id", "sentiment"} <= set(saved_sent.columns):
                sentiment = saved_sent[["feedback_id", "sentiment"]].astype({"feedback_id": str})
        tables["feedback"] = add_emotion(fb, sentiment=sentiment, score_text=score_text)
        n_none = int((tables["feedback"]["emotion_source"] == "none").sum())
        if n_none:
            notes.append(f"{n_none} of {len(fb)} comments have no score or sentiment, so no emotion "
                         "(set score_text='vader' or 'cx' to score their text)")
        n_text = int((tables["feedback"]["emotion_source"] == "sentiment").sum())
        if n_text and sentiment is None:
            notes.append(f"{n_text} comments without a score took their emotion from text sentiment "
                         f"({'plain VADER' if score_text == 'vader' else 'cxlab.text CX scorer'})")
    return ReportInputs(
        folder=folder, tables=tables, themes=themes, theme_source=source, labels=labels,
        targets=_file_or_default(targets_file, folder, "targets.yaml"),
        effort=_file_or_default(effort_file, folder, "effort.yaml"),
        actions=_file_or_default(actions_file, folder, "actions.yaml"),
        journey=_file_or_default(journey_file, folder, "journey.yaml"),
        notes=notes,
    )
