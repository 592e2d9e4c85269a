"""Tests of cxlab.gaps: expectation/internal gaps, targets, benchmark, priorities, SWOT, action plan, CLI."""
from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import DataLoadError, ParameterError, SchemaError
from cxlab.gaps import (
    action_plan,
    adjust_pvalues,
    analyse_gaps,
    benchmark_wide,
    build_swot,
    collect_gaps,
    competitor_benchmark,
    current_vs_target,
    emerging_themes,
    expectation_gaps,
    export_table,
    gap_quotes,
    internal_vs_customer,
    load_actions,
    load_effort,
    load_targets,
    prioritise_gaps,
    theme_pain_points,
    touchpoint_vs_target,
)
from cxlab.journey import add_emotion
from cxlab.report_text import describe_priorities


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def demo():
    from cxlab.datasets import ensure_demo_data, load_demo, load_demo_truth

    tables = load_demo()
    truth = load_demo_truth()
    return {"tables": tables, "truth": truth, "folder": ensure_demo_data()}


def _truth_themes(demo):
    # planted themes with each mention's polarity as its sentiment (what a ThemeMiner provides)
    th = demo["truth"]["feedback_themes"]
    return th.assign(sentiment=th["polarity"].map({"neg": -0.6, "pos": 0.6}))[["feedback_id", "theme", "sentiment"]]


@pytest.fixture(scope="session")
def demo_report(demo):
    tables = dict(demo["tables"])
    # the planted per-comment sentiment stands in for a text scorer: these tests check the gap
    # logic, not sentiment scoring
    meta = demo["truth"]["feedback_meta"].set_index("feedback_id")["sentiment"]
    fb = tables["feedback"]
    tables["feedback"] = add_emotion(fb.assign(sentiment=fb["feedback_id"].map(meta)), score_text=False)
    folder = demo["folder"]
    return analyse_gaps(tables, themes=_truth_themes(demo),
                        targets=folder / "targets.yaml", effort=folder / "effort.yaml",
                        actions=folder / "actions.yaml", praise_themes=["style_design"], top=10)


def _null_survey(rng, *, n_sims, n_resp, touchpoints, gap=0.0):
    """Surveys where perception and expectation share a respondent baseline and differ by ``gap``."""
    sim = np.repeat(np.arange(n_sims), n_resp * len(touchpoints))
    resp = np.tile(np.repeat(np.arange(n_resp), len(touchpoints)), n_sims)
    tp = np.tile(touchpoints, n_sims * n_resp)
    base = rng.normal(5, 0.8, sim.size)
    exp_ = np.clip(np.round(base + rng.normal(0, 1, sim.size)), 1, 7)
    per = np.clip(np.round(base + gap + rng.normal(0, 1, sim.size)), 1, 7)
    return pd.DataFrame({"sim": sim, "response_id": [f"r{r}" for r in resp], "touchpoint": tp,
                         "expectation": exp_, "perception": per})


# ----------------------------------------------------------------------------- expectation gaps
def test_largest_expectation_gap_is_returns(demo):
    gaps = expectation_gaps(demo["tables"]["touchpoint_survey"])
    planted = demo["truth"]["effects"]["largest_expectation_gap"]["touchpoint"]
    assert gaps.iloc[0]["touchpoint"] == planted == "returns"
    assert gaps.iloc[0]["significant"] and gaps.iloc[0]["direction"] == "below expectation"
    assert gaps.iloc[0]["ci_high"] < gaps.iloc[1]["ci_low"] or gaps.iloc[0]["gap"] < gaps.iloc[1]["gap"]
    # interval brackets the estimate; share_below is a share
    assert ((gaps["ci_low"] <= gaps["gap"]) & (gaps["gap"] <= gaps["ci_high"])).all()
    assert gaps["share_below"].between(0, 1).all()


def test_expectation_gaps_by_dimension_keeps_columns(demo):
    gaps = expectation_gaps(demo["tables"]["touchpoint_survey"], by=("touchpoint", "dimension"))
    assert {"touchpoint", "dimension", "p_wilcoxon", "p_adjusted"} <= set(gaps.columns)
    assert gaps.iloc[0]["touchpoint"] == "returns"


def test_gap_tests_null_simulation_false_positive_rate():
    rng = np.random.default_rng(0)
    tps = [f"tp{i}" for i in range(8)]
    survey = _null_survey(rng, n_sims=300, n_resp=40, touchpoints=tps)
    raw = expectation_gaps(survey, by=("sim", "touchpoint"), correction="none")
    # each test alone: about 5% false alarms
    assert (raw["p_value"] < 0.05).mean() <= 0.07
    assert (raw["p_wilcoxon"].dropna() < 0.05).mean() <= 0.07
    # the family of 8 touchpoints with Holm: a false alarm in at most ~5% of surveys
    any_flag = raw.groupby("sim")["p_value"].apply(lambda p: (adjust_pvalues(p.to_numpy()) < 0.05).any())
    assert any_flag.mean() <= 0.08
    # without correction the family-wise rate is far higher: the correction is doing the work
    assert raw.groupby("sim")["p_value"].min().lt(0.05).mean() > 0.2


def test_gap_tests_find_a_planted_gap():
    rng = np.random.default_rng(1)
    survey = _null_survey(rng, n_sims=1, n_resp=80, touchpoints=["a", "b", "c"])
    survey.loc[survey["touchpoint"] == "b", "perception"] = (
        survey.loc[survey["touchpoint"] == "b", "perception"] - 1).clip(1, 7)
    gaps = expectation_gaps(survey)
    assert gaps.iloc[0]["touchpoint"] == "b"
    assert gaps.set_index("touchpoint")["significant"].to_dict() == {"a": False, "b": True, "c": False}


def test_paired_interval_coverage():
    rng = np.random.default_rng(2)
    true_gap = -0.5
    survey = _null_survey(rng, n_sims=400, n_resp=50, touchpoints=["x"], gap=true_gap)
    # rounding and clipping to 1-7 shift the true mean gap: estimate it from a huge sample
    big = _null_survey(np.random.default_rng(3), n_sims=1, n_resp=200_000, touchpoints=["x"], gap=true_gap)
    truth = (big["perception"] - big["expectation"]).mean()
    g = expectation_gaps(survey, by=("sim", "touchpoint"), correction="none")
    cover = ((g["ci_low"] <= truth) & (truth <= g["ci_high"])).mean()
    assert 0.92 <= cover <= 0.98


def test_rows_without_a_response_id_are_respondents_of_their_own():
    # grouping the missing ids together would make one "respondent" of them all: n would shrink
    s = pd.DataFrame({"response_id": ["a", "a", None, None, None], "touchpoint": ["t"] * 5,
                      "expectation": [6, 6, 6, 6, 6], "perception": [4, 2, 5, 4, 3]})
    with pytest.warns(UserWarning, match=r"expectation_gaps: survey: 3 row\(s\) have no response_id; each is "
                                         r"counted as a respondent of its own"):
        g = expectation_gaps(s)
    assert g.loc[0, "n"] == 4 and g.loc[0, "perception"] == pytest.approx((3 + 5 + 4 + 3) / 4)
    emp = pd.DataFrame({"response_id": [None, None], "touchpoint": ["t", "t"], "perception": [6, 7]})
    with pytest.warns(UserWarning, match=r"internal_vs_customer: employee: 2 row\(s\) have no response_id"):
        iv = internal_vs_customer(emp, s.dropna(subset=["response_id"]).assign(response_id=["a", "b"]))
    assert iv.loc[0, "n_staff"] == 2


def test_expectation_gaps_averages_dimensions_per_respondent():
    s = pd.DataFrame({"response_id": ["a", "a", "b", "b"], "touchpoint": ["t"] * 4,
                      "dimension": ["d1", "d2", "d1", "d2"],
                      "expectation": [6, 6, 6, 6], "perception": [4, 6, 5, 5]})
    g = expectation_gaps(s)
    assert g.loc[0, "n"] == 2 and g.loc[0, "gap"] == pytest.approx(-1.0)


def test_expectation_gaps_errors_and_edge_cases():
    with pytest.raises(SchemaError, match=r"survey lacks columns \['perception'\]"):
        expectation_gaps(pd.DataFrame({"response_id": ["a"], "touchpoint": ["t"], "expectation": [5]}))
    with pytest.raises(ParameterError, match="correction must be one of"):
        expectation_gaps(pd.DataFrame({"response_id": ["a", "b"], "touchpoint": ["t", "t"],
                                       "expectation": [5, 5], "perception": [4, 3]}), correction="bh")
    with pytest.raises(ParameterError, match=r"alpha must be in \(0.0, 1.0\)"):
        expectation_gaps(pd.DataFrame(columns=["response_id", "touchpoint", "expectation", "perception"]), alpha=5)
    empty = expectation_gaps(pd.DataFrame(columns=["response_id", "touchpoint", "expectation", "perception"]))
    assert empty.empty and "gap" in empty.columns
    with pytest.warns(UserWarning, match=r"1 row\(s\) are in group\(s\) where no row has 'expectation' and "
                                         r"'perception' \(e.g. \['t'\]\)"):
        one = expectation_gaps(pd.DataFrame({"response_id": ["a"], "touchpoint": ["t"], "expectation": [5.0],
                                             "perception": [np.nan]}))
    assert one.empty  # the only row has no perception: nothing to test, nothing invented, but said
    single = expectation_gaps(pd.DataFrame({"response_id": ["a"], "touchpoint": ["t"], "expectation": [5.0],
                                            "perception": [3.0]}))
    assert single.loc[0, "n"] == 1 and np.isnan(single.loc[0, "p_value"]) and not single.loc[0, "significant"]


def _text_survey(**changes):
    s = pd.DataFrame({"response_id": list("abcdefgh"), "touchpoint": ["returns"] * 7 + [None],
                      "expectation": [6] * 8, "perception": [3, 4, "N/A", 4, "-", 4, 3, 2]}, dtype=object)
    return s.assign(**changes)


@pytest.mark.parametrize("column, values, shown", [
    ("expectation", [6, 6, 6, "6 - high", 6, 6, 6, 6], "6 - high"),
    ("perception", [3, 4, "N/A", 4, "3 (ok)", 4, 3, 2], "3 (ok)"),
    ("perception", [3, 4, "Don't know", 4, 5, 4, 3, 2], "Don't know"),
])
def test_expectation_gaps_reject_text_answers_naming_the_column(column, values, shown):
    # these rows used to vanish through to_numeric(errors="coerce") + dropna, without a word
    with pytest.raises(SchemaError, match=rf"survey column '{column}' must be numeric; 1 value\(s\) are not, "
                                          rf"e.g. \[.{re.escape(shown)}.\]\..*blanked first"):
        expectation_gaps(_text_survey(**{column: values}))


def test_expectation_gaps_count_missing_answers_and_warn_about_rows_without_group():
    s = _text_survey(perception=[3, 4, "N/A", 4, " - ", 4, None, 2])  # spellings of "no value", as in io
    with pytest.warns(UserWarning, match=r"in survey, 1 of 8 row\(s\) have no 'touchpoint' value"):
        g = expectation_gaps(s)
    assert g[["touchpoint", "n", "n_missing"]].values.tolist() == [["returns", 4, 3]]
    assert g.loc[0, "gap"] == pytest.approx(-2.25)  # perceptions 3, 4, 4, 4 against 6
    # every input row is analysed, counted as missing or named in the warning
    assert g["n"].sum() + g["n_missing"].sum() + 1 == len(s)


def test_expectation_gaps_n_missing_per_group_and_dimension():
    s = pd.DataFrame({"response_id": ["a", "a", "b", "b", "c", "c"], "touchpoint": ["t"] * 4 + ["u"] * 2,
                      "dimension": ["d1", "d2"] * 3, "expectation": [6, 6, 6, np.nan, 5, 5],
                      "perception": [4, 6, 5, "n/a", 5, 6]})
    g = expectation_gaps(s).set_index("touchpoint")
    assert g.loc["t", ["n", "n_missing"]].tolist() == [2, 1] and g.loc["u", ["n", "n_missing"]].tolist() == [1, 0]
    d = expectation_gaps(s, by=("touchpoint", "dimension")).set_index(["touchpoint", "dimension"])
    assert d["n_missing"].to_dict() == {("t", "d1"): 0, ("t", "d2"): 1, ("u", "d1"): 0, ("u", "d2"): 0}


def test_demo_expectation_gaps_account_for_every_row(demo):
    s = demo["tables"]["touchpoint_survey"]
    g = expectation_gaps(s)
    unpaired = s[["expectation", "perception"]].isna().any(axis=1)
    assert g["n_missing"].sum() == unpaired.sum() > 0
    assert g.set_index("touchpoint")["n_missing"].to_dict() == unpaired.groupby(s["touchpoint"]).sum().to_dict()


def test_expectation_gaps_do_not_mutate_input(demo):
    s = demo["tables"]["touchpoint_survey"].head(500)
    before = s.copy()
    expectation_gaps(s)
    pd.testing.assert_frame_equal(s, before)


# ----------------------------------------------------------------------------- internal view
def test_staff_overrate_customer_service(demo):
    iv = internal_vs_customer(demo["tables"]["employee_survey"], demo["tables"]["touchpoint_survey"])
    planted = demo["truth"]["effects"]["internal_view"]["overrated_touchpoint"]
    assert iv.iloc[0]["touchpoint"] == planted == "customer_service"
    assert iv.iloc[0]["significant"] and iv.iloc[0]["direction"] == "staff rate higher"
    assert iv.iloc[0]["difference"] > iv.iloc[1]["difference"] + 0.5


def test_internal_view_rejects_text_counts_missing_and_names_unmatched_groups():
    emp = pd.DataFrame({"response_id": list("abcdef"), "touchpoint": ["cs"] * 4 + ["ads", None],
                        "perception": [6, "N/A", 7, 6, 5, 6]})
    cus = pd.DataFrame({"response_id": list("uvwxyz"), "touchpoint": ["cs"] * 5 + ["app"],
                        "perception": [3, 4, "", 3, np.nan, 4]})
    with pytest.raises(SchemaError, match=r"employee column 'perception' must be numeric.*'6 \(top\)'"):
        internal_vs_customer(emp.assign(perception=[6, "6 (top)", 7, 6, 5, 6]), cus)
    with pytest.warns(UserWarning) as record:
        iv = internal_vs_customer(emp, cus)
    messages = " | ".join(str(w.message) for w in record)
    assert "in employee, 1 of 6 row(s) have no 'touchpoint' value; 1 respondent(s) are in group(s) customers " \
           "did not rate (e.g. ['ads'])" in messages
    assert "in survey, 1 respondent(s) are in group(s) staff did not rate (e.g. ['app'])" in messages
    row = iv.set_index("touchpoint").loc["cs"]
    assert (row["n_staff"], row["n_staff_missing"], row["n_customers"], row["n_customers_missing"]) == (3, 1, 3, 2)


def test_internal_view_null_simulation():
    rng = np.random.default_rng(4)
    n_sims, tps = 300, ["a", "b", "c"]

    def sample(prefix, n):
        return pd.DataFrame({"sim": np.repeat(np.arange(n_sims), n), "touchpoint": rng.choice(tps, n_sims * n),
                             "response_id": [f"{prefix}{i}" for i in range(n_sims * n)],
                             "perception": np.clip(np.round(rng.normal(5, 1, n_sims * n)), 1, 7)})

    raw = internal_vs_customer(sample("s", 45), sample("c", 60), by=("sim", "touchpoint"), correction="none")
    assert (raw["p_value"] < 0.05).mean() <= 0.07 and (raw["p_mann_whitney"] < 0.05).mean() <= 0.07
    any_flag = raw.groupby("sim")["p_value"].apply(lambda p: (adjust_pvalues(p.to_numpy()) < 0.05).any())
    assert any_flag.mean() <= 0.08


# ----------------------------------------------------------------------------- YAMLs
def test_demo_yamls_are_valid(demo):
    folder = demo["folder"]
    t = load_targets(folder / "targets.yaml")
    assert t["kpis"]["ces"]["direction"] == "lower" and set(t["emotion"]) == {
        "awareness", "consideration", "purchase", "delivery", "post_purchase"}
    acts = load_actions(folder / "actions.yaml")
    assert [a["name"] for a in acts] == ["checkout fix", "new size guide"]
    assert str(acts[0]["live_date"]) == "2026-01-15" and acts[0]["theme"] == "checkout_payment"
    assert acts[0]["touchpoint"] == "checkout" and str(acts[1]["live_date"]) == "2025-07-01"
    assert load_effort(folder / "effort.yaml")["themes"]["delivery_delay"]["owner"] == "Logistics"


@pytest.mark.parametrize("bad, message", [
    ({"kpi": {}}, r"targets mapping has unknown key\(s\) \['kpi'\]"),
    ({"kpis": {"nps": {"target": 30, "direction": "up"}}}, r"kpis.nps.direction must be 'higher' or 'lower'; received 'up'"),
    ({"kpis": {"nps": {"direction": "higher"}}}, r"kpis.nps needs a 'target' number"),
    ({"kpis": {"nps": "thirty"}}, r"kpis.nps.target must be a number; received 'thirty'"),
    ({"emotion": {"delivery": 3}}, r"emotion.delivery must be between -2 and 2; received 3"),
    ({"touchpoints": {"returns": 9}}, r"touchpoints.returns must be between 1 and 7"),
])
def test_targets_validation_messages(bad, message):
    with pytest.raises(ParameterError, match=message):
        load_targets(bad)


@pytest.mark.parametrize("loader, what", [
    (load_targets, "targets"), (load_actions, "actions"),
    ("cxlab.themes:load_taxonomy", "taxonomy"), ("cxlab.journey:load_journey", "journey"),
])
def test_yaml_file_errors_read_alike(tmp_path, loader, what):
    """Every researcher YAML (targets, actions, taxonomy, journey) reports file problems the same way."""
    if isinstance(loader, str):
        import importlib

        module, name = loader.split(":")
        loader = getattr(importlib.import_module(module), name)
    with pytest.raises(DataLoadError, match=f"{what} file '.*missing.yaml' does not exist; check the path"):
        loader(tmp_path / "missing.yaml")
    p = tmp_path / "t.yaml"
    p.write_text("kpis: [1, 2\n")
    with pytest.raises(ParameterError, match="(?s)t.yaml: not valid YAML .*; fix the syntax"):
        loader(p)
    p.write_text("- a\n- b\n")
    with pytest.raises(ParameterError, match="t.yaml: the top level must be a mapping of keys; received list"):
        loader(p)
    p.write_text("when: 2025-13-45\n")  # YAML reads it as a date, and it is none
    with pytest.raises(ParameterError, match="t.yaml: a value is not a valid date .*written like 2026-01-15"):
        loader(p)
    p.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ParameterError, match="t.yaml: not UTF-8 text; save the file as UTF-8"):
        loader(p)


@pytest.mark.parametrize("bad, message", [
    ({"actions": [{"name": "x", "live_date": "15/01/2026", "theme": "t"}]}, r"live_date must be an ISO date"),
    ({"actions": [{"name": "x", "live_date": "2026-01-15"}]}, r"needs a 'theme' or a 'touchpoint'"),
    ({"actions": [{"name": "x", "live_date": "2026-01-15", "theme": "t"}] * 2}, r"is used twice"),
    ({"actions": [{"live_date": "2026-01-15", "theme": "t"}]}, r"actions\[0\] needs 'name'"),
    ({"actions": [{"name": "x", "live_date": "2026-01-15", "theme": "t", "effort": 9}]}, r"effort must be between 1 and 5"),
])
def test_actions_validation_messages(bad, message):
    with pytest.raises(ParameterError, match=message):
        load_actions(bad)


def test_effort_validation():
    with pytest.raises(ParameterError, match=r"touchpoints.returns.effort must be between 1 and 5; received 0"):
        load_effort({"touchpoints": {"returns": {"effort": 0}}})
    with pytest.raises(ParameterError, match=r"unknown key\(s\) \['cost'\]"):
        load_effort({"default": {"cost": 3}})


# ----------------------------------------------------------------------------- current vs target
def test_current_vs_target_statuses():
    cur = pd.DataFrame({"kpi": ["nps", "ces", "csat"], "estimate": [12.0, 2.5, 0.79],
                        "ci_low": [8.0, 2.4, 0.75], "ci_high": [16.0, 2.6, 0.83]})
    out = current_vs_target(cur, {"kpis": {"nps": 30, "ces": {"target": 3, "direction": "lower"},
                                           "csat": 0.8, "churn": {"target": 0.1, "direction": "lower"}}})
    assert out.set_index("metric")["status"].to_dict() == {"nps": "missed", "ces": "met", "csat": "unclear",
                                                           "churn": "no data"}
    assert out.set_index("metric").loc["ces", "shortfall"] == pytest.approx(-0.5)


def test_touchpoint_vs_target_uses_default(demo):
    out = touchpoint_vs_target(demo["tables"]["touchpoint_survey"], demo["folder"] / "targets.yaml")
    assert out.iloc[0]["touchpoint"] == "returns" and out.iloc[0]["status"] == "missed"
    assert set(out["touchpoint"]) == set(demo["tables"]["touchpoint_survey"]["touchpoint"])


# ----------------------------------------------------------------------------- benchmark & emerging
def test_competitor_benchmark_finds_rivals_ahead_on_delivery(demo):
    fb = demo["tables"]["feedback"]
    social = fb[fb["channel"] == "social"]
    b = competitor_benchmark(social, focal="Loomwear", themes=demo["truth"]["feedback_themes"],
                             positive_themes=["style_design"])
    ahead = b[b["ahead_of_focal"]]
    assert ("theme_share", "delivery_delay") in set(zip(ahead["metric"], ahead["theme"]))
    assert set(b["brand"]) == {"Loomwear", "Threadly", "StyleHub"}
    # side by side, for reading: n per brand, intervals, the verdict, themes by their labels
    wide = benchmark_wide(b, labels={"delivery_delay": "Late delivery"})
    n = social["brand"].value_counts()
    assert wide.loc["comments (n)"].to_dict() == {brand: f"{n[brand]:,}" for brand in wide.columns}
    row = b[(b["metric"] == "theme_share") & (b["theme"] == "delivery_delay")].set_index("brand")
    for brand, text in wide.loc["theme_share: Late delivery"].items():
        r = row.loc[brand]
        assert text.startswith(f"{r['value']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]")
        assert text.endswith(" ahead") == bool(r["ahead_of_focal"])
    assert "theme_share: delivery_delay" not in wide.index
    with pytest.raises(ParameterError, match=r"focal brand 'Acme' does not occur in column 'brand'"):
        competitor_benchmark(social, focal="Acme")


def test_benchmark_null_simulation():
    rng = np.random.default_rng(5)
    flags = []
    for _ in range(100):
        n = 240
        fb = pd.DataFrame({"feedback_id": [str(i) for i in range(n)], "brand": rng.choice(["A", "B", "C"], n),
                           "rating": rng.integers(1, 6, n), "theme": rng.choice(["x", "y", "z"], n)})
        flags.append(competitor_benchmark(fb, focal="A")[["ahead_of_focal", "behind_focal"]].any().any())
    assert np.mean(flags) <= 0.09  # 100 surveys x 10 comparisons: a nominal 5% family-wise rate


@pytest.mark.realdata
def test_benchmark_airline_tweets_side_by_side(shared_datasets):
    tw = pd.read_csv(shared_datasets / "twitter_airline_sentiment" / "Tweets.csv")
    fb = pd.DataFrame({"feedback_id": tw["tweet_id"].astype(str) + "_" + tw.index.astype(str),
                       "brand": tw["airline"],
                       "sentiment": tw["airline_sentiment"].map({"negative": -1.0, "neutral": 0.0, "positive": 1.0}),
                       "theme": tw["negativereason"]})
    b = competitor_benchmark(fb, focal="United")
    assert b["brand"].nunique() == 6
    neg = b[b["metric"] == "negative_share"].set_index("brand")["value"]
    assert neg.idxmax() == "US Airways" and neg.idxmin() == "Virgin America"  # published shares 78% / 36%
    assert neg["United"] == pytest.approx((tw.loc[tw.airline == "United", "airline_sentiment"] == "negative").mean())
    ahead = set(b.loc[b["ahead_of_focal"] & (b["metric"] == "negative_share"), "brand"])
    assert {"Virgin America", "Delta", "Southwest"} <= ahead


def test_emerging_themes_finds_delivery(demo_report):
    em = demo_report.emerging.set_index("theme")
    assert em.loc["delivery_delay", "emerging"]
    assert em.loc["checkout_payment", "declining"]
    assert em["emerging"].sum() == 1  # nothing else rises


# ----------------------------------------------------------------------------- priorities
def test_prioritisation_follows_documented_formula(demo_report):
    p = demo_report.priorities
    expected = p["impact"] * p["reach"] * p["severity"] * p["feasibility"] / p["effort"]
    np.testing.assert_allclose(p["priority_score"], expected.round(6))
    assert p["rank"].tolist() == list(range(1, len(p) + 1))
    # by score within each tier (open gaps, then live actions, then worked actions and met targets)
    tier = p["status"].map({"open": 0, "no effect seen": 0, "worse since action": 0, "action live": 1,
                            "action worked": 2, "target met": 2})
    assert p["to_do"].equals(tier.eq(0))
    assert tier.is_monotonic_increasing
    for _, g in p.groupby(tier):
        assert g["priority_score"].is_monotonic_decreasing
    assert p["impact"].between(0, 1).all() and p["impact"].max() == 1
    # ranks within a kind (survey gaps, complaint themes) run 1..n in the overall order
    assert set(p["kind"]) == {"expectation", "pain_point"}
    for _, g in p.groupby("kind"):
        assert g["rank_in_kind"].tolist() == list(range(1, len(g) + 1))
        assert g["rank"].is_monotonic_increasing


def test_effort_changes_ranking():
    g = pd.DataFrame({"gap_id": ["a", "b"], "touchpoint": ["x", "y"], "theme": [None, None],
                      "reach": [0.5, 0.5], "severity": [0.4, 0.4]})
    assert prioritise_gaps(g, effort={"touchpoints": {"x": {"effort": 5}}})["gap_id"].tolist() == ["b", "a"]
    assert prioritise_gaps(g, effort={"touchpoints": {"y": {"effort": 5}}})["gap_id"].tolist() == ["a", "b"]
    ranked = prioritise_gaps(g, importance={"x": 0.1, "y": 0.4})
    assert ranked["gap_id"].tolist() == ["b", "a"] and ranked.set_index("gap_id").loc["a", "impact"] == 0.25


def test_met_targets_and_live_actions_rank_after_open_gaps():
    # a gap whose target is met, or whose action is live, is for watching: open gaps come first
    # even when their score is lower, and the score itself does not change
    g = pd.DataFrame({"gap_id": ["tp:a", "tp:b", "tp:c", "tp:d", "tp:e"], "touchpoint": list("abcde"),
                      "label": list("abcde"), "theme": [None] * 5, "reach": [0.9, 0.8, 0.7, 0.6, 0.1], "severity": [0.5] * 5,
                      "target_status": ["met", "missed", "missed", "unclear", "missed"]})
    acts = [{"name": "fix b", "theme": None, "touchpoint": "b"}, {"name": "fix c", "theme": None, "touchpoint": "c"},
            {"name": "fix d", "theme": None, "touchpoint": "d"}]
    mon = pd.DataFrame({"action": ["fix b", "fix c"], "status": ["closed", "no_change"]})
    p = prioritise_gaps(g, actions=acts, monitoring=mon).set_index("gap_id")
    assert p["status"].to_dict() == {"tp:a": "target met", "tp:b": "action worked", "tp:c": "no effect seen",
                                     "tp:d": "action live", "tp:e": "open"}
    # open / not working first (by score: c before e), then live, then worked and met (a before b by score)
    assert p.sort_values("rank").index.tolist() == ["tp:c", "tp:e", "tp:d", "tp:a", "tp:b"]
    assert p.loc["tp:a", "priority_score"] == prioritise_gaps(g).set_index("gap_id").loc["tp:a", "priority_score"]
    assert p.loc["tp:b", "action"] == "fix b" and p.loc["tp:e", "action"] == ""
    text = describe_priorities(p.reset_index())
    assert text.startswith("Fix first: 1. c (") and "its action shows no detectable effect" in text
    assert "Not on that list: d (action live), a (target met) and b (action worked)." in text
    # an action on a touchpoint and a theme, measured by the theme's share of comments: its verdict
    # is the theme gap's; the touchpoint gap is only "action live"
    both = pd.DataFrame({"gap_id": ["tp:x", "th:x"], "touchpoint": ["x", None], "theme": [None, "x"],
                         "reach": [0.5, 0.1], "severity": [0.4, 0.6]})
    act = [{"name": "fix x", "theme": "x", "touchpoint": "x"}]
    for metric, want in (("theme_share", {"tp:x": "action live", "th:x": "action worked"}),
                         ("perception", {"tp:x": "action worked", "th:x": "action live"})):
        mon = pd.DataFrame({"action": ["fix x"], "status": ["closed"], "metric": [metric]})
        assert prioritise_gaps(both, actions=act, monitoring=mon).set_index("gap_id")["status"].to_dict() == want


def test_touchpoint_and_theme_sharing_an_id_keep_their_own_importance(demo_report):
    # the demo has a customer_service touchpoint and a customer_service theme: the touchpoint gap
    # must take the touchpoint driver's importance, not the theme's
    d = demo_report.drivers.set_index("driver")["importance_share"]
    t = demo_report.theme_drivers.set_index("driver")["importance_share"]
    assert "customer_service" in d.index and "customer_service" in t.index
    p = demo_report.priorities.set_index("gap_id")
    assert p.loc["touchpoint:customer_service", "importance"] == pytest.approx(d["customer_service"] / d.max())
    assert p.loc["theme:customer_service", "importance"] == pytest.approx(t["customer_service"] / t.max())
    # qualified names win over bare ones in a user's dict
    g = pd.DataFrame({"gap_id": ["tp:x", "th:x"], "touchpoint": ["x", None], "theme": [None, "x"],
                      "reach": [0.5, 0.5], "severity": [0.4, 0.4]})
    r = prioritise_gaps(g, importance={"x": 0.1, "touchpoint:x": 0.8}).set_index("gap_id")["importance"]
    assert r.to_dict() == {"tp:x": 0.8, "th:x": 0.1}


def test_demo_priorities_put_met_targets_and_worked_actions_last(demo_report):
    p = demo_report.priorities.set_index("label")
    targets = demo_report.touchpoint_targets.set_index("touchpoint")
    met = set(targets.index[targets["status"] == "met"])
    assert met, "the demo should have a touchpoint whose target is met"
    for tp in met & set(p.index):
        assert p.loc[tp.replace("_", " "), "status"] == "target met"
    # a verdict speaks for the gap whose measure it tested: the checkout fix was measured by the
    # share of checkout complaints, the size guide by its survey rating
    status = demo_report.priorities.set_index("gap_id")["status"]
    assert status["theme:checkout_payment"] == "action worked"
    assert status["touchpoint:checkout"] == "action live"
    assert status["touchpoint:size_guide"] == "no effect seen"
    assert status["theme:sizing_fit"] == "action live"
    open_ranks = p.loc[p["to_do"], "rank"]
    assert open_ranks.max() < p.loc[~p["to_do"], "rank"].min()
    plan = demo_report.action_plan
    assert "checkout" not in plan["gap"].head(3).tolist()
    # the watched gaps the plan keeps (live actions) get their quote like the top ones
    assert "checkout" in set(plan["gap"]) and len(plan) > 10
    watched = plan[plan["status"].str.contains("checkout fix")]
    assert len(watched) == 2 and watched["evidence"].str.contains('e.g. "', regex=False).all()


def test_collect_gaps_skips_non_significant():
    e = pd.DataFrame({"touchpoint": ["a", "b"], "gap": [-1.0, -0.1], "ci_low": [-1.2, -0.3], "ci_high": [-0.8, 0.1],
                      "share_below": [0.8, 0.3], "significant": [True, False], "expectation": [6, 6],
                      "perception": [5, 5.9], "n": [100, 100]})
    assert collect_gaps(expectation=e)["gap_id"].tolist() == ["touchpoint:a"]
    assert len(collect_gaps(expectation=e, only_significant=False)) == 2


def test_theme_pain_points_reach_and_severity():
    fb = pd.DataFrame({"feedback_id": list("abcd"), "rating": [1, 2, 5, 3]})
    th = pd.DataFrame({"feedback_id": ["a", "b", "c", "c"], "theme": ["late", "late", "late", "style"]})
    pp = theme_pain_points(fb, th).set_index("theme")
    assert pp.loc["late", "n_comments"] == 3 and pp.loc["late", "n_complaints"] == 2
    assert pp.loc["late", "reach"] == pytest.approx(0.5) and pp.loc["late", "severity"] == pytest.approx(0.75)


def test_emerging_counts_complaints_as_the_pain_point_table_does():
    # a near-neutral mention (sentiment -0.02) is no complaint in either table
    fb = pd.DataFrame({"feedback_id": [str(i) for i in range(200)], "rating": [3] * 200,
                       "created_at": pd.date_range("2025-01-01", periods=200, freq="D")})
    th = pd.DataFrame({"feedback_id": fb["feedback_id"], "theme": ["x"] * 200,
                       "sentiment": [-0.02] * 100 + [-0.6] * 100})
    e = emerging_themes(fb, th, split_date="2025-04-11").set_index("theme")
    assert e.loc["x", "share_before"] == 0 and e.loc["x", "share_recent"] == 1.0 and e.loc["x", "emerging"]
    assert theme_pain_points(fb, th).set_index("theme").loc["x", "n_complaints"] == 100


def test_barely_negative_mentions_are_not_complaints():
    # the themes tables call sentiment within +-0.05 neutral; a complaint is what they call negative
    fb = pd.DataFrame({"feedback_id": list("abcd"), "rating": [1, 2, 5, 3]})
    th = pd.DataFrame({"feedback_id": list("abcd"), "theme": ["misc"] * 4, "sentiment": [-0.6, -0.02, -0.049, 0.4]})
    pp = theme_pain_points(fb, th).set_index("theme")
    assert pp.loc["misc", "n_complaints"] == 1 and pp.loc["misc", "severity"] == pytest.approx(0.6)


# ----------------------------------------------------------------------------- SWOT & action plan
def test_swot_draws_from_evidence(demo_report):
    swot = demo_report.swot
    assert set(swot["quadrant"]) == {"strength", "weakness", "opportunity", "threat"}
    weak = swot.loc[swot["quadrant"] == "weakness", "item"].tolist()
    assert "returns" in weak
    threats = " ".join(swot.loc[swot["quadrant"] == "threat", "item"])
    assert "delivery" in threats
    assert swot["evidence"].str.len().gt(10).all() and swot["source"].notna().all()


def test_swot_changes_with_evidence():
    e = pd.DataFrame({"touchpoint": ["checkout"], "gap": [-1.5], "ci_low": [-1.7], "ci_high": [-1.3],
                      "significant": [True]})
    swot = build_swot(expectation=e)
    assert swot.loc[swot["quadrant"] == "weakness", "item"].tolist() == ["checkout"]
    # a driver that performs well against the others but falls short of expectations is no strength
    d = pd.DataFrame({"driver": ["checkout", "app", "returns", "ads"], "importance": [0.5, 0.4, 0.1, 0.1],
                      "performance": [5.9, 5.8, 3.0, 3.2]})
    assert build_swot(drivers=d).query("quadrant == 'strength'")["item"].tolist() == ["checkout", "app"]
    assert build_swot(drivers=d, expectation=e).query("quadrant == 'strength'")["item"].tolist() == ["app"]


def test_action_plan_status_from_actions_and_monitoring(demo_report):
    plan = demo_report.action_plan
    assert list(plan.columns[:8]) == ["rank", "gap", "evidence", "metric", "current", "target", "owner", "status"]
    checkout = plan[plan["status"].str.contains("checkout fix")]
    assert len(checkout) and checkout["status"].str.contains("Closed").all()
    size = plan[plan["status"].str.contains("new size guide")]
    assert size["status"].str.contains("No detectable change").all()
    monitoring = demo_report.monitoring.set_index("action")
    assert monitoring.loc["checkout fix", "status"] == "closed"
    assert monitoring.loc["new size guide", "status"] == "no_change"


def test_gap_quotes_prefer_primary_theme_and_never_repeat():
    p = pd.DataFrame({"rank": [1, 2, 3], "gap_id": ["theme:delivery", "theme:checkout", "touchpoint:returns"],
                      "label": ["delivery", "checkout", "returns"], "theme": ["delivery", "checkout", None],
                      "touchpoint": [None, None, "returns"]})
    fb = pd.DataFrame({"feedback_id": ["1", "2", "3"], "rating": [1, 1, 2], "touchpoint": ["returns", None, "returns"],
                       "text": ["The courier just left a card and my parcel vanished",
                                "Promo code would not apply at checkout, twice",
                                "Returns label never arrived, still waiting"]})
    # comment 1 is about delivery but mentions "card" (checkout); it is the most negative comment
    th = pd.DataFrame({"feedback_id": ["1", "1", "2", "3"], "theme": ["delivery", "checkout", "checkout", "returns"]})
    q = gap_quotes(p, fb, th).set_index("gap_id")["quote"]
    assert q["theme:delivery"].startswith("The courier")
    assert q["theme:checkout"].startswith("Promo code")  # its own primary comment, not the courier one
    assert q["touchpoint:returns"].startswith("Returns label")  # comment 1 is already quoted above


def test_action_plan_requires_priorities():
    with pytest.raises(SchemaError, match=r"prioritised lacks columns .* Pass the output of cxlab.gaps.prioritise_gaps"):
        action_plan(pd.DataFrame({"gap": ["x"]}))


def test_safe_export_neutralises_formulas_csv_and_xlsx(tmp_path):
    evil = '=HYPERLINK("http://evil.example","click me")'
    df = pd.DataFrame({"gap": ["returns", evil], "evidence": ["+44 line", "@SUM(A1)"], "n": [1, -2]})
    csv = export_table(df, tmp_path / "plan.csv")
    text = csv.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert "'+44 line" in text and "'@SUM" in text
    xlsx = export_table(df, tmp_path / "plan.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    values = [c.value for c in ws["A"]]
    assert values[2] == "'" + evil and ws["A3"].data_type == "s"
    with zipfile.ZipFile(xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cells at all
    with zipfile.ZipFile(xlsx) as z:  # openpyxl stamps "modified" with the clock: it must not leak in
        assert b">2020-01-01T00:00:00Z</dcterms:modified>" in z.read("docProps/core.xml")
    first = xlsx.read_bytes()
    assert export_table(df, tmp_path / "plan.xlsx").read_bytes() == first  # deterministic bytes
    with pytest.raises(ParameterError, match="must end in .csv or .xlsx"):
        export_table(df, tmp_path / "plan.txt")


def test_customer_text_in_plan_is_neutralised(tmp_path):
    p = pd.DataFrame({"rank": [1], "gap_id": ["theme:x"], "kind": ["pain_point"], "theme": ["x"], "touchpoint": [None],
                      "label": ["=cmd|' /C calc'!A0"], "evidence": ["e"], "metric": ["m"], "current": [0.1],
                      "target": [None], "owner": ["o"], "effort": [3.0], "priority_score": [0.1], "quadrant": ["q"]})
    plan = action_plan(p, quotes={"theme:x": "=HYPERLINK(\"x\")"})
    out = export_table(plan, tmp_path / "a.csv").read_text()
    assert "'=cmd" in out and "\"'=HYPERLINK" not in out.split("\n")[0]


# ----------------------------------------------------------------------------- pipeline & CLI
def test_analyse_gaps_is_deterministic(demo, demo_report):
    tables = dict(demo["tables"])
    meta = demo["truth"]["feedback_meta"].set_index("feedback_id")["sentiment"]
    fb = tables["feedback"]
    tables["feedback"] = add_emotion(fb.assign(sentiment=fb["feedback_id"].map(meta)), score_text=False)
    folder = demo["folder"]
    again = analyse_gaps(tables, themes=_truth_themes(demo),
                         targets=folder / "targets.yaml", effort=folder / "effort.yaml",
                         actions=folder / "actions.yaml", praise_themes=["style_design"], top=10)
    for name, table in demo_report.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name], check_exact=True)
    summary = demo_report.summary()
    assert "**returns**" in summary and "customer service" in summary and summary == again.summary()


def test_analyse_gaps_with_survey_only():
    s = pd.DataFrame({"response_id": list("abcdef"), "touchpoint": ["returns"] * 6,
                      "expectation": [6] * 6, "perception": [3, 4, 3, 4, 3, 4]})
    rep = analyse_gaps({"touchpoint_survey": s}, importance=None)
    assert rep.priorities["gap_id"].tolist() == ["touchpoint:returns"]
    assert any("employee" in n for n in rep.notes)
    with pytest.raises(ParameterError, match="tables must be a dict"):
        analyse_gaps([s])


def test_cli_end_to_end_on_small_files(tmp_path, capsys):
    from cxlab.cli import main

    rng = np.random.default_rng(6)
    rows = [(f"r{i}", tp, 6.0, float(np.clip(round(6 - (2.5 if tp == "returns" else 0.2) + rng.normal(0, 1)), 1, 7)))
            for i in range(60) for tp in ("returns", "checkout", "website")]
    pd.DataFrame(rows, columns=["response_id", "touchpoint", "expectation", "perception"]).to_csv(
        tmp_path / "survey.csv", index=False)
    staff = [(f"e{i}", tp, 6.0) for i in range(30) for tp in ("returns", "checkout", "website")]
    pd.DataFrame(staff, columns=["response_id", "touchpoint", "perception"]).to_csv(tmp_path / "staff.csv", index=False)
    (tmp_path / "effort.yaml").write_text("touchpoints:\n  returns: {effort: 2, owner: Ops}\n")
    out = tmp_path / "out"
    code = main(["gaps", "--survey", str(tmp_path / "survey.csv"), "--employee", str(tmp_path / "staff.csv"),
                 "--effort", str(tmp_path / "effort.yaml"), "--no-figures", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "largest expectation gap is at **returns**" in printed
    plan = pd.read_csv(out / "action_plan.csv")
    assert plan.loc[0, "gap"] == "returns" and plan.loc[0, "owner"] == "Ops"
    assert {"expectation.csv", "internal.csv", "priorities.csv", "action_plan.xlsx", "summary.md"} <= {
        p.name for p in out.iterdir()}


def test_cli_rejects_bad_arguments(tmp_path, capsys):
    from cxlab.cli import main

    assert main(["gaps", "--alpha", "2", "--out", str(tmp_path)]) == 2
    assert "--alpha must be between 0 and 1" in capsys.readouterr().err
    assert main(["gaps", "--survey", str(tmp_path / "nope.csv"), "--out", str(tmp_path)]) == 2


def test_vectorised_gap_tests_match_scipy():
    from scipy import stats

    rng = np.random.default_rng(7)
    frames = []
    for i, n in enumerate((8, 30, 200)):  # exact (no ties), small with ties, large
        e = rng.normal(5, 1, n) if i == 0 else np.round(rng.normal(5, 1, n))
        p = e + rng.normal(0.3, 1, n)
        frames.append(pd.DataFrame({"response_id": [f"r{j}" for j in range(n)], "touchpoint": f"t{i}",
                                    "expectation": e, "perception": p if i == 0 else np.round(p)}))
    s = pd.concat(frames, ignore_index=True)
    g = expectation_gaps(s, correction="none").set_index("touchpoint")
    for i, f in enumerate(frames):
        d = (f["perception"] - f["expectation"]).to_numpy()
        row = g.loc[f"t{i}"]
        assert row["p_value"] == pytest.approx(stats.ttest_1samp(d, 0).pvalue)
        ref = stats.wilcoxon(d[d != 0], correction=False, method="exact" if i == 0 else "approx").pvalue
        assert row["p_wilcoxon"] == pytest.approx(ref)
        lo, hi = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi))


def test_cli_on_demo_data_by_default(tmp_path, capsys):
    from cxlab.cli import main

    out = tmp_path / "gaps"
    assert main(["gaps", "--text-sentiment", "none", "--no-figures", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "using the demo data" in printed and "**returns**" in printed
    assert pd.read_csv(out / "expectation.csv").loc[0, "touchpoint"] == "returns"
    assert pd.read_csv(out / "internal.csv").loc[0, "touchpoint"] == "customer_service"
    plan = pd.read_csv(out / "action_plan.csv")
    assert plan["status"].str.contains("checkout fix").any()
    assert (out / "journey_stages.csv").is_file() and "## Notes" in (out / "summary.md").read_text()


def test_emerging_themes_within_strata_ignores_a_change_in_channel_mix():
    # "returns" is always discussed in 40% of tickets and 10% of surveys; tickets quadruple in
    # the recent period, so the crude share rises although nothing changed within a channel.
    rng = np.random.default_rng(3)
    rows = []
    for period, n_tickets, n_surveys, day in (("before", 300, 1200, "2025-03-01"),
                                              ("recent", 1200, 1200, "2025-11-01")):
        for channel, n, rate in (("support_ticket", n_tickets, 0.4), ("survey", n_surveys, 0.1)):
            hit = rng.random(n) < rate
            rows += [{"channel": channel, "created_at": pd.Timestamp(day), "theme": "returns" if h else "other",
                      "rating": 1} for h in hit]
    fb = pd.DataFrame(rows).assign(feedback_id=lambda d: [f"f{i}" for i in range(len(d))])
    crude = emerging_themes(fb, split_date="2025-10-01").set_index("theme")
    within = emerging_themes(fb, split_date="2025-10-01", strata="channel").set_index("theme")
    assert crude.loc["returns", "emerging"]
    assert not within.loc["returns", "emerging"]
    assert within.loc["returns", "ci_low"] < 0 < within.loc["returns", "ci_high"]


def test_emerging_themes_leave_undated_comments_out_and_say_so():
    # an undated comment used to count as "before" the split
    fb = pd.DataFrame({"feedback_id": [str(i) for i in range(400)], "rating": [1] * 400,
                       "created_at": pd.date_range("2025-01-01", periods=400, freq="D"),
                       "theme": ["late" if (i % 10 == 0 or i > 300) else "other" for i in range(400)]})
    fb["created_at"] = fb["created_at"].astype(object)
    fb.loc[[5, 6], "created_at"] = None
    with pytest.warns(UserWarning, match=r"^2 of 400 comment\(s\) have no 'created_at'; they are left out of the "
                                         r"recent-vs-before comparison"):
        out = emerging_themes(fb, split_date="2025-10-28").set_index("theme")
    # 300 dated comments before the split, 30 of them "late"
    assert out.loc["late", "share_before"] == pytest.approx(30 / 298)
    fb.loc[7, "created_at"] = "someday"
    with pytest.raises(SchemaError, match=r"column 'created_at' has 1 value\(s\) that are not dates"):
        emerging_themes(fb, split_date="2025-10-28")


def test_no_competitor_ahead_says_how_many_comments_it_rests_on():
    from cxlab.report_text import describe_benchmark

    b = pd.DataFrame({"brand": ["A", "B", "A", "B"], "metric": ["emotion", "emotion", "theme_share", "theme_share"],
                      "theme": [None, None, "late", "late"], "value": [0.1, 0.2, 0.3, 0.2], "n": [1900, 210, 1900, 210],
                      "ahead_of_focal": [False] * 4, "behind_focal": [False] * 4})
    text = describe_benchmark(b, focal="A")
    assert text.startswith("No competitor is detectably ahead of A on any benchmarked metric (comments: A 1,900, B 210)")
    assert "cannot be detected" in text
