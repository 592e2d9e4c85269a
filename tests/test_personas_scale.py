"""Personas at scale: sample fit with stability, chunked and Dask assignment equal to in-memory."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from cxlab.exceptions import DataLoadError, ParameterError, SchemaError
from cxlab.personas import (
    PersonaModel,
    assign_personas_at_scale,
    fit_personas_on_sample,
    make_synthetic_customers,
)


@pytest.fixture(scope="module")
def data():
    X, truth = make_synthetic_customers(6000, random_state=3)
    # a few customers without orders: assigned by the features they have ("partial profile")
    X.loc[X.index[:40], ["aov", "frequency", "recency_days", "return_rate", "channel_app_share"]] = np.nan
    return X, truth


@pytest.fixture(scope="module")
def fit(data):
    X, _ = data
    return fit_personas_on_sample(X, sample_size=1500, n_refits=2, holdout_size=800, n_personas=4,
                                  n_bootstrap=3, random_state=0)


@pytest.fixture(scope="module")
def sources(data, tmp_path_factory):
    X, _ = data
    root = tmp_path_factory.mktemp("features")
    folder = root / "parquet"
    folder.mkdir()
    # a dataset of three files with uneven row groups: chunks cross file and group edges
    for i, (lo, hi) in enumerate([(0, 2500), (2500, 2600), (2600, len(X))]):
        X.iloc[lo:hi].to_parquet(folder / f"part-{i}.parquet", row_group_size=333)
    X.to_csv(root / "features.csv")
    return {"frame": X, "parquet": folder, "csv": root / "features.csv"}


def test_sample_fit_reports_stability_and_recovers_personas(data, fit):
    X, truth = data
    assert fit.model.n_personas_ == 4 and fit.sample_size == 1500 and fit.n_rows == len(X)
    assert list(fit.stability.columns) == ["refit", "sample_size", "ari_holdout", "agreement"]
    assert len(fit.stability) == 2 and fit.ari > 0.9 and (fit.stability["agreement"] > 0.9).all()
    assert fit.sample_index.is_unique and len(fit.sample_index) == 1500
    full = fit.model.predict(X)
    assert adjusted_rand_score(truth, full) > 0.9
    assert "stable" in fit.summary() and "NOT" not in fit.summary()


def test_sample_fit_is_deterministic(data, fit):
    X, _ = data
    again = fit_personas_on_sample(X, sample_size=1500, n_refits=2, holdout_size=800, n_personas=4,
                                   n_bootstrap=3, random_state=0)
    pd.testing.assert_frame_equal(again.stability, fit.stability)
    pd.testing.assert_series_equal(again.model.predict(X), fit.model.predict(X))


def test_sample_fit_flags_structureless_data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(3000, 3)), columns=["a", "b", "c"])
    res = fit_personas_on_sample(X, sample_size=600, n_refits=3, holdout_size=500, n_personas=6,
                                 n_bootstrap=2, feature_weighting=None, random_state=0)
    # six clusters in a round blob: each sample cuts it differently
    assert res.ari < res.model.min_stability and "NOT stable" in res.summary()


@pytest.mark.parametrize("kind", ["frame", "parquet", "csv"])
def test_chunked_assignment_equals_in_memory(data, fit, sources, kind):
    X, _ = data
    want = fit.model.assign(X)
    res = assign_personas_at_scale(fit.model, sources[kind], chunk_size=977,
                                   id_col="customer_id" if kind == "csv" else None)
    got = res.table
    assert res.n_rows == len(X) and got.index.tolist() == X.index.tolist()
    pd.testing.assert_frame_equal(got, want, check_names=False, check_exact=False, rtol=1e-12)
    assert (got["basis"] == "partial profile").sum() == 40
    assert res.counts.to_dict() == want["persona"].value_counts().sort_index().to_dict()


def test_parts_written_in_order_and_byte_identical(data, fit, sources, tmp_path):
    X, _ = data
    a = assign_personas_at_scale(fit.model, sources["parquet"], out_dir=tmp_path / "a", chunk_size=1000)
    b = assign_personas_at_scale(fit.model, sources["parquet"], out_dir=tmp_path / "b", chunk_size=1000)
    assert [p.name for p in a.parts] == [f"part-{i:05d}.parquet" for i in range(6)]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(a.parts, b.parts))
    pd.testing.assert_frame_equal(a.read(), fit.model.assign(X))
    with pytest.raises(ParameterError, match="holds a run of a different input or parameters"):
        assign_personas_at_scale(fit.model, X, out_dir=tmp_path / "a")
    c = assign_personas_at_scale(fit.model, X.iloc[:10], out_dir=tmp_path / "a", overwrite=True)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["manifest.json", "part-00000.parquet"]
    assert c.n_rows == 10


def test_interrupted_assignment_resumes_without_redoing_finished_parts(data, fit, sources, tmp_path):
    import json
    import os

    whole = assign_personas_at_scale(fit.model, sources["parquet"], out_dir=tmp_path / "whole", chunk_size=1000)
    out = tmp_path / "run"
    assign_personas_at_scale(fit.model, sources["parquet"], out_dir=out, chunk_size=1000)
    # interrupt after part 2: parts 3-5 never made the manifest; part 3's file was written just
    # before the interruption, part 4 half-written as a temporary file, part 5 not at all
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["parts_done"] = [0, 1, 2]
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "part-00004.parquet").rename(out / "part-00004.parquet.tmp")
    (out / "part-00005.parquet").unlink()
    stamp = {i: (out / f"part-{i:05d}.parquet").stat().st_mtime_ns for i in range(3)}
    for i in range(3):  # make any rewrite visible
        os.utime(out / f"part-{i:05d}.parquet", ns=(1, 1))
    # the usual recovery: a new process loads the saved model and reruns the same call
    from cxlab.personas import load_persona_model, save_persona_model

    save_persona_model(fit.model, tmp_path / "model.joblib")
    resumed = assign_personas_at_scale(load_persona_model(tmp_path / "model.joblib"), sources["parquet"],
                                       out_dir=out, chunk_size=1000)
    assert all((out / f"part-{i:05d}.parquet").stat().st_mtime_ns == 1 for i in range(3)), stamp  # kept
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"] + [f"part-{i:05d}.parquet" for i in range(6)]
    assert [p.read_bytes() for p in resumed.parts] == [p.read_bytes() for p in whole.parts]
    pd.testing.assert_series_equal(resumed.counts, whole.counts)
    assert resumed.n_rows == whole.n_rows and json.loads((out / "manifest.json").read_text())["parts_done"] == list(range(6))
    with pytest.raises(ParameterError, match=r"chunk_size: 1000 -> 500"):
        assign_personas_at_scale(fit.model, sources["parquet"], out_dir=out, chunk_size=500)
    with pytest.raises(ParameterError, match="already holds a run and resume=False"):
        assign_personas_at_scale(fit.model, sources["parquet"], out_dir=out, chunk_size=1000, resume=False)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError, match="holds files but no run manifest"):
        assign_personas_at_scale(fit.model, sources["parquet"], out_dir=tmp_path / "other")


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_equals_local(data, fit, sources, tmp_path, dask_client):
    X, _ = data
    local = assign_personas_at_scale(fit.model, sources["parquet"], out_dir=tmp_path / "local", chunk_size=1500)
    dask = assign_personas_at_scale(fit.model, sources["parquet"], out_dir=tmp_path / "dask", chunk_size=1500,
                                    engine="dask", scheduler=dask_client)
    assert [p.read_bytes() for p in dask.parts] == [p.read_bytes() for p in local.parts]
    in_memory = assign_personas_at_scale(fit.model, X, chunk_size=2000, engine="dask", scheduler=dask_client)
    pd.testing.assert_frame_equal(in_memory.table, fit.model.assign(X))
    pd.testing.assert_series_equal(dask.counts, local.counts)


def test_bad_inputs(data, fit, tmp_path):
    X, _ = data
    with pytest.raises(SchemaError, match=r"lack columns \['age'\]"):
        assign_personas_at_scale(fit.model, X.drop(columns="age"))
    with pytest.raises(ParameterError, match="engine must be 'local' or 'dask'"):
        assign_personas_at_scale(fit.model, X, engine="spark")
    with pytest.raises(ParameterError, match="chunk_size must be a positive integer"):
        assign_personas_at_scale(fit.model, X, chunk_size=0)
    with pytest.raises(DataLoadError, match="not found"):
        assign_personas_at_scale(fit.model, tmp_path / "nope.csv")
    with pytest.raises(DataLoadError, match="holds no .parquet files"):
        assign_personas_at_scale(fit.model, tmp_path)
    with pytest.raises(ParameterError, match="sample_size must be an integer >= 2"):
        fit_personas_on_sample(X, sample_size=1)
    with pytest.raises(ParameterError, match=r"unknown PersonaModel parameter\(s\) \['n_clusters'\]"):
        fit_personas_on_sample(X, sample_size=100, n_clusters=3)


def test_unfitted_model_is_refused(data):
    X, _ = data
    with pytest.raises(Exception, match="not fitted yet"):
        assign_personas_at_scale(PersonaModel(), X)
