"""Every dbt model and seed as an asset keyed by its warehouse location (`marts/fct_emissions`).

The manifest is built by `make manifest` (`dbt parse`) and in the image build, never at import.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from pipelines.defs.resources import DBT_PROJECT, WarehouseResource


class WarehouseLocationTranslator(DagsterDbtTranslator):
    """Asset key = schema/table; sources keep the key their YAML gives them (raw/<table>)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


@dbt_assets(manifest=DBT_PROJECT.manifest_path, dagster_dbt_translator=WarehouseLocationTranslator())
def dbt_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    yield from warehouse.dbt_cli(["build"], context=context).stream()


daily_dbt_build_job = dg.define_asset_job(
    "daily_dbt_build_job",
    selection=dg.AssetSelection.assets(dbt_models),
    description="Rebuild every model from what raw holds (also run after each raw load by dbt_after_raw_load_sensor).",
)
daily_dbt_build_job_schedule = dg.ScheduleDefinition(job=daily_dbt_build_job, cron_schedule="0 5 * * *")

defs = dg.Definitions(
    assets=[dbt_models], jobs=[daily_dbt_build_job], schedules=[daily_dbt_build_job_schedule]
)
