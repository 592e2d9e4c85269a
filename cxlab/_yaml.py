"""Reading a researcher's YAML file (taxonomy, targets, effort, actions, journey) in one way.

Every YAML input of cxlab may also be given as an in-memory dict; both come back as a mapping
plus a name to use in error messages, and every problem gets the same kind of message: which
file, what is wrong, what to do.
"""
from __future__ import annotations

import os
from pathlib import Path

from cxlab.exceptions import DataLoadError, ParameterError

__all__ = ["read_yaml_mapping"]


def read_yaml_mapping(source, *, what: str) -> tuple[dict, str]:
    """Return ``(mapping, name)`` for a YAML file path or a dict.

    Parameters
    ----------
    source : str, PathLike or dict
        The file, or its content already parsed.
    what : str
        What the file is ("taxonomy", "targets"...), for messages.

    Raises
    ------
    DataLoadError
        The file does not exist.
    ParameterError
        Neither a path nor a dict, invalid YAML, or a top level that is not a mapping. An empty
        file is an empty mapping.

    Examples
    --------
    >>> read_yaml_mapping({"themes": {}}, what="taxonomy")
    ({'themes': {}}, 'taxonomy mapping')
    """
    if isinstance(source, dict):
        return source, f"{what} mapping"
    if not isinstance(source, (str, os.PathLike)):
        raise ParameterError(f"{what} must be a path to a YAML file or a dict; received {type(source).__name__}.")
    import yaml

    path = Path(source)
    if not path.is_file():
        raise DataLoadError(f"{what} file {str(path)!r} does not exist; check the path.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"{path.name}: not UTF-8 text; save the file as UTF-8 and rerun.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path.name}: not valid YAML ({exc}); fix the syntax.") from None
    except ValueError as exc:  # a value YAML reads as a date but is none: 2025-13-45
        raise ParameterError(f"{path.name}: a value is not a valid date ({exc}); dates are written "
                             "like 2026-01-15.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path.name}: the top level must be a mapping of keys; received {type(data).__name__}.")
    return data, path.name
