"""Benchmark cxlab's CX sentiment against plain VADER on public labelled data.

Prints one markdown table from one run: macro-F1 and accuracy on the 14,640 airline tweets
(``airline_sentiment`` labels, never used for fitting), Spearman correlation of comment
sentiment with the 1-5 ``Rating`` of the women's clothing reviews, and the wall time / peak RSS
of ``prepare_comments`` on the tweets. Each case runs in its own subprocess so peak memory is
its own.

    python benchmarks/bench_sentiment.py

``sentiment_rows()`` returns the rows as dicts (used by ``benchmarks/bench_themes.py``).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

CASES = {
    "airline_plain_vader": ("twitter airline (14,640)", "plain VADER (nltk)"),
    "airline_cx_lexicon": ("twitter airline (14,640)", "cxlab lexicon only (adapt=False)"),
    "airline_cx_adapted": ("twitter airline (14,640)", "cxlab default (lexicon + corpus adaptation)"),
    "clothing_plain_vader": ("clothing reviews (22,641)", "plain VADER (nltk)"),
    "clothing_cx_adapted": ("clothing reviews (22,641)", "cxlab default (lexicon + corpus adaptation)"),
    "prepare_airline": ("twitter airline (14,640)", "prepare_comments (all steps)"),
}


def _datasets() -> Path:
    from cxlab.config import shared_datasets_dir

    return shared_datasets_dir(Path(__file__).resolve().parents[1])


def _case(name: str) -> dict:
    import resource

    import pandas as pd

    from cxlab.text import SentimentScorer, prepare_comments

    root = _datasets()
    row: dict = {}
    if name.startswith("airline") or name == "prepare_airline":
        df = pd.read_csv(root / "twitter_airline_sentiment" / "Tweets.csv")
        texts, truth = df["text"], df["airline_sentiment"]
    else:
        df = pd.read_csv(root / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv")
        df = df.dropna(subset=["Review Text"])
        texts, truth = df["Review Text"], df["Rating"]
    params = {
        "plain_vader": dict(cx_lexicon=False, adapt=False, learn_handles=False),
        "cx_lexicon": dict(adapt=False),
        "cx_adapted": dict(),
    }
    start = time.perf_counter()
    if name == "prepare_airline":
        comments, clauses = prepare_comments(df, text_col="text", id_col="tweet_id")
        row["n_clauses"] = len(clauses)
        labels, compound = comments["sentiment_label"], comments["sentiment"]
    else:
        key = name.split("_", 1)[1]
        scored = SentimentScorer(**params[key]).fit(texts).score(texts)
        labels, compound = scored["label"], scored["compound"]
    row["wall_s"] = time.perf_counter() - start
    if name.startswith("airline") or name == "prepare_airline":
        from sklearn.metrics import accuracy_score, f1_score

        row["macro_f1"] = f1_score(truth, labels, average="macro")
        row["accuracy"] = accuracy_score(truth, labels)
    else:
        from scipy.stats import spearmanr

        row["spearman_rating"] = spearmanr(compound, truth).statistic
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def sentiment_rows(cases=None) -> list[dict]:
    """Run each case in a subprocess; one dict per case (dataset, method, metrics, time, memory)."""
    rows = []
    for name in cases or CASES:
        proc = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True,
                              text=True, check=True)
        dataset, method = CASES[name]
        rows.append({"dataset": dataset, "method": method, **json.loads(proc.stdout.splitlines()[-1])})
    return rows


def _table(rows: list[dict]) -> str:
    cols = ["dataset", "method", "macro_f1", "accuracy", "spearman_rating", "wall_s", "peak_rss_mb"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in rows:
        cells = []
        for col in cols:
            value = row.get(col, "")
            cells.append(f"{value:.3f}" if isinstance(value, float) and col != "peak_rss_mb"
                         else (f"{value:.0f}" if isinstance(value, float) else str(value)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(_case(sys.argv[2])))
    else:
        print(_table(sentiment_rows()))
