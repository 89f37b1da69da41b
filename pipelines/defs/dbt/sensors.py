"""Rebuild the models after a raw load, so the dashboard shows a new file without waiting for the schedule."""

import dagster as dg

from pipelines.defs.dbt.assets import daily_dbt_build_job, dbt_models, partition_selection
from pipelines.defs.resources import WarehouseResource


@dg.run_status_sensor(
    name="dbt_after_raw_load_sensor",
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=daily_dbt_build_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "After a successful run that materialised a raw asset, rebuilds the dbt models downstream of the sources "
        "loaded since the last build, for their reporting years only (every model when a year-less source such "
        "as the unit tree changed): pipelines/build.py."
    ),
)
def dbt_after_raw_load_sensor(context: dg.RunStatusSensorContext, warehouse: WarehouseResource):
    selection = context.dagster_run.asset_selection or set()
    if not any(key.path[0] == "raw" for key in selection):
        return dg.SkipReason("the run loaded no raw asset")
    plan = warehouse.plan_build()
    if plan.is_empty:
        return dg.SkipReason("a build after the load already took it in")
    return dg.RunRequest(
        run_key=f"dbt_after_{context.dagster_run.run_id}",
        asset_selection=None if plan.is_full else partition_selection(plan),
        run_config={"ops": {dbt_models.op.name: {"config": {"plan": plan.as_config()}}}},
    )


defs = dg.Definitions(sensors=[dbt_after_raw_load_sensor])
