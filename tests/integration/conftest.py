"""The worked-example warehouse (METHODOLOGY.md §5 fixtures through the real pipeline) and dbt in a real process."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from pipelines.run import run_pipeline
from pipelines.warehouse import dbt_connection_env
from tests.conftest import create_database, drop_database, pipeline_settings

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
def worked_examples_url(postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A warehouse built from the METHODOLOGY.md §5 worked-example fixtures, default profile."""
    tmp = tmp_path_factory.mktemp("worked_examples")
    files = tmp / "files"
    files.mkdir()
    for fixture, routed_name in WORKED_EXAMPLE_FILES.items():
        (files / routed_name).write_bytes((FIXTURES / fixture).read_bytes())
    url = create_database(postgres_server_url, "co2calc_worked")
    run_pipeline(pipeline_settings(tmp), url, files)
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
