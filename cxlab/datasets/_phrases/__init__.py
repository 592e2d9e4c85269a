"""Phrase banks of the comment grammar (data only; the engine is ``cxlab.datasets._grammar``)."""
from cxlab.datasets._phrases._foreign import FOREIGN
from cxlab.datasets._phrases._glue import GLUE, PRODUCTS, SHORT
from cxlab.datasets._phrases._operations import (
    CHECKOUT_PAYMENT,
    CUSTOMER_SERVICE,
    DELIVERY_DELAY,
    RETURNS_REFUNDS,
)
from cxlab.datasets._phrases._product import (
    APP_WEBSITE,
    FABRIC_QUALITY,
    PRICE_VALUE,
    SIZING_FIT,
    STYLE_DESIGN,
)

#: theme id -> {"neg": templates, "pos": templates}
CLAUSES = {
    "delivery_delay": DELIVERY_DELAY,
    "sizing_fit": SIZING_FIT,
    "fabric_quality": FABRIC_QUALITY,
    "returns_refunds": RETURNS_REFUNDS,
    "customer_service": CUSTOMER_SERVICE,
    "checkout_payment": CHECKOUT_PAYMENT,
    "app_website": APP_WEBSITE,
    "price_value": PRICE_VALUE,
    "style_design": STYLE_DESIGN,
}

__all__ = ["CLAUSES", "FOREIGN", "GLUE", "PRODUCTS", "SHORT"]
