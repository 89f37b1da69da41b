"""The local Dagster instance's SQLite files commit without an fsync each (pipelines/runtime.py)."""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import pipelines.runtime  # noqa: F401  (registers the listener, as every CLI command that runs Dagster does)

SYNCHRONOUS_NORMAL = 1


def test_every_new_sqlite_connection_is_synchronous_normal(tmp_path: Path):
    # Dagster opens a new engine per event, as here; the warehouse's own engines are PostgreSQL.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.db'}", poolclass=NullPool)
    for _ in range(2):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("pragma synchronous").scalar() == SYNCHRONOUS_NORMAL
    engine.dispose()
