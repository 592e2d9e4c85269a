"""Saving and loading a fitted ThemeMiner, with a version check.

The file is a pickle of a small dict: a format tag, the format version, the cxlab version that
wrote it and the fitted state. Loading refuses files from another format version or another
cxlab minor version (``ModelVersionError`` naming both versions), because vocabulary,
tokenizer and assignment rules may differ between them. Training matrices are not saved, only
the (redacted) training tables; only load files you trust (pickle can run code).
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

from cxlab._version import __version__
from cxlab.exceptions import DataLoadError, ModelVersionError

__all__ = ["PersistMixin", "FORMAT", "FORMAT_VERSION"]

FORMAT = "cxlab.ThemeMiner"
FORMAT_VERSION = 1


def _minor(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


class PersistMixin:
    def save(self, path) -> Path:
        """Write the fitted model to ``path`` (atomically). Returns the path."""
        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._build_tables()  # the (redacted) training tables travel with the model
        _ = self.sentiment_scorer_  # fitted now: a loaded model has no training clauses
        state = {k: v for k, v in self.__dict__.items() if k != "_train"}
        payload = {"format": FORMAT, "format_version": FORMAT_VERSION,
                   "cxlab_version": __version__, "state": state}
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(payload, fh, protocol=4)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path):
        """Read a model written by :meth:`save`; raises ModelVersionError on a version mismatch."""
        path = Path(path)
        if not path.is_file():
            raise DataLoadError(f"no saved theme model at {path}; check the path.")
        try:
            with open(path, "rb") as fh:
                payload = pickle.load(fh)
        except Exception as exc:
            raise DataLoadError(f"{path} is not a saved cxlab theme model ({exc}).") from None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise DataLoadError(f"{path} is not a saved cxlab theme model.")
        fv, cv = payload.get("format_version"), payload.get("cxlab_version")
        if fv != FORMAT_VERSION or _minor(cv) != _minor(__version__):
            raise ModelVersionError(
                f"{path} was saved by cxlab {cv} (model format {fv}); this is cxlab {__version__} "
                f"(format {FORMAT_VERSION}). Refit the model with this version, or load it with "
                f"cxlab {_minor(cv)}.x."
            )
        obj = cls.__new__(cls)
        obj.__dict__.update(payload["state"])
        obj._train = None
        return obj
