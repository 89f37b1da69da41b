"""`co2calc run` loads a folder in few Dagster runs, in the order the sources check each other."""

from pathlib import Path

from pipelines.defs.csv_inbox.assets import RAW_ASSETS
from pipelines.run import delivered_files, load_batches


def test_the_units_then_the_year_less_references_then_one_run_per_year(tmp_path: Path):
    for name in (
        "travel_planes_2024.csv",
        "travel_planes_2025.csv",
        "headcount_2025.csv",
        "building_rooms_reference.csv",
        "units.csv",
        "researchfacilities_common_2025.csv",
        "facility_footprints_2025.csv",
    ):
        (tmp_path / name).write_text("")
    routed, _ = delivered_files(tmp_path)
    batches = [(year, [path.name for path, _, _ in batch]) for year, batch in load_batches(routed)]
    assert batches == [
        (None, ["units.csv"]),
        (None, ["building_rooms_reference.csv"]),
        (
            2025,
            [
                "facility_footprints_2025.csv",
                "headcount_2025.csv",
                "researchfacilities_common_2025.csv",
                "travel_planes_2025.csv",
            ],
        ),
        (2024, ["travel_planes_2024.csv"]),
    ]


def test_a_second_file_of_a_source_and_year_waits_for_a_later_run():
    routed = [
        (Path("travel_planes_2025.csv"), "travel_planes", 2025),
        (Path("travel_planes_2025_lab.csv"), "travel_planes", 2025),
        (Path("headcount_2025.csv"), "headcount", 2025),
    ]
    assert [[path.name for path, _, _ in batch] for _, batch in load_batches(routed)] == [
        ["travel_planes_2025.csv", "headcount_2025.csv"],
        ["travel_planes_2025_lab.csv"],
    ]


def test_a_facility_use_file_loads_after_its_years_facility_reference_in_one_run():
    # Guards against a use file refused as RF_UNKNOWN_FACILITY because Dagster ran it first.
    deps = RAW_ASSETS["researchfacilities_animals"].asset_deps[RAW_ASSETS["researchfacilities_animals"].key]
    assert RAW_ASSETS["facility_footprints"].key in deps
