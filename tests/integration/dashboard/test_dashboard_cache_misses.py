"""Sessions that miss the Redis cache on the same key at once send one query, not one each
(dashboard/data/cache.py `get_or_read`), against a real Redis and the generated warehouse."""

import threading
import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
import redis
import sqlalchemy as sa

from dashboard.data import loaders, queries
from dashboard.data.cache import RedisFrameCache

SESSIONS = 8


@pytest.fixture
def cache(redis_url: str) -> Iterator[RedisFrameCache]:
    client = redis.Redis.from_url(redis_url)
    cache = RedisFrameCache(client, ttl_s=120, prefix=f"co2calc:test:{uuid.uuid4().hex}")
    yield cache
    for key in client.scan_iter(match=f"{cache.prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def warehouse(warehouse_url: str) -> loaders.Warehouse:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        build_id = connection.execute(
            sa.text("select max(dbt_invocation_id) from reporting.rpt_build__latest")
        ).scalar_one()
    engine.dispose()
    return loaders.Warehouse(database_url=warehouse_url, build_id=build_id)


def test_sessions_missing_the_same_key_at_once_send_the_query_once_and_get_the_same_rows(warehouse, cache):
    # Regression: with Redis, every session that missed ran the query itself, so 50 sessions on an empty cache
    # sent 50 copies of each of a page's queries at once.
    scope = tuple(loaders.read_frame(warehouse, queries.ROOT_UNIT_IDS, (), {}, cache=None)["unit_id"])
    sent: list[str] = []
    engine = loaders._engine(warehouse.database_url)

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        sent.append(statement)

    start = threading.Barrier(SESSIONS)
    frames: list[pd.DataFrame] = []

    def session() -> None:
        start.wait()
        frames.append(loaders.read_frame(warehouse, queries.UNITS_IN_SCOPE, scope, {}, cache))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        threads = [threading.Thread(target=session) for _ in range(SESSIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)

    assert len([statement for statement in sent if "rpt_units" in statement]) == 1, sent
    assert len(frames) == SESSIONS
    assert not frames[0].empty
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])
