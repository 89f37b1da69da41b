"""Loading the buildings sources against a real PostgreSQL: the shipped EPFL templates as end-user files, rooms
checked against the active room reference, and a room reference that may not degrade (METHODOLOGY.md §3.3)."""

from pathlib import Path

import sqlalchemy as sa

from ingest.load import load_file
from ingest.reference import EPFL_TEMPLATES_DIR

FIXTURES = Path(__file__).parents[2] / "fixtures"
REFERENCE = FIXTURES / "building_rooms_reference/worked_examples_2025.csv"
REFERENCE_HEADER = "building_location,building_name,room_name,room_type,room_surface_square_meter\n"


def rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def load_reference(engine, path: Path):
    return load_file(engine, path, "building_rooms_reference", loaded_by="test")


def test_the_shipped_rooms_template_loads_as_an_end_user_file_each_room_at_its_full_surface(engine):
    load_reference(engine, REFERENCE)
    result = load_file(
        engine,
        EPFL_TEMPLATES_DIR / "building_rooms_template.csv",
        "building_rooms",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert (result.outcome, result.rows_accepted, result.rows_rejected) == ("loaded", 6, 0)
    # Every row is a room of the reference, for the unit the upload names, with ratio 1 (the template has no ratio
    # column); AI 9126 has no intensity in the worked-example fixtures and BCH 2201 no surface, so in dbt they
    # become INTENSITY_MISSING and BLDG_NO_SURFACE (test_worked_examples_buildings.py shows both cases).
    assert rows(
        engine,
        "select unit_institutional_id, building_name, room_name, room_type, room_allocation_ratio::float, kg_co2eq "
        "from raw.building_rooms order by _row_number",
    ) == [
        ("11110", "AAB", "AAB 0 01", "office", 1.0, None),
        ("11110", "AAB", "AAB 0 32", "miscellaneous", 1.0, None),
        ("11110", "AI", "AI 9126", "laboratories", 1.0, None),
        ("11110", "AI", "AI 9127", "archives", 1.0, None),
        ("11110", "BC", "BC 125", "libraries", 1.0, None),
        ("11110", "BCH", "BCH 2201", "auditoriums", 1.0, None),
    ]


def test_the_shipped_combustion_template_loads_as_an_end_user_file_every_fuel_in_its_factors_unit(engine):
    result = load_file(
        engine,
        EPFL_TEMPLATES_DIR / "building_energycombustions_template.csv",
        "building_energycombustions",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert (result.outcome, result.rows_accepted, result.rows_rejected) == ("loaded", 7, 0)
    # W11a (natural gas) and W11b (pellets) are computed, W11c (propane) is FACTOR_MISSING in dbt: no Swiss factor.
    assert rows(
        engine, "select name, unit, quantity::float from raw.building_energycombustions order by _row_number"
    ) == [
        ("natural_gas", "kWh", 1200.0),
        ("heating_oil", "kWh", 800.0),
        ("biomethane", "kWh", 500.0),
        ("propane", "kWh", 15000.0),
        ("pellets", "kg", 3000.0),
        ("forest_chips", "kg", 4000.0),
        ("wood_logs", "kg", 2000.0),
    ]


def test_rooms_missing_from_the_reference_are_refused_with_their_line_and_column(engine, tmp_path):
    load_reference(engine, REFERENCE)
    rooms = tmp_path / "building_rooms_2025.csv"
    rooms.write_text(
        "unit_institutional_id,building_location,building_name,room_name,room_type,note\n"
        "11110,ECUBLENS,AAB,AAB 0 01,office,\n"
        "11110,ECUBLENS,AAB,AAB 7 77,office,not in the reference\n"
    )
    result = load_file(engine, rooms, "building_rooms", reporting_year=2025, loaded_by="test")
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    (rejected,) = result.rejected_rows
    assert (rejected.line_number, rejected.column_name, rejected.reason_code) == (
        3,
        "room_name",
        "BLDG_UNKNOWN_ROOM",
    )
    assert rejected.reason_message == "room 'AAB 7 77' of building 'AAB' is not in the room reference"


def test_a_room_reference_that_would_null_more_surfaces_is_refused_and_the_active_one_kept(engine, tmp_path):
    assert load_reference(engine, REFERENCE).outcome == "loaded"
    degraded = tmp_path / "building_rooms_reference.csv"
    degraded.write_text(
        REFERENCE_HEADER
        + "".join(
            line if "AAB 0 01" not in line else "ECUBLENS,AAB,AAB 0 01,office,0\n"
            for line in REFERENCE.read_text().splitlines(keepends=True)[1:]
        )
    )
    result = load_reference(engine, degraded)
    assert result.outcome == "refused"
    assert result.message.startswith(
        "REF_DEGRADED: 2 of 8 rows (25.0%) have no positive room_surface_square_meter, against 1 of 8 (12.5%)"
    )
    assert rows(
        engine,
        "select room_surface_square_meter::float from raw.building_rooms_reference where room_name = 'AAB 0 01'",
    ) == [(18.5,)]


def test_a_room_reference_with_as_many_surfaces_replaces_the_active_one_wholesale(engine, tmp_path):
    load_reference(engine, REFERENCE)
    renovated = tmp_path / "building_rooms_reference.csv"
    renovated.write_text(REFERENCE_HEADER + "ECUBLENS,AAB,AAB 0 01,office,20\n")
    assert load_reference(engine, renovated).outcome == "replaced"
    assert rows(
        engine, "select room_name, room_surface_square_meter::float from raw.building_rooms_reference"
    ) == [("AAB 0 01", 20.0)]
