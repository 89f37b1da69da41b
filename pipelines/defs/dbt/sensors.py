"""Rebuild the models after a raw load, so the dashboard shows a new file without waiting for the schedule."""

import dagster as dg

from pipelines.defs.dbt.assets import daily_dbt_build_job


@dg.run_status_sensor(
    name="dbt_after_raw_load_sensor",
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=daily_dbt_build_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a successful run that materialised a raw asset, runs daily_dbt_build_job.",
)
def dbt_after_raw_load_sensor(context: dg.RunStatusSensorContext):
    selection = context.dagster_run.asset_selection or set()
    if any(key.path[0] == "raw" for key in selection):
        return dg.RunRequest(run_key=f"dbt_after_{context.dagster_run.run_id}")
    return dg.SkipReason("the run loaded no raw asset")


defs = dg.Definitions(sensors=[dbt_after_raw_load_sensor])
