"""Pain points from partitioned theme outputs equal pain_points on the whole table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import SchemaError
from cxlab.scale._aggregate import aggregate_parts, summarise_parts
from cxlab.scale._aggregate_stats import exact_rank, ols_from_moments
from cxlab.themes import ThemeMiner, pain_points, theme_segments, theme_trends
from cxlab.themes._stats import ols_drivers

PASS = ["created_at", "rating", "customer_id", "channel", "brand"]


def write_parts(out, miner, feedback, *, n_parts=4, passthrough=PASS, row_group_size=None):
    """Split the miner's training tables into parts laid out like mine_themes_at_scale's."""
    comments = miner.comments_.reset_index(drop=True)
    assignments = miner.assignments_.reset_index(drop=True)
    pos = np.repeat(np.arange(len(comments)), comments["n_themes"].clip(lower=1).to_numpy())
    ids = feedback["feedback_id"].astype(str).to_numpy()
    comments.insert(0, "comment_id", ids)
    comments.insert(0, "row", np.arange(len(comments), dtype=np.int64))
    for c in passthrough:
        comments[c] = feedback[c].to_numpy()
    assignments.insert(0, "comment_id", ids[pos])
    assignments.insert(0, "row", pos.astype(np.int64))
    (out / "comments").mkdir(parents=True)
    (out / "assignments").mkdir()
    bounds = np.linspace(0, len(comments), n_parts + 1).astype(int)
    for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
        comments.iloc[lo:hi].to_parquet(out / "comments" / f"part-{i:05d}.parquet", index=False,
                                        row_group_size=row_group_size)
        sel = (pos >= lo) & (pos < hi)
        assignments[sel].to_parquet(out / "assignments" / f"part-{i:05d}.parquet", index=False,
                                    row_group_size=row_group_size)
    return out


@pytest.fixture(scope="module")
def demo():
    from cxlab.datasets import ensure_demo_data

    root = ensure_demo_data()
    fb = pd.read_csv(root / "feedback.csv", dtype={"feedback_id": str, "customer_id": str})
    fb = fb.sample(3000, random_state=1).sort_index().reset_index(drop=True)
    miner = ThemeMiner(8, stop_words=["loomwear", "threadly", "stylehub"], random_state=0).fit(fb)
    return fb, miner


@pytest.fixture(scope="module")
def parts(demo, tmp_path_factory):
    fb, miner = demo
    return write_parts(tmp_path_factory.mktemp("scale") / "out", miner, fb, n_parts=4)


KW = dict(outcome_col="rating", time_col="created_at", segment_cols=["channel", "brand"],
          customer_col="customer_id")


def _assert_tables_equal(got: pd.DataFrame, want: pd.DataFrame):
    assert list(got.columns) == list(want.columns)
    for c in want.columns:
        if pd.api.types.is_float_dtype(want[c]):
            np.testing.assert_allclose(got[c].to_numpy(float), want[c].to_numpy(float), rtol=1e-6,
                                       atol=1e-4, equal_nan=True, err_msg=c)
        else:
            assert got[c].astype(object).tolist() == want[c].astype(object).tolist(), c


def test_summarise_parts_equals_pain_points(demo, parts):
    fb, miner = demo
    want = pain_points(fb, miner, **KW)
    got = summarise_parts(parts, miner, **KW)
    _assert_tables_equal(got, want)
    # counts are exact, not just close
    for c in ("rank", "n_comments", "n_negative", "n_neutral", "n_positive"):
        assert got[c].tolist() == want[c].tolist()
    # the demo sample exercises every part: impacts, a flagged trend, customers, segment lifts
    assert want["impact"].notna().all() and (want["trend"] == "emerging").any()
    assert (want["share_customers"] > want["share_comments"]).all() and want["top_channel"].str.len().gt(0).all()


def test_trend_within_channels_streams_the_same(demo, parts):
    # the within-channel trend test from per (month, channel) counts equals the in-memory one
    fb, miner = demo
    kw = dict(KW, trend_within="channel")
    want = pain_points(fb, miner, **kw)
    agg = aggregate_parts(parts, miner, **kw)
    _assert_tables_equal(agg.pain_points, want)
    # the plotted monthly shares still add up the channels
    assert agg.trends.equals(aggregate_parts(parts, miner, **KW).trends)
    assert not np.allclose(want["trend_slope"], pain_points(fb, miner, **KW)["trend_slope"])


def test_small_batches_give_the_same_table(demo, tmp_path, monkeypatch):
    # many batches per part and parts that split differently: nothing depends on batch edges
    import cxlab.scale._aggregate as agg

    fb, miner = demo
    out = write_parts(tmp_path / "out", miner, fb, n_parts=3, row_group_size=300)
    monkeypatch.setattr(agg, "BATCH_ROWS", 257)
    monkeypatch.setattr("cxlab.scale._aggregate_stats._COMPACT", 100)
    seen = []
    add = agg.Accumulator.add
    monkeypatch.setattr(agg.Accumulator, "add", lambda self, c, a, pos: (seen.append(len(c)), add(self, c, a, pos)))
    _assert_tables_equal(summarise_parts(out, miner, **KW), pain_points(fb, miner, **KW))
    # streamed: never more than one record batch of comments at a time
    assert max(seen) <= 257 and sum(seen) == len(fb) and len(seen) >= len(fb) // 257


def test_plot_tables_match_the_in_memory_ones(demo, parts):
    fb, miner = demo
    agg = aggregate_parts(parts, miner, **KW)
    _assert_tables_equal(agg.trends, theme_trends(fb, miner, time_col="created_at"))
    for c in ("channel", "brand"):
        _assert_tables_equal(agg.segments[c], theme_segments(fb, miner, segment_col=c))
    info = miner.get_theme_info()
    _assert_tables_equal(agg.theme_info, info)
    assert agg.n_comments == len(fb)
    assert agg.unthemed_share == pytest.approx(miner.unthemed_share_)
    flags = miner.comments_[["is_empty", "is_non_english"]].sum()
    assert (agg.n_empty, agg.n_non_english) == (int(flags["is_empty"]), int(flags["is_non_english"]))
    assert agg.describe(top=2).splitlines()[0].startswith(f"{miner.n_themes_} themes")


def test_dates_are_read_alike_in_every_part(demo, tmp_path):
    """Parts are read batch by batch, yet dates are read as on the whole table: day-first decided
    once, ISO and day-first layouts side by side, values that are not dates counted."""
    fb, miner = demo
    mixed = fb.copy()
    when = pd.to_datetime(fb["created_at"], format="ISO8601", errors="coerce")
    later = np.arange(len(fb)) >= len(fb) // 2  # the last two of four parts: day-first text
    mixed.loc[later, "created_at"] = when[later].dt.strftime("%d/%m/%Y %H:%M")
    # a part that opens on an ambiguous date (read month-first on its own), and a non-date
    first_later = int(np.flatnonzero(later)[0])
    mixed.loc[first_later, "created_at"] = "03/02/2025 10:00"
    mixed.loc[3, "created_at"] = "last tuesday"
    out = write_parts(tmp_path / "out", miner, mixed, n_parts=4)
    with pytest.warns(UserWarning, match="comment\\(s\\) have a 'created_at' value that is not a date") as rec:
        agg = aggregate_parts(out, miner, **KW)
    with pytest.warns(UserWarning, match="not a date"):
        want = theme_trends(mixed, miner, time_col="created_at")
    _assert_tables_equal(agg.trends, want)
    n_bad = int(fb["created_at"].isin(["not recorded"]).sum()) + 1
    assert agg.n_undated == n_bad and str(rec[0].message).startswith(f"{n_bad} of {len(fb)} ")
    # the day-first parts land in the same months as the ISO originals (3 Feb, not 2 Mar)
    month = agg.trends.groupby("period")["n_total"].first()
    orig = theme_trends(fb.drop(index=[3, first_later]), miner, time_col="created_at")
    assert (month - orig.groupby("period")["n_total"].first()).abs().sum() <= 2


def test_plots_take_the_aggregates(demo, parts):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlab.plotting.themes import (
        plot_pain_points,
        plot_theme_segments,
        plot_theme_trends,
        plot_theme_volume,
    )

    _, miner = demo
    agg = aggregate_parts(parts, miner, **KW)
    for ax in (plot_theme_volume(agg.pain_points), plot_pain_points(agg.pain_points),
               plot_theme_trends(agg.trends), plot_theme_segments(agg.segments["channel"])):
        assert ax.has_data() or ax.collections or ax.patches
    plt.close("all")


def test_without_optional_columns(demo, parts):
    fb, miner = demo
    _assert_tables_equal(summarise_parts(parts, miner), pain_points(fb, miner))


def test_missing_column_and_missing_parts_are_named(demo, parts, tmp_path):
    _, miner = demo
    with pytest.raises(SchemaError, match=r"outcome_col='nps_score' is not a column of the comment parts"):
        summarise_parts(parts, miner, outcome_col="nps_score")
    with pytest.raises(SchemaError, match=r"no comments/\*\.parquet parts"):
        summarise_parts(tmp_path, miner)


def test_unknown_theme_in_parts_is_reported(parts):
    other = ThemeMiner(2, random_state=0).fit(["late parcel again", "runs small size"] * 10)
    with pytest.raises(SchemaError, match="the model does not have"):
        summarise_parts(parts, other)


def test_incomplete_run_is_reported(demo, parts, tmp_path):
    import shutil

    _, miner = demo
    out = tmp_path / "cut"
    shutil.copytree(parts, out)
    (out / "comments" / "part-00003.parquet").unlink()
    with pytest.raises(SchemaError, match="run is incomplete"):
        summarise_parts(out, miner)


@pytest.mark.parametrize("collinear", [False, True])
def test_ols_from_moments_equals_ols_on_rows(collinear):
    rng = np.random.default_rng(0)
    n, k = 400, 4
    if collinear:  # every row exactly one theme: collinear with the intercept
        X = np.eye(k)[rng.integers(0, k, n)]
    else:
        X = (rng.random((n, k)) < 0.3).astype(float)
        X[:, 3] = 0  # no variation -> NaN
    y = 3 + X @ np.array([-1.0, 0.5, 0.0, 0.0]) + rng.normal(0, 1, n)
    want = ols_drivers(y, X)
    yc = y - 2.5
    got = ols_from_moments(n, X.sum(0), X.T @ X, yc.sum(), X.T @ yc, yc @ yc)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-8, atol=1e-10, equal_nan=True)


def test_exact_rank():
    assert exact_rank(np.array([[3, 1, 2], [1, 1, 0], [2, 0, 2]])) == 2
    assert exact_rank(np.eye(3) * 7) == 3
