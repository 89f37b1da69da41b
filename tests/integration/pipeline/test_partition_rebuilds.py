"""A build after loads rebuilds the partitions they touched only, and its rows are those of a full build.

The oracle is the full build (`--full-refresh`, every model recreated from raw): after a correction, a replaced
file and a deleted load, each followed by a partition build, every table of marts and reporting must hold
exactly the rows a full build then gives, and the years no load touched must not have been rewritten.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file
from ingest.steward import delete_load
from pipelines.defs.resources import WarehouseResource
from pipelines.run import build_models
from tests.conftest import BuiltWarehouse, clone_database, drop_database, pipeline_settings

# Every table a partition build writes (incremental models of marts and reporting) and the small tables it
# recreates whole.
TABLES = (
    "marts.fct_emissions",
    "marts.fct_unresolved_rows",
    "marts.fct_emissions__unit_factor_year",
    "marts.fct_emissions__subtree_factor_year",
    "marts.fct_headcount__unit_year",
    "reporting.rpt_footprint__unit_year",
    "reporting.rpt_footprint__subtree_year",
    "reporting.rpt_footprint__subtree_category_year",
    "reporting.rpt_headcount__subtree_year",
    "reporting.rpt_additional__subtree_year",
    "reporting.rpt_travel__subtree_year",
    "reporting.rpt_travel__subtree_routes_year",
    "reporting.rpt_quality__subtree_year",
    "reporting.rpt_travel__unit_year",
    "reporting.rpt_travel__routes",
    "reporting.rpt_additional__unit_year",
    "reporting.rpt_benchmarks__school_year",
    "reporting.rpt_factor_sets__in_use",
    "reporting.rpt_quality__unmatched_rows",
    "reporting.rpt_headcount__unit_year",
    "reporting.rpt_emission_categories",
)


@pytest.fixture(scope="module")
def warehouse(
    postgres_server_url: str, generated_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, Path]]:
    """A copy of the generated warehouse (the tests change it), its delivered files, and a folder of its own."""
    url = clone_database(postgres_server_url, generated_warehouse.template_url, "co2calc_partitions")
    yield url, generated_warehouse.files, tmp_path_factory.mktemp("partition_rebuilds")
    drop_database(postgres_server_url, url)


def table_digests(engine: sa.Engine, where: str = "true") -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table's rows (`where` on tables with a year)."""
    digests = {}
    with engine.connect() as connection:
        for table in TABLES:
            has_year = connection.execute(
                sa.text(
                    "select count(*) > 0 from information_schema.columns "
                    "where table_schema || '.' || table_name = :table and column_name = 'reporting_year'"
                ),
                {"table": table},
            ).scalar_one()
            digests[table] = tuple(
                connection.exec_driver_sql(
                    f"select count(*), coalesce(md5(string_agg(md5(t::text), '' order by t::text)), '') "
                    f"from {table} as t where {where if has_year else 'true'}"
                ).one()
            )
    return digests


def travel_t(engine: sa.Engine, year: int) -> float:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "select sum(t_co2e) from reporting.rpt_footprint__unit_year "
                "where module_code = 'travel' and reporting_year = :year"
            ),
            {"year": year},
        ).scalar_one()


def active_load(engine: sa.Engine, source_code: str, year: int) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "select load_id from ops.loads where source_code = :source and reporting_year = :year "
                "and load_status = 'active' and corrects_load_id is null"
            ),
            {"source": source_code, "year": year},
        ).scalar_one()


def last_build(engine: sa.Engine) -> sa.Row:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "select build_kind, source_codes, reporting_years, build_status from ops.builds "
            "order by build_id desc limit 1"
        ).one()


def rewrite(source: Path, target: Path, keep, change) -> Path:
    """`source` as CSV rows through `keep` (which rows) and `change` (what becomes of each)."""
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(change(row) for index, row in enumerate(rows) if keep(index, row))
    return target


def test_partition_builds_after_a_correction_a_replacement_and_a_deletion_equal_a_full_build(warehouse):
    url, files, tmp = warehouse
    settings = pipeline_settings(tmp)
    engine = sa.create_engine(url)
    untouched_before = table_digests(engine, "reporting_year = 2024")
    travel_2025_before = travel_t(engine, 2025)

    unit = next(csv.DictReader((files / "travel_planes_2025.csv").open()))["unit_institutional_id"]
    correction = rewrite(
        files / "travel_planes_2025.csv",
        tmp / "travel_planes_2025_correction.csv",
        keep=lambda _i, row: row["unit_institutional_id"] == unit,
        change=lambda row: {**row, "number_of_trips": str(int(row["number_of_trips"]) + 1)},
    )
    load_file(
        engine,
        correction,
        "travel_planes",
        reporting_year=2025,
        corrects_load_id=active_load(engine, "travel_planes", 2025),
        loaded_by="test",
    )
    assert build_models(settings, url).source_codes == ("travel_planes",)
    assert tuple(last_build(engine)) == ("partitions", ["travel_planes"], [2025], "succeeded")
    assert travel_t(engine, 2025) > travel_2025_before
    assert table_digests(engine, "reporting_year = 2024") == untouched_before

    replacement = rewrite(
        files / "headcount_2023.csv",
        tmp / "headcount_2023.csv",
        keep=lambda index, _row: index % 3 != 0,
        change=lambda row: row,
    )
    load_file(engine, replacement, "headcount", reporting_year=2023, loaded_by="test")
    delete_load(engine, active_load(engine, "purchases_consumables", 2023), reason="test", deleted_by="test")
    plan = build_models(settings, url)
    assert (plan.is_full, plan.source_codes, plan.reporting_years) == (
        False,
        ("headcount", "purchases_consumables"),
        (2023,),
    )
    assert table_digests(engine, "reporting_year = 2024") == untouched_before

    assert build_models(settings, url).is_empty
    after_partitions = table_digests(engine)
    assert build_models(settings, url, full=True).is_full
    assert last_build(engine).build_kind == "full"
    assert table_digests(engine) == after_partitions
    engine.dispose()


def test_a_new_unit_tree_rebuilds_every_model(warehouse):
    url, files, tmp = warehouse
    engine = sa.create_engine(url)
    planner = WarehouseResource(database_url=url)
    load_file(engine, files / "units.csv", "units", loaded_by="test")
    assert not planner.plan_build().is_full, "the same unit tree again changes nothing"
    renamed = rewrite(
        files / "units.csv",
        tmp / "units_renamed.csv",
        keep=lambda _i, _row: True,
        change=lambda row: {**row, "unit_name": row["unit_name"] + " (renamed)"},
    )
    load_file(engine, renamed, "units", loaded_by="test")
    assert planner.plan_build().is_full
    engine.dispose()
