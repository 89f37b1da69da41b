"""What the CLI needs to run the pipeline on this machine: a database, a dbt manifest, a Dagster instance."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef

from config.settings import Settings
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
    subprocess.run(
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
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))
