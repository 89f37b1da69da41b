"""A snapshot of the Dagster code location: a change to the asset graph shows up here as a reviewable diff."""

import dagster as dg
import pytest


@pytest.fixture(scope="module")
def repository():
    from pipelines.definitions import defs

    return defs.get_repository_def()


def keys_of_group(repository, group: str) -> set[str]:
    graph = repository.asset_graph
    return {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).group_name == group}


def test_raw_assets_are_one_per_source_keyed_by_warehouse_location(repository):
    assert keys_of_group(repository, "raw") == {
        "raw/units",
        "raw/headcount",
        "raw/travel_planes",
        "raw/travel_trains",
        "raw/processemissions",
        "raw/equipment_scientific",
        "raw/equipment_it",
        "raw/equipment_other",
        "raw/building_rooms_reference",
        "raw/building_rooms",
        "raw/building_energycombustions",
        "raw/building_room_intensities",
        "raw/external_clouds",
        "raw/external_ai",
        "raw/facility_footprints",
        "raw/researchfacilities_common",
        "raw/researchfacilities_animals",
        "raw/purchases_scientificequipment",
        "raw/purchases_itequipment",
        "raw/purchases_consumables",
        "raw/purchases_biological_chemical_gaseous",
        "raw/purchases_services",
        "raw/purchases_other",
        "raw/purchases_vehicles",
        "raw/purchases_common",
        "raw/purchases_additional",
        "raw/additional_intensities",
        "raw/travel_cars",
        "raw/construction_intensities",
    }


def test_dbt_models_are_keyed_schema_slash_table(repository):
    assert {"marts/fct_emissions", "marts/dim_units", "reporting/rpt_footprint__unit_year"} <= keys_of_group(
        repository, "marts"
    ) | keys_of_group(repository, "reporting")
    assert keys_of_group(repository, "reference") >= {
        "reference/airports",
        "reference/train_stations",
        "reference/seed_factor_sets",
        "reference/seed_factors__flights",
        "reference/seed_factors__rail",
    }


def test_every_dbt_check_says_what_it_asserts(repository):
    descriptions = {
        (key.asset_key.to_user_string(), key.name): repository.asset_graph.get_check_spec(key).description
        for key in repository.asset_graph.asset_check_keys
        if key.asset_key.path[0] in {"staging", "intermediate", "marts", "reporting", "reference"}
    }
    assert descriptions and all(descriptions.values())
    assert descriptions[("marts/dim_units", "not_null_dim_units_unit_id")] == "No row lacks `unit_id`."
    relationships = [
        text
        for (asset, name), text in descriptions.items()
        if asset == "staging/stg_csv__travel_cars" and "unit_id__unit" in name
    ]
    assert relationships == ["Every `unit_id` is a `unit_id` of `stg_csv__units`."]
    # A singular test is described by the comment it opens with.
    assert descriptions[
        ("reference/seed_factors__gwp", "assert_gwp_blends_match_their_components")
    ].startswith("A failure means a refrigerant blend's GWP in seed_factors__gwp differs by more than 0.2 %")


def test_dbt_sources_point_back_at_the_raw_assets(repository):
    graph = repository.asset_graph
    upstream = graph.get(dg.AssetKey(["staging", "stg_csv__travel_planes"])).parent_keys
    assert dg.AssetKey(["raw", "travel_planes"]) in upstream


def test_year_partitioned_sources_and_their_blocking_check(repository):
    graph = repository.asset_graph
    planes = graph.get(dg.AssetKey(["raw", "travel_planes"]))
    assert "2025" in planes.partitions_def.get_partition_keys()
    assert graph.get(dg.AssetKey(["raw", "units"])).partitions_def is None
    check_names = {key.name for key in graph.get_check_keys_for_assets({planes.key})}
    assert check_names == {"file_accepted", "rows_valid", "fresh_per_cadence"}
    assert graph.get_check_spec(dg.AssetCheckKey(planes.key, "file_accepted")).blocking is True


def test_jobs_schedules_and_sensors(repository):
    assert {s.name for s in repository.sensor_defs} == {
        "inbox_sensor",
        "s3_inbox_sensor",
        "dbt_after_raw_load_sensor",
        "run_failure_alert_sensor",
    }
    assert {s.name: s.cron_schedule for s in repository.schedule_defs} == {
        "daily_dbt_build_job_schedule": "0 5 * * *",
        "pull_travel_agency_bookings_job_schedule": "15 * * * *",
        "pull_hr_headcount_job_schedule": "0 6 * * *",
        "pull_expense_flights_job_schedule": "30 * * * *",
        "retention_job_schedule": "0 3 1 * *",
        "hourly_freshness_check_job_schedule": "5 * * * *",
    }
    assert {"daily_dbt_build_job", "retention_job"} <= {j.name for j in repository.get_all_jobs()}


def test_the_retention_schedule_ships_stopped_and_runs_the_retention_op(repository):
    schedule = repository.get_schedule_def("retention_job_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.job_name == "retention_job"
    assert [node.name for node in repository.get_job("retention_job").nodes] == ["apply_retention"]


def test_every_feed_of_config_feeds_yaml_is_an_asset_with_a_stopped_schedule(repository):
    assert keys_of_group(repository, "feeds") == {
        "raw/feeds/travel_agency_bookings",
        "raw/feeds/hr_headcount",
        "raw/feeds/expense_flights",
    }
    schedule = repository.get_schedule_def("pull_hr_headcount_job_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert repository.get_job("pull_hr_headcount_job").asset_layer.selected_asset_keys == {
        dg.AssetKey(["raw", "feeds", "hr_headcount"])
    }


def test_every_source_and_feed_asset_has_a_freshness_check_run_by_a_running_hourly_schedule(repository):
    graph = repository.asset_graph
    source_assets = {
        key for key in graph.get_all_asset_keys() if graph.get(key).group_name in {"raw", "feeds"}
    }
    freshness_checks = {key for key in graph.asset_check_keys if key.name == "fresh_per_cadence"}
    assert {check.asset_key for check in freshness_checks} == source_assets
    job = repository.get_job("hourly_freshness_check_job")
    # The job runs the checks only: no asset is materialised by it.
    assert (job.asset_layer.asset_graph.asset_check_keys, job.asset_layer.selected_asset_keys) == (
        freshness_checks,
        set(),
    )
    schedule = repository.get_schedule_def("hourly_freshness_check_job_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
