"""The inbox sensor: a new file in the inbox folder starts a run of the raw asset its name routes to.

Each file's run key is its name and content hash, and Dagster never starts two runs with one key: a
file is loaded once whatever its modification time (copied files keep an old one), and a corrected
file under the same name is loaded again.
"""

import hashlib

import dagster as dg

from config.settings import get_settings
from ingest.contracts import source_for_file


@dg.sensor(
    name="inbox_sensor",
    asset_selection=dg.AssetSelection.groups("raw"),
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads every new file dropped in the inbox folder, routed by its name (travel_planes_2025.csv...).",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    inbox = get_settings().inbox_dir
    if not inbox.is_dir():
        return dg.SkipReason(f"inbox {inbox} does not exist")
    requests = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file()):
        routed = source_for_file(path.name)
        if routed is None:
            context.log.warning(f"{path.name}: no source matches this file name; left in the inbox")
            continue
        contract, year = routed
        if contract.has_reporting_year and year is None:
            context.log.warning(f"{path.name}: name carries no reporting year (_YYYY); left in the inbox")
            continue
        content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        requests.append(
            dg.RunRequest(
                run_key=f"{path.name}:{content_hash}",
                asset_selection=[dg.AssetKey(["raw", contract.source_code])],
                partition_key=str(year) if contract.has_reporting_year else None,
                run_config={
                    "ops": {
                        f"raw__{contract.source_code}": {"config": {"path": str(path), "loaded_by": "inbox"}}
                    }
                },
            )
        )
    return requests


defs = dg.Definitions(sensors=[inbox_sensor])
