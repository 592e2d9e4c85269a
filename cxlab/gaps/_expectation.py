"""Expectation vs perception gaps per touchpoint / service dimension (SERVQUAL-style)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from cxlab.gaps._stats import adjust_pvalues, check_columns, check_unit_interval, welch_interval
from cxlab.kpis._validate import read_numbers

__all__ = ["expectation_gaps", "internal_vs_customer"]

_GAP_COLUMNS = [
    "n", "n_missing", "expectation", "perception", "gap", "ci_low", "ci_high", "share_below",
    "p_value", "p_wilcoxon", "p_adjusted", "significant", "direction",
]


def _as_list(by) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _usable_rows(df: pd.DataFrame, by: list[str], cols: list[str]) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Split ``df`` into the rows that can be analysed and an account of the others.

    Returns the rows with a value in every ``by`` and ``cols`` column; per group, the number of
    rows left out because a ``cols`` value is missing; and phrases for a warning about rows that
    no output row can show (no group value, or a group none of whose rows is complete).
    """
    no_group = df[by].isna().any(axis=1).to_numpy()
    incomplete = df[cols].isna().any(axis=1).to_numpy() & ~no_group
    keyed = df[~no_group]
    n_missing = (pd.Series(incomplete[~no_group], index=keyed.index)
                 .groupby([keyed[c] for c in by], sort=True, observed=True).sum().astype(int))
    usable = df[~no_group & ~incomplete]
    analysed = usable.groupby(by, sort=True, observed=True).size().index
    empty = n_missing[~n_missing.index.isin(analysed)]
    notes = []
    if no_group.any():
        notes.append(f"{int(no_group.sum())} of {len(df)} row(s) have no {' or '.join(map(repr, by))} value")
    if len(empty):
        notes.append(f"{int(empty.sum())} row(s) are in group(s) where no row has {' and '.join(map(repr, cols))} "
                     f"(e.g. {list(empty.index[:3])})")
    return usable, n_missing[n_missing.index.isin(analysed)], notes


def _warn_left_out(func: str, arg: str, notes: list[str]) -> None:
    if notes:
        warnings.warn(f"{func}: in {arg}, {'; '.join(notes)}. They are left out of the table; fill or drop "
                      "them to silence this warning.", UserWarning, stacklevel=3)


def _respondent_level(df: pd.DataFrame, by: list[str], cols: list[str], *, where: str) -> pd.DataFrame:
    # One value per respondent and group: rows of one respondent are not independent, so
    # several dimensions rated by the same person are averaged before testing. A row without a
    # response_id cannot be matched to others: it counts as a respondent of its own (grouping
    # the missing ids together would make one giant "respondent").
    rid = df["response_id"]
    missing = rid.isna().to_numpy()
    if missing.any():
        warnings.warn(f"{where}: {int(missing.sum()):,} row(s) have no response_id; each is counted as a "
                      "respondent of its own. Fill response_id to average one respondent's rows.",
                      UserWarning, stacklevel=3)
        fill = pd.Series([f"\x00row{i}" for i in range(len(df))], index=df.index)
        df = df.assign(response_id=rid.astype(object).where(~missing, fill))
    return (
        df.groupby([*by, "response_id"], sort=True, observed=True)[cols]
        .mean()
        .reset_index()
    )


def _per_group(counts: pd.Series, out: pd.DataFrame, by: list[str]) -> np.ndarray:
    """``counts`` (indexed by group) in the row order of ``out``; 0 for groups it lacks."""
    keys = pd.MultiIndex.from_frame(out[by]) if len(by) > 1 else pd.Index(out[by[0]])
    return counts.reindex(keys, fill_value=0).to_numpy(dtype=int)


def _paired_summary(resp: pd.DataFrame, by: list[str], confidence: float) -> pd.DataFrame:
    """Per-group paired t interval and test plus Wilcoxon signed-rank test, vectorised.

    Computed with group-wise aggregates because a report (or a null simulation) tests many
    groups; the formulas are the textbook ones (see :func:`cxlab.gaps._stats.paired_tests`,
    which this matches).
    """
    g = resp.groupby(by, sort=True, observed=True)
    agg = g.agg(n=("diff", "count"), expectation=("expectation", "mean"), perception=("perception", "mean"),
                gap=("diff", "mean"), sd=("diff", "std"))
    agg["share_below"] = resp["diff"].lt(0).groupby([resp[c] for c in by], sort=True, observed=True).mean()
    n = agg["n"].to_numpy(float)
    sd = agg["sd"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(n)
        half = stats.t.ppf(0.5 + confidence / 2, n - 1) * se
        t = agg["gap"].to_numpy(float) / se
        p_t = 2 * stats.t.sf(np.abs(t), n - 1)
    zero_sd = (sd == 0) & (n >= 2)  # no spread: all-equal differences
    p_t = np.where(zero_sd, np.where(agg["gap"].to_numpy() == 0, 1.0, 0.0), p_t)
    p_t = np.where(n < 2, np.nan, p_t)
    agg["ci_low"] = agg["gap"] - half
    agg["ci_high"] = agg["gap"] + half
    agg["p_value"] = p_t
    agg["p_wilcoxon"] = _signed_rank_by_group(resp, by).reindex(agg.index)
    agg = agg.reset_index()
    return agg[[*by, "n", "expectation", "perception", "gap", "ci_low", "ci_high", "share_below", "p_value",
                "p_wilcoxon"]].astype({"n": int})


def _signed_rank_by_group(resp: pd.DataFrame, by: list[str]) -> pd.Series:
    """Wilcoxon signed-rank p-value per group (zeros dropped; normal approximation with tie
    correction, or scipy's exact test for small groups without ties)."""
    nz = resp.loc[resp["diff"] != 0, [*by, "diff"]].dropna()
    nz = nz.assign(absd=nz["diff"].abs())
    keys = [nz[c] for c in by]
    nz["rank"] = nz.groupby(keys, sort=True, observed=True)["absd"].rank(method="average")
    grp = nz.groupby(keys, sort=True, observed=True)
    m = grp["diff"].count().astype(float)
    r_plus = nz["rank"].where(nz["diff"] > 0, 0.0).groupby(keys, sort=True, observed=True).sum()
    ties = nz.groupby([*keys, nz["absd"]], sort=True, observed=True).size()
    tie_term = (ties**3 - ties).groupby(level=list(range(len(by))), sort=True).sum().reindex(m.index, fill_value=0)
    has_ties = (ties > 1).groupby(level=list(range(len(by))), sort=True).any().reindex(m.index, fill_value=False)
    var = m * (m + 1) * (2 * m + 1) / 24.0 - tie_term / 48.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (r_plus - m * (m + 1) / 4.0) / np.sqrt(var)
    p = pd.Series(2 * stats.norm.sf(np.abs(z.to_numpy(float))), index=m.index)
    p[(m < 6) | (var <= 0)] = np.nan
    small = m.index[(m >= 6) & (m <= 50) & ~has_ties]
    for key in small:  # exact distribution, as scipy uses for small untied samples
        sel = nz.set_index(by).loc[key, "diff"] if len(by) > 1 else nz.loc[nz[by[0]] == key, "diff"]
        p[key] = float(stats.wilcoxon(np.asarray(sel, dtype=float)).pvalue)
    if len(by) > 1:
        p.index = pd.MultiIndex.from_tuples(p.index, names=by) if not isinstance(p.index, pd.MultiIndex) else p.index
    return p


def expectation_gaps(
    survey: pd.DataFrame,
    *,
    by=("touchpoint",),
    confidence: float = 0.95,
    alpha: float = 0.05,
    correction: str = "holm",
) -> pd.DataFrame:
    """Gap = perception - expectation per group, with paired tests and intervals.

    A negative gap is a shortfall (the experience is below what customers expected). Rows of
    the same respondent within a group are first averaged, then each group is tested with the
    paired t test (interval and primary p-value) and the Wilcoxon signed-rank test (a check that
    does not assume normal differences). P-values are adjusted across all groups with
    ``correction`` so that testing many touchpoints does not inflate false alarms.

    Parameters
    ----------
    survey : DataFrame
        The ``touchpoint_survey`` table (``response_id``, ``touchpoint``, ``expectation``,
        ``perception``; ``dimension`` when ``by`` names it).
    by : str or sequence of str, default ("touchpoint",)
        Grouping columns, e.g. ``("touchpoint", "dimension")`` or ``"journey_stage"``.
    confidence : float, default 0.95
        Level of the interval of the mean gap.
    alpha : float, default 0.05
        Level at which ``significant`` is set, on the adjusted p-value.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
        Multiple-testing correction across groups.

    Returns
    -------
    DataFrame
        One row per group, sorted from the largest shortfall: the ``by`` columns, ``n``
        (respondents), ``n_missing`` (rows of the group left out because ``expectation`` or
        ``perception`` is missing: blank, NaN or ``"N/A"``-like), mean ``expectation`` and
        ``perception``, ``gap``, ``ci_low``, ``ci_high``,
        ``share_below`` (respondents whose perception is below their expectation),
        ``p_value`` (paired t), ``p_wilcoxon``, ``p_adjusted``, ``significant`` and
        ``direction`` ("below expectation", "above expectation" or "no clear gap").

        Rows that no group can show (no ``by`` value, or a group without a single complete row)
        are left out with a ``UserWarning`` giving their count.

    Raises
    ------
    SchemaError
        When ``expectation`` or ``perception`` holds text that is not a number (``"6 - high"``,
        ``"Don't know"``); the message names the column and shows examples.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": list("abcdef"), "touchpoint": ["returns"] * 6,
    ...                   "expectation": [6] * 6, "perception": [3, 4, 3, 4, 3, 4]})
    >>> expectation_gaps(s)[["touchpoint", "gap", "direction"]]
      touchpoint  gap          direction
    0    returns -2.5  below expectation
    """
    by = _as_list(by)
    check_columns(survey, ["response_id", *by, "expectation", "perception"], arg="survey")
    confidence = check_unit_interval(confidence, name="confidence")
    alpha = check_unit_interval(alpha, name="alpha")
    df = survey[["response_id", *by]].assign(
        expectation=read_numbers(survey["expectation"], name="survey column 'expectation'"),
        perception=read_numbers(survey["perception"], name="survey column 'perception'"),
    )
    df, n_missing, notes = _usable_rows(df, by, ["expectation", "perception"])
    _warn_left_out("expectation_gaps", "survey", notes)
    if df.empty:
        return pd.DataFrame(columns=[*by, *_GAP_COLUMNS])
    resp = _respondent_level(df, by, ["expectation", "perception"], where="expectation_gaps: survey")
    resp["diff"] = resp["perception"] - resp["expectation"]
    out = _paired_summary(resp, by, confidence)
    out.insert(len(by) + 1, "n_missing", _per_group(n_missing, out, by))
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), method=correction)
    out["significant"] = (out["p_adjusted"] < alpha).astype(bool)
    out["direction"] = np.select(
        [out["significant"] & (out["gap"] < 0), out["significant"] & (out["gap"] > 0)],
        ["below expectation", "above expectation"],
        "no clear gap",
    )
    return out.sort_values(["gap", *by], kind="stable").reset_index(drop=True)


def internal_vs_customer(
    employee: pd.DataFrame,
    survey: pd.DataFrame,
    *,
    by=("touchpoint",),
    value: str = "perception",
    confidence: float = 0.95,
    alpha: float = 0.05,
    correction: str = "holm",
) -> pd.DataFrame:
    """Staff's view vs customers' view of the same touchpoints (two independent samples).

    ``difference = staff - customers`` on the ``value`` column (both on the 1-7 scale); a positive
    difference means staff think the experience is better than customers say (a blind spot).
    Each group is compared with Welch's t test (interval and primary p-value) and the
    Mann-Whitney U test, on one averaged value per respondent; p-values are adjusted across groups.

    Parameters
    ----------
    employee : DataFrame
        The ``employee_survey`` table.
    survey : DataFrame
        The customers' ``touchpoint_survey`` table.
    by : str or sequence of str, default ("touchpoint",)
        Grouping columns present in both tables; only groups present in both are compared.
    value : str, default "perception"
        Column compared.
    confidence, alpha, correction
        As in :func:`expectation_gaps`.

    Returns
    -------
    DataFrame
        One row per group sorted by the largest blind spot: ``by`` columns, ``n_staff``,
        ``n_customers`` (respondents), ``n_staff_missing``, ``n_customers_missing`` (rows left out
        because ``value`` is missing), ``staff``, ``customers``, ``difference``, ``ci_low``,
        ``ci_high``, ``p_value`` (Welch), ``p_mann_whitney``, ``p_adjusted``, ``significant``,
        ``direction``. Rows no output row can show (no ``by`` value, or a group only one side
        rated) are left out with a ``UserWarning`` giving their count; text in ``value`` that is
        not a number raises :class:`SchemaError`.

    Examples
    --------
    >>> import pandas as pd
    >>> emp = pd.DataFrame({"response_id": list("abcde"), "touchpoint": ["customer_service"] * 5,
    ...                     "perception": [6, 6, 7, 6, 6]})
    >>> cus = pd.DataFrame({"response_id": list("vwxyz"), "touchpoint": ["customer_service"] * 5,
    ...                     "perception": [3, 4, 3, 4, 3]})
    >>> internal_vs_customer(emp, cus)[["touchpoint", "difference"]]
             touchpoint  difference
    0  customer_service         2.8
    """
    by = _as_list(by)
    check_columns(employee, ["response_id", *by, value], arg="employee")
    check_columns(survey, ["response_id", *by, value], arg="survey")
    confidence = check_unit_interval(confidence, name="confidence")
    alpha = check_unit_interval(alpha, name="alpha")
    cols = [
        "n_staff", "n_customers", "n_staff_missing", "n_customers_missing", "staff", "customers", "difference",
        "ci_low", "ci_high", "p_value", "p_mann_whitney", "p_adjusted", "significant", "direction",
    ]

    def prep(df, arg):
        d = df[["response_id", *by]].assign(**{value: read_numbers(df[value], name=f"{arg} column {value!r}")})
        usable, n_missing, notes = _usable_rows(d, by, [value])
        return _respondent_level(usable, by, [value], where=f"internal_vs_customer: {arg}"), n_missing, notes

    staff, staff_missing, staff_notes = prep(employee, "employee")
    cust, cust_missing, cust_notes = prep(survey, "survey")
    cust_groups = {
        (k if isinstance(k, tuple) else (k,)): g[value].to_numpy(float)
        for k, g in cust.groupby(by, sort=True, observed=True)
    }
    rows, unmatched = [], {}
    for key, g in staff.groupby(by, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        if key not in cust_groups:
            unmatched[key] = len(g)
            continue
        a, b = g[value].to_numpy(float), cust_groups.pop(key)
        diff, low, high, p, p_u = welch_interval(a, b, confidence=confidence)
        rows.append((*key, a.size, b.size, a.mean(), b.mean(), diff, low, high, p, p_u))

    def shown(keys):
        return [k[0] if len(by) == 1 else k for k in list(keys)[:3]]

    # only groups both sides rated can be compared; the others are named, not dropped quietly
    if unmatched:
        staff_notes.append(f"{sum(unmatched.values())} respondent(s) are in group(s) customers did not rate "
                           f"(e.g. {shown(unmatched)})")
    if cust_groups:
        cust_notes.append(f"{sum(map(len, cust_groups.values()))} respondent(s) are in group(s) staff did not "
                          f"rate (e.g. {shown(cust_groups)})")
    _warn_left_out("internal_vs_customer", "employee", staff_notes)
    _warn_left_out("internal_vs_customer", "survey", cust_notes)
    out = pd.DataFrame(rows, columns=[*by, "n_staff", "n_customers", *cols[4:-3]])
    if out.empty:
        return pd.DataFrame(columns=[*by, *cols])
    out.insert(len(by) + 2, "n_staff_missing", _per_group(staff_missing, out, by))
    out.insert(len(by) + 3, "n_customers_missing", _per_group(cust_missing, out, by))
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), method=correction)
    out["significant"] = (out["p_adjusted"] < alpha).astype(bool)
    out["direction"] = np.select(
        [out["significant"] & (out["difference"] > 0), out["significant"] & (out["difference"] < 0)],
        ["staff rate higher", "staff rate lower"],
        "no clear difference",
    )
    return out.sort_values(["difference", *by], ascending=[False, *[True] * len(by)], kind="stable").reset_index(drop=True)
