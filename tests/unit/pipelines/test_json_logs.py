"""Every run on a co2calc Dagster instance also logs JSON lines carrying its run id."""

import json
from pathlib import Path

import dagster as dg
import yaml

from config.settings import Settings
from pipelines.json_logs import dagster_handler_config
from pipelines.runtime import RUN_LOG_FILE, dagster_instance

DEPLOY_DAGSTER_YAML = Path(__file__).resolve().parents[3] / "deploy" / "dagster" / "dagster.yaml"


@dg.asset
def counted_rows(context: dg.AssetExecutionContext) -> int:
    context.log.info("counted 42 rows")
    return 42


def test_a_run_on_the_local_instance_writes_json_lines_with_its_run_id(tmp_path):
    settings = Settings(state_dir=tmp_path)
    result = dg.materialize([counted_rows], instance=dagster_instance(settings))

    lines = (settings.dagster_home / RUN_LOG_FILE).read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries and all(entry["run_id"] == result.run_id for entry in entries)
    (message,) = [entry for entry in entries if entry["message"] == "counted 42 rows"]
    assert (message["level"], message["step"]) == ("info", "counted_rows")
    assert {"STEP_START", "STEP_SUCCESS"} <= {entry.get("event") for entry in entries}


def test_the_compose_instance_logs_the_same_way():
    config = yaml.safe_load(DEPLOY_DAGSTER_YAML.read_text())["python_logs"]["dagster_handler_config"]
    log_file = config["handlers"]["co2calc_json"]["filename"]
    assert log_file.startswith("/opt/dagster/dagster_home/storage/")
    assert config == dagster_handler_config(log_file)
