"""Retention (METHODOLOGY.md §2.3, ingest/retention.py) as a job: travel detail purged after five reporting years
(its emissions frozen first), every row after ten, audited in ops.retention_runs.

The schedule ships stopped: purging is irreversible, so an institution starts it once it has checked a dry run
(`co2calc retention --dry-run`, or this job with `dry_run: true`). It runs monthly, before the daily dbt build,
which rebuilds marts and reporting from what the purge left (the frozen aggregates included).
"""

import dagster as dg

from config.settings import get_settings
from ingest.retention import run_retention
from pipelines.defs.feeds.assets import loaded_by
from pipelines.defs.resources import WarehouseResource


class RetentionConfig(dg.Config):
    dry_run: bool = False
    # The current reporting year the ages count from; unset: this year (tests and replays set it).
    as_of_year: int | None = None


@dg.op(
    description="Plan the purge and, unless dry_run, freeze the old travel emissions and delete the old rows."
)
def apply_retention(
    context: dg.OpExecutionContext, config: RetentionConfig, warehouse: WarehouseResource
) -> dg.Output[int]:
    result = run_retention(
        warehouse.engine(),
        get_settings(),
        acted_by=loaded_by(context.run),
        dry_run=config.dry_run,
        as_of_year=config.as_of_year,
        dagster_run_id=context.run_id,
    )
    for line in result.describe():
        context.log.info(line)
    return dg.Output(
        result.retention_run_id,
        metadata={
            "dry_run": result.is_dry_run,
            "as_of_year": result.as_of_year,
            "rows": sum(count.row_count for count in result.counts),
            "plan": "\n".join(result.describe()),
        },
    )


@dg.job(
    description="Retention: purge travel detail after five reporting years, everything after ten (audited)."
)
def retention_job():
    apply_retention()


retention_job_schedule = dg.ScheduleDefinition(
    job=retention_job,
    cron_schedule="0 3 1 * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

defs = dg.Definitions(jobs=[retention_job], schedules=[retention_job_schedule])
