"""cxlab.io: readers and sniffing, column mapping, row-level validation, the load report, writes."""
from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import CxlabError, DataLoadError, ParameterError, SchemaError
from cxlab.io import (
    LoadReport,
    atomic_write_bytes,
    atomic_write_text,
    atomic_writer,
    build_schema,
    file_sha256,
    load_customers,
    load_feedback,
    load_folder,
    load_orders,
    load_table,
    load_tickets,
    load_touchpoint_survey,
    safe_for_spreadsheet,
    save_processed,
    summarize_reports,
)
from cxlab.schemas import TABLES, get_spec

DATA = Path(__file__).parent / "data" / "io"


@pytest.fixture
def feedback_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "feedback_id": ["a1", "a2", "a3"],
        "text": ["Très bien, livraison rapide", "Size guide was wrong | too small", "ok\tfine"],
        "created_at": ["2025-01-03 10:00:00", "2025-01-04 09:30:00", "2025-01-05 18:15:00"],
        "channel": ["survey", "app_review", "social"],
        "nps": [9, 2, 7],
    })


def _check_feedback(df: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert df["feedback_id"].tolist() == expected["feedback_id"].tolist()
    assert df["text"].tolist() == [t.strip() for t in expected["text"]]
    assert df["created_at"].tolist() == pd.to_datetime(expected["created_at"]).tolist()
    assert df["nps"].tolist() == expected["nps"].tolist()
    assert str(df["nps"].dtype) == "Int64" and str(df["created_at"].dtype) == "datetime64[us]"


# -- readers and sniffing --------------------------------------------------------------------

def _write(frame: pd.DataFrame, path: Path, kind: str) -> Path:
    if kind in ("csv", "tsv", "txt_tab", "pipe", "utf16", "cp1252_semicolon"):
        sep = {"csv": ",", "tsv": "\t", "txt_tab": "\t", "pipe": "|", "utf16": ",",
               "cp1252_semicolon": ";"}[kind]
        enc = {"utf16": "utf-16", "cp1252_semicolon": "cp1252"}.get(kind, "utf-8")
        frame.to_csv(path, sep=sep, index=False, encoding=enc)
    elif kind == "gzip":
        path.write_bytes(gzip.compress(frame.to_csv(index=False).encode("utf-8"), mtime=0))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("export/feedback.csv", frame.to_csv(index=False))
    elif kind == "xlsx":
        frame.to_excel(path, index=False, sheet_name="comments")
    elif kind == "parquet":
        frame.to_parquet(path, index=False)
    elif kind == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif kind == "json":
        frame.to_json(path, orient="records", force_ascii=False)
    return path


@pytest.mark.parametrize("kind, name", [
    ("csv", "f.csv"), ("tsv", "f.tsv"), ("txt_tab", "f.txt"), ("pipe", "f.csv"),
    ("utf16", "f.csv"), ("cp1252_semicolon", "f.csv"), ("gzip", "f.csv.gz"), ("zip", "f.zip"),
    ("xlsx", "f.xlsx"), ("parquet", "f.parquet"), ("jsonl", "f.jsonl"), ("json", "f.json"),
])
def test_every_reader_gives_the_same_table(tmp_path, feedback_frame, kind, name):
    path = _write(feedback_frame, tmp_path / name, kind)
    df, report = load_feedback(path)
    _check_feedback(df, feedback_frame)
    assert report.n_dropped == 0 and report.n_repaired == 0
    assert report.source == str(path)


def test_empty_comments_are_flagged_as_the_themes_engine_flags_them(feedback_frame):
    # the overview (notebook 01) and the themes (02) must count the same empty comments
    from cxlab.text import flag_comments

    texts = ["n/a", "", "...", "late again", "😍", "No comment", "  -  "]
    frame = pd.concat([feedback_frame.iloc[[0]]] * len(texts), ignore_index=True).assign(
        feedback_id=[f"e{i}" for i in range(len(texts))], text=texts)
    df, report = load_feedback(frame)
    flagged = report.issues.loc[report.issues["check"] == "empty_text", "row"].tolist()
    themes_rule = flag_comments(df["text"], columns=["is_empty"])["is_empty"].astype(bool)
    assert len(flagged) == int(themes_rule.sum()) == 5
    assert df.loc[themes_rule.to_numpy(), "feedback_id"].tolist() == ["e0", "e1", "e2", "e5", "e6"]
    assert len(df) == len(texts)  # flagged, kept


def test_dataframe_input_is_not_modified_and_keeps_its_index(feedback_frame):
    frame = feedback_frame.set_axis(["x", "y", "z"])
    before = frame.copy()
    df, report = load_feedback(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert df.index.tolist() == ["x", "y", "z"]
    assert report.source == "DataFrame"


def test_latin1_semicolon_file_with_decimal_commas():
    df, report = load_feedback(DATA / "feedback_latin1_semicolon.csv")
    assert df["text"].tolist()[:2] == ["Très bien, livraison rapide", "Café renversé sur le colis"]
    assert df["text"].iloc[2] == "Größe passt nicht"
    assert df["rating"].tolist() == [4.5, 2.0, 1.0]  # "4,5" in a semicolon file is 4.5
    assert "encoding cp1252 (sniffed)" in report.notes
    assert "delimiter ';' (sniffed)" in report.notes


def test_utf8_bom_file_with_spaced_headers_and_time_zones():
    df, report = load_feedback(DATA / "feedback_utf8_bom.csv")
    assert list(df.columns[:4]) == ["feedback_id", "text", "created_at", "channel"]
    assert df["feedback_id"].tolist() == ["f-001", "f-002", "f-003"]
    assert df["text"].iloc[0] == "Love the dress 😍"
    # tz-aware stamps become naive UTC
    assert df["created_at"].tolist() == [pd.Timestamp("2025-02-01 08:00"),
                                         pd.Timestamp("2025-02-02 11:30"),
                                         pd.Timestamp("2025-02-04 04:59:59")]
    assert df["nps"].tolist()[:2] == [9, 2] and pd.isna(df["nps"].iloc[2])
    assert "encoding utf-8-sig (sniffed)" in report.notes


def test_explicit_encoding_and_delimiter_override_sniffing(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("feedback_id;text;created_at;channel\n1;é;2025-01-01;survey\n".encode("cp1252"))
    df, report = load_feedback(path, encoding="latin-1", delimiter=";")
    assert df["text"].tolist() == ["é"]
    assert "encoding latin-1" in report.notes
    with pytest.raises(DataLoadError, match="could not be decoded as 'utf-8'"):
        load_feedback(path, encoding="utf-8")
    with pytest.raises(DataLoadError, match="could not be decoded as 'klingon'.*encoding=None"):
        load_feedback(path, encoding="klingon")


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_an_error(tmp_path, content):
    path = tmp_path / "feedback.csv"
    path.write_bytes(content)
    with pytest.raises(DataLoadError, match=r"feedback\.csv is empty .*header row"):
        load_feedback(path)


def test_header_only_file_gives_empty_table(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("feedback_id,text,created_at,channel\n")
    df, report = load_feedback(path)
    assert df.empty and list(df.columns) == get_spec("feedback").names
    assert report.n_input_rows == 0 and "no data rows" in report.notes


def test_binary_garbage_is_an_error(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(DataLoadError, match="binary file"):
        load_feedback(path)


@pytest.mark.parametrize("name, message", [
    ("notes.docx", r"unknown file type '\.docx'.*\.csv"),
    ("old.xls", r"old binary Excel \(\.xls\).*save it as \.xlsx"),
    ("broken.parquet", "not a readable Parquet file"),
    ("broken.xlsx", "not a readable .xlsx workbook"),
    ("broken.csv.gz", "could not be decompressed"),
])
def test_unreadable_files_say_what_to_do(tmp_path, name, message):
    path = tmp_path / name
    path.write_bytes(b"this is not what the extension says")
    with pytest.raises(DataLoadError, match=message):
        load_feedback(path)


def test_missing_file_and_wrong_source_type(tmp_path):
    with pytest.raises(DataLoadError, match="file not found: .*nope.csv"):
        load_feedback(tmp_path / "nope.csv")
    with pytest.raises(DataLoadError, match="is a folder"):
        load_feedback(tmp_path)
    with pytest.raises(DataLoadError, match="got list"):
        load_feedback([1, 2])


def test_excel_sheet_name(tmp_path, feedback_frame):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="README", index=False)
        feedback_frame.to_excel(writer, sheet_name="comments", index=False)
    df, _ = load_feedback(path, sheet_name="comments")
    _check_feedback(df, feedback_frame)
    with pytest.raises(DataLoadError, match=r"sheets \['README', 'comments'\].*sheet_name="):
        load_feedback(path, sheet_name="Sheet1")
    with pytest.raises(SchemaError, match="lacks required columns"):
        load_feedback(path)  # the first sheet is the cover


def test_zip_with_several_tables_is_an_error(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x\n1\n")
        archive.writestr("b.csv", "x\n2\n")
    with pytest.raises(DataLoadError, match=r"exactly one data file; found \['a.csv', 'b.csv'\]"):
        load_feedback(path)


def test_malformed_csv_row_is_dropped_and_reported(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("feedback_id,text,created_at,channel\n1,ok,2025-01-01,survey\n\n"
                    "2,too,many,fields,here,2025-01-01\n3,fine,2025-01-02,survey\n4,slow,bad,survey\n")
    df, report = load_feedback(path)
    assert df["feedback_id"].tolist() == ["1", "3"]
    issues = report.issues.set_index("row")
    assert issues.loc[4, "check"] == "malformed_row" and "6 fields, header has 4" in issues.loc[4, "reason"]
    assert issues.loc[3, "check"] == "blank_row" and issues.loc[6, "value"] == "bad"
    assert report.n_input_rows == 5 and report.n_dropped == 3


def test_blank_lines_are_reported_and_row_numbers_match_lines(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("feedback_id,text,created_at,channel\n1,ok,2025-01-01,survey\n\n"
                    "2,\"two\nlines\",2025-01-02,survey\n3,bad,someday,survey\n,,,\n")
    df, report = load_feedback(path)
    assert df["text"].tolist() == ["ok", "two\nlines"]
    issues = report.issues.set_index("row")
    assert issues.loc[3, "check"] == "blank_row" and issues.loc[6, "check"] == "blank_row"
    assert issues.loc[5, "value"] == "someday"  # the quoted newline makes 2 lines count as 1 row
    assert report.n_input_rows == 5 and report.n_dropped == 3
    assert "row = line in the file, header = row 1" in report.summary()


def test_unclosed_quote_is_an_error_not_a_silent_loss(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('feedback_id,text,created_at,channel\n1,"never closed,2025-01-01,survey\n'
                    "2,ok,2025-01-02,survey\n")
    with pytest.raises(DataLoadError, match="quoted value is never closed.*stray quote"):
        load_feedback(path)


# -- column mapping --------------------------------------------------------------------------

def test_renamed_columns_name_the_missing_ones_and_the_fix():
    with pytest.raises(SchemaError) as info:
        load_feedback(DATA / "feedback_renamed.csv")
    message = str(info.value)
    assert "lacks required columns 'feedback_id', 'text', 'created_at', 'channel'" in message
    assert "Columns found: ['Comment ID', 'Comment', 'When', 'Source']" in message
    assert "Close match for 'text': 'Comment'" in message
    assert "column_map={'Comment ID': 'feedback_id', 'Comment': 'text'" in message
    assert "to load_feedback()" in message
    # nothing was renamed behind the user's back: the same call with the suggested map works
    df, report = load_feedback(DATA / "feedback_renamed.csv", column_map={
        "Comment ID": "feedback_id", "Comment": "text", "When": "created_at", "Source": "channel"})
    assert df["text"].tolist() == ["Great fit", "Too small"]
    assert "column 'Comment' -> 'text'" in report.notes


def test_normalised_names_match_without_a_map():
    frame = pd.DataFrame({" Feedback ID ": [1], "TEXT": ["hi"], "created-at": ["2025-01-01"],
                          "Channel": ["survey"], "CustomerID": [17850.0], "Other Stuff": [1]})
    df, _ = load_feedback(frame)
    assert df[["feedback_id", "customer_id"]].iloc[0].tolist() == ["1", "17850"]
    assert list(df.columns)[-1] == "Other Stuff"  # extra columns kept, after canonical ones


def test_column_map_mistakes_are_explained():
    frame = pd.DataFrame({"id": [1], "Comment": ["x"], "date": ["2025-01-01"], "channel": ["s"]})
    with pytest.raises(SchemaError, match=r"maps 'Comment' to 'txt'.*Did you mean 'text'\?"):
        load_feedback(frame, column_map={"Comment": "txt"})
    with pytest.raises(SchemaError, match=r"names column 'Remark', which is not in the data"):
        load_feedback(frame, column_map={"Remark": "text"})
    with pytest.raises(SchemaError, match=r"several columns map to the same canonical column.*'text'"):
        load_feedback(frame.assign(text="y"), column_map={"Comment": "text", "id": "feedback_id",
                                                          "date": "created_at"})


def test_defaults_supply_a_missing_column_and_fill_gaps():
    frame = pd.DataFrame({"feedback_id": ["1", "2"], "text": ["a", "b"],
                          "created_at": ["2025-01-01", "2025-01-02"], "brand": ["Threadly", None]})
    df, report = load_feedback(frame, defaults={"channel": "social", "brand": "Loomwear"})
    assert df["channel"].tolist() == ["social", "social"]
    assert df["brand"].tolist() == ["Threadly", "Loomwear"]
    filled = report.issues[report.issues["check"] == "filled_default"]
    assert filled[["row", "column"]].values.tolist() == [[1, "brand"]]
    assert any("channel absent: set to 'social'" in n for n in report.notes)
    with pytest.raises(SchemaError, match=r"defaults names \['colour'\]"):
        load_feedback(frame, defaults={"channel": "social", "colour": "red"})
    with pytest.raises(SchemaError, match=r"defaults\['nps'\] = 'high' does not fit"):
        load_feedback(frame.assign(nps=[1, None]), defaults={"channel": "s", "nps": "high"})


def test_unknown_table_and_option_values():
    with pytest.raises(ParameterError, match=r"unknown table 'feedbacks'; choose one of"):
        load_table(pd.DataFrame(), "feedbacks")
    with pytest.raises(ParameterError, match="on_duplicate must be one of"):
        load_feedback(pd.DataFrame(), on_duplicate="keep_last")


# -- values and rows -------------------------------------------------------------------------

def _feedback(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"feedback_id": [f"id{i}" for i in range(n)], "text": ["fine"] * n,
            "created_at": ["2025-01-01"] * n, "channel": ["survey"] * n}
    return pd.DataFrame({**base, **columns})


def test_wrong_types_are_repaired_per_value_not_per_load():
    frame = _feedback(nps=["10", "ten", "7.5", 3], rating=["4", "five", None, "n/a"],
                      csat=[1, 2, np.inf, 3])
    df, report = load_feedback(frame)
    assert len(df) == 4  # optional values: the rows stay
    assert df["nps"].tolist()[0] == 10 and df["nps"].isna().tolist() == [False, True, True, False]
    assert df["rating"].isna().tolist() == [False, True, True, True]
    issues = report.issues.set_index(["row", "column"])
    assert issues.loc[(1, "nps"), "reason"] == "nps is not a number; set missing"
    assert issues.loc[(1, "nps"), "value"] == "ten"
    assert issues.loc[(2, "nps"), "reason"] == "nps is not a whole number; set missing"
    assert issues.loc[(1, "rating"), "action"] == "repaired"
    assert (3, "rating") not in issues.index  # "n/a" is a missing value, not a bad one
    assert issues.loc[(2, "csat"), "check"] == "unparseable"


def test_money_and_thousands_separators_are_numbers(tmp_path):
    frame = pd.DataFrame({"order_id": [1, 2, 3, 4], "customer_id": "c", "order_date": "2025-01-01",
                          "amount": ["£1,234.50", "$5", "12 EUR", "1,23"]})
    df, report = load_orders(frame)
    assert df["amount"].tolist()[:3] == [1234.5, 5.0, 12.0] and pd.isna(df["amount"].iloc[3])
    assert report.issues["value"].tolist() == ["1,23"]  # ambiguous in a comma file: reported
    path = tmp_path / "orders.csv"
    path.write_text("order_id;customer_id;order_date;amount\n1;c;2025-01-01;1.234,50 €\n2;c;2025-01-01;4,5\n")
    df, _ = load_orders(path)
    assert df["amount"].tolist() == [1234.5, 4.5]


def test_numeric_ids_become_clean_text():
    frame = _feedback(customer_id=[17850.0, np.nan, 12.0]).assign(feedback_id=[1, 2, 3])
    df, _ = load_feedback(frame)
    assert df["feedback_id"].tolist() == ["1", "2", "3"]
    assert df["customer_id"].tolist()[::2] == ["17850", "12"] and pd.isna(df["customer_id"].iloc[1])
    assert str(df["customer_id"].dtype) == "str"


def test_leading_zero_ids_survive_csv(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("customer_id,age,churned\n00123,34,yes\n0042,N/A,No\n")
    df, _ = load_customers(path)
    assert df["customer_id"].tolist() == ["00123", "0042"]
    assert df["churned"].tolist() == [True, False]


def test_unparseable_required_dates_drop_the_row_with_the_reason():
    frame = _feedback(created_at=["2025-01-01", "yesterday", "2025-13-45", None, "2025-01-02 10:30"])
    df, report = load_feedback(frame)
    assert df["feedback_id"].tolist() == ["id0", "id4"]
    dropped = report.issues[report.issues["action"] == "dropped"].set_index("row")
    assert dropped.loc[1, "reason"] == "required created_at is not a date"
    assert dropped.loc[1, "value"] == "yesterday"
    assert dropped.loc[2, "check"] == "unparseable"
    assert dropped.loc[3, "reason"] == "required created_at is missing"


def test_bare_numbers_are_never_read_as_dates_of_this_month():
    # dateutil would turn "11" into the 11th of the current month: loads must not depend on today
    df, report = load_feedback(_feedback(created_at=["11", "Feb 3", "3 February 2025", "2025-02-30"]))
    assert df["created_at"].tolist() == [pd.Timestamp("2025-02-03")]
    assert report.issues["value"].tolist() == ["11", "Feb 3", "2025-02-30"]


def test_date_options_and_day_first_sniffing():
    frame = _feedback(created_at=["04/09/2012", "31/01/2013"])
    df, report = load_feedback(frame)
    assert df["created_at"].tolist() == pd.to_datetime(["2012-09-04", "2013-01-31"]).tolist()
    assert any("day-first" in n for n in report.notes)
    df, _ = load_feedback(_feedback(created_at=["04/09/2012"]), dayfirst=True)
    assert df["created_at"].iloc[0] == pd.Timestamp("2012-09-04")
    df, report = load_feedback(_feedback(created_at=["01.02.2025", "2025-02-01"]), date_format="%d.%m.%Y")
    assert df["created_at"].tolist() == [pd.Timestamp("2025-02-01")]
    assert "not a date in format '%d.%m.%Y'" in report.issues["reason"].iloc[0]


def test_iso_dates_keep_their_order_in_a_day_first_column():
    # 31/01 makes the column day-first; pandas then guesses %Y-%d-%m for 2025-01-02 and would
    # swap the day and month of every ISO date that comes first
    df, report = load_feedback(_feedback(created_at=["2025-01-02", "2025-03-04 10:30", "31/01/2025",
                                                     "02/03/2025"]))
    assert df["created_at"].tolist() == [pd.Timestamp("2025-01-02"), pd.Timestamp("2025-03-04 10:30"),
                                         pd.Timestamp("2025-01-31"), pd.Timestamp("2025-03-02")]
    assert report.issues.empty


def test_nanosecond_timestamps_load():
    # pandas writes datetime64[ns] as text with 9 decimals; parsing them used to raise a TypeError
    df, report = load_feedback(_feedback(created_at=["2025-01-06 14:25:23.896580986+00:00",
                                                     "2025-01-07 10:00:00+01:00"]))
    assert df["created_at"].tolist() == [pd.Timestamp("2025-01-06 14:25:23.896580"),
                                         pd.Timestamp("2025-01-07 09:00:00")]


def test_out_of_range_values_are_set_missing_and_reported():
    frame = _feedback(nps=[11, 0, 10, -1], rating=[0, 1, 5, 6], ces=[7, 8, 1, 1])
    df, report = load_feedback(frame)
    assert df["nps"].isna().tolist() == [True, False, False, True]
    assert df["rating"].isna().tolist() == [True, False, False, True]
    assert df["ces"].isna().tolist() == [False, True, False, False]
    rng = report.issues[report.issues["check"] == "out_of_range"]
    assert set(rng["action"]) == {"repaired"} and len(rng) == 5
    assert "nps outside 0-10; set missing" in rng["reason"].tolist()


def test_missing_required_amount_is_kept_but_negative_amount_is_repaired():
    frame = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": ["c", "c", None],
                          "order_date": ["2025-01-01"] * 3, "amount": [10.5, -3, 1]})
    df, report = load_orders(frame)
    assert df["order_id"].tolist() == ["1", "2"]  # customer_id is required and non-nullable
    assert pd.isna(df["amount"].iloc[1])
    assert report.issues.set_index("row").loc[2, "reason"] == "required customer_id is missing"


def test_messy_tickets_file():
    df, report = load_tickets(DATA / "tickets_messy.csv")
    assert df["ticket_id"].tolist() == ["T1", "T2"]
    assert df["customer_id"].tolist() == ["17850", "17851"]
    t2 = df.iloc[1]
    assert pd.isna(t2["first_response_at"]) and pd.isna(t2["resolved_at"]) and pd.isna(t2["csat"])
    issues = report.issues.set_index(["row", "column"])
    assert issues.loc[(3, "resolved_at"), "reason"] == "resolved_at before opened_at; resolved_at set missing"
    assert issues.loc[(3, "resolved_at"), "value"] == "2025-03-01 08:00"
    assert issues.loc[(4, "opened_at"), "reason"] == "required opened_at is not a date"
    assert issues.loc[(5, "ticket_id"), "reason"] == "exact duplicate of row 2"
    assert issues.loc[(6, "ticket_id"), "reason"].startswith("ticket_id already seen at row 3")
    assert issues.loc[(7, "ticket_id"), "check"] == "missing_required"
    assert report.n_input_rows == 6 and report.n_output_rows == 2 and report.n_dropped == 4
    build_schema("tickets").validate(df)


def test_duplicate_policy():
    frame = _feedback(text=["a", "a", "b", "c"]).assign(feedback_id=["x", "x", "x", "y"])
    df, report = load_feedback(frame)
    assert df["text"].tolist() == ["a", "c"]
    reasons = report.issues.set_index("row")["reason"]
    assert reasons[1] == "exact duplicate of row 0"
    assert reasons[2] == "feedback_id already seen at row 0 with different values; kept the first"
    with pytest.raises(SchemaError, match=r"1 rows repeat a feedback_id .*row 2 repeats feedback_id 'x' of row 0"):
        load_feedback(frame, on_duplicate="error")
    # exact duplicates are harmless: "error" still drops them quietly into the report
    df, report = load_feedback(frame.iloc[:2], on_duplicate="error")
    assert len(df) == 1 and report.n_dropped == 1


def test_composite_key_duplicates():
    frame = pd.DataFrame({"response_id": ["r1", "r1", "r1"], "touchpoint": ["returns", "returns", "app"],
                          "dimension": ["speed", "speed", "speed"], "expectation": [6, 5, 6],
                          "perception": [2, 2, 5]})
    df, report = load_touchpoint_survey(frame)
    assert df["touchpoint"].tolist() == ["returns", "app"]
    assert report.issues["column"].tolist() == ["response_id/touchpoint/dimension"]
    assert report.issues["value"].tolist() == ["r1/returns/speed"]


def test_empty_comments_are_flagged_not_dropped():
    df, report = load_feedback(_feedback(text=["  ", None, "ok"]))
    assert len(df) == 3 and df["text"].isna().tolist() == [True, True, False]
    assert report.n_flagged == 2 and report.n_dropped == 0


def test_text_is_stripped_but_otherwise_untouched():
    text = "  =HYPERLINK(\"http://x\") call me on 0777 123456 <b>now</b>  "
    df, _ = load_feedback(_feedback(text=[text]))
    assert df["text"].iloc[0] == text.strip()


def test_strict_raises_instead_of_dropping():
    frame = _feedback(created_at=["2025-01-01", "never", "2025-01-02"], nps=[1, 2, 12])
    with pytest.raises(SchemaError, match=(
            r"strict=True and 1 rows would be dropped, 1 values repaired\. First problems: "
            r"row 1 created_at: required created_at is not a date \('never'\); "
            r"row 2 nps: nps outside 0-10; set missing \('12'\)")):
        load_feedback(frame, strict=True)
    df, _ = load_feedback(_feedback(text=["", "ok"]), strict=True)  # flags are fine
    assert len(df) == 2


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_loads_with_canonical_dtypes(name):
    from tests.test_schemas import minimal_frame

    spec = get_spec(name)
    frame = minimal_frame(spec).astype(object).astype(str)  # everything as text, as from a CSV
    df, report = load_table(frame, name)
    assert list(df.columns) == spec.names
    expected = minimal_frame(spec)
    for col in spec.columns:
        if col.dtype != "bool":  # str(None) == "None" is read as missing: checked elsewhere
            pd.testing.assert_series_equal(df[col.name], expected[col.name], check_names=False)
    assert report.n_dropped == report.n_repaired == 0


@pytest.mark.parametrize("random_state", range(12))
def test_no_row_is_ever_lost(random_state):
    rng = np.random.default_rng(random_state)
    n = int(rng.integers(0, 60))
    junk = np.array(["", " ", "NA", "x", "2025-01-01", "2025-02-30", "11", "-1", "3", "4.5",
                     "id1", "id2", None, "yes", "1e9", "2025-01-01T10:00:00+02:00"], dtype=object)
    frame = pd.DataFrame({c: rng.choice(junk, n) for c in
                          ["ticket_id", "opened_at", "first_response_at", "resolved_at", "csat", "customer_id"]})
    frame.index = rng.permutation(1000)[:n]
    df, report = load_tickets(frame)
    assert report.n_input_rows == n == report.n_output_rows + report.n_dropped
    dropped = set(report.issues.loc[report.issues["action"] == "dropped", "row"])
    assert set(df.index).isdisjoint(dropped) and set(df.index) | dropped == set(frame.index)
    assert df["ticket_id"].notna().all() and df["ticket_id"].is_unique
    build_schema("tickets").validate(df)  # what survives meets the whole contract


# -- the report ------------------------------------------------------------------------------

def test_report_reads_well():
    frame = _feedback(text=["<script>alert(1)</script>", "ok"], created_at=["2025-01-01", "soon"],
                      nps=[11, 3])
    df, report = load_feedback(frame)
    assert isinstance(report, LoadReport)
    assert repr(report) == ("LoadReport(table='feedback', source='DataFrame', n_input_rows=2, "
                            "n_output_rows=1, dropped=1, repaired=1, flagged=0)")
    summary = report.summary()
    assert summary.startswith("feedback from DataFrame: 2 rows read, 1 kept, 1 dropped; 1 values repaired")
    assert "dropped created_at (unparseable): 1 - e.g. required created_at is not a date" in summary
    html = report._repr_html_()
    assert "<script>" not in html and "<b>LoadReport</b>: feedback from DataFrame" in html
    counts = report.counts
    assert counts[["action", "column", "n"]].values.tolist() == [["dropped", "created_at", 1],
                                                                  ["repaired", "nps", 1]]
    copy = report.to_frame()
    copy.loc[0, "reason"] = "changed"
    assert report.issues.loc[0, "reason"] != "changed"
    data, rep = load_feedback(frame)  # a NamedTuple: unpacks and has names
    assert load_feedback(frame).report.n_dropped == rep.n_dropped == 1


def test_report_html_escapes_customer_text():
    df, report = load_feedback(_feedback(created_at=["<img src=x onerror=alert(1)>"]))
    html = report._repr_html_()
    assert "<img" not in html and "&lt;img src=x" in html


# -- writes ----------------------------------------------------------------------------------

def test_atomic_write_replaces_and_leaves_no_temp_files_on_failure(tmp_path):
    target = tmp_path / "out" / "table.csv"
    atomic_write_text(target, "old\n")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_writer(target, "w") as fh:
            fh.write("half of the new con")
            raise RuntimeError("disk on fire")
    assert target.read_text() == "old\n"
    assert os.listdir(target.parent) == ["table.csv"]
    atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n" and os.listdir(target.parent) == ["table.csv"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not left private like a temp file


def test_writes_refuse_data_raw(tmp_path):
    raw = tmp_path / "data" / "raw" / "feedback.csv"
    with pytest.raises(CxlabError, match="inside data/raw, which cxlab never modifies"):
        atomic_write_text(raw, "x")
    with pytest.raises(CxlabError, match="data/raw"):
        save_processed(pd.DataFrame({"a": [1]}), "x", root=tmp_path / "data" / "raw")
    assert not raw.exists()
    atomic_write_text(raw, "demo", allow_raw=True)  # the demo generator's way in
    assert raw.read_text() == "demo"


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_save_processed_is_deterministic(tmp_path, fmt):
    frame = pd.DataFrame({"id": ["a", "b"], "x": [0.1 + 0.2, 1 / 3], "n": pd.array([1, None], "Int64"),
                          "when": pd.to_datetime(["2025-01-01", "2025-06-30 12:00"], format="ISO8601"),
                          "text": ["=cmd|' /C calc'!A0", "fine"]})
    path = save_processed(frame, "clean", root=tmp_path, fmt=fmt)
    assert path == tmp_path / "data" / "processed" / f"clean.{fmt}"
    first = file_sha256(path)
    again = save_processed(frame.copy(), "clean", root=tmp_path, fmt=fmt)
    assert file_sha256(again) == first
    if fmt == "csv":
        raw = path.read_bytes()
        assert b"\r" not in raw and b"0.3333333333" in raw and b"'=cmd" in raw
    else:
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_save_processed_csv_keeps_a_meaningful_index(tmp_path):
    frame = pd.DataFrame({"n": [1, 2]}, index=pd.Index(["c1", "c2"], name="customer_id"))
    path = save_processed(frame, "by_customer", root=tmp_path, fmt="csv")
    assert path.read_text() == "customer_id,n\nc1,1\nc2,2\n"
    path = save_processed(frame.reset_index(), "plain", root=tmp_path, fmt="csv")
    assert path.read_text() == "customer_id,n\nc1,1\nc2,2\n"


def test_save_processed_rejects_bad_names_and_formats(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    for name in ["../escape", "sub/dir", "", ".hidden"]:
        with pytest.raises(ParameterError, match="plain file stem"):
            save_processed(frame, name, root=tmp_path)
    with pytest.raises(ParameterError, match="fmt must be 'parquet' or 'csv'; got 'xlsx'"):
        save_processed(frame, "a", root=tmp_path, fmt="xlsx")


def test_file_sha256(tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_safe_for_spreadsheet():
    frame = pd.DataFrame({"text": ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx", "ok", None],
                          "n": [-1, 2, 3, 4, 5, 6, 7, 8]},
                         index=list("abcdefgh"))
    frame["cat"] = pd.Categorical(["=A1"] * 8)
    before = frame.copy()
    out = safe_for_spreadsheet(frame.rename(columns={"n": "=n"}))
    assert out["text"].tolist()[:7] == ["'=1+1", "'+44 7700", "-2", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    assert pd.isna(out["text"].iloc[7])
    assert out["'=n"].tolist() == frame["n"].tolist() and out.index.tolist() == list("abcdefgh")
    assert out["cat"].iloc[0] == "'=A1"
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("dtype", [object, "str", "string[python]", "string[pyarrow]",
                                   "arrow_string", "arrow_large_string", "category"])
def test_safe_for_spreadsheet_neutralises_every_text_dtype(dtype):
    pa = pytest.importorskip("pyarrow")
    dtype = {"arrow_string": pd.ArrowDtype(pa.string()),
             "arrow_large_string": pd.ArrowDtype(pa.large_string())}.get(dtype, dtype)
    frame = pd.DataFrame({"text": pd.Series(['=HYPERLINK("http://x","click")', "ok", None],
                                            dtype=dtype)})
    out = safe_for_spreadsheet(frame)
    assert out["text"].tolist()[:2] == ['\'=HYPERLINK("http://x","click")', "ok"]
    assert pd.isna(out["text"].iloc[2])
    assert out["text"].dtype == frame["text"].dtype or dtype == "category"


def test_export_table_neutralises_arrow_text(tmp_path):
    pa = pytest.importorskip("pyarrow")
    from cxlab.gaps import export_table

    frame = pd.DataFrame({"text": pd.Series(['=HYPERLINK("http://x","click")'],
                                            dtype=pd.ArrowDtype(pa.string()))})
    path = export_table(frame, tmp_path / "a.csv")
    assert path.read_text() == 'text\n"\'=HYPERLINK(""http://x"",""click"")"\n'


def test_save_processed_csv_neutralises_the_index(tmp_path):
    frame = pd.DataFrame({"n": [3, 4]},
                         index=pd.Index(['=HYPERLINK("http://x")', "web"], name="=segment"))
    path = save_processed(frame, "seg", root=tmp_path, fmt="csv")
    assert path.read_text() == '\'=segment,n\n"\'=HYPERLINK(""http://x"")",3\nweb,4\n'
    nested = pd.DataFrame({"n": [1]}, index=pd.MultiIndex.from_tuples([("@x", -2)], names=["+k", "j"]))
    path = save_processed(nested, "nested", root=tmp_path, fmt="csv")
    assert path.read_text() == "'+k,j,n\n'@x,-2,1\n"
    out = safe_for_spreadsheet(pd.DataFrame({"n": [1, 2]}))
    assert isinstance(out.index, pd.RangeIndex)  # a plain index is kept as it is


# -- demo and real data ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory):
    datasets = pytest.importorskip("cxlab.datasets")
    if not hasattr(datasets, "ensure_demo_data"):
        pytest.skip("cxlab.datasets.ensure_demo_data is not built yet")
    return datasets.ensure_demo_data(root=tmp_path_factory.mktemp("demo_project"))


@pytest.fixture(scope="session")
def demo_loaded(demo_folder):
    return load_folder(demo_folder)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_demo_data_loses_only_its_planted_export_defects(demo_loaded, demo_folder, table):
    df, report = demo_loaded[table]
    defects = pd.read_csv(demo_folder.parent / "demo_truth" / "defects.csv", dtype=str, keep_default_na=False)
    planted = defects[defects["table"] == table]
    assert report.n_dropped == (planted["expected_action"] == "dropped").sum(), report.summary()
    assert report.n_repaired == (planted["expected_action"] == "repaired").sum(), report.summary()
    repaired = report.issues[report.issues["action"] == "repaired"]
    assert sorted(repaired["column"]) == sorted(planted.loc[planted["expected_action"] == "repaired", "column"])
    assert len(df) == report.n_input_rows - report.n_dropped > 0
    build_schema(table).validate(df)


def test_load_folder_and_summarize_reports(demo_loaded, tmp_path):
    loaded = demo_loaded
    assert list(loaded) == list(TABLES)
    summary = summarize_reports(loaded)
    assert summary["table"].tolist() == list(TABLES)
    assert (summary["n_input_rows"] == summary["n_output_rows"] + summary["n_dropped"]).all()
    assert summary["source"].tolist() == [f"{t}.csv" for t in TABLES]
    (tmp_path / "feedback.csv").write_text("feedback_id,text,created_at,channel\n1,a,2025-01-01,web\n")
    assert list(load_folder(tmp_path)) == ["feedback"]
    with pytest.raises(DataLoadError, match=r"no file for tables \['orders'\]; expected names such as orders.csv"):
        load_folder(tmp_path, tables=["feedback", "orders"])


@pytest.mark.realdata
def test_real_tweets_as_feedback(shared_datasets):
    df, report = load_feedback(
        shared_datasets / "twitter_airline_sentiment" / "Tweets.csv",
        column_map={"tweet_id": "feedback_id", "tweet_created": "created_at", "airline": "brand"},
        defaults={"channel": "social"})
    # the release repeats 155 tweet ids, 36 of them as exact duplicate rows (see its README)
    assert report.n_input_rows == 14_640 and report.n_output_rows == 14_485
    counts = report.issues["check"].value_counts()
    assert counts["exact_duplicate"] == 36 and counts["duplicate_key"] == 119
    assert df["feedback_id"].str.len().eq(18).all()
    assert df["created_at"].iloc[0] == pd.Timestamp("2015-02-24 19:35:52")  # -0800 -> UTC
    assert (df["channel"] == "social").all() and df["brand"].nunique() == 6


@pytest.mark.realdata
def test_real_clothing_reviews_as_feedback(shared_datasets):
    path = shared_datasets / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    with pytest.raises(SchemaError, match=r"Close match for 'text': 'Review Text'"):
        load_feedback(path)
    df, report = load_feedback(path, column_map={"Unnamed: 0": "feedback_id", "Review Text": "text",
                                                 "Rating": "rating", "Clothing ID": "product"},
                               defaults={"channel": "review", "created_at": "2018-02-03"})
    assert len(df) == 23_486 and report.n_dropped == 0
    assert report.n_flagged == 845  # reviews without text, kept and flagged
    assert df["rating"].between(1, 5).all() and str(df["product"].dtype) == "str"


@pytest.mark.realdata
def test_real_customers_tab_separated_day_first(shared_datasets):
    df, report = load_customers(shared_datasets / "customer_personality" / "marketing_campaign.csv",
                                column_map={"ID": "customer_id", "Dt_Customer": "signup_date"})
    assert len(df) == 2_240 and "delimiter '\\t' (sniffed)" in report.notes
    assert df["signup_date"].iloc[0] == pd.Timestamp("2012-09-04")  # 04-09-2012, day first
    df, _ = load_customers(shared_datasets / "telco_customer_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv",
                           column_map={"Churn": "churned"})
    assert df["churned"].sum() == 1_869 and df["customer_id"].is_unique


@pytest.mark.realdata
def test_real_online_retail_gzip_sample(shared_datasets, tmp_path):
    # the full 541,909-line file is for benchmarks; a gzip of its first lines tests the format
    with gzip.open(shared_datasets / "online_retail" / "Online Retail.csv.gz", "rt") as fh:
        head = "".join(next(fh) for _ in range(3_001))
    path = tmp_path / "retail.csv.gz"
    path.write_bytes(gzip.compress(head.encode("utf-8"), mtime=0))
    df, report = load_orders(path, column_map={"InvoiceNo": "order_id", "InvoiceDate": "order_date",
                                               "UnitPrice": "amount", "Quantity": "n_items"})
    assert report.n_input_rows == 3_000
    assert report.n_input_rows == report.n_output_rows + report.n_dropped
    assert df["order_id"].is_unique and df["customer_id"].iloc[0] == "17850"
    assert df["order_date"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
    assert set(report.issues.loc[report.issues["action"] == "dropped", "check"]) <= {
        "duplicate_key", "exact_duplicate", "missing_required"}
