"""``cxlab kernel``: make this environment selectable as a kernel in JupyterLab."""
from __future__ import annotations

NAME = "kernel"
HELP = "Register the Jupyter kernel 'Python (cxlab)' running this environment's Python."


def add_arguments(parser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true",
                       help="install for the current user instead of into this environment "
                            "(use when JupyterLab runs from another environment)")
    where.add_argument("--prefix", metavar="DIR",
                       help="install under DIR/share/jupyter/kernels (default: this environment)")
    parser.add_argument("--name", default=None, help="kernel id (default: cxlab)")
    parser.add_argument("--display-name", default=None,
                        help="name shown in JupyterLab (default: 'Python (cxlab)')")


def run(args) -> int:
    import re
    import sys

    from cxlab.reports import install_kernel
    from cxlab.reports._kernel import KERNEL_DISPLAY_NAME, KERNEL_NAME

    from cxlab.exceptions import ParameterError

    name = args.name or KERNEL_NAME
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):  # Jupyter's rule for kernel names
        raise ParameterError(f"--name {name!r} is not a valid kernel name; use letters, digits, '.', '_' "
                             "or '-' (e.g. cxlab-project), and put spaces in --display-name.")
    display = args.display_name or KERNEL_DISPLAY_NAME
    folder = install_kernel(user=args.user, prefix=args.prefix, name=name, display_name=display)
    print(f"kernel {name!r} ({display}) runs {sys.executable}")
    print(f"  installed in {folder}")
    print(f"  pick '{display}' in JupyterLab's launcher or Kernel > Change Kernel")
    return 0
