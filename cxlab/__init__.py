"""cxlab: a Jupyter-based research workbench for customer-experience gap analysis.

The public API is re-exported here and imported lazily, so ``import cxlab`` is cheap and has no
side effects.
"""
from __future__ import annotations

import importlib

from cxlab._version import __version__

# public name -> module that defines it
_EXPORTS: dict[str, str] = {}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlab' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__():
    return sorted(__all__)
