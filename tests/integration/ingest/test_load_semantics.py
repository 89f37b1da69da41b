"""Load semantics against a real PostgreSQL: refusal, partial loads, no-op and atomic replacement."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file

FIXTURES = Path(__file__).parents[2] / "fixtures"


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

    monkeypatch.setattr("ingest.copier.copy_frame", copy_that_fails)
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
    assert (result.rows_accepted, [r.reason_code for r in result.rejected_rows]) == (1, ["ROW_UNKNOWN_UNIT"])


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


PLANES_HEADER = (
    "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,"
    "cabin_class,note\n"
)


def planes_file(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(PLANES_HEADER + "".join(f"{row}\n" for row in rows))
    return path


def test_a_file_whose_every_row_is_refused_keeps_the_previous_load(engine, tmp_path):
    # Regression: an all-refused file replaced (and so deleted) the previous good load.
    good = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    bad = load_file(
        engine,
        planes_file(tmp_path, "flights.csv", "11110,GVA,XXX,1,2025-01-01,1,economy,"),
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    assert bad.outcome == "refused" and bad.message.startswith("ROWS_ALL_REFUSED")
    assert [r.reason_code for r in bad.rejected_rows] == ["TRAVEL_UNKNOWN_IATA"]
    assert scalar(engine, "select count(*) from raw.travel_planes where _load_id = :id", id=good.load_id) == 4
    assert (
        scalar(engine, "select load_status from ops.loads where load_id = :id", id=good.load_id) == "active"
    )
    assert scalar(engine, "select count(*) from ops.rejects where load_id = :id", id=bad.load_id) == 1


def test_a_year_that_contradicts_the_file_name_refuses_the_file(engine):
    result = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2024,
        loaded_by="test",
    )
    assert result.outcome == "refused"
    assert result.message.startswith("FILE_YEAR_MISMATCH")
    assert scalar(engine, "select count(*) from raw.travel_planes") == 0


def test_an_end_user_file_is_refused_while_a_back_office_file_covers_the_year(engine, tmp_path):
    load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    end_user = tmp_path / "my_flights.csv"
    end_user.write_text(
        PLANES_HEADER.removeprefix("unit_institutional_id,") + "GVA,CDG,1,2025-01-01,1,economy,\n"
    )
    result = load_file(
        engine,
        end_user,
        "travel_planes",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert result.outcome == "refused" and result.message.startswith("FILE_SCOPE_CONFLICT")
    assert scalar(engine, "select count(*) from raw.travel_planes") == 4


def test_a_back_office_file_replaces_the_end_user_files_of_its_year(engine, tmp_path):
    end_user = load_file(
        engine,
        planes_file(
            tmp_path,
            "lab.csv",
            "11110,GVA,CDG,1,2025-01-01,1,economy,",
            "12110,GVA,CDG,1,2025-01-01,1,economy,",
        ),
        "travel_planes",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="test",
    )
    assert (end_user.rows_accepted, [r.reason_code for r in end_user.rejected_rows]) == (
        1,
        ["ROW_OTHER_UNIT"],
    )
    back_office = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    assert back_office.outcome == "replaced"
    assert scalar(engine, "select count(*) from raw.travel_planes") == 4
    assert (
        scalar(engine, "select load_status from ops.loads where load_id = :id", id=end_user.load_id)
        == "replaced"
    )


def test_activity_rows_must_belong_to_a_lab_not_to_an_institute(engine, tmp_path):
    result = load_file(
        engine,
        planes_file(
            tmp_path,
            "f.csv",
            "11100,GVA,CDG,1,2025-01-01,1,economy,",
            "11110,GVA,CDG,1,2025-01-01,1,economy,",
        ),
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    assert [(r.line_number, r.reason_code) for r in result.rejected_rows] == [(2, "ROW_UNKNOWN_UNIT")]


def test_rejected_rows_carry_their_file_line_numbers(engine, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(PLANES_HEADER + "# a comment\n\n11110,GVA,XXX,1,2025-01-01,1,economy,\n")
    result = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    assert str(result.rejected_rows[0]) == (
        "line 4, column destination_iata: TRAVEL_UNKNOWN_IATA destination_iata 'XXX' is not a known airport code"
    )
