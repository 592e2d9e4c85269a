"""The project's own files agree with each other: dependencies, README paths, CI script."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """Distribution name of a requirement, normalised as PEP 503 does."""
    name = re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


#: conda-forge names of packages whose PyPI name differs (PyPI name -> conda name)
CONDA_NAMES = {"torch": "pytorch-cpu"}


def _pyproject_requirements() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    names = {_name(r) for r in reqs} - {"cxlab"}  # dev pulls the other extras by name
    if any(r.startswith("dask[distributed]") for r in reqs):
        names.add("distributed")  # conda-forge packages dask's distributed extra apart
    return {CONDA_NAMES.get(n, n) for n in names}


def _environment_requirements() -> set[str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    names: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            names.add(_name(dep))
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject, conda = _pyproject_requirements(), _environment_requirements()
    assert pyproject - conda == set(), f"add to environment.yml: {sorted(pyproject - conda)}"
    assert conda - pyproject == set(), f"add to pyproject.toml: {sorted(conda - pyproject)}"


def test_environment_yml_installs_cxlab_itself_editable():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def _readme_blocks(tag: str) -> list[str]:
    readme = (REPO / "README.md").read_text()
    return re.findall(rf"<!-- ci:{tag} -->\s*```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)


def test_readme_has_exactly_one_install_and_one_test_command():
    install, test = _readme_blocks("install"), _readme_blocks("test")
    assert len(install) == 1 and len(install[0].strip().splitlines()) == 1
    assert len(test) == 1 and len(test[0].strip().splitlines()) == 1
    assert "pytest" in test[0]


def test_ci_runs_the_readme_commands():
    ci = (REPO / ".ci" / "run").read_text()
    assert "ci:install" in ci and "ci:test" in ci


def test_every_repo_path_named_in_the_readme_exists():
    readme = (REPO / "README.md").read_text()
    named = set(re.findall(r"`((?:cxlab|notebooks|tests|benchmarks|data|reports|\.ci)/[\w./-]*)`", readme))
    missing = sorted(p for p in named if "<" not in p and not (REPO / p).exists())
    assert named, "the README names no project paths"
    assert missing == [], f"README names paths that do not exist: {missing}"


def test_version_is_single_sourced():
    import cxlab

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert cxlab.__version__ == project["version"]


def test_every_public_name_resolves():
    import cxlab
    import cxlab.plotting

    for module in (cxlab, cxlab.plotting):
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert missing == [], f"{module.__name__} exports names that do not exist: {missing}"


def test_import_cxlab_is_light():
    import subprocess
    import sys

    code = "import sys, cxlab; print(sorted(m for m in ('matplotlib', 'sklearn', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_readme_python_example_runs(monkeypatch, capsys):
    readme = (REPO / "README.md").read_text()
    example = re.search(r"## In Python\s*```python\n(.*?)```", readme, flags=re.S).group(1)
    monkeypatch.setenv("CXLAB_PROJECT_DIR", str(REPO))
    exec(compile(example, "README.md", "exec"), {})
    assert "themes;" in capsys.readouterr().out
