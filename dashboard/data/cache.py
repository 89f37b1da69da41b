"""The dashboard's shared query cache: query results in Redis, one key per query, scope and dbt build.

`loaders.py` uses it when `CO2CALC_REDIS_URL` is set, so every dashboard process, and one that has just
restarted, serves a frame another process already read; without Redis it caches in process instead.

Key: `<prefix>:<build id>:<query name>:<digest>`. The digest covers the SQL text, the database role and
every bound value, the viewer's scope included: a new build, an edited statement or another scope misses.
Value: the DataFrame as Parquet. Not pickle: unpickling runs whatever code the bytes name, and the bytes
come from a network service that any process on its network may write to; Parquet decodes data only, and
pyarrow stores pandas' dtypes in the file's metadata, so the frame comes back as it went in.
Every key expires after the TTL. A Redis that does not answer costs a database read, never a page.

A miss is read once per process: sessions that ask for the same key while it is being read wait for that read
and take its frame from Redis, as `st.cache_data` does for the in-process cache. Without this, 50 sessions
opening the same page on an empty cache sent 50 copies of each query to PostgreSQL at once
(tests/benchmarks/bench_dashboard_load.py).
"""

import hashlib
import io
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import pandas as pd
import redis

from dashboard.data.queries import Query

KEY_PREFIX = "co2calc:query"

_LOG = logging.getLogger(__name__)


def cache_key(
    prefix: str,
    build_id: str,
    query: Query,
    role: str,
    scope: tuple[str, ...],
    params: Mapping[str, object],
) -> str:
    bound = {"sql": query.sql, "role": role, "scope": list(scope), "params": dict(params)}
    digest = hashlib.sha256(json.dumps(bound, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix}:{build_id}:{query.name}:{digest}"


def frame_to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow")
    return buffer.getvalue()


def frame_from_parquet(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data), engine="pyarrow")


class _KeyLocks:
    """A lock per key, kept while a thread holds or waits for it, so the table lasts as long as the reads."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)


class RedisFrameCache:
    """DataFrames in Redis under `cache_key`, each expiring after `ttl_s` seconds."""

    def __init__(self, client: redis.Redis, ttl_s: int, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.prefix = prefix
        self._reading = _KeyLocks()

    def key(
        self, build_id: str, query: Query, role: str, scope: tuple[str, ...], params: Mapping[str, object]
    ) -> str:
        return cache_key(self.prefix, build_id, query, role, scope, params)

    def get(self, key: str) -> pd.DataFrame | None:
        try:
            data = self.client.get(key)
        except redis.RedisError as error:
            _LOG.warning("query cache unavailable, reading the database instead: %s", error)
            return None
        return None if data is None else frame_from_parquet(data)

    def put(self, key: str, frame: pd.DataFrame) -> None:
        try:
            self.client.set(key, frame_to_parquet(frame), ex=self.ttl_s)
        except redis.RedisError as error:
            _LOG.warning("query cache unavailable, result not stored: %s", error)

    def get_or_read(self, key: str, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The frame under `key`; on a miss, `read()` once in this process while other askers of `key` wait."""
        frame = self.get(key)
        if frame is not None:
            return frame
        with self._reading.hold(key):
            frame = self.get(key)
            if frame is None:
                frame = read()
                self.put(key, frame)
        return frame
