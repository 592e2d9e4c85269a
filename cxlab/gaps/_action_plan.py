"""Action-plan table (gap, evidence, metric, target, owner, status) and its safe export."""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.gaps._config import cell_name, load_actions, matching_action
from cxlab.gaps._stats import check_columns

__all__ = ["action_plan", "export_table", "neutralise_formulas", "gap_quotes", "ACTION_PLAN_COLUMNS"]

ACTION_PLAN_COLUMNS = ["rank", "gap", "evidence", "metric", "current", "target", "owner", "status",
                       "effort", "priority_score", "quadrant"]

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells cannot run as spreadsheet formulas (leading ``'`` added).

    Delegates to :func:`cxlab.io.safe_for_spreadsheet`.

    Examples
    --------
    >>> import pandas as pd
    >>> neutralise_formulas(pd.DataFrame({"t": ['=HYPERLINK("x")', "ok"]}))["t"].tolist()
    ['\\'=HYPERLINK("x")', 'ok']
    """
    from cxlab.io import safe_for_spreadsheet

    return safe_for_spreadsheet(df)


def _fmt(v, *, share: bool) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return f"{v:.1%}" if share else f"{v:.2f}"


def action_plan(
    prioritised: pd.DataFrame,
    *,
    actions=None,
    verdicts: pd.DataFrame | None = None,
    quotes: dict | None = None,
    top: int | None = 10,
    pain_point_reduction: float = 0.5,
) -> pd.DataFrame:
    """Turn ranked gaps into an action plan: gap, evidence, metric, target, owner, status.

    Targets: a survey gap's target is the touchpoint target (or, without one, the customers'
    expectation); a pain point's target is its complaint share cut by ``pain_point_reduction``
    (default: halve it). Status is "proposed" unless an action in ``actions`` targets the same
    theme or touchpoint: then "live since <date> (<action name>)", followed by the monitoring
    verdict when ``verdicts`` has one for that action; a gap whose target is already met
    (``status`` "target met" in ``prioritised``) and has no action reads "target met: watch".
    Owners come from the action, else from the effort YAML used in prioritisation.

    Parameters
    ----------
    prioritised : DataFrame
        :func:`prioritise_gaps` output.
    actions : path, list of dict or dict, optional
        Actions YAML (:func:`cxlab.gaps.load_actions`) or its already-loaded list.
    verdicts : DataFrame, optional
        Monitoring results with ``action`` and ``verdict`` columns (e.g. :mod:`cxlab.monitoring`).
    quotes : dict, optional
        ``{gap_id or theme or touchpoint: redacted quote}`` appended to the evidence.
    top : int or None, default 10
        Keep the ``top`` ranked gaps, plus any gap an action in ``actions`` is live on (None
        keeps all).

    Returns
    -------
    DataFrame
        Columns :data:`ACTION_PLAN_COLUMNS`, one row per gap in rank order.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"rank": [1], "gap_id": ["theme:late"], "kind": ["pain_point"], "theme": ["late"],
    ...     "touchpoint": [None], "label": ["late delivery"], "evidence": ["12% complain"],
    ...     "metric": ["share of comments"], "current": [0.12], "target": [None], "owner": ["Logistics"],
    ...     "effort": [4.0], "priority_score": [0.1], "quadrant": ["major project"]})
    >>> action_plan(p)[["gap", "target", "status"]]
                 gap target    status
    0  late delivery   6.0%  proposed
    """
    check_columns(prioritised, ["rank", "gap_id", "kind", "theme", "touchpoint", "label", "evidence", "metric",
                                "current", "target", "owner", "effort", "priority_score", "quadrant"],
                  arg="prioritised", hint=" Pass the output of cxlab.gaps.prioritise_gaps().")
    if not 0 < pain_point_reduction < 1:
        raise ParameterError(f"pain_point_reduction must be in (0, 1); received {pain_point_reduction!r}.")
    if actions is None:
        acts = []
    elif isinstance(actions, list):
        acts = actions
    else:
        acts = load_actions(actions)
    verdict = {}
    if verdicts is not None and len(verdicts):
        check_columns(verdicts, ["action", "verdict"], arg="verdicts")
        verdict = dict(zip(verdicts["action"].astype(str), verdicts["verdict"].astype(str)))
    quotes = dict(quotes or {})
    rows = []
    table = prioritised.sort_values("rank", kind="stable")
    if top is not None:
        # the top gaps to act on, plus every gap an action is already live on (its owner wants
        # to see how it is doing even when the gap no longer ranks high)
        keep = np.arange(len(table)) < top
        for i, r in enumerate(table.itertuples()):
            keep[i] |= matching_action(acts, theme=r.theme, touchpoint=r.touchpoint) is not None
        table = table[keep]
    for r in table.itertuples():
        theme, tp = cell_name(r.theme), cell_name(r.touchpoint)
        share = r.kind == "pain_point"
        target = r.target
        if share:
            target = float(r.current) * (1 - pain_point_reduction)
        act = matching_action(acts, theme=theme, touchpoint=tp)
        status, owner = "proposed", r.owner
        if getattr(r, "status", None) == "target met":
            status = "target met: watch"
        if act is not None:
            status = f"live since {act['live_date'].isoformat()} ({act['name']})"
            if act["name"] in verdict:
                status += f": {verdict[act['name']]}"
            owner = act["owner"] or owner
        evidence = r.evidence
        quote = quotes.get(r.gap_id) or (quotes.get(theme) if theme else None) or (quotes.get(tp) if tp else None)
        if quote:
            evidence = f'{evidence}. e.g. "{quote}"'
        rows.append((int(r.rank), r.label, evidence, r.metric, _fmt(r.current, share=share),
                     _fmt(target, share=share), owner, status, r.effort, r.priority_score, r.quadrant))
    return pd.DataFrame(rows, columns=ACTION_PLAN_COLUMNS)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _deterministic_zip(data: bytes) -> bytes:
    # openpyxl stamps each zip member, and the workbook's "modified" property, with the current
    # time whatever it was set to; rewrite both with a fixed one so the same table always
    # gives the same bytes.
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>2020-01-01T00:00:00Z\g<2>", body)
            dst.writestr(fixed, body)
    return out.getvalue()


def export_table(df: pd.DataFrame, path, *, sheet_name: str = "action_plan") -> Path:
    """Write ``df`` to CSV or Excel (by suffix) with formulas neutralised; same table, same bytes.

    Every text cell starting with ``= + - @`` (e.g. a customer's ``=HYPERLINK(...)``) gets a
    leading ``'`` so spreadsheets show it as text; in ``.xlsx`` text cells are also typed as
    strings. Writes atomically. Returns the path.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> p = export_table(pd.DataFrame({"t": ["=1+1"]}), pathlib.Path(tempfile.mkdtemp()) / "plan.csv")
    >>> p.read_text().splitlines()
    ['t', "'=1+1"]
    """
    from cxlab.io import atomic_write_bytes, check_not_raw

    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a file path ending in .csv or .xlsx; received {path!r}.")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"path must end in .csv or .xlsx; received {path.name!r}.")
    check_not_raw(path)
    safe = neutralise_formulas(df.reset_index(drop=True))
    if suffix == ".csv":
        data = safe.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")
    else:
        import datetime as dt

        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = sheet_name[:31]
        ws.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            values = []
            for v in row:
                if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                    values.append(None)
                elif isinstance(v, (np.integer, np.floating, np.bool_)):
                    values.append(v.item())
                else:
                    values.append(v if isinstance(v, (int, float, bool)) else str(v))
            ws.append(values)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never let openpyxl read a leading "=" as a formula
        fixed = dt.datetime(2020, 1, 1)
        wb.properties.created = fixed
        wb.properties.modified = fixed
        buffer = io.BytesIO()
        wb.save(buffer)
        data = _deterministic_zip(buffer.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_bytes(path, data)


def gap_quotes(prioritised: pd.DataFrame, feedback: pd.DataFrame, themes=None, *, top: int | None = None,
               min_chars: int = 25, max_chars: int = 220) -> pd.DataFrame:
    """One redacted customer quote per gap: the most negative readable comment behind it.

    Theme gaps take comments whose *primary* theme it is (the first theme listed for a comment)
    before comments that only mention it, so a comment about a courier that happens to say
    "card" does not speak for checkout; touchpoint gaps take comments about the touchpoint. A
    comment quoted for one gap is not quoted again for a lower-ranked one. Ties are broken by
    length then ``feedback_id`` so the same data always gives the same quote. Quotes are
    redacted (:func:`cxlab.journey.redact_quote`); escape them before rendering as Markdown
    (:func:`cxlab.report_text.escape_markdown`).

    Returns
    -------
    DataFrame
        ``gap_id``, ``label``, ``quote`` (rank order; gaps without a usable comment are kept with
        an empty quote).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"rank": [1], "gap_id": ["touchpoint:returns"], "label": ["returns"],
    ...                   "theme": [None], "touchpoint": ["returns"]})
    >>> fb = pd.DataFrame({"feedback_id": ["1"], "text": ["Refund took six weeks, call me on 07700 900123"],
    ...                    "touchpoint": ["returns"], "rating": [1]})
    >>> gap_quotes(p, fb)["quote"].iloc[0]
    'Refund took six weeks, call me on [PHONE]'
    """
    from cxlab.journey import emotion_score, redact_quote, theme_table

    check_columns(prioritised, ["gap_id", "label", "theme", "touchpoint"], arg="prioritised")
    check_columns(feedback, ["feedback_id", "text"], arg="feedback")
    fb = feedback.assign(feedback_id=feedback["feedback_id"].astype(str),
                         _emotion=feedback["emotion"] if "emotion" in feedback.columns else emotion_score(feedback))
    length = fb["text"].astype(object).fillna("").astype(str).str.len()
    fb = fb.assign(_len=length)[(length >= min_chars) & (length <= max_chars) & (fb["_emotion"] < 0)]
    fb = fb.sort_values(["_emotion", "_len", "feedback_id"], kind="stable")
    tt = theme_table(feedback, themes)
    primary = tt.drop_duplicates("feedback_id")  # theme_table keeps each comment's primary theme first
    rows, used = [], set()
    table = prioritised.sort_values("rank", kind="stable") if "rank" in prioritised else prioritised
    for r in (table.head(top) if top else table).itertuples():
        pools = []
        if isinstance(r.theme, str):
            pools = [fb["feedback_id"].isin(primary.loc[primary["theme"] == r.theme, "feedback_id"]),
                     fb["feedback_id"].isin(tt.loc[tt["theme"] == r.theme, "feedback_id"])]
        elif isinstance(r.touchpoint, str) and "touchpoint" in fb.columns:
            pools = [fb["touchpoint"] == r.touchpoint]
        quote = ""
        for pool in pools:
            cand = fb[pool.to_numpy(bool) & ~fb["feedback_id"].isin(used).to_numpy()]
            if len(cand):
                used.add(cand["feedback_id"].iloc[0])
                quote = redact_quote(cand["text"].iloc[0])
                break
        rows.append((r.gap_id, r.label, quote))
    return pd.DataFrame(rows, columns=["gap_id", "label", "quote"])
