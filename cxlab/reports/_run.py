"""``run_report``: validate parameters, execute notebooks in order, write the run folder."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxlab import config
from cxlab._version import __version__
from cxlab.exceptions import CxlabError, ParameterError, ReportError
from cxlab.reports import _manifest as mf
from cxlab.reports._execute import DEFAULT_KERNEL, NotebookResult, check_kernel, execute_notebook
from cxlab.reports._params import discover_parameters, read_parameters, resolve_parameters
from cxlab.reports._render import extract_figures, notebook_title, render_html, write_index
from cxlab.reports._select import NOTEBOOK_RE, find_notebooks

__all__ = ["ReportRun", "run_report", "run_output_dir", "RUN_DIR_ENV"]

#: environment variable holding the run folder while its notebooks execute
RUN_DIR_ENV = "CXLAB_RUN_DIR"

_RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
#: parameter names holding paths: given relative values are read from the caller's folder
_PATH_SUFFIXES = ("_dir", "_path", "_file")
#: path parameters that name outputs: neither required to exist nor hashed as inputs
_OUTPUT_PREFIXES = ("export", "out", "output", "save", "write", "cache")


def _is_input_path(name: str) -> bool:
    return name.endswith(_PATH_SUFFIXES) and not name.startswith(_OUTPUT_PREFIXES)


@dataclass
class ReportRun:
    """The outcome of :func:`run_report`.

    Attributes
    ----------
    run_id : str
    folder : Path
        ``reports/<run_id>/`` holding executed notebooks, HTML, ``figures/``, ``index.html``
        and ``manifest.json``.
    status : str
        ``"ok"``, ``"failed"`` or ``"interrupted"``.
    notebooks : list of NotebookResult
    """

    run_id: str
    folder: Path
    status: str = "running"
    notebooks: list[NotebookResult] = field(default_factory=list)

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    @property
    def index_path(self) -> Path:
        return self.folder / "index.html"

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    @property
    def failed(self) -> NotebookResult | None:
        return next((nb for nb in self.notebooks if nb.status == "failed"), None)


def _other_parameters(paths: list[Path]) -> dict:
    """Parameters of the notebooks beside the selected ones, only to explain a rejection."""
    if not NOTEBOOK_RE.match(paths[0].name):
        return {}
    chosen = {p.resolve() for p in paths}
    found: dict = {}
    for path in find_notebooks(notebook_dir=paths[0].parent):
        if path.resolve() in chosen:
            continue
        try:
            for name, decls in discover_parameters([path]).items():
                found.setdefault(name, []).extend(decls)
        except ParameterError:  # a broken notebook that is not selected must not stop the run
            continue
    return found


def _default_run_id(started, given: dict) -> str:
    payload = json.dumps(given, sort_keys=True, default=str).encode()
    return f"{started:%Y%m%d-%H%M%S}-{hashlib.sha256(payload).hexdigest()[:7]}"


def _claim_folder(out_dir: Path, run_id: str, *, chosen: bool, force: bool) -> tuple[str, Path]:
    """Create the run folder; refuse to reuse one unless ``force``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    candidate, n = run_id, 1
    while True:
        folder = out_dir / candidate
        try:
            folder.mkdir()
            return candidate, folder
        except FileExistsError:
            if force:
                if any(folder.iterdir()) and not (folder / "manifest.json").is_file():
                    raise ParameterError(
                        f"{folder} exists and is not a cxlab run folder (no manifest.json); "
                        "cxlab will not delete it: choose another run id"
                    ) from None
                shutil.rmtree(folder)
                continue
            if chosen:
                raise ParameterError(
                    f"run folder {folder} already exists; choose another run id or pass "
                    "--force (force=True) to replace it"
                ) from None
            n += 1  # two automatic runs in the same second with the same parameters
            candidate = f"{run_id}-{n}"


def _portable_paths(given: dict[str, dict[str, Any]], folders: dict[str, Path],
                    defaults: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Path parameters as the notebooks, which run in their own folder, must read them.

    A relative path given by the caller is read from the caller's folder. A path inside the
    project is then passed on relative to the notebook's folder (``../data/raw/mine``), so the
    executed notebook, its HTML and the run id do not depend on where the project lives; a path
    outside it is passed on absolute. A value equal to the notebook's own default (a keyword
    such as ``"auto"``) is passed on as it is. A missing input path is an error.
    """
    root = config.project_root().resolve()
    out = {}
    for nb, params in given.items():
        out[nb] = {}
        mine = (defaults or {}).get(nb, {})
        for name, value in params.items():
            if (name.endswith(_PATH_SUFFIXES) and isinstance(value, str) and value
                    and not (name in mine and value == mine[name])):
                path = Path(value).expanduser()
                if not path.is_absolute():
                    path = Path.cwd() / path
                if not path.exists() and _is_input_path(name):
                    raise ParameterError(
                        f"parameter {name!r} names {value!r}, which does not exist (relative "
                        f"paths are read from {Path.cwd()}); give an existing path"
                    )
                path = path.resolve()
                folder = folders[nb].resolve()
                inside = path.is_relative_to(root) and folder.is_relative_to(root)
                value = Path(os.path.relpath(path, folder)).as_posix() if inside else str(path)
            out[nb][name] = value
    return out


def _input_folders(resolved: dict[str, dict[str, Any]],
                   folders: dict[str, Path]) -> tuple[list[Path], int | None]:
    """Files/folders the notebooks read, and the demo seed when a notebook uses the demo data.

    A notebook uses the demo data when its ``data_dir`` is empty; its ``random_state`` (when it
    declares one) is the demo seed, so the runner prepares exactly the data the notebook reads.
    Relative defaults are read from the notebook's folder, where it runs.
    """
    paths, demo_seed = [], None
    for notebook, params in resolved.items():
        for name, value in params.items():
            if name == "data_dir" and value in ("", None):
                seed = params.get("random_state", config.DEFAULT_RANDOM_STATE)
                if demo_seed is None and isinstance(seed, int):
                    demo_seed = seed
            elif _is_input_path(name) and isinstance(value, str) and value:
                path = (folders[notebook] / Path(value).expanduser()).resolve()
                if path.exists() and path not in paths:
                    paths.append(path)
    return paths, demo_seed


def _ensure_demo_data(random_state: int, progress: bool) -> Path | None:
    try:
        from cxlab.datasets import ensure_demo_data
    except ImportError as exc:  # the data package is optional for custom notebooks
        if progress:
            print(f"cxlab report: demo data not prepared ({exc}); notebooks build it if needed",
                  file=sys.stderr)
        return None
    try:
        return Path(ensure_demo_data(random_state=random_state))
    except CxlabError:
        raise
    except Exception as exc:  # a bug or a full disk: say where it happened, exit 1
        raise ReportError(
            f"preparing the demo data (random_state={random_state}) failed before any notebook "
            f"ran: {type(exc).__name__}: {exc}; run 'cxlab demo-data' to see the full error"
        ) from exc


class _Progress:
    """tqdm bars in a terminal; one plain line per notebook otherwise (cron logs, CI)."""

    def __init__(self, total: int, enabled: bool):
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.bar = None
        if self.tty:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc="cxlab report", unit="notebook", position=0,
                            file=sys.stderr)

    def start(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(name)

    def done(self, i: int, total: int, result: NotebookResult) -> None:
        if self.bar is not None:
            self.bar.update(1)
        elif self.enabled:
            extra = f": {result.error['line']}" if result.error else ""
            print(f"cxlab report: [{i}/{total}] {result.name} {result.status} "
                  f"({result.duration_s:.1f} s){extra}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_report(
    notebooks=None,
    *,
    parameters: dict[str, Any] | None = None,
    params_file: str | Path | None = None,
    cli_parameters: list[tuple[str, str]] | None = None,
    out_dir: str | Path | None = None,
    run_id: str | None = None,
    force: bool = False,
    hide_code: bool = False,
    kernel_name: str | None = None,
    notebook_dir: str | Path | None = None,
    progress: bool = True,
) -> ReportRun:
    """Execute report notebooks with papermill into ``<out_dir>/<run_id>/``.

    Parameters
    ----------
    notebooks : str or list, optional
        Which notebooks to run (see :func:`find_notebooks`); default all ``NN_*.ipynb`` in order.
    parameters : dict, optional
        ``{name: value}`` applied to every selected notebook that declares ``name``.
    params_file : str or Path, optional
        YAML file ``name: value``; ``parameters`` and ``cli_parameters`` override it.
    cli_parameters : list of (str, str), optional
        Raw ``-p NAME VALUE`` pairs; values are read as YAML scalars (``3``, ``0.5``, ``true``)
        except for ``str`` parameters, which get the text as typed. They override the rest.
    out_dir : str or Path, optional
        Folder receiving the run folder; default the project's ``reports/``.
    run_id : str, optional
        Run folder name; default ``YYYYmmdd-HHMMSS-<hash of parameters>`` (UTC).
    force : bool, default=False
        Replace an existing run folder of the same name.
    hide_code : bool, default=False
        Hide code cells in the HTML pages (for reviewers).
    kernel_name : str, optional
        Jupyter kernel; default a Python kernel running this interpreter.
    notebook_dir : str or Path, optional
        Where to look for notebooks; default the project's ``notebooks/``.
    progress : bool, default=True
        Progress bars on a terminal, one line per notebook otherwise.

    Returns
    -------
    ReportRun

    Raises
    ------
    ParameterError
        Unknown parameter (the message lists the valid ones), wrong value type, missing path,
        bad selection or run id, existing run folder; raised before anything runs.
    ReportError
        A notebook failed; the message names it, the cell and the exception. Later notebooks are
        skipped, the executed notebook, its HTML and the manifest are still written. The
        :class:`ReportRun` is attached as ``error.run``.

    Notes
    -----
    Notebooks run in their own folder with a kernel of this interpreter (or ``kernel_name``);
    relative path parameters given here are read from the current folder and passed on relative
    to the notebook's folder when inside the project (else absolute), so reports do not depend on
    where the project lives. While the run lasts, ``$CXLAB_RUN_DIR`` holds the run folder, so a notebook
    can save extra files beside its HTML.

    Examples
    --------
    >>> run = run_report(["01"], parameters={"random_state": 0})  # doctest: +SKIP
    >>> run.status, run.index_path.name  # doctest: +SKIP
    ('ok', 'index.html')
    """
    paths = find_notebooks(notebooks, notebook_dir=notebook_dir)
    declared = discover_parameters(paths)
    others = _other_parameters(paths)
    given = _portable_paths(
        resolve_parameters(declared, parameters=parameters, cli=cli_parameters, params_file=params_file,
                           other_notebooks=others),
        folders={p.name: p.parent for p in paths},
        defaults={p.name: {q.name: q.default for q in read_parameters(p)} for p in paths})
    check_kernel(kernel_name)
    if run_id is not None and not _RUN_ID_RE.match(run_id):
        raise ParameterError(
            f"run id {run_id!r} is not a plain folder name; use letters, digits, '.', '_' or '-'"
        )
    results = []
    for path in paths:
        defaults = {p.name: p.default for p in read_parameters(path)}
        # in the notebook's own order: the injected cell must not depend on how they were passed
        mine = {k: given[path.name][k] for k in defaults if k in given.get(path.name, {})}
        mine.update({k: v for k, v in given.get(path.name, {}).items() if k not in mine})
        # project-relative (like the manifest's inputs), so the same run elsewhere writes the same manifest
        results.append(NotebookResult(name=path.name, source=mf._display_path(path, config.project_root()),
                                      title=notebook_title(path),
                                      parameters={**defaults, **mine}, given=mine))

    started = mf.utc_now()
    reports_root = Path(out_dir) if out_dir else config.reports_dir()
    if run_id is not None and not force and (reports_root / run_id).exists():
        _claim_folder(reports_root, run_id, chosen=True, force=False)  # raises: checked early
    input_paths, demo_seed = _input_folders({r.name: r.parameters for r in results},
                                            {p.name: p.parent for p in paths})
    if demo_seed is not None:  # before the run folder exists: a failure here leaves nothing
        demo = _ensure_demo_data(demo_seed, progress)
        if demo is not None:
            input_paths.append(demo)
    chosen_id = run_id or _default_run_id(
        started, {"notebooks": [p.name for p in paths], "parameters": given})
    run_id, folder = _claim_folder(reports_root, chosen_id, chosen=run_id is not None, force=force)
    run = ReportRun(run_id=run_id, folder=folder, notebooks=results)
    project = config.project_root()
    manifest = {
        "cxlab_version": __version__,
        "run_id": run_id,
        "status": "running",
        "started_at": mf.iso(started),
        "finished_at": None,
        "duration_s": None,
        "hide_code": hide_code,
        "kernel": {"name": kernel_name or DEFAULT_KERNEL,
                   "this_interpreter": kernel_name is None, **mf.environment()},
        "parameters": {r.name: r.parameters for r in results},
        "parameters_given": {r.name: r.given for r in results},
        "inputs": {"folders": [mf._display_path(p, project) for p in input_paths],
                   "files": mf.hash_files(input_paths, root=project)},
        "packages": mf.package_versions(),
        "notebooks": [r.to_dict() for r in results],
    }

    def save(status: str) -> None:
        manifest["status"] = run.status = status
        manifest["notebooks"] = [r.to_dict() for r in results]
        if status != "running":
            finished = mf.utc_now()
            manifest["finished_at"] = mf.iso(finished)
            manifest["duration_s"] = round((finished - started).total_seconds(), 1)
        mf.write_manifest(manifest, run.manifest_path)
        write_index(manifest, run.index_path)

    save("running")
    bar = _Progress(len(results), progress)
    # kernels inherit the environment: a notebook may write extra files into its run folder
    previous_run_dir = os.environ.get(RUN_DIR_ENV)
    os.environ[RUN_DIR_ENV] = str(folder.resolve())
    try:
        for i, (path, result) in enumerate(zip(paths, results), start=1):
            bar.start(result.name)
            result.started_at = mf.iso(mf.utc_now())
            output = folder / path.name
            status, seconds, error = execute_notebook(
                path, output, parameters=result.given, kernel_name=kernel_name,
                progress_bar=bar.tty, cwd=path.parent,
            )
            result.status, result.duration_s, result.error = status, round(seconds, 2), error
            if output.is_file():
                result.executed = output.name
                _render_outputs(output, folder, result, hide_code)
            bar.done(i, len(results), result)
            if status == "failed":
                break
    except KeyboardInterrupt:
        for result in results:  # the one running when interrupted
            if result.started_at and result.duration_s is None:
                result.status = "interrupted"
        save("interrupted")
        raise
    finally:
        bar.close()
        if previous_run_dir is None:
            os.environ.pop(RUN_DIR_ENV, None)
        else:
            os.environ[RUN_DIR_ENV] = previous_run_dir
    failed = run.failed
    save("failed" if failed else "ok")
    if failed:
        error = ReportError(_failure_message(run, failed))
        error.run = run
        raise error
    return run


def _render_outputs(executed: Path, folder: Path, result: NotebookResult, hide_code: bool) -> None:
    try:
        result.html = render_html(executed, folder / f"{executed.stem}.html",
                                  hide_code=hide_code).name
        result.figures = [p.relative_to(folder).as_posix()
                          for p in extract_figures(executed, folder / "figures")]
    except Exception as exc:  # a render problem must not hide the notebook's own outcome
        result.render_error = f"{type(exc).__name__}: {exc}"


def _failure_message(run: ReportRun, failed: NotebookResult) -> str:
    err = failed.error or {}
    if err.get("cell"):
        where = f"cell {err['cell']} of {err['n_cells']}"
        if err.get("execution_count"):
            where += f" (In [{err['execution_count']}])"
    else:
        where = "before running any cell"
    lines = [f"notebook {failed.name} failed in {where}: {err.get('line', 'unknown error')}"]
    if failed.executed:
        lines.append(f"  executed notebook kept: {run.folder / failed.executed}")
    if failed.html:
        lines.append(f"  HTML: {run.folder / failed.html}")
    skipped = [r.name for r in run.notebooks if r.status == "skipped"]
    if skipped:
        lines.append(f"  skipped: {', '.join(skipped)}")
    lines.append(f"  manifest: {run.manifest_path}")
    return "\n".join(lines)


def run_output_dir(name: str) -> Path:
    """Folder for files a notebook exports (e.g. an action plan): ``<run folder>/<name>``.

    Inside a ``cxlab report`` run this is in the run's own folder (``$CXLAB_RUN_DIR``), so the
    export travels with the report that made it; in an interactive session it is
    ``reports/<name>`` of the project.
    """
    run_dir = os.environ.get(RUN_DIR_ENV)
    base = Path(run_dir) if run_dir else config.reports_dir()
    return base / name
