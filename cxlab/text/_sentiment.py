"""CX sentiment per comment or clause: :class:`SentimentScorer` and :func:`score_sentiment`.

Two layers:

1. **Lexicon** (:mod:`cxlab.text._vader`): nltk's VADER with its lexicon read offline from the
   ``vaderSentiment`` package, extended with a CX lexicon and complaint/praise patterns
   (:mod:`cxlab.text._cx_lexicon`), emoji valences, politeness and question handling. Brand
   words (the corpus's @handles and ``ignore_words``) are names, not feelings.
2. **Corpus adaptation** (:mod:`cxlab.text._adapt`, ``adapt="auto"``): a classifier fitted on
   the analysed corpus's own confidently-scored comments, with class priors re-estimated by EM
   and blended with the lexicon. It uses no labels. Small corpora use the lexicon alone.

Labels: with adaptation, the most probable class; without it, VADER's published rule
(``compound >= 0.05`` positive, ``<= -0.05`` negative, else neutral; ``neutral_band``).
"""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from cxlab.exceptions import NotFittedError, ParameterError
from cxlab.text._adapt import apply_adapter, fit_adapter
from cxlab.text._normalize import _HANDLE, _as_list, is_missing_text
from cxlab.text._vader import clause_polarity, lexicon_scores

__all__ = ["SentimentScorer", "score_sentiment", "clause_polarity", "SENTIMENT_LABELS"]

SENTIMENT_LABELS = ("negative", "neutral", "positive")
_LABELS = np.array(SENTIMENT_LABELS, dtype=object)


def _band_labels(compound: np.ndarray, band: float) -> np.ndarray:
    return np.where(compound <= -band, "negative",
                    np.where(compound >= band, "positive", "neutral")).astype(object)


class SentimentScorer:
    """Score CX sentiment per text: ``compound`` in [-1, 1] and a 3-way ``label``.

    Parameters
    ----------
    cx_lexicon : bool, default=True
        Add the CX lexicon and complaint/praise patterns to VADER. ``False`` gives plain VADER.
    adapt : {"auto", True, False}, default="auto"
        Adapt to the corpus passed to :meth:`fit` (no labels used; see :mod:`cxlab.text._adapt`).
        ``"auto"`` adapts when the corpus has at least 300 texts and enough confident examples
        of each class; ``True`` is the same but warns in ``adapted_`` when it cannot.
    neutral_band : float, default=0.05
        Without adaptation, ``|compound| < neutral_band`` is neutral (VADER's threshold).
    ignore_words : sequence of str, default=()
        Words that are names here, not feelings (brands, products): removed from the lexicon.
    learn_handles : bool, default=True
        Also ignore the @handles seen in the texts (a brand's handle is not a feeling).
    random_state : int, default=0
        Seed passed to the adaptation model (the solver is deterministic anyway).

    Attributes
    ----------
    ignored_words_ : frozenset of str
    adapted_ : bool
        Whether the corpus model is used.
    calibration_ : sklearn.isotonic.IsotonicRegression or None
        Set by :meth:`calibrate`.

    Examples
    --------
    >>> SentimentScorer().score(["Love it!", "Still waiting for my refund", "Order 123"])["label"].tolist()
    ['positive', 'negative', 'neutral']
    """

    def __init__(self, *, cx_lexicon: bool = True, adapt="auto", neutral_band: float = 0.05,
                 ignore_words=(), learn_handles: bool = True, random_state: int = 0):
        self.cx_lexicon = cx_lexicon
        self.adapt = adapt
        self.neutral_band = neutral_band
        self.ignore_words = ignore_words
        self.learn_handles = learn_handles
        self.random_state = random_state

    # -- helpers ---------------------------------------------------------------------------
    def _check_params(self) -> None:
        if not isinstance(self.neutral_band, (int, float)) or not 0 <= self.neutral_band < 1:
            raise ParameterError(
                f"neutral_band must be a number in [0, 1); got {self.neutral_band!r}. "
                "VADER's usual value is 0.05"
            )
        if self.adapt not in ("auto", True, False):
            raise ParameterError(f"adapt must be 'auto', True or False; got {self.adapt!r}")
        if isinstance(self.ignore_words, str):
            raise ParameterError(
                f"ignore_words must be a list of words, got the string {self.ignore_words!r}; "
                "wrap it in a list: ignore_words=['brand']"
            )

    def _removed_words(self, items) -> frozenset[str]:
        words = {str(w).lower() for w in self.ignore_words}
        if self.learn_handles:
            for text in items:
                if not is_missing_text(text) and "@" in str(text):
                    words.update(h.lower() for h in _HANDLE.findall(str(text)))
        return frozenset(words)

    def __getstate__(self):
        # a saved scorer must be the same bytes for the same data: sets pickle in hash order
        # (which changes between processes) and sklearn caches id(stop_words), an address
        state = self.__dict__.copy()
        if isinstance(state.get("ignored_words_"), frozenset):
            state["ignored_words_"] = sorted(state["ignored_words_"])
        adapter = state.get("adapter_")
        if isinstance(adapter, dict) and "vectorizer" in adapter:
            vectorizer = copy.copy(adapter["vectorizer"])
            vectorizer.__dict__.pop("_stop_words_id", None)
            state["adapter_"] = {**adapter, "vectorizer": vectorizer}
        return state

    def __setstate__(self, state):
        if isinstance(state.get("ignored_words_"), list):
            state = {**state, "ignored_words_": frozenset(state["ignored_words_"])}
        self.__dict__.update(state)

    def _fitted(self, items) -> SentimentScorer:
        """This scorer if fitted, else a copy fitted on ``items`` (transductive scoring)."""
        if hasattr(self, "ignored_words_"):
            return self
        return copy.copy(self).fit(items)

    def _probabilities(self, items) -> tuple[np.ndarray, np.ndarray | None]:
        prepared, compound = lexicon_scores(items, bool(self.cx_lexicon), self.ignored_words_)
        if self.adapter_ is None:
            return compound, None
        return compound, apply_adapter(self.adapter_, prepared, compound)

    # -- public API ------------------------------------------------------------------------
    def fit(self, texts, y=None) -> SentimentScorer:
        """Learn from the corpus: brand words from its @handles and (``adapt``) a corpus model.

        ``y`` is ignored: the scorer never uses labels.
        """
        self._check_params()
        items, _ = _as_list(texts)
        self.ignored_words_ = self._removed_words(items)
        self.adapter_ = None
        if self.adapt in ("auto", True):
            prepared, compound = lexicon_scores(items, bool(self.cx_lexicon), self.ignored_words_)
            self.adapter_ = fit_adapter(prepared, compound, random_state=self.random_state)
        self.adapted_ = self.adapter_ is not None
        self.calibration_ = None
        return self

    def score(self, texts, *, use_adapter: bool = True) -> pd.DataFrame:
        """Compound score and label per text.

        An unfitted scorer is fitted on ``texts`` first (on a copy: ``self`` is unchanged).

        Parameters
        ----------
        texts : pandas.Series, list of str or str
        use_adapter : bool, default=True
            Use the corpus model when there is one. ``False`` scores with the CX lexicon only:
            use it for clauses and other short fragments, where a model fitted on whole
            comments mostly echoes the corpus's class balance and topic words ("price" is
            negative when most price comments complain), whereas a clause's own words are what
            should decide its sentiment.

        Returns
        -------
        pandas.DataFrame
            ``compound`` (float in [-1, 1]; with adaptation ``P(positive) - P(negative)``),
            ``label`` (negative/neutral/positive), and ``calibrated`` after :meth:`calibrate`;
            same index as ``texts``. Missing or empty texts score 0 / neutral.
        """
        self._check_params()
        items, index = _as_list(texts)
        scorer = self._fitted(items)
        compound, proba = scorer._probabilities(items)
        if proba is None or not use_adapter:
            labels = _band_labels(compound, float(self.neutral_band))
        else:
            compound = proba[:, 2] - proba[:, 0]
            labels = _LABELS[proba.argmax(axis=1)]
        out = pd.DataFrame({"compound": compound.astype(float), "label": labels}, index=index)
        if getattr(scorer, "calibration_", None) is not None:
            out["calibrated"] = scorer.calibration_.predict(out["compound"].to_numpy())
        return out

    def compound(self, texts) -> pd.Series:
        """The ``compound`` column of :meth:`score` as a Series named ``compound``."""
        return self.score(texts)["compound"].rename("compound")

    def calibrate(self, texts, scores) -> SentimentScorer:
        """Fit a monotone map from compound to the user's own score (rating, NPS, CSAT).

        Isotonic regression: the calibrated score never reverses the sentiment order and is
        read in the user's units ("a comment like this comes with a 3.2-star rating on
        average"). Rows with a missing text or score are skipped.

        Parameters
        ----------
        texts : sequence of str
        scores : sequence of float
            Same length as ``texts``.

        Returns
        -------
        self
            :meth:`score` then has a ``calibrated`` column.
        """
        from sklearn.isotonic import IsotonicRegression

        items, _ = _as_list(texts)
        values = pd.to_numeric(pd.Series(list(scores)), errors="coerce").to_numpy(dtype=float)
        if len(values) != len(items):
            raise ParameterError(
                f"calibrate needs one score per text; got {len(items)} texts and "
                f"{len(values)} scores"
            )
        if not hasattr(self, "ignored_words_"):
            self.fit(items)
        keep = ~np.isnan(values) & np.array([not is_missing_text(t) for t in items])
        if keep.sum() < 10:
            raise ParameterError(
                f"calibrate needs at least 10 rows with both text and score; got {int(keep.sum())}"
            )
        saved, self.calibration_ = getattr(self, "calibration_", None), None
        compound = self.score([t for t, k in zip(items, keep) if k])["compound"].to_numpy()
        self.calibration_ = saved
        iso = IsotonicRegression(out_of_bounds="clip", increasing=True)
        self.calibration_ = iso.fit(compound, values[keep])
        return self

    def check_fitted(self) -> None:
        if not hasattr(self, "ignored_words_"):
            raise NotFittedError("this SentimentScorer is not fitted yet; call fit(texts) first")


def score_sentiment(texts, **params) -> pd.Series:
    """Compound CX sentiment per text, named ``sentiment`` (see :class:`SentimentScorer`).

    Examples
    --------
    >>> (score_sentiment(["flight delayed 3 hours", "great fit"]) > 0).tolist()
    [False, True]
    """
    return SentimentScorer(**params).score(texts)["compound"].rename("sentiment")
