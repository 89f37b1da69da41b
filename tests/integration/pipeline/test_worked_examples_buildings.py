"""METHODOLOGY.md §5 worked examples of the buildings module (W9, W9b, W10, W11a-c) and its §3.3 (e) edge cases,
computed by the real pipeline into marts.fct_emissions from the fixtures of tests/fixtures/building_*.

The room surfaces and intensities of W9, W9b and W10 are *test* values: they exist only in those fixtures.
"""

import pytest
import sqlalchemy as sa

from tests.integration.pipeline.queries import query_rows, raw_row_join, rows_by_note

LEGS_BY_NOTE = f"""
select f.leg_code, f.ghg_scope, f.activity_quantity, f.activity_unit, f.factor_id, f.kg_co2e, f.is_override,
    f.flags
from marts.fct_emissions as f
{raw_row_join()}
-- A room row also carries construction legs (module additional, test_construction.py).
where r.note = :note and f.module_code = 'buildings'
order by f.leg_code
"""
UNRESOLVED_BY_NOTE = f"""
select u.status_code
from marts.fct_unresolved_rows as u
{raw_row_join("u")}
where r.note = :note and u.module_code = 'buildings'
"""


def room_legs(url: str, note: str) -> dict[str, sa.Row]:
    return {row.leg_code: row for row in rows_by_note(url, LEGS_BY_NOTE, "building_rooms", note)}


def test_w9_office_heated_by_gas_burnt_on_site_books_heating_in_scope_1(worked_examples_url):
    legs = room_legs(worked_examples_url, "W9")
    assert {leg: (row.ghg_scope, float(row.activity_quantity)) for leg, row in legs.items()} == {
        "lighting": (2, pytest.approx(222)),
        "cooling": (2, pytest.approx(148)),
        "ventilation": (2, pytest.approx(370)),
        "heating_thermal": (1, pytest.approx(1295)),
    }
    assert float(legs["heating_thermal"].kg_co2e) == pytest.approx(310.8, rel=1e-6)
    assert legs["heating_thermal"].factor_id == "labos1p5_fuels_2022:fuel:natural_gas"
    scope_2 = sum(float(row.kg_co2e) for row in legs.values() if row.ghg_scope == 2)
    assert scope_2 == pytest.approx(71.78, rel=1e-6)
    assert sum(float(row.kg_co2e) for row in legs.values()) == pytest.approx(382.58, rel=1e-6)


def test_w9b_heat_pump_heating_is_electric_divided_by_the_cop_in_scope_2(worked_examples_url):
    legs = room_legs(worked_examples_url, "W9b")
    assert sorted(legs) == ["cooling", "heating_elec", "lighting", "ventilation"]
    assert {row.ghg_scope for row in legs.values()} == {2}
    assert float(legs["heating_elec"].activity_quantity) == pytest.approx(1295 / 3, rel=1e-6)
    assert float(legs["heating_elec"].kg_co2e) == pytest.approx(41.871667, rel=1e-6)
    assert sum(float(row.kg_co2e) for row in legs.values()) == pytest.approx(113.651667, rel=1e-6)


def test_w10_shared_all_electric_lab_counts_half_its_surface(worked_examples_url):
    legs = room_legs(worked_examples_url, "W10")
    assert {leg: float(row.kg_co2e) for leg, row in legs.items()} == {
        "lighting": pytest.approx(48.5, rel=1e-6),
        "cooling": pytest.approx(58.2, rel=1e-6),
        "ventilation": pytest.approx(116.4, rel=1e-6),
        "heating_elec": pytest.approx(174.6, rel=1e-6),
    }
    assert sum(float(row.activity_quantity) for row in legs.values()) == pytest.approx(4100, rel=1e-6)
    assert sum(float(row.kg_co2e) for row in legs.values()) == pytest.approx(397.7, rel=1e-6)


@pytest.mark.parametrize(
    ("note", "leg_code", "quantity", "unit", "kg_co2e"),
    [("W11a", "natural_gas", 1200, "kWh", 288.0), ("W11b", "pellets", 3000, "kg", 332.4)],
)
def test_w11_combustion_rows_are_scope_1_legs_named_after_the_fuel(
    worked_examples_url, note, leg_code, quantity, unit, kg_co2e
):
    (row,) = rows_by_note(worked_examples_url, LEGS_BY_NOTE, "building_energycombustions", note)
    assert (row.leg_code, row.ghg_scope, float(row.activity_quantity), row.activity_unit) == (
        leg_code,
        1,
        quantity,
        unit,
    )
    assert float(row.kg_co2e) == pytest.approx(kg_co2e, rel=1e-6)


def test_w11c_propane_has_no_swiss_factor_and_is_factor_missing_without_an_emission(worked_examples_url):
    assert rows_by_note(worked_examples_url, LEGS_BY_NOTE, "building_energycombustions", "W11c") == []
    assert [
        row.status_code
        for row in rows_by_note(worked_examples_url, UNRESOLVED_BY_NOTE, "building_energycombustions", "W11c")
    ] == ["FACTOR_MISSING"]


@pytest.mark.parametrize(
    ("note", "status_code"),
    [
        ("no intensity", "INTENSITY_MISSING"),
        ("no surface", "BLDG_NO_SURFACE"),
        ("district heat", "FACTOR_MISSING"),
    ],
)
def test_rooms_that_cannot_be_computed_are_kept_unresolved_with_their_reason(
    worked_examples_url, note, status_code
):
    statuses = rows_by_note(worked_examples_url, UNRESOLVED_BY_NOTE, "building_rooms", note)
    assert [row.status_code for row in statuses] == [status_code]


def test_district_heat_without_a_factor_writes_the_other_legs_of_the_room(worked_examples_url):
    legs = room_legs(worked_examples_url, "district heat")
    assert sorted(legs) == ["lighting"]
    assert float(legs["lighting"].kg_co2e) == pytest.approx(12 * 5 * 0.097, rel=1e-6)


def test_default_intensity_fallback_is_flagged_and_zero_intensities_give_no_leg(worked_examples_url):
    legs = room_legs(worked_examples_url, "default intensity shared")
    assert sorted(legs) == ["lighting"]
    assert "BLDG_DEFAULT_INTENSITY" in legs["lighting"].flags
    assert float(legs["lighting"].kg_co2e) == pytest.approx(24 * 0.6 * 10 * 0.097, rel=1e-6)


def test_a_room_allocated_beyond_its_surface_is_flagged_on_every_unit(worked_examples_url):
    for note in ("default intensity shared", "default intensity overallocated"):
        assert "BLDG_OVERALLOCATED" in room_legs(worked_examples_url, note)["lighting"].flags
    assert all(
        "BLDG_OVERALLOCATED" not in row.flags for row in room_legs(worked_examples_url, "W10").values()
    )


def test_the_reference_room_type_wins_over_the_declared_one(worked_examples_url):
    legs = room_legs(worked_examples_url, "type mismatch")
    assert "BLDG_TYPE_MISMATCH" in legs["lighting"].flags
    # BC 125 is declared an office but is a library in the reference: the libraries default (15 kWh/m2) applies.
    assert float(legs["lighting"].kg_co2e) == pytest.approx(140 * 0.25 * 15 * 0.097, rel=1e-6)


def test_heating_through_rooms_and_own_boilers_in_one_unit_is_flagged_on_both(worked_examples_url):
    assert "BLDG_POSSIBLE_DOUBLE_HEATING" in room_legs(worked_examples_url, "W9")["heating_thermal"].flags
    assert "BLDG_POSSIBLE_DOUBLE_HEATING" not in room_legs(worked_examples_url, "W9")["lighting"].flags
    (gas,) = rows_by_note(worked_examples_url, LEGS_BY_NOTE, "building_energycombustions", "W11a")
    assert "BLDG_POSSIBLE_DOUBLE_HEATING" in gas.flags
    assert "BLDG_POSSIBLE_DOUBLE_HEATING" not in room_legs(worked_examples_url, "W9b")["heating_elec"].flags


@pytest.mark.parametrize(
    ("table", "note", "scope", "kg_co2e", "flags"),
    [
        ("building_rooms", "room override", 2, 55.5, []),
        ("building_rooms", "unknown room override", 2, 10.0, ["BLDG_UNKNOWN_ROOM"]),
        ("building_energycombustions", "combustion override", 1, 75.25, []),
    ],
)
def test_overrides_are_one_verbatim_leg_in_the_modules_primary_scope(
    worked_examples_url, table, note, scope, kg_co2e, flags
):
    (row,) = rows_by_note(worked_examples_url, LEGS_BY_NOTE, table, note)
    assert (row.leg_code, row.is_override, row.factor_id, row.ghg_scope, float(row.kg_co2e), row.flags) == (
        "override",
        True,
        "override",
        scope,
        kg_co2e,
        flags,
    )


def test_resolved_rooms_expose_surface_and_allocated_surface(worked_examples_url):
    rooms = query_rows(
        worked_examples_url,
        "select building_name, room_name, room_type, surface_m2, allocated_surface_m2 "
        "from intermediate.int_buildings__rooms_resolved where unit_id = '12110' and room_name = 'CH B3 40'",
    )
    assert [
        (r.building_name, r.room_type, float(r.surface_m2), float(r.allocated_surface_m2)) for r in rooms
    ] == [("CH", "laboratories", 40.0, 20.0)]
