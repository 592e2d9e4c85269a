"""Lexical vectorizer: stems + corpus phrases -> sublinear TF-IDF, with readable surface forms.

Why these choices (they are general, not tuned to one data set):

* stop words = scikit-learn's English list + CX filler (greetings, thanks, "please", chat
  fillers) + the user's own list (brand and product names), so politeness and brands never
  become themes;
* Snowball stems merge "delayed/delay/delays" while the most frequent original word is kept to
  label themes in plain English;
* adjacent content-word pairs ("customer service", "lost luggage", "run small") are features
  when they recur (``min_df``), so labels can be phrases;
* sublinear TF and an upper document-frequency cut (``max_df``) stop words that appear in a
  large share of comments (the product itself: "flight", "dress") from dominating;
* rows are L2-normalised so long comments do not outweigh short ones.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from cxlab.themes._base import BaseThemeVectorizer

__all__ = ["LexicalVectorizer", "CX_STOP_WORDS", "Tokenizer"]

#: Words that carry no theme in customer feedback: greetings, politeness, chat fillers,
#: contractions without apostrophes. Deliberately short: domain words stay.
CX_STOP_WORDS = frozenset(
    """thank thanks thx ty please pls plz hi hello hey dear ok okay yes yeah yep lol omg wow
    via amp im ive id dont cant wont didnt doesnt isnt arent wasnt werent havent hasnt couldnt
    wouldnt shouldnt youre theyre thats whats u ur would could get got gets getting also
    really just like even guys guy anyway btw tho gonna wanna pm am writing forward hearing
    regards kind hope dear sir madam""".split()
)

def _text_filler() -> frozenset[str]:
    """cxlab.text's CX filler list (greetings, sign-offs, chat words)."""
    from cxlab.text import CX_FILLER_WORDS

    return frozenset(CX_FILLER_WORDS)


#: Words that only say how the customer feels, not what about: sentiment is scored apart, so
#: they would only split a theme into its "happy" and "unhappy" halves.
EVALUATIVE_WORDS = frozenset(
    """good great bad love loved loving lovely hate hated happy unhappy pleased glad sad nice
    terrible awful horrible worst best better worse amazing excellent fantastic brilliant
    perfect poor disappointed disappointing disappointment sucks suck shocking ridiculous
    unacceptable disgusting pathetic useless fine okay wonderful superb impressed annoyed
    frustrated frustrating angry furious upset thrilled delighted awesome fab gorgeous""".split()
)

_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|')*[^\W\d_]", re.U)


class Tokenizer:
    """Lower-case word tokens -> stems, dropping stop words; records surface forms."""

    def __init__(self, *, stop_words=(), min_length: int = 3):
        from nltk.stem.snowball import SnowballStemmer

        self.stop = (frozenset(ENGLISH_STOP_WORDS) | CX_STOP_WORDS | EVALUATIVE_WORDS | _text_filler()
                     | {w.lower() for w in stop_words})
        self.min_length = min_length
        self._stemmer = SnowballStemmer("english")
        self._cache: dict[str, str] = {}

    def __getstate__(self):
        # sets pickle in hash order, which changes between processes: store them sorted so a
        # saved model is byte-identical for the same data and seed
        state = self.__dict__.copy()
        state["_cache"] = {}
        state["stop"] = sorted(self.stop)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.stop = frozenset(self.stop)

    def _stem(self, word: str) -> str:
        s = self._cache.get(word)
        if s is None:
            s = self._cache[word] = self._stemmer.stem(word)
        return s

    def words(self, text: str) -> list[str]:
        out = []
        for w in _TOKEN.findall(text.lower()):
            w = w.replace("'", "")
            if len(w) >= self.min_length and w not in self.stop:
                out.append(w)
        return out

    def __call__(self, text: str, surface: Counter | None = None) -> list[str]:
        words = self.words(text)
        stems = [self._stem(w) for w in words]
        if surface is not None:
            surface.update(zip(stems, words))
        return stems


def with_phrases(stems: list[str]) -> list[str]:
    """Unigrams plus adjacent pairs joined by a space (pairs survive only if they recur)."""
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:]) if a != b]


def _identity(x):
    return x


class LexicalVectorizer(BaseThemeVectorizer):
    """Sublinear TF-IDF over stems and stem pairs.

    Parameters
    ----------
    min_df : int, default=3
    max_df : float, default=0.3
    stop_words : iterable of str, default=()
        Extra words to ignore (brand, product and staff names).
    """

    def __init__(self, *, min_df: int = 3, max_df: float = 0.3, stop_words=()):
        self.min_df = min_df
        self.max_df = max_df
        self.stop_words = tuple(stop_words)

    def analyze(self, texts: list[str]) -> list[list[str]]:
        """Features (stems and in-text stem pairs) of each text; records surface forms."""
        if not hasattr(self, "tokenizer_"):
            self.tokenizer_ = Tokenizer(stop_words=self.stop_words)
            self._surface = Counter()
        tok, surface = self.tokenizer_, getattr(self, "_surface", None)
        return [with_phrases(tok(t, surface)) for t in texts]

    def fit(self, docs: list[list[str]]) -> "LexicalVectorizer":
        """Learn vocabulary and IDF from analysed documents (see :meth:`analyze`)."""
        if not hasattr(self, "tokenizer_"):
            self.tokenizer_ = Tokenizer(stop_words=self.stop_words)
        n = max(len(docs), 1)
        min_df = min(self.min_df, max(1, n // 50))  # tiny corpora still get a vocabulary
        self.tfidf_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df,
                                      # in a handful of comments every theme word is "frequent"
                                      max_df=self.max_df if n >= 100 else 1.0, dtype=np.float64)
        try:
            self.tfidf_.fit(docs)
        except ValueError:  # nothing survives the cut: fall back to every token
            self.tfidf_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float64)
            self.tfidf_.fit([d or ["_empty_"] for d in docs])
        best: dict[str, tuple[int, str]] = {}
        for (stem, word), c in sorted(getattr(self, "_surface", Counter()).items()):
            if stem not in best or c > best[stem][0]:
                best[stem] = (c, word)
        self.surface_ = {s: w for s, (c, w) in best.items()}
        self._surface = None  # stop recording once fitted
        return self

    def transform(self, docs: list[list[str]]):
        return self.tfidf_.transform(docs)

    def get_feature_names_out(self) -> np.ndarray:
        return self.tfidf_.get_feature_names_out()

    def readable(self, feature: str) -> str:
        return " ".join(self.surface_.get(p, p) for p in feature.split(" "))

    def seed_vector(self, phrases: list[str]) -> np.ndarray:
        vocab = self.tfidf_.vocabulary_
        vec = np.zeros(len(vocab))
        for phrase in phrases:
            feats = with_phrases(self.tokenizer_(str(phrase)))
            for f in feats:
                j = vocab.get(f)
                if j is not None:
                    vec[j] += 1.0
        return vec
