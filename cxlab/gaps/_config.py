"""Researcher YAML files: targets (desired state), effort/feasibility, and actions taken.

targets.yaml
------------
::

    version: 1
    kpis:                 # optional; metric -> target (a number) or a mapping
      nps: {target: 30, direction: higher, label: Net Promoter Score}
      ces: {target: 3.0, direction: lower}   # direction: higher (default) or lower
      csat: 4.2                               # shorthand: direction higher
    touchpoints:          # optional; desired perception on the survey scale (1-7)
      default: 5.5        # used for touchpoints not listed
      returns: 5.5
    emotion:              # optional; desired emotion per journey stage, -2 .. +2
      delivery: 1.0

effort.yaml
-----------
::

    version: 1
    default: {effort: 3, feasibility: 3, owner: CX team}
    touchpoints: {returns: {effort: 3, feasibility: 4, owner: Operations}}
    themes: {delivery_delay: {effort: 4, feasibility: 3, owner: Logistics}}

``effort`` runs from 1 (days, one team) to 5 (a multi-quarter programme); ``feasibility`` from 1
(unlikely to work or outside our control) to 5 (a proven fix in our control). Keys left out take
the ``default`` values (built-in default: effort 3, feasibility 3, owner "unassigned").

actions.yaml
------------
::

    version: 1
    actions:
      - name: checkout fix          # required, unique
        live_date: 2026-01-15       # required, ISO date the change went live
        metric: theme_share         # what monitoring measures (default theme_share; or a numeric
                                    # column of the comments or of the touchpoint survey, e.g. perception)
        theme: checkout_payment     # theme and/or touchpoint the action targets
        touchpoint: checkout
        control: fabric_quality     # optional comparison theme for difference-in-differences
        effort: 2                   # optional, 1-5
        owner: App team             # optional

Every loader accepts a path or an already-parsed mapping and raises
:class:`~cxlab.exceptions.ParameterError` naming the file, the key and the fix.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from cxlab._yaml import read_yaml_mapping
from cxlab.exceptions import ParameterError

__all__ = ["load_targets", "load_effort", "load_actions", "effort_for"]

_DEFAULT_EFFORT = {"effort": 3.0, "feasibility": 3.0, "owner": "unassigned"}


def _number(value, *, where: str, low=None, high=None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{where} must be a number; received {value!r}.")
    value = float(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ParameterError(f"{where} must be between {low} and {high}; received {value!r}.")
    return value


def _check_keys(mapping, allowed, *, where: str) -> None:
    if not isinstance(mapping, dict):
        raise ParameterError(f"{where} must be a mapping; received {mapping!r}.")
    unknown = sorted(set(map(str, mapping)) - set(allowed))
    if unknown:
        raise ParameterError(f"{where} has unknown key(s) {unknown}; allowed keys are {sorted(allowed)}.")


def load_targets(source) -> dict:
    """Read and validate a targets YAML (format in the module docstring).

    Parameters
    ----------
    source : path or dict

    Returns
    -------
    dict
        ``{"kpis": {metric: {"target", "direction", "label"}}, "touchpoints": {name: float},
        "emotion": {stage: float}}`` with every section present (possibly empty).

    Examples
    --------
    >>> load_targets({"kpis": {"nps": 30}, "emotion": {"delivery": 1}})["kpis"]["nps"]
    {'target': 30.0, 'direction': 'higher', 'label': 'nps'}
    """
    data, name = read_yaml_mapping(source, what="targets")
    _check_keys(data, {"version", "kpis", "touchpoints", "emotion"}, where=name)
    kpis = {}
    for metric, spec in (data.get("kpis") or {}).items():
        where = f"{name}: kpis.{metric}"
        if not isinstance(spec, dict):
            spec = {"target": spec}
        _check_keys(spec, {"target", "direction", "label"}, where=where)
        if "target" not in spec:
            raise ParameterError(f"{where} needs a 'target' number, e.g. {{target: 30, direction: higher}}.")
        direction = spec.get("direction", "higher")
        if direction not in ("higher", "lower"):
            raise ParameterError(f"{where}.direction must be 'higher' or 'lower'; received {direction!r}.")
        kpis[str(metric)] = {
            "target": _number(spec["target"], where=f"{where}.target"),
            "direction": direction,
            "label": str(spec.get("label", metric)),
        }
    touchpoints = {
        str(k): _number(v, where=f"{name}: touchpoints.{k}", low=1, high=7)
        for k, v in (data.get("touchpoints") or {}).items()
    }
    emotion = {
        str(k): _number(v, where=f"{name}: emotion.{k}", low=-2, high=2)
        for k, v in (data.get("emotion") or {}).items()
    }
    return {"kpis": kpis, "touchpoints": touchpoints, "emotion": emotion}


def _effort_entry(spec, *, where: str, base: dict) -> dict:
    if not isinstance(spec, dict):
        raise ParameterError(f"{where} must be a mapping like {{effort: 3, feasibility: 4, owner: Ops}}; received {spec!r}.")
    _check_keys(spec, {"effort", "feasibility", "owner"}, where=where)
    out = dict(base)
    for key in ("effort", "feasibility"):
        if key in spec:
            out[key] = _number(spec[key], where=f"{where}.{key}", low=1, high=5)
    if "owner" in spec:
        out["owner"] = str(spec["owner"])
    return out


def load_effort(source=None) -> dict:
    """Read and validate an effort/feasibility YAML (format in the module docstring).

    ``None`` gives the built-in defaults only (every gap: effort 3, feasibility 3).

    Returns
    -------
    dict
        ``{"default": {...}, "touchpoints": {name: {...}}, "themes": {name: {...}}}``; each entry
        has ``effort``, ``feasibility`` and ``owner``.

    Examples
    --------
    >>> e = load_effort({"touchpoints": {"returns": {"effort": 4}}})
    >>> effort_for(e, touchpoint="returns")
    {'effort': 4.0, 'feasibility': 3.0, 'owner': 'unassigned'}
    """
    data, name = ({}, "effort") if source is None else read_yaml_mapping(source, what="effort")
    _check_keys(data, {"version", "default", "touchpoints", "themes"}, where=name)
    default = _effort_entry(data.get("default") or {}, where=f"{name}: default", base=_DEFAULT_EFFORT)
    out = {"default": default}
    for section in ("touchpoints", "themes"):
        entries = data.get(section) or {}
        _check_keys(entries, set(map(str, entries)), where=f"{name}: {section}")
        out[section] = {
            str(k): _effort_entry(v, where=f"{name}: {section}.{k}", base=default) for k, v in entries.items()
        }
    return out


def effort_for(effort: dict, *, touchpoint=None, theme=None) -> dict:
    """Effort entry for a gap: the theme's if listed, else the touchpoint's, else the default."""
    if theme is not None and theme in effort.get("themes", {}):
        return dict(effort["themes"][theme])
    if touchpoint is not None and touchpoint in effort.get("touchpoints", {}):
        return dict(effort["touchpoints"][touchpoint])
    return dict(effort.get("default", _DEFAULT_EFFORT))


def load_actions(source) -> list[dict]:
    """Read and validate an actions YAML (format in the module docstring).

    Returns
    -------
    list of dict
        One dict per action with keys ``name``, ``live_date`` (:class:`datetime.date`),
        ``metric``, ``theme``, ``touchpoint``, ``control``, ``effort``, ``owner`` (missing -> None;
        metric defaults to ``"theme_share"``), in file order.

    Examples
    --------
    >>> a = load_actions({"actions": [{"name": "fix", "live_date": "2026-01-15", "theme": "x"}]})
    >>> a[0]["live_date"]
    datetime.date(2026, 1, 15)
    """
    data, name = read_yaml_mapping(source, what="actions")
    _check_keys(data, {"version", "actions"}, where=name)
    items = data.get("actions") or []
    if not isinstance(items, list):
        raise ParameterError(f"{name}: 'actions' must be a list of mappings (each starting with '- name: ...').")
    allowed = {"name", "live_date", "metric", "theme", "touchpoint", "control", "effort", "owner", "description"}
    out, seen = [], set()
    for i, spec in enumerate(items):
        where = f"{name}: actions[{i}]"
        _check_keys(spec, allowed, where=where)
        for key in ("name", "live_date"):
            if not spec.get(key):
                raise ParameterError(f"{where} needs '{key}' (e.g. name: checkout fix, live_date: 2026-01-15).")
        action_name = str(spec["name"])
        if action_name in seen:
            raise ParameterError(f"{where}: action name {action_name!r} is used twice; names must be unique.")
        seen.add(action_name)
        live = spec["live_date"]
        if isinstance(live, dt.datetime):
            live = live.date()
        elif not isinstance(live, dt.date):
            try:
                live = dt.date.fromisoformat(str(live))
            except ValueError:
                raise ParameterError(f"{where}.live_date must be an ISO date like 2026-01-15; received {live!r}.") from None
        if not spec.get("theme") and not spec.get("touchpoint"):
            raise ParameterError(f"{where} ({action_name!r}) needs a 'theme' or a 'touchpoint' it targets.")
        effort = spec.get("effort")
        out.append({
            "name": action_name,
            "live_date": live,
            "metric": str(spec.get("metric") or "theme_share"),
            "theme": spec.get("theme"),
            "touchpoint": spec.get("touchpoint"),
            "control": spec.get("control"),
            "effort": None if effort is None else _number(effort, where=f"{where}.effort", low=1, high=5),
            "owner": None if spec.get("owner") is None else str(spec["owner"]),
            "description": spec.get("description"),
        })
    return out


def cell_name(value) -> str | None:
    """A theme/touchpoint cell as a name, or None when it is empty (None, NaN, NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


def matching_action(actions, *, theme=None, touchpoint=None):
    """The first action of ``actions`` (:func:`load_actions` output) on ``theme`` or ``touchpoint``,
    else None; empty cells (NaN from a table) match nothing."""
    theme, touchpoint = cell_name(theme), cell_name(touchpoint)
    for a in actions or ():
        if (theme is not None and a["theme"] == theme) or (touchpoint is not None and a["touchpoint"] == touchpoint):
            return a
    return None
