"""Notebook parameters: discover them from the ``parameters`` cell, parse and validate values.

Papermill only warns about unknown parameters, so a typo silently runs with the default; here an
unknown name or a value of the wrong type is rejected before any notebook runs.

The ``parameters`` cell is parsed with :mod:`ast` rather than ``papermill.inspect_notebook``:
papermill's line parser skips any line with a second ``=`` (``data_dir: str = ""  # "" = demo``),
which would make such a parameter invisible to validation.
"""
from __future__ import annotations

import ast
import datetime as dt
import difflib
import io
import json
import numbers
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxlab.exceptions import ParameterError

__all__ = [
    "NotebookParameter",
    "read_parameters",
    "discover_parameters",
    "format_parameters",
    "load_params_file",
    "resolve_parameters",
]

#: Python annotations we check values against; anything else is passed through unchecked
_SCALARS = {"int": int, "float": float, "str": str, "bool": bool}
_CONTAINERS = {"list": list, "dict": dict, "tuple": list}
_NONE_WORDS = {"null", "none", "~"}


@dataclass(frozen=True)
class NotebookParameter:
    """One parameter declared in a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
        Variable name.
    type : str
        Declared annotation (``"int"``, ``"str | None"``...) or, without one, the type of the
        default value; ``""`` when unknown (values are then not checked).
    default : object
        Default value (a Python literal) or its source text when it is not a literal.
    help : str
        The comment after the assignment.
    notebook : str
        Notebook file name declaring it.
    choices : tuple
        Allowed values when annotated ``Literal[...]``.
    """

    name: str
    type: str
    default: Any
    help: str
    notebook: str
    choices: tuple = field(default=())

    # parsed form of ``type``: base names accepted (e.g. {"int"}) and whether None is allowed
    @property
    def _accepts(self) -> tuple[frozenset[str], bool]:
        parts = [p.strip() for p in self.type.replace("Optional[", "").rstrip("]").split("|")]
        optional = "Optional[" in self.type or "None" in parts or self.default is None
        bases = {p.split("[")[0] for p in parts if p and p != "None"}
        return frozenset(bases), optional

    def coerce(self, value: Any, *, raw: str | None = None, origin: str = "value") -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError.

        ``raw`` is the text typed on the command line, kept verbatim for ``str`` parameters so
        ``-p region 2024`` gives ``"2024"`` rather than an int.
        """
        bases, optional = self._accepts
        if raw is not None and raw.strip().lower() in _NONE_WORDS and optional:
            return None
        if value is None and optional:
            return None
        if self.choices:
            candidate = raw if (raw is not None and raw in self.choices) else value
            if candidate in self.choices:
                return candidate
            raise self._error(value, origin, f"one of {list(self.choices)}")
        if not bases or not bases <= (set(_SCALARS) | set(_CONTAINERS)):
            return value  # an annotation we do not model (e.g. a class name): pass through
        if "str" in bases:
            if raw is not None:
                return raw
            if isinstance(value, str):
                return value
            if isinstance(value, (dt.date, dt.datetime)):
                return value.isoformat()
            if isinstance(value, (int, float)) and not isinstance(value, bool) and len(bases) == 1:
                return str(value)  # YAML file ``n_themes: 8`` for a str parameter
        if "bool" in bases and isinstance(value, bool):
            return value
        # numbers.* so numpy scalars from the Python API work; converted to builtins for papermill
        if "int" in bases and isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        if "float" in bases and not isinstance(value, bool):
            if isinstance(value, numbers.Real):
                return float(value)
            if isinstance(value, str):  # YAML 1.1 reads "1e-3" as text
                try:
                    return float(value)
                except ValueError:
                    pass
        for base in bases & set(_CONTAINERS):
            if isinstance(value, _CONTAINERS[base]):
                return value
        return self._error(value, origin, self.type + (" or null" if optional and "None" not in self.type else ""))

    def _error(self, value, origin, expected):
        hint = ""
        if "bool" in self.type:
            hint = " (write true or false)"
        raise ParameterError(
            f"parameter {self.name!r} ({origin}) expects {expected}{hint} as declared in "
            f"{self.notebook}, got {value!r} ({type(value).__name__}); fix the value"
        )

    def describe(self) -> str:
        type_ = self.type or "any"
        # as written in a parameters cell: "text" rather than Python's 'text'
        default = json.dumps(self.default) if isinstance(self.default, str) else repr(self.default)
        text = f"{self.name}: {type_} = {default}"
        return f"{text}  # {self.help}" if self.help else text


def _cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def _literal(node: ast.AST | None, source: str) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.get_source_segment(source, node)


def _choices(annotation: ast.AST | None) -> tuple:
    # Literal["a", "b"] -> ("a", "b")
    if isinstance(annotation, ast.Subscript) and getattr(annotation.value, "id", "") == "Literal":
        inner = annotation.slice
        elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        try:
            return tuple(ast.literal_eval(e) for e in elts)
        except ValueError:
            return ()
    return ()


def read_parameters(notebook: str | Path) -> list[NotebookParameter]:
    """Return the parameters declared in ``notebook``'s cell tagged ``parameters``.

    Parameters
    ----------
    notebook : str or Path
        Path of an ``.ipynb`` file.

    Returns
    -------
    list of NotebookParameter
        In the order declared; empty when the notebook has no ``parameters`` cell.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [],
    ...         "execution_count": None, "source": "k: int = 3  # clusters"}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "nb.ipynb"
    >>> _ = path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
    ...                                 "nbformat_minor": 5}))
    >>> [(p.name, p.type, p.default, p.help) for p in read_parameters(path)]
    [('k', 'int', 3, 'clusters')]
    """
    path = Path(notebook)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(
            f"cannot read notebook {path}: {exc}; is it a valid .ipynb file (saved completely)?"
        ) from exc
    cell = next(
        (c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])),
        None,
    )
    if cell is None:
        return []
    source = _cell_source(cell)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(
            f"the parameters cell of {path.name} is not valid Python (line {exc.lineno}: {exc.msg})"
        ) from exc
    comments = _comments_by_line(source)
    params = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, node.annotation, node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        default = _literal(value, source)
        if annotation is not None:
            type_ = ast.unparse(annotation)
        elif default is not None and type(default).__name__ in {*_SCALARS, *_CONTAINERS}:
            type_ = type(default).__name__
        else:
            type_ = ""
        params.append(
            NotebookParameter(
                name=name,
                type=type_,
                default=default,
                help=comments.get(node.end_lineno, ""),
                notebook=path.name,
                choices=_choices(annotation),
            )
        )
    return params


def discover_parameters(notebooks) -> dict[str, list[NotebookParameter]]:
    """Map each parameter name to its declarations in ``notebooks`` (paths), in notebook order."""
    found: dict[str, list[NotebookParameter]] = {}
    for nb in notebooks:
        for param in read_parameters(nb):
            found.setdefault(param.name, []).append(param)
    return found


def format_parameters(declared: dict[str, list[NotebookParameter]]) -> str:
    """Text listing the valid parameters, their types, defaults, help and notebooks."""
    if not declared:
        return "  (the selected notebooks declare no parameters)"
    lines = []
    for name in sorted(declared):
        decls = declared[name]
        first = decls[0]
        where = ", ".join(d.notebook for d in decls)
        lines.append(f"  {first.describe()}  [{where}]")
    return "\n".join(lines)


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML file mapping parameter names to values."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"cannot read parameters file {path}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"parameters file {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ParameterError(
            f"parameters file {path} must hold a mapping 'name: value' at top level, got "
            f"{type(data).__name__}; write e.g. 'random_state: 1'"
        )
    return data


def parse_cli_value(raw: str) -> Any:
    """Read a ``-p NAME VALUE`` value as a YAML scalar (``3`` int, ``0.5`` float, ``true`` bool)."""
    import yaml

    if raw == "":
        return ""
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def resolve_parameters(
    declared: dict[str, list[NotebookParameter]],
    *,
    parameters: dict[str, Any] | None = None,
    cli: list[tuple[str, str]] | None = None,
    params_file: str | Path | None = None,
    other_notebooks: dict[str, list[NotebookParameter]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Validate given values against ``declared`` and return ``{notebook: {name: value}}``.

    Precedence: ``cli`` (raw ``-p`` strings) over ``parameters`` (Python values) over
    ``params_file``. Only given values are returned; each notebook gets the ones it declares.
    Names in ``params_file`` declared only by ``other_notebooks`` (not selected) are ignored.
    Raises ParameterError for an unknown name (listing the valid ones) or a bad value.
    """
    given: dict[str, tuple[Any, str | None, str]] = {}
    if params_file is not None:
        for name, value in load_params_file(params_file).items():
            given[name] = (value, None, f"from {Path(params_file).name}")
    for name, value in (parameters or {}).items():
        given[name] = (value, None, "given")
    for name, raw in cli or []:
        given[name] = (parse_cli_value(raw), raw, "given with -p")

    # a parameters file serves the whole suite: names of notebooks not selected this time are
    # ignored; a name no notebook declares is still a typo
    for name in [n for n, (_, raw, origin) in given.items()
                 if origin.startswith("from ") and n not in declared and n in (other_notebooks or {})]:
        del given[name]
    unknown = sorted(set(given) - set(declared))
    if unknown:
        parts = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(declared), n=1)
            elsewhere = [d.notebook for d in (other_notebooks or {}).get(name, [])]
            note = f" (did you mean {close[0]!r}?)" if close else ""
            if elsewhere:
                note += f" (declared only by {', '.join(elsewhere)}, which is not selected)"
            parts.append(f"{name!r} {given[name][2]}{note}")
        raise ParameterError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(parts)}. "
            f"Valid parameters of the selected notebooks:\n{format_parameters(declared)}"
        )

    per_notebook: dict[str, dict[str, Any]] = {}
    for name, (value, raw, origin) in given.items():
        for decl in declared[name]:
            per_notebook.setdefault(decl.notebook, {})[name] = decl.coerce(
                value, raw=raw, origin=origin
            )
    return per_notebook
