"""Contracts and row rules of the research-facility sources (METHODOLOGY.md §3.6): the two EPFL templates, the
facility reference, and the RF_* codes checked at ingest against the year's reference."""

import polars as pl
import pytest

from ingest.contracts import (
    FACILITY_FOOTPRINTS,
    RESEARCH_FACILITIES_ANIMALS,
    RESEARCH_FACILITIES_COMMON,
    SourceContract,
    source_for_file,
)
from ingest.read import read_delivered_file
from ingest.reference import EPFL_TEMPLATES_DIR, StationIndex, epfl_template_header
from ingest.validate import FacilityReference, Lookups, validate_rows

FACILITIES = {
    "1321": FacilityReference("animal", "housings", {"mice": 2000.0}),
    "CIBM-GE": FacilityReference("common", "CHF", {None: 100000.0}),
    "EMPTY": FacilityReference("common", "hours", {None: 0.0}),
    "SCITAS-CPU": FacilityReference("it", "core_hours", {None: None}),
}
LOOKUPS = Lookups(
    unit_ids=frozenset({"11110", "11130"}),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
    facilities=FACILITIES,
)


def check_rows(contract: SourceContract, *rows: dict[str, str | None]) -> tuple[pl.DataFrame, list[tuple]]:
    base = {name: None for name in contract.column_names}
    if "unit_institutional_id" in base:
        base["unit_institutional_id"] = "11110"
    cells = pl.DataFrame([base | row for row in rows], schema={n: pl.String for n in contract.column_names})
    checked, problems = validate_rows(cells, contract, reporting_year=2025, lookups=LOOKUPS)
    return checked, [(p.row_index, p.reason_code, p.column_name) for p in problems]


def codes(contract: SourceContract, **cells: str | None) -> list[str]:
    return [code for _, code, _ in check_rows(contract, cells)[1]]


def use(**cells: str | None) -> dict[str, str | None]:
    return {"researchfacility_id": "CIBM-GE", "use": "6877", "use_unit": "CHF"} | cells


def mice(**cells: str | None) -> dict[str, str | None]:
    row = {
        "researchfacility_id": "1321",
        "researchfacility_type": "mice",
        "use": "258",
        "use_unit": "housings",
    }
    return row | cells


@pytest.mark.parametrize(
    ("contract", "template"),
    [
        (RESEARCH_FACILITIES_COMMON, "researchfacilities_common_template.csv"),
        (RESEARCH_FACILITIES_ANIMALS, "researchfacilities_animals_template.csv"),
    ],
)
def test_use_contracts_are_the_unit_column_the_epfl_template_header_and_the_override(contract, template):
    assert contract.column_names == ("unit_institutional_id", *epfl_template_header(template), "kg_co2eq")


def test_facility_files_route_to_their_sources_and_the_reference_sorts_before_the_use_files():
    assert source_for_file("facility_footprints_2025.csv") == (FACILITY_FOOTPRINTS, 2025)
    assert source_for_file("researchfacilities_common_2025.csv") == (RESEARCH_FACILITIES_COMMON, 2025)
    assert source_for_file("researchfacilities_animals_2025.csv") == (RESEARCH_FACILITIES_ANIMALS, 2025)
    assert sorted(["researchfacilities_animals_2025.csv", "facility_footprints_2025.csv"])[0].startswith(
        "facility"
    )


def test_the_shipped_common_template_row_is_shifted_left_and_refused_with_row_type():
    """EPFL's only row `CIBM-GE,6877,CHF,,` puts the amount under researchfacility_name and the unit under use."""
    path = EPFL_TEMPLATES_DIR / "researchfacilities_common_template.csv"
    delivered = read_delivered_file(path, RESEARCH_FACILITIES_COMMON, has_unit_default=True)
    checked, problems = validate_rows(
        delivered.cells,
        RESEARCH_FACILITIES_COMMON,
        reporting_year=2025,
        lookups=LOOKUPS,
        unit_default="11110",
    )
    assert checked.row(0, named=True)["researchfacility_name"] == "6877"
    assert [(p.reason_code, p.column_name) for p in problems] == [
        ("ROW_REQUIRED", "use_unit"),
        ("ROW_TYPE", "use"),
    ]


def test_the_shipped_animal_template_row_is_accepted_against_a_reference_declaring_facility_1321():
    path = EPFL_TEMPLATES_DIR / "researchfacilities_animals_template.csv"
    delivered = read_delivered_file(path, RESEARCH_FACILITIES_ANIMALS, has_unit_default=True)
    checked, problems = validate_rows(
        delivered.cells,
        RESEARCH_FACILITIES_ANIMALS,
        reporting_year=2025,
        lookups=LOOKUPS,
        unit_default="11110",
    )
    assert problems == []
    assert checked.row(0, named=True)["researchfacility_type"] == "mice"


def test_rodent_is_stored_as_mice():
    checked, problems = check_rows(RESEARCH_FACILITIES_ANIMALS, mice(researchfacility_type="Rodent"))
    assert problems == []
    assert checked["researchfacility_type"][0] == "mice"


def test_a_facility_missing_from_the_reference_is_rf_unknown_facility():
    assert codes(RESEARCH_FACILITIES_COMMON, **use(researchfacility_id="NOPE")) == ["RF_UNKNOWN_FACILITY"]


def test_an_animal_facility_named_in_the_common_file_is_rf_unknown_facility():
    assert codes(RESEARCH_FACILITIES_COMMON, **use(researchfacility_id="1321", use_unit="housings")) == [
        "RF_UNKNOWN_FACILITY"
    ]


def test_an_animal_type_the_facility_does_not_house_is_rf_unknown_facility():
    assert codes(RESEARCH_FACILITIES_ANIMALS, **mice(researchfacility_type="fish")) == ["RF_UNKNOWN_FACILITY"]


def test_a_use_unit_other_than_the_allocation_unit_is_rf_unit_mismatch_and_case_is_free():
    assert codes(RESEARCH_FACILITIES_COMMON, **use(use_unit="hours")) == ["RF_UNIT_MISMATCH"]
    checked, problems = check_rows(RESEARCH_FACILITIES_COMMON, use(use_unit="chf"))
    assert problems == []
    assert checked["use_unit"][0] == "CHF"


def test_use_above_the_total_is_rf_use_gt_total_but_a_zero_total_is_left_to_dbt():
    assert codes(RESEARCH_FACILITIES_ANIMALS, **mice(use="2001")) == ["RF_USE_GT_TOTAL"]
    assert codes(RESEARCH_FACILITIES_ANIMALS, **mice(use="2000")) == []
    assert (
        codes(RESEARCH_FACILITIES_COMMON, **use(researchfacility_id="EMPTY", use="5", use_unit="hours")) == []
    )


def test_per_hour_facilities_have_no_total_to_exceed():
    row = use(researchfacility_id="SCITAS-CPU", use="50000", use_unit="core_hours")
    assert codes(RESEARCH_FACILITIES_COMMON, **row) == []


def test_the_same_unit_and_facility_twice_is_row_duplicate():
    _, problems = check_rows(RESEARCH_FACILITIES_COMMON, use(), use(use="1"))
    assert {code for _, code, _ in problems} == {"ROW_DUPLICATE"}


def test_a_negative_use_is_row_range():
    assert codes(RESEARCH_FACILITIES_COMMON, **use(use="-1")) == ["ROW_RANGE"]


def reference(**cells: str | None) -> dict[str, str | None]:
    row = {
        "facility_id": "CIBM-GE",
        "facility_kind": "common",
        "allocation_unit": "CHF",
        "total_use": "100000",
        "footprint_kg": "50000",
        "footprint_origin": "declared",
    }
    return row | cells


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({}, []),
        ({"footprint_kg": None}, [("ROW_REQUIRED", "footprint_kg")]),
        (
            {"footprint_origin": "computed", "footprint_kg": None},
            [("ROW_REQUIRED", "facility_unit_institutional_id")],
        ),
        ({"total_use": None}, [("ROW_REQUIRED", "total_use")]),
        ({"animal_type": "mice"}, [("ROW_ENUM", "animal_type")]),
        ({"footprint_origin": "per_hour_factor"}, [("ROW_ENUM", "footprint_origin")]),
        (
            {"facility_kind": "animal"},
            [("ROW_REQUIRED", "animal_type"), ("ROW_REQUIRED", "share"), ("ROW_REQUIRED", "source_module")],
        ),
        (
            {"facility_unit_institutional_id": "99999"},
            [("ROW_UNKNOWN_UNIT", "facility_unit_institutional_id")],
        ),
    ],
)
def test_the_facility_reference_needs_the_columns_of_its_kind_and_origin(cells, expected):
    _, problems = check_rows(FACILITY_FOOTPRINTS, reference(**cells))
    assert sorted((code, column) for _, code, column in problems) == sorted(expected)


def test_a_per_hour_it_facility_needs_no_total_and_no_footprint():
    row = reference(
        facility_id="SCITAS-GPU",
        facility_kind="it",
        allocation_unit="gpu_hours",
        total_use=None,
        footprint_kg=None,
        footprint_origin="per_hour_factor",
    )
    assert check_rows(FACILITY_FOOTPRINTS, row)[1] == []


def test_an_animal_reference_row_accepts_rodent_and_repeats_per_source():
    rows = [
        reference(
            facility_id="1321",
            facility_kind="animal",
            allocation_unit="housings",
            total_use="2000",
            animal_type="rodent",
            source_module=module,
            share="1",
            footprint_kg=kg,
        )
        for module, kg in (("rooms", "90000"), ("equipment", "30000"))
    ]
    checked, problems = check_rows(FACILITY_FOOTPRINTS, *rows)
    assert problems == []
    assert checked["animal_type"].to_list() == ["mice", "mice"]
