"""Statistical benchmarks for cxlab.kpis, cxlab.drivers and cxlab.monitoring.

Prints one markdown table: interval coverage at nominal 95% (simulated), false-positive rate of
monitoring under no effect, power for planted effects, and wall time / peak memory (tracemalloc)
of the main calls at demo size. Run: ``python benchmarks/bench_stats.py [--sims N]``.
Seeded: the same run prints the same figures (timings aside).
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

from cxlab.kpis import csat, km_quantile_interval, kpi_table, quantile_interval, wilson_interval
from cxlab.kpis._intervals import nps_counts_interval
from cxlab.monitoring._models import fit_before_after


def measure(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, wall, peak


def nps_coverage(n, probs, method, sims, rng):
    truth = probs[0] - probs[2]
    draws = rng.multinomial(n, probs, size=sims)
    hits = 0
    for d in draws:
        _, low, high = nps_counts_interval(*d, method=method)
        hits += low <= truth <= high
    return hits / sims


def wilson_coverage(n, p, sims, rng):
    ks = rng.binomial(n, p, size=sims)
    return float(np.mean([(lambda lh: lh[0] <= p <= lh[1])(wilson_interval(k, n)) for k in ks]))


def mean_coverage(sims, rng):
    probs = np.array([0.1, 0.1, 0.2, 0.3, 0.3])
    truth = float(np.arange(1, 6) @ probs)
    hits = 0
    for _ in range(sims):
        out = csat(rng.choice(np.arange(1, 6), size=60, p=probs))
        hits += out.loc[1, "ci_low"] <= truth <= out.loc[1, "ci_high"]
    return hits / sims


def quantile_coverage(q, n, sims, rng):
    truth = float(np.exp(1 + {0.5: 0.0, 0.9: 1.2815515655446004}[q]))
    hits = 0
    for _ in range(sims):
        _, low, high = quantile_interval(rng.lognormal(1, 1, n), q)
        hits += low <= truth <= high
    return hits / sims


def km_coverage(sims, rng):
    truth = 5 * np.log(2)
    hits = 0
    for _ in range(sims):
        t, c = rng.exponential(5, 150), rng.exponential(25, 150)
        _, low, high = km_quantile_interval(np.minimum(t, c), t <= c, 0.5)
        hits += low <= truth <= high
    return hits / sims


def monitoring_rate(method, errors, sims, rng, *, ar=0.0, sd=0.0, effect=0.0, T=78, live=40):
    periods = pd.date_range("2025-01-06", periods=T, freq="W-MON")
    flagged = 0
    for _ in range(sims):
        n = rng.poisson(150, T)

        def latent(base):
            e, z = np.zeros(T), rng.normal(0, sd, T)
            for t in range(T):
                e[t] = (ar * e[t - 1] if t else 0.0) + z[t]
            return np.clip(base + e, 0.01, 0.99)

        pt = latent(0.15) + np.where(np.arange(T) >= live, effect, 0.0)
        s = pd.DataFrame({"period": periods, "treated": rng.binomial(n, pt) / n,
                          "control": rng.binomial(n, latent(0.10)) / n})
        r = fit_before_after(s, live_date=periods[live], method=method, freq="W", alpha=0.05, errors=errors)
        flagged += r["p_value"] < 0.05
    return flagged / sims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sims", type=int, default=2000, help="simulated samples per coverage case")
    args = parser.parse_args()
    sims = args.sims
    rows = []

    def add(case, fn, fmt="{:.3f}"):
        rng = np.random.default_rng(0)
        value, wall, peak = measure(lambda: fn(rng))
        rows.append((case, fmt.format(value) if not isinstance(value, str) else value, f"{wall:.2f}", f"{peak:.1f}"))

    for n, probs in ((20, [0.7, 0.2, 0.1]), (50, [0.45, 0.3, 0.25]), (200, [0.2, 0.3, 0.5]), (1000, [0.3, 0.4, 0.3])):
        for method in ("adjusted_wald", "wald"):
            add(f"coverage NPS {method} n={n} p={probs}", lambda rng, n=n, probs=probs, m=method:
                nps_coverage(n, probs, m, sims, rng))
    for n, p in ((30, 0.8), (80, 0.5), (400, 0.9)):
        add(f"coverage proportion Wilson n={n} p={p}", lambda rng, n=n, p=p: wilson_coverage(n, p, sims, rng))
    add("coverage CSAT mean t n=60", lambda rng: mean_coverage(sims // 4, rng))
    for q, n in ((0.5, 30), (0.5, 101), (0.9, 300), (0.5, 2000)):
        add(f"coverage quantile q={q} order statistic n={n}", lambda rng, q=q, n=n: quantile_coverage(q, n, sims // 4, rng))
    add("coverage KM median, 17% censored, n=150", lambda rng: km_coverage(sims // 4, rng))
    msims = max(sims // 2, 200)
    for method in ("did", "its"):
        for errors in ("ar1", "hac"):
            for label, kw in (("white noise", {}), ("AR(0.5) drift", {"ar": 0.5, "sd": 0.01}),
                              ("AR(0.8) drift", {"ar": 0.8, "sd": 0.01})):
                add(f"false positives {method}/{errors} null, {label}, 78 weeks",
                    lambda rng, m=method, e=errors, kw=kw: monitoring_rate(m, e, msims, rng, **kw))
            add(f"power {method}/{errors} effect -3 pts (share 15%)",
                lambda rng, m=method, e=errors: monitoring_rate(m, e, msims, rng, effect=-0.03))

    from cxlab.datasets import load_demo, load_demo_truth
    from cxlab.drivers import driver_importance, pivot_touchpoint_scores
    from cxlab.kpis import ticket_durations
    from cxlab.monitoring import evaluate_action, monitor_actions

    tables, truth = load_demo(), load_demo_truth()
    fb = tables["feedback"]
    long = fb.merge(truth["feedback_themes"], on="feedback_id", how="left")
    big = pd.concat([fb] * 10, ignore_index=True)
    add("time kpi_table demo feedback x10 (120k rows) by channel x month",
        lambda rng: f"{len(kpi_table(big, by='channel', period='M'))} rows")
    add("time kpi_table demo tickets by channel (first response + resolution)",
        lambda rng: f"{len(kpi_table(tables['tickets'], by='channel', kpis=('first_response', 'resolution')))} rows")
    wide = pivot_touchpoint_scores(tables["touchpoint_survey"])
    add("time driver_importance 13 touchpoints, pairwise, 200 bootstraps",
        lambda rng: driver_importance(wide, outcome="overall_satisfaction", random_state=0)["driver"].iloc[0])
    add("time driver_importance shapley 9 themes, 200 bootstraps",
        lambda rng: driver_importance(
            pd.crosstab(long["feedback_id"], long["theme"]).clip(upper=1).join(fb.set_index("feedback_id")["nps"])
            .dropna(), outcome="nps", method="shapley", random_state=0)["driver"].iloc[0])
    actions = "cxlab/datasets/demo_config/actions.yaml"
    add("demo monitor_actions (DiD, weekly): statuses",
        lambda rng: ", ".join(f"{a}={s}" for a, s in monitor_actions(actions, long)[["action", "status"]].itertuples(index=False)))
    add("demo first response (email, median, ITS) after 2025-10-01",
        lambda rng: evaluate_action(ticket_durations(tables["tickets"]), metric="first_response_hours",
                                    time_col="opened_at", live_date="2025-10-01", group_col="channel",
                                    treated="email", statistic="median", method="its").status)

    print(f"Statistical benchmark (nominal 95% intervals, 5% tests; {sims} simulated samples per coverage case)\n")
    print("| case | result | wall s | peak MB |")
    print("| --- | --- | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
