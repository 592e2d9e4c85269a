"""Export defects planted in the demo's raw files, as real CRM and survey exports have them.

:func:`~cxlab.datasets.make_demo_data` returns clean tables; :func:`~cxlab.datasets.write_demo_data`
writes them with a few defects that the loaders in :mod:`cxlab.io` must catch and account for:
rows exported twice, an edited comment exported again under the same id, a row without an id,
a row whose date reads "not recorded", scores outside their scale, and tickets "resolved" before
they were opened. Each defect is listed in the truth (``defects.csv``: table, key, column, defect,
expected action), and every defect is planted so that loading the raw files gives back exactly
the clean tables: repaired values are planted only where the clean value is missing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["plant_export_defects", "DEFECT_COLUMNS"]

DEFECT_COLUMNS = ["table", "key", "column", "defect", "expected_action"]


def plant_export_defects(tables: dict[str, pd.DataFrame], *, random_state: int):
    """Return ``(raw_tables, defects)``: copies of the text-formatted tables with defects planted.

    ``tables`` must already hold datetimes formatted as text (as written to CSV).
    """
    rng = np.random.default_rng([int(random_state), 2024])  # own stream: the clean data is unchanged
    raw = dict(tables)
    defects: list[tuple] = []
    raw["feedback"] = _feedback_defects(tables["feedback"], rng, defects)
    raw["tickets"] = _ticket_defects(tables["tickets"], rng, defects)
    return raw, pd.DataFrame(defects, columns=DEFECT_COLUMNS)


def _feedback_defects(fb: pd.DataFrame, rng, defects: list) -> pd.DataFrame:
    fb = fb.copy()
    # scores typed outside their scale where the clean table has none: the loader sets them missing
    for col, bad, n in (("nps", 11, 3), ("rating", 0, 2)):
        empty = np.flatnonzero(fb[col].isna().to_numpy())
        for i in np.sort(rng.choice(empty, size=min(n, len(empty)), replace=False)):
            fb.loc[fb.index[i], col] = bad
            defects.append(("feedback", fb["feedback_id"].iat[i], col, f"{col} {bad} is off its scale",
                            "repaired"))
    pieces, last = [], 0
    dup_at = np.sort(rng.choice(len(fb) - 1, size=min(9, len(fb) - 1), replace=False))
    for n, i in enumerate(dup_at):
        pieces.append(fb.iloc[last:i + 1])
        extra = fb.iloc[[i]].copy()
        key = extra["feedback_id"].iat[0]
        if n == 0:  # the comment was edited after the first export: same id, other text
            extra["text"] = extra["text"].fillna("").astype(str) + " (edited)"
            defects.append(("feedback", key, "feedback_id", "same id exported twice with different text",
                            "dropped"))
        else:
            defects.append(("feedback", key, "", "row exported twice", "dropped"))
        pieces.append(extra)
        last = i + 1
    pieces.append(fb.iloc[last:])
    template = fb.iloc[[0]].copy()
    no_id = template.assign(feedback_id=np.nan, text="Great service, will shop again")
    no_date = template.assign(feedback_id="FB-UNDATED-1", created_at="not recorded",
                              text="Parcel came two days late")
    defects.append(("feedback", "", "feedback_id", "row without an id", "dropped"))
    defects.append(("feedback", "FB-UNDATED-1", "created_at", "date 'not recorded'", "dropped"))
    return pd.concat([*pieces, no_id, no_date], ignore_index=True)


def _ticket_defects(tickets: pd.DataFrame, rng, defects: list) -> pd.DataFrame:
    tickets = tickets.copy()
    open_rows = np.flatnonzero(tickets["resolved_at"].isna().to_numpy())
    for i in np.sort(rng.choice(open_rows, size=min(2, len(open_rows)), replace=False)):
        opened = pd.Timestamp(tickets["opened_at"].iat[i])
        tickets.loc[tickets.index[i], "resolved_at"] = (opened - pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
        defects.append(("tickets", tickets["ticket_id"].iat[i], "resolved_at", "resolved before it was opened",
                        "repaired"))
    return tickets
