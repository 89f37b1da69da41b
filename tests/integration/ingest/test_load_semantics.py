"""Load semantics against a real PostgreSQL: refusal, partial loads, no-op and atomic replacement."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file, load_reference_data

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture
def engine(fresh_database_url):
    engine = sa.create_engine(fresh_database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    yield engine
    engine.dispose()


def scalar(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar()


def test_file_with_three_bad_rows_loads_the_rest_and_reports_the_three_reasons(engine):
    result = load_file(
        engine,
        FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    assert (result.outcome, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "loaded",
        6,
        3,
        3,
    )
    assert (
        scalar(engine, "select count(*) from raw.travel_planes where _load_id = :id", id=result.load_id) == 3
    )
    with engine.connect() as connection:
        rejects = connection.execute(
            sa.text(
                "select row_number, column_name, reason_code, reason_message, original_line from ops.rejects "
                "where load_id = :id order by row_number"
            ),
            {"id": result.load_id},
        ).all()
    assert [(r.row_number, r.reason_code) for r in rejects] == [
        (3, "TRAVEL_UNKNOWN_IATA"),
        (4, "ROW_TYPE"),
        (6, "ROW_ENUM"),
    ]
    assert rejects[0].original_line == "11110,GVA,XXX,150322,2025-03-11,1,economy,unknown airport"
    assert (
        rejects[2].reason_message
        == "cabin_class 'premium' is not one of economy, premium_economy, business, first"
    )


def test_loading_the_identical_file_again_changes_nothing(engine):
    path = FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv"
    first = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    counts = "select (select count(*) from raw.travel_planes) * 1000 + (select count(*) from ops.rejects)"
    before = scalar(engine, counts)
    again = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    assert again.outcome == "unchanged"
    assert again.load_id == first.load_id
    assert scalar(engine, counts) == before
    assert scalar(engine, "select count(*) from ops.loads where source_code = 'travel_planes'") == 1


def test_corrected_file_replaces_the_previous_load_and_keeps_it_in_history(engine, tmp_path):
    path = FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv"
    first = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    corrected = tmp_path / "travel_planes_2025.csv"
    text = path.read_text().replace("XXX", "LHR").replace(",1.5,", ",1,").replace("premium", "business")
    corrected.write_text(text)
    second = load_file(engine, corrected, "travel_planes", reporting_year=2025, loaded_by="test")
    assert (second.outcome, second.rows_accepted, second.rows_rejected) == ("replaced", 6, 0)
    assert scalar(engine, "select count(*) from raw.travel_planes") == 6
    assert scalar(engine, "select count(distinct _load_id) from raw.travel_planes") == 1
    assert (
        scalar(
            engine,
            "select load_status || ':' || replaced_by_load_id from ops.loads where load_id = :id",
            id=first.load_id,
        )
        == f"replaced:{second.load_id}"
    )


def test_replacement_is_atomic_a_failure_midway_keeps_the_previous_load(engine, tmp_path, monkeypatch):
    path = FIXTURES / "travel_planes/worked_examples_2025.csv"
    first = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    corrected = tmp_path / "travel_planes_2025.csv"
    shutil.copy(path, corrected)
    corrected.write_text(path.read_text() + "11110,GVA,ZRH,150322,2025-09-01,1,economy,one more,\n")

    def copy_that_fails(cursor, table, frame):
        raise RuntimeError("disk full while copying")

    monkeypatch.setattr("ingest.load._copy", copy_that_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        load_file(engine, corrected, "travel_planes", reporting_year=2025, loaded_by="test")
    assert (
        scalar(engine, "select count(*) from raw.travel_planes where _load_id = :id", id=first.load_id) == 4
    )
    assert (
        scalar(engine, "select load_status from ops.loads where load_id = :id", id=first.load_id) == "active"
    )
    assert scalar(engine, "select count(*) from ops.loads where source_code = 'travel_planes'") == 1


def test_file_with_misspelled_column_is_refused_and_loads_nothing(engine):
    result = load_file(
        engine,
        FIXTURES / "travel_planes/invalid/misspelled_column.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    assert result.outcome == "refused"
    assert "unknown column 'cabin_clas'; did you mean 'cabin_class'?" in result.message
    assert scalar(engine, "select count(*) from raw.travel_planes") == 0
    assert (
        scalar(engine, "select load_status from ops.loads where load_id = :id", id=result.load_id)
        == "refused"
    )


def test_rows_of_an_unknown_unit_are_rejected(engine, tmp_path):
    path = tmp_path / "headcount_2025.csv"
    path.write_text(
        "unit_institutional_id,name,sius_code,user_institutional_id,fte,note\n"
        "11110,Ann,53,1,1,\n99999,Bob,53,2,1,\n"
    )
    result = load_file(engine, path, "headcount", reporting_year=2025, loaded_by="test")
    assert (result.rows_accepted, [p.reason_code for p in result.problems]) == (1, ["ROW_UNKNOWN_UNIT"])


def test_accepted_values_are_stored_typed_with_their_load_metadata(engine):
    result = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "select reporting_year, departure_date::text as d, number_of_trips, kg_co2eq, _source_file, _row_number "
                "from raw.travel_planes where _load_id = :id and kg_co2eq is not null"
            ),
            {"id": result.load_id},
        ).one()
    assert (row.reporting_year, row.d, row.number_of_trips, float(row.kg_co2eq)) == (
        2025,
        "2025-05-11",
        1,
        420.5,
    )
    assert (row._source_file, row._row_number) == ("worked_examples_2025.csv", 5)
