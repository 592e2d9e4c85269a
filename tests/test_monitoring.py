"""Monitoring: planted effects found, nulls not flagged (~5%), verdicts, errors, CLI, demo data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.monitoring import RESULT_COLUMNS, ActionResult, evaluate_action, metric_series, monitor_actions
from cxlab.monitoring._models import fit_before_after, fit_ols_ar1, fit_ols_hac

LIVE = pd.Timestamp("2025-08-04")  # a Monday: weekly periods start on it


def _comments(rng, *, n=6000, effect=0.0, start="2025-01-06", days=364, drift=0.0):
    """Comments with one theme each; the treated theme's share changes by `effect` after LIVE."""
    created = pd.Timestamp(start) + pd.to_timedelta(np.sort(rng.uniform(0, days, n)), unit="D")
    after = created >= LIVE
    # shares: treated 0.15 (+effect after), control 0.10, the rest other themes
    p_treated = 0.15 + effect * after + drift * np.sin(np.arange(n) / n * 6)
    u = rng.random(n)
    theme = np.where(u < p_treated, "checkout", np.where(u < p_treated + 0.10, "quality", "other"))
    theme = pd.Series(theme).where(rng.random(n) > 0.05)  # some comments have no theme
    return pd.DataFrame({"feedback_id": [f"F{i}" for i in range(n)], "created_at": created,
                         "theme": theme.astype("string"), "touchpoint": np.where(u < 0.5, "checkout", "app"),
                         "csat": rng.choice([1, 2, 3, 4, 5], size=n).astype(float)})


@pytest.fixture(scope="module")
def planted():
    return _comments(np.random.default_rng(1), effect=-0.06)


# ---------------------------------------------------------------- planted effects
def test_did_detects_a_planted_fix_with_the_right_size(planted):
    r = evaluate_action(planted, metric="theme_share", treated="checkout", control="quality",
                        live_date=LIVE, name="checkout fix")
    assert isinstance(r, ActionResult) and r.method == "did" and r.status == "closed"
    # the planted drop is 6 points of themed comments (5% have no theme): -5.7 points of all
    assert r.ci_low < -0.057 < r.ci_high and r.ci_high < 0
    assert r.p_value < 0.01 and r.before > r.after
    assert r.verdict.startswith("Closed: the share of comments on checkout fell from")
    assert "; relative to the control, the estimated effect is -" in r.verdict
    assert r.verdict.endswith("the change is statistically significant.")
    assert f"after {LIVE.date()}" in r.verdict


def test_its_detects_a_planted_fix_without_control(planted):
    r = evaluate_action(planted, metric="theme_share", treated="checkout", live_date=LIVE, method="its")
    assert r.method == "its" and r.status == "closed" and r.effect == pytest.approx(-0.06, abs=0.03)
    assert np.isfinite(r.level_change) and np.isfinite(r.slope_change)
    assert "against its pre-change trend" in r.verdict


def test_an_increase_in_a_complaint_share_is_worsened_and_none_direction_changed():
    df = _comments(np.random.default_rng(2), effect=0.06)
    r = evaluate_action(df, metric="theme_share", treated="checkout", control="quality", live_date=LIVE)
    assert r.status == "worsened" and r.verdict.startswith("Worsened:")
    r = evaluate_action(df, metric="theme_share", treated="checkout", control="quality", live_date=LIVE,
                        direction=None)
    assert r.status == "changed"


def test_numeric_metric_by_group_and_statistic():
    rng = np.random.default_rng(3)
    df = _comments(rng)
    better = (df["created_at"] >= LIVE) & (df["touchpoint"] == "checkout")
    df["csat"] = np.clip(df["csat"] + better * 1.0, 1, 5)
    r = evaluate_action(df, metric="csat", group_col="touchpoint", treated="checkout", control="rest",
                        live_date=LIVE)
    assert r.desired_direction == "increase" and r.status == "closed" and r.unit == "score"
    assert r.verdict.startswith("Closed: the mean csat for checkout rose from")
    med = evaluate_action(df, metric="csat", group_col="touchpoint", treated="checkout", control="app",
                          live_date=LIVE, statistic="median")
    assert med.effect > 0


# ---------------------------------------------------------------- null behaviour
def _null_series(rng, *, T=78, live=40, ar=0.0, sd=0.0):
    periods = pd.date_range("2025-01-06", periods=T, freq="W-MON")
    n = rng.poisson(150, T)

    def latent(base):
        e, z = np.zeros(T), rng.normal(0, sd, T)
        for t in range(T):
            e[t] = (ar * e[t - 1] if t else 0.0) + z[t]
        return np.clip(base + e, 0.01, 0.99)

    return pd.DataFrame({"period": periods, "treated": rng.binomial(n, latent(0.15)) / n,
                         "control": rng.binomial(n, latent(0.10)) / n}), periods[live]


@pytest.mark.parametrize("method", ["did", "its"])
@pytest.mark.parametrize("ar, sd", [(0.0, 0.0), (0.5, 0.01)])
def test_null_simulation_flags_about_five_percent(method, ar, sd):
    rng = np.random.default_rng(100)
    n_sim = 300
    flagged = 0
    for _ in range(n_sim):
        series, live = _null_series(rng, ar=ar, sd=sd)
        flagged += fit_before_after(series, live_date=live, method=method, freq="W", alpha=0.05)["p_value"] < 0.05
    # nominal 5%; <= 8% allows for simulation error (SE 1.3 points at 300 runs) and AR drift
    assert flagged / n_sim <= 0.08


def test_null_simulation_end_to_end_on_comments():
    rng = np.random.default_rng(7)
    flagged = sum(
        evaluate_action(_comments(rng, n=2500), metric="theme_share", treated="checkout", control="quality",
                        live_date=LIVE).significant
        for _ in range(40))
    assert flagged / 40 <= 0.125  # at most 5 of 40 (expected 2)


def test_hac_errors_match_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(4)
    X = np.column_stack([np.ones(60), np.arange(60) >= 30])
    y = X @ [0.2, -0.05] + rng.normal(0, 0.02, 60)
    b, cov, df = fit_ols_hac(y, X, lags=3)
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True)
    np.testing.assert_allclose(b, ref.params)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), ref.bse, rtol=1e-10)


def test_ar1_errors_widen_intervals_for_autocorrelated_noise():
    rng = np.random.default_rng(5)
    e = np.zeros(80)
    for t in range(1, 80):
        e[t] = 0.7 * e[t - 1] + rng.normal()
    X = np.column_stack([np.ones(80), np.arange(80) >= 40])
    _, cov, _, rho = fit_ols_ar1(e, X)
    ols_var = np.linalg.inv(X.T @ X)[1, 1] * np.var(e, ddof=2)
    assert rho > 0.3 and cov[1, 1] > ols_var


def test_hac_option_and_window(planted):
    r = evaluate_action(planted, metric="theme_share", treated="checkout", control="quality", live_date=LIVE,
                        errors="hac", window=10)
    assert r.status == "closed" and r.n_periods_before == 10 and r.n_periods_after == 10
    with pytest.raises(ParameterError, match="errors must be one of"):
        evaluate_action(planted, metric="theme_share", treated="checkout", control="quality",
                        live_date=LIVE, errors="robust")


# ---------------------------------------------------------------- series and errors
def test_metric_series_counts_comments_once_and_keeps_unthemed(planted):
    long = pd.concat([planted, planted.assign(theme="quality").iloc[:300]])  # a second theme on 300
    s = metric_series(long, metric="theme_share", treated="checkout", control="quality")
    assert list(s.columns) == ["period", "treated", "n_treated", "control", "n_control"]
    assert s["n_treated"].sum() == planted["feedback_id"].nunique() - sum(
        len(p) for p in [planted[planted.created_at.dt.to_period("W").dt.start_time.isin(s.attrs["dropped_periods"])]])
    weekly = metric_series(planted, metric="theme_share", treated="checkout")
    assert "control" not in weekly.columns and weekly["treated"].between(0, 1).all()


def test_errors_name_what_to_fix(planted):
    with pytest.raises(SchemaError, match=r"df lacks column\(s\) \['theme'\]"):
        evaluate_action(planted.drop(columns="theme"), metric="theme_share", treated="checkout",
                        live_date=LIVE)
    with pytest.raises(ParameterError, match=r"theme\(s\) \['checkuot'\] never occur in column 'theme'"):
        evaluate_action(planted, metric="theme_share", treated="checkuot", live_date=LIVE)
    with pytest.raises(ParameterError, match="method='did' needs control="):
        evaluate_action(planted, metric="theme_share", treated="checkout", live_date=LIVE, method="did")
    with pytest.raises(SchemaError, match=r"needs at least 3 periods before and 3 after 2025-12-29 .* got \d+ before and 1 after"):
        evaluate_action(planted, metric="theme_share", treated="checkout", control="quality",
                        live_date="2025-12-29")
    with pytest.raises(SchemaError, match="df is empty"):
        evaluate_action(planted.iloc[:0], metric="theme_share", treated="checkout", live_date=LIVE)
    with pytest.raises(SchemaError, match=r"'created_at' has 1 missing or unreadable date"):
        evaluate_action(planted.assign(created_at=planted["created_at"].where(planted.index != 3)),
                        metric="theme_share", treated="checkout", live_date=LIVE)
    with pytest.raises(ParameterError, match="control=\\['app'\\] needs group_col="):
        evaluate_action(planted, metric="csat", treated="checkout", control="app", live_date=LIVE)


def test_evaluate_is_deterministic_and_does_not_mutate(planted):
    before = planted.copy()
    a = evaluate_action(planted, metric="theme_share", treated="checkout", control="quality", live_date=LIVE)
    b = evaluate_action(planted, metric="theme_share", treated="checkout", control="quality", live_date=LIVE)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    pd.testing.assert_frame_equal(planted, before)
    assert list(a.to_frame().columns) == RESULT_COLUMNS


# ---------------------------------------------------------------- several actions
def test_monitor_actions_reports_failures_per_action(planted):
    actions = [
        {"name": "checkout fix", "live_date": LIVE.date(), "metric": "theme_share", "theme": "checkout",
         "control": "quality", "owner": "App team", "effort": 2},
        {"name": "typo theme", "live_date": "2025-08-04", "theme": "checkuot", "control": "quality"},
        {"name": "csat push", "live_date": "2025-08-04", "metric": "csat", "touchpoint": "checkout",
         "control": "app"},
        {"name": "new courier", "live_date": "TBC", "theme": "checkout", "control": "quality"},
    ]
    out, results = monitor_actions(actions, planted, return_results=True)
    assert out["action"].tolist() == ["checkout fix", "typo theme", "csat push", "new courier"]
    # an action without a real date is reported, not a crash of the whole run
    assert out.loc[3, "status"] == "not_evaluated" and pd.isna(out.loc[3, "live_date"])
    assert out.loc[3, "verdict"] == ("Not evaluated: action 'new courier': live_date='TBC' is not a date; give "
                                     "the day the action went live as an ISO date, e.g. 2026-01-15.")
    assert out["status"].tolist()[:2] == ["closed", "not_evaluated"]
    assert out.loc[1, "verdict"].startswith("Not evaluated: theme(s) ['checkuot'] never occur")
    assert out.loc[0, "owner"] == "App team" and set(results) == {"checkout fix", "csat push"}
    assert out.loc[2, "status"] == "no_change"  # csat was not changed in this data


def test_monitor_actions_reads_yaml(tmp_path, planted):
    path = tmp_path / "actions.yaml"
    path.write_text("version: 1\nactions:\n  - name: checkout fix\n    live_date: 2025-08-04\n"
                    "    theme: checkout\n    control: quality\n", encoding="utf-8")
    out = monitor_actions(path, planted)
    assert out.loc[0, "status"] == "closed" and out.loc[0, "method"] == "did"


def test_plot_action_effect(planted):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlab.plotting.kpis import plot_action_effect

    r = evaluate_action(planted, metric="theme_share", treated="checkout", control="quality", live_date=LIVE)
    ax = plot_action_effect(r)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "expected without the change" in labels and ax.get_title(loc="left").startswith("Closed")
    with pytest.raises(ParameterError, match="ActionResult or its series"):
        plot_action_effect("nope")
    plt.close("all")


# ---------------------------------------------------------------- CLI
def test_cli_monitor_writes_results_and_prints_verdicts(tmp_path, planted, capsys):
    from cxlab.cli import main

    data = tmp_path / "metric.csv"
    planted.to_csv(data, index=False)
    (tmp_path / "actions.yaml").write_text(
        "version: 1\nactions:\n  - name: checkout fix\n    live_date: 2025-08-04\n    theme: checkout\n"
        "    control: quality\n  - name: =HYPERLINK(bad)\n    live_date: 2025-08-04\n    theme: other\n"
        "    control: quality\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["monitor", str(data), "--table", "raw", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "checkout fix: Closed: the share of comments on checkout" in printed
    table = pd.read_csv(out / "monitoring.csv")
    assert table["action"].tolist() == ["checkout fix", "'=HYPERLINK(bad)"]  # formula neutralised
    assert (out / "monitor_checkout_fix.png").is_file()
    first = (out / "monitoring.csv").read_bytes()
    assert main(["monitor", str(data), "--table", "raw", "--out", str(out), "--no-figures"]) == 0
    assert (out / "monitoring.csv").read_bytes() == first  # deterministic


def test_cli_monitor_bad_arguments(tmp_path, capsys):
    from cxlab.cli import main

    data = tmp_path / "m.csv"
    pd.DataFrame({"created_at": ["2025-01-01"], "theme": ["a"]}).to_csv(data, index=False)
    assert main(["monitor", str(data), "--table", "raw", "--out", str(tmp_path), "--alpha", "2"]) == 2
    assert "--alpha must be between 0 and 1" in capsys.readouterr().err
    assert main(["monitor", str(data), "--table", "raw", "--out", str(tmp_path)]) == 2
    assert "no actions.yaml beside m.csv" in capsys.readouterr().err
    (tmp_path / "actions.yaml").write_text("actions:\n  - {name: fix, live_date: 2025-01-01, theme: a}\n")
    assert main(["monitor", str(data), "--table", "raw", "--metric", "ratng", "--out", str(tmp_path / "o")]) == 2
    assert "--metric 'ratng' is not a column of the raw table; its columns are ['created_at', 'theme']" in \
        capsys.readouterr().err
    (tmp_path / "empty.csv").write_text("")
    assert main(["monitor", str(tmp_path / "empty.csv"), "--table", "raw", "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith("cxlab monitor: error: ")


# ---------------------------------------------------------------- demo data
@pytest.fixture(scope="module")
def demo():
    from cxlab.datasets import load_demo, load_demo_truth

    tables, truth = load_demo(), load_demo_truth()
    long = tables["feedback"].merge(truth["feedback_themes"], on="feedback_id", how="left")
    return tables, long


def test_demo_checkout_fix_closed_and_size_guide_not(demo, repo_root):
    tables, long = demo
    actions = repo_root / "cxlab" / "datasets" / "demo_config" / "actions.yaml"
    # the size guide is measured by its own rating in the touchpoint survey, the checkout fix by
    # the share of checkout complaints
    out = monitor_actions(actions, long, survey=tables["touchpoint_survey"])
    status = dict(zip(out["action"], out["status"]))
    assert status == {"checkout fix": "closed", "new size guide": "no_change"}
    assert out["metric"].tolist() == ["theme_share", "perception"]
    assert "the mean perception of the size guide (survey) fell from 4.77" in out.loc[1, "verdict"]
    its = monitor_actions(actions, long, method="its", survey=tables["touchpoint_survey"])
    assert dict(zip(its["action"], its["status"])) == status
    # without the survey the perception action is reported, not dropped
    alone = monitor_actions(actions, long).set_index("action")
    assert alone.loc["new size guide", "status"] == "not_evaluated"
    assert "lacks column(s) ['perception']" in alone.loc["new size guide", "verdict"]
    only_survey = monitor_actions(actions, None, survey=tables["touchpoint_survey"]).set_index("action")
    assert only_survey.loc["checkout fix", "verdict"].startswith("Not evaluated: there is no dated data to measure")


def test_survey_metric_detects_a_planted_rise_against_other_touchpoints():
    rng = np.random.default_rng(3)
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    rows = []
    for day in days:
        for tp in ("size_guide", "checkout", "app"):
            lift = 0.8 if tp == "size_guide" and day >= pd.Timestamp("2025-07-01") else 0.0
            rows += [(day, tp, float(np.clip(np.round(4 + lift + rng.normal(0, 1.2)), 1, 7))) for _ in range(3)]
    survey = pd.DataFrame(rows, columns=["surveyed_at", "touchpoint", "perception"])
    acts = [{"name": "guide", "live_date": "2025-07-01", "metric": "perception", "touchpoint": "size_guide",
             "control": "rest"}]
    out = monitor_actions(acts, None, survey=survey).iloc[0]
    assert out["status"] == "closed" and out["method"] == "did"
    assert out["ci_low"] < 0.8 < out["ci_high"] and out["ci_low"] > 0


def test_demo_ticket_response_times_rise_after_courier_switch(demo):
    from cxlab.kpis import ticket_durations

    tables, _ = demo
    tickets = ticket_durations(tables["tickets"])
    r = evaluate_action(tickets, metric="first_response_hours", time_col="opened_at", live_date="2025-10-01",
                        group_col="channel", treated="email", statistic="median", method="its")
    assert r.status == "worsened" and r.effect > 0


def test_sparse_periods_are_dropped_and_counted(planted):
    r = evaluate_action(planted, metric="theme_share", treated="checkout", control="quality", live_date=LIVE,
                        freq="D", min_count=20)
    assert r.n_periods_dropped > 0
    assert r.n_periods_before + r.n_periods_after + r.n_periods_dropped <= 364
    assert len(r.series.attrs["dropped_periods"]) == r.n_periods_dropped


def test_verdicts_name_themes_by_their_labels():
    rng = np.random.default_rng(1)
    days = pd.date_range("2025-01-01", "2025-12-31", freq="6h")
    fb = pd.DataFrame({"created_at": days, "theme": rng.choice(["checkout_payment", "b", "c"], len(days))})
    acts = [{"name": "fix", "live_date": "2025-06-02", "theme": "checkout_payment", "control": "b"}]
    named = monitor_actions(acts, fb, labels={"checkout_payment": "Checkout and payment"})
    assert "share of comments on Checkout and payment" in named.loc[0, "verdict"]
    assert "share of comments on checkout_payment" in monitor_actions(acts, fb).loc[0, "verdict"]
