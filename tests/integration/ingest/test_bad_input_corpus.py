"""The bad-input corpus (tests/fixtures/bad_input, manifest expected.yaml) and the good-but-odd files.

Each corpus file is loaded into its own copy of a warehouse that already holds good data for 2025 (units,
headcount, flights, trains, process emissions). The test asserts the reasons the manifest names (code, line,
column, message), that the rows that should load are loaded exactly once, and that nothing else changed:
every raw table's row count and every earlier load's status stay as they were, except what the load is meant
to change (a partly accepted file replaces the good load of its scope).

The odd files (tests/fixtures/odd_input: `;` delimiter, decimal commas, DD.MM.YYYY dates, BOM, Windows-1252,
UTF-16 by its byte-order mark, CRLF, quoted line breaks, XLSX) must load the same rows as their clean CSV twin.
"""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url

from ingest.contracts import SOURCES
from ingest.load import load_file, load_reference_data
from ingest.read import ReadOptions
from tests.conftest import create_database, drop_database

FIXTURES = Path(__file__).parents[2] / "fixtures"
CORPUS = FIXTURES / "bad_input"
CASES = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
GOOD_FILES_2025 = {
    "headcount": FIXTURES / "headcount/headcount_2025.csv",
    "travel_planes": FIXTURES / "travel_planes/worked_examples_2025.csv",
    "travel_trains": FIXTURES / "travel_trains/worked_examples_2025.csv",
    "processemissions": FIXTURES / "processemissions/worked_examples_2025.csv",
}


@pytest.fixture(scope="module")
def good_warehouse_url(postgres_server_url: str) -> Iterator[str]:
    """A warehouse with reference data, the unit tree and good 2025 files, used as a template database."""
    url = create_database(postgres_server_url, "co2calc_corpus_template")
    engine = sa.create_engine(url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    for source_code, path in GOOD_FILES_2025.items():
        result = load_file(engine, path, source_code, reporting_year=2025, loaded_by="test")
        assert result.outcome == "loaded", result
    engine.dispose()
    yield url
    drop_database(postgres_server_url, url)


@pytest.fixture
def engine(good_warehouse_url: str, postgres_server_url: str) -> Iterator[sa.Engine]:
    """A fresh copy of the good warehouse (PostgreSQL `create database ... template`)."""
    name = f"co2calc_corpus_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'create database "{name}" template "{make_url(good_warehouse_url).database}"'
        )
    admin.dispose()
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    yield engine
    engine.dispose()
    drop_database(postgres_server_url, url)


def raw_row_counts(connection: sa.Connection) -> dict[str, int]:
    tables = connection.execute(
        sa.text("select table_name from information_schema.tables where table_schema = 'raw' order by 1")
    ).scalars()
    return {
        f"raw.{table}": connection.execute(sa.text(f'select count(*) from raw."{table}"')).scalar_one()
        for table in tables
    }


def load_statuses(connection: sa.Connection) -> dict[int, str]:
    return dict(connection.execute(sa.text("select load_id, load_status from ops.loads")).all())


def active_load(connection: sa.Connection, source_code: str, year: int) -> tuple[int, int] | None:
    """(load id, rows in raw) of the active back-office load of the scope."""
    row = connection.execute(
        sa.text(
            "select load_id from ops.loads where source_code = :source and reporting_year = :year "
            "and unit_scope = '*' and load_status = 'active'"
        ),
        {"source": source_code, "year": year},
    ).one_or_none()
    if row is None:
        return None
    rows = connection.execute(
        sa.text(f"select count(*) from {SOURCES[source_code].raw_table} where _load_id = :id"),
        {"id": row.load_id},
    ).scalar_one()
    return row.load_id, rows


def test_the_corpus_has_one_file_per_case_and_a_case_per_file():
    files = sorted(p.name for p in CORPUS.iterdir() if p.name != "expected.yaml")
    assert sorted(case["file"] for case in CASES) == files
    assert len(files) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_bad_input_file_gives_its_expected_reasons_and_changes_only_what_it_should(engine, case):
    contract = SOURCES[case["source"]]
    year = case.get("year", 2025)
    with engine.connect() as connection:
        counts_before = raw_row_counts(connection)
        statuses_before = load_statuses(connection)
        previous = active_load(connection, case["source"], year) if case.get("unit") is None else None

    result = load_file(
        engine,
        CORPUS / case["file"],
        case["source"],
        reporting_year=year,
        unit_institutional_id=case.get("unit"),
        loaded_by="test",
        read_options=ReadOptions(**case.get("read_options", {})),
    )

    assert result.outcome == case["outcome"]
    if "refusal" in case:
        assert result.message == case["refusal"]
    expected_rejects = [tuple(reject) for reject in case.get("rejects", [])]
    rejects = [(r.line_number, r.column_name, r.reason_code, r.reason_message) for r in result.rejected_rows]
    assert rejects == expected_rejects
    accepted_lines = case.get("accepted_lines", [])
    assert result.rows_accepted == len(accepted_lines)
    with engine.connect() as connection:
        stored_rejects = connection.execute(
            sa.text(
                "select row_number, nullif(column_name, ''), reason_code, reason_message from ops.rejects "
                "where load_id = :id order by row_number, reason_code"
            ),
            {"id": result.load_id},
        ).all()
        loaded_lines = connection.execute(
            sa.text(f"select _row_number from {contract.raw_table} where _load_id = :id order by 1"),
            {"id": result.load_id},
        ).scalars()
        counts_after = raw_row_counts(connection)
        statuses_after = load_statuses(connection)
    assert sorted(tuple(r) for r in stored_rejects) == sorted(expected_rejects)
    assert list(loaded_lines) == accepted_lines

    expected_statuses = {
        **statuses_before,
        result.load_id: "refused" if result.outcome == "refused" else "active",
    }
    expected_counts = dict(counts_before)
    if result.outcome == "replaced":
        replaced_load_id, replaced_rows = previous
        expected_statuses[replaced_load_id] = "replaced"
        expected_counts[contract.raw_table] += len(accepted_lines) - replaced_rows
    else:
        expected_counts[contract.raw_table] += len(accepted_lines)
    assert statuses_after == expected_statuses
    assert counts_after == expected_counts


ODD_TWINS = {
    "headcount": (
        "headcount_clean.csv",
        {
            "headcount_semicolon_decimal_comma_bom_crlf.csv": (
                {},
                "csv, encoding 'utf-8 with BOM', delimiter ';', decimal ','",
            ),
            "headcount_cp1252_semicolon.csv": ({}, "csv, encoding 'cp1252', delimiter ';', decimal ','"),
            "headcount_utf16_bom_crlf.csv": ({}, "csv, encoding 'utf-16', delimiter ',', decimal '.'"),
            "headcount.xlsx": ({"sheet": "Staff"}, "xlsx, sheet 'Staff' (declared), decimal '.'"),
        },
    ),
    "travel_planes": (
        "travel_planes_clean.csv",
        {
            "travel_planes_semicolon_dotted_dates_bom.csv": (
                {},
                "csv, encoding 'utf-8 with BOM', delimiter ';', decimal ',', date_format 'dd.mm.yyyy'",
            ),
            "travel_planes_dotted_dates_cp1252.csv": (
                {"encoding": "cp1252", "date_format": "dd.mm.yyyy"},
                "csv, encoding 'cp1252' (declared), delimiter ',', decimal '.', date_format 'dd.mm.yyyy' (declared)",
            ),
            "travel_planes.xlsx": ({}, "xlsx, sheet 'Flights', decimal '.', date_format 'iso'"),
        },
    ),
}
ODD_CASES = [
    (source_code, clean, odd, options, read_format)
    for source_code, (clean, odd_files) in ODD_TWINS.items()
    for odd, (options, read_format) in odd_files.items()
]


def loaded_rows(engine: sa.Engine, source_code: str, load_id: int) -> list[tuple]:
    contract = SOURCES[source_code]
    columns = ", ".join(contract.column_names)
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.text(
                    f"select {columns} from {contract.raw_table} where _load_id = :id order by {columns}"
                ),
                {"id": load_id},
            )
        ]


@pytest.mark.parametrize(
    ("source_code", "clean", "odd", "options", "read_format"), ODD_CASES, ids=[case[2] for case in ODD_CASES]
)
def test_odd_file_loads_the_same_rows_as_its_clean_twin(
    engine, source_code, clean, odd, options, read_format
):
    odd_input = FIXTURES / "odd_input"
    clean_load = load_file(engine, odd_input / clean, source_code, reporting_year=2025, loaded_by="test")
    clean_rows = loaded_rows(engine, source_code, clean_load.load_id)
    odd_load = load_file(
        engine,
        odd_input / odd,
        source_code,
        reporting_year=2025,
        loaded_by="test",
        read_options=ReadOptions(**options),
    )
    assert (clean_load.rows_rejected, odd_load.rows_rejected) == (0, 0), odd_load.rejected_rows
    assert odd_load.read_format == read_format
    assert len(clean_rows) == 4
    assert loaded_rows(engine, source_code, odd_load.load_id) == clean_rows
    with engine.connect() as connection:
        recorded = connection.execute(
            sa.text("select read_format, read_options from ops.loads where load_id = :id"),
            {"id": odd_load.load_id},
        ).one()
    assert tuple(recorded) == (read_format, ReadOptions(**options).describe())


def test_the_same_file_read_with_other_declarations_is_not_identical_to_its_load(engine):
    path = FIXTURES / "odd_input/travel_planes_dotted_dates_cp1252.csv"
    first = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    declared = ReadOptions(encoding="cp1252", date_format="dd.mm.yyyy")
    second = load_file(
        engine, path, "travel_planes", reporting_year=2025, loaded_by="test", read_options=declared
    )
    again = load_file(
        engine, path, "travel_planes", reporting_year=2025, loaded_by="test", read_options=declared
    )
    assert (first.outcome, second.outcome, again.outcome) == ("replaced", "replaced", "unchanged")
    assert first.warnings == (
        "FILE_ENCODING_FALLBACK: travel_planes_dotted_dates_cp1252.csv is not UTF-8; read as Windows-1252",
    )
    assert again.load_id == second.load_id
