"""`co2calc ingest` in a real process against a real PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file, load_reference_data

FIXTURES = Path(__file__).parents[2] / "fixtures"
CO2CALC = str(Path(sys.executable).parent / "co2calc")


@pytest.fixture
def database_url(fresh_database_url):
    engine = sa.create_engine(fresh_database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    engine.dispose()
    return fresh_database_url


def co2calc(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CO2CALC_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=300)


def test_ingest_reports_accepted_and_rejected_counts_with_the_reasons(database_url):
    result = co2calc(
        database_url,
        "ingest",
        str(FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv"),
        "--source",
        "travel_planes",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 rows accepted, 3 rejected" in result.stdout
    assert (
        "three_bad_rows_2025.csv, line 3, column destination_iata: TRAVEL_UNKNOWN_IATA destination_iata 'XXX' is not a known airport code"
        in result.stdout
    )
    assert (
        "line 4, column number_of_trips: ROW_TYPE number_of_trips '1.5' is not a whole number"
        in result.stdout
    )
    assert "line 6, column cabin_class: ROW_ENUM cabin_class 'premium'" in result.stdout
    again = co2calc(
        database_url,
        "ingest",
        str(FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv"),
        "--source",
        "travel_planes",
    )
    assert "is identical to load" in again.stdout


def test_ingest_refuses_a_misspelled_column_with_a_non_zero_exit(database_url):
    result = co2calc(
        database_url,
        "ingest",
        str(FIXTURES / "travel_planes/invalid/misspelled_column.csv"),
        "--source",
        "travel_planes",
        "--year",
        "2025",
    )
    assert result.returncode == 1
    assert "unknown column 'cabin_clas'; did you mean 'cabin_class'?" in " ".join(result.stdout.split())


def test_ingest_without_a_year_for_a_yearly_source_says_so(database_url, tmp_path):
    path = tmp_path / "flights.csv"
    path.write_bytes((FIXTURES / "travel_planes/worked_examples_2025.csv").read_bytes())
    result = co2calc(database_url, "ingest", str(path), "--source", "travel_planes")
    assert result.returncode == 2
    assert "needs a reporting year" in result.stdout


def test_ingest_says_how_it_read_the_file_and_takes_the_stewards_declarations(database_url, tmp_path):
    path = tmp_path / "travel_planes_2025.csv"
    path.write_bytes((FIXTURES / "odd_input/travel_planes_dotted_dates_cp1252.csv").read_bytes())
    result = co2calc(
        database_url,
        "ingest",
        str(path),
        "--source",
        "travel_planes",
        "--encoding",
        "cp1252",
        "--delimiter",
        ",",
        "--decimal",
        ".",
        "--date-format",
        "dd.mm.yyyy",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 rows accepted, 0 rejected" in result.stdout
    assert (
        "read as csv, encoding 'cp1252' (declared), delimiter ',' (declared), decimal '.' (declared), "
        "date_format 'dd.mm.yyyy' (declared)"
    ) in " ".join(result.stdout.split())


def test_ingest_reads_a_named_sheet_and_refuses_an_unknown_declaration(database_url):
    workbook = str(FIXTURES / "odd_input/headcount.xlsx")
    read = co2calc(
        database_url, "ingest", workbook, "--source", "headcount", "--year", "2025", "--sheet", "Staff"
    )
    assert read.returncode == 0, read.stdout + read.stderr
    assert "read as xlsx, sheet 'Staff' (declared), decimal '.'" in read.stdout
    wrong = co2calc(
        database_url, "ingest", workbook, "--source", "headcount", "--year", "2025", "--delimiter", "|"
    )
    assert wrong.returncode == 2
    assert "delimiter '|' is not one of ',', ';'" in wrong.stdout
