"""A freshness check on every source asset, its threshold taken from `config/cadences.yaml`.

Why asset checks reading `ops.loads` rather than Dagster 1.13's own freshness machinery:
- `FreshnessPolicy.time_window` / `.cron` (preview in 1.13, off unless `freshness: enabled` is set in
  dagster.yaml) and `build_last_update_freshness_checks` judge an asset by the materialisations Dagster
  recorded. Files also arrive through `co2calc ingest`, outside any Dagster run, and `ops.loads` is where
  every load, whoever made it, is recorded.
- A yearly file is late when the reporting year it should deliver is missing, whatever the time of its last
  load (a correction of an old year is no delivery of the new one); Dagster's checks know times only, and
  `build_time_partition_freshness_checks` needs time-window partitions, not our static reporting years.
So each check asks `ingest.freshness.latest_load` and `config.cadences.evaluate_freshness`, the same pair the
data-quality page uses, and `hourly_freshness_check_job` runs them all.
"""

from datetime import UTC, datetime

import dagster as dg

from config.cadences import IntervalCadence, YearlyCadence, evaluate_freshness, load_cadences
from config.settings import get_settings
from ingest.contracts import SOURCES
from ingest.freshness import latest_load
from pipelines.defs.feeds.assets import FEEDS
from pipelines.defs.resources import WarehouseResource

FRESH_PER_CADENCE_CHECK = "fresh_per_cadence"

CADENCES = load_cadences(get_settings().cadences_file)
CADENCES.require_every(get_settings().cadences_file, SOURCES, [feed.name for feed in FEEDS])


def freshness_check(
    asset_key: dg.AssetKey,
    cadence: YearlyCadence | IntervalCadence,
    *,
    source_code: str | None = None,
    feed_name: str | None = None,
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key,
        name=FRESH_PER_CADENCE_CHECK,
        description=f"A successful load arrived when its cadence expects ({cadence.describe()}, config/cadences.yaml).",
    )
    def _fresh(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        latest = latest_load(warehouse.engine(), source_code=source_code, feed_name=feed_name)
        freshness = evaluate_freshness(cadence, latest, datetime.now(UTC))
        return dg.AssetCheckResult(
            passed=freshness.status == "fresh",
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "status": freshness.status,
                "cadence": cadence.describe(),
                "last_loaded_at": latest.finished_at.isoformat() if latest else "never",
                "latest_reporting_year": str(latest.reporting_year)
                if latest and latest.reporting_year
                else "",
                "due_at": freshness.due_at.isoformat() if freshness.due_at else "",
            },
        )

    return _fresh


FRESHNESS_CHECKS = [
    *(
        freshness_check(dg.AssetKey(["raw", code]), cadence, source_code=code)
        for code, cadence in CADENCES.files.items()
    ),
    *(
        freshness_check(dg.AssetKey(["raw", "feeds", name]), cadence, feed_name=name)
        for name, cadence in CADENCES.feeds.items()
    ),
]

hourly_freshness_check_job = dg.define_asset_job(
    "hourly_freshness_check_job", selection=dg.AssetSelection.checks(*FRESHNESS_CHECKS)
)

# Running from the start: the checks only read the warehouse, and a stale feed is noticed within the hour.
hourly_freshness_check_job_schedule = dg.ScheduleDefinition(
    job=hourly_freshness_check_job,
    cron_schedule="5 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    asset_checks=FRESHNESS_CHECKS,
    jobs=[hourly_freshness_check_job],
    schedules=[hourly_freshness_check_job_schedule],
)
