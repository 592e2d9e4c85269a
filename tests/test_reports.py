"""Tests of the report runner (cxlab.reports, ``cxlab report``, ``cxlab kernel``).

Kernel starts cost seconds, so the notebooks here are tiny and only three runs start kernels:
one passing run through the API (module fixture), one repeat for determinism, one failing run
through the CLI in a subprocess.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cxlab.cli import main
from cxlab.exceptions import ParameterError, ReportError
from cxlab.reports import (
    NotebookParameter,
    discover_parameters,
    find_notebooks,
    install_kernel,
    read_parameters,
    run_report,
)
from cxlab.reports._execute import _error_info
from cxlab.reports._manifest import hash_files, write_manifest
from cxlab.reports._params import format_parameters, resolve_parameters
from cxlab.reports._render import extract_figures, render_html

PARAMS_CELL = (
    "n: int = 3  # how many points\n"
    "scale: float = 1.0  # y scale\n"
    'label: str = "x"  # a label; "" = none\n'
    "flag: bool = False  # a switch\n"
    'mode: Literal["a", "b"] = "a"  # one of two modes\n'
    "limit: int | None = None  # optional cap"
)


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    return nb


@pytest.fixture(scope="module")
def nb_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    nbformat.write(_notebook([
        md("# A tiny report"),
        code("from typing import Literal"),
        code(PARAMS_CELL, metadata={"tags": ["parameters"]}),
        code("import sys\nprint(sys.executable)\nprint(n, scale, label, flag, mode, limit)"),
        code("import os, pathlib\n_ = pathlib.Path(os.environ['CXLAB_RUN_DIR'], 'extra.txt').write_text('x')"),
        code("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
             "%matplotlib inline\nfig, ax = plt.subplots(figsize=(2, 2))\n"
             "ax.plot(range(n), [scale * i for i in range(n)]);"),
    ]), folder / "01_ok.ipynb")
    nbformat.write(_notebook([
        code("k: int = 1  # k", metadata={"tags": ["parameters"]}),
        code("x = 1"),
        code("raise ValueError('planted failure')"),
        code("print('never')"),
    ]), folder / "02_bad.ipynb")
    nbformat.write(_notebook([code("print('after')")]), folder / "03_after.ipynb")
    (folder / "scratch.ipynb").write_text("{}")  # not NN_name: never run
    return folder


@pytest.fixture(scope="module")
def ok_run(nb_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    params = out.parent / "params.yaml"
    params.write_text("n: 5\nlabel: from-file\nscale: 2\n")
    run = run_report(
        ["01"], notebook_dir=nb_dir, out_dir=out, run_id="ok", params_file=params,
        cli_parameters=[("label", "007"), ("flag", "true")], hide_code=True, progress=False,
    )
    return run


# --- parameter discovery and validation (no kernel) ------------------------------------------

def test_read_parameters_keeps_types_defaults_and_help(nb_dir):
    params = {p.name: p for p in read_parameters(nb_dir / "01_ok.ipynb")}
    assert list(params) == ["n", "scale", "label", "flag", "mode", "limit"]
    # a second "=" in the help comment must not hide the parameter (papermill's parser skips it)
    assert (params["label"].type, params["label"].default, params["label"].help) == (
        "str", "x", 'a label; "" = none')
    assert params["n"].type == "int" and params["n"].default == 3
    assert params["mode"].choices == ("a", "b")
    assert params["limit"].type == "int | None"
    assert read_parameters(nb_dir / "03_after.ipynb") == []


def test_untyped_parameter_takes_the_type_of_its_default(tmp_path):
    cell = nbformat.v4.new_code_cell("alpha = 0.5  # weight\nname = None", metadata={"tags": ["parameters"]})
    nbformat.write(_notebook([cell]), tmp_path / "01_x.ipynb")
    alpha, name = read_parameters(tmp_path / "01_x.ipynb")
    assert (alpha.type, alpha.help, name.type) == ("float", "weight", "")
    with pytest.raises(ParameterError, match="'alpha'.*expects float.*got 'heavy'"):
        alpha.coerce("heavy")
    assert name.coerce([1, 2]) == [1, 2]  # unknown type: passed through


def test_parameters_cell_with_bad_syntax_is_reported(tmp_path):
    cell = nbformat.v4.new_code_cell("n: int = = 3", metadata={"tags": ["parameters"]})
    nbformat.write(_notebook([cell]), tmp_path / "01_x.ipynb")
    with pytest.raises(ParameterError, match="parameters cell of 01_x.ipynb is not valid Python"):
        read_parameters(tmp_path / "01_x.ipynb")


@pytest.mark.parametrize("name, raw, expected", [
    ("n", "4", 4),
    ("scale", "2", 2.0),
    ("scale", "1e-3", 0.001),
    ("label", "007", "007"),  # str parameters keep the text as typed
    ("label", "", ""),
    ("flag", "yes", True),
    ("mode", "b", "b"),
    ("limit", "null", None),
    ("limit", "12", 12),
])
def test_cli_values_are_coerced_to_the_declared_type(nb_dir, name, raw, expected):
    declared = discover_parameters([nb_dir / "01_ok.ipynb"])
    got = resolve_parameters(declared, cli=[(name, raw)])["01_ok.ipynb"][name]
    assert got == expected and type(got) is type(expected)


def test_numpy_values_from_the_api_become_builtins(nb_dir):
    import numpy as np

    declared = discover_parameters([nb_dir / "01_ok.ipynb"])
    got = resolve_parameters(declared, parameters={"n": np.int64(4), "scale": np.float32(0.5)})
    assert got["01_ok.ipynb"] == {"n": 4, "scale": 0.5}
    assert type(got["01_ok.ipynb"]["n"]) is int and type(got["01_ok.ipynb"]["scale"]) is float


@pytest.mark.parametrize("name, raw, message", [
    ("n", "3.5", r"'n' \(given with -p\) expects int as declared in 01_ok.ipynb, got 3.5"),
    ("n", "true", r"expects int .*got True \(bool\)"),
    ("flag", "maybe", r"expects bool \(write true or false\)"),
    ("mode", "c", r"expects one of \['a', 'b'\]"),
    ("scale", "[1, 2]", r"expects float"),
])
def test_wrongly_typed_values_are_rejected(nb_dir, name, raw, message):
    declared = discover_parameters([nb_dir / "01_ok.ipynb"])
    with pytest.raises(ParameterError, match=message):
        resolve_parameters(declared, cli=[(name, raw)])


def test_unknown_parameter_lists_the_valid_ones(nb_dir):
    declared = discover_parameters(find_notebooks(["01", "02"], notebook_dir=nb_dir))
    others = discover_parameters([nb_dir / "03_after.ipynb"])
    with pytest.raises(ParameterError) as info:
        resolve_parameters(declared, cli=[("sacle", "2")], other_notebooks=others)
    text = str(info.value)
    assert "unknown parameter 'sacle' given with -p (did you mean 'scale'?)" in text
    for line in ("scale: float = 1.0  # y scale  [01_ok.ipynb]", "k: int = 1  # k  [02_bad.ipynb]"):
        assert line in text


def test_parameter_of_an_unselected_notebook_says_so(nb_dir):
    declared = discover_parameters([nb_dir / "01_ok.ipynb"])
    others = discover_parameters([nb_dir / "02_bad.ipynb"])
    with pytest.raises(ParameterError, match=r"'k'.*declared only by 02_bad.ipynb, which is not selected"):
        resolve_parameters(declared, parameters={"k": 2}, other_notebooks=others)


def test_params_file_may_hold_parameters_of_unselected_notebooks(nb_dir, tmp_path):
    declared = discover_parameters([nb_dir / "01_ok.ipynb"])
    others = discover_parameters([nb_dir / "02_bad.ipynb"])
    path = tmp_path / "suite.yaml"
    path.write_text("n: 2\nk: 5\n")  # k belongs to 02, not selected: ignored
    assert resolve_parameters(declared, params_file=path, other_notebooks=others) == {
        "01_ok.ipynb": {"n": 2}}
    path.write_text("n: 2\nkk: 5\n")
    with pytest.raises(ParameterError, match="unknown parameter 'kk' from suite.yaml"):
        resolve_parameters(declared, params_file=path, other_notebooks=others)


def test_params_file_is_overridden_by_cli(nb_dir, tmp_path):
    declared = discover_parameters([nb_dir / "01_ok.ipynb"])
    path = tmp_path / "p.yaml"
    path.write_text("n: 7\nlabel: 2024\nscale: 3\n")
    got = resolve_parameters(declared, params_file=path, cli=[("n", "9")])["01_ok.ipynb"]
    assert got == {"n": 9, "label": "2024", "scale": 3.0}
    path.write_text("- n\n- 7\n")
    with pytest.raises(ParameterError, match="must hold a mapping 'name: value'"):
        resolve_parameters(declared, params_file=path)
    with pytest.raises(ParameterError, match="cannot read parameters file"):
        resolve_parameters(declared, params_file=tmp_path / "missing.yaml")


def test_parameter_applies_to_every_notebook_declaring_it(tmp_path):
    for name in ("01_a", "02_b"):
        cell = nbformat.v4.new_code_cell("random_state: int = 0  # seed", metadata={"tags": ["parameters"]})
        nbformat.write(_notebook([cell]), tmp_path / f"{name}.ipynb")
    nbformat.write(_notebook([]), tmp_path / "03_c.ipynb")
    declared = discover_parameters(find_notebooks(notebook_dir=tmp_path))
    got = resolve_parameters(declared, cli=[("random_state", "3")])
    assert got == {"01_a.ipynb": {"random_state": 3}, "02_b.ipynb": {"random_state": 3}}
    assert "random_state: int = 0  # seed  [01_a.ipynb, 02_b.ipynb]" in format_parameters(declared)


def test_find_notebooks_selection(nb_dir):
    assert [p.name for p in find_notebooks(notebook_dir=nb_dir)] == [
        "01_ok.ipynb", "02_bad.ipynb", "03_after.ipynb"]
    assert [p.name for p in find_notebooks(["3,1", "bad"], notebook_dir=nb_dir)] == [
        "01_ok.ipynb", "02_bad.ipynb", "03_after.ipynb"]
    assert [p.name for p in find_notebooks("02_bad.ipynb", notebook_dir=nb_dir)] == ["02_bad.ipynb"]
    with pytest.raises(ParameterError, match="no notebook matches '7'.*available: 01_ok, 02_bad, 03_after"):
        find_notebooks("7", notebook_dir=nb_dir)
    with pytest.raises(ParameterError, match="no report notebooks"):
        find_notebooks(notebook_dir=nb_dir / "nothing")


# --- CLI rejections: exit 2 before anything runs ----------------------------------------------

def test_cli_unknown_parameter_exits_2(nb_dir, tmp_path, capsys):
    code = main(["report", "--notebook-dir", str(nb_dir), "--out", str(tmp_path),
                 "-p", "no_such_param", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown parameter 'no_such_param' given with -p" in err
    assert "n: int = 3  # how many points  [01_ok.ipynb]" in err
    assert list(tmp_path.iterdir()) == []  # nothing ran, no run folder


def test_cli_wrong_type_and_missing_path_exit_2(nb_dir, tmp_path, capsys):
    assert main(["report", "--notebook-dir", str(nb_dir), "--out", str(tmp_path),
                 "-p", "n", "many"]) == 2
    assert "parameter 'n' (given with -p) expects int" in capsys.readouterr().err


def test_path_parameters_must_exist(tmp_path):
    cell = nbformat.v4.new_code_cell('data_dir: str = ""  # data', metadata={"tags": ["parameters"]})
    nbformat.write(_notebook([cell]), tmp_path / "01_x.ipynb")
    with pytest.raises(ParameterError, match="'data_dir' names 'no/such/folder', which does not exist"):
        run_report(notebook_dir=tmp_path, out_dir=tmp_path / "out",
                   parameters={"data_dir": "no/such/folder"}, progress=False)


def test_cli_list_params(nb_dir, capsys):
    assert main(["report", "--notebook-dir", str(nb_dir), "--only", "02", "--list-params"]) == 0
    assert "k: int = 1  # k  [02_bad.ipynb]" in capsys.readouterr().out


def test_run_id_collision_is_refused(nb_dir, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError, match="run folder .*taken already exists; .*--force"):
        run_report(["03"], notebook_dir=nb_dir, out_dir=tmp_path, run_id="taken", progress=False)
    with pytest.raises(ParameterError, match="not a cxlab run folder .*will not delete it"):
        run_report(["03"], notebook_dir=nb_dir, out_dir=tmp_path, run_id="taken", force=True,
                   progress=False)
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"
    with pytest.raises(ParameterError, match="run id '../up' is not a plain folder name"):
        run_report(["03"], notebook_dir=nb_dir, out_dir=tmp_path, run_id="../up", progress=False)


# --- a passing run --------------------------------------------------------------------------

def test_run_folder_contents(ok_run):
    folder = ok_run.folder
    assert ok_run.status == "ok" and folder.name == "ok"
    assert sorted(p.name for p in folder.iterdir()) == [
        "01_ok.html", "01_ok.ipynb", "extra.txt", "figures", "index.html", "manifest.json"]
    assert "CXLAB_RUN_DIR" not in os.environ  # set for the kernels only while the run lasts
    assert [p.name for p in (folder / "figures").iterdir()] == ["01_ok_06_1.png"]
    assert (folder / "figures" / "01_ok_06_1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    index = (folder / "index.html").read_text()
    assert "href='01_ok.html'" in index and ">ok</span>" in index


def test_kernel_runs_this_interpreter_with_the_given_parameters(ok_run):
    nb = nbformat.read(ok_run.folder / "01_ok.ipynb", as_version=4)
    printed = next(c for c in nb.cells if "sys.executable" in c.source).outputs[0]["text"]
    executable, values = printed.strip().splitlines()
    assert Path(executable).resolve() == Path(sys.executable).resolve()
    # file gave n=5, scale=2, label; -p overrode label (kept as text) and set flag
    assert values == "5 2.0 007 True a None"


def test_hidden_code_html(ok_run, tmp_path):
    hidden = (ok_run.folder / "01_ok.html").read_text()
    assert "<img" in hidden and "A tiny report" in hidden and "planted" not in hidden
    editor = re.compile(r'class="[^"]*jp-InputArea-editor')
    assert not editor.search(hidden) and "matplotlib" not in hidden
    shown = render_html(ok_run.folder / "01_ok.ipynb", tmp_path / "shown.html").read_text()
    assert len(editor.findall(shown)) == 6  # 5 code cells + injected parameters


def test_manifest(ok_run, nb_dir):
    manifest = json.loads(ok_run.manifest_path.read_text())
    assert set(manifest) >= {"cxlab_version", "run_id", "status", "started_at", "finished_at",
                             "parameters", "inputs", "packages", "notebooks", "kernel"}
    assert manifest["status"] == "ok" and manifest["run_id"] == "ok"
    assert manifest["started_at"] <= manifest["finished_at"]
    assert manifest["finished_at"].endswith("Z")
    assert manifest["parameters"]["01_ok.ipynb"] == {
        "n": 5, "scale": 2.0, "label": "007", "flag": True, "mode": "a", "limit": None}
    for package in ("python", "pandas", "numpy", "scikit-learn", "nltk", "papermill"):
        assert manifest["packages"][package]
    (nb,) = manifest["notebooks"]
    assert (nb["status"], nb["executed"], nb["html"]) == ("ok", "01_ok.ipynb", "01_ok.html")
    assert nb["figures"] == ["figures/01_ok_06_1.png"] and nb["error"] is None
    assert nb["duration_s"] > 0


def test_same_parameters_give_same_outputs(ok_run, nb_dir, tmp_path):
    again = run_report(["01_ok"], notebook_dir=nb_dir, out_dir=tmp_path, hide_code=True,
                       parameters={"n": 5, "scale": 2.0, "label": "007", "flag": True},
                       progress=False)
    assert again.run_id.count("-") == 2  # YYYYmmdd-HHMMSS-hash
    # whole files, not just outputs: no wall-clock stamps or run-folder paths in the executed notebook
    for name in ("01_ok.ipynb", "01_ok.html"):
        assert (ok_run.folder / name).read_bytes() == (again.folder / name).read_bytes(), name
    nb = nbformat.read(again.folder / "01_ok.ipynb", as_version=4)
    assert not any("execution" in c.metadata for c in nb.cells) and "start_time" not in nb.metadata.papermill
    (entry,) = json.loads(again.manifest_path.read_text())["notebooks"]
    assert not Path(entry["source"]).is_absolute() or not str(entry["source"]).startswith(str(tmp_path))
    fig = "figures/01_ok_06_1.png"
    assert (ok_run.folder / fig).read_bytes() == (again.folder / fig).read_bytes()


# --- a failing run, through the CLI as cron would call it ------------------------------------

def test_failing_notebook_exits_1_and_keeps_everything(nb_dir, tmp_path):
    env = {**os.environ, "CI": "true"}
    # stdin stays open and empty: the run must neither prompt nor wait for input
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxlab", "report", "--notebook-dir", str(nb_dir),
         "--out", str(tmp_path), "--only", "2,3", "--run-id", "bad"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        out, err = proc.communicate(timeout=240)
    finally:
        proc.kill()
    assert proc.returncode == 1, err
    assert ("notebook 02_bad.ipynb failed in cell 3 of 4 (In [3]): ValueError: planted failure"
            in err)
    assert "skipped: 03_after.ipynb" in err
    assert "[1/2] 02_bad.ipynb failed" in err  # plain progress line: stderr is not a terminal
    folder = tmp_path / "bad"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert [n["status"] for n in manifest["notebooks"]] == ["failed", "skipped"]
    error = manifest["notebooks"][0]["error"]
    assert (error["cell"], error["execution_count"], error["ename"]) == (3, 3, "ValueError")
    executed = nbformat.read(folder / "02_bad.ipynb", as_version=4)
    assert "never" not in json.dumps([c.get("outputs") for c in executed.cells])
    assert "planted failure" in (folder / "02_bad.html").read_text()
    assert not (folder / "03_after.ipynb").exists()
    assert "02_bad.html" in (folder / "index.html").read_text()


def test_error_info_without_executed_notebook(tmp_path):
    info = _error_info(tmp_path / "missing.ipynb", RuntimeError("Kernel died"))
    assert info["cell"] is None and info["line"] == "RuntimeError: Kernel died"


# --- helpers ----------------------------------------------------------------------------------

def test_extract_figures_names_by_cell(tmp_path):
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    cell = nbformat.v4.new_code_cell("x", execution_count=7, outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": png}),
        nbformat.v4.new_output("display_data", data={"text/plain": "no image"}),
        nbformat.v4.new_output("display_data", data={"image/png": png}),
    ])
    nbformat.write(_notebook([cell]), tmp_path / "02_x.ipynb")
    paths = extract_figures(tmp_path / "02_x.ipynb", tmp_path / "figures")
    assert [p.name for p in paths] == ["02_x_01_1.png", "02_x_01_2.png"]


def test_hash_files_and_atomic_manifest(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n")
    (tmp_path / "data" / ".hidden").write_text("editor state")
    hashes = hash_files([tmp_path / "data"], root=tmp_path)
    assert hashes == {"data/a.csv": {"sha256": hashlib.sha256(b"x\n1\n").hexdigest(), "bytes": 4}}
    write_manifest({"a": 1}, tmp_path / "manifest.json")
    assert json.loads((tmp_path / "manifest.json").read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_atomic_outputs_get_the_permissions_of_a_new_file(tmp_path):
    # written through a private temporary file, they must not stay private (0600): reviewers
    # and CI users read the manifest, the run's tables and the parts of a large run
    import pandas as pd

    from cxlab.io import atomic_write_bytes
    from cxlab.scale._work import _write_parquet

    umask = os.umask(0o022)
    try:
        write_manifest({"a": 1}, tmp_path / "manifest.json")
        atomic_write_bytes(tmp_path / "table.csv", b"x\n")
        _write_parquet(pd.DataFrame({"x": [1]}), tmp_path / "part-00000.parquet")
        (tmp_path / "plain.txt").write_text("x")
    finally:
        os.umask(umask)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == dict.fromkeys(["manifest.json", "table.csv", "part-00000.parquet", "plain.txt"], 0o644)


def test_install_kernel_is_idempotent(tmp_path, capsys):
    folder = install_kernel(prefix=tmp_path)
    assert folder == tmp_path / "share" / "jupyter" / "kernels" / "cxlab"
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["display_name"] == "Python (cxlab)"
    assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()
    assert main(["kernel", "--prefix", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"installed in {folder}" in out and "Python (cxlab)" in out
    assert json.loads((folder / "kernel.json").read_text()) == spec
    assert main(["kernel", "--prefix", str(tmp_path), "--name", "bad name/x"]) == 2
    assert "--name 'bad name/x' is not a valid kernel name" in capsys.readouterr().err


def test_notebook_parameter_describe():
    param = NotebookParameter("k", "int", 3, "clusters", "01_x.ipynb")
    assert param.describe() == "k: int = 3  # clusters"
    assert NotebookParameter("s", "str", "", "", "01_x.ipynb").describe() == 's: str = ""'


def test_input_paths_are_hashed_outputs_are_not(tmp_path, monkeypatch):
    from cxlab.reports._run import _input_folders, _portable_paths

    nbs = tmp_path / "notebooks"
    (tmp_path / "data" / "mine").mkdir(parents=True)
    nbs.mkdir()
    resolved = {
        "01_a.ipynb": {"data_dir": "", "random_state": 4, "themes_file": "../data/mine",
                       "export_dir": "../reports/plan"},
        "02_b.ipynb": {"data_dir": "", "random_state": 9, "journey_file": ""},
    }
    paths, seed = _input_folders(resolved, {"01_a.ipynb": nbs, "02_b.ipynb": nbs})
    # relative defaults are read from the notebook's folder; outputs and "" are not inputs
    assert paths == [(tmp_path / "data" / "mine").resolve()] and seed == 4
    assert _input_folders({"01_a.ipynb": {"data_dir": "x"}}, {"01_a.ipynb": nbs}) == ([], None)
    # a given output folder need not exist; a given input must
    folders = {"01_a.ipynb": nbs}
    monkeypatch.setenv("CXLAB_PROJECT_DIR", str(tmp_path))
    given = _portable_paths({"01_a.ipynb": {"export_dir": str(tmp_path / "new"), "n_dir": ""}}, folders)
    assert given["01_a.ipynb"] == {"export_dir": "../new", "n_dir": ""}
    with pytest.raises(ParameterError, match=r"parameter 'themes_file' names 'nope.csv', which does not exist"):
        _portable_paths({"01_a.ipynb": {"themes_file": "nope.csv"}}, folders)
    # inside the project a path is passed on relative to the notebook's folder, whatever the
    # caller's folder and wherever the project lives; outside it, absolute
    monkeypatch.chdir(tmp_path / "data")
    given = _portable_paths({"01_a.ipynb": {"themes_file": "mine", "journey_file": str(nbs.parent.parent)}}, folders)
    assert given["01_a.ipynb"] == {"themes_file": "../data/mine", "journey_file": str(tmp_path.parent.resolve())}
    # the notebook's own keyword default is not a path
    given = _portable_paths({"01_a.ipynb": {"export_dir": "auto"}}, folders, defaults={"01_a.ipynb": {"export_dir": "auto"}})
    assert given["01_a.ipynb"] == {"export_dir": "auto"}


def test_demo_data_prepared_with_the_notebook_seed_before_the_run_folder(tmp_path, monkeypatch):
    import cxlab.datasets

    seen = []

    def broken(random_state=0, **kwargs):
        seen.append(random_state)
        raise OSError("disk full")

    monkeypatch.setattr(cxlab.datasets, "ensure_demo_data", broken)
    cell = nbformat.v4.new_code_cell(
        'data_dir: str = ""  # "" = demo\nrandom_state: int = 0  # seed', metadata={"tags": ["parameters"]})
    nbformat.write(_notebook([cell]), tmp_path / "01_x.ipynb")
    out = tmp_path / "out"
    with pytest.raises(ReportError, match=r"preparing the demo data \(random_state=7\) failed before "
                                          r"any notebook ran: OSError: disk full"):
        run_report(notebook_dir=tmp_path, out_dir=out, cli_parameters=[("random_state", "7")],
                   progress=False)
    assert seen == [7] and not out.exists()


def test_unknown_kernel_is_rejected_before_running(nb_dir, tmp_path):
    with pytest.raises(ParameterError, match=r"no Jupyter kernel named 'nope'; installed: .*python3"):
        run_report(["03"], notebook_dir=nb_dir, out_dir=tmp_path, kernel_name="nope", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_run_output_dir_is_inside_the_run_folder_during_a_run(tmp_path, monkeypatch):
    from cxlab.reports import run_output_dir

    monkeypatch.setenv("CXLAB_RUN_DIR", str(tmp_path / "run-1"))
    assert run_output_dir("action_plan") == tmp_path / "run-1" / "action_plan"
    monkeypatch.delenv("CXLAB_RUN_DIR")
    monkeypatch.setenv("CXLAB_PROJECT_DIR", str(tmp_path))
    assert run_output_dir("action_plan") == tmp_path / "reports" / "action_plan"
