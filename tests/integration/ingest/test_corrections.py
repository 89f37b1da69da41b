"""Corrected rows sent back from the quarantine (`load_file(..., corrects_load_id=...)`, `co2calc ingest
--corrects`) against a real PostgreSQL: the refused rows are exported as the dashboard exports them
(dashboard/components/quarantine.py), corrected, and loaded into the same scope."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.components.quarantine import correction_csv, correction_frame, refused_rows
from ingest.load import LoadResult, load_file
from ingest.read import CORRECTION_COLUMNS
from ingest.steward import delete_load

FIXTURES = Path(__file__).parents[2] / "fixtures"
THREE_BAD_ROWS = FIXTURES / "travel_planes/invalid/three_bad_rows_2025.csv"
CO2CALC = str(Path(sys.executable).parent / "co2calc")
# The fixes of lines 3 (unknown airport XXX), 4 (1.5 trips) and 6 (cabin class premium).
FIXES = {3: ("destination_iata", "LHR"), 4: ("number_of_trips", "2"), 6: ("cabin_class", "business")}


@pytest.fixture
def first_load(engine) -> LoadResult:
    result = load_file(engine, THREE_BAD_ROWS, "travel_planes", reporting_year=2025, loaded_by="test")
    assert (result.rows_accepted, result.rows_rejected) == (3, 3)
    return result


def rows(engine, sql: str, **params) -> list[sa.Row]:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).all()


def exported(engine, load_id: int) -> tuple[pd.DataFrame, str]:
    """The correction file of a load's open refused rows, as the quarantine page builds it."""
    with engine.connect() as connection:
        rejects = pd.read_sql(
            sa.text(
                "select rejects.*, loads.file_name, loads.read_format, loads.source_columns from ops.rejects "
                "join ops.loads using (load_id) where load_id = :id and severity = 'error' "
                "and resolved_by_load_id is null"
            ),
            connection,
            params={"id": load_id},
        )
    read_format = rejects["read_format"].iloc[0]
    return correction_frame(refused_rows(rejects)), read_format


def with_fixes(frame: pd.DataFrame, fixes: dict) -> pd.DataFrame:
    """What the steward does in the file: new values in the refused cells of the lines named."""
    frame = frame.copy()
    for line, (column, value) in fixes.items():
        frame.loc[frame["source_row_number"] == line, column] = value
    return frame


def corrected_file(tmp_path: Path, frame: pd.DataFrame, read_format: str, fixes: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(correction_csv(with_fixes(frame, fixes), read_format))
    return path


def test_the_export_has_the_files_columns_the_cells_as_delivered_and_why(engine, first_load):
    frame, _ = exported(engine, first_load.load_id)

    header = THREE_BAD_ROWS.read_text().splitlines()[0].split(",")
    assert list(frame.columns) == [*header, *CORRECTION_COLUMNS]
    assert frame["source_row_number"].tolist() == [3, 4, 6]
    assert frame["destination_iata"].tolist() == ["XXX", "LHR", "FRA"]
    assert frame["reject_reason_code"].tolist() == ["TRAVEL_UNKNOWN_IATA", "ROW_TYPE", "ROW_ENUM"]
    assert frame["reject_column"].tolist() == ["destination_iata", "number_of_trips", "cabin_class"]


def test_corrected_rows_are_added_once_to_the_scope_and_resolve_the_quarantine(engine, first_load, tmp_path):
    frame, read_format = exported(engine, first_load.load_id)
    # One row the first load accepted comes back too: it must not be counted twice.
    accepted_again = pd.DataFrame(
        [[*THREE_BAD_ROWS.read_text().splitlines()[1].split(","), "", "", "", ""]], columns=frame.columns
    )
    path = corrected_file(tmp_path, pd.concat([frame, accepted_again]), read_format, FIXES, "fixed_2025.csv")
    before = rows(
        engine,
        "select * from raw.travel_planes where _load_id = :id order by _row_number",
        id=first_load.load_id,
    )

    result = load_file(
        engine, path, "travel_planes", loaded_by="steward", corrects_load_id=first_load.load_id
    )

    assert (result.outcome, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (
        "corrected",
        3,
        0,
        1,
    )
    scope = rows(
        engine,
        "select destination_iata, number_of_trips, cabin_class, _load_id from raw.travel_planes "
        "order by departure_date",
    )
    assert [(row.destination_iata, row.number_of_trips, row.cabin_class) for row in scope] == [
        ("CDG", 1, "economy"),
        ("LHR", 1, "economy"),
        ("LHR", 2, "economy"),
        ("AMS", 2, "business"),
        ("FRA", 1, "business"),
        ("BCN", 1, "economy"),
    ]
    assert (
        rows(
            engine,
            "select * from raw.travel_planes where _load_id = :id order by _row_number",
            id=first_load.load_id,
        )
        == before
    )
    resolved = rows(
        engine,
        "select row_number, resolved_by_load_id from ops.rejects where load_id = :id order by row_number",
        id=first_load.load_id,
    )
    assert resolved == [(3, result.load_id), (4, result.load_id), (6, result.load_id)]
    [load] = rows(
        engine, "select load_status, corrects_load_id from ops.loads where load_id = :id", id=result.load_id
    )
    assert tuple(load) == ("active", first_load.load_id)
    [audit] = rows(
        engine,
        "select audit_action, acted_by, audit_reason from ops.audit_log where load_id = :id",
        id=result.load_id,
    )
    assert tuple(audit) == ("loaded", "steward", f"corrects load {first_load.load_id}")
    [skipped] = rows(
        engine,
        "select row_number, reason_code, severity from ops.rejects where load_id = :id",
        id=result.load_id,
    )
    assert tuple(skipped) == (5, "ROW_ALREADY_LOADED", "info")


def test_a_correction_read_one_row_per_batch_resolves_the_lines_named_in_every_batch(
    engine, first_load, tmp_path
):
    frame, read_format = exported(engine, first_load.load_id)
    # Lines 3 and 4 fixed, line 6 left out, then a row the first load accepted (no source_row_number): each row is
    # a batch of its own, and the last batch names no line.
    accepted_again = pd.DataFrame(
        [[*THREE_BAD_ROWS.read_text().splitlines()[1].split(","), "", "", "", ""]], columns=frame.columns
    )
    fixed = with_fixes(frame, FIXES)
    path = tmp_path / "fixed_2025.csv"
    path.write_bytes(
        correction_csv(pd.concat([fixed[fixed["source_row_number"] != 6], accepted_again]), read_format)
    )

    result = load_file(
        engine, path, "travel_planes", loaded_by="steward", corrects_load_id=first_load.load_id, batch_rows=1
    )

    assert (result.outcome, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (
        "corrected",
        2,
        0,
        1,
    )
    resolved = rows(
        engine,
        "select row_number, resolved_by_load_id from ops.rejects where load_id = :id order by row_number",
        id=first_load.load_id,
    )
    assert resolved == [(3, result.load_id), (4, result.load_id), (6, None)]
    [skipped] = rows(
        engine,
        "select row_number, reason_code, original_line from ops.rejects where load_id = :id",
        id=result.load_id,
    )
    assert skipped[:2] == (4, "ROW_ALREADY_LOADED")
    assert skipped.original_line.startswith(THREE_BAD_ROWS.read_text().splitlines()[1])
    [columns] = rows(engine, "select source_columns from ops.loads where load_id = :id", id=result.load_id)
    assert columns.source_columns == list(frame.columns)


def test_the_same_correction_twice_changes_nothing(engine, first_load, tmp_path):
    frame, read_format = exported(engine, first_load.load_id)
    path = corrected_file(tmp_path, frame, read_format, FIXES, "fixed_2025.csv")
    first = load_file(engine, path, "travel_planes", loaded_by="steward", corrects_load_id=first_load.load_id)
    counts = "select (select count(*) from raw.travel_planes), (select count(*) from ops.loads)"
    before = rows(engine, counts)

    again = load_file(engine, path, "travel_planes", loaded_by="steward", corrects_load_id=first_load.load_id)

    assert (again.outcome, again.load_id) == ("unchanged", first.load_id)
    assert rows(engine, counts) == before
    assert before[0][0] == 6


def test_a_correction_with_a_still_bad_row_sends_it_back_to_quarantine_with_its_reason(
    engine, first_load, tmp_path
):
    frame, read_format = exported(engine, first_load.load_id)
    still_premium = {line: fix for line, fix in FIXES.items() if line != 6}
    path = corrected_file(tmp_path, frame, read_format, still_premium, "fixed_2025.csv")

    result = load_file(
        engine, path, "travel_planes", loaded_by="steward", corrects_load_id=first_load.load_id
    )

    assert (result.outcome, result.rows_accepted, result.rows_rejected) == ("corrected", 2, 1)
    open_rejects = rows(
        engine,
        "select load_id, row_number, reason_code, column_name from ops.rejects "
        "where resolved_by_load_id is null and severity = 'error'",
    )
    # Line 4 of the correction file (header, lines 3, 4, then 6 of the first file).
    assert open_rejects == [(result.load_id, 4, "ROW_ENUM", "cabin_class")]
    again, _ = exported(engine, result.load_id)
    assert again["cabin_class"].tolist() == ["premium"]
    assert "reject_reason_code" in again.columns and list(again.columns).count("reject_reason_code") == 1


def test_a_full_file_for_the_scope_replaces_the_load_and_its_corrections(engine, first_load, tmp_path):
    frame, read_format = exported(engine, first_load.load_id)
    correction = load_file(
        engine,
        corrected_file(tmp_path, frame, read_format, FIXES, "fixed_2025.csv"),
        "travel_planes",
        loaded_by="steward",
        corrects_load_id=first_load.load_id,
    )

    full = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )

    assert full.outcome == "replaced"
    assert rows(engine, "select distinct _load_id from raw.travel_planes") == [(full.load_id,)]
    statuses = rows(
        engine,
        "select load_id, load_status, replaced_by_load_id from ops.loads "
        "where load_id in (:a, :b) order by load_id",
        a=first_load.load_id,
        b=correction.load_id,
    )
    assert statuses == [
        (first_load.load_id, "replaced", full.load_id),
        (correction.load_id, "replaced", full.load_id),
    ]


def test_only_an_active_load_of_the_same_source_takes_corrections(engine, first_load, tmp_path):
    path = tmp_path / "fixed_2025.csv"
    path.write_text(THREE_BAD_ROWS.read_text())

    with pytest.raises(ValueError, match=r"no load 999 in ops\.loads"):
        load_file(engine, path, "travel_planes", loaded_by="steward", corrects_load_id=999)
    with pytest.raises(
        ValueError, match=f"load {first_load.load_id} .* is a travel_planes load, not travel_trains"
    ):
        load_file(engine, path, "travel_trains", loaded_by="steward", corrects_load_id=first_load.load_id)
    with pytest.raises(ValueError, match="is for reporting year 2025, not 2024"):
        load_file(
            engine,
            path,
            "travel_planes",
            reporting_year=2024,
            loaded_by="steward",
            corrects_load_id=first_load.load_id,
        )


def test_co2calc_ingest_corrects_a_load_in_a_real_process(engine, first_load, tmp_path):
    frame, read_format = exported(engine, first_load.load_id)
    # The steward deleted the four reject_ columns: every open reject of the load is answered.
    path = tmp_path / "fixed_2025.csv"
    path.write_bytes(
        correction_csv(with_fixes(frame, FIXES).drop(columns=list(CORRECTION_COLUMNS)), read_format)
    )
    env = {
        **os.environ,
        "CO2CALC_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "COLUMNS": "200",
    }

    result = subprocess.run(
        [CO2CALC, "ingest", str(path), "--source", "travel_planes", "--corrects", str(first_load.load_id)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "corrected as load" in result.stdout and "3 rows accepted, 0 rejected" in result.stdout
    assert rows(engine, "select count(*) from raw.travel_planes")[0][0] == 6
    assert rows(engine, "select count(*) from ops.rejects where resolved_by_load_id is null")[0][0] == 0
    refused = subprocess.run(
        [CO2CALC, "ingest", str(path), "--source", "travel_planes", "--corrects", "999"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert refused.returncode == 2 and "no load 999 in ops.loads" in refused.stdout


def test_deleting_a_corrected_load_deletes_its_corrections_with_it(engine, first_load, tmp_path):
    frame, read_format = exported(engine, first_load.load_id)
    correction = load_file(
        engine,
        corrected_file(tmp_path, frame, read_format, FIXES, "fixed_2025.csv"),
        "travel_planes",
        loaded_by="steward",
        corrects_load_id=first_load.load_id,
    )

    deleted = delete_load(engine, first_load.load_id, reason="wrong year", deleted_by="steward")

    assert deleted.rows_deleted == 6
    assert rows(engine, "select count(*) from raw.travel_planes")[0][0] == 0
    audit = rows(
        engine,
        "select load_id, audit_reason from ops.audit_log where audit_action = 'deleted' order by load_id",
    )
    assert audit == [(first_load.load_id, "wrong year"), (correction.load_id, "wrong year")]
