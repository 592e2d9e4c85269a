"""Multi-word expressions learned from the corpus ("customer service", "lost luggage").

Phrases are found on the sequence of content words (stop words removed, stems compared) inside
each clause, with nltk's collocation finders: bigrams and trigrams seen at least ``min_count``
times, ranked by the likelihood-ratio test, kept when their PMI shows real association. Each is
reported in its most frequent original wording.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from cxlab.exceptions import ParameterError
from cxlab.text._normalize import _as_list

__all__ = ["find_phrases"]

# A phrase must co-occur at least 2**_MIN_PMI times more often than chance.
_MIN_PMI = 2.0
_TRIGRAM_SHARE = 0.6


def _clause_words(items, stop, stem):
    from cxlab.text._clauses import split_clauses
    from cxlab.text._tokenize import content_words, stem_word

    for text in items:
        for clause in split_clauses(text, split_and=False):
            words = content_words(clause, stop)
            if len(words) >= 2:
                yield words, [stem_word(w) if stem else w for w in words]


def find_phrases(texts, *, min_count: int = 5, top_n: int = 100, stop_words=None,
                 stem: bool = True, max_words: int = 3) -> list[str]:
    """Frequent, strongly associated 2-3 word phrases of a corpus, best first.

    Parameters
    ----------
    texts : pandas.Series or list of str
    min_count : int, default=5
        Minimum number of occurrences.
    top_n : int, default=100
        Maximum number of phrases returned.
    stop_words : set of str, optional
        Words removed before pairing (default: English stop words plus CX filler). Phrases made
        only of stop words therefore never appear.
    stem : bool, default=True
        Count "runs small" and "run small" together.
    max_words : {2, 3}, default=3

    Returns
    -------
    list of str
        Phrases in their most frequent original wording, ranked by likelihood ratio.

    Examples
    --------
    >>> docs = ["customer service was rude", "rude customer service", "lost luggage again",
    ...         "they lost my luggage", "customer service never replied", "lost luggage claim"]
    >>> find_phrases(docs, min_count=2)
    ['customer service', 'lost luggage']
    """
    from nltk.collocations import (BigramAssocMeasures, BigramCollocationFinder,
                                   TrigramAssocMeasures, TrigramCollocationFinder)

    from cxlab.text._tokenize import _stop_words

    if not isinstance(min_count, int) or min_count < 1:
        raise ParameterError(f"min_count must be a positive int; got {min_count!r}")
    if max_words not in (2, 3):
        raise ParameterError(f"max_words must be 2 or 3; got {max_words!r}")
    items, _ = _as_list(texts)
    stop = _stop_words("cx", ()) if stop_words is None else frozenset(stop_words)
    docs_words, docs_stems = [], []
    for words, stems in _clause_words(items, stop, stem):
        docs_words.append(words)
        docs_stems.append(stems)
    if not docs_stems:
        return []
    surface: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for words, stems in zip(docs_words, docs_stems):
        for n in range(2, max_words + 1):
            for i in range(len(stems) - n + 1):
                surface[tuple(stems[i:i + n])][" ".join(words[i:i + n])] += 1

    scored: list[tuple[float, tuple[str, ...]]] = []
    bigram = BigramCollocationFinder.from_documents(docs_stems)
    bigram.apply_freq_filter(min_count)
    n_words = bigram.word_fd.N()
    for gram, score in bigram.score_ngrams(BigramAssocMeasures.likelihood_ratio):
        a, b = gram
        pmi = math.log2(bigram.ngram_fd[gram] * n_words / (bigram.word_fd[a] * bigram.word_fd[b]))
        if pmi >= _MIN_PMI and a != b:
            scored.append((score, gram))
    if max_words == 3:
        trigram = TrigramCollocationFinder.from_documents(docs_stems)
        trigram.apply_freq_filter(min_count)
        for gram, score in trigram.score_ngrams(TrigramAssocMeasures.likelihood_ratio):
            denom = math.prod(trigram.word_fd[w] for w in gram)
            pmi = math.log2(trigram.ngram_fd[gram] * n_words ** 2 / denom)
            # A trigram must be a unit, not a frequent bigram plus a varying word
            # ("customer service rude"): it needs most of its bigrams' occurrences.
            sub = min(bigram.ngram_fd[gram[:2]], bigram.ngram_fd[gram[1:]])
            unit = trigram.ngram_fd[gram] >= _TRIGRAM_SHARE * sub
            if pmi >= 2 * _MIN_PMI and len(set(gram)) == 3 and unit:
                scored.append((score, gram))
    # Highest likelihood ratio first; ties in alphabetical order for determinism.
    scored.sort(key=lambda sg: (-sg[0], sg[1]))
    out, seen = [], set()
    for _, gram in scored:
        forms = surface.get(gram)
        if not forms:
            continue
        text = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if text not in seen:
            seen.add(text)
            out.append(text)
        if len(out) >= top_n:
            break
    return out
