"""Register a Jupyter kernel for the Python environment cxlab is installed in."""
from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["install_kernel", "KERNEL_NAME", "KERNEL_DISPLAY_NAME"]

KERNEL_NAME = "cxlab"
KERNEL_DISPLAY_NAME = "Python (cxlab)"


def install_kernel(
    *,
    user: bool = False,
    prefix: str | Path | None = None,
    name: str = KERNEL_NAME,
    display_name: str = KERNEL_DISPLAY_NAME,
) -> Path:
    """Install (or refresh) a kernelspec that runs this interpreter; return its folder.

    Parameters
    ----------
    user : bool, default=False
        Install for the current user (``~/.local/share/jupyter``) instead of into this
        environment (``sys.prefix``), e.g. when JupyterLab runs from another environment.
    prefix : str or Path, optional
        Install under ``<prefix>/share/jupyter/kernels`` (default ``sys.prefix``); ignored when
        ``user`` is true.
    name, display_name : str
        Kernel id and the name JupyterLab shows in its launcher.

    Returns
    -------
    Path
        Folder holding ``kernel.json``. Running it again replaces the spec in place.

    Examples
    --------
    >>> import tempfile
    >>> folder = install_kernel(prefix=tempfile.mkdtemp())
    >>> folder.name, (folder / "kernel.json").is_file()
    ('cxlab', True)
    """
    from ipykernel.kernelspec import install

    where = install(
        user=user,
        kernel_name=name,
        display_name=display_name,
        prefix=None if user else str(prefix or sys.prefix),
    )
    return Path(where)
