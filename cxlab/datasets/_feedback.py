"""Feedback comments: who wrote what, when, about which themes, and the scores they gave."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.datasets import _constants as K
from cxlab.datasets import _grammar as G
from cxlab.datasets import _special as S
from cxlab.datasets._phrases import FOREIGN

#: comments about a competitor follow that competitor's reality, not Loomwear's
_COMPETITOR_RATE = {"Threadly": {"delivery_delay": 0.16}, "StyleHub": {"delivery_delay": 0.10,
                                                                         "price_value": 0.18}}
_COMPETITOR_POSITIVE = {"Threadly": {"delivery_delay": 0.8}, "StyleHub": {"delivery_delay": 0.35}}


def _link_orders(rng, orders: pd.DataFrame, n: int, *, survey: bool) -> np.ndarray:
    """Pick orders a survey answer or a ticket is about (late or returned ones more often)."""
    late = (orders["delivery_days"] - orders["promised_days"]).fillna(0).to_numpy() > 1
    returned = orders["returned"].fillna(False).to_numpy(dtype=bool)
    status = orders["status"].to_numpy()
    if survey:
        w = np.where(status == "completed", 1.0, 0.0)  # every delivered order is surveyed
    else:
        w = np.where(status == "abandoned", 0.0, 1.0) * np.where(late, 4.0, 1.0)
        w = w * np.where(returned, 2.5, 1.0) * np.where(status == "cancelled", 2.0, 1.0)
    p = w / w.sum()
    replace = n > int((w > 0).sum())
    return rng.choice(len(orders), size=n, replace=replace, p=p)


def _comment_frame(rng, customers, hidden, orders, n: int) -> pd.DataFrame:
    """One row per comment with channel, date, customer, order, brand and latent persona."""
    names = list(K.CHANNEL_SHARES)
    shares = np.array(list(K.CHANNEL_SHARES.values()))
    counts = rng.multinomial(n, shares / shares.sum())
    frames = []
    persona_of = dict(zip(hidden["customer_id"], hidden["persona"]))
    cust_ids = customers["customer_id"].to_numpy()
    for channel, k in zip(names, counts):
        if k == 0:
            continue
        if channel in ("survey", "support_ticket"):
            idx = _link_orders(rng, orders, k, survey=channel == "survey")
            o = orders.iloc[idx]
            base = o["order_date"].to_numpy()
            wait = o["delivery_days"].fillna(o["promised_days"]).fillna(3).to_numpy()
            if channel == "survey":
                lag = wait + rng.uniform(1, 10, k)
            else:
                lag = rng.uniform(0.5, 1.0, k) * (wait + 6)
            created = pd.to_datetime(base) + pd.to_timedelta(lag * 24, unit="h")
            df = pd.DataFrame({"customer_id": o["customer_id"].to_numpy(),
                               "order_id": o["order_id"].to_numpy(),
                               "category": o["category"].to_numpy(),
                               "late": ((o["delivery_days"] - o["promised_days"]).fillna(0) > 1).to_numpy(),
                               "returned": o["returned"].fillna(False).to_numpy(dtype=bool),
                               "created_at": created, "brand": K.BRAND})
        else:
            # reviews and posts come from anyone; spread them like order volume
            dates = orders["order_date"].to_numpy()[rng.integers(0, len(orders), k)]
            created = pd.to_datetime(dates) + pd.to_timedelta(rng.uniform(0, 72, k), unit="h")
            who = cust_ids[rng.integers(0, len(cust_ids), k)]
            if channel == "social":
                brand = np.array(["Loomwear", "Threadly", "StyleHub"], dtype=object)[
                    rng.choice(3, size=k, p=[0.78, 0.13, 0.09])]
                known = (rng.random(k) < 0.15) & (brand == K.BRAND)
            else:
                brand = np.full(k, K.BRAND, dtype=object)
                known = rng.random(k) < 0.3
            df = pd.DataFrame({"customer_id": np.where(known, who, None),
                               "order_id": None, "category": None, "late": False,
                               "returned": False, "created_at": created, "brand": brand,
                               "_who": who})
        df["channel"] = channel
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    who = out["customer_id"].where(out["customer_id"].notna(), out.get("_who"))
    out["persona"] = who.map(persona_of).to_numpy()
    out["segment"] = out["customer_id"].map(dict(zip(cust_ids, customers["loyalty_tier"]))).to_numpy()
    out = out.drop(columns=["_who"], errors="ignore")
    out["created_at"] = out["created_at"].clip(upper=K.PERIOD_END).dt.floor("s")
    out = out.sort_values(["created_at", "channel", "customer_id"], kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    out["feedback_id"] = [f"FB{i:06d}" for i in range(1, len(out) + 1)]
    return out


def _plant_themes(rng, frame: pd.DataFrame) -> list[list[tuple[str, str]]]:
    """Pick each comment's themes and their polarity (planted effects 1-4 and 6)."""
    n = len(frame)
    probs = np.empty((n, len(K.THEMES)))
    for j, theme in enumerate(K.THEMES):
        p = np.asarray(K.theme_base_rate(theme, frame["created_at"]), dtype=float)
        by_channel = {c: m.get(theme, 1.0) for c, m in K.CHANNEL_THEME_MULT.items()}
        by_persona = {q: spec["theme_mult"].get(theme, 1.0) for q, spec in K.PERSONAS.items()}
        p = p * frame["channel"].map(by_channel).to_numpy(float)
        p = p * frame["persona"].map(by_persona).to_numpy(float)
        if theme == "delivery_delay":
            p = p * np.where(frame["late"].to_numpy(dtype=bool), 1.3, 1.0)
        if theme == "returns_refunds":
            p = p * np.where(frame["returned"].to_numpy(dtype=bool), 2.5, 1.0)
        for brand, rates in _COMPETITOR_RATE.items():
            m = (frame["brand"] == brand).to_numpy()
            if theme in rates:
                p[m] = rates[theme]
        probs[:, j] = np.clip(p, 0, 0.85)
    chosen = rng.random(probs.shape) < probs
    fallback = rng.random(n)
    pos_u = rng.random(probs.shape)
    after_switch = (frame["created_at"] >= K.COURIER_SWITCH).to_numpy()
    after_fix = (frame["created_at"] >= K.CHECKOUT_FIX).to_numpy()
    brand = frame["brand"].to_numpy()
    persona = frame["persona"].to_numpy()
    out = []
    for i in range(n):
        idx = list(np.flatnonzero(chosen[i]))
        if not idx:  # every comment says something: pick the likeliest theme in proportion
            cum = np.cumsum(probs[i]) / probs[i].sum()
            idx = [int(np.searchsorted(cum, fallback[i]))]
        if len(idx) > 3:
            idx = sorted(idx, key=lambda j: pos_u[i, j])[:3]
        themes = []
        for j in idx:
            theme = K.THEMES[j]
            share = K.THEME_POSITIVE_SHARE[theme]
            if theme == "delivery_delay" and after_switch[i]:
                share = K.DELIVERY_POSITIVE_AFTER_SWITCH
            if theme == "checkout_payment" and after_fix[i]:
                share = 0.45  # the few checkout comments after the fix are often praise
            share = _COMPETITOR_POSITIVE.get(brand[i], {}).get(theme, share)
            share += {"loyal_premium": 0.08, "value_hunter": -0.06}.get(persona[i], 0.0)
            themes.append((theme, "pos" if pos_u[i, j] < share else "neg"))
        out.append(themes)
    return out


def make_feedback(rng: np.random.Generator, customers: pd.DataFrame, hidden: pd.DataFrame,
                  orders: pd.DataFrame, n: int) -> tuple[pd.DataFrame, dict]:
    """Return the feedback table and its truth tables (themes, meta, pii)."""
    frame = _comment_frame(rng, customers, hidden, orders, n)
    themes = _plant_themes(rng, frame)
    rnd = G.FastRandom(int(rng.integers(2**62)))
    u_kind = rng.random(len(frame))
    u_pii, u_html, u_formula = rng.random(len(frame)), rng.random(len(frame)), rng.random(len(frame))
    persona_cats = {p: K.PERSONAS[p]["categories"] for p in K.PERSONAS}

    texts, sentiments, langs, kinds, specials, noises = [], [], [], [], [], []
    theme_rows, pii_rows = [], []
    cols = ("feedback_id", "category", "persona", "created_at", "brand", "order_id", "channel")
    records = [dict(zip(cols, values)) for values in zip(*(frame[c].tolist() for c in cols))]
    for i, row in enumerate(records):
        category = row["category"]
        if not isinstance(category, str):
            cats = persona_cats[row["persona"]]
            category = rnd.choices(list(cats), weights=list(cats.values()))[0]
            row["category"] = category
        ctx = G.make_context(rnd, category=category, created_at=row["created_at"],
                             brand=row["brand"], order_id=row["order_id"], channel=row["channel"])
        planted = themes[i]
        kind, lang, special, noise = "text", "en", "", ""
        if u_kind[i] < 0.006:
            # a blank field reads back as missing, so keep it missing here too
            kind, text, sentiment, planted, lang = "empty", rnd.choice((None, None, " ")), 0.0, [], ""
        elif u_kind[i] < 0.032:
            mood = rnd.choice(("pos", "pos", "neg", "mixed"))
            kind, text, planted = "short", G.short_comment(rnd, mood), []
            sentiment = {"pos": 0.6, "neg": -0.6, "mixed": 0.0}[mood]
        elif u_kind[i] < 0.048:
            theme, pol = planted[0]
            text, lang = G.foreign_comment(rnd, theme, pol, ctx)
            kind, sentiment = "non_english", 0.6 if pol == "pos" else -0.6
            planted = [(theme, pol)] if (theme, pol) in FOREIGN[lang] else []
        else:
            text, sentiment, noise = G.compose(rnd, planted, ctx, channel=row["channel"])
            pii_rate = 0.08 if row["channel"] == "support_ticket" else 0.018
            if u_pii[i] < pii_rate:
                text, found = S.add_pii(rnd, text, ctx)
                pii_rows += [(row["feedback_id"], k, v) for k, v in found]
            if u_html[i] < 0.006:
                text, special = S.add_html(rnd, text), "html"
            elif u_formula[i] < 0.004:
                text, special = S.add_formula(rnd, text), "formula"
        texts.append(text)
        sentiments.append(sentiment)
        langs.append(lang)
        kinds.append(kind)
        specials.append(special)
        noises.append(noise)
        theme_rows += [(row["feedback_id"], t, p) for t, p in planted]
        themes[i] = planted
    frame["category"] = [r["category"] for r in records]
    frame["text"] = texts
    frame["sentiment"] = np.round(sentiments, 3)
    frame["themes"] = themes
    table = _scores(rng, frame)
    truth = {
        "feedback_themes": pd.DataFrame(theme_rows, columns=["feedback_id", "theme", "polarity"]),
        "feedback_meta": pd.DataFrame({
            "feedback_id": frame["feedback_id"], "persona": frame["persona"],
            "sentiment": frame["sentiment"], "language": langs, "kind": kinds, "special": specials,
            "noise": noises,
            "n_themes": [len(t) for t in themes]}),
        "pii": pd.DataFrame(pii_rows, columns=["feedback_id", "kind", "value"]),
    }
    return table, truth


def _scores(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """NPS, CSAT, CES and star ratings driven by persona, themes and sentiment."""
    n = len(frame)
    impact = np.zeros(n)
    effort = np.zeros(n)
    for i, planted in enumerate(frame["themes"]):
        for theme, pol in planted:
            if pol == "neg":
                impact[i] += K.THEME_NPS_IMPACT[theme]
                effort[i] += 1.6 if theme in ("checkout_payment", "customer_service",
                                              "returns_refunds", "app_website") else 0.4
            else:
                impact[i] += K.THEME_NPS_PRAISE
                effort[i] -= 0.3
    base = frame["persona"].map({p: s["nps_base"] for p, s in K.PERSONAS.items()}).to_numpy(float)
    sentiment = frame["sentiment"].to_numpy()
    # a late parcel lowers the score whatever the comment says (so delivery KPIs drop after
    # the courier switch, when far more orders are late)
    late = frame["late"].to_numpy(dtype=bool)
    latent = base + impact + 1.5 * sentiment - 1.5 * late + rng.normal(0, 1.2, n)
    channel = frame["channel"].to_numpy()
    survey, review = channel == "survey", channel == "app_review"

    nps = np.clip(np.round(latent), 0, 10)
    csat = np.clip(np.round(1 + 4 * latent / 10 + rng.normal(0, 0.5, n)), 1, 5)
    ces = np.clip(np.round(2.4 + effort + rng.normal(0, 0.9, n)), 1, 7)
    rating = np.clip(np.round(1 + 4 * (latent - 1) / 9 + rng.normal(0, 0.5, n)), 1, 5)

    def keep(mask, share):
        return mask & (rng.random(n) < share)

    stage_tp = _touchpoints(rng, frame)
    table = pd.DataFrame({
        "feedback_id": frame["feedback_id"],
        "text": frame["text"],
        "created_at": frame["created_at"],
        "channel": frame["channel"],
        "customer_id": frame["customer_id"],
        "order_id": frame["order_id"],
        "touchpoint": stage_tp[0],
        "journey_stage": stage_tp[1],
        "rating": np.where(keep(review, 0.97) | keep(survey, 0.25), rating, np.nan),
        "nps": pd.array(np.where(keep(survey, 0.88), nps, np.nan)).astype("Int64"),
        "csat": np.where(keep(survey, 0.62), csat, np.nan),
        "ces": np.where(keep(survey, 0.38), ces, np.nan),
        "product": frame["category"].where(~((channel == "social") & (rng.random(n) < 0.5))),
        # the survey tool records the loyalty tier as its segment; other channels do not
        "segment": np.where(survey & (rng.random(n) < 0.9), frame["segment"].to_numpy(), None),
        "brand": frame["brand"],
    })
    return table


def _touchpoints(rng: np.random.Generator, frame: pd.DataFrame) -> tuple[list, list]:
    """Touchpoint and stage of the comment's first theme; often unknown on social media."""
    missing_share = {"survey": 0.08, "app_review": 0.25, "support_ticket": 0.15, "social": 0.65}
    tps, stages = [], []
    u = rng.random((len(frame), 3))
    for i, (planted, channel) in enumerate(zip(frame["themes"], frame["channel"].tolist())):
        if not planted or u[i, 0] < missing_share[channel]:
            tps.append(None)
            stages.append(None)
            continue
        options = K.THEME_TOUCHPOINTS[planted[0][0]]
        tp = options[0] if (len(options) == 1 or u[i, 1] < 0.7) else options[1]
        if channel == "app_review" and tp == "website":
            tp = "app"
        stage = K.TOUCHPOINT_STAGE[tp]
        tps.append(None if u[i, 2] < 0.05 else tp)  # stage noted, touchpoint left blank
        stages.append(stage)
    return tps, stages
