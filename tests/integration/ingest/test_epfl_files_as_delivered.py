"""EPFL's files as its calculator exports them load, or are refused for the right reason (issue 11, item 6;
METHODOLOGY.md §1.4, §1.8), through the whole load into a real warehouse (`engine`: reference data and the unit
tree, tests/integration/ingest/conftest.py)."""

import sqlalchemy as sa

from ingest.load import load_file
from tests.fixtures.make_workbooks import OLE2_HEADER


def loaded(engine: sa.Engine, sql: str, **parameters) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), parameters)]


def test_lines_of_empty_cells_are_counted_as_skipped(engine, tmp_path):
    # Regression: `,,,,,` lines vanished from every count of the load.
    path = tmp_path / "headcount_2025.csv"
    path.write_text(
        "unit_institutional_id,name,sius_code,user_institutional_id,fte,note\n"
        ",,,,,\n11110,Peter,51,150322,1,\n,,,,,\n\n# a comment is not a row\n11110,Anna,54,166495,0.5,\n,,,,,\n"
    )

    result = load_file(engine, path, "headcount", reporting_year=2025, loaded_by="test")

    assert (result.outcome, result.rows_read, result.rows_accepted, result.rows_skipped) == (
        "loaded",
        6,
        2,
        4,
    )
    assert loaded(
        engine,
        "select rows_read, rows_accepted, rows_rejected, rows_skipped from ops.loads where load_id = :id",
        id=result.load_id,
    ) == [(6, 2, 0, 4)]


def test_a_file_that_is_not_csv_is_refused_as_such_before_its_scope_is_looked_at(engine, tmp_path):
    # Regression: an old .xls sent for one unit while a back-office file covers the year answered
    # FILE_SCOPE_CONFLICT, which sent the steward after the wrong problem.
    back_office = tmp_path / "travel_planes_2025.csv"
    back_office.write_text(
        "unit_institutional_id,origin_iata,destination_iata,number_of_trips\n11110,GVA,CDG,1\n"
    )
    assert load_file(engine, back_office, "travel_planes", reporting_year=2025, loaded_by="test").outcome == (
        "loaded"
    )
    old_excel = tmp_path / "flights.csv"
    old_excel.write_bytes(OLE2_HEADER)

    result = load_file(
        engine,
        old_excel,
        "travel_planes",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )

    assert (result.outcome, result.message) == (
        "refused",
        "FILE_FORMAT: flights.csv: an Excel 97-2003 workbook (.xls); expected XLSX or CSV: save it as .xlsx or as "
        "CSV UTF-8",
    )


def test_override_rows_with_unknown_airports_and_stations_load_with_their_codes_as_written(engine, tmp_path):
    planes = tmp_path / "travel_planes_2025.csv"
    # No departure_date, cabin_class or note column: they take their defaults.
    planes.write_text(
        "unit_institutional_id,origin_iata,destination_iata,number_of_trips,kg_co2eq\n"
        "11110,GVA,QQQ,1,310.5\n11110,GVA,QQQ,1,\n"
    )
    flights = load_file(engine, planes, "travel_planes", reporting_year=2025, loaded_by="test")
    trains = tmp_path / "travel_trains_2025.csv"
    trains.write_text(
        "unit_institutional_id,origin_name,origin_country_code,destination_name,destination_country_code,"
        "number_of_trips,kg_co2eq\n11110,Lausanne,CH,Atlantis Central,CH,1,4.25\n"
    )
    train = load_file(engine, trains, "travel_trains", reporting_year=2025, loaded_by="test")

    assert [(r.line_number, r.reason_code) for r in flights.rejected_rows] == [(3, "TRAVEL_UNKNOWN_IATA")]
    assert loaded(
        engine, "select destination_iata, cabin_class, departure_date, kg_co2eq::text from raw.travel_planes"
    ) == [("QQQ", "economy", None, "310.500000000000")]
    assert (train.outcome, train.rows_accepted) == ("loaded", 1)
    assert loaded(
        engine,
        "select origin_station_id is not null, destination_name, destination_station_id from raw.travel_trains",
    ) == [(True, "Atlantis Central", None)]
