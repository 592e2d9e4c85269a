"""cxlab.scale: chunked themes with bounded memory, local process pool and Dask, resume."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.scale import ASSIGNMENT_COLUMNS, COMMENT_COLUMNS, iter_chunks, mine_themes_at_scale
from cxlab.scale._sample import BottomK
from cxlab.themes import ThemeMiner

_WORDS = {
    "delivery": ["parcel", "courier", "delivery", "tracking", "late", "arrived", "shipping"],
    "sizing": ["size", "small", "fit", "tight", "large", "sleeves", "waist"],
    "app": ["app", "crashes", "login", "search", "freezes", "screen", "password"],
}
_TONE = ["terrible", "love it", "so slow", "great", "again", "disappointed"]
N = 900


def _frame(n=N, seed=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        theme = sorted(_WORDS)[i % 3]
        w = rng.choice(_WORDS[theme], 3, replace=False)
        rows.append({"id": f"r{i:04d}", "comment": f"the {w[0]} and {w[1]}, {w[2]} {rng.choice(_TONE)}",
                     "when": f"2025-{1 + i % 12:02d}-15", "stars": float(rng.integers(1, 6)),
                     "channel": ["web", "app"][i % 2], "customer": f"c{i % 300}", "planted": theme})
    rows[3]["comment"] = '=HYPERLINK("http://evil") parcel late, mail me at jo@x.com'
    rows[4]["comment"] = ""
    rows[5]["comment"] = None
    rows[6]["comment"] = "el paquete llegó tarde y nadie responde a mis correos"
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def data():
    return _frame()


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("scale") / "feedback.csv"
    data.to_csv(path, index=False)
    return path


COLS = dict(text_col="comment", id_col="id", time_col="when", outcome_col="stars", segment_cols=["channel"],
            customer_col="customer", n_themes=3, random_state=0, progress=False)


def _run(src, out, **kw):
    return mine_themes_at_scale(src, out_dir=out, **{**COLS, "n_jobs": 1, **kw})


def _parts(out, kind) -> pd.DataFrame:
    files = sorted((out / kind).glob("part-*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


@pytest.fixture(scope="module")
def sampled_run(csv_path, tmp_path_factory):
    """Model fitted on a sample of 600 of the 900 rows, chunks of 250 rows."""
    out = tmp_path_factory.mktemp("run") / "out"
    return _run(csv_path, out, chunk_size=250, sample_size=600, n_jobs=2)


def test_parts_follow_the_output_contract(sampled_run, data):
    out = sampled_run.out_dir
    c, a = _parts(out, "comments"), _parts(out, "assignments")
    assert list(c.columns) == [*COMMENT_COLUMNS, "when", "stars", "customer", "channel"]
    assert list(a.columns) == list(ASSIGNMENT_COLUMNS)
    assert sorted(p.name for p in (out / "comments").iterdir()) == [f"part-{i:05d}.parquet" for i in range(4)]
    assert c["row"].dtype == np.int64 and c["row"].tolist() == list(range(N))  # every row once, in order
    assert c["comment_id"].tolist() == data["id"].tolist()
    assert c["stars"].dtype == np.float64 and c["stars"].tolist() == data["stars"].tolist()
    # flags counted, never dropped; personal data redacted
    assert c.loc[4, "is_empty"] and c.loc[5, "is_empty"] and c.loc[6, "is_non_english"]
    assert (c.loc[[4, 5, 6], "primary_theme"] == "unthemed").all()
    assert "jo@x.com" not in c.loc[3, "text_redacted"]
    # one primary row per comment; n_themes agrees with the assignment rows
    assert a.groupby("row")["is_primary"].sum().eq(1).all()
    per = c["n_themes"].clip(lower=1).to_numpy()
    assert len(a) == per.sum() and a["row"].tolist() == np.repeat(c["row"].to_numpy(), per).tolist()
    assert sampled_run.n_rows == N and sampled_run.n_sampled == 600 and sampled_run.n_parts == 4
    assert sampled_run.flags["empty"] == 2 and sampled_run.flags["non_english"] == 1
    # the saved model carries its training (sample) tables, taken from the parts
    model = ThemeMiner.load(sampled_run.paths["model"])
    assert len(model.comments_) == 600 and model.comments_.index.isin(c["row"]).all()
    assert model.get_theme_info()["n_primary"].sum() == 600
    sub = c.set_index("row").loc[model.comments_.index, list(model.comments_.columns)]
    pd.testing.assert_frame_equal(model.comments_, sub, check_dtype=False, check_names=False)


def test_themes_recover_the_planted_topics(sampled_run, data):
    from sklearn.metrics import adjusted_mutual_info_score

    c = _parts(sampled_run.out_dir, "comments")
    themed = c["primary_theme"] != "unthemed"
    assert themed.mean() > 0.9
    assert adjusted_mutual_info_score(data.loc[themed, "planted"], c.loc[themed, "primary_theme"]) > 0.8
    themes = pd.read_csv(sampled_run.paths["themes_csv"])
    assert set(themes["theme_id"]) >= set(sampled_run.miner.theme_ids_) - {"unthemed"}
    assert "time:" in sampled_run.summary() and f"{N:,} comments -> 3 themes" in sampled_run.summary()


def test_same_outputs_for_any_chunk_size(sampled_run, csv_path, tmp_path):
    """The sample, the model and every row's themes and sentiment do not depend on chunking."""
    other = _run(csv_path, tmp_path / "o", chunk_size=77, sample_size=600)
    assert other.n_parts == 12
    for kind in ("comments", "assignments"):
        pd.testing.assert_frame_equal(_parts(sampled_run.out_dir, kind), _parts(tmp_path / "o", kind))
    for name in ("themes.csv", "comments.csv", "assignments.csv"):
        assert (sampled_run.out_dir / name).read_bytes() == (tmp_path / "o" / name).read_bytes()


def test_small_input_matches_the_in_memory_model(csv_path, data, tmp_path):
    res = _run(csv_path, tmp_path / "o", chunk_size=400, sample_size=10_000)
    miner = ThemeMiner(3, text_col="comment", random_state=0).fit(data)
    c = _parts(tmp_path / "o", "comments")
    ref = miner.comments_.reset_index(drop=True)
    pd.testing.assert_frame_equal(c[list(ref.columns)].astype({"text_redacted": object}), ref,
                                  check_dtype=False)
    a = _parts(tmp_path / "o", "assignments")
    pd.testing.assert_frame_equal(a[list(miner.assignments_.columns)], miner.assignments_.reset_index(drop=True),
                                  check_dtype=False)
    assert res.miner.labels_ == miner.labels_


def test_sample_does_not_depend_on_chunks():
    texts = pd.Series([f"t{i}" for i in range(5000)], dtype=object)
    a, b = BottomK(300, 7), BottomK(300, 7)
    a.add(texts)
    for start in range(0, 5000, 333):
        b.add(texts.iloc[start:start + 333])
    assert a.sample().index.tolist() == b.sample().index.tolist()
    rows = a.sample().index.to_numpy()
    assert len(rows) == 300 and np.all(np.diff(rows) > 0)
    assert 0.35 < (rows < 2500).mean() < 0.65  # spread over the whole input
    c = BottomK(300, 8)
    c.add(texts)
    assert c.sample().index.tolist() != rows.tolist()  # the seed matters


def test_miner_scores_new_comments_like_training_comments(data):
    """A comment's sentiment no longer depends on which other comments are scored with it."""
    miner = ThemeMiner(3, text_col="comment", random_state=0).fit(data)
    assert miner.sentiment_scorer_ is not None
    whole, _ = miner.assign(data["comment"])
    pieces = pd.concat([miner.assign(data["comment"].iloc[i:i + 100])[0] for i in range(0, N, 100)])
    pd.testing.assert_frame_equal(whole, pieces)
    np.testing.assert_allclose(whole["sentiment"], miner.comments_["sentiment"].to_numpy())
    # a model saved before sentiment_scorer_ existed still loads and assigns
    old = pickle.loads(pickle.dumps(miner))
    old._train, old._sentiment_scorer = None, None
    assert old.sentiment_scorer_ is None
    assert len(old.assign(data["comment"].iloc[:50])[0]) == 50


def test_dask_gives_byte_identical_parts(sampled_run, csv_path, tmp_path):
    pytest.importorskip("distributed")
    res = _run(csv_path, tmp_path / "d", chunk_size=250, sample_size=600, engine="dask", n_jobs=2)
    assert res.engine == "dask" and res.n_parts == 4
    for kind in ("comments", "assignments"):
        for i in range(4):
            name = f"{kind}/part-{i:05d}.parquet"
            assert (tmp_path / "d" / name).read_bytes() == (sampled_run.out_dir / name).read_bytes(), name
    assert (tmp_path / "d" / "themes.csv").read_bytes() == (sampled_run.out_dir / "themes.csv").read_bytes()


def test_interrupted_run_resumes_without_duplicates(csv_path, tmp_path, monkeypatch, sampled_run):
    import cxlab.scale._engines as engines

    real = engines.process_chunk

    def crash_on_part_2(miner, part, frame, spec):
        if part == 2:
            raise KeyboardInterrupt("simulated interruption")
        return real(miner, part, frame, spec)

    monkeypatch.setattr(engines, "process_chunk", crash_on_part_2)
    with pytest.raises(KeyboardInterrupt):
        _run(csv_path, tmp_path / "r", chunk_size=250, sample_size=600)
    assert not (tmp_path / "r" / "comments" / "part-00002.parquet").exists()
    monkeypatch.setattr(engines, "process_chunk", real)
    res = _run(csv_path, tmp_path / "r", chunk_size=250, sample_size=600)
    assert res.n_parts_reused == 2 and res.timings["fit"] == 0.0  # model and parts 0-1 reused
    for kind in ("comments", "assignments"):
        pd.testing.assert_frame_equal(_parts(tmp_path / "r", kind), _parts(sampled_run.out_dir, kind))
    again = _run(csv_path, tmp_path / "r", chunk_size=250, sample_size=600)
    assert again.n_parts_reused == 4 and len(_parts(tmp_path / "r", "comments")) == N


def test_rerun_with_other_parameters_is_refused(csv_path, tmp_path):
    _run(csv_path, tmp_path / "o", chunk_size=300, sample_size=600)
    with pytest.raises(ParameterError, match=r"chunk_size: 300 -> 200.*new output folder \(--out\) or "
                                             r"overwrite=True \(--overwrite\)"):
        _run(csv_path, tmp_path / "o", chunk_size=200, sample_size=600)
    res = _run(csv_path, tmp_path / "o", chunk_size=200, sample_size=600, overwrite=True)
    assert res.n_parts == 5 and len(list((tmp_path / "o" / "comments").iterdir())) == 5
    with pytest.raises(ParameterError, match="resume=False"):
        _run(csv_path, tmp_path / "o", chunk_size=200, sample_size=600, resume=False)


def test_parquet_folder_gives_the_same_rows_as_csv(sampled_run, data, tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    data.iloc[:500].to_parquet(folder / "a.parquet", index=False)
    data.iloc[500:].to_parquet(folder / "b.parquet", index=False)
    _run(folder, tmp_path / "o", chunk_size=250, sample_size=600)
    cols = [*COMMENT_COLUMNS]
    pd.testing.assert_frame_equal(_parts(tmp_path / "o", "comments")[cols],
                                  _parts(sampled_run.out_dir, "comments")[cols])
    chunks = list(iter_chunks(folder, columns=["comment"], chunk_size=333))
    assert [p for p, _ in chunks] == [0, 1, 2] and chunks[1][1].index[0] == 333


def test_ragged_csv_lines_are_kept(tmp_path, data):
    """A line with extra fields still yields its comment: nothing is silently lost."""
    path = tmp_path / "bad.csv"
    lines = data[["id", "comment"]].iloc[:300].to_csv(index=False).splitlines()
    lines.insert(10, 'x1,"parcel late again",extra,fields')
    path.write_text("\n".join(lines) + "\n")
    res = mine_themes_at_scale(path, text_col="comment", id_col="id", out_dir=tmp_path / "o", n_themes=3,
                               n_jobs=1, chunk_size=100, progress=False, random_state=0)
    c = _parts(tmp_path / "o", "comments")
    assert res.n_rows == 301 and res.n_skipped == {} and "rows skipped: none" in res.summary()
    assert c.loc[9, "comment_id"] == "x1" and c.loc[9, "text_redacted"] == "parcel late again"


@pytest.mark.parametrize("kw, err, msg", [
    ({"text_col": "nope"}, SchemaError, r"text_col='nope' is not a column of feedback.csv"),
    ({"segment_cols": ["region"]}, SchemaError, r"segment_cols\[0\]='region' is not a column"),
    ({"engine": "spark"}, ParameterError, "engine must be 'local' or 'dask', got 'spark'"),
    ({"scheduler": "tcp://x:1"}, ParameterError, "needs engine='dask'"),
    ({"chunk_size": 0}, ParameterError, "chunk_size must be an integer >= 1, got 0"),
])
def test_bad_arguments_are_named(csv_path, tmp_path, kw, err, msg):
    with pytest.raises(err, match=msg):
        _run(csv_path, tmp_path / "o", **kw)


@pytest.mark.parametrize("texts, msg", [
    ([], "the input has no rows"),
    (["just one comment here"], "only 1 of 1 comments have English words"),
])
def test_inputs_too_small_to_learn_from(tmp_path, texts, msg):
    path = tmp_path / "tiny.csv"
    pd.DataFrame({"comment": pd.Series(texts, dtype=object)}).to_csv(path, index=False)
    with pytest.raises(Exception, match=msg):
        mine_themes_at_scale(path, text_col="comment", out_dir=tmp_path / "o", n_jobs=1, progress=False)
    assert not (tmp_path / "o" / "comments").exists()


def test_missing_input_is_reported(tmp_path):
    from cxlab.exceptions import DataLoadError

    with pytest.raises(DataLoadError, match="not found"):
        _run(tmp_path / "none.csv", tmp_path / "o")


def test_cli_engine_flag_uses_the_scale_path(csv_path, tmp_path, capsys):
    from cxlab.cli import main

    args = ["themes", str(csv_path), "--text-col", "comment", "--id-col", "id", "--n-themes", "3", "--seed", "0",
            "--time-col", "when", "--trend-within", "channel"]
    assert main([*args, "--out", str(tmp_path / "small")]) == 0
    assert main([*args, "--out", str(tmp_path / "big"), "--engine", "local", "--chunk-size", "200",
                 "--jobs", "1"]) == 0
    assert "engine local, 5 part(s)" in capsys.readouterr().out
    assert (tmp_path / "big" / "comments" / "part-00004.parquet").is_file()
    # same CSV tables as the in-memory path when the input fits in the sample
    for name in ("comments.csv", "assignments.csv"):
        assert (tmp_path / "big" / name).read_bytes() == (tmp_path / "small" / name).read_bytes()
    # and the same within-channel trend test
    trend = ["theme_id", "trend_slope", "trend_p", "trend", "share_first", "share_last"]
    small, big = (pd.read_csv(tmp_path / d / "themes.csv").sort_values("theme_id")[trend] for d in ("small", "big"))
    pd.testing.assert_frame_equal(big.reset_index(drop=True), small.reset_index(drop=True))
    assert main([*args[:-1], "segment", "--out", str(tmp_path / "bad")]) == 2
    assert "--trend-within 'segment' is not a column" in capsys.readouterr().err


def test_progress_prints_plain_lines_outside_a_terminal():
    import io

    from cxlab.scale._progress import Progress

    stream = io.StringIO()
    bar = Progress(1000, "assigning themes", stream=stream)
    for _ in range(10):
        bar.update(100)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("assigning themes: 1,000/1,000 rows (")
    assert "s left" in lines[0]
    silent = io.StringIO()
    Progress(10, "x", enabled=False, stream=silent).update(10)
    assert silent.getvalue() == ""
