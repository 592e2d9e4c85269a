"""A researcher's theme taxonomy (YAML): named themes and a few seed words/phrases each.

File format (``version: 1``)::

    version: 1
    themes:
      delivery_delay:              # theme id: snake_case, used in tables and files
        label: Late delivery       # readable name shown in reports (optional; id otherwise)
        seeds: [late, delayed, "still waiting", courier]
      sizing_fit:
        label: Sizing and fit
        seeds: ["runs small", "too big", fit, size]

A short form is accepted too: ``themes: {theme_id: [seed, seed, ...]}``. Seeds are ordinary
words or short phrases as customers write them; they are stemmed like the comments, so
``delayed`` also anchors "delay" and "delays". A handful per theme is enough: seeds only anchor
a theme, the comments decide its final keywords. Themes not in the taxonomy are still
discovered when the data holds them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cxlab._yaml import read_yaml_mapping
from cxlab.exceptions import ParameterError

__all__ = ["Taxonomy", "load_taxonomy", "find_taxonomy"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Taxonomy:
    """Anchored themes: ``ids``, ``labels`` and ``seeds`` (tuples in file order)."""

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    seeds: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.ids)


def _from_mapping(themes, source: str) -> Taxonomy:
    if not isinstance(themes, dict) or not themes:
        raise ParameterError(
            f"{source}: 'themes' must map theme ids to seeds, got {type(themes).__name__}; "
            "see cxlab.themes.load_taxonomy for the format."
        )
    ids, labels, seeds = [], [], []
    for key, spec in themes.items():
        tid = str(key).strip()
        if not _ID.match(tid):
            raise ParameterError(
                f"{source}: theme id {tid!r} must be snake_case (letters, digits, _), "
                "e.g. 'delivery_delay'; put the readable name under 'label:'."
            )
        if tid == "unthemed":
            raise ParameterError(f"{source}: 'unthemed' is reserved; choose another theme id.")
        if isinstance(spec, dict):
            label = str(spec.get("label") or tid.replace("_", " "))
            words = spec.get("seeds", [])
        else:
            label, words = tid.replace("_", " "), spec
        if isinstance(words, str):
            words = [words]
        words = tuple(str(w).strip() for w in (words or []) if str(w).strip())
        if not words:
            raise ParameterError(
                f"{source}: theme {tid!r} has no seeds; give a few words or phrases "
                "customers use for it, e.g. seeds: [late, delayed, \"still waiting\"]."
            )
        ids.append(tid)
        labels.append(label)
        seeds.append(words)
    return Taxonomy(tuple(ids), tuple(labels), tuple(seeds))


def load_taxonomy(taxonomy) -> Taxonomy:
    """Read a taxonomy from a YAML file, a dict or a :class:`Taxonomy`.

    Parameters
    ----------
    taxonomy : str, Path, dict or Taxonomy
        Path to a YAML file in the format described in this module, or the same structure as a
        dict (``{"themes": {...}}`` or directly ``{theme_id: seeds}``).

    Returns
    -------
    Taxonomy

    Examples
    --------
    >>> tax = load_taxonomy({"themes": {"delivery_delay": {"label": "Late delivery",
    ...                                                    "seeds": ["late", "still waiting"]}}})
    >>> tax.ids, tax.labels
    (('delivery_delay',), ('Late delivery',))
    """
    if isinstance(taxonomy, Taxonomy):
        return taxonomy
    taxonomy, source = read_yaml_mapping(taxonomy, what="taxonomy")
    version = taxonomy.get("version", 1)
    if version != 1:
        raise ParameterError(f"{source}: version {version!r} is not supported (use version: 1).")
    themes = taxonomy["themes"] if "themes" in taxonomy else {
        k: v for k, v in taxonomy.items() if k != "version"
    }
    return _from_mapping(themes, source)


def find_taxonomy(taxonomy: str, data_folder) -> Path | None:
    """Resolve a ``taxonomy`` parameter as notebooks and reports take it.

    ``""`` means the ``taxonomy.yaml`` beside the data when there is one (the demo ships one), so
    a team's named themes (and the actions that refer to them) are used without asking;
    ``"none"`` means discover themes only; anything else is a path to a taxonomy YAML.

    Examples
    --------
    >>> find_taxonomy("none", ".") is None
    True
    """
    if taxonomy.strip().lower() == "none":
        return None
    if taxonomy:
        return Path(taxonomy)
    beside = Path(data_folder) / "taxonomy.yaml"
    return beside if beside.is_file() else None
