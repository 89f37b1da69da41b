"""Stewards and admins read the load ledger as the steward role; nobody else gets it (dashboard/data/loaders.py)."""

import uuid

import pytest
import redis
import sqlalchemy as sa

from config.settings import get_settings
from dashboard.auth import load_role_config, viewer_from_claims
from dashboard.data import loaders
from dashboard.data.cache import RedisFrameCache
from dashboard.data.queries import Query

WHO = Query("who", "select current_user, pg_backend_pid() as backend_pid")


@pytest.fixture
def warehouse(ledger_warehouse_url) -> loaders.Warehouse:
    # The ledger does not depend on a build: a warehouse where ingest ran and dbt did not is enough.
    return loaders.Warehouse(database_url=ledger_warehouse_url, build_id="no build")


def viewer(role: str):
    """A user of `role` (config/roles.yaml); scoped roles claim a lab of tests/fixtures/units/small_institution.csv."""
    config = load_role_config(get_settings().roles_file)
    rule = next(rule for rule in config.roles if rule.role == role)
    claims = {
        "groups": [sorted(rule.groups)[0]],
        config.unit_claim: ["11110"],
        config.school_claim: ["11000"],
    }
    return viewer_from_claims(claims, config)


@pytest.mark.parametrize("role", ["steward", "admin"])
def test_stewards_and_admins_read_every_load_as_the_steward_role(warehouse, role):
    ledger = loaders.connect_load_ledger(warehouse, viewer(role))
    [who] = loaders.read_ledger_frame(ledger, WHO, {}, cache=None).itertuples()
    loads = loaders.source_loads(ledger)

    engine = sa.create_engine(warehouse.database_url)
    with engine.connect() as connection:
        expected_ids = (
            connection.execute(sa.text("select load_id from ops.loads order by load_id desc")).scalars().all()
        )
        latest_audit_id = connection.execute(sa.text("select max(audit_id) from ops.audit_log")).scalar_one()
    engine.dispose()
    assert who.current_user == get_settings().steward_db_role
    assert loads["load_id"].tolist() == expected_ids
    assert ledger.audit_id == latest_audit_id


@pytest.mark.parametrize("role", ["institution", "school", "unit_manager", "unit_member"])
def test_other_roles_are_refused_the_load_ledger(warehouse, role):
    with pytest.raises(loaders.OpsAccessRefused, match=role):
        loaders.connect_load_ledger(warehouse, viewer(role))


def test_only_stewards_and_admins_read_ops_in_the_role_mapping():
    config = load_role_config(get_settings().roles_file)

    assert {rule.role for rule in config.roles if rule.reads_ops} == {"steward", "admin"}


def test_the_steward_role_ends_with_the_querys_transaction(warehouse):
    ledger = loaders.connect_load_ledger(warehouse, viewer("steward"))
    engine = loaders._engine(warehouse.database_url)
    engine.dispose()
    [query_row] = loaders.read_ledger_frame(ledger, WHO, {}, cache=None).itertuples()

    with engine.connect() as connection:
        backend_pid, user = connection.execute(sa.text("select pg_backend_pid(), current_user")).one()

    assert backend_pid == query_row.backend_pid
    assert user != get_settings().steward_db_role


def test_the_ledger_cache_is_keyed_by_the_steward_role_and_the_latest_audit_row(redis_url, warehouse):
    ledger = loaders.connect_load_ledger(warehouse, viewer("steward"))
    later = loaders.LoadLedger(ledger.database_url, ledger.audit_id + 1)
    client = redis.Redis.from_url(redis_url)
    cache = RedisFrameCache(client, ttl_s=60, prefix=f"co2calc:test:{uuid.uuid4().hex}")
    try:
        loaders.read_ledger_frame(ledger, WHO, {}, cache)
        loaders.read_ledger_frame(ledger, WHO, {}, cache)
        loaders.read_ledger_frame(later, WHO, {}, cache)
        keys = sorted(key.decode() for key in client.scan_iter(f"{cache.prefix}:*"))
    finally:
        for key in client.scan_iter(f"{cache.prefix}:*"):
            client.delete(key)

    steward_role = get_settings().steward_db_role
    assert keys == sorted(
        cache.key(f"ops-{audit_id}", WHO, steward_role, (), {})
        for audit_id in (ledger.audit_id, later.audit_id)
    )
    assert cache.key(f"ops-{ledger.audit_id}", WHO, get_settings().dashboard_db_role, (), {}) not in keys
