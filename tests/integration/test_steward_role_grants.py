"""PostgreSQL keeps the stewards' role to the load ledger (ingest/sql/migrations/ `ops.grant_steward_role`).

`ledger_warehouse_url` (tests/integration/conftest.py) got the unit tree and a flights file with three refused
rows through ingest, which created the steward role and its grants. Each test logs in as a throwaway role
holding the steward and dashboard roles without inheriting them (a test's shortcut: in a deployment each role has
a login of its own, and the dashboard refuses a login holding both), switches to one of them in a transaction, as
the dashboard does, and runs hand-written SQL.
"""

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config.settings import get_settings

STEWARD_ROLE = get_settings().steward_db_role
DASHBOARD_ROLE = get_settings().dashboard_db_role
# ops.latest_successful_loads is a view over ops.loads: the freshness table of the data-quality page.
LEDGER_TABLES = ["loads", "rejects", "audit_log", "feed_cursors", "latest_successful_loads"]


@pytest.fixture(scope="module")
def login(ledger_warehouse_url: str) -> Iterator[sa.Engine]:
    owner = sa.create_engine(ledger_warehouse_url)
    name = f"co2calc_steward_test_{uuid.uuid4().hex[:8]}"
    with owner.begin() as connection:
        connection.exec_driver_sql(
            f"create role {name} login noinherit in role {STEWARD_ROLE}, {DASHBOARD_ROLE}"
        )
        connection.exec_driver_sql(
            f'grant connect on database "{make_url(ledger_warehouse_url).database}" to {name}'
        )
    engine = sa.create_engine(make_url(ledger_warehouse_url).set(username=name, password=None))
    try:
        yield engine
    finally:
        engine.dispose()
        with owner.begin() as connection:
            connection.exec_driver_sql(f"drop owned by {name}")
            connection.exec_driver_sql(f"drop role {name}")
        owner.dispose()


def as_role(login: sa.Engine, role: str, sql: str) -> list[sa.Row]:
    with login.connect() as connection:
        connection.exec_driver_sql(f"set local role {role}")
        return connection.exec_driver_sql(sql).all()


def as_owner(ledger_warehouse_url: str, sql: str) -> list[sa.Row]:
    engine = sa.create_engine(ledger_warehouse_url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql).all()
    finally:
        engine.dispose()


def test_the_steward_role_exists_without_login(ledger_warehouse_url):
    [role] = as_owner(
        ledger_warehouse_url, f"select rolcanlogin, rolsuper from pg_roles where rolname = '{STEWARD_ROLE}'"
    )

    assert role == (False, False)


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_the_steward_role_reads_every_row_of_the_load_ledger(login, ledger_warehouse_url, table):
    count = f"select count(*) from ops.{table}"

    assert as_role(login, STEWARD_ROLE, count) == as_owner(ledger_warehouse_url, count)


def test_the_steward_role_reads_the_refused_rows_with_their_original_lines(login):
    rejects = as_role(
        login,
        STEWARD_ROLE,
        "select row_number, reason_code, original_line from ops.rejects order by row_number",
    )

    assert [(row.row_number, row.reason_code) for row in rejects] == [
        (3, "TRAVEL_UNKNOWN_IATA"),
        (4, "ROW_TYPE"),
        (6, "ROW_ENUM"),
    ]
    assert rejects[0].original_line == "11110,GVA,XXX,150322,2025-03-11,1,economy,unknown airport"


def test_the_steward_role_cannot_read_the_person_key_secret(login):
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for table person_key_secrets"):
        as_role(login, STEWARD_ROLE, "select secret_key from ops.person_key_secrets")


@pytest.mark.parametrize("schema", ["raw", "reference"])
def test_the_steward_role_cannot_read_outside_the_ledger(login, ledger_warehouse_url, schema):
    [table] = as_owner(
        ledger_warehouse_url,
        f"select table_name from information_schema.tables where table_schema = '{schema}' order by 1 limit 1",
    )

    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for schema"):
        as_role(login, STEWARD_ROLE, f'select * from {schema}."{table.table_name}" limit 1')


def test_the_steward_role_cannot_change_the_ledger(login):
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for table rejects"):
        as_role(login, STEWARD_ROLE, "delete from ops.rejects returning load_id")


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_the_dashboard_role_still_cannot_read_the_ledger(login, table):
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for schema ops"):
        as_role(login, DASHBOARD_ROLE, f"select * from ops.{table} limit 1")
