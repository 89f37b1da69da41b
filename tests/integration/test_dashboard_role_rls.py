"""PostgreSQL itself keeps the dashboard's role to its viewer's units (dbt/macros/reporting_row_security.sql on
`reporting`, pipelines/publish.py on `published`, the copy the dashboard reads; every test runs on both).

Each test logs in as a throwaway role with no rights of its own (not a superuser, whom row-level
security would not stop), switches to the dashboard's role and sets a scope the way the dashboard does (signed,
dashboard/data/scope.py), then runs hand-written SQL. The expectations come from the same tables read as the
database owner. The widening attempts at the end do what a person holding the role's password could: set the
scope without a signature, with another scope's, an expired one, one made for another connection or with another
key, switch to a wider role, read or replace the secret.
"""

import secrets
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config.settings import get_settings
from dashboard.data.scope import SCOPE_TTL_S, SET_SIGNED_SCOPE, signed_scope, stored_secret

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
    # The scope-signing key, as the dashboard holds it (read here as the owner).
    secret: bytes


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
    with owner.connect() as connection:
        secret = stored_secret(connection)
    try:
        yield Warehouse(owner=owner, viewer=viewer, secret=secret)
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


def as_dashboard_with(
    warehouse: Warehouse, sql: str, scope_settings: Callable[[int], Mapping[str, str]] | None
) -> list[sa.Row]:
    """Run `sql` in one transaction as the dashboard's role, after setting the scope's three settings to what
    `scope_settings` makes of this connection's backend pid (None: nothing set)."""
    with warehouse.viewer.connect() as connection:
        connection.exec_driver_sql(f"set local role {DASHBOARD_ROLE}")
        if scope_settings is not None:
            backend_pid = connection.execute(sa.text("select pg_backend_pid()")).scalar_one()
            connection.execute(SET_SIGNED_SCOPE, dict(scope_settings(backend_pid)))
        return connection.exec_driver_sql(sql).all()


def as_dashboard(warehouse: Warehouse, sql: str, scope: list[str] | None) -> list[sa.Row]:
    """Run `sql` in one transaction as the dashboard's role, with `scope` signed as the dashboard signs it."""
    if scope is None:
        return as_dashboard_with(warehouse, sql, None)
    return as_dashboard_with(warehouse, sql, lambda pid: signed_scope(warehouse.secret, pid, scope))


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


def unit_rows_seen(
    warehouse: Warehouse, schema: str, scope_settings: Callable[[int], Mapping[str, str]]
) -> int:
    counts = " + ".join(f"(select count(*) from {schema}.{table})" for table in [*UNIT_TABLES, "rpt_units"])
    return as_dashboard_with(warehouse, f"select {counts}", scope_settings)[0][0]


def institution_roots(warehouse: Warehouse, schema: str) -> list[str]:
    return [
        row[0]
        for row in as_owner(warehouse, f"select unit_id from {schema}.rpt_units where parent_unit_id is null")
    ]


def test_the_scope_set_without_a_signature_opens_no_row(warehouse, rls_schema):
    roots = institution_roots(warehouse, rls_schema)

    def unsigned(_pid: int) -> dict[str, str]:
        return {
            "allowed_unit_ids": "{" + ",".join(roots) + "}",
            "scope_expires_at": "",
            "scope_signature": "",
        }

    assert unit_rows_seen(warehouse, rls_schema, lambda pid: signed_scope(warehouse.secret, pid, roots)) > 0
    assert unit_rows_seen(warehouse, rls_schema, unsigned) == 0


def test_a_signature_made_for_other_units_opens_no_row(warehouse, two_labs, rls_schema):
    roots = institution_roots(warehouse, rls_schema)

    def widened(pid: int) -> dict[str, str]:
        # Lab A's genuine signature, with the institution's roots (or lab B) written in place of lab A.
        return {
            **signed_scope(warehouse.secret, pid, [two_labs.lab_a]),
            "allowed_unit_ids": "{" + ",".join(roots) + "}",
        }

    def moved(pid: int) -> dict[str, str]:
        return {
            **signed_scope(warehouse.secret, pid, [two_labs.lab_a]),
            "allowed_unit_ids": f'{{"{two_labs.lab_b}"}}',
        }

    assert unit_rows_seen(warehouse, rls_schema, widened) == 0
    assert unit_rows_seen(warehouse, rls_schema, moved) == 0


def test_an_expired_signature_opens_no_row(warehouse, rls_schema):
    roots = institution_roots(warehouse, rls_schema)
    signed_too_long_ago = time.time() - SCOPE_TTL_S - 5

    assert (
        unit_rows_seen(
            warehouse,
            rls_schema,
            lambda pid: signed_scope(warehouse.secret, pid, roots, now=signed_too_long_ago),
        )
        == 0
    )


def test_a_signature_made_for_another_connection_opens_no_row(warehouse, rls_schema):
    # What another session of the same login could copy from pg_stat_activity while the dashboard sets its scope.
    roots = institution_roots(warehouse, rls_schema)

    assert (
        unit_rows_seen(warehouse, rls_schema, lambda pid: signed_scope(warehouse.secret, pid + 1, roots)) == 0
    )


def test_a_signature_made_with_another_key_opens_no_row(warehouse, rls_schema):
    roots = institution_roots(warehouse, rls_schema)
    guessed_key = secrets.token_urlsafe(32).encode()

    assert unit_rows_seen(warehouse, rls_schema, lambda pid: signed_scope(guessed_key, pid, roots)) == 0


def test_a_valid_signature_opens_exactly_its_subtree(warehouse, two_labs, rls_schema):
    school_id = two_labs.lab_a_ancestors[1]
    expected = as_owner(
        warehouse,
        f"select units.unit_id from {rls_schema}.rpt_units as units "
        f"where '{school_id}' = any(units.ancestor_unit_ids) order by 1",
    )

    seen = as_dashboard(
        warehouse,
        f"select distinct footprint.unit_id from {rls_schema}.rpt_footprint__unit_year as footprint order by 1",
        [school_id],
    )

    assert {row.unit_id for row in seen} <= {row.unit_id for row in expected}
    assert two_labs.lab_a in {row.unit_id for row in seen} and two_labs.lab_b not in {
        row.unit_id for row in seen
    }


@pytest.mark.parametrize("wider", ["steward", "owner"])
def test_the_dashboard_login_cannot_switch_to_a_wider_role(warehouse, wider):
    role = (
        get_settings().steward_db_role
        if wider == "steward"
        else as_owner(warehouse, "select current_user")[0][0]
    )

    with pytest.raises(sa.exc.ProgrammingError, match="permission denied to set role"):
        as_dashboard(warehouse, f"set role {role}", None)
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied to set role"):
        as_dashboard(warehouse, f"select set_config('role', '{role}', true)", None)


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("select secret from scope.signing_secret", "permission denied for table signing_secret"),
        (
            "update scope.signing_secret set secret = secret returning 1",
            "permission denied for table signing_secret",
        ),
        (
            "create or replace function scope.verified_unit_ids() returns text[] language sql "
            "as $$ select array['x'] $$",
            "permission denied for schema scope",
        ),
        (
            "create function published.allowed_unit_ids(x int) returns text[] language sql as $$ select null::text[] $$",
            "permission denied for schema published",
        ),
    ],
    ids=["read the secret", "replace the secret", "replace the check", "shadow a policy function"],
)
def test_the_dashboard_role_can_neither_read_the_secret_nor_replace_the_check(warehouse, sql, refusal):
    with pytest.raises(sa.exc.ProgrammingError, match=refusal):
        as_dashboard(warehouse, sql, None)
