"""Backups of the warehouse that restore: `co2calc backup`, `co2calc restore`, and their pruning.

A backup is two files in the backup folder (`CO2CALC_BACKUP_DIR`), named for the time it was taken (UTC):
- `co2calc_<YYYYmmddTHHMMSSZ>.dump`: `pg_dump --format=custom` of the whole warehouse database (every schema:
  raw, ops, archive, marts, reporting, published, inventory, scope), with owners and grants;
- `co2calc_<...>.json`, its manifest: when, from which database, the schema version (ingest/migrate.py), the roles
  the grants name, the dump's size and SHA-256, and the row count of every table.

`restore` checks the dump against its manifest's hash, creates the roles the grants name when the server lacks
them (without login, as dbt's macro does; a deployment's logins are its own), restores into an empty database, and
then counts every table again: a restore whose counts differ from the manifest's is an error, not a success.

Retention (ingest/retention.py) purges travel detail after `travel_detail_retention_years` and everything after
`results_retention_years`; a backup holds both, so it may be kept only as long as the shorter of the two: `prune`
deletes the backups taken before that many years ago (`co2calc backup --prune`, and the `backup_job` schedule).

pg_dump and pg_restore are the server's major version when Debian's are installed (`/usr/lib/postgresql/<major>`),
else the PostgreSQL binaries installed with the project (the embedded server's, version 18).
"""

import hashlib
import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config.settings import Settings
from ingest.migrate import schema_version
from pipelines.local_postgres import POSTGRES_BIN_PATH

DEBIAN_POSTGRES_DIR = Path("/usr/lib/postgresql")
BACKUP_PREFIX = "co2calc_"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
# Schemas of PostgreSQL itself, and dbt's scratch schema for failing test rows.
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast", "dbt_test__audit")


class BackupError(Exception):
    """A backup or restore that cannot be done, in one sentence."""


@dataclass(frozen=True)
class Backup:
    dump: Path
    manifest: dict

    @property
    def taken_at(self) -> datetime:
        return datetime.strptime(self.manifest["taken_at"], TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def _libpq_env(database_url: str) -> dict[str, str]:
    url = make_url(database_url)
    return {
        "PGHOST": url.host or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        "PGPASSWORD": url.password or "",
        "PGDATABASE": url.database or "postgres",
    }


def _tool(name: str, connection: sa.Connection) -> Path:
    """`name` of the server's own major version when installed the Debian way (a newer pg_dump writes settings,
    such as PostgreSQL 17's `transaction_timeout`, that an older server refuses on restore), else the project's
    PostgreSQL binaries, newer than any server they meet."""
    major = connection.execute(
        sa.text("select current_setting('server_version_num')::int / 10000")
    ).scalar_one()
    matching = DEBIAN_POSTGRES_DIR / str(major) / "bin" / name
    return matching if matching.is_file() else POSTGRES_BIN_PATH / name


def _run(tool: Path, args: list[str], database_url: str) -> None:
    result = subprocess.run(  # noqa: S603 pg_dump or pg_restore of the installed PostgreSQL, arguments built here
        [str(tool), *args],
        env=_libpq_env(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{tool.name} failed: {detail}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_row_counts(connection: sa.Connection) -> dict[str, int]:
    """`schema.table` -> rows, for every table of the database outside PostgreSQL's own schemas."""
    tables = (
        connection.execute(
            sa.text(
                "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema <> all(:system) order by 1"
            ),
            {"system": list(_SYSTEM_SCHEMAS)},
        )
        .scalars()
        .all()
    )
    return {
        # Table names from the catalogue, quoted by quote_ident.
        table: connection.exec_driver_sql(f"select count(*) from {table}").scalar_one()  # noqa: S608
        for table in tables
    }


def _granted_roles(connection: sa.Connection) -> list[str]:
    """Roles other than the owner that grants in the database name (the dashboard's and the stewards')."""
    return list(
        connection.execute(
            sa.text(
                "select distinct grantee::text from information_schema.role_table_grants "
                "where grantee not in (current_user, 'PUBLIC') and table_schema <> all(:system) order by 1"
            ),
            {"system": list(_SYSTEM_SCHEMAS)},
        ).scalars()
    )


def take_backup(engine: sa.Engine, database_url: str, folder: Path, *, now: datetime | None = None) -> Backup:
    """Dump the database and write the manifest. The rows are counted in the snapshot pg_dump dumps (exported by
    a transaction held open meanwhile), so the manifest states exactly what the dump holds, loads or not."""
    taken_at = (now or datetime.now(UTC)).strftime(TIMESTAMP_FORMAT)
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / f"{BACKUP_PREFIX}{taken_at}.dump"
    if dump.exists():
        raise BackupError(f"a backup taken at {taken_at} is already in {folder}")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        snapshot = connection.execute(sa.text("select pg_export_snapshot()")).scalar_one()
        version = schema_version(connection)
        counts = table_row_counts(connection)
        roles = _granted_roles(connection)
        pg_dump = _tool("pg_dump", connection)
        _run(pg_dump, ["--format=custom", f"--snapshot={snapshot}", "--file", str(dump)], database_url)
    manifest = {
        "taken_at": taken_at,
        "database": make_url(database_url).database,
        "schema_version": version,
        "roles": roles,
        "dump_file": dump.name,
        "dump_bytes": dump.stat().st_size,
        "dump_sha256": _sha256(dump),
        "table_rows": counts,
    }
    dump.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n")
    return Backup(dump, manifest)


def read_backup(dump: Path) -> Backup:
    manifest_path = dump.with_suffix(".json")
    if not dump.is_file() or not manifest_path.is_file():
        raise BackupError(f"{dump} and its manifest {manifest_path.name} must both exist")
    manifest = json.loads(manifest_path.read_text())
    if _sha256(dump) != manifest["dump_sha256"]:
        raise BackupError(f"{dump.name} does not match the SHA-256 its manifest recorded: the file changed")
    return Backup(dump, manifest)


def restore_backup(backup: Backup, engine: sa.Engine, database_url: str) -> dict[str, int]:
    """Restore into the empty database of `database_url`; return the row counts found there afterwards."""
    with engine.connect() as connection:
        if connection.execute(
            sa.text("select count(*) from information_schema.tables where table_schema <> all(:system)"),
            {"system": list(_SYSTEM_SCHEMAS)},
        ).scalar_one():
            raise BackupError(f"{make_url(database_url).database} is not empty: restore into a new database")
    with engine.begin() as connection:
        pg_restore = _tool("pg_restore", connection)
        for role in backup.manifest["roles"]:
            if not connection.execute(
                sa.text("select exists (select from pg_catalog.pg_roles where rolname = :role)"),
                {"role": role},
            ).scalar_one():
                create = connection.execute(
                    sa.text("select format('create role %I nologin', cast(:role as text))"), {"role": role}
                ).scalar_one()
                connection.exec_driver_sql(create)
    _run(
        pg_restore,
        ["--exit-on-error", "--dbname", make_url(database_url).database, str(backup.dump)],
        database_url,
    )
    with engine.connect() as connection:
        restored = table_row_counts(connection)
    if restored != backup.manifest["table_rows"]:
        differing = sorted(
            table
            for table in set(restored) | set(backup.manifest["table_rows"])
            if restored.get(table) != backup.manifest["table_rows"].get(table)
        )
        raise BackupError(f"the restored row counts differ from the manifest's in {', '.join(differing[:5])}")
    return restored


def backups(folder: Path) -> list[Backup]:
    """The backups of `folder` with a manifest, oldest first."""
    found = []
    for manifest_path in sorted(folder.glob(f"{BACKUP_PREFIX}*.json")):
        manifest = json.loads(manifest_path.read_text())
        found.append(Backup(folder / manifest["dump_file"], manifest))
    return found


def prune_backups(folder: Path, settings: Settings, *, now: datetime | None = None) -> list[Backup]:
    """Delete the backups taken more than the shorter retention (travel detail's) ago; return them."""
    today = (now or datetime.now(UTC)).date()
    kept_years = min(settings.travel_detail_retention_years, settings.results_retention_years)
    cutoff = date(today.year - kept_years, today.month, min(today.day, 28) if today.month == 2 else today.day)
    pruned = [backup for backup in backups(folder) if backup.taken_at.date() < cutoff]
    for backup in pruned:
        backup.dump.unlink(missing_ok=True)
        backup.dump.with_suffix(".json").unlink()
    return pruned
