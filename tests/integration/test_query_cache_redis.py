"""The dashboard's query cache against a real Redis server (the `redis_url` fixture, tests/conftest.py).

Each test writes under a key prefix of its own and deletes its keys afterwards. Database round trips are
counted on the dashboard's own engine, so "served from Redis" means no statement reached PostgreSQL.
"""

import time
import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
import redis
import sqlalchemy as sa

from dashboard.data import loaders, queries
from dashboard.data.cache import REDIS_TIMEOUT_S, RedisFrameCache, frame_to_parquet
from dashboard.data.cache import redis_client as dashboard_redis_client

TTL_S = 120


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.ping()
    yield client
    client.close()


@pytest.fixture
def cache(redis_client: redis.Redis) -> Iterator[RedisFrameCache]:
    cache = RedisFrameCache(redis_client, ttl_s=TTL_S, prefix=f"co2calc:test:{uuid.uuid4().hex}")
    yield cache
    for key in redis_client.scan_iter(match=f"{cache.prefix}:*"):
        redis_client.delete(key)


@pytest.fixture(scope="module")
def warehouse(warehouse_url: str) -> loaders.Warehouse:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        build_id = connection.execute(
            sa.text("select max(dbt_invocation_id) from reporting.rpt_build__latest")
        ).scalar_one()
    engine.dispose()
    return loaders.Warehouse(database_url=warehouse_url, build_id=build_id)


@pytest.fixture
def statements(warehouse: loaders.Warehouse) -> Iterator[list[str]]:
    """The statements the dashboard's engine sends to PostgreSQL during the test."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        sent.append(statement)

    engine = loaders._engine(warehouse.database_url)
    sa.event.listen(engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture(scope="module")
def root_scope(warehouse: loaders.Warehouse) -> tuple[str, ...]:
    return tuple(loaders.read_frame(warehouse, queries.ROOT_UNIT_IDS, (), {}, cache=None)["unit_id"])


def our_keys(cache: RedisFrameCache) -> list[str]:
    return sorted(key.decode() for key in cache.client.scan_iter(match=f"{cache.prefix}:*"))


def read_units(warehouse: loaders.Warehouse, scope: tuple[str, ...], cache: RedisFrameCache) -> pd.DataFrame:
    return loaders.read_frame(warehouse, queries.UNITS_IN_SCOPE, scope, {}, cache)


def test_a_second_read_is_served_from_redis_without_touching_the_database(
    warehouse, root_scope, cache, statements
):
    first = read_units(warehouse, root_scope, cache)
    sent_by_first = len(statements)
    second = read_units(warehouse, root_scope, cache)

    assert sent_by_first == 3, "the role and backend pid, the signed scope, then the query"
    assert len(statements) == sent_by_first, statements[sent_by_first:]
    assert not first.empty
    pd.testing.assert_frame_equal(second, first)
    [key] = our_keys(cache)
    assert key.startswith(f"{cache.prefix}:{warehouse.build_id}:units_in_scope:")


def test_a_new_build_id_misses_and_gets_a_key_of_its_own(warehouse, root_scope, cache, statements):
    read_units(warehouse, root_scope, cache)
    rebuilt = loaders.Warehouse(database_url=warehouse.database_url, build_id=f"rebuilt-{uuid.uuid4()}")

    sent_before = len(statements)
    read_units(rebuilt, root_scope, cache)

    assert len(statements) == sent_before + 3
    assert [key.split(":")[3] for key in our_keys(cache)] == sorted([warehouse.build_id, rebuilt.build_id])


def test_another_scope_misses_and_gets_only_its_own_units(warehouse, root_scope, cache, statements):
    everything = read_units(warehouse, root_scope, cache)
    lab_id = everything.loc[everything["unit_level"] == everything["unit_level"].max(), "unit_id"].iloc[0]

    sent_before = len(statements)
    one_lab = read_units(warehouse, (lab_id,), cache)

    assert len(statements) == sent_before + 3
    assert one_lab["unit_id"].tolist() == [lab_id]
    assert len(our_keys(cache)) == 2


def test_every_key_is_written_with_the_configured_ttl(warehouse, root_scope, cache):
    read_units(warehouse, root_scope, cache)

    [key] = our_keys(cache)
    assert 0 < cache.client.ttl(key) <= TTL_S


def test_an_expired_key_is_read_from_the_database_again(warehouse, root_scope, redis_client, statements):
    short_lived = RedisFrameCache(redis_client, ttl_s=1, prefix=f"co2calc:test:{uuid.uuid4().hex}")
    read_units(warehouse, root_scope, short_lived)
    [key] = our_keys(short_lived)

    time.sleep(1.2)
    sent_before = len(statements)
    read_units(warehouse, root_scope, short_lived)

    assert len(statements) == sent_before + 3
    assert 0 < redis_client.ttl(key) <= 1
    redis_client.delete(key)


def test_a_redis_that_does_not_answer_costs_a_database_read_not_the_page(warehouse, root_scope, statements):
    # Port 1 on the loopback: nothing listens, the connection is refused at once.
    unreachable = RedisFrameCache(redis.Redis(host="127.0.0.1", port=1, socket_timeout=1), ttl_s=TTL_S)

    units = read_units(warehouse, root_scope, unreachable)

    assert not units.empty
    assert len(statements) == 3


def test_after_a_failure_redis_is_left_alone_for_the_pause_then_used_again(redis_client):
    now = [0.0]
    cache = RedisFrameCache(
        redis.Redis(host="127.0.0.1", port=1),
        ttl_s=TTL_S,
        prefix=f"co2calc:test:{uuid.uuid4().hex}",
        pause_s=30,
        clock=lambda: now[0],
    )
    frame = pd.DataFrame({"unit_id": ["a", "b"]})
    assert cache.get(f"{cache.prefix}:k") is None
    assert cache.is_paused()
    # Redis answers again, holding the key; the cache does not ask it until the pause is over.
    cache.client = redis_client
    redis_client.set(f"{cache.prefix}:k", frame_to_parquet(frame), ex=TTL_S)
    now[0] = 29.9
    assert cache.get(f"{cache.prefix}:k") is None
    now[0] = 30.1
    pd.testing.assert_frame_equal(cache.get(f"{cache.prefix}:k"), frame)
    redis_client.delete(f"{cache.prefix}:k")


def test_the_dashboard_client_gives_up_within_its_timeout_and_does_not_retry():
    # A listening socket that never accepts nor replies: what a hung Redis looks like from the client.
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        client = dashboard_redis_client(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        with pytest.raises(redis.TimeoutError):
            client.get("any")
        elapsed = time.monotonic() - started
    # Connect succeeds (the kernel queues it), the reply never comes: one timeout, no retry.
    assert REDIS_TIMEOUT_S <= elapsed < 2 * REDIS_TIMEOUT_S + 0.2
