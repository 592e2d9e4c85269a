"""CX sentiment (lexicon + corpus adaptation) and prepare_comments (cxlab.text)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.text import SentimentScorer, prepare_comments, score_sentiment, vader_lexicon_path

COMPLAINT_FACTS = [
    "flight delayed 3 hours", "still waiting for my refund", "parcel hasn't arrived",
    "on hold for 2 hours", "they lost my bag", "my flight was cancelled", "no response to my email",
    "I was charged twice", "wrong size sent", "the app keeps crashing at checkout",
    "ordered 3 weeks ago and nothing", "never arrived", "hung up on me", "item arrived damaged",
    "where is my order?", "I want my money back", "why is my refund taking so long?",
    "the zip broke after one wash", "thanks for nothing", "great, another delay",
]


@pytest.fixture(scope="module")
def lexicon_scorer():
    return SentimentScorer(adapt=False).fit([])


def test_lexicon_is_offline_file():
    path = vader_lexicon_path()
    assert path.name == "vader_lexicon.txt" and path.is_file()


def test_cx_complaint_facts_are_negative(lexicon_scorer):
    out = lexicon_scorer.score(COMPLAINT_FACTS)
    assert (out["label"] == "negative").all(), out[out["label"] != "negative"]
    # plain VADER misses most of them: the CX layer is what makes the difference
    plain = SentimentScorer(cx_lexicon=False, adapt=False).score(COMPLAINT_FACTS)
    assert (plain["label"] == "negative").mean() < 0.5


@pytest.mark.parametrize("text, label", [
    ("not bad", "positive"), ("not happy", "negative"), ("not good at all", "negative"),
    ("love it 😍", "positive"), ("😡😡", "negative"), ("👍", "positive"),
    ("arrived on time, fits perfectly", "positive"), ("can I change my delivery address?", "neutral"),
    ("Order 12345", "neutral"), ("thanks for the quick reply, my parcel still hasn't arrived", "negative"),
    ("No issues with delivery at all!", "positive"), ("couldn't fault the returns service", "positive"),
    ("Kind regards, Nadia", "neutral"), ("no longer great value", "negative"),
])
def test_negation_emoji_questions(lexicon_scorer, text, label):
    assert lexicon_scorer.score([text])["label"].iloc[0] == label


def test_score_keeps_index_and_handles_missing(lexicon_scorer):
    s = pd.Series(["great", None, np.nan, ""], index=list("abcd"))
    out = lexicon_scorer.score(s)
    assert out.index.tolist() == list("abcd")
    assert out["compound"].between(-1, 1).all()
    assert out.loc[["b", "c", "d"], "label"].eq("neutral").all()
    assert out.loc[["b", "c", "d"], "compound"].eq(0).all()
    assert score_sentiment(s, adapt=False).name == "sentiment"


def test_brand_handles_are_not_feelings():
    # "united" is +1.8 in VADER's lexicon; as a handle it is a brand name.
    texts = ["@united flight tomorrow", "United flight tomorrow"]
    scores = SentimentScorer(adapt=False).fit(texts).score(texts)["compound"]
    assert scores.abs().max() == 0
    assert SentimentScorer(adapt=False, learn_handles=False).score(texts[1:])["compound"].iloc[0] > 0


def test_bad_params():
    with pytest.raises(ParameterError, match="neutral_band must be a number in"):
        SentimentScorer(neutral_band=2).score(["x"])
    with pytest.raises(ParameterError, match="adapt must be 'auto', True or False"):
        SentimentScorer(adapt="yes").score(["x"])
    with pytest.raises(ParameterError, match="ignore_words must be a list of words"):
        SentimentScorer(ignore_words="brand").score(["x"])
    with pytest.raises(ParameterError, match="calibrate needs one score per text"):
        SentimentScorer(adapt=False).calibrate(["a", "b"], [1])


def _synthetic_corpus(n=600, random_state=0):
    rng = np.random.default_rng(random_state)
    neg = ["parcel never arrived", "still waiting for a refund", "courier was rude", "zip broke",
           "wrong size sent again", "on hold for an hour", "terrible quality fabric"]
    pos = ["love the fit", "great quality", "fast delivery, thanks", "beautiful colour",
           "perfect dress", "excellent service"]
    neu = ["ordered a blue dress", "size 12", "bought it for a wedding", "delivered on tuesday",
           "is there a store in leeds?"]
    rows = []
    for _ in range(n):
        k = rng.integers(3)
        pool = (neg, neu, pos)[k]
        rows.append((" and ".join(rng.choice(pool, size=2, replace=False)), k + 1 + 2 * k))
    return pd.DataFrame(rows, columns=["text", "rating"])


def test_adaptation_is_deterministic_and_calibration_monotone():
    df = _synthetic_corpus()
    a = SentimentScorer().fit(df["text"])
    b = SentimentScorer().fit(df["text"])
    assert a.adapted_
    pd.testing.assert_frame_equal(a.score(df["text"]), b.score(df["text"]))
    a.calibrate(df["text"], df["rating"])
    out = a.score(df["text"])
    order = np.argsort(out["compound"].to_numpy(), kind="stable")
    assert np.all(np.diff(out["calibrated"].to_numpy()[order]) >= -1e-12)
    assert out.groupby(df["rating"])["calibrated"].mean().is_monotonic_increasing


def test_small_corpus_falls_back_to_lexicon():
    scorer = SentimentScorer().fit(["love it", "hate it"])
    assert not scorer.adapted_


# -- prepare_comments --------------------------------------------------------------------------
def test_prepare_comments_tables():
    df = pd.DataFrame({
        "fid": ["f1", "f2", "f3", "f4", "f5"],
        "text": ["Love the fit but shipping took forever", None,
                 "Email me at jo@mail.com, the parcel hasn't arrived",
                 "La robe est très jolie mais trop petite", "Great"],
    }, index=[10, 11, 12, 13, 14])
    before = df.copy()
    comments, clauses = prepare_comments(df, id_col="fid")
    pd.testing.assert_frame_equal(df, before)  # input untouched
    assert comments.index.equals(df.index)
    assert comments.loc[11, "is_empty"] and comments.loc[11, "n_clauses"] == 0
    assert comments.loc[13, "is_non_english"] and comments.loc[14, "is_short"]
    assert "[EMAIL]" in comments.loc[12, "text_redacted"] and comments.loc[12, "has_pii"]
    assert not clauses["clause_text"].str.contains("jo@mail.com").any()
    mixed = clauses[clauses["comment_index"] == 10]
    assert mixed["clause_no"].tolist() == [0, 1]
    assert mixed["sentiment_label"].tolist() == ["positive", "negative"]
    assert set(clauses["comment_id"]) <= set(df["fid"])
    assert comments.loc[12, "sentiment_label"] == "negative"


def test_prepare_comments_errors():
    with pytest.raises(SchemaError, match="text_col='comment' is not a column"):
        prepare_comments(pd.DataFrame({"text": ["a"]}), text_col="comment")
    with pytest.raises(ParameterError, match="expects a pandas DataFrame"):
        prepare_comments(["a"])
    comments, clauses = prepare_comments(pd.DataFrame({"text": pd.Series([], dtype=object)}))
    assert len(comments) == 0 and len(clauses) == 0


# -- real data -----------------------------------------------------------------------------------
@pytest.mark.realdata
def test_airline_macro_f1(shared_datasets):
    from sklearn.metrics import f1_score

    tweets = pd.read_csv(shared_datasets / "twitter_airline_sentiment" / "Tweets.csv")
    labels = SentimentScorer().fit(tweets["text"]).score(tweets["text"])["label"]
    assert f1_score(tweets["airline_sentiment"], labels, average="macro") >= 0.70


@pytest.mark.realdata
def test_clothing_reviews_spearman(shared_datasets):
    from scipy.stats import spearmanr

    path = shared_datasets / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    reviews = pd.read_csv(path).dropna(subset=["Review Text"]).head(6000)
    scores = SentimentScorer().fit(reviews["Review Text"]).score(reviews["Review Text"])["compound"]
    # measured 0.60 on all 22,641 reviews (plain VADER: 0.43)
    assert spearmanr(scores, reviews["Rating"]).statistic > 0.5
