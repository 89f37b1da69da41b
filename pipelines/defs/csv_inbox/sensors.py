"""The inbox sensors: a new file in the inbox folder, or a new object in the S3 inbox, starts a run of the raw
asset its name routes to.

Each run key is the delivery's name and what identifies its content, and Dagster never starts two runs with one
key. A file's is its SHA-256: it is loaded once whatever its modification time (copied files keep an old one),
and a corrected file under the same name is loaded again. An object's is its ETag and upload time: the S3 inbox
moves each handled object out (ingest/s3_inbox.py), so an upload under a known key, even of the same bytes, is
a new delivery, which the load finds unchanged and moves to `processed/`. A symbolic link, FIFO, device or socket in
the folder is refused without being read (`inbox_file_digest`), and so is one its run finds in a file's place.

Every run carries its delivery's run key as the tag `co2calc/inbox_delivery`. A file whose latest run failed because
the warehouse failed for a while (tagged `co2calc/transient_failure` by its raw asset, after its own retries) is
started again under the key `<run key>:retry-N`, at most `INBOX_RETRIES` times: a deadlock or a database restart
does not leave a delivered file unloaded (issue 11). A file refused, or failing for any other reason, is not.
"""

import json

import dagster as dg

from config.settings import get_settings
from ingest.contracts import source_for_file
from ingest.file_limits import inbox_file_digest
from ingest.s3_inbox import S3Inbox
from pipelines.defs.csv_inbox.assets import TRANSIENT_FAILURE_TAG

S3_INBOX_LOADED_BY = "s3 inbox"
INBOX_DELIVERY_TAG = "co2calc/inbox_delivery"
INBOX_RETRIES = 3


def routed_run_request(
    file_name: str, run_key: str, file_config: dict[str, str], *, attempt_key: str | None = None
) -> dg.RunRequest | str:
    """The run loading a delivery into the raw asset its name routes to, or why the name routes nowhere.
    `attempt_key`: the key of a run that tries the delivery again (default: `run_key`)."""
    routed = source_for_file(file_name)
    if routed is None:
        return f"{file_name}: no source matches this file name (units.csv, travel_planes_2025.csv...)"
    contract, year = routed
    if contract.has_reporting_year and year is None:
        return f"{file_name}: name carries no reporting year (_YYYY)"
    return dg.RunRequest(
        run_key=attempt_key or run_key,
        tags={INBOX_DELIVERY_TAG: run_key},
        asset_selection=[dg.AssetKey(["raw", contract.source_code])],
        partition_key=str(year) if contract.has_reporting_year else None,
        run_config={"ops": {f"raw__{contract.source_code}": {"config": file_config}}},
    )


def retry_keys(instance: dg.DagsterInstance, run_keys: list[str]) -> dict[str, str]:
    """Run key -> the key of its next attempt, for the deliveries whose latest run failed for a transient reason
    and that have not had `INBOX_RETRIES` retries yet."""
    if not run_keys:
        return {}
    runs_by_key: dict[str, list[dg.DagsterRun]] = {}
    # Newest first (Dagster's order), so each list's first run is the delivery's latest.
    for run in instance.get_runs(filters=dg.RunsFilter(tags={INBOX_DELIVERY_TAG: run_keys})):
        runs_by_key.setdefault(run.tags[INBOX_DELIVERY_TAG], []).append(run)
    return {
        run_key: f"{run_key}:retry-{len(runs)}"
        for run_key, runs in runs_by_key.items()
        if runs[0].status == dg.DagsterRunStatus.FAILURE
        and TRANSIENT_FAILURE_TAG in runs[0].tags
        and len(runs) <= INBOX_RETRIES
    }


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
    delivered = {}
    for path in sorted(p for p in inbox.iterdir() if not p.is_dir() or p.is_symlink()):
        content_hash, refusal = inbox_file_digest(path)
        if refusal is not None:
            context.log.warning(f"{refusal}; left in the inbox")
            continue
        delivered[f"{path.name}:{content_hash}"] = path
    retries = retry_keys(context.instance, list(delivered))
    requests = []
    for run_key, path in delivered.items():
        request = routed_run_request(
            path.name,
            run_key,
            {"path": str(path), "loaded_by": "inbox"},
            attempt_key=retries.get(run_key),
        )
        if isinstance(request, str):
            context.log.warning(f"{request}; left in the inbox")
            continue
        requests.append(request)
    return requests


@dg.sensor(
    name="s3_inbox_sensor",
    asset_selection=dg.AssetSelection.groups("raw"),
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads every new object of the S3 inbox (CO2CALC_S3_INBOX_*), routed by its name like the folder "
    "inbox; handled objects move to processed/ or refused/.",
)
def s3_inbox_sensor(context: dg.SensorEvaluationContext):
    inbox = S3Inbox.from_settings(get_settings())
    if inbox is None:
        return dg.SkipReason("no S3 inbox configured (CO2CALC_S3_INBOX_BUCKET)")
    # The cursor holds the ETag and last-modified time of every object already handled that is still in the
    # inbox (its run has not moved it yet, or failed): a new key, or a new upload under a known key, is a new
    # delivery. Unlike one last-modified watermark, it misses no object whose upload began before the last
    # evaluation and ended after it (S3 dates an object by the start of its upload).
    seen = json.loads(context.cursor) if context.cursor else {}
    listed = inbox.list_objects()
    requests = []
    for delivered in listed:
        if seen.get(delivered.key) == delivered.delivery:
            continue
        request = routed_run_request(
            delivered.name,
            f"s3:{delivered.key}:{delivered.delivery}",
            {"s3_key": delivered.key, "s3_etag": delivered.etag, "loaded_by": S3_INBOX_LOADED_BY},
        )
        if isinstance(request, str):
            refused_key = inbox.refuse(delivered, request)
            context.log.warning(f"{request}; moved to s3://{inbox.bucket}/{refused_key}")
            continue
        requests.append(request)
    return dg.SensorResult(
        run_requests=requests, cursor=json.dumps({d.key: d.delivery for d in listed}, sort_keys=True)
    )


defs = dg.Definitions(sensors=[inbox_sensor, s3_inbox_sensor])
