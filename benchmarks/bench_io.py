"""Benchmark cxlab.io loaders: wall time and peak memory per case, one subprocess per case.

Run: ``python benchmarks/bench_io.py`` (cases needing ../shared/datasets are skipped without it).
Prints one markdown table.
"""
from __future__ import annotations

import json
import subprocess
import sys

CASES = {
    "demo feedback.csv (12k rows)": (
        "from cxlab.datasets import ensure_demo_data\n"
        "import tempfile, pathlib\n"
        "path = ensure_demo_data(root=pathlib.Path(tempfile.mkdtemp())) / 'feedback.csv'\n"
        "START()\n"
        "df, report = load_feedback(path)\n"
    ),
    "Tweets.csv as feedback (14.6k rows)": (
        "path = shared / 'twitter_airline_sentiment' / 'Tweets.csv'\n"
        "START()\n"
        "df, report = load_feedback(path, column_map={'tweet_id': 'feedback_id', "
        "'tweet_created': 'created_at', 'airline': 'brand'}, defaults={'channel': 'social'})\n"
    ),
    "Online Retail.csv.gz as orders (542k rows, 520k issues)": (
        "path = shared / 'online_retail' / 'Online Retail.csv.gz'\n"
        "START()\n"
        "df, report = load_orders(path, column_map={'InvoiceNo': 'order_id', "
        "'InvoiceDate': 'order_date', 'UnitPrice': 'amount', 'Quantity': 'n_items'})\n"
    ),
    "save_processed parquet + csv (20k orders)": (
        "import tempfile\n"
        "from cxlab.datasets import ensure_demo_data\n"
        "import pathlib\n"
        "root = pathlib.Path(tempfile.mkdtemp())\n"
        "df, _ = load_orders(ensure_demo_data(root=root) / 'orders.csv')\n"
        "START()\n"
        "save_processed(df, 'orders', root=root)\n"
        "save_processed(df, 'orders', root=root, fmt='csv')\n"
        "report = None\n"
    ),
}

RUNNER = """
import json, resource, time
from cxlab.config import shared_datasets_dir
from cxlab.io import load_feedback, load_orders, save_processed
shared = shared_datasets_dir()
if not shared.is_dir() and "shared /" in CODE:
    print(json.dumps({"skip": True})); raise SystemExit
t = [None]
def START():
    t[0] = time.perf_counter()
exec(CODE)
wall = time.perf_counter() - t[0]
rows = report.n_input_rows if report is not None else len(df)
print(json.dumps({"wall": wall, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": rows, "dropped": report.n_dropped if report is not None else 0}))
"""


def main() -> None:
    print("| case | rows | dropped | wall s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, code in CASES.items():
        proc = subprocess.run([sys.executable, "-c", f"CODE = {code!r}\n" + RUNNER],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"| {name} | failed: {proc.stderr.strip().splitlines()[-1]} | | | |")
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if result.get("skip"):
            print(f"| {name} | skipped (no ../shared/datasets) | | | |")
            continue
        print(f"| {name} | {result['rows']:,} | {result['dropped']:,} | {result['wall']:.2f} | "
              f"{result['rss']:.0f} |")


if __name__ == "__main__":
    main()
