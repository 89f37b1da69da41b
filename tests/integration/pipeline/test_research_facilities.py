"""Research facilities (METHODOLOGY.md §3.6) through the real pipeline: the worked examples W18 and W19 into
marts.fct_emissions, the unresolved computed footprint, the internal reallocation of §2.4 in the reporting
layer, and EPFL's two templates loaded as shipped."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file, load_reference_data
from ingest.reference import EPFL_TEMPLATES_DIR
from tests.integration.pipeline.queries import query_rows, raw_row_join, rows_by_note

FIXTURES = Path(__file__).parents[2] / "fixtures"

LEGS_BY_NOTE = f"""
select f.leg_code, f.factor_set_id, f.ghg_scope, f.ghg_category_code, f.is_internal_reallocation,
    f.facility_unit_id, f.kg_co2e, f.sigma_kg
from marts.fct_emissions as f
{raw_row_join()}
where r.note = :note
order by f.leg_code
"""


def legs(url: str, table: str, note: str) -> list[sa.Row]:
    return rows_by_note(url, LEGS_BY_NOTE, table, note)


def test_w18_animal_facility_allocates_258_of_2000_housings_of_120000_kg(worked_examples_url):
    rows = legs(worked_examples_url, "researchfacilities_animals", "W18")
    assert [(r.leg_code, r.factor_set_id, r.ghg_scope, r.ghg_category_code) for r in rows] == [
        ("equipment", "facility_footprints", 3, 1),
        ("rooms", "facility_footprints", 3, 1),
    ]
    assert sum(float(r.kg_co2e) for r in rows) == pytest.approx(15480.0, rel=1e-6)
    # Facility 1321 has no unit in the institution's tree: its allocation is not an internal reallocation.
    assert {r.is_internal_reallocation for r in rows} == {False}


@pytest.mark.parametrize(
    ("note", "kg_co2e", "sigma_kg"), [("W19 CPU", 31.0, 31.0 * 0.21), ("W19 GPU", 66.74, 66.74 * 0.6)]
)
def test_w19_hpc_hours_use_the_genci_factors(worked_examples_url, note, kg_co2e, sigma_kg):
    (row,) = legs(worked_examples_url, "researchfacilities_common", note)
    assert (row.leg_code, row.factor_set_id, row.is_internal_reallocation, row.facility_unit_id) == (
        "per_hour",
        "ges1p5_research_infrastructures_2024",
        True,
        "11130",
    )
    assert float(row.kg_co2e) == pytest.approx(kg_co2e, rel=1e-6)
    assert float(row.sigma_kg) == pytest.approx(sigma_kg, rel=1e-6)


def test_w19_totals_97_74_kg(worked_examples_url):
    total = sum(
        float(r.kg_co2e)
        for n in ("W19 CPU", "W19 GPU")
        for r in legs(worked_examples_url, "researchfacilities_common", n)
    )
    assert total == pytest.approx(97.74, rel=1e-6)


def test_a_computed_footprint_whose_facility_unit_has_no_leg_is_rf_footprint_missing(worked_examples_url):
    statuses = query_rows(
        worked_examples_url,
        "select unit_id, status_code from marts.fct_unresolved_rows "
        "where module_code = 'research_facilities'",
    )
    assert [tuple(row) for row in statuses] == [("12110", "RF_FOOTPRINT_MISSING")]


def test_the_hpc_allocations_are_internal_reallocation_above_the_institute_holding_the_platform(
    worked_examples_url,
):
    """Lab 11120 uses the platform 11130 of its own institute 11100: the 97.74 kg stay in the lab's total and
    leave the institute's, school's and institution's, where they are shown as internal reallocation."""
    engine = sa.create_engine(worked_examples_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "select unit_id, t_co2e, internal_reallocation_t_co2e from reporting.rpt_footprint__subtree_year "
                "where module_code = 'research_facilities' and reporting_year = 2025 order by unit_id"
            )
        ).all()
        institution_all, lab_sum = connection.execute(
            sa.text(
                "select (select t_co2e from reporting.rpt_footprint__subtree_year "
                "        where unit_id = '10000' and module_code = 'all'), "
                "       (select sum(t_co2e) from reporting.rpt_footprint__unit_year)"
            )
        ).one()
    engine.dispose()
    by_unit = {r.unit_id: (float(r.t_co2e), float(r.internal_reallocation_t_co2e)) for r in rows}
    assert by_unit["11120"] == pytest.approx((0.09774, 0.0))
    assert by_unit["11110"] == pytest.approx((15.48, 0.0))
    assert by_unit["11100"] == pytest.approx((15.48, 0.09774))
    assert by_unit["10000"] == pytest.approx((15.48, 0.09774))
    assert float(institution_all) == pytest.approx(float(lab_sum) - 0.09774, rel=1e-9)


@pytest.fixture
def engine(fresh_database_url):
    engine = sa.create_engine(fresh_database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    load_file(
        engine,
        FIXTURES / "facility_footprints/worked_examples_2025.csv",
        "facility_footprints",
        reporting_year=2025,
        loaded_by="test",
    )
    yield engine
    engine.dispose()


def test_the_epfl_animal_template_loads_as_shipped_for_a_unit(engine):
    """Its only row, `1321,CPG,mice,258,housings,`, is accepted against a reference that declares facility 1321."""
    result = load_file(
        engine,
        EPFL_TEMPLATES_DIR / "researchfacilities_animals_template.csv",
        "researchfacilities_animals",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert (result.outcome, result.rows_accepted, result.rows_rejected) == ("loaded", 1, 0)


def test_the_epfl_common_template_loads_and_its_shifted_row_is_refused_with_row_type(engine):
    """Its only row, `CIBM-GE,6877,CHF,,`, is shifted one column left: use holds 'CHF' (ROW_TYPE), use_unit is
    blank (ROW_REQUIRED), and CIBM-GE is in no reference (RF_UNKNOWN_FACILITY); the file has no other row."""
    result = load_file(
        engine,
        EPFL_TEMPLATES_DIR / "researchfacilities_common_template.csv",
        "researchfacilities_common",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert result.outcome == "refused"
    assert sorted((r.line_number, r.column_name, r.reason_code) for r in result.rejected_rows) == [
        (2, "researchfacility_id", "RF_UNKNOWN_FACILITY"),
        (2, "use", "ROW_TYPE"),
        (2, "use_unit", "ROW_REQUIRED"),
    ]


def test_use_files_are_checked_against_the_reference_of_their_year(engine):
    """No reference was loaded for 2024: every facility is unknown that year."""
    result = load_file(
        engine,
        FIXTURES / "researchfacilities_animals/worked_examples_2025.csv",
        "researchfacilities_animals",
        reporting_year=2025,
        loaded_by="test",
    )
    assert (result.outcome, result.rows_accepted) == ("loaded", 1)
    other_year = EPFL_TEMPLATES_DIR / "researchfacilities_animals_template.csv"
    result = load_file(
        engine,
        other_year,
        "researchfacilities_animals",
        reporting_year=2024,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert [r.reason_code for r in result.rejected_rows] == ["RF_UNKNOWN_FACILITY"]
