"""Contracts and row rules of the buildings sources (METHODOLOGY.md §3.3 (a), (e)), and the fuel seed that
validation shares with the dbt models."""

import csv

import polars as pl
import pytest

from ingest.contracts import (
    BUILDING_ENERGYCOMBUSTIONS,
    BUILDING_ROOM_INTENSITIES,
    BUILDING_ROOMS,
    BUILDING_ROOMS_REFERENCE,
    FUEL_UNITS,
    SourceContract,
    source_for_file,
)
from ingest.reference import StationIndex, epfl_template_header, seeds_dir
from ingest.validate import Lookups, room_key, validate_rows
from pipelines.run import delivered_files

LOOKUPS = Lookups(
    unit_ids=frozenset({"11110"}),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
    rooms={room_key("AAB", "AAB 0 01"): ("AAB", "AAB 0 01")},
)


def check(contract: SourceContract, **cells: str | None) -> tuple[dict, list[str]]:
    unit = {"unit_institutional_id": "11110"} if "unit_institutional_id" in contract.column_names else {}
    row = {name: None for name in contract.column_names} | unit | cells
    frame = pl.DataFrame([row], schema={name: pl.String for name in contract.column_names})
    checked, problems = validate_rows(frame, contract, reporting_year=2025, lookups=LOOKUPS)
    return checked.row(0, named=True), [p.reason_code for p in problems]


def room(**cells: str | None) -> dict[str, str | None]:
    return {"building_name": "AAB", "room_name": "AAB 0 01", "room_type": "office"} | cells


def fuel(**cells: str | None) -> dict[str, str | None]:
    return {"name": "natural_gas", "unit": "kWh", "quantity": "1200"} | cells


def intensity(**cells: str | None) -> dict[str, str | None]:
    row = {
        "building_name": "default",
        "room_type": "office",
        "end_use": "heating",
        "intensity_kwh_per_m2": "70",
    }
    return row | {"carrier_code": "natural_gas"} | cells


def test_rooms_contract_is_the_unit_column_the_epfl_template_header_the_ratio_and_the_override():
    assert BUILDING_ROOMS.column_names == (
        "unit_institutional_id",
        *epfl_template_header("building_rooms_template.csv"),
        "room_allocation_ratio",
        "kg_co2eq",
    )


def test_combustion_contract_is_the_unit_column_the_epfl_template_header_and_the_override():
    assert BUILDING_ENERGYCOMBUSTIONS.column_names == (
        "unit_institutional_id",
        *epfl_template_header("building_energycombustions_template.csv"),
        "kg_co2eq",
    )


def test_building_file_names_route_to_their_source_the_references_without_a_year():
    assert source_for_file("building_rooms_2025.csv") == (BUILDING_ROOMS, 2025)
    assert source_for_file("building_rooms_reference.csv") == (BUILDING_ROOMS_REFERENCE, None)
    assert source_for_file("building_energycombustions_2024.csv") == (BUILDING_ENERGYCOMBUSTIONS, 2024)
    assert source_for_file("building_room_intensities_2025.csv") == (BUILDING_ROOM_INTENSITIES, 2025)
    assert not BUILDING_ROOMS_REFERENCE.has_reporting_year
    assert BUILDING_ROOM_INTENSITIES.has_reporting_year


def test_the_pipeline_loads_the_room_reference_before_the_yearly_files_checked_against_it(tmp_path):
    for name in ("building_rooms_2025.csv", "building_rooms_reference_2025.csv", "units.csv"):
        (tmp_path / name).write_text("")
    routed, _ = delivered_files(tmp_path)
    assert [(path.name, year) for path, _, year in routed] == [
        ("units.csv", None),
        ("building_rooms_reference_2025.csv", None),
        ("building_rooms_2025.csv", 2025),
    ]


def test_a_room_of_the_reference_is_valid_stored_in_the_reference_spelling_with_ratio_1_by_default():
    row, codes = check(BUILDING_ROOMS, **room(building_name="aab", room_name="aab  0 01", room_type="Office"))
    assert codes == []
    assert (row["building_name"], row["room_name"], row["room_type"], row["room_allocation_ratio"]) == (
        "AAB",
        "AAB 0 01",
        "office",
        "1",
    )


def test_a_room_not_in_the_reference_is_refused_with_bldg_unknown_room():
    assert check(BUILDING_ROOMS, **room(room_name="AAB 9 99"))[1] == ["BLDG_UNKNOWN_ROOM"]


def test_without_a_loaded_reference_the_message_says_to_load_it_first():
    no_reference = Lookups(
        unit_ids=LOOKUPS.unit_ids, airport_codes=frozenset(), stations=LOOKUPS.stations, rooms={}
    )
    frame = pl.DataFrame(
        [{"unit_institutional_id": "11110", **room()}],
        schema={name: pl.String for name in ("unit_institutional_id", *room())},
    )
    _, problems = validate_rows(frame, BUILDING_ROOMS, reporting_year=2025, lookups=no_reference)
    assert [p.reason_code for p in problems] == ["BLDG_UNKNOWN_ROOM"]
    assert "load building_rooms_reference.csv first" in problems[0].reason_message


def test_an_override_row_needs_no_room_of_the_reference():
    assert check(BUILDING_ROOMS, **room(room_name="AAB 9 99", kg_co2eq="10"))[1] == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"room_allocation_ratio": "0"}, "ROW_RANGE"),
        ({"room_allocation_ratio": "1.5"}, "ROW_RANGE"),
        ({"room_allocation_ratio": "half"}, "ROW_TYPE"),
        ({"room_type": "kitchen"}, "ROW_ENUM"),
        ({"room_name": None}, "ROW_REQUIRED"),
        ({"kg_co2eq": "-1"}, "ROW_RANGE"),
    ],
)
def test_each_rooms_rule_rejects_with_its_reason_code(cells, expected):
    assert check(BUILDING_ROOMS, **room(**cells))[1] == [expected]


def test_a_room_shared_with_another_unit_takes_its_ratio():
    assert check(BUILDING_ROOMS, **room(room_allocation_ratio="0.5"))[1] == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"name": "pellets", "unit": "kWh", "quantity": "3000"}, "BLDG_UNIT_MISMATCH"),
        ({"name": "natural_gas", "unit": "kg"}, "BLDG_UNIT_MISMATCH"),
        ({"name": "coal"}, "ROW_ENUM"),
        ({"unit": "l"}, "ROW_ENUM"),
        ({"quantity": "-5"}, "ROW_RANGE"),
        ({"quantity": None}, "ROW_BLANK_TEMPLATE_LINE"),
    ],
)
def test_each_combustion_rule_rejects_with_its_reason_code(cells, expected):
    assert check(BUILDING_ENERGYCOMBUSTIONS, **fuel(**cells))[1] == [expected]


def test_the_unit_mismatch_message_names_the_fuels_unit():
    row = {"unit_institutional_id": "11110", **fuel(name="pellets", unit="kWh")}
    frame = pl.DataFrame([row], schema={name: pl.String for name in row})
    _, (problem,) = validate_rows(frame, BUILDING_ENERGYCOMBUSTIONS, reporting_year=2025, lookups=LOOKUPS)
    assert (problem.column_name, problem.reason_message) == (
        "unit",
        "unit 'kWh' is not the unit of pellets, which is counted in kg",
    )


def test_propane_in_kwh_is_a_valid_row_although_it_has_no_factor():
    assert check(BUILDING_ENERGYCOMBUSTIONS, **fuel(name="propane", quantity="15000"))[1] == []


def test_a_combustion_override_without_quantity_is_not_a_template_line():
    assert check(BUILDING_ENERGYCOMBUSTIONS, **fuel(quantity=None, kg_co2eq="75.25"))[1] == []


def test_every_fuel_factor_is_in_the_unit_the_combustion_rows_must_use():
    with (seeds_dir() / "seed_factors__fuels.csv").open(encoding="utf-8") as handle:
        seeded = {row["fuel_code"]: row["activity_unit"] for row in csv.DictReader(handle)}
    assert seeded == {fuel_code: unit for fuel_code, unit in FUEL_UNITS.items() if fuel_code != "propane"}


def test_a_heating_intensity_on_a_fuel_is_valid_and_its_conversion_factor_defaults_to_1():
    row, codes = check(BUILDING_ROOM_INTENSITIES, **intensity())
    assert codes == []
    assert row["conversion_factor"] == "1"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"end_use": "cooling"}, "ROW_ENUM"),
        ({"end_use": "hot_water", "carrier_code": "electricity"}, "ROW_ENUM"),
        ({"carrier_code": "coal"}, "ROW_TYPE"),
        ({"intensity_kwh_per_m2": "-1"}, "ROW_RANGE"),
        ({"conversion_factor": "0"}, "ROW_RANGE"),
        ({"room_type": "garage"}, "ROW_ENUM"),
    ],
)
def test_each_intensity_rule_rejects_with_its_reason_code(cells, expected):
    assert check(BUILDING_ROOM_INTENSITIES, **intensity(**cells))[1] == [expected]


def test_purchased_district_heat_of_a_named_network_is_a_valid_heating_carrier():
    assert check(BUILDING_ROOM_INTENSITIES, **intensity(carrier_code="district_heat_cad"))[1] == []


def test_a_reference_room_without_surface_is_kept_for_dbt_to_report():
    row = {"building_name": "BCH", "room_name": "BCH 2201", "room_type": "auditoriums"}
    assert check(BUILDING_ROOMS_REFERENCE, **row)[1] == []


def test_a_room_listed_twice_in_the_reference_is_refused_as_duplicate():
    rows = [{"building_name": "AAB", "room_name": "AAB 0 01", "room_type": "office"}] * 2
    frame = pl.DataFrame(rows, schema={name: pl.String for name in BUILDING_ROOMS_REFERENCE.column_names})
    _, problems = validate_rows(frame, BUILDING_ROOMS_REFERENCE, reporting_year=None, lookups=LOOKUPS)
    assert [p.reason_code for p in problems] == ["ROW_DUPLICATE", "ROW_DUPLICATE"]


@pytest.mark.parametrize(
    ("contract", "row"),
    [
        (BUILDING_ROOMS, {"unit_institutional_id": "11110", **room()}),
        (BUILDING_ROOM_INTENSITIES, intensity()),
    ],
)
def test_a_room_or_an_intensity_given_twice_is_refused_as_duplicate(contract, row):
    rows = [{name: row.get(name) for name in contract.column_names}] * 2
    frame = pl.DataFrame(rows, schema={name: pl.String for name in contract.column_names})
    _, problems = validate_rows(frame, contract, reporting_year=2025, lookups=LOOKUPS)
    assert [p.reason_code for p in problems] == ["ROW_DUPLICATE", "ROW_DUPLICATE"]
