"""Construction and renovation (METHODOLOGY.md §1.7, §3.9) through the real pipeline: the worked-example rooms
and the *test* intensities of tests/fixtures/construction_intensities (CH only, `new-tec` spelled as EPFL's
documents do), kept out of every headline total and reported apart."""

import pytest

from tests.integration.pipeline.queries import query_rows

# Room CH B3 40: 40 m2 at ratio 0.5 = 20 m2; renovated envelope 12 and new technical installations 30 kg/m2.
CH_ROOM_LEGS = {"ren_env": 20 * 12.0, "new_tech": 20 * 30.0}
CH_ROOM_KG = 840.0


ROOM_LEGS_SQL = """
select f.*
from marts.fct_emissions as f
join raw.building_rooms as r on f.activity_row_id = 'building_rooms:' || r._load_id || ':' || r._row_number
where r.room_name = 'CH B3 40' and f.submodule_code = 'construction'
order by f.leg_code
"""


def test_the_worked_example_room_is_allocated_surface_times_intensity(worked_examples_url):
    legs = query_rows(worked_examples_url, ROOM_LEGS_SQL)
    assert {leg.leg_code for leg in legs} == set(CH_ROOM_LEGS)
    for leg in legs:
        assert float(leg.kg_co2e) == pytest.approx(CH_ROOM_LEGS[leg.leg_code], rel=1e-6)
        assert float(leg.activity_quantity) == pytest.approx(20.0, rel=1e-6)
        assert (leg.module_code, leg.ghg_scope, leg.ghg_category_code, leg.unit_id) == (
            "additional",
            3,
            2,
            "12110",
        )
        assert (leg.activity_unit, leg.factor_unit) == ("m2", "kg_co2e_per_m2")
        assert leg.is_additional_category and not leg.is_override
        assert leg.factor_set_id == "construction_intensities"
        assert leg.factor_id.startswith("construction_intensities:")
        assert leg.factor_set_version is not None
        assert "BLDG_DEFAULT_INTENSITY" not in leg.flags
    assert sum(float(leg.kg_co2e) for leg in legs) == pytest.approx(CH_ROOM_KG, rel=1e-6)


def test_new_tec_is_stored_new_tech(worked_examples_url):
    activities = query_rows(
        worked_examples_url, "select activity from raw.construction_intensities order by activity"
    )
    assert [row.activity for row in activities] == ["new_tech", "ren_env"]


def test_rooms_without_intensity_are_not_estimated_never_zero(worked_examples_url):
    statuses = query_rows(
        worked_examples_url,
        """
        select r.room_name, q.status_code
        from marts.fct_unresolved_rows as q
        join raw.building_rooms as r on q.activity_row_id = 'building_rooms:' || r._load_id || ':' || r._row_number
        where q.submodule_code = 'construction'
        order by r.room_name, r.unit_institutional_id
        """,
    )
    assert {row.status_code for row in statuses} == {"INTENSITY_MISSING"}
    assert "CH B3 40" not in {row.room_name for row in statuses}
    assert len(statuses) == 10
    zero_legs = query_rows(
        worked_examples_url,
        "select count(*) as n from marts.fct_emissions where submodule_code = 'construction' and kg_co2e = 0",
    )
    assert zero_legs[0].n == 0


def test_construction_is_reported_apart_per_unit(worked_examples_url):
    rows = query_rows(
        worked_examples_url,
        """
        select unit_id, t_co2e, activity_row_count, unresolved_row_count, estimate_status
        from reporting.rpt_additional__unit_year
        where submodule_code = 'construction' and reporting_year = 2025
        order by unit_id
        """,
    )
    by_unit = {row.unit_id: row for row in rows}
    assert set(by_unit) == {"11110", "11120", "12110"}
    # 12110 has CH B3 40 estimated and AAB 0 32, BC 125 and the unknown room ZZ 9 99 without intensity.
    quantum_optics = by_unit["12110"]
    assert float(quantum_optics.t_co2e) == pytest.approx(CH_ROOM_KG / 1000, rel=1e-6)
    assert (quantum_optics.activity_row_count, quantum_optics.unresolved_row_count) == (1, 3)
    assert quantum_optics.estimate_status == "partial"
    for unit_id in ("11110", "11120"):
        assert (by_unit[unit_id].t_co2e, by_unit[unit_id].estimate_status) == (None, "not_estimated")


def test_headline_totals_leave_out_construction(worked_examples_url):
    headline_t, construction_t, footprint_t = query_rows(
        worked_examples_url,
        """
        select
            (select sum(kg_co2e) / 1000 from marts.fct_emissions where not is_additional_category),
            (select sum(kg_co2e) / 1000 from marts.fct_emissions where submodule_code = 'construction'),
            (select sum(t_co2e) from reporting.rpt_footprint__unit_year)
        """,
    )[0]
    assert float(construction_t) == pytest.approx(CH_ROOM_KG / 1000, rel=1e-6)
    assert float(footprint_t) == pytest.approx(float(headline_t), rel=1e-9)
