"""Notebook 02's content for large inputs: out of core, tables from aggregates, same answers."""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import DataLoadError
from cxlab.scale._notebook import count_input_rows, feedback_themes_report

COLS = dict(text_col="text", id_col="feedback_id", time_col="created_at", outcome_col="rating",
            segment_cols="channel,brand", customer_col="customer_id", stop_words="loomwear,threadly,stylehub",
            n_themes="6", random_state=0)


@pytest.fixture(scope="module")
def comments(tmp_path_factory):
    """1,200 demo comments as a folder of three Parquet files and as a CSV."""
    from cxlab.datasets import ensure_demo_data

    fb = pd.read_csv(ensure_demo_data() / "feedback.csv", dtype=str)
    fb = fb.sample(1200, random_state=2).sort_index().reset_index(drop=True)
    fb["rating"] = pd.to_numeric(fb["rating"])
    root = tmp_path_factory.mktemp("nb")
    folder = root / "feedback_parquet"
    folder.mkdir()
    for i, lo in enumerate(range(0, len(fb), 400)):
        fb.iloc[lo:lo + 400].to_parquet(folder / f"part-{i}.parquet", index=False)
    fb.to_csv(root / "feedback.csv", index=False)
    return fb, folder, root


@pytest.fixture(scope="module")
def both(comments, tmp_path_factory):
    _, folder, _ = comments
    small = feedback_themes_report(str(folder), large_input_rows=10_000, **COLS)
    large = feedback_themes_report(str(folder), large_input_rows=1000, chunk_size=500,
                                   out_parts_dir=str(tmp_path_factory.mktemp("parts")), **COLS)
    return small, large


def test_large_input_goes_out_of_core(comments, both):
    fb, _, _ = comments
    small, large = both
    assert not small.large and large.large and large.feedback is None
    assert large.scale.n_rows == len(fb) and large.scale.n_parts == 3
    assert large.load_note.startswith("Large input (1,200 rows > large_input_rows = 1,000)")
    assert large.intro == small.intro


def test_large_path_shows_the_same_tables(both):
    small, large = both
    # fitted on every row (sample_size > rows): the same themes, so the same tables
    assert large.miner.labels_ == small.miner.labels_
    pd.testing.assert_frame_equal(large.info, small.info, check_dtype=False)
    a, b = large.table, small.table
    assert a.columns.tolist() == b.columns.tolist()
    for c in a.columns:
        if pd.api.types.is_float_dtype(b[c]):
            np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), atol=1e-4, equal_nan=True)
        else:
            assert a[c].tolist() == b[c].tolist(), c
    pd.testing.assert_frame_equal(large.trends, small.trends, check_dtype=False)
    pd.testing.assert_frame_equal(large.segments, small.segments, check_dtype=False)
    assert large.flags_note == small.flags_note
    assert large.describe(top=3) == small.describe(top=3)
    pd.testing.assert_frame_equal(large.quotes(top=3), small.quotes(top=3))
    ranked = large.ranked("channel,brand")
    assert ranked.columns[-3:].tolist() == ["top_channel", "top_brand", "severity"]
    assert ranked.shape[1] <= 12 and ranked["reach"].equals(large.table["share_customers"].round(3))
    # the interval and the trend test are kept, folded into text
    first = large.table.iloc[0]
    assert ranked["impact (95% CI)"].iloc[0] == (f"{first['impact']:+.2f} ({first['impact_low']:+.2f} to "
                                                 f"{first['impact_high']:+.2f})")
    assert ranked["trend"].iloc[0].startswith(first["trend"]) and "->" in ranked["trend"].iloc[0]


def test_large_path_saves_for_the_next_notebooks_by_streaming(both, tmp_path):
    small, large = both
    text = large.save(root=tmp_path)
    assert text.startswith("Saved ") and "1,200 comments" in text
    got = pd.read_parquet(tmp_path / "data" / "processed" / "theme_assignments.parquet")
    small.save(root=tmp_path / "small")
    want = pd.read_parquet(tmp_path / "small" / "data" / "processed" / "theme_assignments.parquet")
    key = ["feedback_id", "theme"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  want.sort_values(key).reset_index(drop=True), check_dtype=False)
    sent = pd.read_parquet(tmp_path / "data" / "processed" / "comment_sentiment.parquet")
    assert len(sent) == 1200 and sent["feedback_id"].is_unique


def test_big_csv_goes_out_of_core_too(comments, both, tmp_path):
    _, _, root = comments
    _, large = both
    rep = feedback_themes_report(str(root / "feedback.csv"), large_input_rows=1000, chunk_size=700,
                                 out_parts_dir=str(tmp_path / "csv_parts"), **COLS)
    assert rep.large and rep.scale.n_parts == 2
    assert rep.table["n_comments"].sum() == large.table["n_comments"].sum()


def test_count_input_rows(comments, tmp_path):
    fb, folder, root = comments
    assert count_input_rows(folder) == len(fb)
    # a comment spanning lines is counted once per line: an upper bound, fine for a threshold
    assert count_input_rows(root / "feedback.csv") >= len(fb)
    gz = tmp_path / "f.csv.gz"
    gz.write_bytes(gzip.compress(b"text\na\nb\nc"))
    assert count_input_rows(gz) == 3
    xlsx = tmp_path / "f.xlsx"
    xlsx.write_bytes(b"PK\n\n\n")
    assert count_input_rows(xlsx) is None  # workbooks are always read in memory
    with pytest.raises(DataLoadError, match="not found"):
        count_input_rows(tmp_path / "missing.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataLoadError, match="holds no .parquet files"):
        count_input_rows(tmp_path / "empty")


def test_report_runner_takes_a_parquet_folder(comments, tmp_path):
    """``cxlab report -p input_path <folder> -p large_input_rows 1000`` runs notebook 02 out of core."""
    import json

    from cxlab.reports import run_report

    _, folder, _ = comments
    params = [("input_path", str(folder)), ("large_input_rows", "1000"), ("out_parts_dir", str(tmp_path / "parts")),
              ("save_results", "false"), *[(k, str(v)) for k, v in COLS.items()]]
    run = run_report(["02"], cli_parameters=params, out_dir=tmp_path / "reports", run_id="t", progress=False)
    nb = json.loads(next((tmp_path / "reports" / "t").glob("02_*.ipynb")).read_text())
    text = "".join("".join(o.get("data", {}).get("text/markdown", ""))
                   for c in nb["cells"] for o in c.get("outputs", []))
    assert "Large input (1,200 rows > large_input_rows = 1,000)" in text
    assert (tmp_path / "parts" / "comments").is_dir() and len(run.notebooks) == 1


def test_rerun_reuses_parts_and_other_parameters_replace_them(comments, both):
    _, folder, _ = comments
    _, large = both
    out = str(large.scale.out_dir)
    again = feedback_themes_report(str(folder), large_input_rows=1000, chunk_size=500, out_parts_dir=out, **COLS)
    assert again.scale.n_parts_reused == 3 and "(3 reused from an earlier run)" in again.load_note
    pd.testing.assert_frame_equal(again.table, large.table)
    other = feedback_themes_report(str(folder), large_input_rows=1000, chunk_size=500, out_parts_dir=out,
                                   **{**COLS, "n_themes": "4"})
    assert other.scale.n_parts_reused == 0 and other.miner.n_themes_ == 4
    assert other.table["n_comments"].sum() > 0
