"""The lexicon engine: nltk's VADER with an offline lexicon, extended for CX language.

Pipeline for one text: normalise (HTML, handles, hashtags) -> space out emoji (emoji carry
sentiment and get valences derived from their names) -> replace CX complaint/praise patterns by
marker tokens (:mod:`cxlab.text._cx_lexicon`) -> VADER with the CX-extended lexicon. Brand words
(the corpus's own @handles, and ``ignore_words``) are taken out of the lexicon: "United" or
"Virgin" are names, not feelings.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from cxlab.text._cx_lexicon import CX_LEXICON, CX_REWRITES, MARKER_VALENCES, compile_patterns
from cxlab.text._normalize import is_missing_text, normalize_text
from cxlab.text._resources import load_emoji_descriptions, load_vader_lexicon, vader_lexicon_path

__all__ = ["lexicon_scores", "clause_polarity"]

# Emoji whose names mislead a word lexicon ("face with tears of joy" is laughter; "pouting face"
# is anger): hand-set valences, VADER scale.
_EMOJI_OVERRIDES = {
    "😂": 1.0, "🤣": 1.0, "😡": -2.8, "😠": -2.5, "🤬": -3.0, "😤": -2.0, "🙄": -1.8,
    "😒": -1.8, "😑": -1.2, "😐": -0.5, "😞": -2.0, "😔": -1.8, "😢": -2.0, "😭": -2.2,
    "💔": -2.2, "👎": -2.0, "👍": 1.8, "👌": 1.5, "🙏": 0.6, "❤": 2.8, "😍": 2.8, "🥰": 2.8,
    "😊": 2.0, "🙂": 1.2, "😀": 2.0, "😁": 2.0, "😃": 2.0, "😄": 2.0, "🎉": 2.0, "🔥": 1.0,
    "💯": 1.5, "✨": 1.2, "😩": -2.0, "😫": -2.0, "🤦": -1.8, "😱": -1.5, "😬": -1.0,
    "🤷": -0.5, "😕": -1.2, "🙁": -1.5, "☹": -1.8, "😖": -2.0, "😣": -1.8, "🤢": -2.2,
    "🤮": -2.5, "💩": -2.2, "😴": -0.8, "✈": 0.0, "📦": 0.0,
}
_EMOJI_CHARS = re.compile(
    "([\U0001F300-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\U0001F000-\U0001F2FF])[\ufe0f\U0001F3FB-\U0001F3FF]*"
)
_WORD = re.compile(r"[a-z']+")


def _emoji_valences(lexicon: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for emoji, description in load_emoji_descriptions().items():
        if len(emoji) != 1:
            continue
        vals = [lexicon[w] for w in _WORD.findall(description.lower()) if w in lexicon]
        if vals:
            out[emoji] = round(float(np.mean(vals)), 2)
    out.update(_EMOJI_OVERRIDES)
    return out


@lru_cache(maxsize=2)
def _base_lexicon(cx_lexicon: bool) -> dict[str, float]:
    lexicon = dict(load_vader_lexicon())
    if cx_lexicon:
        lexicon.update(CX_LEXICON)
        lexicon.update(MARKER_VALENCES)
    lexicon.update({f"emj{ord(e):x}": v for e, v in _emoji_valences(lexicon).items()})
    return lexicon


# Politeness formulae are not evaluations: "thanks for the reply, my bag is still missing" is a
# complaint. They count only when nothing in the text is clearly negative.
_POLITE = frozenset({"thanks", "thank", "thx", "ty", "please", "pls", "plz", "kindly", "cheers"})
# Questions ask rather than assert: "what's the best way to get tickets?" praises nothing.
# Positive words inside a question keep this share of their valence; negative ones keep all
# ("why is my refund still not here?" is a complaint).
_QUESTION_POSITIVE_SHARE = 0.3
_NEGATIVE_EVIDENCE = -1.0


def _cx_adjust(words: list[str], raw: list[str], sentiments: list[float]) -> list[float]:
    """CX adjustments to VADER's per-token valences (see the constants above)."""
    if not sentiments:
        return sentiments
    out = list(sentiments)
    if min(out) <= _NEGATIVE_EVIDENCE:
        for i, word in enumerate(words):
            if out[i] > 0 and word.lower().strip(".,!?:;") in _POLITE:
                out[i] = 0.0
    if any("?" in tok for tok in raw):
        start = 0
        for end, tok in enumerate(raw):
            tok = tok.rstrip("\"')")
            if tok.endswith(("?", ".", "!")) or end == len(raw) - 1:
                if tok.endswith("?"):
                    for i in range(start, end + 1):
                        if out[i] > 0:
                            out[i] *= _QUESTION_POSITIVE_SHARE
                start = end + 1
    return out


@lru_cache(maxsize=8)
def _analyzer(cx_lexicon: bool, removed: frozenset[str] = frozenset()):
    """A cached nltk VADER analyser (building one parses 7,500 lexicon lines)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer, SentiText, VaderConstants

    class _FastSentiText(SentiText):
        # nltk builds a dict over every (punctuation x word) pair of the text; looking up only
        # the tokens present gives the same mapping in linear time.
        def _words_plus_punc(self):
            no_punc = {w for w in self.REGEX_REMOVE_PUNCTUATION.sub("", self.text).split()
                       if len(w) > 1}
            out = {}
            for tok in self.text.split():
                if len(tok) > 1 and tok[0] in self.PUNC_LIST and tok[1:] in no_punc:
                    out[tok] = tok[1:]
                elif len(tok) > 1 and tok[-1] in self.PUNC_LIST and tok[:-1] in no_punc:
                    out[tok] = tok[:-1]
            return out

    class _OfflineVader(SentimentIntensityAnalyzer):
        # nltk's constructor loads the lexicon through nltk.data, whose path guard refuses
        # files outside nltk data folders; we hand it the parsed lexicon instead.
        def __init__(self, lexicon, cx):
            self.cx = cx
            self.lexicon_file = str(vader_lexicon_path())
            self.lexicon = lexicon
            self.constants = VaderConstants()

        def polarity_scores(self, text):
            # Same algorithm as nltk's, with the linear-time tokenisation above.
            sentitext = _FastSentiText(text, self.constants.PUNC_LIST,
                                       self.constants.REGEX_REMOVE_PUNCTUATION)
            sentiments = []
            words = sentitext.words_and_emoticons
            first_index = {}
            for idx, token in enumerate(words):
                first_index.setdefault(token, idx)
            lexicon = self.lexicon
            for item in words:
                low = item.lower()
                if low not in lexicon and low != "kind":
                    # nltk's sentiment_valence appends 0 for words outside the lexicon.
                    sentiments.append(0)
                    continue
                i = first_index[item]
                if (i < len(words) - 1 and low == "kind" and words[i + 1].lower() == "of") \
                        or low in self.constants.BOOSTER_DICT:
                    sentiments.append(0)
                    continue
                sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            sentiments = self._but_check(words, sentiments)
            # nltk strips punctuation from tokens; the raw tokens (same filter, same order)
            # tell where questions end.
            raw = [tok for tok in text.split() if len(tok) > 1]
            if self.cx:
                sentiments = _cx_adjust(words, raw if len(raw) == len(words) else words,
                                        sentiments)
            return self.score_valence(sentiments, text)

    lexicon = dict(_base_lexicon(cx_lexicon))
    for word in removed:
        lexicon.pop(word, None)
    return _OfflineVader(lexicon, cx_lexicon)


@lru_cache(maxsize=2)
def _patterns(cx_lexicon: bool):
    """Compiled CX patterns and one regex that finds all their trigger strings in one pass."""
    if not cx_lexicon:
        return [], None
    compiled = compile_patterns()
    triggers = sorted({t for _, _, ts in compiled for t in ts}, key=lambda t: (-len(t), t))
    finder = re.compile("(?=(" + "|".join(re.escape(t) for t in triggers) + "))")
    # At one position the finder reports only the longest trigger; shorter triggers that are
    # its prefixes ("no" inside "no ") are present too.
    prefixes = {t: frozenset(u for u in triggers if t.startswith(u)) for t in triggers}
    return [(regex, token, frozenset(ts)) for regex, token, ts in compiled], (finder, prefixes)


def _found(finders, text: str) -> set[str]:
    finder, prefixes = finders
    out: set[str] = set()
    for t in set(finder.findall(text.lower())):
        out |= prefixes[t]
    return out


@lru_cache(maxsize=1)
def _rewrites():
    return [(re.compile(p, re.I), r) for p, r in CX_REWRITES]


def _vader_text(text, cx_lexicon: bool) -> str:
    """The text VADER sees: normalised, emoji spaced, CX patterns replaced by marker tokens."""
    if is_missing_text(text):
        return ""
    clean = normalize_text(text)
    if not clean:
        return ""
    if not clean.isascii():
        # VADER drops one-character tokens, so each emoji becomes a named token ("emj1f621").
        clean = _EMOJI_CHARS.sub(lambda m: f" emj{ord(m.group(1)):x} ", clean)
    patterns, finder = _patterns(cx_lexicon)
    if finder is None:
        return clean
    for regex, replacement in _rewrites():
        clean = regex.sub(replacement, clean)
    found = _found(finder, clean)
    if not found:
        return clean
    for regex, token, triggers in patterns:
        if triggers & found:
            new = regex.sub(f" {token} ", clean)
            if new != clean:
                clean = new
                found = _found(finder, clean)
    return clean


def _compound(text, cx_lexicon: bool, removed: frozenset[str]) -> float:
    prepared = _vader_text(text, cx_lexicon)
    if not prepared:
        return 0.0
    return float(_analyzer(cx_lexicon, removed).polarity_scores(prepared)["compound"])


@lru_cache(maxsize=200_000)
def _scored(text: str, cx_lexicon: bool, removed: frozenset[str]) -> tuple[str, float]:
    # Cached: fitting and then scoring the same corpus (and repeated clauses such as
    # "thank you") cost one pass.
    prepared = _vader_text(text, cx_lexicon)
    if not prepared:
        return "", 0.0
    return prepared, float(_analyzer(cx_lexicon, removed).polarity_scores(prepared)["compound"])


def lexicon_scores(items, cx_lexicon: bool, removed: frozenset[str]) -> tuple[list[str], np.ndarray]:
    """The VADER-ready text and the lexicon compound of each item."""
    pairs = [("", 0.0) if is_missing_text(t) else _scored(str(t), cx_lexicon, removed)
             for t in items]
    prepared = [p for p, _ in pairs]
    return prepared, np.array([c for _, c in pairs], dtype=float)


def clause_polarity(text) -> float:
    """Compound CX sentiment of one short text (used to decide "and" splits).

    Examples
    --------
    >>> clause_polarity("my parcel still hasn't arrived") < 0
    True
    """
    return _compound(text, True, frozenset())
