"""``cxlab themes`` end to end on a small CSV."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.cli import main
from cxlab.themes import ThemeMiner

_WORDS = {
    "delivery": ["parcel", "courier", "delivery", "tracking", "late", "arrived", "shipping"],
    "sizing": ["size", "small", "fit", "tight", "large", "sleeves", "waist"],
    "app": ["app", "crashes", "login", "search", "freezes", "screen", "password"],
}


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    rng = np.random.default_rng(5)
    rows = []
    for i in range(240):
        theme = sorted(_WORDS)[i % 3]
        words = rng.choice(_WORDS[theme], 3, replace=False)
        rows.append({"id": f"r{i}", "comment": f"the {words[0]} and {words[1]}, {words[2]} again",
                     "when": f"2025-{1 + i % 12:02d}-15", "stars": int(rng.integers(1, 6)),
                     "channel": ["web", "app"][i % 2]})
    rows[3]["comment"] = "=HYPERLINK(\"http://evil\") parcel late, mail me at jo@x.com"
    rows[4]["comment"] = ""
    path = tmp_path_factory.mktemp("cli") / "comments.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _run(csv_path, out, *extra):
    return main(["themes", str(csv_path), "--text-col", "comment", "--id-col", "id", "--time-col", "when",
                 "--outcome-col", "stars", "--segment-col", "channel", "--n-themes", "3", "--seed", "0",
                 "--out", str(out), *extra])


def test_cli_writes_the_tables(csv_path, tmp_path, capsys):
    assert _run(csv_path, tmp_path / "a") == 0
    stdout = capsys.readouterr().out
    assert "240 comments -> 3 themes" in stdout and "unthemed" in stdout
    themes = pd.read_csv(tmp_path / "a" / "themes.csv")
    assert len(themes) == 3 and {"theme_id", "label", "keywords", "impact", "trend", "severity"} <= set(themes.columns)
    comments = pd.read_csv(tmp_path / "a" / "comments.csv", keep_default_na=False)
    src = pd.read_csv(csv_path)
    assert comments["id"].tolist() == src["id"].tolist()  # one row per input row, input order
    assert comments.loc[4, "primary_theme"] == "unthemed" and bool(comments.loc[4, "is_empty"])
    assert comments.loc[3, "text_redacted"].startswith("'=")  # formula neutralised
    assert "jo@x.com" not in (tmp_path / "a" / "comments.csv").read_text()
    assign = pd.read_csv(tmp_path / "a" / "assignments.csv")
    assert set(assign["id"]) == set(src["id"])
    assert "unthemed" in set(assign["theme_id"])
    model = ThemeMiner.load(tmp_path / "a" / "theme_model.pkl")
    assert model.n_themes_ == 3


def test_cli_reports_dates_it_cannot_read_in_one_line(csv_path, tmp_path, capsys):
    src = pd.read_csv(csv_path)
    src.loc[7, "when"] = "next week"
    src.loc[8, "when"] = "15/08/2025"  # day-first: read, not lost
    path = tmp_path / "dated.csv"
    src.to_csv(path, index=False)
    assert _run(path, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert err.startswith("cxlab themes: warning: 1 of 240 comment(s) have a 'when' value that is not a "
                          "date (e.g. 'next week')") and err.count("\n") == 1


def test_cli_is_byte_identical_for_the_same_seed(csv_path, tmp_path):
    assert _run(csv_path, tmp_path / "a") == 0
    assert _run(csv_path, tmp_path / "b") == 0
    for name in ("themes.csv", "comments.csv", "assignments.csv", "theme_model.pkl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_cli_bad_input_names_the_columns(csv_path, tmp_path, capsys):
    code = main(["themes", str(csv_path), "--text-col", "text", "--out", str(tmp_path / "c")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--text-col 'text' is not a column" in err and "'comment'" in err
    assert main(["themes", str(tmp_path / "nope.csv"), "--text-col", "x", "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit):
        main(["themes", str(csv_path), "--text-col", "comment", "--n-themes", "many", "--out", str(tmp_path)])


def test_saved_model_is_byte_identical_across_processes(csv_path, tmp_path):
    import os
    import subprocess
    import sys

    code = ("import sys, pandas as pd; from cxlab.themes import ThemeMiner; "
            "ThemeMiner(3, text_col='comment', random_state=0).fit(pd.read_csv(sys.argv[1])).save(sys.argv[2])")
    for seed in ("1", "2"):  # different hash seeds: set order must not leak into the file
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(csv_path), str(tmp_path / f"m{seed}.pkl")],
                       check=True, env=env)
    assert (tmp_path / "m1.pkl").read_bytes() == (tmp_path / "m2.pkl").read_bytes()


def test_save_processed_writes_the_tables_the_reports_read(csv_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CXLAB_PROJECT_DIR", str(tmp_path))
    assert _run(csv_path, tmp_path / "out", "--save-processed") == 0
    assert "theme_assignments.parquet" in capsys.readouterr().out
    saved = pd.read_parquet(tmp_path / "data" / "processed" / "theme_assignments.parquet")
    assert set(saved["feedback_id"]) == {f"r{i}" for i in range(240)}
    assert saved.loc[saved["feedback_id"] == "r4", "theme"].tolist() == ["unthemed"]  # the empty comment
    code = main(["themes", str(csv_path), "--text-col", "comment", "--n-themes", "3", "--out", str(tmp_path / "o2"),
                 "--save-processed"])
    assert code == 2
    assert "--save-processed needs --id-col" in capsys.readouterr().err


@pytest.mark.parametrize("engine", [None, "local"])
def test_cli_reads_cp1252_and_semicolon_exports_like_the_loaders(csv_path, tmp_path, engine):
    # Excel on Windows writes cp1252 with ';': accents used to become U+FFFD, ';' a parse error
    src = pd.read_csv(csv_path)
    src["comment"] = src["comment"].str.replace("again", "très déçu", regex=False)
    path = tmp_path / "export.csv"
    src.to_csv(path, index=False, sep=";", encoding="cp1252")
    extra = ["--engine", engine] if engine else []
    assert _run(path, tmp_path / "out", *extra) == 0
    comments = pd.read_csv(tmp_path / "out" / "comments.csv", keep_default_na=False)
    text = " ".join(comments["text_redacted"])
    assert "déçu" in text and "\ufffd" not in text
    assert comments["id"].tolist() == src["id"].tolist()


def test_cli_flags_number_columns_repeated_ids_and_unreachable_theme_counts(csv_path, tmp_path, capsys):
    assert _run(csv_path, tmp_path / "a", "--text-col", "stars") == 2
    assert "--text-col 'stars' holds numbers, not comments" in capsys.readouterr().err
    src = pd.read_csv(csv_path)
    src.loc[[1, 2], "id"] = "r0"
    path = tmp_path / "dup.csv"
    src.to_csv(path, index=False)
    assert _run(path, tmp_path / "b") == 0
    out = capsys.readouterr()
    assert "warning: --id-col 'id': 3 rows share 1 id(s) (e.g. ['r0'])" in out.err
    assert len(pd.read_csv(tmp_path / "b" / "comments.csv")) == 240  # every row analysed
    assert _run(path, tmp_path / "c", "--save-processed") == 2
    assert "ids must be unique" in capsys.readouterr().err
    assert main(["themes", str(csv_path), "--text-col", "comment", "--n-themes", "500", "--seed", "0",
                 "--out", str(tmp_path / "d")]) == 0
    assert "(500 asked; the comments support" in capsys.readouterr().out
