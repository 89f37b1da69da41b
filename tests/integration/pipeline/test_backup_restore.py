"""A backup restores (issue 15, item 7): `co2calc backup` of a copy of the generated warehouse, the database
dropped, `co2calc restore` into a new one: every table has the rows it had and the published totals are the same
to the gram. Counts and totals are read from the database before the drop, not from the backup's manifest."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import BuiltWarehouse, clone_database, create_database, drop_database

CO2CALC = str(Path(sys.executable).parent / "co2calc")
TOTALS_DIGEST = """
select count(*), md5(string_agg(concat_ws('|', unit_id, reporting_year, module_code, kg_co2e), ',' order by
    unit_id, reporting_year, module_code))
from published.rpt_footprint__subtree_year
"""


def co2calc(database_url: str, backup_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CO2CALC_DATABASE_URL": database_url,
        "CO2CALC_BACKUP_DIR": str(backup_dir),
        "COLUMNS": "200",
    }
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=600, check=False)


def counts_and_totals(database_url: str) -> tuple[dict[str, int], tuple]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        tables = (
            connection.exec_driver_sql(
                "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')"
            )
            .scalars()
            .all()
        )
        counts = {
            table: connection.exec_driver_sql(f"select count(*) from {table}").scalar_one()
            for table in tables
        }
        totals = tuple(connection.exec_driver_sql(TOTALS_DIGEST).one())
    engine.dispose()
    return counts, totals


def test_backup_drop_restore_gives_every_row_and_the_same_totals(
    postgres_server_url, generated_warehouse: BuiltWarehouse, tmp_path
):
    source = clone_database(postgres_server_url, generated_warehouse.template_url, "co2calc_backed_up")
    counts, totals = counts_and_totals(source)
    backed_up = co2calc(source, tmp_path, "backup")
    assert backed_up.returncode == 0, backed_up.stdout + backed_up.stderr
    drop_database(postgres_server_url, source)

    (dump,) = tmp_path.glob("co2calc_*.dump")
    target = create_database(postgres_server_url, "co2calc_restored", migrated=False)
    try:
        restored = co2calc(target, tmp_path, "restore", str(dump), "--into", target)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert f"{len(counts)} tables, {sum(counts.values())} rows, as its manifest counts" in restored.stdout
        assert counts_and_totals(target) == (counts, totals)
        assert counts["raw.travel_planes"] > 0 and totals[0] > 0

        again = co2calc(target, tmp_path, "restore", str(dump), "--into", target)
        assert again.returncode == 1
        assert "is not empty: restore into a new database" in again.stdout
    finally:
        drop_database(postgres_server_url, target)


def test_a_dump_that_changed_since_its_manifest_is_refused(postgres_server_url, warehouse_url, tmp_path):
    assert co2calc(warehouse_url, tmp_path, "backup").returncode == 0
    (dump,) = tmp_path.glob("co2calc_*.dump")
    with dump.open("ab") as handle:
        handle.write(b"\0")
    target = create_database(postgres_server_url, "co2calc_restored", migrated=False)
    try:
        refused = co2calc(target, tmp_path, "restore", str(dump), "--into", target)
    finally:
        drop_database(postgres_server_url, target)
    assert refused.returncode == 1
    assert "does not match the SHA-256 its manifest recorded" in refused.stdout
