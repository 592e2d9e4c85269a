"""Themes: feedback comments -> named pain-point themes with sentiment, impact and trends."""
from cxlab.themes._assign import UNTHEMED
from cxlab.themes._base import BaseGrouper, BaseThemeVectorizer
from cxlab.themes._embed_grouping import EmbeddingGrouper
from cxlab.themes._grouping import NMFGrouper
from cxlab.themes._breakdown import theme_membership, theme_segments, theme_trends
from cxlab.themes._miner import ThemeMiner
from cxlab.themes._pain_points import describe_pain_points, pain_points
from cxlab.themes._read import read_comments
from cxlab.themes._save import load_theme_assignments, save_theme_assignments, theme_assignment_tables
from cxlab.themes._taxonomy import Taxonomy, find_taxonomy, load_taxonomy
from cxlab.themes._vectorize import CX_STOP_WORDS, LexicalVectorizer

__all__ = ["ThemeMiner", "pain_points", "describe_pain_points", "theme_trends", "theme_segments",
           "theme_membership", "load_taxonomy", "Taxonomy", "UNTHEMED", "NMFGrouper", "EmbeddingGrouper", "LexicalVectorizer",
           "BaseGrouper", "BaseThemeVectorizer", "CX_STOP_WORDS", "save_theme_assignments", "load_theme_assignments", "read_comments", "find_taxonomy",
           "theme_assignment_tables"]
