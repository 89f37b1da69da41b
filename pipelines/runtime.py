"""What the CLI needs to run the pipeline on this machine: a database, a dbt manifest, a Dagster instance."""

import os
import subprocess
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef

from config.settings import Settings
from pipelines.dagster_storage import PooledSqliteEventLogStorage
from pipelines.json_logs import dagster_handler_config
from pipelines.local_postgres import LocalPostgres
from pipelines.warehouse import dbt_connection_env

RUN_LOG_FILE = "logs/runs.jsonl"
# Dagster marks YAML-configured log handlers as beta and says so on every run; the CLI's console is for the
# steward, and the JSON-lines file is covered by tests/unit/pipelines/test_json_logs.py.
warnings.filterwarnings(
    "ignore", message="Handling yaml-defined logging configuration", category=dg.BetaWarning
)


def embedded_postgres(settings: Settings) -> LocalPostgres:
    return LocalPostgres(settings.state_dir / "pgdata", settings.embedded_postgres_port)


def ensure_dbt_manifest(settings: Settings, database_url: str) -> Path:
    """Run `dbt parse` when the manifest is missing or older than a file of the dbt project."""
    project = settings.dbt_project_dir
    manifest = project / "target" / "manifest.json"
    sources = [
        p for p in project.rglob("*") if p.is_file() and "target" not in p.parts and "logs" not in p.parts
    ]
    if manifest.exists() and all(p.stat().st_mtime <= manifest.stat().st_mtime for p in sources):
        return manifest
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(  # noqa: S603 dbt next to this interpreter, the code's own arguments, no shell
        [str(dbt), "parse", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project)],
        check=True,
        env={**os.environ, **dbt_connection_env(database_url)},
    )
    return manifest


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    (home / RUN_LOG_FILE).parent.mkdir(exist_ok=True)
    config = {
        "telemetry": {"enabled": False},
        "python_logs": {"dagster_handler_config": dagster_handler_config(home / RUN_LOG_FILE)},
    }
    (home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    # The CLI's own runs store their events through kept connections (pipelines/dagster_storage.py); the file
    # above, read by the webserver and the daemon, keeps Dagster's storage.
    pooled_events = {
        "event_log_storage": {
            "module": "pipelines.dagster_storage",
            "class": "PooledSqliteEventLogStorage",
            "config": {"base_dir": str(home / "history" / "runs")},
        }
    }
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=pooled_events))


def run_assets(
    job_name: str,
    assets: Sequence[dg.AssetsDefinition],
    *,
    resources: Mapping[str, object],
    instance: dg.DagsterInstance,
    run_config: Mapping[str, object],
    selection: Sequence[dg.AssetKey] | None = None,
    partition_key: str | None = None,
) -> dg.ExecuteInProcessResult:
    """What `dg.materialize` does, as a run of a job named for what it does: the Dagster UI lists the CLI's runs
    as `cli_raw_load` or `cli_dbt_build` rather than all as `__ephemeral_asset_job__`."""
    defs = dg.Definitions(
        jobs=[dg.define_asset_job(job_name, selection=selection)], assets=assets, resources=resources
    )
    try:
        return defs.resolve_job_def(job_name).execute_in_process(
            run_config=run_config, instance=instance, partition_key=partition_key
        )
    finally:
        if isinstance(instance.event_log_storage, PooledSqliteEventLogStorage):
            instance.event_log_storage.close_connections()
