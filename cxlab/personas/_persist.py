"""Save and load a fitted :class:`PersonaModel` (joblib) with a version check."""
from __future__ import annotations

import os
from pathlib import Path

import joblib
import sklearn

from cxlab._version import __version__
from cxlab.exceptions import ModelVersionError, NotFittedError

__all__ = ["save_persona_model", "load_persona_model"]

_FORMAT = "cxlab.persona_model/1"


def _minor(version: str) -> tuple[str, ...]:
    return tuple(str(version).split(".")[:2])


def save_persona_model(model, path: str | os.PathLike) -> Path:
    """Write ``model`` to ``path`` (joblib), with the cxlab and scikit-learn versions.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab.personas import PersonaModel, make_synthetic_customers
    >>> X, _ = make_synthetic_customers(200, random_state=0)
    >>> model = PersonaModel(3, random_state=0, n_bootstrap=2).fit(X)
    >>> path = save_persona_model(model, pathlib.Path(tempfile.mkdtemp()) / "m.joblib")
    >>> load_persona_model(path).n_personas_
    3
    """
    if not hasattr(model, "pca_"):
        raise NotFittedError("only a fitted PersonaModel can be saved; call fit(features) first.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump({"format": _FORMAT, "cxlab_version": __version__,
                 "sklearn_version": sklearn.__version__, "model": model}, tmp, compress=3)
    os.replace(tmp, path)
    return path


def load_persona_model(path: str | os.PathLike):
    """Load a model written by :func:`save_persona_model`; refuse other cxlab/sklearn versions.

    Raises :class:`~cxlab.exceptions.ModelVersionError` when the file was written by a different
    cxlab or scikit-learn minor version (pickled estimators are not portable across them).
    """
    payload = joblib.load(path)
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise ModelVersionError(f"{path} is not a cxlab persona model file; write one with "
                                "save_persona_model() or `cxlab personas --out DIR`.")
    for name, current in (("cxlab", __version__), ("scikit-learn", sklearn.__version__)):
        saved = payload[f"{'cxlab' if name == 'cxlab' else 'sklearn'}_version"]
        if _minor(saved) != _minor(current):
            raise ModelVersionError(f"{path} was saved with {name} {saved} but {current} is installed; "
                                    f"refit the personas (cxlab personas ...) or install {name} {saved}.")
    return payload["model"]
