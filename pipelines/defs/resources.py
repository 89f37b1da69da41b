"""Resources shared by every asset: the warehouse and dbt, both configured from the settings."""

import os
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.compat import DBT_PYTHON_VERSION

from config.settings import get_settings
from ingest.migrate import require_current_schema
from pipelines.build import BuildPlan, plan_build
from pipelines.warehouse import dbt_connection_env, engine_for, require_database_url

if TYPE_CHECKING:
    from packaging.version import Version

DBT_PROJECT = DbtProject(project_dir=get_settings().dbt_project_dir)
BUILD_TARGET_PATH = Path("target") / "builds"


class ProjectDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI for the dbt of this environment, without the two probes it runs before every
    invocation: a `dbt --version` process (its executable is this environment's dbt, whose version is the
    dbt-core package's) and an in-process dbt adapter, used only to fetch row counts and column metadata, which no
    asset asks for. Together 3 to 12 s of each build, most of a partition build's own cost (issue 13).
    tests/unit/pipelines/test_dbt_cli_resource.py fails if a dagster-dbt upgrade renames what is overridden."""

    @cached_property
    def _cli_version(self) -> "Version":
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


class WarehouseResource(dg.ConfigurableResource):
    """The PostgreSQL warehouse. Without an explicit URL, the settings' `database_url` at run time."""

    database_url: str | None = None

    @property
    def url(self) -> str:
        return self.database_url or require_database_url(get_settings())

    def engine(self):
        return engine_for(self.url)

    def plan_build(self, *, full: bool = False) -> BuildPlan:
        """The build that brings the models up to what raw holds (pipelines/build.py)."""
        engine = self.engine()
        try:
            require_current_schema(engine)
            return plan_build(engine, DBT_PROJECT.project_dir, full=full)
        finally:
            engine.dispose()

    def dbt_cli(self, args: Sequence[str], context: dg.AssetExecutionContext):
        """Run dbt against this warehouse; `dbt/profiles.yml` reads the connection from variables set here."""
        # dagster-dbt hands the current environment to the dbt process and offers no other way in.
        os.environ.update(dbt_connection_env(self.url))
        dbt = ProjectDbtCliResource(
            project_dir=DBT_PROJECT,
            profiles_dir=str(DBT_PROJECT.project_dir),
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        )
        # One target folder for every build (builds run one at a time): dagster-dbt's default, a new folder per
        # run, kept 35 MB of artefacts per build forever at scale 1 and made dbt parse the whole project each time
        # (its partial parse lives in the target folder).
        return dbt.cli(list(args), context=context, target_path=BUILD_TARGET_PATH)


RESOURCES = {"warehouse": WarehouseResource()}
