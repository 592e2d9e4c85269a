"""Canonical CX tables: the columns cxlab expects, their types and allowed ranges.

This module is the single source of truth for table layouts. Loaders (:mod:`cxlab.io`) validate
against it, the demo generator (:mod:`cxlab.datasets`) writes exactly these columns, and every
analysis reads them by these names. Users map their own column names onto these with
``column_map={"their_name": "canonical_name"}``.

Types: ``"str"`` text, ``"datetime"`` timestamps (parsed; naive or UTC), ``"float"``,
``"int"`` (nullable integer), ``"bool"`` (nullable boolean). ``required`` columns must be present;
optional ones are added as all-missing when absent. ``nullable=False`` means every row needs a
value; rows that break a row-level rule are dropped and reported, never silently lost.
Columns beyond the canonical ones are kept as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "TableSpec", "TABLES", "get_spec"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    required: bool = False
    nullable: bool = True
    min: float | None = None
    max: float | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    #: pairs (earlier, later) of datetime columns where later must not precede earlier
    ordered: tuple[tuple[str, str], ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


FEEDBACK = TableSpec(
    name="feedback",
    key=("feedback_id",),
    description="One open-ended comment per row: survey verbatim, review, ticket text or social post.",
    columns=(
        Column("feedback_id", "str", required=True, nullable=False, description="unique comment id"),
        Column("text", "str", required=True, description="the comment; may be empty (flagged, not dropped)"),
        Column("created_at", "datetime", required=True, nullable=False, description="when it was written"),
        Column("channel", "str", required=True, description="source: survey, app_review, support_ticket, social, ..."),
        Column("customer_id", "str", description="who wrote it, when known"),
        Column("order_id", "str", description="order the comment is about, when known"),
        Column("touchpoint", "str", description="touchpoint the comment is about (e.g. checkout, delivery)"),
        Column("journey_stage", "str", description="awareness, consideration, purchase, delivery, post_purchase"),
        Column("rating", "float", min=1, max=5, description="star rating 1-5"),
        Column("nps", "int", min=0, max=10, description="likelihood to recommend 0-10"),
        Column("csat", "float", min=1, max=5, description="satisfaction 1-5"),
        Column("ces", "float", min=1, max=7, description="customer effort 1 (easy) - 7 (hard)"),
        Column("product", "str", description="product or category"),
        Column("segment", "str", description="any segment label the researcher uses"),
        Column("brand", "str", description="brand or competitor the comment is about"),
    ),
)

CUSTOMERS = TableSpec(
    name="customers",
    key=("customer_id",),
    description="One row per customer: demographics and account facts.",
    columns=(
        Column("customer_id", "str", required=True, nullable=False),
        Column("signup_date", "datetime", description="when the customer joined"),
        Column("age", "float", min=16, max=110),
        Column("gender", "str"),
        Column("region", "str"),
        Column("acquisition_channel", "str", description="how they came: search, social, referral, ..."),
        Column("loyalty_tier", "str"),
        Column("churned", "bool", description="left by the end of the period"),
    ),
)

ORDERS = TableSpec(
    name="orders",
    key=("order_id",),
    description="One row per order or transaction.",
    ordered=(),
    columns=(
        Column("order_id", "str", required=True, nullable=False),
        Column("customer_id", "str", required=True, nullable=False),
        Column("order_date", "datetime", required=True, nullable=False),
        Column("amount", "float", required=True, min=0, description="order value in the shop's currency"),
        Column("n_items", "int", min=0),
        Column("category", "str", description="main product category"),
        Column("channel", "str", description="web, app, store, ..."),
        Column("status", "str", description="completed, cancelled, abandoned (drop-off)"),
        Column("returned", "bool"),
        Column("promised_days", "float", min=0, description="delivery time promised at checkout"),
        Column("delivery_days", "float", min=0, description="delivery time achieved"),
    ),
)

TICKETS = TableSpec(
    name="tickets",
    key=("ticket_id",),
    description="One row per support ticket.",
    ordered=(("opened_at", "first_response_at"), ("opened_at", "resolved_at")),
    columns=(
        Column("ticket_id", "str", required=True, nullable=False),
        Column("customer_id", "str"),
        Column("opened_at", "datetime", required=True, nullable=False),
        Column("first_response_at", "datetime"),
        Column("resolved_at", "datetime"),
        Column("channel", "str", description="email, chat, phone, social"),
        Column("category", "str"),
        Column("csat", "float", min=1, max=5),
    ),
)

TOUCHPOINT_SURVEY = TableSpec(
    name="touchpoint_survey",
    key=("response_id", "touchpoint", "dimension"),
    description=(
        "Long format, one row per respondent x touchpoint (x service dimension): what the customer "
        "expected and what they experienced, on the same scale (SERVQUAL-style, 1-7)."
    ),
    columns=(
        Column("response_id", "str", required=True, nullable=False),
        Column("customer_id", "str"),
        Column("surveyed_at", "datetime"),
        Column("journey_stage", "str"),
        Column("touchpoint", "str", required=True, nullable=False),
        Column("dimension", "str", description="reliability, responsiveness, assurance, empathy, tangibles"),
        Column("expectation", "float", required=True, min=1, max=7),
        Column("perception", "float", required=True, min=1, max=7),
        Column("overall_satisfaction", "float", min=1, max=7, description="respondent's overall score"),
    ),
)

EMPLOYEE_SURVEY = TableSpec(
    name="employee_survey",
    key=("response_id", "touchpoint", "dimension"),
    description="Staff's view of the same touchpoints: how well they think customers are served (1-7).",
    columns=(
        Column("response_id", "str", required=True, nullable=False),
        Column("employee_id", "str"),
        Column("department", "str"),
        Column("surveyed_at", "datetime"),
        Column("journey_stage", "str"),
        Column("touchpoint", "str", required=True, nullable=False),
        Column("dimension", "str"),
        Column("expectation", "float", min=1, max=7, description="what staff think customers expect"),
        Column("perception", "float", required=True, min=1, max=7, description="staff's rating of the experience"),
    ),
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (FEEDBACK, CUSTOMERS, ORDERS, TICKETS, TOUCHPOINT_SURVEY, EMPLOYEE_SURVEY)
}


def get_spec(table: str | TableSpec) -> TableSpec:
    """Return the :class:`TableSpec` for ``table`` (a name such as ``"feedback"`` or a spec)."""
    if isinstance(table, TableSpec):
        return table
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(
            f"unknown table {table!r}; cxlab knows {sorted(TABLES)}"
        ) from None
