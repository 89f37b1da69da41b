"""METHODOLOGY.md §5 worked examples, computed by the real pipeline into marts.fct_emissions.

Expected values are the full float64 values of §5; they must match to 1e-6 relative (which implies
the three significant figures the specification requires).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.integration.pipeline.queries import emission, query_rows, relation_fingerprints

CO2CALC = str(Path(sys.executable).parent / "co2calc")


@pytest.mark.parametrize(
    ("table", "note", "factor_set_id", "kg_co2e"),
    [
        ("travel_planes", "W1", "ges1p5_ademe_flights_2022", 130.009256),
        ("travel_planes", "W2", "ges1p5_ademe_flights_2022", 901.152556),
        ("travel_trains", "W5", "mobitool_v3_transport", 2.920262),
        ("travel_trains", "W6", "mobitool_v3_transport", 6.106857),
        ("equipment_scientific", "W7", "bafu_2025_electricity", 406.748160),
        ("equipment_it", "W8", "bafu_2025_electricity", 12.509120),
        ("processemissions", "W14a", "ipcc_ar5_gwp100", 4810.0),
        ("processemissions", "W14b", "ipcc_ar5_gwp100", 3350.0),
        ("processemissions", "W14c", "ipcc_ar5_gwp100", 2650.0),
    ],
)
def test_default_profile_reproduces_the_worked_examples(
    worked_examples_url, table, note, factor_set_id, kg_co2e
):
    row = emission(worked_examples_url, table, note)
    assert row.factor_set_id == factor_set_id
    assert float(row.kg_co2e) == pytest.approx(kg_co2e, rel=1e-6)


def test_agency_override_is_used_verbatim_and_flagged(worked_examples_url):
    row = emission(worked_examples_url, "travel_planes", "W4 agency override")
    assert (row.leg_code, row.is_override, row.factor_set_id, float(row.kg_co2e)) == (
        "override",
        True,
        "override",
        420.5,
    )


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("refcalc_compat", {"W1": 197.230980, "W2": 3145.437424, "W5": 4.084195, "W6": 13.141957}),
        ("defra_rf", {"W1": 63.224919, "W2": 2012.178799, "W3": 13523.322217}),
        ("defra_norf", {"W1": 37.378918, "W2": 1190.647814}),
    ],
)
def test_a_whatif_recomputes_every_number_with_its_profile_beside_the_untouched_headline(
    worked_examples_url, profile, expected
):
    headline_before = relation_fingerprints(worked_examples_url)
    builds_before = query_rows(worked_examples_url, "select * from ops.builds order by build_id")

    # `co2calc whatif` in a real process: a full dbt build with every dbt test, unit tests included (those written
    # for ch_default pin it), into whatif_<profile>_* schemas.
    result = subprocess.run(
        [CO2CALC, "whatif", profile],
        env={**os.environ, "CO2CALC_DATABASE_URL": worked_examples_url, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=1800,
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert f"Built what-if {profile}" in result.stdout
    for note, kg_co2e in expected.items():
        table = "travel_trains" if note in ("W5", "W6") else "travel_planes"
        row = emission(worked_examples_url, table, note, marts_schema=f"whatif_{profile}_marts")
        assert float(row.kg_co2e) == pytest.approx(kg_co2e, rel=1e-6)
    assert relation_fingerprints(worked_examples_url) == headline_before
    assert query_rows(worked_examples_url, "select * from ops.builds order by build_id") == builds_before
    assert float(emission(worked_examples_url, "travel_planes", "W1").kg_co2e) == pytest.approx(
        130.009256, rel=1e-6
    )


def test_reporting_totals_equal_the_sum_of_emission_rows(worked_examples_url):
    engine = sa.create_engine(worked_examples_url)
    with engine.connect() as connection:
        # Additional categories (W17 commuting) are out of the headline (METHODOLOGY.md §1.7).
        fact_t = connection.execute(
            sa.text("select sum(kg_co2e) / 1000 from marts.fct_emissions where not is_additional_category")
        ).scalar()
        report_t = connection.execute(
            sa.text("select sum(t_co2e) from reporting.rpt_footprint__unit_year")
        ).scalar()
        module_t = dict(
            connection.execute(
                sa.text("select module_code, sum(t_co2e) from reporting.rpt_footprint__unit_year group by 1")
            ).all()
        )
    engine.dispose()
    assert float(fact_t) == pytest.approx(float(report_t), rel=1e-9)
    # W1, W2, W4, W5, W6, and W3 (ZRH→LAX first, 3 trips) under the default profile: the ADEME long band,
    # class weight 1.
    travel_t = (130.009256 + 901.152556 + 420.5 + 2.920262 + 6.106857 + 9629.115377 * 3 * 0.152) / 1000
    # W7 and W8, the server's 120.5 kg override, and the bench-top autoclave of the `other` fixture:
    # (570 W x 10 h + 20 W x 20 h) x 52 / 1000 = 317.2 kWh x 0.097.
    equipment_t = (406.748160 + 12.509120 + 120.5 + 317.2 * 0.097) / 1000
    process_t = (4810 + 3350 + 2650) / 1000
    # W9, W9b, W10, W11a, W11b, the three overrides and the lighting legs of the edge-case rooms of the buildings
    # fixtures (test_worked_examples_buildings.py).
    buildings_t = (
        382.58
        + 113.651667
        + 397.7
        + 288
        + 332.4
        + 55.5
        + 10
        + 75.25
        + (140 * 0.25 * 15 + 2 * 24 * 0.6 * 10 + 12 * 5) * 0.097
    ) / 1000
    # W15a, W15b, the CHF virtualisation row and the 12.5 kg override; W16a-c, the defaulted-FTE row (2.5 FTE)
    # and the 0.75 kg override (tests/fixtures/external_clouds/, external_ai/).
    cloud_t = (2292.069881 + 1603.728 + 1000 / 0.937031 * 0.259 + 12.5) / 1000
    ai_t = (12.5 * 235 * 3 * 7.5e-6 + 8.46 + 7.05 + 3 * 235 * 2.5 * 7.5e-6 + 0.75) / 1000
    # W18 (animal facility 1321) and W19 (GENCI core and GPU hours).
    facilities_t = (15480 + 31.0 + 66.74) / 1000
    # Road journeys of the travel_cars fixture: 102.5 km x 2 x 0.186 (petrol), 250 km x 0.0898 (electric), 35.2 kg
    # override; the bus row has no factor.
    car_t = (102.5 * 2 * 0.186 + 250 * 0.0898 + 35.2) / 1000
    expected_t = {
        "travel": travel_t + car_t,
        "equipment": equipment_t,
        "process_emissions": process_t,
        "buildings": buildings_t,
        "external_cloud": cloud_t,
        "generative_ai": ai_t,
        "research_facilities": facilities_t,
        # W12a: converted to EUR, not deflated under the default profile (seed_calc_profile_parameters).
        "purchases": 688.344356 / 1000,
    }
    assert {module: float(t) for module, t in module_t.items()} == pytest.approx(expected_t, rel=1e-6)


def test_equipment_without_hours_or_power_is_kept_and_reported_unmatched(worked_examples_url):
    statuses = query_rows(
        worked_examples_url,
        "select q.status_code, r.note from reporting.rpt_quality__unmatched_rows as q "
        "join raw.equipment_scientific as r "
        "on q.activity_row_id = 'equipment_scientific:' || r._load_id || ':' || r._row_number "
        "order by q.status_code",
    )
    assert [tuple(row) for row in statuses] == [
        ("EQUIP_HOURS_MISSING", "hours not known yet"),
        ("EQUIP_NO_POWER", "no power in the table"),
    ]


def test_blank_template_lines_and_missing_sub_classes_are_rejected_with_their_reason(worked_examples_url):
    rejects = query_rows(
        worked_examples_url,
        "select source_code, row_number, reason_code from ops.rejects "
        "where source_code in ('processemissions', 'equipment_other') order by source_code",
    )
    assert [tuple(row) for row in rejects] == [
        ("equipment_other", 2, "EQUIP_SUBCLASS_REQUIRED"),
        ("processemissions", 5, "ROW_BLANK_TEMPLATE_LINE"),
    ]
