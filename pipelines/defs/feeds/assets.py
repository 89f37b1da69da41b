"""One asset per system feed of `config/feeds.yaml`, pulled by its own schedule.

A feed asset pulls what is new since its cursor and loads it into `raw.<source>` through `ingest.load`
(ingest/feeds). Its key is `raw/feeds/<feed name>`: what it writes lands in raw, so the dbt rebuild that
follows a raw load follows a feed run too. Schedules ship stopped (a feed needs its URL and secrets).
"""

import dagster as dg

from config.feeds import HttpFeed, SqlFeed, load_feeds
from config.settings import get_settings
from ingest.feeds import run_feed
from pipelines.defs.resources import WarehouseResource

ROWS_VALID_CHECK = "rows_valid"


def loaded_by(run: dg.DagsterRun) -> str:
    """Who started the run, for ops.loads and the audit log: its schedule or sensor, else `dagster`."""
    if schedule := run.tags.get("dagster/schedule_name"):
        return f"schedule {schedule}"
    if sensor := run.tags.get("dagster/sensor_name"):
        return f"sensor {sensor}"
    return "dagster"


def feed_asset(feed: HttpFeed | SqlFeed) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", "feeds", feed.name])

    @dg.asset(
        key=key,
        group_name="feeds",
        description=feed.description or f"Rows of {feed.source} pulled by the {feed.kind} feed {feed.name}.",
        check_specs=[
            dg.AssetCheckSpec(
                ROWS_VALID_CHECK,
                asset=key,
                description="No pulled row was refused (refused rows are in ops.rejects).",
            )
        ],
        kinds={"postgres", "python"},
        metadata={"source": feed.source, "feed_kind": feed.kind},
    )
    def _pull(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        result = run_feed(
            warehouse.engine(), feed, loaded_by=loaded_by(context.run), dagster_run_id=context.run.run_id
        )
        for warning in result.warnings:
            context.log.warning(warning)
        context.log.info(
            f"{feed.name}: {result.batches} batches, {result.rows_accepted} rows accepted, "
            f"{result.rows_rejected} refused; cursor {result.cursor_before} -> {result.cursor_after}"
        )
        first_reasons = "\n".join(str(r) for load in result.loads for r in load.rejected_rows[:10])
        yield dg.MaterializeResult(
            metadata={
                "cursor_before": result.cursor_before or "",
                "cursor_after": result.cursor_after or "",
                "batches": result.batches,
                "load_ids": ", ".join(str(load.load_id) for load in result.loads),
                "rows_accepted": result.rows_accepted,
                "rows_rejected": result.rows_rejected,
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=ROWS_VALID_CHECK,
                    passed=result.rows_rejected == 0 and not result.warnings,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={
                        "first_reasons": first_reasons or "none",
                        "warnings": "\n".join(result.warnings),
                    },
                )
            ],
        )

    return _pull


def feed_schedule(feed: HttpFeed | SqlFeed, asset: dg.AssetsDefinition) -> dg.ScheduleDefinition:
    job = dg.define_asset_job(f"pull_{feed.name}_job", selection=[asset.key])
    return dg.ScheduleDefinition(
        job=job,
        cron_schedule=feed.schedule,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )


FEEDS = load_feeds(get_settings().feeds_file)
FEED_ASSETS = {feed.name: feed_asset(feed) for feed in FEEDS}
FEED_SCHEDULES = [feed_schedule(feed, FEED_ASSETS[feed.name]) for feed in FEEDS]

defs = dg.Definitions(assets=list(FEED_ASSETS.values()), schedules=FEED_SCHEDULES)
