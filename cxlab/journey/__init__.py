"""Customer journey: stages and touchpoints, emotion curve, drop-off and the journey map's evidence.

Public API: :class:`JourneyMapper`, :func:`emotion_score`, :func:`emotion_curve`,
:func:`emotion_change`, :func:`add_emotion`, :func:`assign_stage`, :func:`order_funnel`, :func:`order_kpis`,
:func:`load_journey`, :data:`DEFAULT_JOURNEY`, :func:`redact_quote`, :func:`read_theme_table`,
:func:`seed_word_themes`, :func:`theme_table_coverage`, :func:`load_report_inputs`. The journey YAML format is
described in :mod:`cxlab.journey._config`.
"""
from cxlab.journey._config import DEFAULT_JOURNEY, JourneyConfig, Stage, load_journey
from cxlab.journey._emotion import EMOTION_SOURCES, add_emotion, assign_stage, emotion_change, emotion_curve, emotion_score
from cxlab.journey._funnel import order_funnel, order_kpis
from cxlab.journey._inputs import (ReportInputs, load_report_inputs, read_theme_table, seed_word_themes,
                                   theme_table_coverage)
from cxlab.journey._map import JourneyMapper, redact_quote, theme_table

__all__ = [
    "DEFAULT_JOURNEY", "JourneyConfig", "Stage", "load_journey",
    "EMOTION_SOURCES", "emotion_score", "add_emotion", "emotion_curve", "emotion_change", "assign_stage",
    "order_funnel", "order_kpis", "JourneyMapper", "redact_quote", "theme_table",
    "read_theme_table", "seed_word_themes", "theme_table_coverage", "load_report_inputs", "ReportInputs",
]
