"""The canonical table specs are consistent, and the pandera schemas built from them enforce them."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from cxlab.config import JOURNEY_STAGES
from cxlab.io import build_schema
from cxlab.io._coerce import canonical_dtype
from cxlab.schemas import TABLES, TableSpec, get_spec

TABLE_NAMES = sorted(TABLES)


def minimal_frame(spec: TableSpec, n: int = 3) -> pd.DataFrame:
    """A valid frame with every canonical column, built from the spec alone."""
    data = {}
    for col in spec.columns:
        if col.dtype == "str":
            values = [f"{col.name}-{i}" for i in range(n)]
        elif col.dtype == "datetime":
            values = pd.date_range("2025-01-01", periods=n, freq="D") + pd.Timedelta(hours=1)
            if spec.ordered and col.name in {later for _, later in spec.ordered}:
                values = values + pd.Timedelta(hours=2)
        elif col.dtype == "bool":
            values = [True, False, None][:n]
        else:
            low = col.min if col.min is not None else 0
            values = [low + i for i in range(n)]
        data[col.name] = pd.Series(values).astype(canonical_dtype(col))
    return pd.DataFrame(data)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_spec_is_consistent(name):
    spec = get_spec(name)
    assert spec.name == name
    assert len(set(spec.names)) == len(spec.names), "duplicate column names"
    # keys identify rows: the first part must be present and filled; later parts of a composite
    # key (a survey's dimension) may be absent, which pandas and pandera treat as one value
    assert spec.column(spec.key[0]).required and not spec.column(spec.key[0]).nullable
    assert all(k in spec.names for k in spec.key)
    for earlier, later in spec.ordered:
        assert spec.column(earlier).dtype == spec.column(later).dtype == "datetime"
    for col in spec.columns:
        assert col.dtype in {"str", "datetime", "float", "int", "bool"}
        assert col.name == col.name.lower().strip() and " " not in col.name
        if col.min is not None and col.max is not None:
            assert col.min < col.max


def test_get_spec_names_known_tables_on_error():
    with pytest.raises(KeyError, match="cxlab knows"):
        get_spec("no_such_table")
    assert get_spec(get_spec("feedback")) is get_spec("feedback")


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_built_schema_accepts_valid_frame(name):
    spec = get_spec(name)
    frame = minimal_frame(spec).assign(extra_column=1)  # extra columns are allowed
    validated = build_schema(name).validate(frame)
    assert list(validated.columns) == [*spec.names, "extra_column"]


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_built_schema_rejects_missing_key_and_out_of_range(name):
    spec = get_spec(name)
    frame = minimal_frame(spec)
    frame.loc[1, spec.key[0]] = None
    ranged = [c for c in spec.columns if c.max is not None]
    if ranged:
        col = ranged[0]
        frame[col.name] = frame[col.name].astype("float64").astype(canonical_dtype(col))
        frame.loc[0, col.name] = col.max + 1
    with pytest.raises(pa.errors.SchemaErrors) as info:
        build_schema(name).validate(frame, lazy=True)
    checks = set(info.value.failure_cases["check"].astype(str))
    assert "not_nullable" in checks
    if ranged:
        assert any(c.startswith("in_range") for c in checks)


def test_schema_rejects_duplicate_keys_and_time_order():
    spec = get_spec("tickets")
    frame = minimal_frame(spec)
    frame.loc[2, "ticket_id"] = frame.loc[0, "ticket_id"]
    frame.loc[1, "resolved_at"] = frame.loc[1, "opened_at"] - pd.Timedelta(days=1)
    with pytest.raises(pa.errors.SchemaErrors) as info:
        build_schema("tickets").validate(frame, lazy=True)
    checks = set(info.value.failure_cases["check"].astype(str))
    assert "order:opened_at<=resolved_at" in checks
    assert any("uniqueness" in c for c in checks)


def test_journey_stage_vocabulary_matches_config():
    # the journey_stage columns hold JOURNEY_STAGES values; the spec text must name them all
    description = get_spec("feedback").column("journey_stage").description
    assert all(stage in description for stage in JOURNEY_STAGES)
