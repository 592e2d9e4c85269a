"""Language detection and comment flags (empty, short, non-English, PII, HTML, formula).

Flagged comments are counted and reported, never silently dropped: downstream steps decide what
to do with them and say so.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.text._normalize import _as_list, is_missing_text, normalize_text
from cxlab.text._redact import find_pii

__all__ = ["detect_language", "flag_comments", "CANDIDATE_LANGUAGES", "FLAG_COLUMNS"]

#: Languages the detector chooses among. Restricting the set matters: with all 97 langid
#: languages, short English texts are often called Latin, Malay or Tagalog.
CANDIDATE_LANGUAGES = (
    "en", "fr", "es", "de", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "ro", "hu",
    "tr", "ru", "uk", "el", "ar", "he", "hi", "zh", "ja", "ko", "vi", "id", "th",
)
FLAG_COLUMNS = ("is_empty", "is_short", "is_non_english", "has_pii", "has_html", "has_formula")

# Below this many words a statistical guess is unreliable: answer "en" when the words are
# English words, otherwise "und" (undetermined).
_MIN_WORDS = 3
# langid must be this sure before an English-looking text is called something else.
_MIN_PROB = 0.9
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[a-z]{2,8}|#\d{2,6}|#x[0-9a-f]{2,5});",
                   re.I)
# Spreadsheet formula injection: "=...", or +/-/@ followed by a function call or cell maths.
_FORMULA = re.compile(
    r"^\s*(?:=|[+\-@]\s*(?:[A-Za-z_][A-Za-z0-9_.]*\s*\(|[A-Z]{1,3}\d+\s*[-+*/:]|\d[\d.]*\s*[-+*/]\s*\d)"
    r"|[\t\r]\s*[=+\-@])"
)
_NON_RESPONSE = {"na", "n/a", "n.a.", "none", "nil", "nothing", "no comment", "no comments", "-",
                 "--", ".", "null", "nan", "tbc", "x", "xx", "xxx", "test", "asdf"}


@lru_cache(maxsize=1)
def _identifier():
    from py3langid import langid

    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident.set_languages(list(CANDIDATE_LANGUAGES))
    return ident


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from cxlab.text._resources import load_vader_lexicon

    words = {w for w in load_vader_lexicon() if w.isalpha()}
    words |= set(ENGLISH_STOP_WORDS)
    words |= set(_CX_ENGLISH.split())
    return frozenset(words)


_CX_ENGLISH = """
order ordered orders delivery delivered deliver shipping shipped ship parcel package courier refund
refunded return returned returns size sizes sizing fit fits fitted small large medium dress top
shirt jeans trousers skirt shoes fabric quality price prices service customer customers staff app
website site checkout payment card flight flights plane planes seat seats bag bags luggage
baggage gate crew hours hour hrs hr minutes mins min days day week weeks month time times still
wait waiting waited hold phone call called calls email line agent agents rep store shop item
items product products colour color wash washed material stitching arrived arrive arrives late
delay delays delayed cancelled canceled cancel booking booked book ticket tickets account login
password error page fast slow quick easy hard cheap expensive value money worth again never ever
today yesterday tomorrow tonight got get gets getting going went go buy bought sent send help
need needs want wanted would could should just really actually know think make made let told
tell say said says ask asked try tried trying use used work working way people home new check
checked fly flying flew airline airlines airport experience change changed trip travel class
business upgrade status response reply respond contact update issue issues problem problems
reservation passengers passenger long night morning evening early earlier ago person weather
hotel follow claim paid pay charge charged fee fees voucher miles online available able
different info instead company message employees policy team board boarding connection
connecting departure landed landing pilot maintenance look looking looks come coming came
received receive reason question point end job lot lots little big old extra option options
away thing things ground desk room food process speak heard hear guess mean means form job
i'm it's don't can't that's i've didn't doesn't i'll you're what's won't isn't haven't we're
you've i'd wasn't couldn't there's they're aren't shouldn't wouldn't hasn't weren't let's
guys guy wife husband kids child family friend friends year years hi dm pm rt asap
""".strip()


def _detect_one(text) -> str:
    if is_missing_text(text):
        return "und"
    clean = normalize_text(text)
    words = _WORD.findall(clean)
    if not words:
        return "und"
    letters = sum(len(w) for w in words)
    latin = len(_LATIN.findall(clean))
    if latin < 0.5 * letters:
        # Non-Latin scripts (CJK, Cyrillic, Arabic...) are identified reliably even when short.
        return _identifier().classify(clean)[0]
    vocab = _english_words()
    # Single letters and ALL-CAPS codes (airport codes, SKUs) say nothing about the language.
    scored = [w.lower() for w in words if len(w) > 1 and not (w.isupper() and len(w) <= 4)]
    share_en = sum(w in vocab for w in scored) / len(scored) if scored else 0.0
    if len(words) < _MIN_WORDS:
        return "en" if share_en >= 0.5 else "und"
    if share_en >= 0.6 and len(scored) >= _MIN_WORDS:
        # Clearly English: skip the (slower) statistical model.
        return "en"
    lang, prob = _identifier().classify(clean)
    if lang == "en":
        return "en"
    if prob >= _MIN_PROB and share_en < 0.6:
        return lang
    # An unsure call on text with many English words is English (slang, names, typos);
    # otherwise we do not guess.
    return "en" if share_en >= 0.4 else "und"


def detect_language(texts) -> pd.Series:
    """ISO 639-1 language code per text, ``"und"`` when it cannot be told.

    Uses py3langid (model shipped with the package) restricted to
    :data:`CANDIDATE_LANGUAGES`, plus an English-vocabulary check so short or slangy English is
    not mistaken for another language. Texts under three words are ``"en"`` when most of their
    words are English and ``"und"`` otherwise; empty and emoji-only texts are ``"und"``.

    Parameters
    ----------
    texts : pandas.Series, list of str or str

    Returns
    -------
    pandas.Series of str
        Same index as ``texts`` (a RangeIndex for lists), named ``language``.

    Examples
    --------
    >>> detect_language(["Le colis est arrivé en retard et abîmé", "love it", "😍"]).tolist()
    ['fr', 'en', 'und']
    """
    items, index = _as_list(texts)
    return pd.Series([_detect_one(t) for t in items], index=index, dtype=object, name="language")


def _is_empty(text) -> bool:
    if is_missing_text(text):
        return True
    clean = normalize_text(text).strip()
    if not clean or clean.lower() in _NON_RESPONSE:
        return True
    # Nothing but punctuation/symbols; emoji count as content (they carry sentiment).
    return not any(ch.isalnum() or ord(ch) > 0x2000 for ch in clean)


def empty_comments(texts) -> pd.Series:
    """True where a comment says nothing: missing, blank, punctuation only or a non-response
    ("n/a", "no comment", "-"). The same rule as ``flag_comments(...)["is_empty"]``; only short
    or letterless texts are checked one by one, so long comments cost a vectorised test.

    Examples
    --------
    >>> empty_comments(pd.Series(["n/a", None, "...", "late again", "😍"])).tolist()
    [True, True, True, False, False]
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    text = s if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object else \
        s.astype(object).map(lambda v: v if isinstance(v, str) else None)
    longest = max(len(r) for r in _NON_RESPONSE)
    candidates = (text.isna() | (text.str.strip().str.len() <= longest)
                  | ~text.str.contains(r"[^\W_]", regex=True).fillna(False).astype(bool)).to_numpy(bool)
    out = np.zeros(len(s), dtype=bool)
    out[candidates] = [_is_empty(v) for v in s.to_numpy(object)[candidates]]
    return pd.Series(out, index=s.index, name="is_empty")


def flag_comments(texts, *, languages=None, columns=None) -> pd.DataFrame:
    """Boolean quality flags per comment, so nothing is dropped without being counted.

    Columns: ``is_empty`` (missing, blank, punctuation only or a non-response such as "n/a"),
    ``is_short`` (exactly one word), ``is_non_english`` (a language other than English was
    detected; undetermined is not flagged), ``has_pii`` (personal data found, see
    :func:`~cxlab.text.find_pii`), ``has_html`` (tags or entities in the raw text),
    ``has_formula`` (starts like a spreadsheet formula: neutralise before CSV/Excel export).

    Parameters
    ----------
    texts : pandas.Series, list of str or str
        Raw comments.
    languages : pandas.Series or list, optional
        Precomputed :func:`detect_language` output (saves recomputing it).
    columns : sequence of str, optional
        Only these flags (a subset of :data:`FLAG_COLUMNS`, in that order); the others are not
        computed, which saves time on large inputs (language detection and the personal-data
        scan are the slow ones). Default: all.

    Returns
    -------
    pandas.DataFrame
        One row per text, same index, boolean columns :data:`FLAG_COLUMNS` (or ``columns``).

    Examples
    --------
    >>> flag_comments(["", "Great", "=HYPERLINK(\\"x\\")", "Très bien, merci beaucoup!"]).sum().to_dict()
    {'is_empty': 1, 'is_short': 1, 'is_non_english': 1, 'has_pii': 0, 'has_html': 0, 'has_formula': 1}
    >>> flag_comments(["n/a", "ok"], columns=["is_empty"]).columns.tolist()
    ['is_empty']
    """
    if columns is None:
        wanted = list(FLAG_COLUMNS)
    else:
        unknown = [c for c in columns if c not in FLAG_COLUMNS]
        if unknown:
            raise ParameterError(f"flag_comments: unknown columns {unknown}; choose from {list(FLAG_COLUMNS)}.")
        wanted = [c for c in FLAG_COLUMNS if c in set(columns)]
    items, index = _as_list(texts)
    empty = empty_comments(pd.Series(items, dtype=object)).tolist()  # one rule, vectorised
    raw = ["" if is_missing_text(t) else str(t) for t in items]
    data: dict[str, list[bool]] = {}
    if "is_empty" in wanted:
        data["is_empty"] = empty
    if "is_short" in wanted:
        n_words = [len(_WORD.findall(normalize_text(t))) for t in raw]
        data["is_short"] = [(not e) and n == 1 for e, n in zip(empty, n_words)]
    if "is_non_english" in wanted:
        if languages is None:
            # empty texts are never flagged: do not spend detection on them
            languages = ["und" if e else _detect_one(t) for e, t in zip(empty, items)]
        data["is_non_english"] = [(not e) and lang not in ("en", "und")
                                  for e, lang in zip(empty, list(languages))]
    if "has_pii" in wanted:
        data["has_pii"] = [bool(k) for k in find_pii(pd.Series(raw, dtype=object))]
    if "has_html" in wanted:
        data["has_html"] = [bool(_HTML.search(t)) for t in raw]
    if "has_formula" in wanted:
        data["has_formula"] = [bool(_FORMULA.match(t)) for t in raw]
    return pd.DataFrame(data, index=index, columns=wanted).astype(bool)
