"""``mine_themes_at_scale``: themes for inputs of any size, in chunks, locally or on Dask.

Steps (each a small function below):

1. **sample**: one pass over the text column keeps a seeded sample (:mod:`cxlab.scale._sample`)
   and counts the rows;
2. **fit**: :class:`~cxlab.themes.ThemeMiner` on the sample, saved as ``theme_model.pkl``;
3. **assign**: every chunk is prepared, redacted, scored and assigned by the fitted model and
   written as one ``comments`` and one ``assignments`` Parquet part (:mod:`cxlab.scale._work`),
   on a local process pool or a Dask cluster (:mod:`cxlab.scale._engines`);
4. **outputs**: ``themes.csv`` from aggregates of the parts, and ``comments.csv`` /
   ``assignments.csv`` when the input has at most ``csv_max_rows`` rows.

Why fit on a sample rather than ``partial_fit`` (MiniBatchNMF): the model's vocabulary,
phrases, number of themes (``"auto"``), labels and sentiment adaptation are all learned from a
corpus; a uniform sample of 100k comments pins them down as well as the full corpus does for
themes that matter (a theme in 0.1% of comments still has ~100 examples), costs a bounded,
known time and memory, and gives exactly the small-input model when the input fits in the sample.
"""
from __future__ import annotations

import hashlib
import json
import numbers
import time
from pathlib import Path

from cxlab._version import __version__
from cxlab.exceptions import DataLoadError, ParameterError
from cxlab.scale._engines import default_jobs, run_chunks
from cxlab.scale._model import save_with_part_tables, save_without_tables
from cxlab.scale._manifest import (MANIFEST_VERSION, check_manifest, clear_outputs, file_sha1,
                                   read_manifest, write_manifest)
from cxlab.scale._outputs import drop_fragments, themes_table, write_csv_tables, write_themes_csv
from cxlab.scale._progress import Progress
from cxlab.scale._read import check_columns, count_rows, input_identity, iter_chunks
from cxlab.scale._result import ScaleResult
from cxlab.scale._sample import BottomK
from cxlab.scale._work import ChunkSpec, part_name
from cxlab.themes._stats import check_trend_within

__all__ = ["mine_themes_at_scale"]

MODEL = "theme_model.pkl"


def _check_int(name, value, low):
    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= low):
        raise ParameterError(f"{name} must be an integer >= {low}, got {value!r}.")


def _taxonomy_key(taxonomy):
    if taxonomy is None:
        return None
    if isinstance(taxonomy, (str, Path)):
        p = Path(taxonomy)
        return f"{p.name}:{file_sha1(p)}" if p.is_file() else str(p)
    if isinstance(taxonomy, dict):
        return hashlib.sha1(json.dumps(taxonomy, sort_keys=True, default=str).encode()).hexdigest()
    return hashlib.sha1(repr(taxonomy).encode()).hexdigest()


def _start(out_dir: Path, identity, params, *, resume, overwrite) -> dict:
    """The manifest to continue from (``parts_done`` may be empty); clears old outputs if asked."""
    old = read_manifest(out_dir)
    leftovers = (out_dir / "comments").exists() or (out_dir / MODEL).exists()
    if overwrite:
        clear_outputs(out_dir)
    elif old is not None:
        if not resume:
            raise ParameterError(f"{str(out_dir)!r} already holds a run and resume=False; use a new output "
                                 "folder (--out) or overwrite=True (--overwrite).")
        check_manifest(old, identity=identity, params=params, out_dir=out_dir)
        return old
    elif leftovers:
        raise ParameterError(f"{str(out_dir)!r} holds theme outputs without a run manifest; use a new output "
                             "folder (--out) or overwrite=True (--overwrite).")
    return {"version": MANIFEST_VERSION, "input": identity, "params": params, "parts_done": []}


def _sample(source, text_col, chunk_size, sample_size, seed, progress):
    """Pass 1: the seeded sample, the row count and the unreadable rows."""
    sampler, skipped = BottomK(sample_size, seed), {}
    bar = Progress(count_rows(source), "sampling", enabled=progress)
    for _, frame in iter_chunks(source, columns=[text_col], chunk_size=chunk_size, skipped=skipped):
        sampler.add(frame[text_col])
        bar.update(len(frame))
    bar.close()
    return sampler.sample(), sampler.n_seen, skipped


def _fit(sample, *, n_themes, taxonomy, stop_words, seed, text_col):
    from cxlab.themes import ThemeMiner

    if len(sample) == 0:
        raise DataLoadError("the input has no rows; give a file with at least a few comments.")
    return ThemeMiner(n_themes, taxonomy=taxonomy, text_col=text_col, stop_words=tuple(stop_words),
                      random_state=seed).fit(sample)


def mine_themes_at_scale(source, *, text_col, id_col=None, time_col=None, outcome_col=None,
                         segment_cols=(), customer_col=None, out_dir, n_themes="auto", taxonomy=None,
                         stop_words=(), engine="local", scheduler=None, n_jobs=None, chunk_size=50_000,
                         sample_size=100_000, csv_max_rows=1_000_000, resume=True, overwrite=False,
                         progress=None, random_state=None, trend_within=None) -> ScaleResult:
    """Find themes in a feedback file of any size with bounded memory, locally or on Dask.

    The model is fitted on a seeded sample of ``sample_size`` rows (the same sample for any
    chunk size or engine); then every chunk of ``chunk_size`` rows is prepared, redacted,
    scored and assigned and written as Parquet parts. Peak memory depends on ``chunk_size``,
    ``sample_size`` and ``n_jobs``, not on the input's size.

    Parameters
    ----------
    source : str or Path
        CSV/TSV (optionally ``.gz``), a Parquet file, or a folder of Parquet files (dataset).
    text_col : str
        Column of the comments.
    id_col, time_col, outcome_col, customer_col : str, optional
        Comment id (default: row number from 1), date, numeric outcome (rating, NPS) and
        customer id; all but ``id_col`` are copied into the ``comments`` parts.
    segment_cols : sequence of str, default=()
        Segment columns (channel, product...) copied into the ``comments`` parts.
    trend_within : str, optional
        Column (e.g. channel) whose groups the trend test of ``themes.csv`` holds apart (see
        :func:`cxlab.themes.pain_points`); copied into the ``comments`` parts.
    out_dir : str or Path
        Output folder: ``comments/part-NNNNN.parquet``, ``assignments/part-NNNNN.parquet``,
        ``theme_model.pkl``, ``themes.csv``, ``manifest.json`` and, for at most
        ``csv_max_rows`` rows, ``comments.csv`` and ``assignments.csv`` (as ``cxlab themes``).
    n_themes, taxonomy, stop_words
        As :class:`~cxlab.themes.ThemeMiner`.
    engine : {"local", "dask"}, default="local"
        ``"local"``: a pool of ``n_jobs`` processes. ``"dask"``: a ``dask.distributed`` cluster
        at ``scheduler``, or a ``LocalCluster`` of ``n_jobs`` (default 2) single-threaded
        worker processes, closed afterwards. Both give identical outputs. With a remote
        scheduler, ``out_dir`` must be a folder every worker can write to.
    scheduler : str, optional
        Dask scheduler address (``tcp://host:8786``); only with ``engine="dask"``.
    n_jobs : int, optional
        Worker processes (default: all cores locally, 2 for a Dask LocalCluster).
    chunk_size : int, default=50_000
        Rows per chunk (and per part).
    sample_size : int, default=100_000
        Rows the model is fitted on; inputs with fewer rows are fitted on every row (the same
        model as ``ThemeMiner.fit`` on the whole table).
    csv_max_rows : int, default=1_000_000
        Also write ``comments.csv`` / ``assignments.csv`` when the input has at most this many
        rows (a spreadsheet holds about 1M).
    resume : bool, default=True
        Continue an interrupted run in ``out_dir`` (same input and parameters): finished parts
        are kept, the others redone; rows are never duplicated.
    overwrite : bool, default=False
        Replace an earlier run in ``out_dir`` (only the files this function writes).
    progress : bool, optional
        Progress bar (``None``: a bar in a terminal, a line every 10% otherwise).
    random_state : int, optional
        Seed of the sample and the model (default: ``cxlab.config.DEFAULT_RANDOM_STATE``, so
        reruns and resumes are reproducible).

    Returns
    -------
    ScaleResult
        The fitted model, counts, output paths and timings; ``.summary()`` reads them out.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"text": ["parcel arrived late", "the dress runs small"] * 50}).to_csv(
    ...     tmp / "fb.csv", index=False)
    >>> res = mine_themes_at_scale(tmp / "fb.csv", text_col="text", out_dir=tmp / "out", n_themes=2,
    ...                            n_jobs=1, chunk_size=30, progress=False, random_state=0)
    >>> res.n_rows, res.n_parts, sorted(p.name for p in (tmp / "out" / "comments").iterdir())[:2]
    (100, 4, ['part-00000.parquet', 'part-00001.parquet'])
    """
    from cxlab.config import DEFAULT_RANDOM_STATE
    from cxlab.themes import ThemeMiner

    t_start = time.perf_counter()
    if engine not in ("local", "dask"):
        raise ParameterError(f"engine must be 'local' or 'dask', got {engine!r}.")
    if scheduler is not None and engine != "dask":
        raise ParameterError(f"scheduler={scheduler!r} needs engine='dask' (--engine dask).")
    _check_int("chunk_size", chunk_size, 1)
    _check_int("sample_size", sample_size, 2)
    _check_int("csv_max_rows", csv_max_rows, 0)
    if n_jobs is not None:
        _check_int("n_jobs", n_jobs, 1)
    if isinstance(segment_cols, str):
        segment_cols = [segment_cols]
    segment_cols = list(segment_cols)
    seed = DEFAULT_RANDOM_STATE if random_state is None else int(random_state)
    n_jobs = n_jobs or (default_jobs() if engine == "local" else 2)

    cols = {"text_col": text_col, "id_col": id_col, "time_col": time_col, "outcome_col": outcome_col,
            "customer_col": customer_col, "trend_within": trend_within,
            **{f"segment_cols[{i}]": c for i, c in enumerate(segment_cols)}}
    check_columns(source, cols)
    check_trend_within(trend_within, time_col)
    passthrough = tuple(dict.fromkeys(c for c in (time_col, outcome_col, customer_col, trend_within, *segment_cols)
                                      if c is not None and c not in (text_col,)))
    out_dir = Path(out_dir)
    identity = input_identity(source)
    params = {"text_col": text_col, "id_col": id_col, "time_col": time_col, "outcome_col": outcome_col,
              "segment_cols": segment_cols, "customer_col": customer_col, "chunk_size": chunk_size,
              "sample_size": sample_size, "random_state": seed, "n_themes": n_themes,
              "taxonomy": _taxonomy_key(taxonomy), "stop_words": list(stop_words), "cxlab": __version__}
    if trend_within is not None:  # its column is carried in the parts
        params["trend_within"] = trend_within
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = _start(out_dir, identity, params, resume=resume, overwrite=overwrite)
    timings = {}

    # 1-2. sample and fit, unless an earlier run of the same input saved the model
    model_path = out_dir / MODEL
    if manifest.get("model_sha1") and model_path.is_file() and file_sha1(model_path) == manifest["model_sha1"]:
        miner = ThemeMiner.load(model_path)
        timings["sample"] = timings["fit"] = 0.0
    else:
        t = time.perf_counter()
        sample, n_rows, skipped = _sample(source, text_col, chunk_size, sample_size, seed, progress)
        timings["sample"] = time.perf_counter() - t
        t = time.perf_counter()
        miner = _fit(sample, n_themes=n_themes, taxonomy=taxonomy, stop_words=stop_words, seed=seed,
                     text_col=text_col)
        save_without_tables(miner, model_path)  # its training tables come from the parts (step 4)
        miner._train = None  # the sample's matrices: not needed to assign, and memory is bounded
        timings["fit"] = time.perf_counter() - t
        manifest.update(n_rows=n_rows, n_sampled=len(sample), skipped=skipped, parts_done=[],
                        part_counts={}, model_sha1=file_sha1(model_path), model_tables=False)
        del sample
        write_manifest(out_dir, manifest)
    n_rows = int(manifest["n_rows"])

    # 3. assign chunk by chunk; finished parts (listed and present) are skipped
    t = time.perf_counter()
    for sub in ("comments", "assignments"):
        (out_dir / sub).mkdir(exist_ok=True)
    done = {p for p in manifest.get("parts_done", [])
            if (out_dir / "comments" / part_name(p)).is_file() and (out_dir / "assignments" / part_name(p)).is_file()}
    n_parts = -(-n_rows // chunk_size)
    reused = len(done)
    manifest["parts_done"] = sorted(done)
    bar = Progress(n_rows, "assigning themes", enabled=progress)
    bar.update(sum(min(chunk_size, n_rows - p * chunk_size) for p in done))

    def on_done(counts):
        manifest["parts_done"].append(counts["part"])
        manifest.setdefault("part_counts", {})[str(counts["part"])] = counts
        write_manifest(out_dir, manifest)
        bar.update(counts["rows"])

    columns = [text_col, *([id_col] if id_col else []), *passthrough]
    chunks = ((p, f) for p, f in iter_chunks(source, columns=columns, chunk_size=chunk_size,
                                             outcome_col=outcome_col) if p not in done)
    spec = ChunkSpec(out_dir=str(out_dir.resolve()), text_col=text_col, id_col=id_col, passthrough=passthrough,
                     csv=n_rows <= csv_max_rows)
    try:
        run_chunks(miner, chunks, spec, engine=engine, n_jobs=n_jobs, scheduler=scheduler, on_done=on_done)
    finally:
        bar.close()
    timings["assign"] = time.perf_counter() - t

    # 4. tables from the parts
    t = time.perf_counter()
    parts = list(range(n_parts))
    missing = [p for p in parts if p not in set(manifest["parts_done"])]
    if missing:  # pragma: no cover - the input changed between the two passes
        raise DataLoadError(f"parts {missing[:5]} were not written: the input changed during the run; rerun "
                            "with overwrite=True.")
    table, kind = themes_table(out_dir, miner, parts, time_col=time_col, outcome_col=outcome_col,
                               segment_cols=segment_cols, customer_col=customer_col, trend_within=trend_within)
    paths = {"comments": out_dir / "comments", "assignments": out_dir / "assignments", "model": model_path,
             "themes_csv": write_themes_csv(table, out_dir / "themes.csv")}
    for stale in ("comments.csv", "assignments.csv"):
        (out_dir / stale).unlink(missing_ok=True)
    if n_rows <= csv_max_rows:
        paths.update(write_csv_tables(out_dir, parts, id_col=id_col))
    drop_fragments(out_dir)
    if not manifest.get("model_tables"):
        save_with_part_tables(miner, model_path, out_dir, parts, n_rows=n_rows, sample_size=sample_size,
                              random_state=seed)
        manifest.update(model_sha1=file_sha1(model_path), model_tables=True)
        write_manifest(out_dir, manifest)
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_start

    counts = manifest.get("part_counts", {}).values()
    flags = {k: int(sum(c[k] for c in counts)) for k in ("empty", "non_english", "unthemed")}
    return ScaleResult(miner=miner, out_dir=out_dir, n_rows=n_rows, n_sampled=int(manifest["n_sampled"]),
                       n_skipped=dict(manifest.get("skipped", {})), flags=flags, n_parts=n_parts,
                       n_parts_reused=reused, paths=paths, themes_kind=kind, timings=timings, engine=engine)
