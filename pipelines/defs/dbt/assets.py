"""Every dbt model and seed as an asset keyed by its warehouse location (`marts/fct_emissions`).

The manifest is built by `make manifest` (`dbt parse`) and in the image build, never at import. A run builds
what its config plans (pipelines/build.py): every model, or the partitions the loads since the last build
touched, with the models downstream of their sources selected as the run's asset subset.
"""

import json
import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
import sqlalchemy as sa
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from pipelines.build import BuildPlan, downstream_models, record_build_end, record_build_start
from pipelines.defs.resources import DBT_PROJECT, WarehouseResource


class WarehouseLocationTranslator(DagsterDbtTranslator):
    """Asset key = schema/table; sources keep the key their YAML gives them (raw/<table>)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check, described in a sentence where the test's YAML gives none (the Dagster UI said
        "No description provided" for 601 of 694 checks)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=check_description(manifest["nodes"][unique_id]))


def _model_name(reference: str) -> str:
    """`ref('rpt_travel__unit_year')` -> rpt_travel__unit_year."""
    match = re.fullmatch(r"""\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*""", reference)
    return match.group(1) if match else reference


def _listed(names: Any) -> str:
    return (
        ", ".join(f"`{name}`" for name in names)
        if isinstance(names, list)
        else "the values the project lists"
    )


def check_description(test: Mapping[str, Any]) -> str:
    """What a dbt data test asserts, as a steward reads it in the Dagster UI: its YAML description, the comment a
    singular test opens with, or a sentence made from a generic test's arguments."""
    if test.get("description"):
        return test["description"]
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    column = f"`{kwargs.get('column_name')}`"
    sentences = {
        "not_null": lambda: f"No row lacks {column}.",
        "unique": lambda: f"No two rows share one {column}.",
        "accepted_values": lambda: f"{column} is one of {_listed(kwargs.get('values'))}.",
        "relationships": lambda: (
            f"Every {column} is a `{kwargs.get('field')}` of `{_model_name(str(kwargs.get('to')))}`."
        ),
        "unique_combination": lambda: f"No two rows share the same {_listed(kwargs.get('columns'))}.",
        "parts_sum_to_total": lambda: (
            f"{column} summed by {_listed(kwargs.get('group_by'))} equals `{kwargs.get('total_column')}` of "
            f"`{_model_name(str(kwargs.get('total_model')))}`."
        ),
    }
    if metadata.get("name") in sentences:
        return sentences[metadata["name"]]()
    comment = []
    for line in (test.get("raw_code") or "").splitlines():
        if not line.startswith("--"):
            break
        comment.append(line.removeprefix("--").strip())
    return " ".join(comment) or f"dbt test `{test['name']}`: passes when it returns no row."


class DbtBuildConfig(dg.Config):
    """A BuildPlan (pipelines/build.py). Without one, the run plans for itself: every model, recreated."""

    plan: dict | None = None


@dbt_assets(manifest=DBT_PROJECT.manifest_path, dagster_dbt_translator=WarehouseLocationTranslator())
def dbt_models(context: dg.AssetExecutionContext, config: DbtBuildConfig, warehouse: WarehouseResource):
    plan = BuildPlan(**config.plan) if config.plan else warehouse.plan_build(full=True)
    engine = warehouse.engine()
    # One build at a time: two builds would delete and insert the same partitions.
    with engine.connect() as lock:
        lock.execute(sa.text("select pg_advisory_lock(ops.build_lock_key())"))
        build_id = record_build_start(engine, plan, context.run.run_id)
        succeeded = False
        try:
            yield from warehouse.dbt_cli(plan.dbt_args(), context=context).stream()
            succeeded = True
        finally:
            record_build_end(engine, build_id, succeeded=succeeded)
            lock.execute(sa.text("select pg_advisory_unlock(ops.build_lock_key())"))
    engine.dispose()


def partition_selection(plan: BuildPlan) -> list[dg.AssetKey]:
    """The asset keys of the dbt models downstream of the plan's sources: a partition build's subset."""
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    translator = WarehouseLocationTranslator()
    return [
        translator.get_asset_key(manifest["nodes"][unique_id])
        for unique_id in sorted(downstream_models(manifest, plan.source_codes))
    ]


daily_dbt_build_job = dg.define_asset_job(
    "daily_dbt_build_job",
    selection=dg.AssetSelection.assets(dbt_models),
    description="Rebuild every model from what raw holds (also run after each raw load by dbt_after_raw_load_sensor).",
)
daily_dbt_build_job_schedule = dg.ScheduleDefinition(job=daily_dbt_build_job, cron_schedule="0 5 * * *")

defs = dg.Definitions(
    assets=[dbt_models], jobs=[daily_dbt_build_job], schedules=[daily_dbt_build_job_schedule]
)
