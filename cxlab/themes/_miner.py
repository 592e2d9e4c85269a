"""ThemeMiner: comments -> named themes with sentiment, scikit-learn style."""
from __future__ import annotations

import copy
import hashlib
import numbers
import warnings

import numpy as np
import pandas as pd

from cxlab.exceptions import NotFittedError, ParameterError, SchemaError
from cxlab.themes._assign import UNTHEMED, assign_tables, comment_weights, primary_positions
from cxlab.themes._describe import pick_quotes, theme_keywords, theme_label
from cxlab.themes._edit import ThemeEditsMixin
from cxlab.themes._info import ThemeInfoMixin
from cxlab.themes._grouping import NMFGrouper
from cxlab.themes._persist import PersistMixin
from cxlab.themes._prepare import prepare, quotable, redact, sentiment_label
from cxlab.themes._select import choose_n_themes
from cxlab.themes._taxonomy import load_taxonomy
from cxlab.themes._vectorize import LexicalVectorizer

__all__ = ["ThemeMiner"]


def _text_hash(texts: pd.Series) -> str:
    values = texts.astype(object).where(texts.notna(), "").astype(str)
    return hashlib.sha1(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes()).hexdigest()


class ThemeMiner(ThemeInfoMixin, ThemeEditsMixin, PersistMixin):
    """Find themes in customer comments; score each comment's themes and their sentiment.

    Comments are normalised (URLs and @handles dropped), flagged (empty, non-English: counted,
    never dropped) and split into clauses; words are stemmed, stop words (English, CX filler,
    your ``stop_words``) removed and recurring two-word phrases kept; sublinear TF-IDF feeds
    NMF (NNDSVD start, ``random_state``), refined into theme prototypes. Every comment then
    gets a primary theme, every other theme one of its clauses raises, or ``unthemed``:

    * weight of a theme for a comment = max(similarity of the whole comment, best similarity of
      one of its clauses) (cosine, 0-1);
    * primary theme = the whole comment's best theme when its similarity is >= ``min_weight``,
      else its best clause's theme when that is >= ``min_weight``, else ``unthemed``;
    * other themes = best match of a clause with similarity >= ``min_weight``, each with the
      mean sentiment of its clauses.

    Parameters
    ----------
    n_themes : "auto" or int, default="auto"
        Number of themes (anchored ones included). ``"auto"`` picks it from the data by
        stability across two halves x NPMI coherence (see ``selection_``).
    taxonomy : str, Path, dict or Taxonomy, optional
        A researcher's themes with seed words (:func:`~cxlab.themes.load_taxonomy`); they are
        anchored, named as given, and at least two free themes are still discovered.
    text_col : str, default="text"
        Column of the comments when a DataFrame is given.
    min_weight : float, optional
        Similarity (0-1) a comment or clause needs to raise a theme. Below it: ``unthemed``.
        Default 0.05 for ``backend="lexical"`` (TF-IDF cosine), 0.3 for ``"embeddings"``.
    stop_words : sequence of str, default=()
        Extra words to ignore: brand, product and staff names.
    min_df : int, default=3
        A word or phrase must occur in this many comments to count.
    max_df : float, default=0.3
        Words in more than this share of comments are ignored (they name the product, not a
        theme).
    n_quotes : int, default=3
        Representative (redacted, mutually different) quotes kept per theme.
    fit_on : {"comments", "clauses"}, default="comments"
        Learn themes from whole comments (default: more context per text, best on short
        texts) or from clauses (one point each: sharper themes when comments mix topics).
    grouper : BaseGrouper, optional
        Grouping backend; default :class:`~cxlab.themes.NMFGrouper`.
    random_state : int, optional
        Seed for sampling and NMF; same data + same seed = same themes.
    backend : {"lexical", "embeddings"}, default="lexical"
        ``"embeddings"`` groups by sentence embeddings (paraphrases together; needs
        ``pip install "cxlab[embeddings]"``, see :mod:`cxlab.themes._embed_fit`); labels,
        quotes, tables and edits are the same, ``min_weight`` is then an embedding cosine.
    embedding_model : str or Path, optional
        A sentence-transformers folder or name; default ``"all-MiniLM-L6-v2"`` (the bundled
        copy when installed). Never downloaded at run time (:mod:`cxlab.themes._embeddings`).
    embedding_cache : str, Path or False, optional
        Embedding cache folder (default ``$CXLAB_CACHE_DIR/embeddings`` or
        ``~/.cache/cxlab/embeddings``); ``False``: no cache.
    embedding_batch_size : int, default=32
    progress : bool, optional
        Progress bar while embedding (default: when stderr is a terminal).

    Attributes
    ----------
    theme_ids_ : list of str
    labels_ : dict theme_id -> label
    keywords_ : dict theme_id -> list of readable keywords
    quotes_ : dict theme_id -> list of redacted quotes
    anchored_ : dict theme_id -> bool
    n_themes_ : int
    selection_ : DataFrame
        Candidate numbers of themes with stability, coherence and score (empty when fixed).
    comments_ : DataFrame
        Training comments (input index): redacted text, flags, sentiment, primary theme.
    assignments_ : DataFrame
        One row per training comment x theme (``unthemed`` rows included).
    unthemed_share_ : float
    sentiment_scorer_ : SentimentScorer
        Fitted on the training clauses and reused for new comments, so a comment gets the same
        sentiment whatever batch it is assigned in (``None`` when loaded from an older file:
        new comments are then scored by a scorer adapted to them).

    Examples
    --------
    >>> texts = ["delivery was late again", "late delivery, still waiting",
    ...          "the dress runs small", "size too small, runs small"] * 5
    >>> miner = ThemeMiner(n_themes=2, random_state=0).fit(texts)
    >>> miner.n_themes_
    2
    >>> labels = miner.get_theme_info().set_index("theme_id")["label"]
    >>> miner.predict(["my delivery is late", "it runs small"]).map(labels).tolist()
    ['delivery late / waiting', 'runs small / dress']
    """

    def __init__(self, n_themes="auto", *, taxonomy=None, text_col="text", min_weight=None,
                 stop_words=(), min_df=3, max_df=0.3, n_quotes=3, fit_on="comments", grouper=None,
                 random_state=None, backend="lexical", embedding_model=None, embedding_cache=None,
                 embedding_batch_size=32, progress=None):
        self.n_themes = n_themes
        self.taxonomy = taxonomy
        self.text_col = text_col
        self.min_weight = min_weight
        self.stop_words = stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.n_quotes = n_quotes
        self.fit_on = fit_on
        self.grouper = grouper
        self.random_state = random_state
        self.backend = backend
        self.embedding_model = embedding_model
        self.embedding_cache = embedding_cache
        self.embedding_batch_size = embedding_batch_size
        self.progress = progress

    # ------------------------------------------------------------------ input
    def _texts(self, X, *, where: str) -> pd.Series:
        if isinstance(X, pd.DataFrame):
            if self.text_col not in X.columns:
                raise SchemaError(
                    f"{where}: column {self.text_col!r} not found; the data has columns "
                    f"{list(map(str, X.columns))}. Pass text_col='<your text column>'."
                )
            s = X[self.text_col]
        elif isinstance(X, pd.Series):
            s = X
        elif isinstance(X, str):
            raise ParameterError(f"{where}: got one string; pass a list of comments, a Series or a DataFrame.")
        else:
            try:
                s = pd.Series(list(X), dtype=object)
            except TypeError:
                raise ParameterError(
                    f"{where}: expected comments as a list, Series or DataFrame, got {type(X).__name__}."
                ) from None
        return s.astype(object)

    def _check_params(self) -> None:
        k = self.n_themes
        if not (k == "auto" or (isinstance(k, numbers.Integral) and not isinstance(k, bool) and k >= 1)):
            raise ParameterError(f"n_themes must be 'auto' or a positive int, got {k!r}.")
        if self.fit_on not in ("clauses", "comments"):
            raise ParameterError(f"fit_on must be 'clauses' or 'comments', got {self.fit_on!r}.")
        if self.min_weight is not None and not 0 <= float(self.min_weight) < 1:
            raise ParameterError(f"min_weight must be in [0, 1), got {self.min_weight!r}.")
        backend = getattr(self, "backend", "lexical")
        if backend not in ("lexical", "embeddings"):
            raise ParameterError(f"backend must be 'lexical' or 'embeddings', got {backend!r}.")
        if backend == "embeddings":
            from cxlab.themes._embed_fit import check_embeddings_available

            check_embeddings_available()  # ImportError with the install command, before any work

    def _min_weight(self) -> float:
        """``min_weight``, or the backend's default when it is None."""
        if self.min_weight is not None:
            return float(self.min_weight)
        if getattr(self, "backend", "lexical") == "embeddings":
            from cxlab.themes._embed_fit import EMBEDDING_MIN_WEIGHT

            return EMBEDDING_MIN_WEIGHT
        return 0.05

    def _is_training(self, texts: pd.Series) -> bool:
        """True when ``texts`` are the comments this model was fitted on (tables reusable)."""
        if getattr(self, "_train", None) is None and getattr(self, "_tables_", None) is None:
            return False  # loaded without tables: nothing to reuse
        return _text_hash(texts) == getattr(self, "_fit_hash_", None)

    @property
    def sentiment_scorer_(self):
        """Sentiment scorer fitted on the training clauses, reused for new comments.

        A comment then gets the same sentiment whatever batch (chunk, partition) it is scored
        in. Fitted on first use (fitting themes alone does not need it); saved with the model.
        ``None`` for a model loaded from a file written before it existed: new comments are
        then scored by a scorer adapted to them.
        """
        scorer = self.__dict__.get("_sentiment_scorer")
        train = getattr(self, "_train", None)
        if scorer is None and train is not None and len(train["prep"].clauses):
            scorer = self._sentiment_scorer = train["prep"].fit_scorer()
        return scorer

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError("This ThemeMiner is not fitted yet; call fit(comments) first.")

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None):
        """Learn themes from comments (list, Series or DataFrame with ``text_col``)."""
        self._check_params()
        texts = self._texts(X, where="ThemeMiner.fit")
        if len(texts) == 0:
            raise ParameterError("ThemeMiner.fit: no comments given; pass at least a few comments.")
        prep = prepare(texts)
        self._fit_hash_ = _text_hash(texts)
        self._sentiment_scorer = None  # fitted on first use: see sentiment_scorer_
        usable = ~(prep.comments["is_empty"] | prep.comments["is_non_english"]).to_numpy()
        if usable.sum() < 2:
            raise ParameterError(
                f"ThemeMiner.fit: only {int(usable.sum())} of {len(texts)} comments have English words; "
                "themes need at least 2 (empty and non-English comments are flagged, not used)."
            )
        self.vectorizer_ = LexicalVectorizer(min_df=self.min_df, max_df=self.max_df,
                                             stop_words=self.stop_words)
        doc_feats, clause_feats = self._analyze(prep)
        self.vectorizer_.fit([d for d, u in zip(doc_feats, usable) if u])
        Xd, Xc = self.vectorizer_.transform(doc_feats), self.vectorizer_.transform(clause_feats)
        # Themes are learned from clauses: one clause usually makes one point, so prototypes are
        # not blurred by comments that mix several topics. Empty clauses carry nothing.
        if self.fit_on == "clauses":
            rows = prep.clauses["row"].to_numpy()
            keep = usable[rows] & (np.diff(Xc.indptr) > 0)
            Xfit = Xc[np.flatnonzero(keep)]
        else:
            Xfit = Xd[np.flatnonzero(usable)]

        tax = None if self.taxonomy is None else load_taxonomy(self.taxonomy)
        if getattr(self, "backend", "lexical") == "embeddings":  # only the grouping differs
            from cxlab.themes._embed_fit import fit_embeddings

            fit_embeddings(self, prep, usable, Xd, Xc, tax)
            return self
        seeds = self._seed_matrix(tax)
        n_tax = 0 if tax is None else len(tax)
        grouper_factory = (lambda: NMFGrouper()) if self.grouper is None else (
            lambda: copy.deepcopy(self.grouper))
        if self.n_themes == "auto":
            k, self.selection_ = choose_n_themes(
                Xfit, lambda: NMFGrouper(max_iter=100, refine_iter=3) if self.grouper is None
                else grouper_factory(), seeds=seeds, random_state=self.random_state)
            if n_tax:
                k = max(k, n_tax + 2)
        else:
            k, self.selection_ = max(int(self.n_themes), n_tax), pd.DataFrame()
        self.grouper_ = grouper_factory().fit(Xfit, k, seeds=seeds, random_state=self.random_state)
        self._finish_fit(prep, usable, Xd, Xc, tax)
        return self

    def _seed_matrix(self, tax):
        if tax is None:
            return None
        rows = []
        for tid, words in zip(tax.ids, tax.seeds):
            v = self.vectorizer_.seed_vector(list(words))
            if not v.any():
                warnings.warn(
                    f"taxonomy theme {tid!r}: none of its seeds {list(words)} occurs in the comments "
                    "often enough; it is kept but anchored on nothing. Add seeds customers actually use.",
                    UserWarning, stacklevel=3)
            rows.append(v)
        return np.vstack(rows)

    def _finish_fit(self, prep, usable, Xd, Xc, tax, lexical=None) -> None:
        # lexical: word matrix of the comments when Xd/Xc are another space (embeddings);
        # keywords, labels and quote diversity always come from words
        C = self.grouper_.components_
        n_tax = 0 if tax is None else len(tax)
        doc_sims = self.grouper_.score(Xd)
        order_w = np.where(usable[:, None], doc_sims, 0).argmax(axis=1)
        sizes = np.bincount(order_w[usable], minlength=C.shape[0])
        free = [j for j in range(n_tax, C.shape[0]) if sizes[j] > 0]
        free.sort(key=lambda j: -sizes[j])  # stable: ties keep NMF order
        keep = list(range(n_tax)) + free
        self.components_ = C[keep]
        self.theme_ids_ = ([*tax.ids] if tax else []) + [f"theme_{i + 1:02d}" for i in range(len(free))]
        self.anchored_ = {t: i < n_tax for i, t in enumerate(self.theme_ids_)}
        self._train = {"prep": prep, "usable": usable, "Xd": Xd, "Xc": Xc,
                       "Ld": Xd if lexical is None else lexical}
        # keywords, labels and quotes from the training comments
        names = self.vectorizer_.get_feature_names_out()
        doc_sims = self._score(Xd)
        labels_pos = np.where(usable, doc_sims.argmax(axis=1) if doc_sims.shape[1] else -1, -1)
        if lexical is None:
            kws = theme_keywords(Xd, labels_pos, self.components_, names)
        else:
            from cxlab.themes._embed_fit import lexical_centroids

            kws = theme_keywords(lexical, labels_pos, lexical_centroids(lexical, labels_pos, len(keep)), names)
        readable = self.vectorizer_.readable
        self.keywords_ = {t: [readable(k) for k in kw] for t, kw in zip(self.theme_ids_, kws)}
        self.labels_ = {}
        for i, (t, kw) in enumerate(zip(self.theme_ids_, kws)):
            self.labels_[t] = tax.labels[i] if i < n_tax else theme_label(kw, readable)
        # the researcher's seed phrases, to tell when a discovered theme repeats a named one
        self.seeds_ = {} if tax is None else {t: [str(w).lower() for w in words] for t, words in zip(tax.ids, tax.seeds)}
        self.n_themes_ = len(self.theme_ids_)
        self._refresh_tables()

    # ------------------------------------------------------------------ scoring
    def _analyze(self, prep) -> tuple[list[list[str]], list[list[str]]]:
        """Features per clause, and per comment as the concatenation of its clauses'."""
        clause_feats = self.vectorizer_.analyze(prep.clauses["clause"].tolist())
        doc_feats: list[list[str]] = [[] for _ in range(len(prep.comments))]
        for r, feats in zip(prep.clauses["row"].to_numpy(), clause_feats):
            doc_feats[r].extend(feats)
        return doc_feats, clause_feats

    def _matrices(self, prep):
        if getattr(self, "backend", "lexical") == "embeddings":
            from cxlab.themes._embed_fit import embedded_matrices

            return embedded_matrices(self, prep)
        doc_feats, clause_feats = self._analyze(prep)
        return self.vectorizer_.transform(doc_feats), self.vectorizer_.transform(clause_feats)

    def _score(self, X) -> np.ndarray:
        sims = X @ self.components_.T
        return np.clip(np.asarray(sims, dtype=float), 0.0, 1.0)

    def _tables(self, prep, usable, Xd, Xc):
        return assign_tables(
            index=prep.comments.index, ids=list(self.theme_ids_), labels=self.labels_, usable=usable,
            doc_sims=self._score(Xd), clause_sims=self._score(Xc),
            clause_rows=prep.clauses["row"].to_numpy(), comment_sentiment=prep.comment_sentiment,
            clause_sentiment=prep.clause_sentiment, min_weight=self._min_weight())

    def _comment_table(self, prep, primary) -> pd.DataFrame:
        c = prep.comments
        score = np.round(prep.comment_sentiment, 4)
        return pd.DataFrame({
            "text_redacted": pd.Series(prep.redacted, index=c.index, dtype=object),
            "is_empty": c["is_empty"].to_numpy(bool),
            "is_non_english": c["is_non_english"].to_numpy(bool),
            "sentiment": score,
            "sentiment_label": sentiment_label(score),
            "primary_theme": primary["primary_theme"],
            "primary_label": primary["primary_theme"].map(lambda t: self.labels_.get(t, t)),
            "n_themes": primary["n_themes"],
        }, index=c.index)

    def _primary(self, prep, usable, Xd, Xc) -> tuple[np.ndarray, np.ndarray]:
        """Comment weights and primary theme positions (-1 = unthemed), without sentiment."""
        doc_sims = self._score(Xd)
        W = comment_weights(doc_sims, self._score(Xc), prep.clauses["row"].to_numpy())
        W[~usable] = 0.0
        return W, primary_positions(doc_sims, W, usable, self._min_weight())

    def _refresh_tables(self) -> None:
        """Recompute primary themes, quotes and shares after fit or an edit (tables lazily)."""
        tr = self._train
        W, primary = self._primary(tr["prep"], tr["usable"], tr["Xd"], tr["Xc"])
        self.unthemed_share_ = float((primary < 0).mean())
        ids = np.asarray([*self.theme_ids_, UNTHEMED], dtype=object)
        self._train_primary = pd.Series(ids[primary], index=tr["prep"].comments.index, dtype=object,
                                        name="theme")
        clean = tr["prep"].comments["clean"]
        self.quotes_ = {}
        for j, t in enumerate(self.theme_ids_):
            pos = np.flatnonzero(primary == j)
            order = pos[np.argsort(-W[pos, j], kind="stable")][:100]
            # a quote is shown to readers: never one that holds markup or starts like a formula
            order = order[quotable([clean.iat[p] for p in order])][:50]
            # redact only the candidates: redacting the whole corpus waits for the tables
            texts = dict(zip(order.tolist(), redact([clean.iat[p] for p in order], references=True)))
            picked = pick_quotes(tr.get("Ld", tr["Xd"]), W[:, j], order, texts, n=self.n_quotes)
            self.quotes_[t] = [texts[p] for p in picked]
        self._tables_ = None

    def _build_tables(self) -> None:
        if getattr(self, "_tables_", None) is None:
            self._check_fitted()
            tr = self._train
            primary, assignments, _ = self._tables(tr["prep"], tr["usable"], tr["Xd"], tr["Xc"])
            self._tables_ = (self._comment_table(tr["prep"], primary), assignments)

    @property
    def comments_(self) -> pd.DataFrame:
        """Training comments (input index): redacted text, flags, sentiment, primary theme."""
        self._build_tables()
        return self._tables_[0]

    @property
    def assignments_(self) -> pd.DataFrame:
        """One row per training comment x theme, ``unthemed`` rows included."""
        self._build_tables()
        return self._tables_[1]

    # ------------------------------------------------------------------ public API
    def assign(self, X) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return ``(comments, assignments)`` tables for new comments (input index kept)."""
        self._check_fitted()
        texts = self._texts(X, where="ThemeMiner.assign")
        # models saved before sentiment_scorer_ existed score new comments transductively
        prep = prepare(texts, scorer=self.sentiment_scorer_)
        usable = ~(prep.comments["is_empty"] | prep.comments["is_non_english"]).to_numpy()
        Xd, Xc = self._matrices(prep)
        primary, assignments, _ = self._tables(prep, usable, Xd, Xc)
        return self._comment_table(prep, primary), assignments

    def transform(self, X) -> pd.DataFrame:
        """Theme weights (0-1) per comment: DataFrame with the input's index, one column per theme."""
        self._check_fitted()
        texts = self._texts(X, where="ThemeMiner.transform")
        prep = prepare(texts)
        usable = ~(prep.comments["is_empty"] | prep.comments["is_non_english"]).to_numpy()
        W, _ = self._primary(prep, usable, *self._matrices(prep))
        return pd.DataFrame(np.round(W, 6), index=texts.index, columns=list(self.theme_ids_))

    def fit_transform(self, X, y=None) -> pd.DataFrame:
        """Fit, then return the training comments' theme weights (no second pass)."""
        self.fit(X)
        tr = self._train
        W, _ = self._primary(tr["prep"], tr["usable"], tr["Xd"], tr["Xc"])
        return pd.DataFrame(np.round(W, 6), index=tr["prep"].comments.index, columns=list(self.theme_ids_))

    def fit_predict(self, X, y=None) -> pd.Series:
        """Fit, then return the primary theme of each training comment (no second pass)."""
        return self.fit(X)._train_primary.copy()

    def predict(self, X) -> pd.Series:
        """Primary theme id per comment (``"unthemed"`` when none reaches ``min_weight``)."""
        self._check_fitted()
        texts = self._texts(X, where="ThemeMiner.predict")
        prep = prepare(texts)
        usable = ~(prep.comments["is_empty"] | prep.comments["is_non_english"]).to_numpy()
        _, primary = self._primary(prep, usable, *self._matrices(prep))
        ids = np.asarray([*self.theme_ids_, UNTHEMED], dtype=object)
        return pd.Series(ids[primary], index=texts.index, dtype=object, name="theme")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.theme_ids_, dtype=object)
