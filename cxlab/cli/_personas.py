"""``cxlab personas``: cluster customers into personas and write profiles, assignments, model."""
from __future__ import annotations

from cxlab.cli._args import seed_arg

NAME = "personas"
HELP = "Group customers into personas; write personas.csv, assignments.csv and the model."


def add_arguments(parser) -> None:
    parser.add_argument("customers", metavar="CUSTOMERS", help="customers table (CSV, Excel, Parquet, JSON lines)")
    parser.add_argument("--orders", metavar="FILE", help="orders table (behaviour: RFM, returns, mixes)")
    parser.add_argument("--feedback", metavar="FILE", help="feedback table (sentiment, NPS, CSAT)")
    parser.add_argument("--tickets", metavar="FILE", help="support tickets (contacts per customer)")
    parser.add_argument("--themes", metavar="FILE",
                        help="per-comment themes (feedback_id, theme), e.g. from `cxlab themes`")
    parser.add_argument("--id-col", required=True, metavar="COL",
                        help="customer id column in CUSTOMERS (and in the other tables)")
    parser.add_argument("--n-personas", default="auto", metavar="auto|K",
                        help="number of personas, or 'auto' to choose it from the data (default)")
    parser.add_argument("--algorithm", default="auto", choices=["auto", "kmeans", "gmm", "famd"],
                        help="clustering algorithm (default: auto)")
    parser.add_argument("--seed", type=seed_arg, default=None, help="random seed (default: cxlab's default, 0)")
    parser.add_argument("--no-sentiment", action="store_true", help="do not score comment sentiment")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")


def _load(path, table, id_col):
    from cxlab.io import load_table

    from cxlab.exceptions import SchemaError

    mapping = {id_col: "customer_id"} if id_col != "customer_id" else None
    try:
        df, report = load_table(path, table, column_map=mapping)
    except SchemaError as exc:
        raise SchemaError(f"{table} file {path}: {exc}") from None
    # what the load dropped or repaired (duplicate or id-less customers...), without its notes
    print("\n".join(line for line in report.summary().splitlines() if not line.startswith("Notes: ")))
    return df


def run(args) -> int:
    from pathlib import Path

    from cxlab.config import DEFAULT_RANDOM_STATE
    from cxlab.exceptions import ParameterError
    from cxlab.personas import (PersonaModel, build_customer_features, describe_stability, describe_unlinked,
                                profile_personas, save_persona_model)
    from cxlab.personas._export import write_csv

    n = args.n_personas
    if n != "auto":
        try:
            n = int(n)
        except ValueError:
            raise ParameterError(f"--n-personas must be 'auto' or a whole number; received {n!r}.") from None
    seed = DEFAULT_RANDOM_STATE if args.seed is None else args.seed
    customers = _load(args.customers, "customers", args.id_col)
    tables = {}
    for name in ("orders", "feedback", "tickets"):
        path = getattr(args, name)
        if path:
            tables[name] = _load(path, name, args.id_col)
    if args.themes:
        import pandas as pd

        tables["themes"] = pd.read_csv(args.themes, dtype=str)
    features = build_customer_features(customers, sentiment=not args.no_sentiment, **tables)
    model = PersonaModel(n, algorithm=args.algorithm, random_state=seed).fit(features)
    profile = profile_personas(model, features)
    assignments = model.assign(features).reset_index()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(profile, out / "personas.csv")
    write_csv(assignments, out / "assignments.csv")
    write_csv(model.k_scores_ if model.k_scores_ is not None else profile.iloc[:0], out / "k_selection.csv")
    save_persona_model(model, out / "persona_model.joblib")
    print(describe_stability(model))
    unlinked = describe_unlinked(features)
    if unlinked:
        print(unlinked)
    for row in profile.itertuples(index=False):
        print(f"  {row.persona}. {row.name} - {row.n_customers:,} customers ({row.share:.0%}): "
              f"{row.traits.split('; ')[0]}")
    print(f"wrote personas.csv, assignments.csv, k_selection.csv, persona_model.joblib to {out}")
    return 0
