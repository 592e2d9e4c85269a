"""Benchmark the journey and gap analyses on the demo data: wall time and peak memory per case.

Run: ``python benchmarks/bench_gaps.py``. Each case runs in its own subprocess (so peak memory is
its own); timings include no imports or data loading, only the measured call. Prints one
markdown table. Budget: notebooks 04 and 05 should each run in about 20 s on the demo data.
"""
from __future__ import annotations

import json
import subprocess
import sys

SETUP = """
import json, resource, time
from cxlab.datasets import ensure_demo_data, load_demo, load_demo_truth
from cxlab.journey import JourneyMapper, add_emotion, seed_word_themes
from cxlab.gaps import analyse_gaps, expectation_gaps, internal_vs_customer, export_table
tables, truth, folder = load_demo(), load_demo_truth(), ensure_demo_data()
themes = truth["feedback_themes"][["feedback_id", "theme"]]
fb = tables["feedback"]
"""

CASES = {
    "expectation_gaps by touchpoint x dimension (42k rows, 65 groups)":
        "START()\nout = expectation_gaps(tables['touchpoint_survey'], by=('touchpoint', 'dimension'))\n",
    "internal_vs_customer (16k staff + 42k customer rows)":
        "START()\nout = internal_vs_customer(tables['employee_survey'], tables['touchpoint_survey'])\n",
    "add_emotion, text sentiment 'cx' (5k unscored of 12k comments)":
        "START()\nout = add_emotion(fb, score_text='cx')\n",
    "add_emotion, text sentiment 'vader' (5k unscored of 12k comments)":
        "START()\nout = add_emotion(fb, score_text='vader')\n",
    "seed_word_themes (12k comments, 8 themes)":
        "START()\nout = seed_word_themes(fb, folder / 'taxonomy.yaml')\n",
    "JourneyMapper.fit (all demo tables)":
        "fb = add_emotion(fb, score_text=False)\nSTART()\n"
        "out = JourneyMapper().fit(fb, survey=tables['touchpoint_survey'], tickets=tables['tickets'], "
        "orders=tables['orders'], themes=themes, targets=folder / 'targets.yaml')\n",
    "analyse_gaps (all demo tables, drivers, monitoring)":
        "tables['feedback'] = add_emotion(fb, score_text=False)\nSTART()\n"
        "out = analyse_gaps(tables, themes=themes, targets=folder / 'targets.yaml', effort=folder / 'effort.yaml', "
        "actions=folder / 'actions.yaml', praise_themes=['style_design'])\n",
}

RUNNER = SETUP + """
t = [None]
def START():
    t[0] = time.perf_counter()
exec(CODE)
wall = time.perf_counter() - t[0]
print(json.dumps({"wall": wall, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    print("| case | wall time (s) | peak RSS of the process (MiB) |")
    print("| --- | ---: | ---: |")
    for name, code in CASES.items():
        proc = subprocess.run([sys.executable, "-c", f"CODE = {code!r}\n" + RUNNER], capture_output=True, text=True)
        if proc.returncode:
            print(f"| {name} | failed: {proc.stderr.strip().splitlines()[-1]} | |")
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"| {name} | {res['wall']:.2f} | {res['rss']:.0f} |")


if __name__ == "__main__":
    main()
