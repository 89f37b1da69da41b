"""Contract and row rules of the construction and renovation intensities (METHODOLOGY.md §3.9): an institution-
wide file per reporting year, without unit column, of kg CO2e per m2 by (building or `default`, activity)."""

import polars as pl
import pytest

from ingest.contracts import CONSTRUCTION_INTENSITIES, source_for_file
from ingest.reference import StationIndex
from ingest.validate import Lookups, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset(), airport_codes=frozenset(), stations=StationIndex(by_name={}, names_by_country={})
)
CH_REN_ENV = {"building_name": "CH", "activity": "ren_env", "intensity_kg_co2e_per_m2": "12"}


def check(*rows: dict[str, str | None]) -> tuple[pl.DataFrame, list[tuple[int, str | None, str]]]:
    names = CONSTRUCTION_INTENSITIES.column_names
    cells = pl.DataFrame(
        [{name: None for name in names} | row for row in rows], schema={name: pl.String for name in names}
    )
    checked, problems = validate_rows(cells, CONSTRUCTION_INTENSITIES, reporting_year=2025, lookups=LOOKUPS)
    return checked, [(p.row_index, p.column_name, p.reason_code) for p in problems]


def test_the_intensity_file_routes_by_name_with_its_year_and_has_no_unit_column():
    assert source_for_file("construction_intensities_2025.csv") == (CONSTRUCTION_INTENSITIES, 2025)
    assert CONSTRUCTION_INTENSITIES.has_reporting_year
    assert "unit_institutional_id" not in CONSTRUCTION_INTENSITIES.column_names
    assert "kg_co2eq" not in CONSTRUCTION_INTENSITIES.column_names


def test_every_activity_and_the_default_building_are_accepted():
    activities = ["new_env", "new_tech", "ren_env", "ren_tech", "demolition"]
    checked, problems = check(*(CH_REN_ENV | {"building_name": "default", "activity": a} for a in activities))
    assert problems == []
    assert checked["activity"].to_list() == activities


@pytest.mark.parametrize("spelling", ["new-tec", "new-tech", "New-Tec", "NEW_TECH"])
def test_both_spellings_of_new_technical_installations_are_stored_new_tech(spelling):
    checked, problems = check(CH_REN_ENV | {"activity": spelling})
    assert problems == []
    assert checked["activity"].to_list() == ["new_tech"]


def test_new_tec_and_new_tech_of_one_building_are_the_same_intensity_twice():
    _, problems = check(CH_REN_ENV | {"activity": "new-tec"}, CH_REN_ENV | {"activity": "new_tech"})
    assert problems == [(0, None, "ROW_DUPLICATE"), (1, None, "ROW_DUPLICATE")]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (CH_REN_ENV | {"activity": "refurbishment"}, (0, "activity", "ROW_ENUM")),
        (CH_REN_ENV | {"activity": None}, (0, "activity", "ROW_REQUIRED")),
        (CH_REN_ENV | {"building_name": None}, (0, "building_name", "ROW_REQUIRED")),
        (CH_REN_ENV | {"intensity_kg_co2e_per_m2": "-1"}, (0, "intensity_kg_co2e_per_m2", "ROW_RANGE")),
        (CH_REN_ENV | {"intensity_kg_co2e_per_m2": "12,5"}, (0, "intensity_kg_co2e_per_m2", "ROW_TYPE")),
        (CH_REN_ENV | {"intensity_kg_co2e_per_m2": None}, (0, "intensity_kg_co2e_per_m2", "ROW_REQUIRED")),
    ],
)
def test_a_row_breaking_a_rule_is_refused_with_its_code(row, expected):
    _, problems = check(row)
    assert expected in problems


def test_a_zero_intensity_is_a_declared_value_not_an_error():
    checked, problems = check(CH_REN_ENV | {"intensity_kg_co2e_per_m2": "0"})
    assert problems == []
    assert checked.height == 1
