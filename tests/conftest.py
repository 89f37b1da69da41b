"""Shared fixtures: a real PostgreSQL server and fresh databases on it.

The server is the one named by CO2CALC_TEST_DATABASE_URL (CI uses the machine's), else an
embedded PostgreSQL started for the session, so `make test` needs no database installed beforehand.
Redis likewise: the configured one when it answers, else a `redis-server` started for the session.
`warehouse_url` is a database where the whole pipeline ran on a small generated institution; the
integration and end-to-end tests share it. A warehouse is built once per session into a template database that no
test connects to; a test that changes a warehouse works on a copy of it (`clone_database`, a file copy of well under
a second) instead of building its own.
"""

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config.settings import Settings
from ingest.migrate import migrate
from pipelines.local_postgres import LocalPostgres, free_port
from pipelines.run import run_pipeline


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = Settings().test_database_url
    if configured:
        yield configured
        return
    server = LocalPostgres(tmp_path_factory.mktemp("pgdata"), free_port()).start()
    try:
        yield server.url
    finally:
        server.destroy()


def _answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Redis named by CO2CALC_TEST_REDIS_URL when it answers, else a redis-server started for the session."""
    configured = Settings().test_redis_url
    if _answers(configured):
        yield configured
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(f"no Redis answers at {configured} and redis-server is not installed (make system-deps)")
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path_factory.mktemp("redis")),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/15"
    try:
        deadline = time.monotonic() + 20
        while not _answers(url):
            assert server.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def create_database(server_url: str, prefix: str, *, migrated: bool = True) -> str:
    """A new database on the server, migrated (`co2calc migrate`) as every deploy's is before its first load, or
    left empty (`migrated=False`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'create database "{name}"')
    admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    if migrated:
        engine = sa.create_engine(url)
        migrate(engine, applied_by="tests")
        engine.dispose()
    return url


def clone_database(server_url: str, template_url: str, prefix: str) -> str:
    """A new database holding what `template_url` holds (`create database ... template`). Nothing may be connected
    to the template meanwhile: the connections a build left open to it are closed first."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    template = make_url(template_url).database
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text(
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where datname = :template and pid <> pg_backend_pid()"
            ),
            {"template": template},
        )
        connection.exec_driver_sql(f'create database "{name}" template "{template}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'drop database if exists "{name}" with (force)')
    admin.dispose()


@pytest.fixture
def fresh_database_url(postgres_server_url: str) -> Iterator[str]:
    url = create_database(postgres_server_url, "co2calc_test")
    try:
        yield url
    finally:
        drop_database(postgres_server_url, url)


@pytest.fixture
def empty_database_url(postgres_server_url: str) -> Iterator[str]:
    """A new database no migration has run on."""
    url = create_database(postgres_server_url, "co2calc_empty", migrated=False)
    try:
        yield url
    finally:
        drop_database(postgres_server_url, url)


def pipeline_settings(tmp: Path) -> Settings:
    return Settings(state_dir=tmp / "state", inbox_dir=tmp / "inbox")


@dataclass(frozen=True)
class BuiltWarehouse:
    """A warehouse built once for the session: the template to clone (never connected to by a test) and the
    delivered files it was built from."""

    template_url: str
    files: Path


@pytest.fixture(scope="session")
def generated_warehouse(
    postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BuiltWarehouse]:
    """The whole pipeline on a small generated institution (seed 42)."""
    from ingest.synthetic import generate_institution

    tmp = tmp_path_factory.mktemp("generated_warehouse")
    generate_institution(tmp / "files", scale=0.05, seed=42)
    url = create_database(postgres_server_url, "co2calc_generated_template")
    run_pipeline(pipeline_settings(tmp), url, tmp / "files")
    yield BuiltWarehouse(url, tmp / "files")
    drop_database(postgres_server_url, url)


@pytest.fixture(scope="session")
def warehouse_url(postgres_server_url: str, generated_warehouse: BuiltWarehouse) -> Iterator[str]:
    """The generated warehouse the read-only tests share."""
    url = clone_database(postgres_server_url, generated_warehouse.template_url, "co2calc_generated")
    yield url
    drop_database(postgres_server_url, url)
