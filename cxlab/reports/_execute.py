"""Execute one notebook with papermill and describe how it ended."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxlab.exceptions import ParameterError

__all__ = ["NotebookResult", "execute_notebook", "check_kernel", "DEFAULT_KERNEL"]

#: kernel name used when none is given; it always runs the interpreter running cxlab
DEFAULT_KERNEL = "python3"


@dataclass
class NotebookResult:
    """How one notebook of a report run ended.

    ``status`` is ``"ok"``, ``"failed"``, ``"skipped"`` or ``"interrupted"``; file names are relative to the run
    folder; ``parameters`` are the values the notebook ran with (defaults included), ``given``
    the ones set for this run; ``error`` holds ``cell`` (1-based position in the source notebook), ``n_cells``,
    ``execution_count``, ``ename``, ``evalue`` and ``line`` (one-line summary) on failure.
    """

    name: str
    source: str
    title: str = ""
    status: str = "skipped"  # until it runs
    parameters: dict[str, Any] = field(default_factory=dict)
    given: dict[str, Any] = field(default_factory=dict)
    started_at: str | None = None
    duration_s: float | None = None
    executed: str | None = None
    html: str | None = None
    figures: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    render_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def check_kernel(kernel_name: str | None) -> None:
    """Raise ParameterError, listing the installed kernels, when ``kernel_name`` is unknown."""
    if kernel_name is None:
        return
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(kernel_name)
    except NoSuchKernel:
        known = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise ParameterError(
            f"no Jupyter kernel named {kernel_name!r}; installed: {known}. Leave --kernel out to "
            "use this Python, or run 'cxlab kernel' to install the 'cxlab' kernel"
        ) from None


def _kernel_manager_class(this_interpreter: bool):
    """A kernel manager that encrypts kernel traffic when it can, and pins the interpreter.

    With ``this_interpreter`` the kernel runs ``sys.executable``: a ``python3`` kernelspec found
    first on the Jupyter path (e.g. one a user installed for another environment) could otherwise
    run a different Python than the one cxlab is installed in.
    """
    import zmq
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec
    from traitlets import default

    class CxlabKernelManager(AsyncKernelManager):
        # ipykernel warns on every start when traffic is not encrypted
        @default("transport_encryption")
        def _default_encryption(self):
            return "auto" if zmq.has("curve") else "disabled"

        @property
        def kernel_spec(self):
            if self._kernel_spec is None and this_interpreter:
                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
            return super().kernel_spec

    return CxlabKernelManager


def _error_info(nb_path: Path, exc: Exception) -> dict[str, Any]:
    """Locate the failing cell in the executed notebook papermill wrote."""
    import nbformat

    from cxlab.reports._render import _user_cells

    info: dict[str, Any] = {
        "cell": None,
        "n_cells": None,
        "execution_count": getattr(exc, "exec_count", None),
        "ename": getattr(exc, "ename", type(exc).__name__),
        "evalue": getattr(exc, "evalue", str(exc)),
    }
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # the notebook may not have been written (kernel failed to start)
        nb = None
    if nb is not None:
        # positions are counted in the source notebook: papermill's injected and error-marker
        # cells are not the user's cells
        cells = _user_cells(nb)
        info["n_cells"] = len(cells)
        for pos, cell in enumerate(cells, start=1):
            pm = cell.metadata.get("papermill", {})
            errored = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            if errored or pm.get("exception") or pm.get("status") == "running":
                info["cell"] = pos
                if info["execution_count"] is None:
                    info["execution_count"] = cell.get("execution_count")
                break
    first_line = str(info["evalue"]).strip().splitlines()[:1]
    info["line"] = f"{info['ename']}: {first_line[0]}" if first_line else str(info["ename"])
    return info


def execute_notebook(
    source: Path,
    output: Path,
    *,
    parameters: dict[str, Any],
    kernel_name: str | None = None,
    progress_bar: bool = False,
    cwd: Path | None = None,
) -> tuple[str, float, dict[str, Any] | None]:
    """Run ``source`` into ``output``; return ``(status, seconds, error_info)``.

    The executed notebook is written even when a cell fails (papermill marks the cell).
    """
    import papermill

    manager = _kernel_manager_class(this_interpreter=kernel_name is None)
    papermill_log = logging.getLogger("papermill")
    level = papermill_log.level
    # parameters were validated already; papermill's own checks warn about lines it cannot parse
    papermill_log.setLevel(logging.ERROR)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=kernel_name or DEFAULT_KERNEL,
            progress_bar=progress_bar,
            cwd=str(cwd or source.parent),
            kernel_manager_class=manager,
        )
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # PapermillExecutionError, dead kernel, timeout, missing kernel
        seconds, error = time.perf_counter() - start, _error_info(output, exc)
        strip_run_clock(output)
        return "failed", seconds, error
    finally:
        papermill_log.setLevel(level)
    seconds = time.perf_counter() - start
    strip_run_clock(output)
    return "ok", seconds, None


#: papermill/nbclient metadata that records when and where a run happened, not what it computed
_CLOCK_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")


def strip_run_clock(path: Path) -> None:
    """Drop the wall-clock stamps and absolute paths papermill and nbclient write into an
    executed notebook (run timings live in the run's ``manifest.json``) and give the injected
    parameters cell a fixed id instead of papermill's random one, so the same inputs,
    parameters and seed give the same notebook file. Cell outputs and failure marks are kept."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        return
    nb = nbformat.read(path, as_version=4)
    for key in _CLOCK_KEYS:
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        for key in _CLOCK_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(nb, path)
