"""Fault drills on `co2calc ingest` in real processes (issue 11): killed mid-load, run at once, database stopped.

Before migrations, two ingests at once deadlocked on the schema DDL every load ran (5 trials in 5), and a database
that went away printed a 235-line traceback.
"""

import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.migrate import migrate
from pipelines.local_postgres import LocalPostgres, free_port
from tests.integration.faults.conftest import (
    FIXTURES,
    co2calc,
    copy_held,
    finish,
    flights_file,
    ledger_violations,
    loads,
    one_sentence,
    prepare,
    raw_count,
    wait_for_copy,
)

# Enough rows that the COPY lasts a few seconds (100,000 rows took 1.3 s here), so the drill strikes inside it.
BIG_FILE_ROWS = 400_000


def ingest(url: str, path: Path, source: str, *extra: str):
    return co2calc(url, "ingest", str(path), "--source", source, *extra)


def wait_until_no_copy(url: str, timeout_s: float = 20) -> None:
    """Wait until the server has noticed the killed client and rolled its load back."""
    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                others = connection.execute(
                    sa.text(
                        "select count(*) from pg_stat_activity where datname = current_database() "
                        "and pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            if not others:
                return
            time.sleep(0.1)
    finally:
        engine.dispose()
    raise AssertionError("the killed load's session is still open")


def test_kill_9_mid_load_leaves_nothing_and_the_rerun_loads_every_row_once(warehouse, tmp_path):
    path = flights_file(tmp_path / "travel_planes_2025.csv", BIG_FILE_ROWS)
    with copy_held(warehouse, "raw.travel_planes"):
        process = ingest(warehouse, path, "travel_planes")
        wait_for_copy(warehouse, "raw.travel_planes")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    wait_until_no_copy(warehouse)

    assert [load.source_code for load in loads(warehouse)] == ["units"]
    assert raw_count(warehouse, "raw.travel_planes") == 0
    assert ledger_violations(warehouse) == []

    returncode, stdout, stderr = finish(ingest(warehouse, path, "travel_planes"))
    assert returncode == 0, stderr
    assert f"{BIG_FILE_ROWS} rows accepted, 0 rejected" in stdout
    assert raw_count(warehouse, "raw.travel_planes") == BIG_FILE_ROWS
    assert ledger_violations(warehouse) == []


@pytest.mark.parametrize("processes", [2, 5])
def test_the_same_file_ingested_at_once_is_loaded_once_and_found_identical_by_the_others(
    warehouse, tmp_path, processes
):
    # Refused rows too: before migrations, the schema DDL of one ingest and the rejects of another deadlocked
    # (2 trials in 5 here with 50,000 rows and 50 refused, 5 in 5 in the drill).
    path = flights_file(tmp_path / "travel_planes_2025.csv", 50_000, unknown_airports=50)
    outcomes = [finish(p) for p in [ingest(warehouse, path, "travel_planes") for _ in range(processes)]]

    assert [returncode for returncode, _out, _err in outcomes] == [0] * processes, outcomes
    assert sum("loaded as load" in stdout for _rc, stdout, _err in outcomes) == 1
    assert sum("is identical to load" in stdout for _rc, stdout, _err in outcomes) == processes - 1
    planes = [load for load in loads(warehouse) if load.source_code == "travel_planes"]
    assert [(load.load_status, load.rows_accepted) for load in planes] == [("active", 50_000)]
    assert raw_count(warehouse, "raw.travel_planes") == 50_000
    assert ledger_violations(warehouse) == []


@pytest.mark.parametrize("processes", [2, 5])
def test_versions_of_one_source_and_year_at_once_end_with_the_last_one_active_and_the_others_replaced(
    warehouse, tmp_path, processes
):
    paths = []
    for version in range(processes):
        folder = tmp_path / f"delivery_{version}"
        folder.mkdir()
        paths.append(
            flights_file(
                folder / "travel_planes_2025.csv",
                10_000 + version,
                version=f"v{version}",
                unknown_airports=20,
            )
        )
    outcomes = [finish(p) for p in [ingest(warehouse, path, "travel_planes") for path in paths]]

    assert [returncode for returncode, _out, _err in outcomes] == [0] * processes, outcomes
    planes = [load for load in loads(warehouse) if load.source_code == "travel_planes"]
    assert sorted(load.load_status for load in planes) == ["active"] + ["replaced"] * (processes - 1)
    # The loads took their turn under the scope's lock, each replacing the one before: the last is active.
    active = next(load for load in planes if load.load_status == "active")
    assert active.load_id == max(load.load_id for load in planes)
    assert raw_count(warehouse, "raw.travel_planes") == active.rows_accepted
    engine = sa.create_engine(warehouse)
    with engine.connect() as connection:
        versions_in_raw = connection.execute(
            sa.text("select distinct split_part(note, ' ', 1) from raw.travel_planes")
        ).scalars()
        assert list(versions_in_raw) == [f"v{active.rows_accepted - 10_000}"]
    engine.dispose()
    assert ledger_violations(warehouse) == []


def test_five_loads_of_different_scopes_at_once_all_load(warehouse, tmp_path):
    """Two units' end-user files of one source and year, another year, two other sources: five scopes."""
    for name in ("unit_a", "unit_b", "year_2024"):
        (tmp_path / name).mkdir()
    started = [
        ingest(
            warehouse,
            flights_file(tmp_path / "unit_a/travel_planes_2025.csv", 1_500, unit="11110"),
            "travel_planes",
            "--unit",
            "11110",
        ),
        ingest(
            warehouse,
            flights_file(tmp_path / "unit_b/travel_planes_2025.csv", 1_200, unit="12110"),
            "travel_planes",
            "--unit",
            "12110",
        ),
        ingest(
            warehouse,
            flights_file(tmp_path / "year_2024/travel_planes_2024.csv", 900, year=2024),
            "travel_planes",
        ),
        ingest(
            warehouse, FIXTURES / "travel_trains/worked_examples_2025.csv", "travel_trains", "--year", "2025"
        ),
        ingest(warehouse, FIXTURES / "headcount/headcount_2025.csv", "headcount"),
    ]
    outcomes = [finish(p) for p in started]

    assert [returncode for returncode, _out, _err in outcomes] == [0] * 5, outcomes
    assert all("loaded as load" in stdout for _rc, stdout, _err in outcomes), outcomes
    settled = {(load.source_code, load.unit_scope, load.load_status) for load in loads(warehouse)}
    assert {
        ("travel_planes", "11110", "active"),
        ("travel_planes", "12110", "active"),
        ("travel_planes", "*", "active"),
        ("travel_trains", "*", "active"),
        ("headcount", "*", "active"),
    } <= settled
    assert raw_count(warehouse, "raw.travel_planes") == 1_500 + 1_200 + 900
    assert ledger_violations(warehouse) == []


def test_postgresql_stopped_mid_load_is_one_sentence_and_the_rerun_loads_every_row_once(tmp_path):
    server = LocalPostgres(tmp_path / "pgdata", free_port()).start()
    try:
        url = server.url
        engine = sa.create_engine(url)
        migrate(engine, applied_by="drill")
        engine.dispose()
        prepare(url)
        path = flights_file(tmp_path / "travel_planes_2025.csv", BIG_FILE_ROWS)
        with copy_held(url, "raw.travel_planes"):
            process = ingest(url, path, "travel_planes")
            wait_for_copy(url, "raw.travel_planes")
            server.stop()
        returncode, _stdout, stderr = finish(process)

        assert returncode == 1
        sentence = one_sentence(stderr)
        assert sentence.startswith("co2calc ingest: the warehouse database stopped answering or gave up (")
        assert "run it again once PostgreSQL answers" in sentence

        server.start()
        assert [load.source_code for load in loads(url)] == ["units"]
        assert raw_count(url, "raw.travel_planes") == 0
        returncode, _stdout, stderr = finish(ingest(url, path, "travel_planes"))
        assert returncode == 0, stderr
        assert raw_count(url, "raw.travel_planes") == BIG_FILE_ROWS
        assert ledger_violations(url) == []
    finally:
        server.destroy()


def test_a_database_that_does_not_answer_is_one_sentence_and_debug_prints_the_traceback():
    nobody_listens = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/postgres"
    units = FIXTURES / "units/small_institution.csv"

    returncode, _stdout, stderr = finish(ingest(nobody_listens, units, "units"))
    assert returncode == 1
    assert "the warehouse database stopped answering or gave up (connection to server" in one_sentence(stderr)

    returncode, _stdout, stderr = finish(
        co2calc(nobody_listens, "--debug", "ingest", str(units), "--source", "units")
    )
    assert returncode == 1
    assert "Traceback" in stderr and "psycopg2.OperationalError" in stderr


def test_postgresql_stopped_mid_run_is_one_sentence_and_the_rerun_loads_every_row_once(tmp_path):
    server = LocalPostgres(tmp_path / "pgdata", free_port()).start()
    data = tmp_path / "delivered"
    data.mkdir()
    (data / "units.csv").write_bytes((FIXTURES / "units/small_institution.csv").read_bytes())
    flights_file(data / "travel_planes_2025.csv", BIG_FILE_ROWS)
    run_env = {"CO2CALC_STATE_DIR": str(tmp_path / "state")}
    try:
        process = co2calc(server.url, "run", "--data", str(data), env=run_env)
        wait_for_copy(server.url, "raw.travel_planes", timeout_s=50)
        server.stop()
        returncode, _stdout, stderr = finish(process, timeout_s=55)

        assert returncode == 1
        assert "the warehouse database stopped answering or gave up (" in one_sentence(stderr)

        server.start()
        assert raw_count(server.url, "raw.travel_planes") == 0
        returncode, _stdout, stderr = finish(
            ingest(server.url, data / "travel_planes_2025.csv", "travel_planes")
        )
        assert returncode == 0, stderr
        assert raw_count(server.url, "raw.travel_planes") == BIG_FILE_ROWS
        assert ledger_violations(server.url) == []
    finally:
        server.destroy()
