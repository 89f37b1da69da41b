"""Publishing a build: the dashboard reads `published`, a copy of `reporting` refreshed only by a build that passed.

dbt rewrites the reporting tables in place, one model and one transaction at a time (incremental models delete
and insert their rebuilt years), so during a build `reporting` mixes old and new numbers, and a build that fails
half-way leaves it so. The dashboard therefore never reads `reporting`: after `dbt build` has passed whole, the
dbt asset (pipelines/defs/dbt/assets.py) calls `publish_build`, which copies into `published`, in one transaction,
the rows of the years the build rebuilt (every row after a full build, and always the year-less tables), and
stamps the build's `ops.builds` row `published_at`. `published.rpt_build__latest`, which keys every cache, is
copied in that transaction too: a reader sees the previous build's id and numbers, or the new build's, never a mix
(ARCHITECTURE.md §10, "A build is published whole"). A running or failed build changes nothing in `published`.

Which years: a partition build rebuilds the years of the loads since the last *succeeded* build, so they include
any year a failed build in between left half-written in `reporting`. A `dbt build` run by hand rewrites
`reporting` and publishes nothing.

Row-level security: `published` gets the grants, functions and policies that dbt/macros/reporting_row_security.sql
gives `reporting` (the same rules, reading `published.rpt_units`), re-applied in the publishing transaction.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from pipelines.build import BuildPlan

PUBLISHED_SCHEMA = "published"
SOURCE_SCHEMA = "reporting"


@dataclass(frozen=True)
class Publication:
    dbt_invocation_id: str
    calc_profile: str
    tables_copied: int
    rows_copied: int


def _columns(connection: sa.Connection, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (row.column_name, row.data_type)
        for row in connection.execute(
            sa.text(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = :schema and table_name = :table order by ordinal_position"
            ),
            {"schema": schema, "table": table},
        )
    ]


def _tables(connection: sa.Connection, schema: str) -> list[str]:
    return list(
        connection.execute(
            sa.text(
                "select table_name from information_schema.tables "
                "where table_schema = :schema and table_type = 'BASE TABLE' order by table_name"
            ),
            {"schema": schema},
        ).scalars()
    )


def _copy_table(connection: sa.Connection, table: str, years: list[int] | None) -> int:
    """Bring published.<table> to reporting.<table>'s rows: those of `years`, or all (None). Rows copied."""
    source = f"{SOURCE_SCHEMA}.{table}"
    target = f"{PUBLISHED_SCHEMA}.{table}"
    columns = _columns(connection, SOURCE_SCHEMA, table)
    if _columns(connection, PUBLISHED_SCHEMA, table) != columns:
        # New table, or its columns changed (a full build after a model change): recreated, with its indexes.
        connection.exec_driver_sql(f"drop table if exists {target}")
        connection.exec_driver_sql(f"create table {target} (like {source} including all)")
        years = None
    if years is None or "reporting_year" not in {name for name, _type in columns}:
        connection.exec_driver_sql(f"delete from {target}")  # noqa: S608 the published and reporting schemas and their dbt tables; the role matched an identifier above
        copied = connection.exec_driver_sql(f"insert into {target} select * from {source}").rowcount  # noqa: S608 the published and reporting schemas and their dbt tables; the role matched an identifier above
    else:
        connection.execute(
            sa.text(f"delete from {target} where reporting_year = any(:years)"),  # noqa: S608 the published and reporting schemas and their dbt tables; the role matched an identifier above
            {"years": years},
        )
        copied = connection.execute(
            sa.text(f"insert into {target} select * from {source} where reporting_year = any(:years)"),  # noqa: S608 the published and reporting schemas and their dbt tables; the role matched an identifier above
            {"years": years},
        ).rowcount
    connection.exec_driver_sql(f"analyze {target}")
    return copied


def _row_security(connection: sa.Connection, dashboard_role: str, tables: list[str]) -> None:
    """The dashboard role's grants and policies on `published`, as reporting_row_security gives them to `reporting`."""
    if not re.fullmatch("[a-z_][a-z0-9_]*", dashboard_role):
        raise ValueError(
            f"CO2CALC_DASHBOARD_DB_ROLE must be a lower-case SQL identifier, got {dashboard_role!r}"
        )
    schema = PUBLISHED_SCHEMA
    connection.exec_driver_sql(f"""
        do $role$
        begin
            if not exists (select from pg_catalog.pg_roles where rolname = '{dashboard_role}') then
                create role {dashboard_role} nologin;
            end if;
        exception when duplicate_object then
            null;
        end
        $role$;
        grant usage on schema {schema} to {dashboard_role};
        create or replace function {schema}.allowed_unit_ids() returns text[]
        language sql stable
        set search_path = pg_catalog, pg_temp
        as $body$
            select coalesce(scope.verified_unit_ids(), '{{}}')
        $body$;
        create or replace function {schema}.scoped_unit_ids() returns setof text
        language plpgsql stable security definer
        set search_path = pg_catalog, pg_temp
        as $body$
        declare
            allowed text[] := {schema}.allowed_unit_ids();
        begin
            return query
                select units.unit_id
                from {schema}.rpt_units as units
                where units.ancestor_unit_ids && allowed;
        end
        $body$;
        create or replace function {schema}.listed_unit_ids() returns setof text
        language plpgsql stable security definer
        set search_path = pg_catalog, pg_temp
        as $body$
        declare
            allowed text[] := {schema}.allowed_unit_ids();
        begin
            return query
                select units.unit_id
                from {schema}.rpt_units as units
                where units.ancestor_unit_ids && allowed
                union
                select unnest(units.ancestor_unit_ids)
                from {schema}.rpt_units as units
                where units.unit_id = any(allowed);
        end
        $body$;
        create or replace function {schema}.root_unit_ids() returns setof text
        language plpgsql stable security definer
        set search_path = pg_catalog, pg_temp
        as $body$
        begin
            return query
                select units.unit_id
                from {schema}.rpt_units as units
                where units.parent_unit_id is null;
        end
        $body$;
    """)  # noqa: S608 the published and reporting schemas and their dbt tables; the role matched an identifier above
    for table in tables:
        target = f"{schema}.{table}"
        connection.exec_driver_sql(f"grant select on {target} to {dashboard_role}")
        if "unit_id" in {name for name, _type in _columns(connection, schema, table)}:
            visible_units = "listed_unit_ids" if table == "rpt_units" else "scoped_unit_ids"
            connection.exec_driver_sql(f"""
                alter table {target} enable row level security;
                drop policy if exists dashboard_unit_scope on {target};
                create policy dashboard_unit_scope on {target}
                for select to {dashboard_role}
                using (unit_id in (select {schema}.{visible_units}()));
            """)


def publish_build(engine: sa.Engine, build_id: int, plan: BuildPlan, dashboard_role: str) -> Publication:
    """Copy the build's rows of `reporting` into `published` and stamp ops.builds, in one transaction."""
    years = None if plan.is_full else list(plan.reporting_years)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"create schema if not exists {PUBLISHED_SCHEMA}")
        tables = _tables(connection, SOURCE_SCHEMA)
        rows_copied = sum(_copy_table(connection, table, years) for table in tables)
        for gone in set(_tables(connection, PUBLISHED_SCHEMA)) - set(tables):
            connection.exec_driver_sql(f"drop table {PUBLISHED_SCHEMA}.{gone}")
        _row_security(connection, dashboard_role, tables)
        latest = connection.exec_driver_sql(
            f"select dbt_invocation_id, calc_profile from {PUBLISHED_SCHEMA}.rpt_build__latest"  # noqa: S608 the published and reporting schemas and their dbt tables; the role matched an identifier above
        ).one()
        connection.execute(
            sa.text(
                "update ops.builds set published_at = clock_timestamp(), dbt_invocation_id = :invocation_id, "
                "calc_profile = :calc_profile where build_id = :build_id"
            ),
            {
                "invocation_id": latest.dbt_invocation_id,
                "calc_profile": latest.calc_profile,
                "build_id": build_id,
            },
        )
    return Publication(latest.dbt_invocation_id, latest.calc_profile, len(tables), rows_copied)
