"""`co2calc migrate` owns the schema: a load, a freshness check or a build only checks its version (issue 11)."""

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.freshness import latest_load
from ingest.load import load_file
from ingest.migrate import (
    MIGRATIONS_DIR,
    MigrationError,
    SchemaBehind,
    migrate,
    migrations,
    raw_tables_ddl,
)

FIXTURES = Path(__file__).parents[2] / "fixtures"
CO2CALC = str(Path(sys.executable).parent / "co2calc")


def co2calc(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CO2CALC_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=120)


def versions(url: str) -> list[tuple[int, str]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("select schema_version, migration_name from ops.schema_migrations order by 1")
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_ingest_on_a_database_never_migrated_refuses_in_one_sentence_naming_migrate(empty_database_url):
    result = co2calc(
        empty_database_url, "ingest", str(FIXTURES / "units/small_institution.csv"), "--source", "units"
    )
    assert result.returncode == 1
    first_line = result.stderr.strip().splitlines()[0]
    assert "schema is at version 0" in first_line
    assert "run `co2calc migrate` first" in first_line
    assert "Traceback" not in result.stderr + result.stdout
    # Nothing was created by the refused load: the schema is still the migration's to make.
    engine = sa.create_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("select to_regclass('ops.loads')")).scalar() is None
    engine.dispose()


def test_freshness_check_on_a_database_never_migrated_refuses_and_creates_nothing(empty_database_url):
    engine = sa.create_engine(empty_database_url)
    with pytest.raises(SchemaBehind, match="co2calc migrate"):
        latest_load(engine, source_code="units")
    with engine.connect() as connection:
        assert connection.execute(sa.text("select to_regnamespace('ops')")).scalar() is None
    engine.dispose()


def test_migrate_in_a_real_process_applies_every_migration_once(empty_database_url):
    # Every file of the folder, whichever versions it holds today (0001 ... 0005 and those other branches add).
    shipped = migrations()
    latest = shipped[-1].version
    first = co2calc(empty_database_url, "migrate")
    assert first.returncode == 0, first.stdout + first.stderr
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in shipped)
    assert f"schema migrated to version {latest} ({names})" in first.stdout
    second = co2calc(empty_database_url, "migrate")
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"schema at version {latest}, nothing to migrate" in second.stdout
    assert versions(empty_database_url) == [(m.version, m.name) for m in shipped]
    assert {
        (1, "schema"),
        (2, "build_publication"),
        (3, "override_trains_without_station"),
        (4, "published_inventories"),
        (5, "signed_dashboard_scope"),
        (6, "base_year_restatements"),
    } <= set(versions(empty_database_url))
    loaded = co2calc(
        empty_database_url, "ingest", str(FIXTURES / "units/small_institution.csv"), "--source", "units"
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "loaded as load 1" in loaded.stdout


def test_two_migrations_at_once_both_succeed_and_apply_each_file_once(empty_database_url):
    engine = sa.create_engine(empty_database_url)
    failures: list[Exception] = []

    def run() -> None:
        try:
            migrate(engine, applied_by="thread")
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    engine.dispose()
    assert failures == []
    assert [version for version, _name in versions(empty_database_url)] == [m.version for m in migrations()]


def test_a_warehouse_made_before_migrations_is_brought_to_the_latest_version_without_losing_loads(
    empty_database_url,
):
    engine = sa.create_engine(empty_database_url)
    # What every load ran before migrations existed: the schema file and the raw tables, no version table.
    with engine.begin() as connection:
        connection.exec_driver_sql((MIGRATIONS_DIR / "0001_schema.sql").read_text())
        connection.exec_driver_sql(raw_tables_ddl())
        # Train station ids were required then (0003 lets an override row go without).
        connection.exec_driver_sql(
            "alter table raw.travel_trains alter column origin_station_id set not null"
        )
        connection.exec_driver_sql(
            "insert into ops.loads (source_code, file_name, file_sha256, load_status, loaded_by, started_at) "
            "values ('units', 'units.csv', 'abc', 'active', 'old co2calc', now())"
        )
    with pytest.raises(SchemaBehind, match="version 0"):
        load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    migrate(engine, applied_by="test")
    with engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from ops.loads")).scalar_one() == 1
        nullable = connection.execute(
            sa.text(
                "select is_nullable from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'travel_trains' and column_name = 'origin_station_id'"
            )
        ).scalar_one()
        assert nullable == "YES"
    result = load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    assert result.outcome == "replaced"
    engine.dispose()


def test_a_new_migration_file_is_applied_after_the_others(empty_database_url, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_schema.sql", folder)
    (folder / "0002_trust_table.sql").write_text(
        "create table ops.trust_marks (mark_id integer primary key);\n"
    )
    engine = sa.create_engine(empty_database_url)
    run = migrate(engine, applied_by="test", folder=folder)
    assert [m.version for m in run.applied] == [1, 2]
    assert run.schema_version == 2
    assert migrate(engine, applied_by="test", folder=folder).applied == ()
    with engine.connect() as connection:
        assert connection.execute(sa.text("select to_regclass('ops.trust_marks')")).scalar() is not None
    engine.dispose()


def test_an_applied_migration_that_was_edited_stops_migrate_and_applies_nothing(empty_database_url, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_schema.sql", folder)
    engine = sa.create_engine(empty_database_url)
    migrate(engine, applied_by="test", folder=folder)
    with (folder / "0001_schema.sql").open("a") as edited:
        edited.write("create table ops.appended_later (x integer);\n")
    (folder / "0002_next.sql").write_text("create table ops.next_one (x integer);\n")
    with pytest.raises(
        MigrationError, match=re.escape("0001_schema.sql changed after it was applied as version 1")
    ):
        migrate(engine, applied_by="test", folder=folder)
    with engine.connect() as connection:
        assert connection.execute(sa.text("select to_regclass('ops.next_one')")).scalar() is None
    engine.dispose()


def test_a_misnamed_migration_file_is_refused_by_name(empty_database_url, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "2_add_things.sql").write_text("select 1;\n")
    engine = sa.create_engine(empty_database_url)
    with pytest.raises(
        MigrationError, match=re.escape("2_add_things.sql: a migration is named NNNN_what.sql")
    ):
        migrate(engine, applied_by="test", folder=folder)
    engine.dispose()


def test_migrate_keeps_a_random_scope_signing_secret_until_the_deployment_sets_its_own(empty_database_url):
    def stored() -> bytes:
        engine = sa.create_engine(empty_database_url)
        with engine.connect() as connection:
            secret = bytes(
                connection.execute(sa.text("select secret from scope.signing_secret")).scalar_one()
            )
        engine.dispose()
        return secret

    def migrate_with(secret: str | None) -> subprocess.CompletedProcess:
        env = {**os.environ, "CO2CALC_DATABASE_URL": empty_database_url, "COLUMNS": "200"}
        env.pop("CO2CALC_SCOPE_SIGNING_SECRET", None)
        if secret is not None:
            env["CO2CALC_SCOPE_SIGNING_SECRET"] = secret
        return subprocess.run([CO2CALC, "migrate"], env=env, capture_output=True, text=True, timeout=120)

    assert migrate_with(None).returncode == 0
    generated = stored()
    # Three version-4 UUIDs' bytes: the 4-bit version of each sits in its seventh byte.
    assert len(generated) == 48 and {generated[index] >> 4 for index in (6, 22, 38)} == {4}
    assert migrate_with(None).returncode == 0 and stored() == generated

    deployment_secret = "kq3Vb0xNw2rT8yHcZ5uEoL1sJ7dGfA4pM9iX6eQ"
    assert migrate_with(deployment_secret).returncode == 0
    assert stored() == deployment_secret.encode()

    weak = migrate_with("change-me-scope-signing-secret-of-32-characters")
    assert weak.returncode == 1
    assert "CO2CALC_SCOPE_SIGNING_SECRET holds an example's value" in weak.stderr
    assert "Traceback" not in weak.stderr
    assert stored() == deployment_secret.encode()


def test_migrate_makes_the_scope_functions_of_an_earlier_build_refuse_an_unsigned_scope(empty_database_url):
    engine = sa.create_engine(empty_database_url)
    # What the dbt hook and the publication created before migration 0005: the scope read from the setting as set.
    with engine.begin() as connection:
        connection.exec_driver_sql("""
            create schema published;
            create function published.allowed_unit_ids() returns text[] language sql stable
            as $body$ select coalesce(nullif(current_setting('co2calc.allowed_unit_ids', true), '')::text[], '{}') $body$
        """)

    def units_under_an_unsigned_scope() -> list[str]:
        with engine.connect() as connection:
            connection.exec_driver_sql("select set_config('co2calc.allowed_unit_ids', '{10000}', true)")
            return connection.exec_driver_sql("select published.allowed_unit_ids()").scalar_one()

    assert units_under_an_unsigned_scope() == ["10000"]

    migrate(engine, applied_by="test")

    assert units_under_an_unsigned_scope() == []
    engine.dispose()


@pytest.mark.parametrize(
    ("key", "message", "expected_hex"),
    [
        # RFC 4231, test cases 2 and 6 (a key longer than SHA-256's 64-byte block is hashed first).
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            b"\xaa" * 131,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ],
)
def test_the_scope_signatures_hmac_is_rfc_4231s(fresh_database_url, key, message, expected_hex):
    engine = sa.create_engine(fresh_database_url)
    with engine.connect() as connection:
        digest = connection.execute(
            sa.text("select encode(scope.hmac_sha256(:message, :key), 'hex')"),
            {"message": message, "key": key},
        ).scalar_one()
    engine.dispose()
    assert digest == expected_hex
