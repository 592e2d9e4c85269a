"""One row of features per customer, from the tables a researcher has.

What is built, and why:

* **Demographics**: every column of ``customers`` except the id and dates (kept as they are:
  the model types, encodes and pools rare levels itself); ``tenure_days`` from ``signup_date``
  (or the first order when the signup date is missing).
* **Behaviour** from ``orders`` (completed orders only, when ``status`` is given): ``recency_days``,
  ``frequency``, ``monetary`` (total spend), ``aov``, ``items_per_order``, ``return_rate``,
  ``cancel_rate`` (cancelled or abandoned among all orders) and the mix of channels and
  categories as shares of orders (``channel_app_share``...; levels under 5% of all orders pooled
  into ``other``; with exactly two channels only the rarer one is kept, the other is redundant).
  Rates and shares are shrunk toward the overall rate by ``smoothing`` pseudo-orders, so a
  customer with one order is not "100% returns".
  Customers without orders get ``frequency = monetary = 0`` and missing rates/mixes, which the
  model imputes and flags.
* **Support**: ``n_tickets``.
* **Feedback**: ``n_comments``, ``sentiment_mean`` (the feedback's ``sentiment`` column, or
  :func:`cxlab.text.score_sentiment` of ``text``), ``nps`` (the customer's latest 0-10 answer: one
  answer per customer keeps NPS intervals valid), ``csat_mean`` and, given per-comment themes,
  ``theme_<id>_share`` = share of the customer's comments that mention the theme. When the
  theme table has a ``theme_label`` column, ``features.attrs["theme_labels"]`` keeps
  ``{id: label}`` so traits, names and pain points read "order number / time", not "theme 01".

``as_of`` (the date recency and tenure are measured at) defaults to the latest date in the
tables, never "now", so the same tables give the same features.

Numbers (amounts, NPS, CSAT...) are read as the loaders read them ("$1,230.50" is 1230.5); a value
that is still not a number is an error, not a silent zero. Rows naming customers absent from
``customers`` cannot join: they are left out with a warning that counts them.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cxlab.exceptions import SchemaError
from cxlab.io._coerce import read_flags
from cxlab.kpis._validate import read_numbers

__all__ = ["build_customer_features"]

ID = "customer_id"
_RARE_MIX = 0.05
_UNTHEMED = "unthemed"
_NUMBER_HINT = ("write them as plain numbers (1230.5) or leave them empty, or load the table with "
                "cxlab.io.{loader}(), which reports each value it cannot read.")


def _need(df: pd.DataFrame, name: str, cols: list[str], hint: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise SchemaError(f"{name} lacks column(s) {missing}; columns found: {list(df.columns)}. {hint}")


def _dates(s: pd.Series) -> pd.Series:
    out = pd.to_datetime(s, errors="coerce", utc=True, format="mixed")
    return out.dt.tz_localize(None)


def _ids(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip()


def _numbers(df: pd.DataFrame, name: str, col: str, hint: str) -> pd.Series:
    """``df[col]`` as float64, read like the loaders read numbers; unreadable values are an error."""
    return read_numbers(df[col], name=f"{name} column '{col}'", hint=hint[0].upper() + hint[1:])


def _warn_unknown(table: pd.DataFrame, name: str, known: pd.Index) -> dict:
    """Rows naming customers absent from ``customers`` cannot join: count them instead of losing them.

    Returns ``{"rows", "no_id", "unknown"}``: rows without a customer id (e.g. anonymous posts)
    are normal and only counted; rows naming unknown customers are also warned about.
    """
    ids = _ids(table[ID])
    unknown = (ids.notna() & ~ids.isin(known)).to_numpy(dtype=bool)
    if unknown.any():
        examples = list(pd.unique(ids[unknown])[:5])
        warnings.warn(f"{int(unknown.sum()):,} of {len(table):,} {name} name customers not in the customers "
                      f"table (e.g. {examples}); they are left out of the features. Check that both tables "
                      "use the same customer ids, or add those customers to the customers table.",
                      UserWarning, stacklevel=3)
    return {"rows": len(table), "no_id": int(ids.isna().sum()), "unknown": int(unknown.sum())}


def describe_unlinked(features: pd.DataFrame) -> str:
    """Say which order, ticket and feedback rows could not be linked to a customer.

    :func:`build_customer_features` keeps the counts in ``features.attrs["unlinked"]``: rows
    without a customer id and rows naming customers the customers table lacks. They are left
    out of the features (and so of the personas), never silently.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"age": [30]})
    >>> f.attrs["unlinked"] = {"feedback rows": {"rows": 10, "no_id": 3, "unknown": 0}}
    >>> describe_unlinked(f)
    'Not linked to any customer, so left out of the features: 3 of 10 feedback rows (no customer_id).'
    """
    links = features.attrs.get("unlinked") or {}
    if not links:
        return ""
    parts = []
    for name, c in links.items():
        no_id, unknown = c["no_id"], c["unknown"]
        if no_id and unknown:
            why = f"{no_id:,} with no customer_id, {unknown:,} with a customer_id the customers table lacks"
        elif no_id or unknown:
            why = "no customer_id" if no_id else "a customer_id the customers table lacks"
        else:
            continue
        parts.append(f"{no_id + unknown:,} of {c['rows']:,} {name} ({why})")
    if not parts:
        return f"All {' and '.join(links)} were linked to a customer."
    return "Not linked to any customer, so left out of the features: " + "; ".join(parts) + "."


def _customers_frame(customers: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(customers, pd.DataFrame):
        raise SchemaError(f"customers must be a pandas DataFrame; received {type(customers).__name__}.")
    if ID not in customers.columns and customers.index.name == ID:
        customers = customers.reset_index()
    _need(customers, "customers", [ID], "Rename the id column to 'customer_id' (load_customers(..., "
          "column_map={'your_id': 'customer_id'}) or the CLI's --id-col).")
    out = customers.copy()
    out[ID] = _ids(out[ID])
    if out[ID].isna().any():
        rows = list(np.flatnonzero(out[ID].isna().to_numpy())[:5])
        raise SchemaError(f"customers has {int(out[ID].isna().sum())} row(s) without a customer_id "
                          f"(positions {rows}); drop or fill them.")
    dup = out[ID][out[ID].duplicated()]
    if len(dup):
        raise SchemaError(f"customers has duplicate customer_id values {list(dup.unique()[:5])}; "
                          "keep one row per customer (load_customers drops duplicates and reports them).")
    return out


def _shrink(rate: pd.Series, n: pd.Series, prior: float, m: float) -> pd.Series:
    """Shrink per-customer rates toward the overall rate by ``m`` pseudo-observations."""
    n = n.reindex(rate.index).fillna(0)
    return (rate.fillna(0) * n + m * prior) / (n + m)


def _mix(orders: pd.DataFrame, col: str, prefix: str, m: float) -> pd.DataFrame:
    values = orders[col].astype("string").str.strip().str.lower().fillna("unknown")
    share = values.value_counts(normalize=True)
    rare = share.index[share < _RARE_MIX]
    values = values.where(~values.isin(rare), "other")
    table = pd.crosstab(orders[ID], values, normalize="index")
    table = table.reindex(sorted(table.columns), axis=1)
    n = orders.groupby(ID).size()
    overall = values.value_counts(normalize=True)
    table = pd.DataFrame({c: _shrink(table[c], n, float(overall[c]), m) for c in table.columns})
    if table.shape[1] == 2:
        table = table[[values.value_counts().sort_index().idxmin()]]
    elif table.shape[1] < 2:
        return pd.DataFrame(index=table.index)
    safe = [str(c).replace(" ", "_").replace("-", "_") for c in table.columns]
    table.columns = [f"{prefix}_{c}_share" for c in safe]
    return table


def _order_features(orders: pd.DataFrame, as_of: pd.Timestamp, m: float) -> pd.DataFrame:
    _need(orders, "orders", [ID, "order_date", "amount"], "Load it with cxlab.io.load_orders().")
    o = orders.copy()
    o[ID] = _ids(o[ID])
    o = o[o[ID].notna()]
    o["order_date"] = _dates(o["order_date"])
    o["amount"] = _numbers(o, "orders", "amount", _NUMBER_HINT.format(loader="load_orders"))
    if "status" in o.columns:
        status = o["status"].astype("string").str.lower()
        done = status.isna() | (status == "completed")
    else:
        done = pd.Series(True, index=o.index)
    c = o[done.to_numpy()]
    g = c.groupby(ID, sort=True)
    feats = pd.DataFrame({
        "recency_days": (as_of - g["order_date"].max()).dt.total_seconds() / 86400,
        "frequency": g.size().astype(float),
        # one order of unknown amount makes the total unknown, not smaller
        "monetary": g["amount"].sum().where(g["amount"].count() == g.size()),
        "first_order": g["order_date"].min(),
    })
    feats["aov"] = feats["monetary"] / feats["frequency"]
    if "n_items" in c.columns:
        n_items = _numbers(c, "orders", "n_items", _NUMBER_HINT.format(loader="load_orders"))
        feats["items_per_order"] = n_items.groupby(c[ID]).mean()
    if "returned" in c.columns:
        ret = read_flags(c["returned"], name="orders column 'returned'").astype("Float64").astype(float)
        feats["return_rate"] = _shrink(ret.groupby(c[ID]).mean().astype(float),
                                       ret.notna().groupby(c[ID]).sum(), float(ret.mean()), m)
    if "status" in o.columns:
        cancel = (~done).astype(float)
        rate = _shrink(cancel.groupby(o[ID]).mean(), o.groupby(ID).size(), float(cancel.mean()), m)
        feats = feats.join(rate.rename("cancel_rate"), how="outer")
    for col, prefix in (("channel", "channel"), ("category", "category")):
        if col in c.columns and c[col].notna().any():
            feats = feats.join(_mix(c, col, prefix, m), how="left")
    return feats


def _theme_shares(themes: pd.DataFrame, feedback: pd.DataFrame | None, m: float) -> pd.DataFrame:
    t = themes.copy()
    if "theme" not in t.columns and "theme_id" in t.columns:  # assignments.csv of `cxlab themes`
        t = t.rename(columns={"theme_id": "theme"})
    if "theme" not in t.columns:  # wide: feedback_id x theme columns with weights or 0/1
        _need(t, "themes", ["feedback_id"], "Pass one row per comment x theme (feedback_id, theme).")
        value_cols = [c for c in t.columns if c not in ("feedback_id", ID)]
        t = t.melt(id_vars=[c for c in ("feedback_id", ID) if c in t.columns], value_vars=value_cols,
                   var_name="theme", value_name="_w")
        t = t[pd.to_numeric(t["_w"], errors="coerce").fillna(0) > 0].drop(columns="_w")
    if ID not in t.columns:
        _need(t, "themes", ["feedback_id", "theme"], "Pass the themes engine's per-comment table.")
        if feedback is None or "feedback_id" not in feedback.columns:
            raise SchemaError("themes has no customer_id column, so feedback (with feedback_id and "
                              "customer_id) is needed to link comments to customers.")
        link = feedback[["feedback_id", ID]].astype("string")
        t = t.assign(feedback_id=t["feedback_id"].astype("string")).merge(link, on="feedback_id", how="inner")
    t[ID] = _ids(t[ID])
    t["theme"] = t["theme"].astype("string")
    t = t[t[ID].notna() & t["theme"].notna()]
    key = "feedback_id" if "feedback_id" in t.columns else None
    if key is None:
        raise SchemaError(f"themes lacks 'feedback_id'; columns found: {list(themes.columns)}.")
    n_comments = t.groupby(ID)[key].nunique()
    t = t[t["theme"] != _UNTHEMED].drop_duplicates([ID, key, "theme"])
    counts = pd.crosstab(t[ID], t["theme"])
    counts = counts.reindex(n_comments.index).fillna(0.0)
    overall = counts.sum() / n_comments.sum()
    shares = (counts + m * overall).div(n_comments + m, axis=0)
    shares = shares.reindex(sorted(shares.columns), axis=1)
    shares.columns = [f"theme_{c}_share" for c in shares.columns]
    return shares


def _feedback_features(feedback: pd.DataFrame, sentiment) -> pd.DataFrame:
    _need(feedback, "feedback", [ID], "Feedback needs customer_id to be linked to customers.")
    f = feedback.copy()
    f[ID] = _ids(f[ID])
    f = f[f[ID].notna()]
    if "created_at" in f.columns:
        f["created_at"] = _dates(f["created_at"])
        f = f.sort_values([ID, "created_at"], kind="stable")
    g = f.groupby(ID, sort=True)
    feats = pd.DataFrame({"n_comments": g.size().astype(float)})
    if sentiment is not False:
        if "sentiment" in f.columns:
            score = _numbers(f, "feedback", "sentiment", _NUMBER_HINT.format(loader="load_feedback"))
        elif "text" in f.columns:
            from cxlab.text import score_sentiment

            score = pd.Series(score_sentiment(f["text"].fillna("").astype(str)).to_numpy(), index=f.index)
        else:
            score = None
        if score is not None:
            feats["sentiment_mean"] = score.groupby(f[ID]).mean()
    if "nps" in f.columns:
        nps = _numbers(f, "feedback", "nps", _NUMBER_HINT.format(loader="load_feedback"))
        feats["nps"] = nps[nps.notna()].groupby(f.loc[nps.notna(), ID]).last()
    if "csat" in f.columns:
        csat = _numbers(f, "feedback", "csat", _NUMBER_HINT.format(loader="load_feedback"))
        feats["csat_mean"] = csat.groupby(f[ID]).mean()
    return feats


def build_customer_features(customers: pd.DataFrame, *, orders: pd.DataFrame | None = None,
                            feedback: pd.DataFrame | None = None, tickets: pd.DataFrame | None = None,
                            themes: pd.DataFrame | None = None, as_of=None,
                            sentiment: bool | str = "auto", smoothing: float = 2.0) -> pd.DataFrame:
    """Build one row of persona features per customer (index ``customer_id``).

    Parameters
    ----------
    customers : DataFrame
        One row per customer with ``customer_id`` (column or index); other columns are kept as
        demographics (see :data:`cxlab.schemas.CUSTOMERS`).
    orders, feedback, tickets : DataFrame, optional
        Canonical tables (:mod:`cxlab.schemas`) keyed by ``customer_id``.
    themes : DataFrame, optional
        Per-comment themes: ``feedback_id``, ``theme`` (and ``customer_id`` or a ``feedback``
        table to link them), or a wide ``feedback_id`` x theme table of weights.
    as_of : date-like, optional
        Reference date for recency and tenure; default the latest date in the tables.
    sentiment : "auto", True or False, default="auto"
        Use the feedback's ``sentiment`` column, else score ``text`` with
        :func:`cxlab.text.score_sentiment`; False skips sentiment.
    smoothing : float, default=2.0
        Pseudo-observations that shrink each customer's rates and shares (returns, channel,
        category, themes) toward the overall rate: one order should not make a customer
        "100% app". 0 gives raw rates.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` in the order of ``customers``; the input is not modified.

    Raises
    ------
    SchemaError
        A table lacks a needed column, ``customers`` has missing or duplicate ids, or a number
        column (``amount``, ``nps``...) holds values that are not numbers.

    Warns
    -----
    UserWarning
        Orders, tickets or feedback rows name customers not in ``customers``; they are counted
        and left out.

    Examples
    --------
    >>> import pandas as pd
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"], "age": [30, 50]})
    >>> orders = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "a", "b"],
    ...                        "order_date": ["2025-01-01", "2025-02-01", "2025-01-15"],
    ...                        "amount": [20.0, 30.0, 100.0]})
    >>> build_customer_features(customers, orders=orders)["monetary"].tolist()
    [50.0, 100.0]
    """
    cust = _customers_frame(customers)
    if as_of is None:
        candidates = []
        for df, col in ((orders, "order_date"), (feedback, "created_at"), (tickets, "opened_at"),
                        (cust, "signup_date")):
            if df is not None and col in df.columns:
                candidates.append(_dates(df[col]).max())
        candidates = [c for c in candidates if pd.notna(c)]
        as_of = max(candidates) if candidates else None
    as_of = pd.Timestamp(as_of) if as_of is not None else None
    if as_of is not None and as_of.tzinfo is not None:
        as_of = as_of.tz_convert(None)

    out = cust.set_index(ID)
    out.index = out.index.astype(str)
    dates = [c for c in out.columns if pd.api.types.is_datetime64_any_dtype(out[c]) or c == "signup_date"]
    signup = _dates(out["signup_date"]) if "signup_date" in out.columns else None
    out = out.drop(columns=dates)
    # booleans kept as pandas nullable booleans; numbers stay numbers
    unlinked = {}
    if orders is not None:
        of = _order_features(orders, as_of, smoothing)
        unlinked["orders"] = _warn_unknown(orders, "orders", out.index)
        of = of.reindex(out.index)
        first = of.pop("first_order")
        start = signup.fillna(first) if signup is not None else first
        of.loc[of["frequency"].isna(), ["frequency", "monetary"]] = 0.0  # no completed orders
        out = out.join(of)
    else:
        start = signup
    if start is not None and as_of is not None:
        out["tenure_days"] = ((as_of - start).dt.total_seconds() / 86400).clip(lower=0).to_numpy()
    if tickets is not None:
        _need(tickets, "tickets", [ID], "Tickets need customer_id to count support contacts.")
        unlinked["tickets"] = _warn_unknown(tickets, "tickets", out.index)
        n = _ids(tickets[ID]).value_counts()
        out["n_tickets"] = n.reindex(out.index).fillna(0).astype(float).to_numpy()
    if feedback is not None:
        ff = _feedback_features(feedback, sentiment)
        unlinked["feedback rows"] = _warn_unknown(feedback, "feedback rows", out.index)
        ff = ff.reindex(out.index)
        ff["n_comments"] = ff["n_comments"].fillna(0.0)
        out = out.join(ff)
    labels = {}
    if themes is not None:
        out = out.join(_theme_shares(themes, feedback, smoothing).reindex(out.index))
        labels = _theme_labels(themes)
    derived = [c for c in out.columns if c not in cust.columns]
    # plain float64 (NaN for missing) whatever the nullable/pyarrow dtypes of the inputs
    out[derived] = out[derived].astype("float64")
    if labels:
        out.attrs["theme_labels"] = labels
    out.attrs["unlinked"] = unlinked
    return out


def _theme_labels(themes: pd.DataFrame) -> dict:
    """``{theme id: label}`` from a long theme table's ``theme_label`` column (``{}`` without one)."""
    tid = "theme" if "theme" in themes.columns else "theme_id" if "theme_id" in themes.columns else None
    if tid is None or "theme_label" not in themes.columns:
        return {}
    pairs = themes[[tid, "theme_label"]].dropna().astype(str).drop_duplicates(tid)
    return {t: lab for t, lab in zip(pairs[tid], pairs["theme_label"]) if t != _UNTHEMED and lab and lab != t}


def load_customer_tables(data_dir=None, *, random_state: int = 0) -> dict[str, pd.DataFrame]:
    """Load ``customers`` (required), ``orders``, ``feedback`` and ``tickets`` from ``data_dir``.

    ``data_dir`` None or ``""`` loads the bundled demo (generated on first use). Files are found
    by table name with any supported extension (``customers.csv``, ``orders.parquet``...); absent
    optional tables are simply left out.

    Examples
    --------
    >>> tables = load_customer_tables()  # doctest: +SKIP
    >>> sorted(tables)  # doctest: +SKIP
    ['customers', 'feedback', 'orders', 'tickets']
    """
    from pathlib import Path

    if not data_dir:
        from cxlab.datasets import load_demo

        tables = load_demo()
        return {k: tables[k] for k in ("customers", "orders", "feedback", "tickets") if k in tables}
    from cxlab.io import SUPPORTED_EXTENSIONS, load_table

    folder = Path(data_dir)
    out = {}
    for name in ("customers", "orders", "feedback", "tickets"):
        found = sorted(p for p in folder.glob(f"{name}.*") if "".join(p.suffixes) in SUPPORTED_EXTENSIONS
                       or p.suffix in SUPPORTED_EXTENSIONS)
        if found:
            out[name], _ = load_table(found[0], name)
    if "customers" not in out:
        raise SchemaError(f"no customers table in {folder}: expected customers.csv (or .xlsx, .parquet, "
                          f".jsonl); files found: {sorted(p.name for p in folder.iterdir())}.")
    return out
