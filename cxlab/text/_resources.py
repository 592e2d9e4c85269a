"""Offline language resources: the VADER lexicon shipped inside the ``vaderSentiment`` wheel.

cxlab never downloads at run time. nltk's VADER normally loads its lexicon from an nltk data
folder; the same file ships inside the ``vaderSentiment`` package, so we read it from there.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from cxlab.exceptions import CxlabError

__all__ = ["vader_lexicon_path", "load_vader_lexicon", "load_emoji_descriptions"]


def _vader_dir() -> Path:
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise CxlabError(
            "the VADER lexicon ships with the 'vaderSentiment' package, which is not installed; "
            "run `pip install vaderSentiment` (cxlab never downloads data at run time)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def vader_lexicon_path() -> Path:
    """Path of ``vader_lexicon.txt`` inside the installed ``vaderSentiment`` package.

    Pass it to nltk as ``SentimentIntensityAnalyzer(lexicon_file="file:" + str(path))``.

    Examples
    --------
    >>> vader_lexicon_path().name
    'vader_lexicon.txt'
    """
    path = _vader_dir() / "vader_lexicon.txt"
    if not path.is_file():
        raise CxlabError(f"VADER lexicon not found at {path}; reinstall vaderSentiment")
    return path


@lru_cache(maxsize=1)
def load_vader_lexicon() -> dict[str, float]:
    """The VADER lexicon as ``{token: valence}`` (valence roughly -4..+4)."""
    lexicon: dict[str, float] = {}
    for line in vader_lexicon_path().read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            try:
                lexicon[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return lexicon


@lru_cache(maxsize=1)
def load_emoji_descriptions() -> dict[str, str]:
    """``{emoji: description}`` from ``emoji_utf8_lexicon.txt`` in the vaderSentiment package."""
    path = _vader_dir() / "emoji_utf8_lexicon.txt"
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0].replace("\ufe0f", "")] = parts[1].strip()
    return out
