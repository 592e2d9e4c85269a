"""Text normalisation: Unicode, HTML, URLs, @handles, hashtags, whitespace.

Customer text arrives from surveys, app stores, ticket systems and social media, so it mixes HTML
fragments, entities, mojibake, URLs and @handles. :func:`normalize_text` turns it into plain,
readable text that keeps what carries meaning for themes and sentiment (words, emoji,
punctuation) and drops what does not (markup, links, handles).
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

__all__ = ["normalize_text", "extract_handles", "is_missing_text"]

# Characters that only carry layout: zero-width spaces/joiners, BOM, soft hyphen. The emoji
# zero-width joiner (U+200D) is kept because it glues multi-part emoji together.
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                         "\u2013": "-", "\u2014": " - ", "\u2212": "-", "\u2026": "..."})
# Mojibake markers: UTF-8 bytes decoded as cp1252/latin-1 ("â€™", "Ã©").
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac|\u00c3[\u00a0-\u00bf]")
_MOJIBAKE_RUN = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2020\u2021\u02c6\u2030\u0160"
    "\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a"
    "\u0153\u017e\u0178]{1,3}"
)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]{0,500})?/?>")
_BLOCK_TAG = re.compile(r"<\s*(?:br|p|div|li|tr|/p|/div|/li|/tr)\b[^<>]{0,200}>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.I)
# A handle starts a word: "@united" but not "bob@mail.com".
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_]{1,30})\b")
# A hashtag starts with a letter; "#12345" or "#LW123456" (order refs) are left alone.
_HASHTAG = re.compile(r"(?<![\w&#])#([A-Za-z][A-Za-z0-9_]{0,60})\b")
_ID_LIKE = re.compile(r"^[A-Za-z]{0,4}\d{3,}[A-Za-z0-9]*$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])(?=\s|$)")


def is_missing_text(text) -> bool:
    """True for ``None``, NaN/NA and other non-string missing markers."""
    if text is None:
        return True
    if isinstance(text, str):
        return False
    try:
        return bool(pd.isna(text))
    except (TypeError, ValueError):
        return False


def _fix_run(match: re.Match) -> str:
    run = match.group(0)
    try:
        return run.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def _fix_mojibake(text: str) -> str:
    # Repair each suspicious run on its own (UTF-8 bytes shown as cp1252), keeping runs whose
    # round trip fails: one bad sequence must not block fixing the rest.
    if not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE_RUN.sub(_fix_run, text)


def _split_hashtag(match: re.Match) -> str:
    body = match.group(1)
    if _ID_LIKE.match(body):
        return match.group(0)
    words = _CAMEL.sub(" ", body).replace("_", " ")
    return words.lower()


_NEEDS_WORK = re.compile(r"[<&@#]|https?:|www\.|\s{2}|[\t\r\n]")


def _normalize_one(text, *, url_token: str, handles: bool, hashtags: bool) -> str:
    if is_missing_text(text):
        return ""
    return _normalize_str(str(text), url_token, handles, hashtags)


@lru_cache(maxsize=100_000)
def _normalize_str(text: str, url_token: str, handles: bool, hashtags: bool) -> str:
    # Cached: language detection, flags, sentiment and tokenising all normalise the same texts.
    if text.isascii() and not _NEEDS_WORK.search(text):
        # Fast path (most comments, and every already-normalised text): nothing to do but
        # trim, and the result is identical to the full path.
        return _SPACE_BEFORE_PUNCT.sub(r"\1", text.strip())
    text = _fix_mojibake(text)
    # Entities can be escaped twice ("&amp;amp;"): unescape until stable (bounded).
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if "<" in text:
        text = _SCRIPT.sub(" ", text)
        text = _BLOCK_TAG.sub(" ", text)
        text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    text = _URL.sub(f" {url_token} " if url_token else " ", text)
    if handles:
        text = _HANDLE.sub(" ", text)
    if hashtags:
        text = _HASHTAG.sub(_split_hashtag, text)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def normalize_text(text, *, url_token: str = "", handles: bool = True, hashtags: bool = True):
    """Return clean, readable text: Unicode, HTML, URLs, handles and hashtags handled.

    Steps: mojibake repaired when the round trip is clean; HTML entities unescaped and tags
    stripped; Unicode NFKC with curly quotes/dashes made plain; URLs replaced by ``url_token``
    (removed by default); @handles removed (a brand's handle is never content; collect them with
    :func:`extract_handles`); hashtags lose the ``#`` and camel case is split
    (``#CustomerServiceFail`` -> ``customer service fail``); whitespace collapsed. Emoji and
    punctuation are kept: they carry sentiment. ``#123``/``#LW123456`` (order references) are
    not hashtags and are kept as written.

    Parameters
    ----------
    text : str, None, NaN or pandas.Series
        One text, or a Series of texts (returns a Series with the same index).
    url_token : str, default=""
        Replacement for URLs; ``""`` removes them.
    handles : bool, default=True
        Remove ``@handles``.
    hashtags : bool, default=True
        Turn hashtags into words.

    Returns
    -------
    str or pandas.Series
        Missing input gives ``""``.

    Examples
    --------
    >>> normalize_text("@Loomwear <b>Love</b> it &amp; #FastDelivery http://t.co/x 😍")
    'Love it & fast delivery 😍'
    """
    kwargs = dict(url_token=url_token, handles=handles, hashtags=hashtags)
    if isinstance(text, pd.Series):
        return pd.Series([_normalize_one(t, **kwargs) for t in text], index=text.index,
                         dtype=object, name=text.name)
    return _normalize_one(text, **kwargs)


def extract_handles(text):
    """Return the ``@handles`` in a text (lower-case, without ``@``), in order of appearance.

    Parameters
    ----------
    text : str or pandas.Series

    Returns
    -------
    list of str, or pandas.Series of lists

    Examples
    --------
    >>> extract_handles("@United thanks! cc @jane_doe, mail bob@x.com")
    ['united', 'jane_doe']
    """
    if isinstance(text, pd.Series):
        return pd.Series([extract_handles(t) for t in text], index=text.index, dtype=object,
                         name=text.name)
    if is_missing_text(text):
        return []
    return [h.lower() for h in _HANDLE.findall(str(text))]


def _as_list(texts) -> tuple[list, pd.Index | None]:
    """Texts as a list plus the index to give results (None for plain iterables)."""
    if isinstance(texts, pd.Series):
        return texts.tolist(), texts.index
    if isinstance(texts, str):
        return [texts], None
    if isinstance(texts, Iterable):
        items = list(texts)
        return items, pd.RangeIndex(len(items))
    return [texts], None
