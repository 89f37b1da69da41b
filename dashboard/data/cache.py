"""The dashboard's shared query cache: query results in Redis, one key per query, scope and dbt build.

`loaders.py` uses it when `CO2CALC_REDIS_URL` is set, so every dashboard process, and one that has just
restarted, serves a frame another process already read; without Redis it caches in process instead.

Key: `<prefix>:<build id>:<query name>:<digest>`. The digest covers the SQL text, the database role and
every bound value, the viewer's scope included: a new build, an edited statement or another scope misses.
Value: the DataFrame as Parquet. Not pickle: unpickling runs whatever code the bytes name, and the bytes
come from a network service that any process on its network may write to; Parquet decodes data only, and
pyarrow stores pandas' dtypes in the file's metadata, so the frame comes back as it went in.
Every key expires after the TTL. A Redis that does not answer costs a database read, never a page: the client
gives up after `REDIS_TIMEOUT_S` (connect or reply) and does not retry, and after a failure the cache skips Redis for
`REDIS_PAUSE_S` (a circuit breaker) and pages read the database directly. Before, a hung Redis (SIGSTOP: it
accepts connections and never replies) cost every page 60.9 s, redis-py's 5 s default timeout with retries for each
of its queries (issue 11).

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
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import pandas as pd
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from dashboard.data.queries import Query

KEY_PREFIX = "co2calc:query"
# A Redis on the same network answers a GET in well under a millisecond; a reply slower than this is treated as no
# reply. A cached frame of several MB stays under it on the loopback (tests/benchmarks/bench_dashboard_render.py).
REDIS_TIMEOUT_S = 0.25
# How long the cache leaves Redis alone after a failure before trying it again.
REDIS_PAUSE_S = 30.0

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


def redis_client(redis_url: str) -> redis.Redis:
    """A client that waits at most `REDIS_TIMEOUT_S` to connect or for a reply, and never retries by itself."""
    return redis.Redis.from_url(
        redis_url,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        socket_timeout=REDIS_TIMEOUT_S,
        retry=Retry(NoBackoff(), retries=0),
    )


class RedisFrameCache:
    """DataFrames in Redis under `cache_key`, each expiring after `ttl_s` seconds; Redis is skipped for `pause_s`
    seconds after it failed (`is_paused`)."""

    def __init__(
        self,
        client: redis.Redis,
        ttl_s: int,
        prefix: str = KEY_PREFIX,
        pause_s: float = REDIS_PAUSE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.prefix = prefix
        self.pause_s = pause_s
        self._clock = clock
        self._reading = _KeyLocks()
        # The clock reading until which Redis is left alone; a plain float, so threads need no lock to read it.
        self._paused_until = float("-inf")

    @classmethod
    def from_url(cls, redis_url: str, ttl_s: int) -> "RedisFrameCache":
        return cls(redis_client(redis_url), ttl_s=ttl_s)

    def is_paused(self) -> bool:
        return self._clock() < self._paused_until

    def _failed(self, what: str, error: redis.RedisError) -> None:
        self._paused_until = self._clock() + self.pause_s
        _LOG.warning("query cache unavailable, %s for %.0f s: %s", what, self.pause_s, error)

    def key(
        self, build_id: str, query: Query, role: str, scope: tuple[str, ...], params: Mapping[str, object]
    ) -> str:
        return cache_key(self.prefix, build_id, query, role, scope, params)

    def get(self, key: str) -> pd.DataFrame | None:
        if self.is_paused():
            return None
        try:
            data = self.client.get(key)
        except redis.RedisError as error:
            self._failed("reading the database instead", error)
            return None
        return None if data is None else frame_from_parquet(data)

    def put(self, key: str, frame: pd.DataFrame) -> None:
        if self.is_paused():
            return
        try:
            self.client.set(key, frame_to_parquet(frame), ex=self.ttl_s)
        except redis.RedisError as error:
            self._failed("results not stored", error)

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
