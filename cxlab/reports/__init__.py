"""Report runner: execute the parameterised notebooks in ``notebooks/`` into ``reports/<run-id>/``.

Unknown parameters and wrongly typed values are rejected before anything runs; a failing notebook
stops the run with a :class:`~cxlab.exceptions.ReportError` naming the notebook and cell, after
writing its executed copy, its HTML and the manifest.
"""
from cxlab.reports._execute import NotebookResult
from cxlab.reports._kernel import install_kernel
from cxlab.reports._params import NotebookParameter, discover_parameters, read_parameters
from cxlab.reports._run import ReportRun, run_output_dir, run_report
from cxlab.reports._select import find_notebooks

__all__ = [
    "run_report",
    "ReportRun",
    "NotebookResult",
    "find_notebooks",
    "read_parameters",
    "discover_parameters",
    "NotebookParameter",
    "install_kernel",
    "run_output_dir",
]
