"""Personas for millions of customers: fit on a seeded sample, assign in chunks or on Dask.

Clustering needs only a sample (personas are a handful of groups: 50,000 customers pin them
down), but every customer needs a persona. So:

* :func:`fit_personas_on_sample` draws a seeded sample from a feature table too big for memory
  (Parquet file or folder, CSV, or a DataFrame), fits a :class:`PersonaModel` on it, and says how
  much the personas depend on the sample: it refits on ``n_refits`` other independent samples
  and compares their assignments of a held-out set of customers (in none of the samples) with
  the main model's, by the adjusted Rand index (1 = the same personas, 0 = chance) and by the
  share of held-out customers that land in the matching persona;
* :func:`assign_personas_at_scale` scores every customer chunk by chunk (memory bounded by
  ``chunk_size``), locally or on a ``dask.distributed`` cluster, writing one Parquet part per
  chunk. A chunk's personas depend only on its rows and the model, so both engines and any chunk
  size give exactly what ``PersonaModel.assign`` gives in memory. A ``manifest.json`` in the
  output folder lists the finished parts, so an interrupted run resumes where it stopped.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.personas._scale_read import (
    count_rows,
    iter_chunks,
    read_rows,
    source_kind,
    take_rows,
)

__all__ = [
    "SampleFit",
    "ScaledAssignment",
    "assign_chunk",
    "assign_personas_at_scale",
    "fit_personas_on_sample",
]

#: chunks in flight per Dask worker (bounds client and worker memory)
_IN_FLIGHT = 2


# ---------------------------------------------------------------- sample fit
@dataclass
class SampleFit:
    """A :class:`PersonaModel` fitted on a sample, with how much the personas depend on it.

    Attributes
    ----------
    model : PersonaModel
        Fitted on the main sample.
    stability : DataFrame
        One row per refit on another sample: ``refit``, ``sample_size``, ``ari_holdout``
        (adjusted Rand index of its and the main model's personas for the held-out customers)
        and ``agreement`` (share of held-out customers in the matching persona, personas matched
        one to one).
    n_rows, sample_size, holdout_size : int
    """

    model: object
    stability: pd.DataFrame
    n_rows: int
    sample_size: int
    holdout_size: int
    sample_index: pd.Index = field(default=None, repr=False)

    @property
    def ari(self) -> float:
        """Mean holdout ARI over the refits (NaN without refits)."""
        return float(self.stability["ari_holdout"].mean()) if len(self.stability) else float("nan")

    def summary(self) -> str:
        """One paragraph: personas found, sample sizes and their stability across samples."""
        m = self.model
        text = (f"{m.n_personas_} personas fitted on a seeded sample of {self.sample_size:,} of "
                f"{self.n_rows:,} customers.")
        if len(self.stability):
            s = self.stability
            verdict = "stable" if self.ari >= m.min_stability else "NOT stable: treat them as tentative"
            text += (f" Refitted on {len(s)} other sample(s), the personas of {self.holdout_size:,} held-out "
                     f"customers agree with ARI {self.ari:.3f} (min {s['ari_holdout'].min():.3f}); "
                     f"{s['agreement'].mean():.1%} land in the same persona: {verdict}.")
        return text


def _agreement(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.optimize import linear_sum_assignment

    ua, ia = np.unique(a, return_inverse=True)
    ub, ib = np.unique(b, return_inverse=True)
    C = np.zeros((len(ua), len(ub)), dtype=np.int64)
    np.add.at(C, (ia, ib), 1)
    r, c = linear_sum_assignment(-C)
    return float(C[r, c].sum() / max(len(a), 1))


def fit_personas_on_sample(source, *, sample_size: int = 50_000, n_refits: int = 3,
                           holdout_size: int = 10_000, id_col: str | None = None,
                           chunk_size: int = 200_000, random_state=None, **params) -> SampleFit:
    """Fit personas on a seeded sample of a large feature table and report their stability.

    Parameters
    ----------
    source : DataFrame or path
        Customer features (one row per customer, as :func:`build_customer_features` makes): a
        DataFrame, a Parquet file or folder, or a CSV file. Files are streamed, never loaded
        whole: only the samples and the holdout are held in memory.
    sample_size : int, default=50_000
        Customers the model is fitted on (all of them when the table is smaller).
    n_refits : int, default=3
        Refits on other independent samples of ``sample_size`` (with the number of personas the
        main fit chose) whose personas are compared with the main model's. 0 skips it.
    holdout_size : int, default=10_000
        Customers in no sample, assigned by every model to measure agreement.
    id_col : str, optional
        Customer id column (default: the stored Parquet index, else the row number).
    chunk_size : int, default=200_000
        Rows read at a time.
    random_state : int, optional
        Seed for the samples and the models.
    **params
        :class:`PersonaModel` parameters (``n_personas``, ``algorithm``, ``n_bootstrap``...).

    Returns
    -------
    SampleFit
        ``model``, ``stability`` (one row per refit), ``ari`` and ``summary()``.

    Examples
    --------
    >>> from cxlab.personas import make_synthetic_customers
    >>> X, _ = make_synthetic_customers(3000, random_state=0)
    >>> fit = fit_personas_on_sample(X, sample_size=1000, n_refits=2, holdout_size=500,
    ...                              n_personas=4, n_bootstrap=2, random_state=0)
    >>> fit.model.n_personas_, fit.ari > 0.8
    (4, True)
    """
    from cxlab.personas._model import PersonaModel

    for name, value, low in (("sample_size", sample_size, 2), ("n_refits", n_refits, 0),
                             ("holdout_size", holdout_size, 0), ("chunk_size", chunk_size, 1)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise ParameterError(f"{name} must be an integer >= {low}, got {value!r}.")
    allowed = set(PersonaModel().get_params()) - {"random_state", "sample_size"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ParameterError(f"unknown PersonaModel parameter(s) {unknown}; use some of {sorted(allowed)} "
                             "(random_state and sample_size are arguments of fit_personas_on_sample).")
    n = count_rows(source, id_col)
    rng = np.random.default_rng(random_state)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=n_refits + 1)]
    perm = rng.permutation(n)
    hold = np.sort(perm[:min(holdout_size if n_refits else 0, n // 3)])
    rest = perm[len(hold):]
    main_pos = np.sort(rest[:min(sample_size, len(rest))])
    samples = [main_pos]
    for _ in range(n_refits):
        # independent of the main sample: redrawn from all non-holdout customers
        samples.append(np.sort(rng.choice(rest, size=min(sample_size, len(rest)), replace=False)))
    wanted = np.unique(np.concatenate([hold, *samples]))
    table = take_rows(source, wanted, chunk_size=chunk_size, id_col=id_col)
    if len(table) == 0:
        raise SchemaError("fit_personas_on_sample: the source has no rows; pass customer features.")
    at = lambda pos: table.iloc[np.searchsorted(wanted, pos)]
    model = PersonaModel(**params, random_state=seeds[0]).fit(at(main_pos))
    rows = []
    if len(hold):
        H = at(hold)
        ref = model.predict(H).to_numpy()
        refit_params = {**params, "n_personas": model.n_personas_, "n_bootstrap": 0}
        from sklearn.metrics import adjusted_rand_score

        for r, pos in enumerate(samples[1:], start=1):
            other = PersonaModel(**refit_params, random_state=seeds[r]).fit(at(pos))
            lab = other.predict(H).to_numpy()
            rows.append({"refit": r, "sample_size": len(pos),
                         "ari_holdout": round(float(adjusted_rand_score(ref, lab)), 4),
                         "agreement": round(_agreement(ref, lab), 4)})
    stability = pd.DataFrame(rows, columns=["refit", "sample_size", "ari_holdout", "agreement"])
    return SampleFit(model=model, stability=stability, n_rows=n, sample_size=len(main_pos),
                     holdout_size=len(hold), sample_index=table.index[np.searchsorted(wanted, main_pos)])


# ---------------------------------------------------------------- assignment
def assign_chunk(model, frame: pd.DataFrame) -> pd.DataFrame:
    """``PersonaModel.assign`` for one chunk, encoding it once instead of three times."""
    model._check_fitted()
    Z, E, M, partial = model._encode_parts(frame)
    with threadpool_limits(limits=1):
        P = model._proba(Z, E, M, partial)
        persona = model.relabel_[model._raw_predict(Z, E, M, partial)] if len(Z) else np.empty(0, dtype=int)
    conf = P[np.arange(len(P)), persona - 1] if len(P) else np.empty(0)
    return pd.DataFrame({"persona": persona, "persona_name": pd.Series(persona).map(model.names_).to_numpy(object),
                         "confidence": conf,
                         "basis": np.where(partial, "partial profile", "full profile")}, index=frame.index)


@dataclass
class ScaledAssignment:
    """Where :func:`assign_personas_at_scale` wrote its parts, and what they hold.

    Attributes
    ----------
    out_dir : Path or None
    n_rows : int
    counts : Series
        Customers per persona (1..k).
    parts : list of Path
    table : DataFrame or None
        All assignments, when no ``out_dir`` was given.
    """

    out_dir: Path | None
    n_rows: int
    counts: pd.Series
    parts: list = field(default_factory=list)
    table: pd.DataFrame | None = None

    def read(self) -> pd.DataFrame:
        """All assignments as one DataFrame (only for tables that fit in memory)."""
        if self.table is not None:
            return self.table
        frames = [pd.read_parquet(p) for p in self.parts]
        return pd.concat(frames) if frames else pd.DataFrame()


def _score(model, part: int, start: int, frame: pd.DataFrame, out_dir):
    out = assign_chunk(model, frame)
    counts = out["persona"].value_counts()
    if out_dir is None:
        return part, len(out), counts, out, None
    path = Path(out_dir) / part_name(part)
    tmp = path.with_name(path.name + ".tmp")
    out.to_parquet(tmp, index=True)
    os.replace(tmp, path)  # a part is either complete or absent
    return part, len(out), counts, None, path


def _score_remote(model, part, spec, columns, out_dir):
    source, start, chunk_size, id_col = spec
    return _score(model, part, start, read_rows(source, start, start + chunk_size, columns, id_col),
                  out_dir)


def assign_personas_at_scale(model, source, *, out_dir=None, id_col: str | None = None,
                             chunk_size: int = 100_000, engine: str = "local", scheduler=None,
                             n_workers: int = 2, overwrite: bool = False,
                             resume: bool = True) -> ScaledAssignment:
    """Assign every customer of a large feature table to the model's personas, chunk by chunk.

    Parameters
    ----------
    model : PersonaModel
        Fitted (e.g. ``fit_personas_on_sample(...).model``).
    source : DataFrame or path
        Customer features: a DataFrame, Parquet file or folder, or CSV file; only the model's
        columns (and the id) are read.
    out_dir : path, optional
        Folder for ``part-NNNNN.parquet`` files (index = customer id; ``persona``,
        ``persona_name``, ``confidence``, ``basis``), one per chunk in input order. Without it
        the assignments are returned in memory (``.table``).
    id_col : str, optional
        Customer id column (default: the stored Parquet index, else the row number).
    chunk_size : int, default=100_000
        Customers per chunk (memory grows with it, not with the table).
    engine : {"local", "dask"}, default="local"
        ``"dask"`` scores chunks on a ``dask.distributed`` cluster: ``scheduler`` (address or
        Client) or a new ``LocalCluster`` with ``n_workers`` single-threaded workers. For
        Parquet/CSV sources each worker reads its own chunk; results equal the local engine.
    overwrite : bool, default=False
        Replace what ``out_dir`` holds.
    resume : bool, default=True
        When ``out_dir`` holds an interrupted run of the same input, model, columns and chunk
        size (its ``manifest.json`` says so), keep its finished parts and score only the
        others. A folder holding anything else is refused (use a new folder or ``overwrite``),
        so parts from two runs never mix. The manifest is rewritten after every part, so a
        part is listed only once it is complete.

    Returns
    -------
    ScaledAssignment
        ``n_rows``, ``counts`` per persona, ``parts`` (or ``table``); ``read()`` loads them.

    Examples
    --------
    >>> from cxlab.personas import PersonaModel, make_synthetic_customers
    >>> X, _ = make_synthetic_customers(2000, random_state=0)
    >>> model = PersonaModel(4, n_bootstrap=2, random_state=0).fit(X.iloc[:1000])
    >>> res = assign_personas_at_scale(model, X, chunk_size=500)
    >>> res.n_rows, bool((res.table["persona"] == model.predict(X)).all())
    (2000, True)
    """
    model._check_fitted()
    if engine not in ("local", "dask"):
        raise ParameterError(f"engine must be 'local' or 'dask', got {engine!r}.")
    if not isinstance(chunk_size, (int, np.integer)) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise ParameterError(f"chunk_size must be a positive integer, got {chunk_size!r}.")
    kind = source_kind(source)
    if kind == "frame":
        missing = [c for c in model.columns_ if c not in source.columns]
        if missing:
            raise SchemaError(f"customer features lack columns {missing} the model was fitted on; columns "
                              f"found: {list(map(str, source.columns))}.")
    columns = list(model.columns_)
    run = None
    if out_dir is not None:
        out_dir = Path(out_dir)
        run = _Run.start(out_dir, model, source, kind, columns=columns, chunk_size=chunk_size, id_col=id_col,
                         overwrite=overwrite, resume=resume)
    chunks = iter_chunks(source, columns=columns, chunk_size=chunk_size, id_col=id_col)
    if engine == "local":
        results = []
        for part, (start, frame) in enumerate(chunks):
            done = run.finished(part) if run is not None else None
            results.append(done if done is not None else _score(model, part, start, frame, out_dir))
            if run is not None and done is None:
                run.record(part)
    else:
        results = _run_dask(model, source, kind, chunks, columns=columns, chunk_size=chunk_size,
                            id_col=id_col, out_dir=out_dir, scheduler=scheduler, n_workers=n_workers, run=run)
    results.sort(key=lambda r: r[0])
    counts = sum((r[2] for r in results), pd.Series(0, index=model.persona_ids_, dtype=np.int64))
    counts = counts.reindex(model.persona_ids_, fill_value=0).astype(np.int64).rename_axis("persona")
    table = None
    if out_dir is None:
        table = pd.concat([r[3] for r in results]) if results else assign_chunk(model, pd.DataFrame(
            columns=columns))
    return ScaledAssignment(out_dir=out_dir, n_rows=int(sum(r[1] for r in results)), counts=counts.rename("n"),
                            parts=[r[4] for r in results if r[4] is not None], table=table)


def part_name(part: int) -> str:
    """File name of part ``part``: the out-of-core themes' own naming (cxlab.scale), imported late
    so personas do not load the themes pipeline."""
    from cxlab.scale._work import part_name as name

    return name(part)


def _run_dask(model, source, kind, chunks, *, columns, chunk_size, id_col, out_dir, scheduler, n_workers, run):
    from cxlab.scale._dask import dask_client

    with dask_client(scheduler, n_workers=n_workers) as client:
        from distributed import wait

        remote_model = client.scatter(model, broadcast=True, hash=False)  # a fresh key per run: a reused one may be mid-release
        limit = _IN_FLIGHT * max(len(client.scheduler_info()["workers"]), 1)
        results, running = [], []
        record = (lambda r: run.record(r[0])) if run is not None else (lambda r: None)
        if kind == "parquet" and out_dir is not None:
            # workers read their own chunk (only the row groups holding it); only the row range
            # travels. CSV has no row index to seek to: the client reads it and ships chunks.
            starts = list(range(0, count_rows(source, id_col), chunk_size))
            for part, start in enumerate(starts):
                done = run.finished(part) if run is not None else None
                if done is not None:
                    results.append(done)
                    continue
                running.append(client.submit(_score_remote, remote_model, part,
                                             (str(source), start, chunk_size, id_col), columns, out_dir,
                                             pure=False))
                running = _drain(running, results, limit, wait, record)
        else:
            for part, (start, frame) in enumerate(chunks):
                done = run.finished(part) if run is not None else None
                if done is not None:
                    results.append(done)
                    continue
                running.append(client.submit(_score, remote_model, part, start, frame, out_dir, pure=False))
                running = _drain(running, results, limit, wait, record)
        for f in running:
            results.append(f.result())
            record(results[-1])
        return results


def _drain(running, results, limit, wait, record):
    if len(running) >= limit:
        done, pending = wait(running, return_when="FIRST_COMPLETED")
        for f in done:
            results.append(f.result())
            record(results[-1])
        return [f for f in running if f in pending]
    return running


class _Run:
    """The manifest of an assignment run in ``out_dir``: what it was made from, parts finished."""

    def __init__(self, out_dir: Path, manifest: dict):
        self.out_dir, self.manifest = out_dir, manifest

    @classmethod
    def start(cls, out_dir: Path, model, source, kind, *, columns, chunk_size, id_col, overwrite, resume):
        from cxlab.scale._manifest import MANIFEST, MANIFEST_VERSION, check_manifest, read_manifest

        identity = _identity(source, kind, columns, id_col)
        params = {"task": "persona assignment", "model_sha1": _model_sha1(model), "columns": columns,
                  "chunk_size": int(chunk_size), "id_col": id_col}
        fresh = {"version": MANIFEST_VERSION, "input": identity, "params": params, "parts_done": []}
        if out_dir.exists() and any(out_dir.iterdir()):
            old = read_manifest(out_dir)
            if overwrite:
                shutil.rmtree(out_dir)
            elif old is None or not resume:
                why = ("holds files but no run manifest" if old is None else "already holds a run and resume=False")
                raise ParameterError(f"out_dir {str(out_dir)!r} {why}; choose a new folder or pass "
                                     "overwrite=True to replace what it holds.")
            else:
                check_manifest(old, identity=identity, params=params, out_dir=out_dir)
                stray = sorted(p.name for p in out_dir.iterdir()
                               if p.name != MANIFEST and p.name not in {part_name(i) for i in old["parts_done"]})
                for name in stray:  # parts of the interrupted run that never made the manifest
                    (out_dir / name).unlink()
                return cls(out_dir, old)
        out_dir.mkdir(parents=True, exist_ok=True)
        run = cls(out_dir, fresh)
        run._write()
        return run

    def finished(self, part: int):
        """The result tuple of a part an earlier run finished, read back from its file; else None."""
        if part not in set(self.manifest["parts_done"]):
            return None
        path = self.out_dir / part_name(part)
        persona = pd.read_parquet(path, columns=["persona"])["persona"]
        return part, len(persona), persona.value_counts(), None, path

    def record(self, part: int) -> None:
        self.manifest["parts_done"] = [*self.manifest["parts_done"], int(part)]
        self._write()

    def _write(self) -> None:
        from cxlab.scale._manifest import write_manifest

        write_manifest(self.out_dir, self.manifest)


def _identity(source, kind, columns, id_col) -> dict:
    """What makes an input the same on a rerun: the file's identity, or a hash of a frame's columns."""
    if kind == "frame":
        cols = [c for c in [*columns, id_col] if c is not None and c in source.columns]
        digest = hashlib.sha1(pd.util.hash_pandas_object(source[cols], index=True).to_numpy().tobytes())
        return {"path": None, "files": None, "size": int(len(source)), "mtime_ns": None,
                "head_sha1": digest.hexdigest()}
    from cxlab.scale._read import input_identity

    return input_identity(source)


def _model_sha1(model) -> str:
    """Fingerprint of a fitted model that survives save/load (pickling a loaded model gives other
    bytes: pandas rebuilds its frames' internal blocks). Frames are hashed by content."""
    import joblib

    digest = hashlib.sha1()
    for key, value in sorted(vars(model).items()):
        if isinstance(value, (pd.DataFrame, pd.Series)):
            names = list(map(str, value.columns)) if isinstance(value, pd.DataFrame) else [str(value.name)]
            dtypes = list(map(str, value.dtypes)) if isinstance(value, pd.DataFrame) else [str(value.dtype)]
            part = joblib.hash((names, dtypes, pd.util.hash_pandas_object(value, index=True).to_numpy()))
        else:
            part = joblib.hash(value)
        digest.update(f"{key}={part};".encode())
    return digest.hexdigest()
