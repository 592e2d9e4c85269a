"""Tokenising for themes: lower-case stems without stop words, CX filler, brands or emoji.

:class:`Analyzer` is a callable ``text -> list[str]`` usable as scikit-learn's
``TfidfVectorizer(analyzer=...)``. Fitted on a corpus it also learns readable surface forms
(``surface_form("deliveri") == "delivery"``) and, with ``phrases="auto"``, the corpus's
multi-word expressions, which it then emits as single tokens (``custom_servic`` read as
"customer service").
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from cxlab.exceptions import NotFittedError, ParameterError
from cxlab.text._normalize import _as_list, is_missing_text, normalize_text

__all__ = ["Analyzer", "CX_FILLER_WORDS", "stem_word", "content_words"]

#: Words that fill customer comments without naming a topic. Topic words that look generic
#: are deliberately NOT here: "order", "ordered", "delivery", "service", "staff", "size",
#: "return", "refund", "app", "wait", "price", "quality", "customer", and time units ("hours",
#: "days", "weeks") which mark waiting and delay complaints.
CX_FILLER_WORDS = frozenset(
    """
    thank thanks thx ty tks cheers please pls plz hi hello hey hiya dear regards kind kindly
    sincerely lol lmao omg wow ok okay yes yeah yep yup no nope nah just really actually
    literally basically honestly seriously totally absolutely definitely probably maybe
    got get gets getting gotten going gonna wanna gotta let lets like im ive id ill dont
    doesnt didnt cant couldnt wont wouldnt isnt wasnt arent werent havent hasnt hadnt shouldnt
    youre youve theyre thats whats theres heres lets u ur ya r thing things stuff lot lots bit
    way today yesterday tomorrow tonight ago soon now still already ever even also though
    although however
    want wanted need needed say said says tell told know think thought make made use used
    come came go went look looking looked try tried trying guy guys folks everyone anyone
    someone rt dm pm via amp http https www com co
    """.split()
)

_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:['\-][a-z]+)*")
_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
_STEM_CACHE: dict[str, str] = {}


def stem_word(word: str) -> str:
    """Snowball (English) stem of a lower-case word, cached."""
    stem = _STEM_CACHE.get(word)
    if stem is None:
        from nltk.stem.snowball import SnowballStemmer

        stemmer = _STEM_CACHE.get("\0stemmer")
        if stemmer is None:
            stemmer = SnowballStemmer("english")
            _STEM_CACHE["\0stemmer"] = stemmer  # type: ignore[assignment]
        stem = stemmer.stem(word)  # type: ignore[union-attr]
        if len(_STEM_CACHE) < 200_000:
            _STEM_CACHE[word] = stem
    return stem


def _stop_words(stop_words, extra) -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    if stop_words == "cx":
        base = set(ENGLISH_STOP_WORDS) | set(CX_FILLER_WORDS)
    elif stop_words == "english":
        base = set(ENGLISH_STOP_WORDS)
    elif stop_words is None:
        base = set()
    elif isinstance(stop_words, str):
        raise ParameterError(
            f"stop_words must be 'cx', 'english', None or a list of words; got {stop_words!r}"
        )
    else:
        base = {str(w).lower() for w in stop_words}
    if isinstance(extra, str):
        raise ParameterError(
            f"extra_stop_words must be a list of words, got the string {extra!r}; "
            "wrap it in a list: extra_stop_words=['loomwear']"
        )
    for item in extra or ():
        # Multi-word brand names ("Virgin America") drop each of their words.
        base.update(_TOKEN.findall(str(item).lower()))
    # Contractions without apostrophes, as people type them.
    base.update(w.replace("'", "") for w in list(base) if "'" in w)
    return frozenset(base)


def content_words(text, stop: frozenset[str]) -> list[str]:
    """Lower-case content words of a text (no stop words, numbers, emoji or placeholders)."""
    if is_missing_text(text):
        return []
    clean = normalize_text(text)
    clean = _PLACEHOLDER.sub(" ", clean).lower().replace("\u2019", "'")
    out = []
    for tok in _TOKEN.findall(clean):
        if tok.endswith("'s"):
            tok = tok[:-2]
        if len(tok) < 2 or tok in stop or tok.replace("'", "") in stop:
            continue
        if any(ch.isdigit() for ch in tok) and not tok.isalpha():
            # Sizes ("xl") survive; codes, times and amounts ("3pm", "ua123") do not.
            continue
        out.append(tok)
    return out


class Analyzer:
    """Text -> list of theme tokens (stems), with readable surface forms and phrases.

    Lower-cases, normalises (HTML, URLs, handles, hashtags), drops numbers, emoji, redaction
    placeholders, English stop words, CX filler (:data:`CX_FILLER_WORDS`) and
    ``extra_stop_words`` (brand and product names), then stems with nltk's Snowball stemmer.
    Phrases (``phrases=[...]`` or learned with ``phrases="auto"`` in :meth:`fit`) come out as one
    token joined by ``_``.

    Parameters
    ----------
    stop_words : {"cx", "english"}, list of str or None, default="cx"
    extra_stop_words : sequence of str, default=()
        Brand, product and place names; multi-word names drop each word.
    stem : bool, default=True
    phrases : "auto", list of str or None, default=None
        ``"auto"`` learns phrases in :meth:`fit` with :func:`~cxlab.text.find_phrases`.
    min_phrase_count : int, default=5
        Minimum count for a learned phrase (``phrases="auto"``).

    Examples
    --------
    >>> an = Analyzer(phrases=["customer service"]).fit(["Customer service was rude", "Deliveries late"])
    >>> an("The customer service and delivery were awful")
    ['custom_servic', 'deliveri', 'aw']
    >>> an.surface_form("custom_servic"), an.surface_form("deliveri")
    ('customer service', 'deliveries')
    """

    def __init__(self, *, stop_words="cx", extra_stop_words=(), stem: bool = True,
                 phrases=None, min_phrase_count: int = 5):
        self.stop_words = stop_words
        self.extra_stop_words = extra_stop_words
        self.stem = stem
        self.phrases = phrases
        self.min_phrase_count = min_phrase_count

    # -- helpers ---------------------------------------------------------------------------
    def _stop(self) -> frozenset[str]:
        key = (repr(self.stop_words), tuple(self.extra_stop_words or ()))
        cached = getattr(self, "_stop_cache", None)
        if cached is None or cached[0] != key:
            self._stop_cache = (key, _stop_words(self.stop_words, self.extra_stop_words))
        return self._stop_cache[1]

    def _norm(self, word: str) -> str:
        return stem_word(word) if self.stem else word

    def _phrase_table(self) -> dict[tuple[str, ...], str]:
        phrases = getattr(self, "phrases_", None)
        if phrases is None:
            phrases = [] if self.phrases in (None, "auto") else list(self.phrases)
        key = tuple(phrases)
        cached = getattr(self, "_phrase_cache", None)
        if cached is None or cached[0] != key:
            table = {}
            for phrase in phrases:
                words = content_words(phrase, self._stop())
                if len(words) >= 2:
                    stems = tuple(self._norm(w) for w in words)
                    table[stems] = "_".join(stems)
            self._phrase_cache = (key, table)
        return self._phrase_cache[1]

    def _words_and_tokens(self, text) -> tuple[list[str], list[str], list[tuple[int, int]]]:
        """Content words, output tokens, and for each token the word span it covers."""
        words = content_words(text, self._stop())
        stems = [self._norm(w) for w in words]
        table = self._phrase_table()
        if not table:
            return words, stems, [(i, i + 1) for i in range(len(stems))]
        lengths = sorted({len(k) for k in table}, reverse=True)
        tokens, spans, i = [], [], 0
        while i < len(stems):
            for n in lengths:
                key = tuple(stems[i:i + n])
                if len(key) == n and key in table:
                    tokens.append(table[key])
                    spans.append((i, i + n))
                    i += n
                    break
            else:
                tokens.append(stems[i])
                spans.append((i, i + 1))
                i += 1
        return words, tokens, spans

    # -- public API ------------------------------------------------------------------------
    def __call__(self, text) -> list[str]:
        return self._words_and_tokens(text)[1]

    def fit(self, texts, y=None) -> Analyzer:
        """Learn phrases (when ``phrases="auto"``) and surface forms from a corpus."""
        items, _ = _as_list(texts)
        if self.phrases == "auto":
            from cxlab.text._phrases import find_phrases

            self.phrases_ = find_phrases(items, min_count=self.min_phrase_count,
                                         stop_words=self._stop(), stem=self.stem)
        elif self.phrases is not None and not isinstance(self.phrases, str):
            self.phrases_ = list(self.phrases)
        elif self.phrases is not None:
            raise ParameterError(
                f"phrases must be 'auto', a list of phrases or None; got {self.phrases!r}"
            )
        else:
            self.phrases_ = []
        forms: dict[str, Counter] = defaultdict(Counter)
        for text in items:
            words, tokens, spans = self._words_and_tokens(text)
            for token, (a, b) in zip(tokens, spans):
                forms[token][" ".join(words[a:b])] += 1
        # Most frequent original form; ties broken alphabetically for determinism.
        self.surface_forms_ = {
            token: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            for token, counter in forms.items()
        }
        self.token_counts_ = {token: sum(c.values()) for token, c in forms.items()}
        return self

    def surface_form(self, token: str) -> str:
        """Readable form of a token: the corpus's most frequent original word(s) for it."""
        forms = getattr(self, "surface_forms_", None)
        if forms is not None and token in forms:
            return forms[token]
        return token.replace("_", " ")

    def surface_forms(self, tokens) -> list[str]:
        """:meth:`surface_form` of each token."""
        return [self.surface_form(t) for t in tokens]

    def check_fitted(self) -> None:
        if not hasattr(self, "surface_forms_"):
            raise NotFittedError("this Analyzer is not fitted yet; call analyzer.fit(texts) first")

    def __getstate__(self):
        # Caches are rebuilt on demand; keep pickles small and stable.
        state = dict(self.__dict__)
        state.pop("_stop_cache", None)
        state.pop("_phrase_cache", None)
        return state

    def get_params(self, deep: bool = True) -> dict:
        return {"stop_words": self.stop_words, "extra_stop_words": self.extra_stop_words,
                "stem": self.stem, "phrases": self.phrases,
                "min_phrase_count": self.min_phrase_count}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Analyzer({args})"
