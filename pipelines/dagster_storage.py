"""The local Dagster instance's event log: Dagster's SQLite storage, with connections kept open between events.

Dagster's `SqliteEventLogStorage` creates an SQLAlchemy engine and opens a new SQLite connection for every event
it stores or reads, then throws both away. A dbt build stores about 2,300 events (a planned and an evaluated event
for each of ~600 checks, the steps' logs, the materialisations) and mirrors the asset events into the index
database: about 12,000 connections, each paying SQLite's open of a WAL database. cProfile of `co2calc build --full`
on the worked examples put 91 s of its 217 s in those connects under load, and `_log_asset_planned_events` alone
took 59 s before the first dbt node ran; an open connection per database costs 0.2 ms an event against 17 ms
(`tests/unit/pipelines/test_dagster_storage.py` says what it keeps).

`PooledSqliteEventLogStorage` keeps one engine, whose pool keeps its connection, per database: the index and the
few runs written last (older ones are closed). Access stays serialised by Dagster's own lock, which it holds while a
connection is in use, so a pooled connection never serves two threads at once. Files, tables and migrations are
Dagster's own.

Only the CLI's in-process runs use it (`pipelines.runtime.dagster_instance`); the instance's `dagster.yaml`, which
the webserver and daemon read, keeps Dagster's class. A webserver follows a run by watching its database file,
which a WAL database changes when its last connection closes: `run_assets` closes the kept connections once a run
ends, so the UI shows a CLI run whole when it ends, not event by event while it runs.
"""

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import SqliteStorageConfig
from dagster._serdes import ConfigurableClassData


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_commits_without_fsync(dbapi_connection, _connection_record) -> None:
    """The local Dagster instance keeps runs and events in SQLite files (WAL mode) and commits for each event,
    several per dbt node, each waiting for an fsync by default. `synchronous = normal` is SQLite's advice for WAL:
    the files stay consistent, a power cut may lose the last events, and commits do not wait for the disk. The
    warehouse is PostgreSQL: only Dagster's files are SQLite."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("pragma synchronous = normal")


# The index database plus this many run databases stay open.
OPEN_RUN_DATABASES = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # Before Dagster's constructor, which already reads the index database.
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._tables_present: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: SqliteStorageConfig
    ) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> sa.Engine:
        """The shard's engine, created (and its database initialised) on first use; the least recently used run
        database beyond `OPEN_RUN_DATABASES` is closed. Called with Dagster's lock held."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = sa.create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for name in runs[: max(0, len(runs) - OPEN_RUN_DATABASES)]:
            self._engines.pop(name).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock, self._engine(shard).connect() as connection, connection.begin():
            yield connection

    def has_table(self, table_name: str) -> bool:
        """Dagster asks before storing each asset check event, through a new engine each time (not through
        `_connect`: it asks while holding the index connection). A table, once there, stays."""
        if table_name not in self._tables_present and super().has_table(table_name):
            self._tables_present.add(table_name)
        return table_name in self._tables_present

    def close_connections(self) -> None:
        """Close every kept connection: the last to close a WAL database checkpoints it into the database file,
        which is what Dagster's file watchers (a webserver following a run) react to."""
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self.close_connections()
        super().wipe()

    def dispose(self) -> None:
        self.close_connections()
        super().dispose()
