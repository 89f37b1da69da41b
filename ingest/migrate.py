"""Versioned schema migrations of the warehouse: `co2calc migrate`, run once per deploy, never by a load.

A migration is a SQL file `sql/migrations/NNNN_what.sql`, applied once, in version order, and recorded in
`ops.schema_migrations` with its SHA-256. After the files, every run creates the raw tables missing from the
contracts (`raw_tables_ddl`), grants the stewards' role its reads (`ops.grant_steward_role`) and, when
CO2CALC_SCOPE_SIGNING_SECRET is set, stores it as the key the dashboard's scopes are signed with (migration 0005,
`scope.signing_secret`). Ingest, the
freshness checks and the steward actions only check the version (`require_current_schema`): DDL takes locks that
concurrent loads would deadlock on (issue 11: two ingests of one file, 5 deadlocks in 5 trials when each re-ran
the schema).

Two migrations at once are safe: each holds a transaction-level advisory lock from before it reads the version
table until it commits, so the second waits and then finds nothing left to apply. A migration runs inside that one
transaction: it applies wholly or not at all.

An applied file must not change (its SHA-256 is checked on every run): a change goes into a new file.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from config.settings import get_settings
from ingest.contracts import SOURCES

MIGRATIONS_DIR = Path(__file__).resolve().parent / "sql" / "migrations"
_MIGRATION_NAME = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql")
# pg_advisory_xact_lock key of migration runs (a bigint outside hashtext's int4 range, so no load key meets it).
MIGRATION_LOCK_KEY = 4242013002
_VERSION_TABLE = """
create schema if not exists ops;
create table if not exists ops.schema_migrations (
    schema_version integer primary key,
    migration_name text not null,
    file_sha256 text not null,
    applied_at timestamptz not null default now(),
    applied_by text not null
);
"""


class SchemaBehind(Exception):
    """The warehouse's schema is older than this code's migrations: `co2calc migrate` has not run since."""


class MigrationError(Exception):
    """A migration file is misnamed, or an applied one was edited: nothing was applied."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class MigrationRun:
    applied: tuple[Migration, ...]
    schema_version: int


def migrations(folder: Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """The migration files of `folder` in version order; a misnamed file or a repeated version is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(folder.iterdir()):
        match = _MIGRATION_NAME.fullmatch(path.name)
        if match is None:
            raise MigrationError(f"{path}: a migration is named NNNN_what.sql (4 digits, lower-case name)")
        version = int(match["version"])
        if version in found:
            raise MigrationError(f"{path}: version {version} is also {found[version].path.name}")
        found[version] = Migration(version, match["name"], path)
    return tuple(found[version] for version in sorted(found))


def latest_version(folder: Path = MIGRATIONS_DIR) -> int:
    return max((migration.version for migration in migrations(folder)), default=0)


def raw_tables_ddl() -> str:
    """`create table if not exists` for every source's raw table, from its contract (`raw_columns`), so the
    table the rows are copied into cannot drift from the contract that validated them."""
    statements = []
    for contract in SOURCES.values():
        columns = ",\n".join(
            f"    {c.name} {c.sql_type}{' not null' if c.not_null else ''}" for c in contract.raw_columns
        )
        statements.append(f"create table if not exists {contract.raw_table} (\n{columns}\n);\n")
    return "\n".join(statements)


def migrate(engine: sa.Engine, *, applied_by: str, folder: Path = MIGRATIONS_DIR) -> MigrationRun:
    """Apply the migrations of `folder` the warehouse has not had, then the raw tables and the stewards' grants."""
    files = migrations(folder)
    with engine.begin() as connection:
        connection.execute(sa.text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.exec_driver_sql(_VERSION_TABLE)
        applied = {
            row.schema_version: row
            for row in connection.execute(
                sa.text("select schema_version, migration_name, file_sha256 from ops.schema_migrations")
            )
        }
        for migration in files:
            recorded = applied.get(migration.version)
            if recorded is not None and recorded.file_sha256 != migration.sha256:
                raise MigrationError(
                    f"{migration.path.name} changed after it was applied as version {migration.version}: "
                    "put the change in a new migration file instead"
                )
        newly_applied = tuple(m for m in files if m.version not in applied)
        for migration in newly_applied:
            connection.exec_driver_sql(migration.path.read_text())
            connection.execute(
                sa.text(
                    "insert into ops.schema_migrations (schema_version, migration_name, file_sha256, applied_by) "
                    "values (:version, :name, :sha256, :by)"
                ),
                {
                    "version": migration.version,
                    "name": migration.name,
                    "sha256": migration.sha256,
                    "by": applied_by,
                },
            )
        connection.exec_driver_sql(raw_tables_ddl())
        connection.execute(
            sa.text("select ops.grant_steward_role(:role)"), {"role": get_settings().steward_db_role}
        )
        _store_scope_signing_secret(connection)
    return MigrationRun(newly_applied, max([*applied, *(m.version for m in newly_applied)], default=0))


def _store_scope_signing_secret(connection: sa.Connection) -> None:
    """The deployment's scope-signing secret replaces the random one migration 0005 made; unset, that one stays.
    A migrations folder that stops before 0005 (the tests' own) has no table to store it in."""
    secret = get_settings().scope_signing_secret
    if (
        secret is None
        or connection.execute(sa.text("select to_regclass('scope.signing_secret')")).scalar() is None
    ):
        return
    connection.execute(
        sa.text(
            "update scope.signing_secret set secret = :secret, updated_at = now() "
            "where secret is distinct from :secret"
        ),
        {"secret": secret.get_secret_value().encode()},
    )


def describe_migration(run: MigrationRun) -> str:
    if not run.applied:
        return f"schema at version {run.schema_version}, nothing to migrate"
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in run.applied)
    return f"schema migrated to version {run.schema_version} ({names})"


def schema_version(connection: sa.Connection) -> int:
    """The warehouse's schema version: 0 when it was never migrated."""
    if connection.execute(sa.text("select to_regclass('ops.schema_migrations') is null")).scalar_one():
        return 0
    return connection.execute(
        sa.text("select coalesce(max(schema_version), 0) from ops.schema_migrations")
    ).scalar_one()


def require_current_schema(bind: sa.Engine | sa.Connection) -> None:
    """Raise `SchemaBehind` unless the warehouse has every migration and every contract's raw table."""
    if isinstance(bind, sa.Engine):
        with bind.connect() as connection:
            require_current_schema(connection)
        return
    needed = latest_version()
    found = schema_version(bind)
    if found < needed:
        raise SchemaBehind(
            f"the warehouse schema is at version {found} and this co2calc needs version {needed}: "
            "run `co2calc migrate` first"
        )
    missing = (
        bind.execute(
            sa.text(
                "select name from unnest(cast(:tables as text[])) as name where to_regclass(name) is null order by 1"
            ),
            {"tables": [contract.raw_table for contract in SOURCES.values()]},
        )
        .scalars()
        .all()
    )
    if missing:
        raise SchemaBehind(
            f"the warehouse has no table {', '.join(missing)} for its sources: run `co2calc migrate` first"
        )
