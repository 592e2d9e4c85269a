"""Tests of cxlab.journey (stages, emotion, funnel, JourneyMapper), its plots and report_text."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cxlab import report_text  # noqa: E402
from cxlab.exceptions import DataLoadError, ParameterError, SchemaError  # noqa: E402
from cxlab.journey import (  # noqa: E402
    DEFAULT_JOURNEY,
    JourneyMapper,
    add_emotion,
    assign_stage,
    emotion_change,
    emotion_curve,
    emotion_score,
    load_journey,
    order_funnel,
    order_kpis,
    read_theme_table,
    redact_quote,
    seed_word_themes,
)


@pytest.fixture(scope="session")
def demo():
    from cxlab.datasets import ensure_demo_data, load_demo, load_demo_truth

    return {"tables": load_demo(), "truth": load_demo_truth(), "folder": ensure_demo_data()}


@pytest.fixture(scope="session")
def demo_mapper(demo):
    t = demo["tables"]
    meta = demo["truth"]["feedback_meta"].set_index("feedback_id")["sentiment"]
    # planted comment sentiment stands in for a text scorer: we test the journey logic here
    fb = add_emotion(t["feedback"].assign(sentiment=t["feedback"]["feedback_id"].map(meta)), score_text=False)
    themes = demo["truth"]["feedback_themes"][["feedback_id", "theme"]]
    return JourneyMapper(theme_labels={"returns_refunds": "returns & refunds"}).fit(
        fb, survey=t["touchpoint_survey"], tickets=t["tickets"], orders=t["orders"], themes=themes,
        targets=demo["folder"] / "targets.yaml")


# ----------------------------------------------------------------------------- config
def test_default_journey_matches_config_stages():
    from cxlab.config import JOURNEY_STAGES

    assert tuple(DEFAULT_JOURNEY.names) == JOURNEY_STAGES
    assert DEFAULT_JOURNEY.stage_of("checkout") == "purchase" and DEFAULT_JOURNEY.stage_of("nope") is None


def test_load_journey_custom_and_errors(tmp_path):
    j = load_journey({"stages": [{"name": "find", "touchpoints": ["search"]}, "buy"], "tickets_stage": "buy"})
    assert j.names == ["find", "buy"] and j.labels["find"] == "Find" and j.tickets_stage == "buy"
    with pytest.raises(ParameterError, match=r"touchpoint 'a' is already in stage 'x'"):
        load_journey({"stages": [{"name": "x", "touchpoints": ["a"]}, {"name": "y", "touchpoints": ["a"]}]})
    with pytest.raises(ParameterError, match=r"theme_stages \['late'\] point to unknown stages"):
        load_journey({"stages": ["x"], "theme_stages": {"late": "delivery"}})
    with pytest.raises(ParameterError, match=r"unknown key\(s\) \['stage'\]"):
        load_journey({"stage": []})
    with pytest.raises(ParameterError, match="'stages' must be a non-empty list"):
        load_journey({"stages": []})
    with pytest.raises(DataLoadError, match="does not exist"):
        load_journey(tmp_path / "journey.yaml")
    p = tmp_path / "journey.yaml"
    p.write_text("stages:\n  - name: a\n    touchpoints: [web]\n  - name: b\n")
    assert load_journey(p).stage_of("web") == "a"


# ----------------------------------------------------------------------------- emotion
def test_emotion_score_scales_and_priority():
    df = pd.DataFrame({"sentiment": [np.nan, -0.5, np.nan, np.nan], "rating": [5, 1, np.nan, np.nan],
                       "nps": [0, 0, 10, np.nan]})
    assert emotion_score(df).tolist()[:3] == [2.0, -1.0, 2.0] and np.isnan(emotion_score(df).iloc[3])
    assert emotion_score(df, sources=("nps",)).tolist()[:3] == [-2.0, -2.0, 2.0]
    with pytest.raises(ParameterError, match=r"sources \['stars'\] are unknown"):
        emotion_score(df, sources=("stars",))


def test_add_emotion_prefers_scores_and_reports_source():
    fb = pd.DataFrame({"feedback_id": ["a", "b", "c"], "text": ["x", "y", ""], "rating": [1, np.nan, np.nan]})
    out = add_emotion(fb, sentiment=pd.DataFrame({"feedback_id": ["a", "b"], "sentiment": [0.9, 0.25]}))
    assert out["emotion"].tolist()[:2] == [-2.0, 0.5] and out["emotion_source"].tolist() == ["score", "sentiment", "none"]
    assert "emotion" not in fb.columns  # input untouched
    with pytest.raises(SchemaError, match="sentiment has 2 values but feedback has 3 rows"):
        add_emotion(fb, sentiment=[0.1, 0.2])
    vader = add_emotion(fb.assign(text=["x", "I love it, wonderful!", ""]), score_text="vader")
    assert vader.loc[1, "emotion"] > 1 and vader.loc[1, "emotion_source"] == "sentiment"


def test_assign_stage_fallbacks():
    df = pd.DataFrame({"journey_stage": ["purchase", None, None, None], "touchpoint": [None, "returns", None, None],
                       "theme": [None, None, "delivery_delay", "unknown"]})
    assert assign_stage(df).tolist()[:3] == ["purchase", "post_purchase", "delivery"]
    assert pd.isna(assign_stage(df).iloc[3])


def test_emotion_curve_order_bands_and_split():
    rng = np.random.default_rng(0)
    n = 400
    fb = pd.DataFrame({"journey_stage": rng.choice(["delivery", "awareness", "purchase"], n),
                       "rating": rng.integers(1, 6, n).astype(float),
                       "created_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")})
    curve = emotion_curve(fb)
    assert curve["journey_stage"].tolist() == ["awareness", "purchase", "delivery"]  # journey order
    assert ((curve["ci_low"] < curve["emotion"]) & (curve["emotion"] < curve["ci_high"])).all()
    assert curve["emotion"].between(-2, 2).all() and curve["n"].sum() == n
    split = emotion_curve(fb, split_date="2025-06-01")
    assert split["period"].tolist()[:2] == ["before", "after"] and len(split) == 6
    with pytest.raises(ParameterError, match="either period= or split_date="):
        emotion_curve(fb, period="Q", split_date="2025-06-01")
    with pytest.raises(SchemaError, match=r"feedback lacks columns \['created_at'\]"):
        emotion_curve(fb.drop(columns="created_at"), split_date="2025-06-01")
    assert emotion_curve(fb.iloc[:0]).empty


def test_emotion_scores_off_their_scale_or_not_numbers_are_errors():
    assert emotion_score(pd.DataFrame({"rating": ["4", " 2 ", "n/a", None]})).tolist()[:2] == [1.0, -1.0]
    # a 1-10 rating clipped into 1..5 would read 6 as very positive
    with pytest.raises(SchemaError, match=r"column 'rating' is read on the 1..5 scale; 2 value\(s\) are outside "
                                          r"it, e.g. \[6.0, 9.0\]"):
        emotion_score(pd.DataFrame({"rating": [1, 6, 9, 5]}))
    with pytest.raises(SchemaError, match=r"column 'nps' must be numeric; 1 value\(s\) are not, e.g. \['ten'\]. Map them"):
        emotion_score(pd.DataFrame({"nps": [10, "ten"]}))


def test_undated_comments_are_left_out_of_splits_and_said_so():
    # undated comments used to count as "before" the split, and as a period "NaT" in curves
    fb = pd.DataFrame({"journey_stage": ["delivery"] * 9, "rating": [4, 5, 4, 5, 1, 2, 1, 2, 5],
                       "created_at": ["2025-01-01"] * 4 + ["2025-11-01"] * 2 + [None, "soon", "2025-11-02"]})
    fb.loc[8, "rating"] = np.nan  # no emotion: not analysed, so its date does not matter
    with pytest.warns(UserWarning, match=r"^1 of 8 comment\(s\) have a 'created_at' value that is not a "
                                         r"date \(e.g. 'soon'\) and 1 of 8 have no 'created_at'; they are "
                                         r"left out of the before/after comparison"):
        change = emotion_change(fb, split_date="2025-10-01").iloc[0]
    assert (change["n_before"], change["n_after"]) == (4, 2)
    assert change["before"] == pytest.approx(1.5) and change["after"] == pytest.approx(-1.5)
    with pytest.warns(UserWarning, match="left out of the curves"):
        curve = emotion_curve(fb, period="M")
    assert curve["period"].tolist() == ["2025-01", "2025-11"] and curve["n"].tolist() == [4, 2]
    with pytest.raises(ParameterError, match="split_date='autumn' is not a date"):
        emotion_change(fb.iloc[:4], split_date="autumn")


def test_emotion_change_null_rate():
    rng = np.random.default_rng(1)
    flags = []
    for _ in range(60):
        n = 600
        fb = pd.DataFrame({"journey_stage": rng.choice(list(DEFAULT_JOURNEY.names), n),
                           "rating": rng.integers(1, 6, n).astype(float),
                           "created_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")})
        flags.append(emotion_change(fb, split_date="2025-07-01")["significant"].any())
    assert np.mean(flags) <= 0.1


def test_delivery_emotion_drops_after_courier_switch(demo, demo_mapper):
    date = demo["truth"]["effects"]["emerging_problem"]["date"]
    change = emotion_change(demo_mapper.feedback_, split_date=date).set_index("journey_stage")
    assert change.loc["delivery", "significant"] and change.loc["delivery", "change"] < -0.1
    assert change.loc["delivery", "change"] == change["change"].min()
    text = report_text.describe_emotion_change(change.reset_index(), split_date=date)
    assert "fell at **delivery**" in text


# ----------------------------------------------------------------------------- funnel
def test_order_funnel_matches_status_counts(demo):
    orders = demo["tables"]["orders"]
    f = order_funnel(orders).set_index("step")
    counts = orders["status"].value_counts()
    assert f.loc["started", "n"] == len(orders)
    assert f.loc["paid", "drop_off"] == pytest.approx(counts["abandoned"] / len(orders))
    assert f.loc["fulfilled", "n"] == counts["completed"]
    assert (f["ci_low"].dropna() <= f["drop_off"].dropna()).all()
    k = order_kpis(orders).set_index("kpi")
    assert k.loc["return_rate", "estimate"] == pytest.approx(orders.loc[orders.status == "completed", "returned"].mean())
    with pytest.raises(SchemaError, match=r"orders lacks columns \['status'\]"):
        order_funnel(orders.drop(columns="status"))


def test_returned_flags_as_exported_text_are_read():
    o = pd.DataFrame({"status": ["completed"] * 4 + ["abandoned"], "returned": ["yes", "No", "no", None, "no"]})
    f = order_funnel(o).set_index("step")
    assert f.loc["kept", "n"] == 3  # 4 completed, 1 returned
    k = order_kpis(o).set_index("kpi")
    assert k.loc["return_rate", "estimate"] == pytest.approx(1 / 3) and k.loc["return_rate", "n"] == 3
    o.loc[1, "returned"] = "R"
    with pytest.raises(SchemaError, match=r"1 value\(s\) are not true/false \(yes/no, 1/0\), e.g. \['R'\]"):
        order_funnel(o)


# ----------------------------------------------------------------------------- mapper
def test_journey_mapper_on_demo(demo_mapper):
    st = demo_mapper.stages_
    assert st["journey_stage"].tolist() == list(DEFAULT_JOURNEY.names)
    assert st.set_index("journey_stage").loc["post_purchase", "top_pain_point"] == "returns_refunds"
    assert "returns & refunds" in st.set_index("journey_stage").loc["post_purchase", "pain_points"]
    assert st.set_index("journey_stage").loc["delivery", "top_pain_point"] == "delivery_delay"
    assert st["emotion"].between(-2, 2).all() and (st["target_emotion"] == [1.0, 1.0, 1.2, 1.0, 0.8]).all()
    np.testing.assert_allclose(st["emotion_gap"], st["emotion"] - st["target_emotion"])
    assert st.set_index("journey_stage").loc["purchase", "drop_off"] > 0
    assert "on time" in st.set_index("journey_stage").loc["delivery", "kpi_text"]
    tp = demo_mapper.touchpoints_.set_index("touchpoint")
    assert tp["gap"].idxmin() == "returns"
    assert demo_mapper.brand_ == "Loomwear"  # competitor posts stay out of our journey
    assert (demo_mapper.feedback_["brand"] == "Loomwear").all()


def test_journey_quotes_are_redacted():
    fb = pd.DataFrame({"feedback_id": ["1", "2"], "touchpoint": ["returns", "returns"], "rating": [1, 5],
                       "text": ["Refund never came, email me at jane.doe@example.com or call 07700 900123",
                                "Great returns, so easy and quick to do!"]})
    q = JourneyMapper().fit(fb).stages_.set_index("journey_stage").loc["post_purchase", "quote"]
    assert "Refund never came" in q and "jane.doe" not in q and "900123" not in q
    assert redact_quote("x" * 300).endswith("…") and len(redact_quote("x" * 300)) == 140


def test_journey_mapper_minimal_inputs_and_errors():
    one = pd.DataFrame({"text": ["late"], "touchpoint": ["delivery"], "rating": [1]})
    st = JourneyMapper().fit(one).stages_
    assert st.set_index("journey_stage").loc["delivery", "n_feedback"] == 1
    assert st["n_feedback"].sum() == 1 and np.isnan(st.set_index("journey_stage").loc["awareness", "emotion"])
    with pytest.raises(SchemaError, match="feedback must be a DataFrame"):
        JourneyMapper().fit([1, 2])
    with pytest.raises(ParameterError, match=r"confidence must be in \(0.0, 1.0\)"):
        JourneyMapper(confidence=95).fit(one)


def test_journey_mapper_is_deterministic(demo, demo_mapper):
    t = demo["tables"]
    meta = demo["truth"]["feedback_meta"].set_index("feedback_id")["sentiment"]
    fb = add_emotion(t["feedback"].assign(sentiment=t["feedback"]["feedback_id"].map(meta)), score_text=False)
    again = JourneyMapper(theme_labels={"returns_refunds": "returns & refunds"}).fit(
        fb, survey=t["touchpoint_survey"], tickets=t["tickets"], orders=t["orders"],
        themes=demo["truth"]["feedback_themes"][["feedback_id", "theme"]], targets=demo["folder"] / "targets.yaml")
    pd.testing.assert_frame_equal(again.stages_, demo_mapper.stages_)


# ----------------------------------------------------------------------------- theme inputs
def test_seed_word_themes_and_read_theme_table(tmp_path):
    fb = pd.DataFrame({"feedback_id": ["1", "2", "3"], "text": ["Parcel LATE, size too small", "chocolate", None]})
    tags = seed_word_themes(fb, {"themes": {"sizing_fit": {"seeds": ["too small"]},
                                            "delivery_delay": {"seeds": ["late"]}}})
    assert tags.values.tolist() == [["1", "sizing_fit"], ["1", "delivery_delay"]]  # taxonomy order, no "chocolate"
    p = tmp_path / "themes.csv"
    pd.DataFrame({"feedback_id": ["1", "1", "2"], "theme_id": ["b", "a", "unthemed"], "is_primary": [False, True, True],
                  "sentiment": [0.1, -0.5, 0.0]}).to_csv(p, index=False)
    t = read_theme_table(p)
    assert t.values.tolist() == [["1", "a", -0.5], ["1", "b", 0.1]]  # primary first, unthemed dropped
    with pytest.raises(DataLoadError, match="does not exist"):
        read_theme_table(tmp_path / "missing.parquet")


# ----------------------------------------------------------------------------- plots
def test_plot_journey_map_lanes_and_png(demo_mapper, tmp_path):
    import matplotlib.pyplot as plt

    from cxlab.plotting.journey import plot_journey_map

    fig, ax = plt.subplots(figsize=(15, 10))
    out = plot_journey_map(demo_mapper.stages_, title="Journey", ax=ax)
    assert out is ax
    texts = " ".join(t.get_text() for t in ax.texts)
    for lane in ("Touchpoints", "Pain points", "KPIs", "Drop-off", "Emotion"):
        assert lane in texts
    assert "Post-purchase" in texts and "returns & refunds" in texts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["95% band", "current", "target"]
    fig.savefig(tmp_path / "map.png", dpi=60)
    assert (tmp_path / "map.png").stat().st_size > 10_000
    plt.close(fig)
    with pytest.raises(SchemaError, match=r"data lacks columns \['emotion', 'ci_low', 'ci_high'\]"):
        plot_journey_map(pd.DataFrame({"label": ["a"]}))


def test_gap_plots_return_axes():
    import matplotlib.pyplot as plt

    from cxlab.plotting.journey import plot_emotion_curve, plot_gaps, plot_impact_effort, plot_swot

    g = pd.DataFrame({"touchpoint": ["returns", "app"], "gap": [-2.0, 0.1], "ci_low": [-2.2, -0.1],
                      "ci_high": [-1.8, 0.3], "significant": [True, False]})
    ax = plot_gaps(g)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["app", "returns"]
    # crowded: tied points, and a big bubble one effort level to the right of a long label
    p = pd.DataFrame({"effort": [2, 2, 3, 3, 3, 4], "value": [0.30, 0.30, 0.1, 0.1, 0.09, 0.1],
                      "label": ["a", "b", "delivery days took too long", "d", "e", "shipping"],
                      "reach": [0.2, 0.5, 0.5, 0.1, 0.3, 0.9], "rank": [1, 2, 3, 4, 5, 6]})
    ax = plot_impact_effort(p)
    from matplotlib.text import Text

    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if hasattr(t, "xyann")]
    assert sorted(t.get_text() for t in labels)[2] == "3. delivery days took too long"
    boxes = [Text.get_window_extent(t) for t in labels]  # the words, not the leader line
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])  # labels apart
    bubbles = ax.collections[0]
    centres = ax.transData.transform(p[["effort", "value"]].to_numpy(float))
    radii = np.sqrt(bubbles.get_sizes()) / 2 * ax.figure.dpi / 72
    for t, box in zip(labels, boxes):  # and off every bubble but their own
        own = int(t.get_text().split(".")[0]) - 1
        for j, ((cx, cy), r) in enumerate(zip(centres, radii)):
            if j != own:
                assert not (box.x0 < cx + r and box.x1 > cx - r and box.y0 < cy + r and box.y1 > cy - r), t.get_text()
    # a top-N slice of prioritise_gaps keeps the table's quadrants (its line is the median of all gaps)
    q = p.head(3).assign(effort=[2, 2, 2], value=[0.30, 0.20, 0.10], quadrant=["quick win"] * 3)
    ax = plot_impact_effort(q)
    colors = {tuple(round(v, 3) for v in c[:3]) for c in ax.collections[0].get_facecolors()}
    assert len(colors) == 1  # all three drawn as quick wins, as the table says
    assert ax.lines[1].get_ydata()[0] == 0.10  # the value line sits at the lowest high-value gap
    s = pd.DataFrame({"quadrant": ["weakness"], "item": ["returns"], "evidence": ["gap -2.4"]})
    assert "Weaknesses" in [t.get_text() for t in plot_swot(s).texts]
    c = pd.DataFrame({"journey_stage": ["a", "b"] * 2, "emotion": [0.5, -0.5, 0.2, -0.9], "ci_low": [0.4, -0.6, 0.1, -1],
                      "ci_high": [0.6, -0.4, 0.3, -0.8], "period": ["before"] * 2 + ["after"] * 2})
    ax = plot_emotion_curve(c, hue="period", target={"a": 1.0, "b": 1.0})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["before", "after", "target"]
    plt.close("all")


# ----------------------------------------------------------------------------- report text
def test_report_text_is_computed_from_results():
    gaps = pd.DataFrame({"touchpoint": ["returns", "app"], "n": [100, 100], "expectation": [6.0, 5.0],
                         "perception": [3.5, 4.9], "gap": [-2.5, -0.1], "ci_low": [-2.7, -0.3], "ci_high": [-2.3, 0.1],
                         "share_below": [0.9, 0.4], "significant": [True, False]})
    text = report_text.describe_expectation_gaps(gaps)
    assert "**returns**" in text and "-2.50" in text and "1 of 2 touchpoints" in text
    flipped = gaps.assign(touchpoint=["checkout", "app"])
    assert "**checkout**" in report_text.describe_expectation_gaps(flipped)
    none = gaps.assign(significant=False)
    assert report_text.describe_expectation_gaps(none) == "No touchpoint falls significantly short of customers' expectations."
    assert report_text.escape_markdown("<script>*x*</script>") == "&lt;script&gt;\\*x\\*&lt;/script&gt;"
    st = pd.DataFrame({"label": ["A", "B"], "emotion": [1.0, -1.0], "target_emotion": [0.5, 1.0],
                       "drop_off": [np.nan, 0.2], "drop_off_label": ["", "returned"]})
    assert report_text.describe_journey(st) == ("Emotion peaks at **A** (+1.00) and bottoms out at **B** (-1.00). "
                                                "1 of 2 stages are below their target emotion; the widest shortfall is "
                                                "at B (-2.00). The largest drop-off is at B (20% returned).")


def _three_comment_project(tmp_path, monkeypatch):
    """A project folder with data/processed/ and a feedback.csv of three comments F1-F3."""
    monkeypatch.setenv("CXLAB_PROJECT_DIR", str(tmp_path))
    (tmp_path / "data" / "processed").mkdir(parents=True)
    pd.DataFrame({"feedback_id": ["F1", "F2", "F3"], "text": ["late parcel", "love it", "meh"],
                  "created_at": ["2025-01-01", "2025-01-02", "2025-01-03"], "channel": ["social"] * 3,
                  "rating": [None, None, 3.0]}).to_csv(tmp_path / "feedback.csv", index=False)


def test_load_report_inputs_reuses_saved_themes(tmp_path, monkeypatch):
    from cxlab.journey import load_report_inputs

    _three_comment_project(tmp_path, monkeypatch)
    pd.DataFrame({"feedback_id": ["F1", "F2", "F2"], "theme": ["theme_01", "theme_02", "theme_01"],
                  "theme_label": ["late parcel", "love", "late parcel"], "sentiment": [-0.8, 0.9, 0.1],
                  "is_primary": [True, True, False], "weight": [0.5, 0.6, 0.2]}).to_parquet(
        tmp_path / "data" / "processed" / "theme_assignments.parquet")
    inputs = load_report_inputs(files={"feedback": tmp_path / "feedback.csv"}, score_text=False)
    assert inputs.theme_source == "saved themes (theme_assignments.parquet)"
    assert inputs.labels == {"theme_01": "late parcel", "theme_02": "love"}
    assert inputs.themes["theme"].tolist() == ["theme_01", "theme_02", "theme_01"]
    emo = inputs.tables["feedback"].set_index("feedback_id")
    assert emo.loc["F1", "emotion"] == pytest.approx(-1.6) and emo.loc["F2", "emotion"] == pytest.approx(1.0)
    assert emo.loc["F3", "emotion_source"] == "score"
    with pytest.raises(DataLoadError, match="files has unknown tables"):
        load_report_inputs(files={"comments": tmp_path / "feedback.csv"})


def test_saved_themes_from_other_data_are_not_joined(tmp_path, monkeypatch):
    """Notebook 02 run on one data set, the journey on another: no silent theme-less join."""
    from cxlab.journey import load_report_inputs

    _three_comment_project(tmp_path, monkeypatch)
    other = pd.DataFrame({"feedback_id": ["X1", "X2", "F1"], "theme": ["theme_01"] * 3,
                          "theme_label": ["elsewhere"] * 3, "sentiment": [-0.5] * 3})
    other.to_parquet(tmp_path / "data" / "processed" / "theme_assignments.parquet")
    pd.DataFrame({"feedback_id": ["X1"], "sentiment": [0.9]}).to_parquet(
        tmp_path / "data" / "processed" / "comment_sentiment.parquet")
    inputs = load_report_inputs(files={"feedback": tmp_path / "feedback.csv"}, score_text=False)
    assert inputs.theme_source == "none" and inputs.themes is None
    assert any(n.startswith("ignored theme_assignments.parquet: only 1 (33%) of the 3 comments") for n in inputs.notes)
    # an explicitly named table that does not fit is an error saying what to do
    other.to_csv(tmp_path / "themes.csv", index=False)
    with pytest.raises(DataLoadError, match=r"themes.csv: only 1 \(33%\) of the 3 comments .* saved from other "
                                            r"data\. Run notebook 02"):
        load_report_inputs(files={"feedback": tmp_path / "feedback.csv"}, themes_file=tmp_path / "themes.csv",
                           score_text=False)
    # two of three ids present: the table fits
    other.assign(feedback_id=["F1", "F2", "X9"]).to_parquet(tmp_path / "data" / "processed" / "theme_assignments.parquet")
    inputs = load_report_inputs(files={"feedback": tmp_path / "feedback.csv"}, score_text=False)
    assert inputs.theme_source == "saved themes (theme_assignments.parquet)"
    assert not any("ignored" in n for n in inputs.notes)


def test_stage_pain_points_count_only_the_complained_about_theme():
    # "love the fit but the parcel was late": a negative comment, yet only the parcel is a complaint
    fb = pd.DataFrame({"feedback_id": list("abcd"), "journey_stage": ["delivery"] * 4,
                       "rating": [1, 2, 2, 5], "text": ["x"] * 4,
                       "created_at": pd.to_datetime(["2025-01-01"] * 4)})
    themes = pd.DataFrame({"feedback_id": ["a", "a", "b", "c", "d"],
                           "theme": ["late_parcel", "fit", "late_parcel", "fit", "late_parcel"],
                           "sentiment": [-0.7, 0.6, -0.4, -0.03, 0.5]})
    pp = JourneyMapper().fit(fb, themes=themes).pain_points_.set_index("theme")
    assert pp.loc["late_parcel", "n"] == 2 and "fit" not in pp.index
    assert pp.loc["late_parcel", "share"] == pytest.approx(2 / 3)


def test_stage_pain_points_need_enough_complaints_and_show_the_count():
    from cxlab.journey import JourneyMapper

    n = 30
    fb = pd.DataFrame({"feedback_id": [str(i) for i in range(n)], "text": ["bad"] * n,
                       "touchpoint": ["delivery"] * 20 + ["website"] * 10, "rating": [1] * n,
                       "theme": ["delivery_delay"] * 20 + ["app_website"] * 4 + ["price_value"] * 6})
    st = JourneyMapper().fit(fb).stages_.set_index("journey_stage")
    assert st.loc["delivery", "pain_points"] == "delivery delay (100% of 20)"
    # 4 and 6 complaints at the website's stage: too few to name (default min_complaints=10)
    stage = st.index[st["touchpoints"].str.contains("website")][0]
    assert st.loc[stage, "pain_points"] == "" and pd.isna(st.loc[stage, "top_pain_point"])
    assert "price value (60% of 10)" in JourneyMapper(min_complaints=5).fit(fb).stages_.set_index(
        "journey_stage").loc[stage, "pain_points"]
