"""Customers -> personas: features, ``PersonaModel``, profiles with KPIs and plain-word traits.

Typical use::

    features = build_customer_features(customers, orders=orders, feedback=feedback)
    model = PersonaModel(random_state=0).fit(features)
    profile = profile_personas(model, features)
"""
from __future__ import annotations

from cxlab.personas._features import build_customer_features, describe_unlinked, load_customer_tables
from cxlab.personas._model import PersonaModel
from cxlab.personas._persist import load_persona_model, save_persona_model
from cxlab.personas._profile import describe_inputs, describe_stability, persona_kpis, profile_personas
from cxlab.personas._scale import (SampleFit, ScaledAssignment, assign_personas_at_scale,
                                   fit_personas_on_sample)
from cxlab.personas._stats import mean_interval, nps_interval, wilson_interval
from cxlab.personas._synthetic import make_synthetic_customers
from cxlab.personas._traits import persona_traits

__all__ = [
    "build_customer_features",
    "load_customer_tables",
    "PersonaModel",
    "profile_personas",
    "persona_kpis",
    "persona_traits",
    "describe_stability",
    "describe_inputs",
    "describe_unlinked",
    "save_persona_model",
    "load_persona_model",
    "make_synthetic_customers",
    "nps_interval",
    "wilson_interval",
    "mean_interval",
    "fit_personas_on_sample",
    "assign_personas_at_scale",
    "SampleFit",
    "ScaledAssignment",
]
