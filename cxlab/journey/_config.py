"""Journey configuration: ordered stages, their touchpoints and customer actions.

YAML format (``load_journey``)::

    stages:                      # in journey order
      - name: awareness          # id used in the data's journey_stage column
        label: Awareness         # optional, shown on figures
        touchpoints: [social_media, ads]
        actions: [Sees a post or an ad]   # optional, the "customer does" lane
      - name: consideration
        touchpoints: [website, app, product_page, size_guide]
    theme_stages:                # optional: where a pain-point theme belongs when a comment
      delivery_delay: delivery   # has no stage or touchpoint of its own
    tickets_stage: post_purchase # optional: stage that support tickets describe

Without a file, :data:`DEFAULT_JOURNEY` (the Loomwear online-retail journey, stages from
:data:`cxlab.config.JOURNEY_STAGES`) is used.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from cxlab._yaml import read_yaml_mapping
from cxlab.config import JOURNEY_STAGES
from cxlab.exceptions import ParameterError

__all__ = ["Stage", "JourneyConfig", "DEFAULT_JOURNEY", "load_journey"]


@dataclass(frozen=True)
class Stage:
    """One journey stage: its id, display label, touchpoints and typical customer actions."""

    name: str
    label: str
    touchpoints: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class JourneyConfig:
    """Ordered stages plus optional theme -> stage hints.

    Examples
    --------
    >>> DEFAULT_JOURNEY.stage_of("returns")
    'post_purchase'
    >>> DEFAULT_JOURNEY.names[:2]
    ['awareness', 'consideration']
    """

    stages: tuple[Stage, ...]
    theme_stages: dict = field(default_factory=dict)
    tickets_stage: str | None = "post_purchase"

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    @property
    def labels(self) -> dict[str, str]:
        return {s.name: s.label for s in self.stages}

    def stage_of(self, touchpoint) -> str | None:
        """Stage holding ``touchpoint`` (None when unknown)."""
        for s in self.stages:
            if touchpoint in s.touchpoints:
                return s.name
        return None

    def touchpoint_stages(self) -> dict[str, str]:
        return {tp: s.name for s in self.stages for tp in s.touchpoints}


DEFAULT_JOURNEY = JourneyConfig(
    stages=(
        Stage("awareness", "Awareness", ("social_media", "ads"), ("Sees a post or an ad",)),
        Stage("consideration", "Consideration", ("website", "app", "product_page", "size_guide"),
              ("Browses, compares", "checks size")),
        Stage("purchase", "Purchase", ("checkout", "payment"), ("Adds to basket", "pays")),
        Stage("delivery", "Delivery", ("shipping", "delivery", "packaging"), ("Waits, tracks", "unpacks")),
        Stage("post_purchase", "Post-purchase", ("returns", "customer_service"),
              ("Returns or exchanges", "asks for help")),
    ),
    theme_stages={
        "delivery_delay": "delivery",
        "sizing_fit": "consideration",
        "fabric_quality": "post_purchase",
        "returns_refunds": "post_purchase",
        "customer_service": "post_purchase",
        "checkout_payment": "purchase",
        "app_website": "consideration",
        "price_value": "consideration",
        "style_design": "consideration",
    },
)
assert tuple(DEFAULT_JOURNEY.names) == JOURNEY_STAGES  # one list of stages across cxlab


def _str_list(value, *, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ParameterError(f"{where} must be a list of names, e.g. [website, app]; received {value!r}.")
    return tuple(str(v) for v in value)


def load_journey(source=None) -> JourneyConfig:
    """Read and validate a journey YAML (format in the module docstring).

    Parameters
    ----------
    source : path, dict, JourneyConfig or None
        None returns :data:`DEFAULT_JOURNEY`.

    Examples
    --------
    >>> j = load_journey({"stages": [{"name": "buy", "touchpoints": ["checkout"]}]})
    >>> j.labels
    {'buy': 'Buy'}
    """
    if source is None:
        return DEFAULT_JOURNEY
    if isinstance(source, JourneyConfig):
        return source
    if not isinstance(source, (str, os.PathLike, dict)):
        raise ParameterError(f"journey must be a path, a dict or a JourneyConfig; received {type(source).__name__}.")
    source, name = read_yaml_mapping(source, what="journey")
    unknown = sorted(set(source) - {"version", "stages", "theme_stages", "tickets_stage"})
    if unknown:
        raise ParameterError(f"{name} has unknown key(s) {unknown}; allowed: stages, theme_stages, tickets_stage.")
    raw = source.get("stages")
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{name}: 'stages' must be a non-empty list of mappings like "
                             "{name: awareness, touchpoints: [ads]}.")
    stages, seen_tp = [], {}
    for i, spec in enumerate(raw):
        where = f"{name}: stages[{i}]"
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict) or not spec.get("name"):
            raise ParameterError(f"{where} needs a 'name'; received {spec!r}.")
        extra = sorted(set(spec) - {"name", "label", "touchpoints", "actions"})
        if extra:
            raise ParameterError(f"{where} has unknown key(s) {extra}; allowed: name, label, touchpoints, actions.")
        stage_name = str(spec["name"])
        tps = _str_list(spec.get("touchpoints"), where=f"{where}.touchpoints")
        for tp in tps:
            if tp in seen_tp:
                raise ParameterError(f"{where}: touchpoint {tp!r} is already in stage {seen_tp[tp]!r}; "
                                     "a touchpoint belongs to one stage.")
            seen_tp[tp] = stage_name
        label = str(spec.get("label") or stage_name.replace("_", " ").capitalize())
        stages.append(Stage(stage_name, label, tps, _str_list(spec.get("actions"), where=f"{where}.actions")))
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise ParameterError(f"{name}: stage names must be unique; received {names}.")
    theme_stages = {str(k): str(v) for k, v in (source.get("theme_stages") or {}).items()}
    bad = sorted(k for k, v in theme_stages.items() if v not in names)
    if bad:
        raise ParameterError(f"{name}: theme_stages {bad} point to unknown stages; stages are {names}.")
    tickets_stage = source.get("tickets_stage", "post_purchase" if "post_purchase" in names else None)
    if tickets_stage is not None and tickets_stage not in names:
        raise ParameterError(f"{name}: tickets_stage {tickets_stage!r} is not a stage; stages are {names}.")
    return JourneyConfig(tuple(stages), theme_stages, tickets_stage)
