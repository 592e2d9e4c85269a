"""Benchmark of the out-of-core themes pipeline (cxlab.scale): one markdown table from one run.

    python benchmarks/bench_scale.py                      # 10k, 100k, 1M x local, dask
    python benchmarks/bench_scale.py --sizes 10000 100000 --engines local
    python benchmarks/bench_scale.py --case 100000 local  # one case, prints JSON (used internally)

Corpora are written once to a cache folder outside the repository (``--cache``, default
``/tmp/cxlab_bench_scale``), never committed: 100,000 comments from cxlab's demo generator
(``make_demo_data(n_comments=100_000, random_state=0)``, feedback table), and larger corpora
resampled from it with variation (each copy's rows are shuffled, get their own ids and dates and
a varied closing word or punctuation), smaller ones are its first rows.

Each case runs ``mine_themes_at_scale`` end to end (sample + fit + prepare, redact, sentiment,
themes, assignment for every row + Parquet parts + themes.csv + comments/assignments CSVs) in
its own subprocess, with the default parameters (``sample_size=100_000``, ``chunk_size=50_000``,
all cores locally; a 2-worker ``LocalCluster`` for Dask). Wall time is ``time.perf_counter``
around the call; peak RSS is the parent's peak plus the largest peak of its worker processes
(``RUSAGE_CHILDREN`` reports the largest child; Dask workers are sampled with psutil every
0.2 s): an upper bound of what ran at the same time. Timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

SIZES = (10_000, 100_000, 1_000_000)
ENGINES = ("local", "dask")
BASE = 100_000
_ENDINGS = ("", "", "", " thanks", " again", "!", "!!", " :(", " ...", " please", " tbh", " honestly")


def corpus(n: int, cache: Path) -> Path:
    """A CSV of ``n`` feedback comments (cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"feedback_{n}.csv"
    if path.is_file():
        return path
    base_path = cache / f"feedback_{BASE}.csv"
    if not base_path.is_file():
        from cxlab.datasets import make_demo_data

        fb = make_demo_data(random_state=0, n_customers=40_000, n_orders=160_000,
                            n_comments=BASE).tables["feedback"]
        fb.to_csv(base_path, index=False)
    if n == BASE:
        return base_path
    base = pd.read_csv(base_path, dtype=str)
    if n < len(base):
        base.iloc[:n].to_csv(path, index=False)
        return path
    rng = np.random.default_rng(0)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        done = 0
        while done < n:
            k = min(len(base), n - done)
            part = base.iloc[rng.permutation(len(base))[:k]].copy()
            ends = np.asarray(_ENDINGS, dtype=object)[rng.integers(0, len(_ENDINGS), k)]
            part["text"] = part["text"].fillna("").astype(object) + ends
            part["feedback_id"] = [f"FB{done + i + 1:08d}" for i in range(k)]
            part.to_csv(fh, index=False, header=done == 0)
            done += k
    return path


def _child_peak_mb(stop: threading.Event, out: list) -> None:
    import psutil

    me, peak = psutil.Process(), 0.0
    while not stop.is_set():
        try:
            total = sum(c.memory_info().rss for c in me.children(recursive=True))
        except psutil.Error:
            total = 0
        peak = max(peak, total / 2**20)
        time.sleep(0.2)
    out.append(peak)


def run_case(n: int, engine: str, cache: Path) -> dict:
    from cxlab.scale import mine_themes_at_scale

    src = corpus(n, cache)
    out = cache / f"out_{n}_{engine}"
    stop, sampled = threading.Event(), []
    watcher = threading.Thread(target=_child_peak_mb, args=(stop, sampled), daemon=True)
    watcher.start()
    t = time.perf_counter()
    res = mine_themes_at_scale(src, text_col="text", id_col="feedback_id", time_col="created_at",
                               outcome_col="rating", segment_cols=["channel"], customer_col="customer_id",
                               out_dir=out, engine=engine, overwrite=True, progress=False, random_state=0)
    wall = time.perf_counter() - t
    stop.set()
    watcher.join()
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rows": res.n_rows, "engine": engine, "wall_s": wall, "self_mb": self_mb,
            "workers_mb": max(child_mb, sampled[0] if sampled else 0.0), "timings": res.timings,
            "themes": res.miner.n_themes_}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cxlab_bench_scale"))
    ap.add_argument("--case", nargs=2, metavar=("N", "ENGINE"))
    args = ap.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(int(args.case[0]), args.case[1], args.cache)))
        return 0
    for n in args.sizes:
        corpus(n, args.cache)
    rows = []
    for n in args.sizes:
        for engine in args.engines:
            proc = subprocess.run([sys.executable, __file__, "--case", str(n), engine, "--cache", str(args.cache)],
                                  capture_output=True, text=True)
            if proc.returncode:
                print(proc.stderr[-2000:], file=sys.stderr)
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(r)
            print(f"done {n} {engine}: {json.dumps(r)}", file=sys.stderr, flush=True)
    print("| comments | engine | wall s | rows/s | sample+fit s | assign s | outputs s | "
          "peak RSS parent MB | peak RSS workers MB (sum) | peak RSS total MB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        t = r["timings"]
        print(f"| {r['rows']:,} | {r['engine']} | {r['wall_s']:.1f} | {r['rows'] / r['wall_s']:,.0f} | "
              f"{t['sample'] + t['fit']:.1f} | {t['assign']:.1f} | {t['outputs']:.1f} | {r['self_mb']:.0f} | "
              f"{r['workers_mb']:.0f} | {r['self_mb'] + r['workers_mb']:.0f} |")
    by = {(r["rows"], r["engine"]): r["wall_s"] for r in rows}
    for engine in args.engines:
        if (100_000, engine) in by and (1_000_000, engine) in by:
            print(f"\n{engine}: 1M / 100k wall time = {by[(1_000_000, engine)] / by[(100_000, engine)]:.2f} "
                  "(linear = 10; target <= 11)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
