"""The dashboard's queries run as its database role with the viewer's scope, so PostgreSQL filters them too."""

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config.settings import get_settings
from dashboard.data import loaders
from dashboard.data.queries import Query

WHO_AND_SCOPE = Query(
    "who_and_scope",
    "select pg_backend_pid() as backend_pid, current_user, current_setting('co2calc.allowed_unit_ids'), "
    "scope.verified_unit_ids() as verified_unit_ids",
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
    assert row.verified_unit_ids == ["10001", "0 2"]
    assert row.current_setting == '{"10001","0 2"}'


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


@pytest.fixture
def deployment(dashboard_database, monkeypatch) -> Iterator[str]:
    """Settings of a deployment (a real login provider), whose dashboard logins are checked."""
    monkeypatch.setenv(
        "CO2CALC_OIDC_METADATA_URL", "https://login.example.org/.well-known/openid-configuration"
    )
    monkeypatch.setenv("CO2CALC_OIDC_CLIENT_SECRET", "aT4mQ9vLz2XwP7rB1cN8kD5hJ3sF6gY0")
    monkeypatch.setenv("CO2CALC_OIDC_COOKIE_SECRET", "Wq8Zr3Lm5Tn1Vb7Xc2Kd9Hf4Js6Gp0Ya")
    monkeypatch.setenv("CO2CALC_SCOPE_SIGNING_SECRET", "Ne5Rt2Yu8Io4Pa1Sd7Fg3Hj9Kl6Zx0Cv")
    get_settings.cache_clear()
    yield dashboard_database
    get_settings.cache_clear()


@pytest.fixture
def make_login(warehouse_url) -> Iterator:
    """A login role holding the given roles (NOINHERIT, as a deployment's), dropped afterwards."""
    owner = sa.create_engine(warehouse_url)
    made: list[str] = []

    def login(*roles: str) -> str:
        name = f"co2calc_login_test_{uuid.uuid4().hex[:8]}"
        with owner.begin() as connection:
            connection.exec_driver_sql(f"create role {name} login noinherit in role {', '.join(roles)}")
            connection.exec_driver_sql(
                f'grant connect on database "{make_url(warehouse_url).database}" to {name}'
            )
        made.append(name)
        return make_url(warehouse_url).set(username=name, password=None).render_as_string(hide_password=False)

    yield login
    with owner.begin() as connection:
        for name in made:
            connection.exec_driver_sql(f"drop owned by {name}")
            connection.exec_driver_sql(f"drop role {name}")
    owner.dispose()


def test_a_deployment_refuses_a_dashboard_login_that_bypasses_row_level_security(deployment):
    with pytest.raises(loaders.WarehouseUnavailable, match="bypasses row-level security: connect as a login"):
        loaders._confined_login(deployment, get_settings().dashboard_db_role, "CO2CALC_DATABASE_URL")


def test_a_deployment_refuses_a_dashboard_login_that_may_switch_to_the_stewards_role(deployment, make_login):
    settings = get_settings()
    url = make_login(settings.dashboard_db_role, settings.steward_db_role)

    with pytest.raises(
        loaders.WarehouseUnavailable, match=f"may switch to \\['{settings.steward_db_role}'\\]"
    ):
        loaders._confined_login(url, settings.dashboard_db_role, "CO2CALC_DATABASE_URL")


def test_a_deployment_accepts_a_login_that_holds_the_dashboard_role_only(deployment, make_login):
    url = make_login(get_settings().dashboard_db_role)

    loaders._confined_login(url, get_settings().dashboard_db_role, "CO2CALC_DATABASE_URL")
