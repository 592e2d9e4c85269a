"""Fixed facts of the fictional retailer Loomwear: period, planted dates, personas, touchpoints.

Everything the demo generator plants lives here, so tests and ``effects.json`` read the same
numbers the generator used.
"""
from __future__ import annotations

import pandas as pd

#: bump when the generated files change, so ``ensure_demo_data`` regenerates stale folders
GENERATOR_VERSION = "10"

BRAND = "Loomwear"
COMPETITORS = ("Threadly", "StyleHub")

PERIOD_START = pd.Timestamp("2025-01-01")
PERIOD_END = pd.Timestamp("2026-06-30 23:59:59")

#: planted events (see ``effects.json``)
COURIER_SWITCH = pd.Timestamp("2025-10-01")
CHECKOUT_FIX = pd.Timestamp("2026-01-15")
SIZE_GUIDE = pd.Timestamp("2025-07-01")

OLD_COURIER = "SwiftShip"
NEW_COURIER = "ParcelDash"

THEMES = (
    "delivery_delay",
    "sizing_fit",
    "fabric_quality",
    "returns_refunds",
    "customer_service",
    "checkout_payment",
    "app_website",
    "price_value",
    "style_design",
)

THEME_LABELS = {
    "delivery_delay": "late delivery",
    "sizing_fit": "sizing / fit",
    "fabric_quality": "quality",
    "returns_refunds": "returns & refunds",
    "customer_service": "customer service",
    "checkout_payment": "checkout & payment errors",
    "app_website": "app / website usability",
    "price_value": "price / value",
    "style_design": "style & design",
}

TOUCHPOINTS = {
    "awareness": ("social_media", "ads"),
    "consideration": ("website", "app", "product_page", "size_guide"),
    "purchase": ("checkout", "payment"),
    "delivery": ("shipping", "delivery", "packaging"),
    "post_purchase": ("returns", "customer_service"),
}
TOUCHPOINT_STAGE = {tp: stage for stage, tps in TOUCHPOINTS.items() for tp in tps}

#: touchpoints a comment about a theme is usually about (first one most often)
THEME_TOUCHPOINTS = {
    "delivery_delay": ("delivery", "shipping"),
    "sizing_fit": ("size_guide", "product_page"),
    "fabric_quality": ("product_page",),
    "returns_refunds": ("returns",),
    "customer_service": ("customer_service",),
    "checkout_payment": ("checkout", "payment"),
    "app_website": ("app", "website"),
    "price_value": ("product_page", "website"),
    "style_design": ("product_page", "social_media"),
}

#: share of comments raising a theme (before channel/persona multipliers); time-varying ones
#: are resolved by :func:`theme_base_rate`
THEME_BASE_RATE = {
    "delivery_delay": 0.075,
    "sizing_fit": 0.16,
    "fabric_quality": 0.11,
    "returns_refunds": 0.10,
    "customer_service": 0.09,
    "checkout_payment": 0.13,
    "app_website": 0.08,
    "price_value": 0.10,
    "style_design": 0.15,
}
DELIVERY_DELAY_AFTER_SWITCH = 0.20
CHECKOUT_PAYMENT_AFTER_FIX = 0.025

#: probability a theme is raised as praise rather than a complaint
THEME_POSITIVE_SHARE = {
    "delivery_delay": 0.30,
    "sizing_fit": 0.22,
    "fabric_quality": 0.30,
    "returns_refunds": 0.20,
    "customer_service": 0.28,
    "checkout_payment": 0.08,
    "app_website": 0.22,
    "price_value": 0.30,
    "style_design": 0.85,
}
DELIVERY_POSITIVE_AFTER_SWITCH = 0.07

#: NPS points a theme adds when raised as a complaint (different themes hurt differently)
THEME_NPS_IMPACT = {
    "delivery_delay": -2.2,
    "sizing_fit": -1.0,
    "fabric_quality": -2.0,
    "returns_refunds": -1.8,
    "customer_service": -2.8,
    "checkout_payment": -1.5,
    "app_website": -0.7,
    "price_value": -1.2,
    "style_design": -0.9,
}
#: NPS points a theme adds when raised as praise
THEME_NPS_PRAISE = 0.9

CHANNEL_SHARES = {"survey": 0.42, "app_review": 0.18, "support_ticket": 0.20, "social": 0.20}

#: how much more (or less) often each channel raises a theme
CHANNEL_THEME_MULT = {
    "survey": {},
    "app_review": {"app_website": 3.0, "checkout_payment": 1.8, "fabric_quality": 0.5, "sizing_fit": 0.6},
    "support_ticket": {
        "delivery_delay": 1.8, "returns_refunds": 2.0, "customer_service": 1.6,
        "checkout_payment": 1.4, "style_design": 0.15, "price_value": 0.4, "app_website": 0.6,
    },
    "social": {"customer_service": 1.5, "style_design": 1.3, "price_value": 1.2, "sizing_fit": 0.7},
}

PERSONAS = {
    "trend_seeker": dict(
        share=0.30, age=(23.0, 3.0), gender={"female": 0.78, "male": 0.17, "non_binary": 0.05},
        acquisition={"social": 0.58, "influencer": 0.32, "search": 0.06, "referral": 0.04},
        loyalty={"bronze": 0.45, "silver": 0.40, "gold": 0.15, "platinum": 0.0},
        order_weight=1.55, amount=(42.0, 0.30), app_share=0.88, return_rate=0.34, churn=0.16,
        items=(2.6, 1.2),
        categories={"dresses": 0.30, "tops": 0.28, "jeans": 0.12, "knitwear": 0.06,
                    "outerwear": 0.04, "shoes": 0.08, "accessories": 0.07, "activewear": 0.05},
        nps_base=9.8, theme_mult={"sizing_fit": 2.3, "returns_refunds": 1.4, "style_design": 1.4,
                                  "price_value": 0.7, "fabric_quality": 0.7, "delivery_delay": 0.75},
    ),
    "value_hunter": dict(
        share=0.27, age=(34.0, 3.5), gender={"female": 0.55, "male": 0.43, "non_binary": 0.02},
        acquisition={"search": 0.52, "affiliate": 0.38, "email": 0.05, "social": 0.05},
        loyalty={"bronze": 0.80, "silver": 0.18, "gold": 0.02, "platinum": 0.0},
        order_weight=0.85, amount=(28.0, 0.28), app_share=0.30, return_rate=0.10, churn=0.38,
        items=(1.6, 0.8),
        categories={"dresses": 0.10, "tops": 0.25, "jeans": 0.20, "knitwear": 0.10,
                    "outerwear": 0.05, "shoes": 0.10, "accessories": 0.05, "activewear": 0.15},
        nps_base=7.9, theme_mult={"price_value": 3.3, "delivery_delay": 0.9, "fabric_quality": 1.2,
                                  "style_design": 0.5},
    ),
    "loyal_premium": dict(
        share=0.20, age=(58.0, 5.0), gender={"female": 0.70, "male": 0.30, "non_binary": 0.0},
        acquisition={"referral": 0.48, "direct": 0.44, "email": 0.04, "search": 0.04},
        loyalty={"bronze": 0.0, "silver": 0.15, "gold": 0.50, "platinum": 0.35},
        order_weight=1.45, amount=(135.0, 0.32), app_share=0.25, return_rate=0.08, churn=0.05,
        items=(1.8, 0.9),
        categories={"dresses": 0.18, "tops": 0.10, "jeans": 0.05, "knitwear": 0.25,
                    "outerwear": 0.27, "shoes": 0.08, "accessories": 0.07, "activewear": 0.0},
        nps_base=10.6, theme_mult={"fabric_quality": 2.5, "customer_service": 1.5, "price_value": 0.35,
                                  "delivery_delay": 0.8,
                                  "app_website": 0.6, "sizing_fit": 0.8},
    ),
    "busy_parent": dict(
        share=0.23, age=(44.0, 3.5), gender={"female": 0.62, "male": 0.37, "non_binary": 0.01},
        acquisition={"tv": 0.50, "email": 0.38, "search": 0.08, "referral": 0.04},
        loyalty={"bronze": 0.55, "silver": 0.40, "gold": 0.05, "platinum": 0.0},
        order_weight=0.55, amount=(72.0, 0.30), app_share=0.45, return_rate=0.18, churn=0.26,
        items=(4.2, 1.0),
        categories={"dresses": 0.05, "tops": 0.20, "jeans": 0.20, "knitwear": 0.15,
                    "outerwear": 0.15, "shoes": 0.15, "accessories": 0.05, "activewear": 0.05},
        nps_base=9.0, theme_mult={"delivery_delay": 1.6, "checkout_payment": 1.7, "app_website": 1.5,
                                  "customer_service": 1.2, "style_design": 0.6},
    ),
}

REGIONS = {
    "London": 0.18, "South East": 0.14, "North West": 0.11, "West Midlands": 0.09,
    "East of England": 0.09, "Yorkshire": 0.08, "South West": 0.08, "Scotland": 0.08,
    "East Midlands": 0.07, "Wales": 0.04, "North East": 0.03, "Northern Ireland": 0.01,
}

CATEGORY_PRICE = {  # relative price of a category (coats cost more than socks)
    "dresses": 1.1, "tops": 0.7, "jeans": 1.0, "knitwear": 1.1, "outerwear": 1.9,
    "shoes": 1.3, "accessories": 0.5, "activewear": 0.8,
}

#: touchpoint survey: how far perception falls below expectation (mean, points on 1-7)
TOUCHPOINT_GAP = {
    "social_media": -0.2, "ads": -0.3, "website": -0.4, "app": -0.5, "product_page": -0.3,
    "size_guide": -0.7, "checkout": -0.6, "payment": -0.4, "shipping": -0.6, "delivery": -0.8,
    "packaging": 0.1, "returns": -2.1, "customer_service": -1.1,
}
#: expectation level per touchpoint (1-7)
TOUCHPOINT_EXPECTATION = {
    "social_media": 4.6, "ads": 4.2, "website": 5.6, "app": 5.6, "product_page": 5.7,
    "size_guide": 5.4, "checkout": 6.1, "payment": 6.3, "shipping": 5.8, "delivery": 6.2,
    "packaging": 5.0, "returns": 6.0, "customer_service": 6.1,
}
#: how much better staff think each touchpoint performs than customers do
STAFF_OPTIMISM = {tp: 0.4 for tp in TOUCHPOINT_GAP} | {"customer_service": 2.0, "returns": 0.9}

DIMENSIONS = ("reliability", "responsiveness", "assurance", "empathy", "tangibles")

TABLE_NAMES = ("feedback", "customers", "orders", "tickets", "touchpoint_survey", "employee_survey")
TRUTH_FILES = ("feedback_themes.csv", "customer_personas.csv", "effects.json",
               "pii.csv", "feedback_meta.csv", "manifest.json")


def theme_base_rate(theme: str, when) -> "float | pd.Series":
    """Base share of comments raising ``theme`` at time(s) ``when`` (planted effects 1-3)."""
    import numpy as np

    when = pd.to_datetime(when)
    base = THEME_BASE_RATE[theme]
    if theme == "delivery_delay":
        return np.where(when >= COURIER_SWITCH, DELIVERY_DELAY_AFTER_SWITCH, base)
    if theme == "checkout_payment":
        return np.where(when >= CHECKOUT_FIX, CHECKOUT_PAYMENT_AFTER_FIX, base)
    # sizing_fit stays flat across SIZE_GUIDE on purpose: the null for monitoring
    return np.full(np.shape(when), base)
