"""KPIs with intervals: values, interval coverage by simulation, two-sample tests, tables, errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.kpis import (
    KPI_COLUMNS,
    benjamini_hochberg,
    ces,
    churn_rate,
    compare_groups,
    compare_periods,
    compare_samples,
    csat,
    duration_kpis,
    first_response_time,
    km_quantile_interval,
    kpi_table,
    mean_score,
    newcombe_interval,
    nps,
    proportion,
    quantile_interval,
    resolution_time,
    retention_rate,
    ticket_durations,
    wilson_interval,
)
from cxlab.kpis._intervals import nps_counts_interval

N_SIM = 1000  # simulation error of a 95% coverage estimate: +-0.7 points (1 SE)


def _coverage(hits) -> float:
    return float(np.mean(hits))


# ---------------------------------------------------------------- point estimates and layout
def test_nps_value_and_layout():
    out = nps([10, 9, 8, 7, 6, 0, 10, 9, 3, 5])  # 4 promoters, 2 passives, 4 detractors
    assert list(out.columns) == KPI_COLUMNS
    row = out.iloc[0]
    assert row["kpi"] == "nps" and row["estimate"] == 0.0 and row["n"] == 10
    assert row["ci_low"] < 0 < row["ci_high"] and row["unit"] == "points"


def test_nps_drops_and_counts_missing():
    out = nps(pd.Series([10, None, 9, np.nan, 2], dtype="Float64"))
    assert out.loc[0, "n"] == 3 and out.loc[0, "n_missing"] == 2
    assert out.loc[0, "estimate"] == pytest.approx(100 * (2 - 1) / 3)


def test_nps_keeps_interval_inside_bounds_for_extreme_scores():
    out = nps([10] * 12)
    assert out.loc[0, "estimate"] == 100
    assert -100 <= out.loc[0, "ci_low"] < 100 and out.loc[0, "ci_high"] <= 100


def test_nps_rejects_out_of_range_and_non_integer_scores():
    with pytest.raises(SchemaError, match=r"nps scores must be whole numbers in 0-10; 1 value\(s\) are not, e.g. \[11.0\]"):
        nps([10, 11, 3])
    with pytest.raises(SchemaError, match="whole numbers"):
        nps([8.5, 9])
    with pytest.raises(SchemaError, match="must be numeric; 1 value"):
        nps(["9", "ten"])
    # spellings of "no answer" are missing, as in the loaders: counted, not an error
    out = nps(["9", "N/A", " - ", "3", None])
    assert (out.loc[0, "n"], out.loc[0, "n_missing"]) == (2, 3)
    with pytest.raises(ParameterError, match="method must be one of"):
        nps([9], method="exact")
    with pytest.raises(ParameterError, match="alpha must be between 0 and 1"):
        nps([9], alpha=5)


def test_empty_and_one_row_inputs_give_nan_not_errors():
    empty = nps([])
    assert empty.loc[0, "n"] == 0 and np.isnan(empty.loc[0, "estimate"])
    one = csat([5])
    assert one.loc[0, "estimate"] == 1.0 and np.isnan(one.loc[1, "ci_low"])  # no t interval from 1 value


def test_csat_ces_proportion_mean_and_churn():
    c = csat([5, 4, 3, 1, 5])
    assert c["kpi"].tolist() == ["csat", "csat_mean"]
    assert c.loc[0, "estimate"] == pytest.approx(0.6) and c.loc[1, "estimate"] == pytest.approx(3.6)
    assert c.loc[0, "method"] == "wilson" and c.loc[1, "method"] == "t"
    e = ces([1, 2, 7, 4])
    assert e.loc[0, "estimate"] == pytest.approx(3.5) and e.loc[1, "estimate"] == pytest.approx(0.5)
    assert proportion([1, 0, 0, 0])["estimate"].iloc[0] == 0.25
    assert mean_score([2, 4], kpi="rating")["kpi"].iloc[0] == "rating"
    churn = churn_rate(pd.Series([True, False, None, False], dtype="boolean"))
    assert churn.loc[0, "estimate"] == pytest.approx(1 / 3) and churn.loc[0, "n_missing"] == 1
    assert retention_rate([True, False, False, False])["estimate"].iloc[0] == 0.75
    with pytest.raises(SchemaError, match=r"csat scores must be in 1-5"):
        csat([0, 5])


def test_scores_do_not_mutate_input():
    s = pd.Series([10, None, 3])
    before = s.copy()
    nps(s)
    pd.testing.assert_series_equal(s, before)


# ---------------------------------------------------------------- coverage by simulation
def _exact_nps_coverage(n, probs, method="adjusted_wald"):
    """Coverage summed over every possible sample (promoters, passives, detractors) of size n."""
    from scipy.stats import multinomial

    truth = probs[0] - probs[2]
    total = 0.0
    for pro in range(n + 1):
        for det in range(n - pro + 1):
            _, low, high = nps_counts_interval(pro, n - pro - det, det, method=method)
            if low <= truth <= high:
                total += multinomial.pmf([pro, n - pro - det, det], n, probs)
    return total


@pytest.mark.parametrize("n, probs", [(50, [0.45, 0.30, 0.25]), (30, [0.70, 0.20, 0.10]),
                                      (120, [0.20, 0.30, 0.50])])
def test_nps_interval_exact_coverage_is_nominal(n, probs):
    assert 0.93 <= _exact_nps_coverage(n, probs) <= 0.97


def test_nps_interval_simulated_coverage_through_public_function():
    rng = np.random.default_rng(11)
    probs = np.array([0.40, 0.35, 0.25])
    truth = 100 * (probs[0] - probs[2])
    hits = []
    for _ in range(N_SIM // 2):
        scores = rng.choice([10, 8, 3], size=80, p=probs)
        out = nps(scores)
        hits.append(out.loc[0, "ci_low"] <= truth <= out.loc[0, "ci_high"])
    assert 0.925 <= _coverage(hits) <= 0.975  # 500 samples: simulation SE about 1 point


def test_adjusted_wald_beats_wald_for_small_skewed_samples():
    rng = np.random.default_rng(12)
    probs = [0.05, 0.15, 0.80]
    truth = probs[0] - probs[2]
    draws = rng.multinomial(20, probs, size=N_SIM)
    cover = {}
    for method in ("wald", "adjusted_wald"):
        cover[method] = _coverage([nps_counts_interval(*d, method=method)[1] <= truth
                                   <= nps_counts_interval(*d, method=method)[2] for d in draws])
    assert cover["wald"] < 0.92 < cover["adjusted_wald"]


def test_nps_bootstrap_is_deterministic_and_sensible():
    scores = np.r_[[10] * 30, [8] * 20, [3] * 10]
    a = nps(scores, method="bootstrap", random_state=3)
    b = nps(scores, method="bootstrap", random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, "ci_low"] < a.loc[0, "estimate"] < a.loc[0, "ci_high"]


def test_csat_share_exact_and_mean_simulated_coverage():
    from scipy.stats import binom

    # share satisfied: exact coverage over every possible count of satisfied answers out of 60
    n, p_sat = 60, 0.6
    cover = sum(binom.pmf(k, n, p_sat) for k in range(n + 1)
                if (lambda o: o.loc[0, "ci_low"] <= p_sat <= o.loc[0, "ci_high"])(
                    csat(np.r_[np.full(k, 5.0), np.full(n - k, 2.0)])))
    assert 0.93 <= cover <= 0.97
    rng = np.random.default_rng(13)
    p = np.array([0.10, 0.10, 0.20, 0.30, 0.30])
    true_mean = float(np.arange(1, 6) @ p)
    hits = []
    for _ in range(N_SIM // 2):
        out = csat(rng.choice(np.arange(1, 6), size=60, p=p))
        hits.append(out.loc[1, "ci_low"] <= true_mean <= out.loc[1, "ci_high"])
    assert 0.925 <= _coverage(hits) <= 0.975


def test_proportion_wilson_coverage_over_several_rates():
    rng = np.random.default_rng(14)
    hits = []
    for p_true in (0.1, 0.3, 0.5, 0.8):
        for k in rng.binomial(80, p_true, size=N_SIM // 2):
            low, high = wilson_interval(k, 80)
            hits.append(low <= p_true <= high)
    assert 0.93 <= _coverage(hits) <= 0.97
    # the public function uses the same interval
    out = proportion(np.r_[np.ones(20), np.zeros(60)])
    assert (out.loc[0, "ci_low"], out.loc[0, "ci_high"]) == pytest.approx(wilson_interval(20, 80))


@pytest.mark.parametrize("q, n", [(0.5, 101), (0.9, 300)])
def test_quantile_interval_coverage(q, n):
    rng = np.random.default_rng(15)
    truth = float(np.exp(1 + 1.0 * {0.5: 0.0, 0.9: 1.2815515655446004}[q]))
    hits = []
    for _ in range(N_SIM // 2):
        _, low, high = quantile_interval(rng.lognormal(1, 1, n), q)
        hits.append(low <= truth <= high)
    assert 0.93 <= _coverage(hits) <= 0.975


def test_quantile_interval_too_small_sample_gives_nan_bounds():
    est, low, high = quantile_interval(np.arange(10.0), 0.9)
    assert est == pytest.approx(8.1) and np.isnan(low) and np.isnan(high)


def test_kaplan_meier_median_coverage_with_censoring():
    rng = np.random.default_rng(16)
    truth = 5 * np.log(2)
    hits = []
    for _ in range(300):
        t, c = rng.exponential(5, 150), rng.exponential(25, 150)
        _, low, high = km_quantile_interval(np.minimum(t, c), t <= c, 0.5)
        hits.append(low <= truth <= high)
    assert 0.92 <= _coverage(hits) <= 0.98


def test_newcombe_difference_coverage():
    rng = np.random.default_rng(17)
    hits = [newcombe_interval(a, 60, b, 80)[0] <= 0.15 <= newcombe_interval(a, 60, b, 80)[1]
            for a, b in zip(rng.binomial(60, 0.7, N_SIM), rng.binomial(80, 0.55, N_SIM))]
    assert 0.93 <= _coverage(hits) <= 0.97


# ---------------------------------------------------------------- ticket times
@pytest.fixture()
def tickets():
    opened = pd.to_datetime(["2025-01-01 08:00"] * 6)
    return pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(6)],
        "opened_at": opened,
        "first_response_at": opened + pd.to_timedelta([1, 2, 3, 30, 5, np.nan], unit="h"),
        "resolved_at": opened + pd.to_timedelta([10, 20, 30, 100, np.nan, np.nan], unit="h"),
    })


def test_ticket_durations_mark_open_tickets_as_censored(tickets):
    d = ticket_durations(tickets, as_of="2025-01-02 08:00")
    assert d["first_response_observed"].tolist() == [True] * 5 + [False]
    assert np.isnan(d.loc[5, "first_response_hours"]) and d.loc[5, "first_response_elapsed_hours"] == 24
    assert d.index.equals(tickets.index) and "first_response_hours" not in tickets.columns


def test_response_time_kpis_and_sla(tickets):
    out = first_response_time(tickets, sla_hours=24, as_of="2025-01-02 08:00")
    assert out["kpi"].tolist() == ["first_response_median_hours", "first_response_p90_hours",
                                   "first_response_sla_breach"]
    assert out.loc[0, "method"] == "kaplan_meier"  # one ticket still unanswered
    # the open ticket has waited exactly 24 h: not (yet) a breach, so it cannot be judged
    assert out.loc[2, "estimate"] == pytest.approx(1 / 5) and out.loc[2, "n_missing"] == 1
    res = resolution_time(tickets, sla_hours=24)
    # as_of defaults to the last timestamp (100 h after opening): both open tickets breached 24 h
    assert res.loc[2, "estimate"] == pytest.approx(4 / 6) and res.loc[2, "n"] == 6  # 30 h, 100 h + 2 open
    res = resolution_time(tickets, sla_hours=200)
    # ...but not 200 h: they cannot be judged yet, so they are excluded and counted as missing
    assert res.loc[2, "n"] == 4 and res.loc[2, "n_missing"] == 2 and res.loc[2, "estimate"] == 0


def test_duration_kpis_without_censoring_use_order_statistics():
    out = duration_kpis(np.arange(1.0, 101.0), sla_hours=90, prefix="resolution")
    assert out.loc[0, "method"] == "order_statistic" and out.loc[0, "estimate"] == pytest.approx(50.5)
    assert out.loc[0, "ci_low"] < 50.5 < out.loc[0, "ci_high"]
    assert out.loc[2, "estimate"] == pytest.approx(0.10)


def test_ticket_errors_name_the_problem():
    bad = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-02"]),
                        "first_response_at": pd.to_datetime(["2025-01-01"])})
    with pytest.raises(SchemaError, match=r"1 ticket\(s\) have 'first_response_at' before 'opened_at'"):
        first_response_time(bad)
    with pytest.raises(SchemaError, match=r"tickets lacks column\(s\) \['opened_at'\]"):
        first_response_time(pd.DataFrame({"x": [1]}))


# ---------------------------------------------------------------- kpi_table
@pytest.fixture(scope="module")
def feedback():
    rng = np.random.default_rng(5)
    n = 600
    channel = rng.choice(["app", "web", "survey"], size=n)
    nps_scores = np.where(channel == "app", rng.choice([0, 5, 9, 10], n), rng.choice([7, 8, 9, 10], n))
    return pd.DataFrame({
        "feedback_id": [f"F{i}" for i in range(n)],
        "created_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D"),
        "channel": channel,
        "persona": rng.choice(["a", "b"], size=n),
        "nps": pd.array(np.where(rng.random(n) < 0.1, np.nan, nps_scores), dtype="Float64"),
        "csat": rng.choice([1, 2, 3, 4, 5], size=n).astype(float),
        "ces": rng.choice(range(1, 8), size=n).astype(float),
    }, index=pd.RangeIndex(100, 100 + n))


def test_kpi_table_by_segment_and_period(feedback):
    out = kpi_table(feedback, by=["channel", "persona"], period="Q", kpis=("nps", "csat"))
    assert list(out.columns) == ["channel", "persona", "period"] + KPI_COLUMNS
    assert set(out["period"]) == {"2025Q1", "2025Q2"}
    assert len(out) == 3 * 2 * 2 * 2
    part = feedback[(feedback.channel == "app") & (feedback.persona == "a")
                    & (feedback.created_at < "2025-04-01")]
    row = out[(out.channel == "app") & (out.persona == "a") & (out.period == "2025Q1") & (out.kpi == "nps")]
    assert row["estimate"].iloc[0] == pytest.approx(nps(part["nps"])["estimate"].iloc[0])
    assert int(row["n"].iloc[0] + row["n_missing"].iloc[0]) == len(part)


def test_kpi_table_overall_min_n_and_missing_segment(feedback):
    fb = feedback.assign(channel=feedback["channel"].where(feedback.index % 50 != 0))
    out = kpi_table(fb, by="channel", kpis="nps", min_n=150)
    assert out["channel"].isna().sum() == 1  # missing labels form their own group
    small = out[out["n"] < 150]
    assert small["estimate"].isna().all() and (small["n"] > 0).all()
    overall = kpi_table(fb, kpis=("nps", "ces"))
    assert overall["kpi"].tolist() == ["nps", "ces"]


def test_kpi_table_errors_and_empty(feedback):
    with pytest.raises(SchemaError, match=r"df lacks column 'rating' needed for kpi 'rating'"):
        kpi_table(feedback, kpis=("rating",))
    with pytest.raises(ParameterError, match="unknown kpi 'nsp'"):
        kpi_table(feedback, kpis=("nsp",))
    with pytest.raises(SchemaError, match=r"lacks column\(s\) \['region'\]"):
        kpi_table(feedback, by="region")
    with pytest.raises(ParameterError, match="period must be one of"):
        kpi_table(feedback, period="fortnight")
    empty = kpi_table(feedback.iloc[:0], by="channel")
    assert empty.empty and list(empty.columns) == ["channel"] + KPI_COLUMNS


def test_kpi_table_on_tickets_by_period(tickets):
    out = kpi_table(tickets, kpis=("first_response", "resolution"), period="M", time_col="opened_at")
    assert out["kpi"].str.endswith(("_hours", "_sla_breach")).all() and len(out) == 6


# ---------------------------------------------------------------- comparisons
def test_compare_groups_finds_the_planted_segment_and_adjusts(feedback):
    out = compare_groups(feedback, kpi="nps", by="channel")
    assert out["channel"].tolist() == ["app", "survey", "web"]
    app = out[out.channel == "app"].iloc[0]
    assert app["difference"] < -30 and app["significant"] and app["reference"] == "rest"
    assert (out["p_adjusted"] >= out["p_value"]).all()
    ref = compare_groups(feedback, kpi="csat", by="channel", reference="web")
    assert ref["channel"].tolist() == ["app", "survey"] and (ref["test"] == "two-proportion z").all()
    with pytest.raises(ParameterError, match="reference 'tv' is not a value of column 'channel'"):
        compare_groups(feedback, kpi="nps", by="channel", reference="tv")


def test_compare_periods_split_ranges_and_latest(feedback):
    split = compare_periods(feedback, kpi="ces", split="2025-04-01", by="channel")
    assert len(split) == 3 and (split["test"] == "welch t").all()
    ranges = compare_periods(feedback, kpi="csat", before=("2025-01-01", "2025-03-01"),
                             after=("2025-03-01", "2025-07-01"))
    assert ranges["n_before"].iloc[0] + ranges["n_after"].iloc[0] == len(feedback)
    latest = compare_periods(feedback, kpi="nps", period="Q")
    assert latest[["period_before", "period_after"]].iloc[0].tolist() == ["2025Q1", "2025Q2"]
    with pytest.raises(ParameterError, match="exactly one of"):
        compare_periods(feedback, kpi="nps", split="2025-04-01", period="Q")


def test_compare_periods_reads_dates_like_the_loaders_and_accounts_for_undated_rows():
    fb = pd.DataFrame({"created_at": ["2025-01-05", "2025-01-20", "05/02/2025", "2025-02-10", None,
                                      "2025-02-11", "31/01/2025", "2025-01-03", "2025-04-01", "2025-04-02"],
                       "nps": [10, 3, 9, 9, 2, 10, 8, 6, 0, 1]})
    # 05/02/2025 is 5 February (31/01 shows the day comes first), not 2 May; the undated row is
    # in neither period
    with pytest.warns(UserWarning, match=r"^1 of 10 row\(s\) have no 'created_at'; they are left out "
                                         r"of both periods"):
        out = compare_periods(fb, kpi="nps", split="2025-03-01").iloc[0]
    assert (out["n_before"], out["n_after"]) == (7, 2)
    fb.loc[4, "created_at"] = "not a date"
    for kw in ({"split": "2025-02-01"}, {"period": "M"}):  # both paths agree
        with pytest.raises(SchemaError, match=r"column 'created_at' has 1 value\(s\) that are not dates, "
                                              r"e.g. \['not a date'\]"):
            compare_periods(fb, kpi="nps", **kw)


def test_compare_periods_detects_slower_ticket_responses():
    rng = np.random.default_rng(8)
    opened = pd.Timestamp("2025-01-01") + pd.to_timedelta(np.sort(rng.uniform(0, 360, 400)), unit="D")
    slow = np.where(opened >= pd.Timestamp("2025-07-01"), 2.5, 1.0)
    t = pd.DataFrame({"opened_at": opened,
                      "first_response_at": opened + pd.to_timedelta(rng.lognormal(1, 0.8, 400) * slow, unit="h")})
    out = compare_periods(t, kpi="first_response", time_col="opened_at", split="2025-07-01")
    assert out["difference"].iloc[0] > 0 and out["significant"].iloc[0] and out["test"].iloc[0] == "mann-whitney u"


@pytest.mark.parametrize("kind, draw", [
    ("nps", lambda rng: rng.choice(np.arange(11), size=120)),
    ("share", lambda rng: rng.binomial(1, 0.3, size=120)),
    ("mean", lambda rng: rng.choice([1, 2, 3, 4, 5], size=120)),
    ("duration", lambda rng: rng.lognormal(1, 1, size=120)),
])
def test_two_sample_tests_hold_their_level_under_the_null(kind, draw):
    rng = np.random.default_rng(21)
    n_sim = 1000 if kind != "duration" else 300
    flagged = [compare_samples(draw(rng), draw(rng), kind=kind, random_state=0, n_bootstrap=50)["p_value"] < 0.05
               for _ in range(n_sim)]
    # nominal 5%; the band allows about 3 simulation standard errors
    assert np.mean(flagged) <= (0.072 if n_sim == 1000 else 0.08)


def test_compare_samples_small_samples_and_fisher():
    assert compare_samples([1], [0, 1], kind="nps")["test"] == "insufficient data"
    r = compare_samples([1, 1, 1, 0], [0, 0, 0, 0, 1], kind="share")
    assert r["test"] == "fisher exact" and 0 < r["p_value"] <= 1


def test_benjamini_hochberg_matches_definition():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, np.nan])
    adj = benjamini_hochberg(p)
    m = 8
    order = np.argsort(p[:m])
    expected = np.minimum.accumulate((p[:m][order] * m / np.arange(1, m + 1))[::-1])[::-1]
    np.testing.assert_allclose(adj[:m][order], expected)
    assert np.isnan(adj[-1])


def test_plot_kpis_and_trend(feedback):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlab.plotting.kpis import plot_kpi_trend, plot_kpis

    ax = plot_kpis(kpi_table(feedback, by="channel", kpis="nps"), y="channel")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["app", "survey", "web"]
    ax2 = plot_kpi_trend(kpi_table(feedback, period="M", kpis="csat"))
    assert len(ax2.get_lines()) == 1 and ax2.get_ylabel() == "csat"
    plt.close("all")


def test_period_retention_counts_next_period_buyers():
    from cxlab.kpis import period_retention

    orders = pd.DataFrame({
        "customer_id": ["a", "b", "c", "a", "c", "d", "d"],
        "order_date": pd.to_datetime(["2025-01-03", "2025-02-03", "2025-03-03", "2025-04-10", "2025-05-10",
                                      "2025-06-01", "2025-07-01"]),
    })
    out = period_retention(orders, period="Q")
    assert out["period"].tolist() == ["2025Q1", "2025Q2"]
    assert out["estimate"].tolist() == pytest.approx([2 / 3, 1 / 3]) and out["n"].tolist() == [3, 3]
    with pytest.raises(SchemaError, match=r"orders lacks column\(s\) \['order_date'\]"):
        period_retention(orders.drop(columns="order_date"))
    extra = pd.DataFrame({"customer_id": [None, "e"], "order_date": pd.to_datetime(["2025-01-04", None])})
    with pytest.warns(UserWarning, match=r"^2 of 9 order\(s\) have no 'customer_id' or no 'order_date'"):
        again = period_retention(pd.concat([orders, extra], ignore_index=True), period="Q")
    assert again["n"].tolist() == [3, 3]


def test_kpi_table_column_mapping_and_timezone_aware_tickets(feedback):
    renamed = feedback.rename(columns={"csat": "satisfaction"})
    out = kpi_table(renamed, kpis="csat", columns={"csat": "satisfaction"})
    assert out["estimate"].iloc[0] == pytest.approx(kpi_table(feedback, kpis="csat")["estimate"].iloc[0])
    opened = pd.to_datetime(["2025-01-01 08:00", "2025-01-01 09:00"]).tz_localize("Europe/Berlin")
    t = pd.DataFrame({"opened_at": opened, "first_response_at": opened + pd.Timedelta(hours=2)})
    assert first_response_time(t).loc[0, "estimate"] == pytest.approx(2.0)


def test_non_ascii_segments_and_one_row_groups():
    df = pd.DataFrame({"région": ["Île-de-France", "東京", "東京", "São Paulo"], "nps": [10, 0, 9, 7]})
    out = kpi_table(df, by="région", kpis="nps")
    assert out["région"].tolist() == sorted(["Île-de-France", "東京", "São Paulo"])
    one = out[out["région"] == "Île-de-France"].iloc[0]
    assert one["n"] == 1 and one["estimate"] == 100.0 and one["ci_low"] < 100
