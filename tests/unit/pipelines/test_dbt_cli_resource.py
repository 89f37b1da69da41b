"""The dbt CLI resource skips dagster-dbt's per-invocation probes (pipelines/defs/resources.py)."""

import sys
from functools import cached_property
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION

from pipelines.defs.resources import DBT_PROJECT, ProjectDbtCliResource


def test_the_overridden_probes_are_still_dagster_dbt_s():
    # An upgrade that renamed them would leave the overrides unused and the probes back, silently.
    assert isinstance(DbtCliResource.__dict__["_cli_version"], cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])


def test_no_version_process_and_no_adapter(monkeypatch: pytest.MonkeyPatch):
    def no_process(*args, **kwargs):
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr("dagster_dbt.core.resource.check_output", no_process)
    dbt = ProjectDbtCliResource(
        project_dir=DBT_PROJECT,
        profiles_dir=str(DBT_PROJECT.project_dir),
        dbt_executable=str(Path(sys.executable).parent / "dbt"),
    )
    assert dbt._cli_version == DBT_PYTHON_VERSION
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
