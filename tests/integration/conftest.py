"""The worked-example warehouse (METHODOLOGY.md §5 fixtures through the real pipeline) and dbt in a real process."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import Settings, get_settings
from ingest.load import load_file, load_reference_data
from pipelines.run import run_pipeline
from pipelines.warehouse import dbt_connection_env
from tests.conftest import BuiltWarehouse, clone_database, create_database, drop_database, pipeline_settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
# Fixture file -> the name the pipeline routes to its source (ingest.contracts file patterns): the unit tree
# and headcount, then every `<source>/worked_examples_2025.csv`.
WORKED_EXAMPLE_FILES = {
    "units/small_institution.csv": "units.csv",
    "headcount/headcount_2025.csv": "headcount_2025.csv",
    **{
        f"{path.parent.name}/{path.name}": f"{path.parent.name}_2025.csv"
        for path in sorted(FIXTURES.glob("*/worked_examples_2025.csv"))
    },
}


@pytest.fixture(scope="session")
def worked_examples_warehouse(
    postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BuiltWarehouse]:
    """A warehouse built from the METHODOLOGY.md §5 worked-example fixtures, default profile."""
    tmp = tmp_path_factory.mktemp("worked_examples")
    files = tmp / "files"
    files.mkdir()
    for fixture, routed_name in WORKED_EXAMPLE_FILES.items():
        (files / routed_name).write_bytes((FIXTURES / fixture).read_bytes())
    url = create_database(postgres_server_url, "co2calc_worked_template")
    run_pipeline(pipeline_settings(tmp), url, files)
    yield BuiltWarehouse(url, files)
    drop_database(postgres_server_url, url)


@pytest.fixture(scope="session")
def worked_examples_url(postgres_server_url: str, worked_examples_warehouse: BuiltWarehouse) -> Iterator[str]:
    """The worked-example warehouse the tests share (the what-ifs add their own schemas to it)."""
    url = clone_database(postgres_server_url, worked_examples_warehouse.template_url, "co2calc_worked")
    yield url
    drop_database(postgres_server_url, url)


def dbt_build(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """`dbt build` in a real process, as an analyst would run it (for what-if profiles)."""
    project = Settings().dbt_project_dir
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            *args,
        ],
        env={**os.environ, **dbt_connection_env(database_url)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def ledger_warehouse_url(postgres_server_url: str) -> Iterator[str]:
    """A warehouse with a load ledger and no build: the unit tree, then a flights file whose lines 3, 4 and 6 are
    refused (TRAVEL_UNKNOWN_IATA, ROW_TYPE, ROW_ENUM), loaded by ingest, which creates the steward role."""
    url = create_database(postgres_server_url, "co2calc_ledger")
    engine = sa.create_engine(url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    load_file(
        engine,
        FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    dashboard_role = get_settings().dashboard_db_role
    with engine.begin() as connection:
        # The dashboard's role is dbt's to create (dbt/macros/reporting_row_security.sql); no build runs here.
        connection.exec_driver_sql(
            f"do $$ begin create role {dashboard_role} nologin; exception when duplicate_object then null; end $$"
        )
    engine.dispose()
    yield url
    drop_database(postgres_server_url, url)
