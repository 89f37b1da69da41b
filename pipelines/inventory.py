"""Published inventories (issue 10, item 4): `co2calc publish --year Y [--profile P] --note "..."`.

Not a published *build* (pipelines/publish.py, schema `published`, refreshed by every build that passed): an
inventory freezes one reporting year, on purpose and for good, into the append-only schema `inventory`
(ingest/sql/migrations/0004_published_inventories.sql), so that its report prints again byte for byte years later
and a later inventory of the year can be explained against it (`explain_change` below, and the dashboard's Inventories page).

What one publication copies, in one transaction:
- `inventory.inventories`: year, profile, source schema, the build (ops.builds id, dbt invocation id), the code
  version, the note, who and when;
- `inventory.units`: the unit tree of the source schema (`rpt_units`);
- `inventory.reporting_rows`: every row of the year of every other reporting table of the source schema, the
  year-less tables whole, and the previous year's subtree totals (`rpt_footprint__subtree_year`, which the report
  prints as "previous year"), each row as JSON;
- `inventory.emission_rows` and `inventory.unresolved_rows`: the year's legs of `fct_emissions` and rows of
  `fct_unresolved_rows` of the marts beside the source schema;
- `inventory.loads`: the ops.loads rows of every load those rows came from, and the active loads of the year-less
  sources (the unit tree, the room reference);
- `inventory.factor_sets`: the factor-set versions of the emission rows, with their row counts.

The headline inventory reads `published` and `marts`. They hold the same build only when the last build passed and
was published and no build is running (a build rewrites `marts` before it publishes): publishing holds the build
lock (ops.build_lock_key) and refuses otherwise. A what-if inventory reads `whatif_<profile>_reporting` and
`whatif_<profile>_marts` of a what-if that completed (its `whatif_build` record), holding that profile's what-if lock.

`explain_change` (`co2calc explain`) decomposes the change between two inventories of a year, or between one and
the live numbers, with the dashboard's query (dashboard/data/queries.py, INVENTORY_CHANGE): the live side is frozen
as a publication would freeze it, in a transaction that is rolled back, so the two sides are read the same way.
"""

import getpass
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from config.institution import get_institution_profile
from config.settings import get_settings
from dashboard.data.queries import INVENTORY_CHANGE
from pipelines.publish import PUBLISHED_SCHEMA
from pipelines.whatif import (
    HEADLINE_PROFILE,
    RECORD_TABLE,
    TRY_LOCK,
    UNLOCK,
    shipped_profiles,
    whatif_schema,
)

INVENTORY_SCHEMA = "inventory"
UNITS_TABLE = "rpt_units"
# Printed by the report as the previous year's total: archived for the year before too.
PREVIOUS_YEAR_TABLES = ("rpt_footprint__subtree_year",)
REPOSITORY = Path(__file__).resolve().parents[1]


class InventoryRefused(Exception):
    """The inventory cannot be published (no note, no such year, a build running...); the message says why."""


@dataclass(frozen=True)
class PublishedInventory:
    inventory_id: int
    reporting_year: int
    calc_profile: str
    published_at: datetime
    reporting_row_count: int
    emission_row_count: int
    unresolved_row_count: int
    load_count: int
    seconds: float


@dataclass(frozen=True)
class InventorySource:
    """Where a publication reads: a reporting schema, the marts beside it, and the build that wrote them."""

    calc_profile: str
    is_whatif: bool
    reporting_schema: str
    marts_schema: str


def code_version() -> str:
    """`git describe --always --dirty` of this checkout, else the installed package's version (a deployed image)."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607 git from PATH, as a user runs it
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"git {described}" if described else f"co2calc {version('co2calc')}"


def inventory_source(profile_code: str | None) -> InventorySource:
    if profile_code is None or profile_code == HEADLINE_PROFILE:
        return InventorySource(HEADLINE_PROFILE, False, PUBLISHED_SCHEMA, "marts")
    profiles = shipped_profiles(get_settings().dbt_project_dir)
    if profile_code not in profiles:
        raise InventoryRefused(
            f"unknown profile {profile_code!r}: dbt/seeds/seed_factor_set_bindings.csv binds {', '.join(profiles)}"
        )
    return InventorySource(
        profile_code, True, whatif_schema(profile_code, "reporting"), whatif_schema(profile_code, "marts")
    )


def _build_of_source(connection: sa.Connection, source: InventorySource) -> tuple[int | None, str]:
    """The ops.builds id (None for a what-if) and dbt invocation id of what `source` holds, or a refusal."""
    if source.is_whatif:
        if connection.execute(
            sa.text("select to_regclass(:record) is null"),
            {"record": f"{source.reporting_schema}.{RECORD_TABLE}"},
        ).scalar_one():
            raise InventoryRefused(
                f"no what-if of {source.calc_profile} has completed: run `co2calc whatif {source.calc_profile}` "
                "first"
            )
        invocation = connection.exec_driver_sql(
            f"select dbt_invocation_id from {source.reporting_schema}.{RECORD_TABLE}"  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
        ).scalar_one()
        return None, invocation
    last = connection.exec_driver_sql(
        "select build_id, build_status, published_at, dbt_invocation_id from ops.builds "
        "order by build_id desc limit 1"
    ).first()
    if last is None or last.published_at is None or last.build_status != "succeeded":
        raise InventoryRefused(
            "the last build did not pass and publish, so the marts may not hold the published numbers: "
            "publish the inventory after a build that passes (co2calc build)"
        )
    return last.build_id, last.dbt_invocation_id


def _copy_rows(connection: sa.Connection, inventory_id: int, source: InventorySource, year: int) -> int:
    """The source schema's reporting rows of `year` (the year-less tables whole) as JSON, and its unit tree."""
    connection.execute(
        sa.text(
            f"insert into {INVENTORY_SCHEMA}.units select :inventory_id, unit_id, unit_code, unit_name, unit_level, "  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            f"parent_unit_id, ancestor_unit_ids, school_unit_id, school_name from {source.reporting_schema}.{UNITS_TABLE}"
        ),
        {"inventory_id": inventory_id},
    )
    tables = connection.execute(
        sa.text(
            "select tables.table_name, "
            "bool_or(columns.column_name = 'reporting_year') as has_year, "
            "bool_or(columns.column_name = 'unit_id') as has_unit "
            "from information_schema.tables as tables "
            "inner join information_schema.columns as columns "
            "on tables.table_schema = columns.table_schema and tables.table_name = columns.table_name "
            "where tables.table_schema = :schema and tables.table_type = 'BASE TABLE' "
            "and tables.table_name not in (:units, :record) "
            "group by tables.table_name order by tables.table_name"
        ),
        {"schema": source.reporting_schema, "units": UNITS_TABLE, "record": RECORD_TABLE},
    ).all()
    copied = 0
    for table in tables:
        years = [year, year - 1] if table.table_name in PREVIOUS_YEAR_TABLES else [year]
        copied += connection.execute(
            sa.text(
                f"insert into {INVENTORY_SCHEMA}.reporting_rows "  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
                f"select :inventory_id, :table_name, "
                f"{'source.unit_id' if table.has_unit else 'null'}, "
                f"{'source.reporting_year' if table.has_year else 'null'}, to_jsonb(source) "
                f"from {source.reporting_schema}.{table.table_name} as source "
                + ("where source.reporting_year = any(:years)" if table.has_year else "")
            ),
            {"inventory_id": inventory_id, "table_name": table.table_name, "years": years},
        ).rowcount
    return copied


def _copy_emissions(
    connection: sa.Connection, inventory_id: int, source: InventorySource, year: int
) -> tuple[int, int]:
    params = {"inventory_id": inventory_id, "year": year}
    emissions = connection.execute(
        sa.text(
            f"insert into {INVENTORY_SCHEMA}.emission_rows select :inventory_id, activity_row_id, leg_code, load_id, "  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            "unit_id, module_code, submodule_code, ghg_scope, is_additional_category, is_internal_reallocation, "
            "facility_unit_id, activity_quantity, activity_unit, factor_id, factor_set_id, factor_set_version, "
            f"factor_value, kg_co2e, is_override from {source.marts_schema}.fct_emissions "
            "where reporting_year = :year"
        ),
        params,
    ).rowcount
    unresolved = connection.execute(
        sa.text(
            f"insert into {INVENTORY_SCHEMA}.unresolved_rows select :inventory_id, activity_row_id, load_id, "  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            f"unit_id, module_code, status_code from {source.marts_schema}.fct_unresolved_rows "
            "where reporting_year = :year"
        ),
        params,
    ).rowcount
    connection.execute(
        sa.text(
            f"insert into {INVENTORY_SCHEMA}.factor_sets "  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            "select :inventory_id, factor_set_id, coalesce(factor_set_version, ''), count(*) "
            f"from {INVENTORY_SCHEMA}.emission_rows where inventory_id = :inventory_id group by 2, 3"
        ),
        {"inventory_id": inventory_id},
    )
    return emissions, unresolved


def _copy_loads(connection: sa.Connection, inventory_id: int) -> int:
    return connection.execute(
        sa.text(
            f"""
            insert into {INVENTORY_SCHEMA}.loads
            select :inventory_id, loads.load_id, loads.source_code, loads.reporting_year, loads.unit_scope,
                loads.file_name, loads.file_sha256, loads.load_status, loads.rows_accepted, loads.loaded_by,
                loads.finished_at
            from ops.loads as loads
            where loads.load_id in (
                select load_id from {INVENTORY_SCHEMA}.emission_rows where inventory_id = :inventory_id
                union
                select load_id from {INVENTORY_SCHEMA}.unresolved_rows where inventory_id = :inventory_id
            )
            or (loads.reporting_year is null and loads.load_status = 'active')
            """  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
        ),
        {"inventory_id": inventory_id},
    ).rowcount


@contextmanager
def source_lock(engine: sa.Engine, source: InventorySource, doing: str) -> Iterator[None]:
    """The build lock (the what-if's lock for a what-if) for the time of `doing`, or a refusal if it is taken."""
    lock_sql, unlock_sql, lock_params = (
        (TRY_LOCK, UNLOCK, {"profile": source.calc_profile})
        if source.is_whatif
        else (
            sa.text("select pg_try_advisory_lock(ops.build_lock_key())"),
            sa.text("select pg_advisory_unlock(ops.build_lock_key())"),
            {},
        )
    )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        if not lock.execute(lock_sql, lock_params).scalar_one():
            raise InventoryRefused(
                f"a {'what-if of ' + source.calc_profile if source.is_whatif else 'build'} is running: "
                f"{doing} when it ends"
            )
        try:
            yield
        finally:
            lock.execute(unlock_sql, lock_params)


def freeze(
    connection: sa.Connection, source: InventorySource, reporting_year: int, note: str, published_by: str
) -> PublishedInventory:
    """Copy `reporting_year` of `source` into `inventory`, in the caller's transaction (its time not counted)."""
    build_id, invocation_id = _build_of_source(connection, source)
    years = (
        connection.exec_driver_sql(
            f"select distinct reporting_year from {source.reporting_schema}.rpt_footprint__subtree_year order by 1"  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
        )
        .scalars()
        .all()
    )
    if reporting_year not in years:
        raise InventoryRefused(
            f"{source.reporting_schema} has no footprint for {reporting_year}; its years are "
            f"{', '.join(map(str, years)) or 'none'}"
        )
    inventory = connection.execute(
        sa.text(
            f"insert into {INVENTORY_SCHEMA}.inventories (reporting_year, calc_profile, is_whatif, "  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            "source_schema, build_id, dbt_invocation_id, code_version, note, published_by, "
            "published_at) values (:year, :profile, :is_whatif, :schema, :build_id, :invocation_id, "
            ":code_version, :note, :by, date_trunc('second', clock_timestamp())) "
            "returning inventory_id, published_at"
        ),
        {
            "year": reporting_year,
            "profile": source.calc_profile,
            "is_whatif": source.is_whatif,
            "schema": source.reporting_schema,
            "build_id": build_id,
            "invocation_id": invocation_id,
            "code_version": code_version(),
            "note": note,
            "by": published_by,
        },
    ).one()
    reporting_rows = _copy_rows(connection, inventory.inventory_id, source, reporting_year)
    emission_rows, unresolved_rows = _copy_emissions(
        connection, inventory.inventory_id, source, reporting_year
    )
    return PublishedInventory(
        inventory.inventory_id,
        reporting_year,
        source.calc_profile,
        inventory.published_at,
        reporting_rows,
        emission_rows,
        unresolved_rows,
        _copy_loads(connection, inventory.inventory_id),
        0.0,
    )


def _refuse_a_second_base_year(connection: sa.Connection, reporting_year: int) -> None:
    """The base year (config/institution.yaml) is published once; after that only a restatement replaces it, so
    that every change of the base year is logged (pipelines/restatement.py)."""
    if reporting_year != get_institution_profile().base_year.year:
        return
    published = connection.execute(
        sa.text(
            f"select max(inventory_id) from {INVENTORY_SCHEMA}.inventories "  # noqa: S608 INVENTORY_SCHEMA is the module constant
            "where reporting_year = :year and not is_whatif"
        ),
        {"year": reporting_year},
    ).scalar()
    if published is not None:
        raise InventoryRefused(
            f"{reporting_year} is the base year and inventory {published} publishes it: a new base year is "
            'published by a restatement, which is logged (co2calc restate-base-year --note "…")'
        )


def publish_inventory(
    engine: sa.Engine,
    reporting_year: int,
    note: str,
    *,
    profile_code: str | None = None,
    published_by: str | None = None,
) -> PublishedInventory:
    """Freeze `reporting_year` of the headline (or of a completed what-if of `profile_code`) into `inventory`."""
    if not note.strip():
        raise InventoryRefused('an inventory needs a note saying what it is (--note "...")')
    source = inventory_source(profile_code)
    clock = time.monotonic()
    with source_lock(engine, source, "publish the inventory"), engine.begin() as connection:
        if not source.is_whatif:
            _refuse_a_second_base_year(connection, reporting_year)
        frozen = freeze(connection, source, reporting_year, note.strip(), published_by or getpass.getuser())
        connection.execute(
            sa.text(f"select {INVENTORY_SCHEMA}.grant_dashboard_role(:role)"),
            {"role": get_settings().dashboard_db_role},
        )
    return replace(frozen, seconds=time.monotonic() - clock)


def explain_change(
    engine: sa.Engine, from_inventory_id: int, to_inventory_id: int | None = None, unit_id: str | None = None
) -> pd.DataFrame:
    """The change from one published inventory to another of its year, or to the live numbers (None): per module and
    `all`, both totals, their difference and its activity, factor and coverage effects in exact t CO2e, for the
    subtree of `unit_id` (default: the institution). The live side is what a publication would freeze now, frozen
    in a transaction that is rolled back: nothing is published."""
    with engine.connect() as connection, connection.begin() as transaction:
        start = connection.execute(
            sa.text(
                f"select reporting_year from {INVENTORY_SCHEMA}.inventories where inventory_id = :inventory_id"  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            ),
            {"inventory_id": from_inventory_id},
        ).scalar()
        if start is None:
            raise InventoryRefused(f"no published inventory {from_inventory_id}")
        if to_inventory_id is None:
            source = inventory_source(None)
            with source_lock(engine, source, "explain a change against the live numbers"):
                to_inventory_id = freeze(
                    connection, source, start, "live numbers, not published", getpass.getuser()
                ).inventory_id
        end = connection.execute(
            sa.text(
                f"select reporting_year from {INVENTORY_SCHEMA}.inventories where inventory_id = :inventory_id"  # noqa: S608 INVENTORY_SCHEMA, or a what-if schema of a profile checked against the shipped ones
            ),
            {"inventory_id": to_inventory_id},
        ).scalar()
        if end != start:
            raise InventoryRefused(
                f"inventory {from_inventory_id} is of {start} and inventory {to_inventory_id} "
                f"{'of ' + str(end) if end is not None else 'does not exist'}: a change is explained within a year"
            )
        change = change_between(connection, from_inventory_id, to_inventory_id, unit_id)
        transaction.rollback()
    return change


def change_between(
    connection: sa.Connection, from_inventory_id: int, to_inventory_id: int, unit_id: str | None = None
) -> pd.DataFrame:
    """INVENTORY_CHANGE between two inventories for the subtree of `unit_id` (default: the institution, the root of
    the first inventory's tree), in the caller's transaction."""
    unit_id = (
        unit_id
        or connection.execute(
            sa.text(
                f"select unit_id from {INVENTORY_SCHEMA}.units where inventory_id = :inventory_id "  # noqa: S608 INVENTORY_SCHEMA is the module constant
                "and parent_unit_id is null order by unit_id limit 1"
            ),
            {"inventory_id": from_inventory_id},
        ).scalar_one()
    )
    result = connection.execute(
        INVENTORY_CHANGE.statement,
        {
            "from_inventory_id": from_inventory_id,
            "to_inventory_id": to_inventory_id,
            "unit_id": unit_id,
            "allowed_unit_ids": [unit_id],
        },
    )
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
