"""Driver importance: recovery of planted drivers, R^2 decomposition, bootstrap, quadrants, errors."""
from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest

from cxlab.drivers import (
    QUADRANTS,
    driver_importance,
    importance_performance,
    pivot_touchpoint_scores,
    relative_weights,
    shapley_importance,
    theme_indicators,
)
from cxlab.exceptions import ParameterError, SchemaError


@pytest.fixture(scope="module")
def survey_wide():
    """Respondent x touchpoint scores (1-7) with known weights on the overall score, correlated drivers."""
    rng = np.random.default_rng(0)
    n = 600
    common = rng.normal(size=n)  # halo: drivers correlate, as in real surveys
    raw = {name: 0.5 * common + rng.normal(size=n) for name in ("returns", "delivery", "checkout", "website", "ads")}
    weights = {"returns": 1.0, "delivery": 0.6, "checkout": 0.35, "website": 0.15, "ads": 0.0}
    overall = sum(w * raw[k] for k, w in weights.items()) + rng.normal(scale=1.0, size=n)
    df = pd.DataFrame({k: np.clip(np.round(4 + v), 1, 7) for k, v in raw.items()})
    df["overall_satisfaction"] = overall
    return df


def _ols_r2(X, y):
    X1 = np.column_stack([np.ones(len(y)), X])
    beta = np.linalg.lstsq(X1, y, rcond=None)[0]
    resid = y - X1 @ beta
    return 1 - resid @ resid / np.sum((y - y.mean()) ** 2)


def test_relative_weights_recover_the_planted_ranking_and_sum_to_r2(survey_wide):
    out = driver_importance(survey_wide, outcome="overall_satisfaction", n_bootstrap=100, random_state=0)
    assert out["driver"].tolist() == ["returns", "delivery", "checkout", "website", "ads"]
    X = survey_wide.drop(columns="overall_satisfaction").to_numpy()
    r2 = _ols_r2(X, survey_wide["overall_satisfaction"].to_numpy())
    assert out["importance"].sum() == pytest.approx(r2, abs=1e-10)
    assert out["r2"].iloc[0] == pytest.approx(r2, abs=1e-10)
    assert out["importance_share"].sum() == pytest.approx(1.0)
    assert (out["ci_low"] <= out["importance"]).all() and (out["importance"] <= out["ci_high"]).all()
    assert out["rank"].tolist() == [1, 2, 3, 4, 5]
    assert out.loc[0, "direction"] == "positive" and out.loc[0, "method"] == "relative_weights (listwise)"
    assert out.loc[0, "performance"] == pytest.approx(survey_wide["returns"].mean())


def test_shapley_matches_brute_force_and_agrees_with_relative_weights(survey_wide):
    X = survey_wide.drop(columns="overall_satisfaction").to_numpy()[:, :4]
    y = survey_wide["overall_satisfaction"].to_numpy()
    p = X.shape[1]
    brute = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            for subset in combinations(others, k):
                w = factorial(k) * factorial(p - k - 1) / factorial(p)
                with_j = _ols_r2(X[:, list(subset) + [j]], y)
                without = _ols_r2(X[:, list(subset)], y) if subset else 0.0
                brute[j] += w * (with_j - without)
    phi, r2 = shapley_importance(X, y)
    np.testing.assert_allclose(phi, brute, atol=1e-10)
    assert r2 == pytest.approx(_ols_r2(X, y))
    rw, _ = relative_weights(X, y)
    assert np.argsort(-rw).tolist() == np.argsort(-phi).tolist()
    out = driver_importance(survey_wide, outcome="overall_satisfaction", method="shapley", n_bootstrap=30,
                            random_state=1)
    assert out["driver"].iloc[0] == "returns" and out["importance"].sum() == pytest.approx(out["r2"].iloc[0])


def test_bootstrap_is_deterministic_and_seed_dependent(survey_wide):
    kw = dict(outcome="overall_satisfaction", n_bootstrap=40)
    a = driver_importance(survey_wide, random_state=5, **kw)
    b = driver_importance(survey_wide, random_state=5, **kw)
    c = driver_importance(survey_wide, random_state=6, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])
    none = driver_importance(survey_wide, outcome="overall_satisfaction", n_bootstrap=0)
    assert none["ci_low"].isna().all()


def test_negative_driver_direction_and_theme_indicators():
    rng = np.random.default_rng(2)
    n = 3000
    themes = rng.random((n, 3)) < [0.3, 0.2, 0.1]
    nps = np.clip(np.round(8 - 4 * themes[:, 0] - 1.5 * themes[:, 1] + 1 * themes[:, 2] + rng.normal(0, 1.5, n)),
                  0, 10)
    long = pd.DataFrame([(f"F{i}", t) for i in range(n) for j, t in enumerate(["late", "price", "style"])
                         if themes[i, j]], columns=["feedback_id", "theme"])
    ids = [f"F{i}" for i in range(n)]
    wide = theme_indicators(long, ids=ids)
    assert len(wide) == n and wide.index.name == "feedback_id" and set(wide.columns) == {"late", "price", "style"}
    data = wide.join(pd.Series(nps, index=ids, name="nps"))
    out = driver_importance(data, outcome="nps", n_bootstrap=30, random_state=0).set_index("driver")
    assert out.index.tolist() == ["late", "price", "style"]
    assert out.loc["late", "direction"] == "negative" and out.loc["style", "direction"] == "positive"
    assert out.loc["late", "performance"] == pytest.approx(themes[:, 0].mean())


def test_pairwise_missing_for_sparse_touchpoint_surveys():
    rng = np.random.default_rng(3)
    rows = []
    for r in range(500):
        base = rng.normal()
        used = rng.choice(["app", "returns", "delivery", "website"], size=2, replace=False)
        scores = {tp: base + rng.normal() for tp in used}
        overall = 2 * scores.get("returns", 0) + scores.get("delivery", 0) + rng.normal()
        for tp, v in scores.items():
            for dim in ("reliability", "empathy"):
                rows.append({"response_id": f"R{r}", "touchpoint": tp, "dimension": dim,
                             "perception": v + rng.normal(0, 0.1), "overall_satisfaction": overall})
    survey = pd.DataFrame(rows)
    wide = pivot_touchpoint_scores(survey)
    assert wide.shape == (500, 5) and wide.isna().sum().sum() == 500 * 2
    out = driver_importance(wide, outcome="overall_satisfaction", n_bootstrap=20, random_state=0)
    assert out["method"].iloc[0] == "relative_weights (pairwise)"
    assert out["driver"].iloc[0] == "returns"
    assert (out["n"] < 500).all()
    with pytest.raises(SchemaError, match="Try missing='pairwise'"):
        driver_importance(wide, outcome="overall_satisfaction", missing="listwise", n_bootstrap=0)


def test_importance_performance_quadrants_and_plot(survey_wide):
    d = pd.DataFrame({"driver": ["a", "b", "c", "d"], "importance": [0.3, 0.3, 0.05, 0.05],
                      "performance": [6.0, 3.0, 3.0, 6.0]})
    out = importance_performance(d)
    assert out["quadrant"].tolist() == [QUADRANTS[(True, True)], QUADRANTS[(True, False)],
                                        QUADRANTS[(False, False)], QUADRANTS[(False, True)]]
    assert out["importance_cut"].iloc[0] == pytest.approx(0.175) and "quadrant" not in d.columns
    fixed = importance_performance(d, performance_cut=2.0)
    assert set(fixed["quadrant"]) == {"keep up the good work", "possible overkill"}

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlab.plotting.kpis import plot_importance_performance

    drivers = driver_importance(survey_wide, outcome="overall_satisfaction", n_bootstrap=20, random_state=0)
    ax = plot_importance_performance(drivers)
    texts = {t.get_text() for t in ax.texts}
    assert {"concentrate here", "keep up the good work", "returns", "ads"} <= texts
    from matplotlib.text import Text

    ax.figure.canvas.draw()
    boxes = [Text.get_window_extent(t) for t in ax.texts if hasattr(t, "xyann")]
    assert len(boxes) == len(drivers)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close("all")


def test_errors_name_what_to_fix(survey_wide):
    with pytest.raises(SchemaError, match=r"df lacks column\(s\) \['overall'\]"):
        driver_importance(survey_wide, outcome="overall")
    with pytest.raises(SchemaError, match=r"df lacks column\(s\) \['payment'\]"):
        driver_importance(survey_wide, outcome="overall_satisfaction", drivers=["returns", "payment"])
    with pytest.raises(ParameterError, match="need at least 2 driver columns"):
        driver_importance(survey_wide, outcome="overall_satisfaction", drivers=["returns"])
    with pytest.raises(SchemaError, match="needs at least 30 rows with 'overall_satisfaction'.* got 10"):
        driver_importance(survey_wide.head(10), outcome="overall_satisfaction")
    with pytest.raises(SchemaError, match=r"driver column\(s\) \['flat'\] do not vary"):
        driver_importance(survey_wide.assign(flat=3.0), outcome="overall_satisfaction")
    with pytest.raises(ParameterError, match="method must be one of"):
        driver_importance(survey_wide, outcome="overall_satisfaction", method="kruskal")
    many = pd.DataFrame(np.random.default_rng(0).normal(size=(100, 14)), columns=[f"d{i}" for i in range(14)])
    with pytest.raises(ParameterError, match="handles up to 12 drivers"):
        driver_importance(many.assign(y=1.0 + many["d0"]), outcome="y", method="shapley")
    with pytest.raises(SchemaError, match=r"drivers lacks column\(s\) \['importance'\]"):
        importance_performance(pd.DataFrame({"driver": ["a"], "performance": [1]}))


def test_demo_touchpoint_drivers_run_and_rank(repo_root):
    from cxlab.datasets import load_demo

    survey = load_demo()["touchpoint_survey"]
    wide = pivot_touchpoint_scores(survey)
    out = driver_importance(wide, outcome="overall_satisfaction", n_bootstrap=30, random_state=0)
    assert len(out) == survey["touchpoint"].nunique()
    assert out["importance"].sum() == pytest.approx(out["r2"].iloc[0]) and 0 < out["r2"].iloc[0] < 1


def _with_outcome_answers(answer, n_answer=20, n=60):
    rng = np.random.default_rng(7)
    d = pd.DataFrame(rng.normal(size=(n, 3)), columns=["delivery", "returns", "website"])
    overall = (2 * d["delivery"] + d["returns"] + rng.normal(size=n)).astype(object)
    overall[:n_answer] = answer
    return d.assign(overall=overall)


def test_text_outcomes_raise_instead_of_dropping_rows():
    # 20 of 60 "Don't know" used to become NaN and leave 40 rows with no word about the other 20
    with pytest.raises(SchemaError, match=r"df column 'overall' must be numeric; 20 value\(s\) are not, "
                                          r"e.g. \[\"Don't know\"\].*blanked first"):
        driver_importance(_with_outcome_answers("Don't know"), outcome="overall", n_bootstrap=0)
    with pytest.raises(SchemaError, match=r"df column 'returns' must be numeric; 1 value\(s\).*'4 \(ok\)'"):
        driver_importance(_with_outcome_answers(1.0).assign(returns=["4 (ok)"] + [4.0] * 59), outcome="overall",
                          drivers=["delivery", "returns", "website"], n_bootstrap=0)


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_missing_answers_are_counted_in_n_missing(missing):
    d = _with_outcome_answers("n/a")  # the loaders' spelling of no answer: missing, not an error
    d["website"] = d["website"].astype(object)
    d.loc[30:34, "website"] = ["", "-", None, "NA", np.nan]
    out = driver_importance(d, outcome="overall", drivers=["delivery", "returns", "website"], n_bootstrap=0,
                            missing=missing).set_index("driver")
    assert (out["n"] + out["n_missing"] == len(d)).all()
    expected = {"delivery": 40, "returns": 40, "website": 35} if missing == "pairwise" else dict.fromkeys(out.index, 35)
    assert out["n"].to_dict() == expected and out.loc["website", "n_missing"] == 25


def test_pivot_touchpoint_scores_reads_answers_like_the_loaders():
    s = pd.DataFrame({"response_id": ["r1", "r1", "r2", "r2", "r3", None],
                      "touchpoint": ["app", "returns", "app", "returns", None, "app"],
                      "perception": [6, "N/A", "5", 4, 3, 2], "overall_satisfaction": [4, 4, "-", 5, 3, 1]})
    with pytest.warns(UserWarning, match=r"left out 2 of 6 survey row\(s\) with no 'response_id' or 'touchpoint'"):
        wide = pivot_touchpoint_scores(s)
    assert wide.loc["r1", "app"] == 6 and np.isnan(wide.loc["r1", "returns"]) and wide.loc["r2", "app"] == 5
    assert wide["overall_satisfaction"].to_dict() == {"r1": 4.0, "r2": 5.0}
    with pytest.raises(SchemaError, match=r"survey column 'overall_satisfaction' must be numeric.*'very'"):
        pivot_touchpoint_scores(s.assign(overall_satisfaction=[4, 4, "very", 5, 3, 1]))


def test_default_drivers_include_number_columns_exported_as_text(survey_wide):
    # a survey export with "N/A" makes a column text; drivers=None used to skip it without a word
    d = survey_wide.copy()
    d["returns"] = d["returns"].astype(object)
    d.loc[:9, "returns"] = "N/A"
    d["comment"] = "fine"  # real text is still not a driver
    out = driver_importance(d, outcome="overall_satisfaction", n_bootstrap=0).set_index("driver")
    assert sorted(out.index) == ["ads", "checkout", "delivery", "returns", "website"]
    assert out.loc["returns", "rank"] == 1 and out.loc["returns", "n_missing"] == 10
