"""The dashboard's queries run as its database role with the viewer's scope, so PostgreSQL filters them too."""

import pytest
import sqlalchemy as sa

from config.settings import get_settings
from dashboard.data import loaders
from dashboard.data.queries import Query

WHO_AND_SCOPE = Query(
    "who_and_scope",
    "select pg_backend_pid() as backend_pid, current_user, current_setting('co2calc.allowed_unit_ids')",
)
# A query that forgets the `where` every dashboard query carries.
EVERY_LAB_WITH_A_FOOTPRINT = Query(
    "every_lab_with_a_footprint", "select distinct unit_id from reporting.rpt_footprint__unit_year order by 1"
)


@pytest.fixture
def warehouse(dashboard_database) -> loaders.Warehouse:
    return loaders.connect_warehouse()


def test_each_query_runs_as_the_dashboard_role_with_the_viewers_scope(warehouse):
    [row] = loaders.read_frame(warehouse, WHO_AND_SCOPE, ("10001", "0 2"), {}, cache=None).itertuples()

    assert row.current_user == get_settings().dashboard_db_role
    assert row.current_setting == '{10001,"0 2"}'


def test_the_role_and_scope_end_with_the_querys_transaction(warehouse):
    engine = loaders._engine(warehouse.database_url)
    # An empty pool, so the next checkout is the connection the query has just returned.
    engine.dispose()
    [query_row] = loaders.read_frame(warehouse, WHO_AND_SCOPE, ("10001",), {}, cache=None).itertuples()

    with engine.connect() as connection:
        backend_pid, user, scope = connection.execute(
            sa.text(
                "select pg_backend_pid(), current_user, current_setting('co2calc.allowed_unit_ids', true)"
            )
        ).one()

    assert backend_pid == query_row.backend_pid
    assert user != get_settings().dashboard_db_role
    assert not scope


def test_a_query_that_forgets_its_scope_still_reads_only_the_viewers_lab(warehouse, lab_pair):
    labs = loaders.read_frame(warehouse, EVERY_LAB_WITH_A_FOOTPRINT, (lab_pair.visible_unit_id,), {}, None)

    assert labs["unit_id"].tolist() == [lab_pair.visible_unit_id]


def test_a_missing_database_role_is_named_in_the_message(dashboard_database, monkeypatch):
    monkeypatch.setenv("CO2CALC_DASHBOARD_DB_ROLE", "co2calc_no_such_role")
    get_settings.cache_clear()

    with pytest.raises(loaders.WarehouseUnavailable, match="'co2calc_no_such_role' does not exist"):
        loaders.connect_warehouse()
