"""PostgreSQL itself keeps the dashboard's role to its viewer's units (dbt/macros/reporting_row_security.sql on
`reporting`, pipelines/publish.py on `published`, the copy the dashboard reads; every test runs on both).

Each test logs in as a throwaway role with no rights of its own (not a superuser, whom row-level
security would not stop), switches to the dashboard's role and sets a scope the way the dashboard does,
then runs hand-written SQL. The expectations come from the same tables read as the database owner.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config.settings import get_settings

DASHBOARD_ROLE = get_settings().dashboard_db_role
# Tables whose rows belong to a lab in the generated warehouse (its unmatched-rows table is empty).
LAB_TABLES = [
    "rpt_footprint__unit_year",
    "rpt_headcount__unit_year",
    "rpt_travel__unit_year",
    "rpt_travel__routes",
]
UNIT_TABLES = [*LAB_TABLES, "rpt_quality__unmatched_rows"]
# rpt_benchmarks__school_year is an aggregate over labs on purpose (school medians, dashboard/README.md "Roles").
TABLES_WITHOUT_UNITS = [
    "rpt_factor_sets__in_use",
    "rpt_build__latest",
    "rpt_emission_categories",
    "rpt_benchmarks__school_year",
]
CLOSED_SCHEMAS = ["raw", "ops", "marts", "staging", "intermediate", "reference"]


@pytest.fixture(params=["reporting", "published"])
def rls_schema(request) -> str:
    return request.param


@dataclass(frozen=True)
class Warehouse:
    owner: sa.Engine
    viewer: sa.Engine


@dataclass(frozen=True)
class TwoLabs:
    """Two labs with a footprint, neither inside the other's subtree: A is seen, B must not be."""

    lab_a: str
    lab_a_ancestors: list[str]
    lab_b: str


@pytest.fixture(scope="module")
def warehouse(warehouse_url: str) -> Iterator[Warehouse]:
    owner = sa.create_engine(warehouse_url)
    login = f"co2calc_rls_test_{uuid.uuid4().hex[:8]}"
    with owner.begin() as connection:
        # NOINHERIT: the login holds nothing until it switches to the dashboard's role, as in production.
        connection.exec_driver_sql(f"create role {login} login noinherit in role {DASHBOARD_ROLE}")
        connection.exec_driver_sql(
            f'grant connect on database "{make_url(warehouse_url).database}" to {login}'
        )
    viewer = sa.create_engine(make_url(warehouse_url).set(username=login, password=None))
    try:
        yield Warehouse(owner=owner, viewer=viewer)
    finally:
        viewer.dispose()
        with owner.begin() as connection:
            connection.exec_driver_sql(f"drop owned by {login}")
            connection.exec_driver_sql(f"drop role {login}")
        owner.dispose()


@pytest.fixture(scope="module")
def two_labs(warehouse: Warehouse) -> TwoLabs:
    with warehouse.owner.connect() as connection:
        labs = connection.execute(
            sa.text("""
                select units.unit_id, units.ancestor_unit_ids, units.school_unit_id
                from reporting.rpt_units as units
                where units.unit_id in (select unit_id from reporting.rpt_footprint__unit_year)
                order by units.unit_id
            """)
        ).all()
    lab_a = labs[0]
    # Preferably from another school, so that not even A's school's rows may leak.
    lab_b = next((lab for lab in labs if lab.school_unit_id != lab_a.school_unit_id), labs[-1])
    assert lab_b.unit_id not in lab_a.ancestor_unit_ids and lab_a.unit_id not in lab_b.ancestor_unit_ids
    return TwoLabs(lab_a=lab_a.unit_id, lab_a_ancestors=list(lab_a.ancestor_unit_ids), lab_b=lab_b.unit_id)


def as_dashboard(warehouse: Warehouse, sql: str, scope: list[str] | None) -> list[sa.Row]:
    """Run `sql` in one transaction as the dashboard's role, with `scope` as its allowed units (None: unset)."""
    with warehouse.viewer.connect() as connection:
        connection.exec_driver_sql(f"set local role {DASHBOARD_ROLE}")
        if scope is not None:
            connection.execute(
                sa.text("select set_config('co2calc.allowed_unit_ids', cast(:scope as text), true)"),
                {"scope": "{" + ",".join(scope) + "}"},
            )
        return connection.exec_driver_sql(sql).all()


def as_owner(warehouse: Warehouse, sql: str) -> list[sa.Row]:
    with warehouse.owner.connect() as connection:
        return connection.exec_driver_sql(sql).all()


@pytest.mark.parametrize("table", LAB_TABLES)
def test_with_lab_a_in_scope_hand_written_sql_reads_no_row_of_lab_b(warehouse, two_labs, table, rls_schema):
    rows_of_b = f"select * from {rls_schema}.{table} where unit_id = '{two_labs.lab_b}'"
    assert as_owner(warehouse, rows_of_b), f"lab B has no row in {table} to hide"

    seen_rows_of_b = as_dashboard(warehouse, rows_of_b, [two_labs.lab_a])
    units_seen = as_dashboard(
        warehouse, f"select distinct unit_id from {rls_schema}.{table}", [two_labs.lab_a]
    )

    assert seen_rows_of_b == []
    assert {row.unit_id for row in units_seen} == {two_labs.lab_a}


def test_every_reporting_table_with_unit_rows_carries_the_dashboard_policy(warehouse, rls_schema):
    tables = as_owner(
        warehouse,
        f"""
        select columns.table_name, tables.rowsecurity, policies.roles
        from information_schema.columns as columns
        inner join pg_tables as tables
            on tables.schemaname = columns.table_schema and tables.tablename = columns.table_name
        left join pg_policies as policies
            on policies.schemaname = columns.table_schema and policies.tablename = columns.table_name
        where columns.table_schema = '{rls_schema}' and columns.column_name = 'unit_id'
        order by columns.table_name
        """,
    )

    assert {table.table_name for table in tables} >= {*UNIT_TABLES, "rpt_units"}
    for table in tables:
        assert table.rowsecurity and table.roles == [DASHBOARD_ROLE], table.table_name


def test_with_lab_a_in_scope_the_unit_list_holds_lab_a_and_its_ancestors_only(
    warehouse, two_labs, rls_schema
):
    units = as_dashboard(warehouse, f"select unit_id from {rls_schema}.rpt_units", [two_labs.lab_a])

    assert sorted(row.unit_id for row in units) == sorted(two_labs.lab_a_ancestors)


def test_a_school_scope_sees_every_lab_of_its_subtree_and_nothing_else(warehouse, two_labs, rls_schema):
    school_id = two_labs.lab_a_ancestors[1]
    expected = as_owner(
        warehouse,
        f"select footprint.unit_id, sum(footprint.t_co2e) "
        f"from {rls_schema}.rpt_footprint__unit_year as footprint "
        f"inner join {rls_schema}.rpt_units as units on footprint.unit_id = units.unit_id "
        f"where '{school_id}' = any(units.ancestor_unit_ids) group by footprint.unit_id order by 1",
    )

    seen = as_dashboard(
        warehouse,
        f"select unit_id, sum(t_co2e) from {rls_schema}.rpt_footprint__unit_year group by unit_id order by 1",
        [school_id],
    )

    assert seen == expected
    assert two_labs.lab_a in {row.unit_id for row in seen}


@pytest.mark.parametrize("scope", [None, []], ids=["setting never set", "empty scope"])
def test_without_a_scope_no_unit_row_is_visible(warehouse, scope, rls_schema):
    for table in [*UNIT_TABLES, "rpt_units"]:
        assert as_dashboard(warehouse, f"select count(*) from {rls_schema}.{table}", scope)[0][0] == 0, table


def test_the_institution_scope_sees_every_row(warehouse, rls_schema):
    roots = [row[0] for row in as_dashboard(warehouse, f"select * from {rls_schema}.root_unit_ids()", None)]
    assert roots == [
        row[0]
        for row in as_owner(
            warehouse, f"select unit_id from {rls_schema}.rpt_units where parent_unit_id is null"
        )
    ]

    for table in [*UNIT_TABLES, "rpt_units"]:
        count = f"select count(*) from {rls_schema}.{table}"
        assert as_dashboard(warehouse, count, roots)[0][0] == as_owner(warehouse, count)[0][0], table


@pytest.mark.parametrize("table", TABLES_WITHOUT_UNITS)
def test_tables_without_unit_rows_are_readable_whole_without_a_scope(warehouse, table, rls_schema):
    count = f"select count(*) from {rls_schema}.{table}"

    assert as_dashboard(warehouse, count, None)[0][0] == as_owner(warehouse, count)[0][0] > 0


@pytest.mark.parametrize("schema", CLOSED_SCHEMAS)
def test_the_dashboard_role_cannot_read_outside_reporting(warehouse, two_labs, schema):
    tables = as_owner(
        warehouse,
        f"select table_name from information_schema.tables where table_schema = '{schema}' order by 1",
    )
    assert tables, f"the warehouse has no table in {schema}"

    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for schema"):
        as_dashboard(warehouse, f'select * from {schema}."{tables[0].table_name}" limit 1', [two_labs.lab_a])


def test_the_dashboard_role_cannot_change_reporting(warehouse, two_labs, rls_schema):
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for table"):
        as_dashboard(warehouse, f"delete from {rls_schema}.rpt_units returning unit_id", [two_labs.lab_a])
