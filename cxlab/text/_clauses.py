"""Sentence and clause splitting, rule based (no trained sentence model is needed or shipped).

One comment often raises several points with different feelings ("love the fit but shipping took
forever"). Themes and sentiment are therefore scored per clause: sentences are split on end
punctuation and line breaks, then on contrastive connectors. "and" splits only when it joins two
full clauses of opposite polarity ("the dress is lovely and the courier was rude").
"""
from __future__ import annotations

import re
from collections.abc import Callable

from cxlab.text._normalize import is_missing_text

__all__ = ["split_sentences", "split_clauses"]

_ABBREVIATIONS = ("mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "approx", "min",
                  "mins", "hr", "hrs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                  "sept", "oct", "nov", "dec", "inc", "ltd", "co", "u.s", "u.k", "p.m", "a.m")
# Sentence end: ., ! or ? (repeated), optional closing quotes/brackets/emoji, then space. Also
# line breaks and bullets.
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\s*[\r\n]+\s*|\s+[•·]\s+")
_ABBREV_END = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")\.$",
                         re.I)
_DECIMAL_OR_INITIAL = re.compile(r"(?:\b[A-Z]\.)$")
# Contrastive connectors. "yet" counts only after a comma ("good, yet pricey") because a
# trailing "yet" means "so far" ("not arrived yet").
_CONTRAST = re.compile(
    r"\s*(?:;|\s[-\u2013\u2014]+\s|,\s*yet\b|,?\s*\b(?:but|however|although|though|even though|"
    r"whereas|except(?:\s+that|\s+for)?|apart from|other than that|on the other hand)\b,?)\s*",
    re.I,
)
# Connectors that carry feeling themselves stay with their clause ("unfortunately it ripped").
_CONTRAST_KEEP = re.compile(
    r",?\s+(?=\b(?:unfortunately|sadly|the only (?:problem|issue|thing|downside)|"
    r"the problem is|my only complaint)\b)",
    re.I,
)
# A sentence that opens with a concession ends it at the first comma:
# "Although it was cheap, the fabric is lovely".
_LEADING_CONCESSION = re.compile(r"^\s*(?:although|though|even though|while|whilst)\s+([^,;]+),\s*(.+)$",
                                 re.I | re.S)
_NOT_ONLY_BUT = re.compile(r"\bnot only\b", re.I)
_AND = re.compile(r",?\s+\band\b\s+", re.I)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_MIN_CLAUSE_WORDS = 2
_MIN_AND_WORDS = 3


def _n_words(text: str) -> int:
    return len(_WORD.findall(text))


def split_sentences(text) -> list[str]:
    """Split a text into sentences on end punctuation and line breaks (abbreviation aware).

    Examples
    --------
    >>> split_sentences("Great fit! Delivery took 9 days. Will buy again")
    ['Great fit!', 'Delivery took 9 days.', 'Will buy again']
    """
    if is_missing_text(text):
        return []
    text = str(text).strip()
    if not text:
        return []
    pieces, start = [], 0
    for m in _SENT_END.finditer(text):
        candidate = text[start:m.start()].strip()
        # Do not end a sentence after "Mr." or "approx." or an initial ("J.").
        if candidate and (_ABBREV_END.search(candidate) or _DECIMAL_OR_INITIAL.search(candidate)) \
                and "\n" not in m.group(0):
            continue
        if candidate:
            pieces.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if _n_words(p) > 0 or p.strip()]


def _merge_short(parts: list[str], minimum: int) -> list[str]:
    """Glue fragments shorter than ``minimum`` words onto a neighbour."""
    out: list[str] = []
    for part in parts:
        if out and (_n_words(part) < minimum or _n_words(out[-1]) < minimum):
            out[-1] = f"{out[-1]} {part}".strip()
        else:
            out.append(part)
    return out


def _split_contrast(sentence: str) -> list[str]:
    if _NOT_ONLY_BUT.search(sentence):
        # "not only X but also Y" is one point, not a contrast.
        return [sentence]
    lead = _LEADING_CONCESSION.match(sentence)
    if lead and _n_words(lead.group(1)) >= _MIN_CLAUSE_WORDS:
        return [lead.group(1).strip(), *_split_contrast(lead.group(2))]
    parts = [q.strip(" ,") for p in _CONTRAST.split(sentence) for q in _CONTRAST_KEEP.split(p)]
    parts = [p for p in parts if p]
    return _merge_short(parts, _MIN_CLAUSE_WORDS) if len(parts) > 1 else parts


def _default_polarity() -> Callable[[str], float]:
    from cxlab.text._vader import _scored

    # Same score as ``clause_polarity``, but through the lexicon scorer's cache: a text is scored
    # once however often it is split or re-scored (and the sentiment pass that follows reuses it
    # when it scores with the same settings).
    def polarity(text: str) -> float:
        return _scored(text, True, frozenset())[1]

    return polarity


def _split_and(clause: str, polarity: Callable[[str], float]) -> list[str]:
    if "and" not in clause.lower():  # cheap pre-check before the regex
        return [clause]
    pieces = _AND.split(clause)
    if len(pieces) < 2:
        return [clause]
    out = [pieces[0]]
    for piece in pieces[1:]:
        left = out[-1]
        # polarity is the slow part: score the right side only when the left one has a sign
        if (_n_words(left) >= _MIN_AND_WORDS and _n_words(piece) >= _MIN_AND_WORDS
                and (pl := polarity(left)) != 0 and pl * polarity(piece) < 0):
            out.append(piece)
        else:
            out[-1] = f"{left} and {piece}"
    return out


def split_clauses(text, *, split_and: bool = True, polarity: Callable[[str], float] | None = None) -> list[str]:
    """Split a comment into clauses that each carry one point and one feeling.

    Sentences first (end punctuation, line breaks), then contrastive connectors ("but",
    "however", "although", "though", ", yet", "whereas", "except", ";", " - "...); the
    connector itself is dropped. "and" splits only when both sides have at least three words and
    opposite polarity (``polarity`` scores a clause; default: the CX sentiment lexicon).
    Fragments under two words are glued to a neighbour, so a negation never loses its target
    and no clause is empty.

    Parameters
    ----------
    text : str or None
    split_and : bool, default=True
        Also split on "and" between clauses of opposite polarity.
    polarity : callable, optional
        ``str -> float`` whose sign is the clause polarity.

    Returns
    -------
    list of str
        Empty for missing or blank text.

    Examples
    --------
    >>> split_clauses("love the fit but shipping took forever")
    ['love the fit', 'shipping took forever']
    """
    clauses: list[str] = []
    if split_and and polarity is None:
        polarity = _default_polarity()
    for sentence in split_sentences(text):
        for clause in _split_contrast(sentence):
            clauses.extend(_split_and(clause, polarity) if split_and else [clause])
    return [c.strip() for c in clauses if c.strip()]
