"""METHODOLOGY.md §5 W15 (external cloud) and W16 (generative AI), computed by the real pipeline into
marts.fct_emissions from tests/fixtures/external_clouds/ and external_ai/, to 1e-6 relative."""

import pytest
import sqlalchemy as sa

from tests.integration.pipeline.queries import emission


@pytest.mark.parametrize(
    ("table", "note", "factor_set_id", "kg_co2e"),
    [
        ("external_clouds", "W15a", "epfl_cloud_2023", 2292.069881),
        ("external_clouds", "W15b", "epfl_cloud_2023", 1603.728),
        ("external_ai", "W16a", "ecologits_ai_2024", 0.066094),
        ("external_ai", "W16b", "ecologits_ai_2024", 8.460),
        ("external_ai", "W16c", "ecologits_ai_2024", 7.050),
    ],
)
def test_default_profile_reproduces_the_cloud_and_ai_worked_examples(
    worked_examples_url, table, note, factor_set_id, kg_co2e
):
    row = emission(worked_examples_url, table, note)
    assert row.factor_set_id == factor_set_id
    # W16a is quoted to 6 decimals (0.066094 for 0.06609375): its 1e-6 check is on the formula's exact value.
    expected = 12.5 * 235 * 3 * 7.5e-6 if note == "W16a" else kg_co2e
    assert float(row.kg_co2e) == pytest.approx(expected, rel=1e-6)
    assert round(float(row.kg_co2e), 6) == pytest.approx(kg_co2e, abs=5e-7)


def test_w15a_converts_usd_with_the_2025_annual_mean_and_does_not_deflate(worked_examples_url):
    row = emission(worked_examples_url, "external_clouds", "W15a")
    assert (row.module_code, row.submodule_code, row.leg_code, row.ghg_scope, row.ghg_category_code) == (
        "external_cloud",
        "compute",
        "cloud_spend",
        3,
        1,
    )
    assert (row.activity_unit, row.factor_id, float(row.factor_value)) == (
        "EUR",
        "epfl_cloud_2023:cloud:any.any",
        0.259,
    )
    assert float(row.activity_quantity) == pytest.approx(8849.690659, rel=1e-6)
    assert float(row.leg_parameters["fx_units_per_eur"]) == 1.129983


def test_virtualisation_is_reported_as_compute_and_chf_is_converted(worked_examples_url):
    row = emission(worked_examples_url, "external_clouds", "virtualisation reported as compute")
    assert (row.submodule_code, row.leg_parameters["service_type"]) == ("compute", "virtualisation")
    assert float(row.kg_co2e) == pytest.approx(1000 / 0.937031 * 0.259, rel=1e-9)


def test_the_w16_rows_are_scope_3_category_1_under_their_provider_with_the_band_floor_flag(
    worked_examples_url,
):
    rows = {note: emission(worked_examples_url, "external_ai", note) for note in ("W16a", "W16b", "W16c")}
    assert {(r.module_code, r.leg_code, r.ghg_scope, r.ghg_category_code) for r in rows.values()} == {
        ("generative_ai", "ai_requests", 3, 1)
    }
    assert [rows[n].submodule_code for n in ("W16a", "W16b", "W16c")] == [
        "mistral_ai",
        "chatgpt_openai",
        "copilot_github",
    ]
    assert [rows[n].flags for n in ("W16a", "W16b", "W16c")] == [[], [], ["AI_BAND_FLOOR"]]
    assert float(rows["W16b"].activity_quantity) == 60 * 235 * 2


def test_the_reference_codes_230_days_and_division_by_1000_are_not_reproduced(worked_examples_url):
    # W16x: the reference code computes W16b as 60 x 230 x 2 x 3.0e-4 / 1000 = 0.00828 kg (1 000 x too small).
    row = emission(worked_examples_url, "external_ai", "W16b")
    assert float(row.kg_co2e) != pytest.approx(0.00828, rel=1e-3)
    assert float(row.kg_co2e) / 0.00828 == pytest.approx(1000 * 235 / 230, rel=1e-9)
    assert (float(row.factor_value), float(row.leg_parameters["working_days"])) == (3.0e-4, 235)


def test_a_blank_fte_count_takes_the_units_member_fte(worked_examples_url):
    # Unit 11110 has members of FTE 1 + 0.5 + 1 (tests/fixtures/headcount/headcount_2025.csv).
    row = emission(worked_examples_url, "external_ai", "fte defaulted to the unit's member FTE")
    assert row.flags == ["AI_FTE_DEFAULTED"]
    assert float(row.leg_parameters["fte_used"]) == 2.5
    assert float(row.kg_co2e) == pytest.approx(3 * 235 * 2.5 * 7.5e-6, rel=1e-9)


@pytest.mark.parametrize(
    ("table", "note", "kg_co2e"),
    [("external_clouds", "cloud override", 12.5), ("external_ai", "ai override", 0.75)],
)
def test_a_row_with_its_own_kg_co2eq_is_an_override_leg(worked_examples_url, table, note, kg_co2e):
    row = emission(worked_examples_url, table, note)
    assert (row.leg_code, row.is_override, row.factor_set_id, float(row.kg_co2e)) == (
        "override",
        True,
        "override",
        kg_co2e,
    )


def test_blank_template_lines_are_skipped_and_listed_as_info(worked_examples_url):
    engine = sa.create_engine(worked_examples_url)
    with engine.connect() as connection:
        rejects = connection.execute(
            sa.text(
                "select source_code, row_number, reason_code, severity from ops.rejects "
                "where source_code in ('external_clouds', 'external_ai') order by source_code"
            )
        ).all()
        unresolved = connection.execute(
            sa.text(
                "select count(*) from marts.fct_unresolved_rows where module_code in ('external_cloud', 'generative_ai')"
            )
        ).scalar()
    engine.dispose()
    assert [tuple(row) for row in rejects] == [
        ("external_ai", 7, "ROW_BLANK_TEMPLATE_LINE", "info"),
        ("external_clouds", 6, "ROW_BLANK_TEMPLATE_LINE", "info"),
    ]
    assert unresolved == 0
