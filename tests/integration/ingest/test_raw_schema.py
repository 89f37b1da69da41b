"""The raw tables ingest creates from the contracts are the tables dbt's sources read."""

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from ingest.contracts import SOURCES
from ingest.migrate import migrate

STAGING = Path(__file__).parents[3] / "dbt" / "models" / "staging"


def dbt_raw_sources() -> dict[str, list[str]]:
    """Each table of dbt's `raw` source (every staging YAML file that declares some) with its columns in order."""
    tables = {}
    for path in sorted(STAGING.glob("_*.yml")):
        for source in yaml.safe_load(path.read_text()).get("sources") or []:
            if source["name"] == "raw":
                for table in source["tables"]:
                    tables[table["name"]] = [column["name"] for column in table.get("columns", [])]
    return tables


@pytest.fixture
def raw_columns(fresh_database_url) -> list[sa.Row]:
    """Every column of schema `raw` after the warehouse was migrated twice (the fixture's, then this one)."""
    engine = sa.create_engine(fresh_database_url)
    migrate(engine, applied_by="test")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "select table_name, column_name, udt_name, is_nullable from information_schema.columns "
                "where table_schema = 'raw' order by table_name, ordinal_position"
            )
        ).all()
    engine.dispose()
    return rows


def test_every_raw_table_has_the_columns_dbt_sources_declare_in_their_order(raw_columns):
    created: dict[str, list[str]] = {}
    for row in raw_columns:
        created.setdefault(row.table_name, []).append(row.column_name)
    assert created == dbt_raw_sources()
    assert sorted(created) == sorted(c.raw_table.removeprefix("raw.") for c in SOURCES.values())


def test_raw_columns_are_typed_and_nullable_as_the_contract_says(raw_columns):
    columns = {(row.table_name, row.column_name): (row.udt_name, row.is_nullable) for row in raw_columns}
    # SIUS codes are checked as text against their list and stored as integers.
    assert columns["headcount", "sius_code"] == ("int4", "NO")
    assert columns["headcount", "fte"] == ("numeric", "NO")
    assert columns["headcount", "note"] == ("text", "YES")
    # The station id validation resolved for each station name; NULL on an override row whose station is unknown.
    assert columns["travel_trains", "origin_station_id"] == ("text", "YES")
    assert columns["travel_trains", "departure_date"] == ("date", "YES")
    assert columns["travel_trains", "_loaded_at"] == ("timestamptz", "NO")
    # A blank currency loads as its default, EUR: never NULL.
    assert columns["external_clouds", "currency"] == ("text", "NO")
    assert columns["external_clouds", "kg_co2eq"] == ("numeric", "YES")
