"""Contract and row rules of the additional-category intensities (METHODOLOGY.md §3.1 (c), §3.9): an
institution-wide file without unit column, whose class, route and unit depend on the row's domain."""

import polars as pl
import pytest

from ingest.contracts import ADDITIONAL_INTENSITIES, source_for_file
from ingest.reference import StationIndex
from ingest.validate import Lookups, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset(), airport_codes=frozenset(), stations=StationIndex(by_name={}, names_by_country={})
)
W17_CAR = {"domain": "commuting", "population": "staff", "sius_code": "53", "activity_class": "car"} | {
    "value_per_fte": "1800",
    "value_unit": "pkm",
}


def check(*rows: dict[str, str | None]) -> tuple[pl.DataFrame, list[tuple[int, str | None, str]]]:
    names = ADDITIONAL_INTENSITIES.column_names
    cells = pl.DataFrame(
        [{name: None for name in names} | row for row in rows], schema={name: pl.String for name in names}
    )
    checked, problems = validate_rows(cells, ADDITIONAL_INTENSITIES, reporting_year=2025, lookups=LOOKUPS)
    return checked, [(p.row_index, p.column_name, p.reason_code) for p in problems]


def test_the_intensity_file_routes_by_name_and_has_no_unit_column():
    assert source_for_file("additional_intensities_2025.csv") == (ADDITIONAL_INTENSITIES, 2025)
    assert "unit_institutional_id" not in ADDITIONAL_INTENSITIES.column_names
    assert "kg_co2eq" not in ADDITIONAL_INTENSITIES.column_names


def test_a_w17_commuting_row_is_accepted_and_population_defaults_to_all():
    checked, problems = check(W17_CAR, W17_CAR | {"population": None, "sius_code": None})
    assert problems == []
    assert checked["population"].to_list() == ["staff", "all"]


def test_classes_are_stored_lower_case_with_underscores():
    checked, problems = check(W17_CAR | {"activity_class": "E-Bike"})
    assert problems == []
    assert checked["activity_class"].to_list() == ["e_bike"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (W17_CAR | {"activity_class": "boat"}, (0, "activity_class", "ROW_ENUM")),
        (W17_CAR | {"value_unit": "meal"}, (0, "value_unit", "ROW_ENUM")),
        (W17_CAR | {"waste_route": "recycling"}, (0, "waste_route", "ROW_ENUM")),
        (W17_CAR | {"domain": "construction"}, (0, "domain", "ROW_ENUM")),
        (W17_CAR | {"population": "visitors"}, (0, "population", "ROW_ENUM")),
        (W17_CAR | {"sius_code": "55"}, (0, "sius_code", "ROW_ENUM")),
        (W17_CAR | {"value_per_fte": "-3"}, (0, "value_per_fte", "ROW_RANGE")),
        (W17_CAR | {"value_per_fte": "1'800"}, (0, "value_per_fte", "ROW_TYPE")),
        (W17_CAR | {"value_per_fte": None}, (0, "value_per_fte", "ROW_REQUIRED")),
        (
            {"domain": "waste", "activity_class": "paper", "value_per_fte": "12", "value_unit": "kg"},
            (0, "waste_route", "ROW_REQUIRED"),
        ),
        (
            {"domain": "waste", "activity_class": "paper", "waste_route": "landfill"} | {"value_unit": "kg"},
            (0, "waste_route", "ROW_ENUM"),
        ),
        (
            {"domain": "food", "activity_class": "vegetarian", "value_per_fte": "200", "value_unit": "pkm"},
            (0, "value_unit", "ROW_ENUM"),
        ),
    ],
)
def test_a_row_breaking_a_domain_rule_is_refused_with_its_code(row, expected):
    _, problems = check(row)
    assert expected in problems


def test_waste_types_are_free_but_need_a_known_route():
    _, problems = check(
        {"domain": "waste", "activity_class": "PET", "waste_route": "Recycling"}
        | {
            "value_per_fte": "1.5",
            "value_unit": "kg",
        }
    )
    assert problems == []


def test_the_same_intensity_twice_is_a_duplicate_even_with_blank_key_cells():
    general = W17_CAR | {"population": "all", "sius_code": None}
    _, problems = check(general, general | {"activity_class": "Car", "value_per_fte": "900"})
    assert problems == [(0, None, "ROW_DUPLICATE"), (1, None, "ROW_DUPLICATE")]
