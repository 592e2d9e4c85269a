"""Text preparation for CX comments.

Normalisation (:func:`normalize_text`), personal-data redaction (:func:`redact_pii`), language
and quality flags (:func:`detect_language`, :func:`flag_comments`), clause splitting
(:func:`split_clauses`), theme tokens (:class:`Analyzer`, :func:`find_phrases`), CX sentiment
(:class:`SentimentScorer`, :func:`score_sentiment`) and the one-call :func:`prepare_comments`.
Nothing here downloads data at run time.
"""
from cxlab.text._clauses import split_clauses, split_sentences
from cxlab.text._language import CANDIDATE_LANGUAGES, FLAG_COLUMNS, detect_language, flag_comments
from cxlab.text._normalize import extract_handles, normalize_text
from cxlab.text._phrases import find_phrases
from cxlab.text._prepare import (CLAUSE_COLUMNS, COMMENT_COLUMNS, PreparedComments,
                                 prepare_comments)
from cxlab.text._redact import PII_KINDS, find_pii, redact_pii
from cxlab.text._resources import vader_lexicon_path
from cxlab.text._sentiment import SENTIMENT_LABELS, SentimentScorer, score_sentiment
from cxlab.text._tokenize import CX_FILLER_WORDS, Analyzer

__all__ = [
    "normalize_text", "extract_handles",
    "redact_pii", "find_pii", "PII_KINDS",
    "detect_language", "flag_comments", "CANDIDATE_LANGUAGES", "FLAG_COLUMNS",
    "split_sentences", "split_clauses",
    "Analyzer", "CX_FILLER_WORDS", "find_phrases",
    "SentimentScorer", "score_sentiment", "SENTIMENT_LABELS", "vader_lexicon_path",
    "prepare_comments", "PreparedComments", "COMMENT_COLUMNS", "CLAUSE_COLUMNS",
]
