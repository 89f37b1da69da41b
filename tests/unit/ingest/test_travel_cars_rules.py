"""Contract and row rules of professional travel by road (`travel_cars`, METHODOLOGY.md §3.2 road travel, §1.4
override, §1.8 codes)."""

import polars as pl
import pytest

from ingest.contracts import TRAVEL_CARS, source_for_file
from ingest.read import read_delivered_file
from ingest.reference import StationIndex
from ingest.validate import Lookups, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset({"11110"}),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
)
LAUSANNE_BERN = {
    "unit_institutional_id": "11110",
    "user_institutional_id": "150322",
    "departure_date": "2025-03-14",
    "distance_km": "102.5",
    "vehicle_type": "car_petrol",
    "number_of_trips": "2",
}


def check(**cells: str | None) -> tuple[dict, list[tuple[str | None, str]]]:
    names = TRAVEL_CARS.column_names
    row = {name: None for name in names} | LAUSANNE_BERN | cells
    checked, problems = validate_rows(
        pl.DataFrame([row], schema={name: pl.String for name in names}),
        TRAVEL_CARS,
        reporting_year=2025,
        lookups=LOOKUPS,
    )
    return checked.row(0, named=True), [(p.column_name, p.reason_code) for p in problems]


def test_the_file_routes_by_name_and_has_the_back_office_columns():
    assert source_for_file("travel_cars_2025.csv") == (TRAVEL_CARS, 2025)
    assert TRAVEL_CARS.column_names[0] == "unit_institutional_id"
    assert TRAVEL_CARS.column("kg_co2eq").required is False


def test_a_car_journey_is_accepted_and_its_vehicle_type_case_folded():
    checked, problems = check(vehicle_type="Car_Electric")
    assert problems == []
    assert checked["vehicle_type"] == "car_electric"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"vehicle_type": "scooter"}, ("vehicle_type", "ROW_ENUM")),
        ({"vehicle_type": None}, ("vehicle_type", "ROW_REQUIRED")),
        ({"distance_km": "0"}, ("distance_km", "ROW_RANGE")),
        ({"distance_km": "-12"}, ("distance_km", "ROW_RANGE")),
        ({"distance_km": "102,5"}, ("distance_km", "ROW_TYPE")),
        ({"distance_km": None}, ("distance_km", "ROW_REQUIRED")),
        ({"number_of_trips": "0"}, ("number_of_trips", "ROW_RANGE")),
        ({"number_of_trips": "1.5"}, ("number_of_trips", "ROW_TYPE")),
        ({"departure_date": "2024-12-31"}, ("departure_date", "ROW_OUT_OF_YEAR")),
        ({"departure_date": "14.03.2025"}, ("departure_date", "ROW_TYPE")),
        ({"unit_institutional_id": "99999"}, ("unit_institutional_id", "ROW_UNKNOWN_UNIT")),
        ({"kg_co2eq": "-1"}, ("kg_co2eq", "ROW_RANGE")),
    ],
)
def test_a_row_breaking_a_rule_is_refused_with_its_code(cells, expected):
    _, problems = check(**cells)
    assert expected in problems


def test_an_override_still_needs_the_journey_described():
    _, problems = check(kg_co2eq="35.2", distance_km=None)
    assert problems == [("distance_km", "ROW_REQUIRED")]


def test_the_end_user_file_has_no_unit_column_and_takes_the_unit_of_the_upload(tmp_path):
    path = tmp_path / "travel_cars_2025.csv"
    path.write_text(
        "user_institutional_id,departure_date,distance_km,vehicle_type,number_of_trips,note\n"
        "150322,2025-03-14,102.5,car_petrol,2,Lausanne-Bern\n",
        encoding="utf-8",
    )
    delivered = read_delivered_file(path, TRAVEL_CARS, has_unit_default=True)
    checked, problems = validate_rows(
        delivered.cells, TRAVEL_CARS, reporting_year=2025, lookups=LOOKUPS, unit_default="11110"
    )
    assert problems == []
    assert checked.row(0, named=True)["unit_institutional_id"] == "11110"
