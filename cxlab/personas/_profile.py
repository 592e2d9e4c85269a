"""Persona profiles: size, what sets each apart (in words), KPIs with intervals, pain points."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.exceptions import ParameterError, SchemaError
from cxlab.personas._naming import generate_names
from cxlab.personas._stats import mean_interval, nps_interval, wilson_interval
from cxlab.personas._traits import persona_traits, theme_labels_of, theme_name
from cxlab.report_text import _join

__all__ = ["profile_personas", "persona_kpis", "describe_stability", "describe_inputs"]

#: KPI label -> (feature column, kind); kinds: "nps" (0-10 answers), "rate" (yes/no), "mean".
#: Persona KPIs count customers, not answers: "nps" is each customer's latest answer and
#: "csat_mean" each customer's mean CSAT (1-5), unlike the per-answer NPS and the satisfied
#: share (CSAT 4-5) of cxlab.kpis.
DEFAULT_KPIS = {
    "nps": ("nps", "nps"),
    "csat_mean": ("csat_mean", "mean"),
    "churn_rate": ("churned", "rate"),
    "spend": ("monetary", "mean"),
}
_KINDS = ("nps", "rate", "mean")
_TRUE = {"true", "yes", "1", "1.0", "y"}
_FALSE = {"false", "no", "0", "0.0", "n"}


def _labels_from(model_or_assignments, features: pd.DataFrame) -> tuple[pd.Series, object]:
    obj = model_or_assignments
    if hasattr(obj, "predict") and hasattr(obj, "names_"):
        labels = obj.labels_ if obj.labels_.index.equals(features.index) else obj.predict(features)
        return labels, obj
    if isinstance(obj, pd.DataFrame):
        if "persona" not in obj.columns:
            raise SchemaError(f"assignments need a 'persona' column; columns found: {list(obj.columns)}.")
        obj = obj["persona"]
    if not isinstance(obj, pd.Series):
        raise SchemaError("model_or_assignments must be a fitted PersonaModel, a Series of personas or "
                          f"a DataFrame with a 'persona' column; received {type(obj).__name__}.")
    labels = obj.reindex(features.index)
    if labels.isna().all():
        raise SchemaError("no customer in features has a persona: the assignments' index must be the "
                          "features' customer_id index.")
    return labels, None


def _as_rate(s: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return pd.to_numeric(s.astype("Float64"), errors="coerce").astype(float)
    text = s.astype("string").str.strip().str.lower()
    return text.map(lambda v: 1.0 if v in _TRUE else (0.0 if v in _FALSE else np.nan)).astype(float)


def _resolve_kpis(kpis, features) -> dict:
    if kpis is None or kpis == "auto":
        return {k: v for k, v in DEFAULT_KPIS.items() if v[0] in features.columns}
    out = {}
    for label, spec in dict(kpis).items():
        column, kind = (spec, "mean") if isinstance(spec, str) else spec
        if kind not in _KINDS:
            raise ParameterError(f"kpis[{label!r}] kind {kind!r} is unknown; use one of {list(_KINDS)}.")
        if column not in features.columns:
            raise SchemaError(f"kpis[{label!r}] needs column {column!r}; columns found: {list(features.columns)}.")
        out[label] = (column, kind)
    return out


def persona_kpis(model_or_assignments, features: pd.DataFrame, *, kpis="auto",
                 confidence: float = 0.95) -> pd.DataFrame:
    """KPIs per persona (and ``"all"``) with confidence intervals, one row per persona x KPI.

    Columns: ``persona``, ``kpi``, ``value``, ``low``, ``high``, ``n``. See
    :mod:`cxlab.personas._stats` for the intervals (adjusted-Wald NPS, Wilson rates, t means).
    """
    labels, _ = _labels_from(model_or_assignments, features)
    rows = []
    groups = [(p, labels == p) for p in sorted(pd.unique(labels.dropna()))]
    groups.append(("all", labels.notna()))
    for label, (column, kind) in _resolve_kpis(kpis, features).items():
        for persona, mask in groups:
            values = features.loc[mask.to_numpy(), column]
            if kind == "nps":
                value, low, high, n = nps_interval(pd.to_numeric(values, errors="coerce"), confidence=confidence)
            elif kind == "rate":
                r = _as_rate(values).dropna()
                value, low, high = wilson_interval(float(r.sum()), len(r), confidence=confidence)
                n = len(r)
            else:
                value, low, high, n = mean_interval(pd.to_numeric(values, errors="coerce"), confidence=confidence)
            rows.append((persona, label, value, low, high, n))
    return pd.DataFrame(rows, columns=["persona", "kpi", "value", "low", "high", "n"])


def _pain_points(labels, features, top: int, theme_labels=None) -> dict:
    cols = [c for c in features.columns if c.startswith("theme_") and c.endswith("_share")]
    if not cols:
        return {}
    shares = features[cols].astype(float)
    has = shares.notna().any(axis=1)
    overall = shares[has].mean()
    out = {}
    for p in sorted(pd.unique(labels.dropna())):
        m = (labels == p).to_numpy() & has.to_numpy()
        if not m.any():
            out[p] = ""
            continue
        mean = shares[m].mean()
        lift = mean / overall.replace(0, np.nan)
        cand = pd.DataFrame({"share": mean, "lift": lift})
        cand = cand[cand["share"] >= 0.05].sort_values(["lift", "share"], ascending=False, kind="stable")
        out[p] = "; ".join(
            f"{theme_name(c, theme_labels)} ({r.share:.0%} of comments, "
            f"{r.lift:.1f}x overall)" for c, r in cand.head(top).iterrows())
    return out


def profile_personas(model_or_assignments, features: pd.DataFrame, *, kpis="auto", names=None,
                     confidence: float = 0.95, max_traits: int = 4, top_pain_points: int = 3) -> pd.DataFrame:
    """One row per persona: size, name, traits in words, KPIs with intervals, pain points.

    Parameters
    ----------
    model_or_assignments : PersonaModel, Series or DataFrame
        A fitted model, or the persona of each customer (a Series, or a DataFrame with a
        ``persona`` column such as ``model.assign(features)``), indexed by ``customer_id``.
    features : DataFrame
        Customer features (:func:`build_customer_features`), index ``customer_id``.
    kpis : "auto" or dict, default="auto"
        ``{"label": ("column", kind)}`` with kind ``"nps"``, ``"rate"`` or ``"mean"``; "auto" uses
        ``nps``, ``csat_mean``, ``churned`` and ``monetary`` when present.
    names : dict, optional
        Persona -> name, overriding the model's (or generated) names.
    confidence : float, default=0.95
    max_traits : int, default=4
        Traits written per persona.
    top_pain_points : int, default=3

    Returns
    -------
    DataFrame
        ``persona``, ``name``, ``n_customers``, ``share``, ``stability`` (bootstrap Jaccard, when a
        model is given), ``traits`` (plain sentences joined by "; "), per KPI ``<kpi>``,
        ``<kpi>_low``, ``<kpi>_high``, ``<kpi>_n``, and ``top_pain_points``.

    Examples
    --------
    >>> from cxlab.personas import PersonaModel, make_synthetic_customers, profile_personas
    >>> X, _ = make_synthetic_customers(400, random_state=0)
    >>> model = PersonaModel(4, random_state=0, n_bootstrap=3).fit(X)
    >>> profile_personas(model, X)[["persona", "n_customers"]].shape
    (4, 2)
    """
    if not isinstance(features, pd.DataFrame):
        raise SchemaError(f"features must be a DataFrame; received {type(features).__name__}.")
    labels, model = _labels_from(model_or_assignments, features)
    # traits cover the clustered columns and the outcomes left out of the clustering (spend, NPS...)
    columns = ([*model.columns_, *getattr(model, "profiled_columns_", [])] if model is not None
               else [c for c in features.columns if c != "churned"])
    theme_labels = {**(getattr(model, "theme_labels_", None) or {}), **theme_labels_of(features)}
    traits = persona_traits(features, labels, columns=[c for c in columns if c in features.columns],
                            theme_labels=theme_labels)
    generated = model.names_ if model is not None else generate_names(traits, theme_labels=theme_labels)
    names = {**generated, **(names or {})}
    personas = sorted(pd.unique(labels.dropna()))
    counts = labels.value_counts()
    rows = []
    for p in personas:
        t = traits[traits["persona"] == p]
        strong = t[t["effect"].abs() >= 0.2]
        if strong.empty:
            strong = t
        rows.append({
            "persona": p,
            "name": names.get(p, f"Persona {p}"),
            "n_customers": int(counts.get(p, 0)),
            "share": float(counts.get(p, 0) / labels.notna().sum()),
            "traits": "; ".join(strong["text"].head(max_traits)) or "no clear differences from the average",
        })
    out = pd.DataFrame(rows)
    if model is not None:
        out.insert(4, "stability", out["persona"].map(model.persona_stability_).astype(float))
    long = persona_kpis(labels, features, kpis=kpis, confidence=confidence)
    for kpi in pd.unique(long["kpi"]):
        part = long[(long["kpi"] == kpi) & (long["persona"] != "all")].set_index("persona")
        for suffix, col in (("", "value"), ("_low", "low"), ("_high", "high"), ("_n", "n")):
            out[f"{kpi}{suffix}"] = out["persona"].map(part[col])
    pains = _pain_points(labels, features, top_pain_points, theme_labels)
    if pains:
        out["top_pain_points"] = out["persona"].map(pains)
    return out


def describe_stability(model) -> str:
    """Plain sentences on how many personas were found, whether they are real and, when the
    number was chosen automatically, why the selection table's stability for that number differs.
    """
    st = model.stability_
    k = model.n_personas_
    interval = f"bootstrap ARI {st['ari']:.2f}; 95% of resamples between {st['low']:.2f} and {st['high']:.2f}"
    if st["stable"]:
        text = (f"{k} personas found; they are stable: refitting on resampled customers gives the "
                f"same grouping ({interval}), so the grouping does not hinge on which customers were sampled.")
    else:
        text = (f"No stable structure: the best segmentation ({k} personas) changes when customers are "
                f"resampled ({interval}, below the {model.min_stability:.2f} needed). Treat these "
                "personas as a rough summary, not as distinct customer types.")
    return text + _selection_note(model)


def _selection_note(model) -> str:
    scores = getattr(model, "k_scores_", None)
    if scores is None or not len(scores) or "chosen" not in scores:
        return ""
    chosen = scores.loc[scores["chosen"].astype(bool)]
    if chosen.empty or abs(float(chosen["stability"].iloc[0]) - model.stability_["ari"]) < 0.005:
        return ""
    how = ["with half as many refits"]
    if getattr(model, "feature_weighting", None) == "relevance":
        how.insert(0, "before the features were weighted by how well they separate the personas")
    return (f" The selection table's {float(chosen['stability'].iloc[0]):.3f} for {model.n_personas_} personas "
            f"was measured {' and '.join(how)}: it ranks the candidates, "
            "while the figure here is for the final personas.")


def describe_inputs(model) -> str:
    """Which features shaped the personas and which outcomes were only described, in words.

    Theme shares are counted, not listed: the pain points per persona name them.
    """
    profiled = list(getattr(model, "profiled_columns_", []))
    themes = [c for c in profiled if c.startswith("theme_") and c.endswith("_share")]
    others = [c for c in profiled if c not in themes]
    if themes:
        others.append(f"the share of comments on each of {len(themes)} themes" if len(themes) > 1
                      else "the share of comments on one theme")
    described = others
    listed = _join(described)
    text = (f"Personas are built from {len(model.columns_)} features on who customers are and how they buy; "
            + (f"the outcomes ({listed}) are left out of the grouping and reported per persona below, so a "
               "persona's NPS or churn is a finding, not how it was defined." if described else
               "no outcome columns were left out."))
    built_from = [c for c in ("frequency", "aov") if c in model.columns_]
    if "monetary" in profiled and built_from:
        text += (f" Spend (monetary), though, follows from {' and '.join(built_from)}, which the grouping "
                 "uses: a persona's spend partly restates how it was defined.")
    return text
