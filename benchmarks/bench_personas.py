"""Persona benchmark: recovery, stability, wall time and peak memory; prints one markdown table.

Usage: ``python benchmarks/bench_personas.py [--cases demo,telco,...] [--n-bootstrap 20]``

Each case runs in its own subprocess so peak RSS (``ru_maxrss``) is that case's alone. Cases:

* ``demo``: the Loomwear demo (ARI against the planted personas in ``data/raw/demo_truth``).
* ``telco``: ``../shared/datasets/telco_customer_churn`` (7,043 customers; ``TotalCharges`` has 11
  blanks, coerced to missing; ``Churn`` is the churn KPI, left out of the clustering).
* ``personality``: ``customer_personality`` (2,240 customers, tab-separated; ``Year_Birth`` ->
  age, ``Dt_Customer`` (DD-MM-YYYY) -> tenure; the constant ``Z_*`` columns are dropped by the model).
* ``retail``: ``online_retail`` RFM from 541,909 invoice lines (rows without CustomerID dropped;
  invoices starting with ``C`` are cancellations -> cancel rate; lines with quantity or price <= 0
  excluded from spend; one order per invoice).
* ``synthetic100k``: 100,000 synthetic customers with 4 planted personas, ``n_personas="auto"``.
* ``assign1M`` / ``assign1M_dask``: 1,000,000 synthetic customers written to a Parquet file (by a
  separate process, so the case's memory is its own), personas fitted on a seeded sample of
  50,000 (``fit_personas_on_sample``: stability = holdout ARI of 3 refits on other samples), then
  every customer assigned chunk by chunk (100,000 rows) into partitioned Parquet, locally or on a
  2-worker ``LocalCluster``. ``prep s`` = sample fit; ``wall s`` and ``rows/s`` = the assignment
  alone; ``peak MB`` = the case's process (for Dask: client, and the largest worker after "+");
  the stability bracket is the [min, max] holdout ARI of the refits (not a bootstrap interval).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("demo", "telco", "personality", "retail", "synthetic100k", "assign1M", "assign1M_dask")
N_SCALE = 1_000_000


def _prepare_scale(folder: Path) -> None:
    """Write the 1M-customer feature table and its planted personas (once per run)."""
    from cxlab.personas import make_synthetic_customers

    X, truth = make_synthetic_customers(N_SCALE, random_state=0)
    X.to_parquet(folder / "features.parquet", row_group_size=100_000)
    truth.to_frame().to_parquet(folder / "truth.parquet")


def _scale_case(name: str, folder: Path, n_bootstrap: int) -> dict:
    import tempfile

    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from cxlab.personas import assign_personas_at_scale, fit_personas_on_sample

    start = time.perf_counter()
    source = folder / "features.parquet"
    fit = fit_personas_on_sample(source, sample_size=50_000, n_refits=3, holdout_size=20_000,
                                 n_bootstrap=n_bootstrap, random_state=0)
    prep = time.perf_counter() - start
    dask = name.endswith("_dask")
    client = cluster = None
    if dask:
        import logging

        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        res = assign_personas_at_scale(fit.model, source, out_dir=Path(out) / "personas", chunk_size=100_000,
                                       engine="dask" if dask else "local", scheduler=client)
        wall = time.perf_counter() - t0
        got = pd.concat(pd.read_parquet(p, columns=["persona"]) for p in res.parts)["persona"]
    truth = pd.read_parquet(folder / "truth.parquet")["persona"]
    worker_mb = 0.0
    if dask:
        worker_mb = max(client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
        client.close()
        cluster.close()
    return {
        "case": name, "customers": res.n_rows, "features": len(fit.model.columns_),
        "algorithm": fit.model.algorithm_, "k": fit.model.n_personas_,
        "ari_truth": adjusted_rand_score(truth.to_numpy(), got.to_numpy()),
        "stability": fit.ari, "stab_low": float(fit.stability["ari_holdout"].min()),
        "stab_high": float(fit.stability["ari_holdout"].max()), "prep_s": prep, "wall_s": wall,
        "rows_s": res.n_rows / wall, "worker_mb": worker_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _data(root):
    from cxlab.config import shared_datasets_dir

    return shared_datasets_dir(root)


def _case(name: str, n_bootstrap: int, folder: Path | None = None) -> dict:
    if name == "prepare":
        _prepare_scale(folder)
        return {}
    if name.startswith("assign1M"):
        return _scale_case(name, folder, n_bootstrap)
    import numpy as np
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from cxlab.personas import PersonaModel, build_customer_features, make_synthetic_customers

    start = time.perf_counter()
    truth = None
    shared = _data(ROOT)
    if name == "demo":
        from cxlab.datasets import load_demo, load_demo_truth

        t = load_demo(ROOT)
        X = build_customer_features(t["customers"], orders=t["orders"], feedback=t["feedback"],
                                    tickets=t["tickets"], sentiment=False)
        truth = load_demo_truth(ROOT)["customer_personas"].set_index("customer_id")["persona"]
    elif name == "telco":
        raw = pd.read_csv(shared / "telco_customer_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv")
        X = raw.set_index("customerID").rename_axis("customer_id").rename(columns={"Churn": "churned"})
        X["TotalCharges"] = pd.to_numeric(X["TotalCharges"], errors="coerce")
    elif name == "personality":
        raw = pd.read_csv(shared / "customer_personality" / "marketing_campaign.csv", sep="\t")
        X = raw.set_index("ID").rename_axis("customer_id")
        X["age"] = 2014 - X.pop("Year_Birth")
        joined = pd.to_datetime(X.pop("Dt_Customer"), format="%d-%m-%Y")
        X["tenure_days"] = (joined.max() - joined).dt.days
    elif name == "retail":
        lines = pd.read_csv(shared / "online_retail" / "Online Retail.csv.gz",
                            dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "string"},
                            parse_dates=["InvoiceDate"])
        lines = lines[lines["CustomerID"].notna()]
        cancelled = lines["InvoiceNo"].str.startswith("C")
        valid = (lines["Quantity"] > 0) & (lines["UnitPrice"] > 0)
        lines = lines.assign(value=(lines["Quantity"] * lines["UnitPrice"]).where(valid & ~cancelled, 0.0))
        orders = lines.groupby("InvoiceNo", sort=True).agg(
            customer_id=("CustomerID", "first"), order_date=("InvoiceDate", "min"),
            amount=("value", "sum"), n_items=("Quantity", lambda q: int(q.clip(lower=0).sum())))
        orders["status"] = np.where(orders.index.str.startswith("C"), "cancelled", "completed")
        orders = orders.reset_index().rename(columns={"InvoiceNo": "order_id"})
        customers = lines.groupby("CustomerID", sort=True)["Country"].first().rename_axis("customer_id")
        X = build_customer_features(customers.reset_index().rename(columns={"Country": "country"}),
                                    orders=orders)
    elif name == "synthetic100k":
        X, truth = make_synthetic_customers(100_000, random_state=0)
    else:
        raise SystemExit(f"unknown case {name}")
    prep = time.perf_counter() - start
    model = PersonaModel(random_state=0, n_bootstrap=n_bootstrap).fit(X)
    wall = time.perf_counter() - start
    ari = float("nan")
    if truth is not None:
        ari = adjusted_rand_score(truth.reindex(model.labels_.index), model.labels_)
    return {
        "case": name, "customers": len(X), "features": len(model.columns_),
        "algorithm": model.algorithm_, "k": model.n_personas_, "ari_truth": ari,
        "stability": model.stability_["ari"], "stab_low": model.stability_["low"],
        "stab_high": model.stability_["high"], "prep_s": prep, "wall_s": wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--n-bootstrap", type=int, default=20)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_case(args.one, args.n_bootstrap, Path(args.folder) if args.folder else None)))
        return 0
    import tempfile

    tmp = tempfile.TemporaryDirectory()
    cases = args.cases.split(",")
    if any(c.startswith("assign1M") for c in cases):
        subprocess.run([sys.executable, __file__, "--one", "prepare", "--folder", tmp.name], check=True, cwd=ROOT)
    rows = []
    for case in cases:
        proc = subprocess.run([sys.executable, __file__, "--one", case, "--n-bootstrap", str(args.n_bootstrap),
                               "--folder", tmp.name], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            rows.append({"case": case, "error": proc.stderr.strip().splitlines()[-1][:80]})
        else:
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    tmp.cleanup()
    print("| case | customers | features | algorithm | k | ARI vs truth | stability ARI [95%] | "
          "prep s | wall s | rows/s | peak MB |")
    print("|---|---:|---:|---|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        if "error" in r:
            print(f"| {r['case']} | error: {r['error']} ||||||||||")
            continue
        ari = "-" if r["ari_truth"] != r["ari_truth"] else f"{r['ari_truth']:.3f}"
        rate = f"{r['rows_s']:,.0f}" if "rows_s" in r else "-"
        peak = f"{r['peak_mb']:.0f}" + (f" + {r['worker_mb']:.0f}" if r.get("worker_mb") else "")
        print(f"| {r['case']} | {r['customers']:,} | {r['features']} | {r['algorithm']} | {r['k']} | {ari} | "
              f"{r['stability']:.3f} [{r['stab_low']:.2f}, {r['stab_high']:.2f}] | {r['prep_s']:.1f} | "
              f"{r['wall_s']:.1f} | {rate} | {peak} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
