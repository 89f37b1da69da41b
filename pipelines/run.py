"""The whole pipeline in-process, through the same Dagster assets the daemon runs.

The schema's migrations first (ingest/migrate.py), then reference data, then the units file (other sources check
their units against it), then every other delivered file of the folder, each year's files as one run of their raw
assets, then the build of what changed (every model the first time; nothing when every file was loaded before, as
in a second demo run). Each run is recorded in the local Dagster instance, so the UI shows the history.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from ingest.contracts import SOURCES, source_for_file
from ingest.migrate import describe_migration, migrate
from pipelines.build import BuildPlan
from pipelines.runtime import dagster_instance, ensure_dbt_manifest, run_assets
from pipelines.warehouse import engine_for

# The console shows the CLI's own steps, and a failure as one sentence (pipelines/cli.py); Dagster's event log stays
# complete in the instance (and its UI), and every event with its traceback in the JSON run log (runtime.py). At
# WARNING, a database that went away mid-run printed about 2,400 lines of step failures (issue 11).
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class FileRun:
    path: Path
    source_code: str
    reporting_year: int | None
    metadata: dict


def delivered_files(folder: Path) -> tuple[list[tuple[Path, str, int | None]], list[Path]]:
    """Files of `folder` that route to a source (units first, then the other references without a year such as
    the room reference: yearly files are checked against them), and the files whose name routes to none."""
    routed, unrouted = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        match = source_for_file(path.name)
        if match is None:
            unrouted.append(path)
            continue
        contract, year = match
        # A reference without a year (units, room reference) ignores a `_YYYY` suffix, as load_file does.
        routed.append((path, contract.source_code, year if contract.has_reporting_year else None))
    return sorted(
        routed, key=lambda item: (item[1] != "units", SOURCES[item[1]].has_reporting_year, item[0].name)
    ), unrouted


def load_batches(
    routed: list[tuple[Path, str, int | None]],
) -> list[tuple[int | None, list[tuple[Path, str, int | None]]]]:
    """The routed files as Dagster runs: the units alone first, each other year-less reference alone, then one run
    per reporting year with every source's file of that year (a second file of a source and year goes to a later
    run). A run costs about a second of Dagster's own time whatever it loads: 77 runs at scale 1, now 5."""
    batches: list[tuple[int | None, list[tuple[Path, str, int | None]]]] = []
    for item in routed:
        _path, source_code, year = item
        open_batch = next(
            (
                batch
                for batch_year, batch in batches
                if year is not None
                and batch_year == year
                and all(other_source != source_code for _p, other_source, _y in batch)
            ),
            None,
        )
        if open_batch is None:
            batches.append((year, [item]))
        else:
            open_batch.append(item)
    return batches


def run_pipeline(
    settings: Settings,
    database_url: str,
    folder: Path,
    on_step: Callable[[str], None] = lambda _message: None,
) -> list[FileRun]:
    ensure_dbt_manifest(settings, database_url)
    # The one-shot path from an empty database (the demo, `co2calc run`, the tests' warehouses) migrates it first;
    # loads and builds only check the version.
    engine = engine_for(database_url)
    try:
        on_step(describe_migration(migrate(engine, applied_by="co2calc run")))
    finally:
        engine.dispose()
    # Imported here: the dbt assets read the manifest the line above makes sure of.
    from pipelines.defs.csv_inbox.assets import RAW_ASSETS
    from pipelines.defs.reference.assets import reference_data
    from pipelines.defs.resources import WarehouseResource

    resources = {"warehouse": WarehouseResource(database_url=database_url)}
    instance = dagster_instance(settings)
    on_step("reference data")
    run_assets(
        "cli_reference_data",
        [reference_data],
        resources=resources,
        instance=instance,
        run_config=QUIET_CONSOLE,
    )
    file_runs = []
    routed, unrouted = delivered_files(folder)
    for path in unrouted:
        on_step(f"skipped {path.name}: its name matches no source (units.csv, travel_planes_2025.csv...)")
    for year, batch in load_batches(routed):
        for path, _source_code, _year in batch:
            on_step(f"{path.name}")
        assets = [RAW_ASSETS[source_code] for _path, source_code, _year in batch]
        result = run_assets(
            "cli_raw_load",
            assets,
            resources=resources,
            instance=instance,
            partition_key=str(year) if year is not None else None,
            run_config={
                **QUIET_CONSOLE,
                "ops": {
                    RAW_ASSETS[source_code].op.name: {
                        "config": {"path": str(path), "loaded_by": "co2calc run"}
                    }
                    for path, source_code, _year in batch
                },
            },
        )
        for path, source_code, year_of_file in batch:
            materialization = result.asset_materializations_for_node(RAW_ASSETS[source_code].op.name)[0]
            metadata = {k: v.value for k, v in materialization.metadata.items()}
            file_runs.append(FileRun(path, source_code, year_of_file, metadata))
    on_step("dbt build")
    build_models(settings, database_url)
    return file_runs


def build_models(settings: Settings, database_url: str, *, full: bool = False) -> BuildPlan:
    """Bring the models up to what raw holds, as a Dagster run of the dbt assets (what the sensor starts after
    a load): the partitions changed since the last build, or every model (`full`, or when it must be)."""
    ensure_dbt_manifest(settings, database_url)
    from pipelines.defs.dbt.assets import dbt_models, partition_selection
    from pipelines.defs.resources import WarehouseResource

    warehouse = WarehouseResource(database_url=database_url)
    plan = warehouse.plan_build(full=full)
    if plan.is_empty:
        return plan
    run_assets(
        "cli_dbt_build",
        [dbt_models],
        selection=None if plan.is_full else partition_selection(plan),
        resources={"warehouse": warehouse},
        instance=dagster_instance(settings),
        run_config={**QUIET_CONSOLE, "ops": {dbt_models.op.name: {"config": {"plan": plan.as_config()}}}},
    )
    return plan
