"""Audit log, steward deletion and precedence between end-user files, feeds and back-office files.

Precedence for one (source, reporting year), as ingest/README.md states it: a back-office file covers every
unit and replaces everything; a feed replaces end-user files and adds to itself; an end-user file is
refused while a back-office file or a feed covers the year; a feed's rows for a year a back-office file
covers are refused (FEED_SCOPE_CONFLICT) until a steward deletes that file's load.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.feeds import HttpFeed
from ingest.feeds.batches import commit_batch
from ingest.load import load_file
from ingest.steward import LoadNotDeletable, delete_load
from tests.integration.ingest.feed_servers import travel_agency_feed

FIXTURES = Path(__file__).parents[2] / "fixtures"
BACK_OFFICE_FILE = FIXTURES / "travel_planes/worked_examples_2025.csv"
BOOKINGS = json.loads((FIXTURES / "feeds/travel_agency_bookings.json").read_text())
CO2CALC = str(Path(sys.executable).parent / "co2calc")
FEED = HttpFeed.model_validate(travel_agency_feed("http://127.0.0.1/unused"))


def rows(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).all()


def end_user_file(tmp_path: Path) -> Path:
    path = tmp_path / "travel_planes_2025.csv"
    path.write_text(
        "origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,cabin_class,note\n"
        "GVA,VIE,150322,2025-09-01,1,economy,lab upload\n"
    )
    return path


def feed_batch(engine, tmp_path: Path, bookings: list[dict], cursor_from: str | None, by: str = "feed test"):
    return commit_batch(
        engine,
        FEED,
        bookings,
        cursor_from=cursor_from,
        cursor_to=str(bookings[-1]["booking_id"]),
        position="page 1",
        loaded_by=by,
        dagster_run_id=None,
        work_dir=tmp_path,
    )


def statuses(engine) -> list[tuple[str, str]]:
    return [
        tuple(r)
        for r in rows(
            engine,
            "select file_name, load_status from ops.loads where source_code = 'travel_planes' order by load_id",
        )
    ]


def test_every_load_refusal_replacement_and_deletion_is_in_the_audit_log(engine, tmp_path):
    first = load_file(engine, BACK_OFFICE_FILE, "travel_planes", reporting_year=2025, loaded_by="alice")
    refused = load_file(
        engine,
        FIXTURES / "travel_planes/invalid/misspelled_column.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="bob",
    )
    corrected = tmp_path / "travel_planes_2025.csv"
    corrected.write_text(BACK_OFFICE_FILE.read_text().replace("W1", "W1 corrected"))
    second = load_file(
        engine, corrected, "travel_planes", reporting_year=2025, loaded_by="carol", dagster_run_id="run-42"
    )
    deleted = delete_load(engine, second.load_id, reason="wrong agency export", deleted_by="dave")

    audit = rows(
        engine,
        "select audit_action, load_id, acted_by, file_sha256, rows_accepted, rows_rejected, dagster_run_id, "
        "audit_reason from ops.audit_log where source_code = 'travel_planes' order by audit_id",
    )
    assert [(a.audit_action, a.load_id, a.acted_by) for a in audit] == [
        ("loaded", first.load_id, "alice"),
        ("refused", refused.load_id, "bob"),
        ("replaced", first.load_id, "carol"),
        ("loaded", second.load_id, "carol"),
        ("deleted", second.load_id, "dave"),
    ]
    assert audit[0].rows_accepted == first.rows_accepted > 0
    assert len(audit[0].file_sha256) == 64
    assert audit[1].audit_reason.startswith("FILE_UNKNOWN_COLUMN")
    assert (audit[2].dagster_run_id, audit[2].audit_reason) == (
        "run-42",
        f"replaced by load {second.load_id} (travel_planes_2025.csv)",
    )
    assert audit[4].audit_reason == "wrong agency export"
    assert deleted.rows_deleted == second.rows_accepted
    assert rows(engine, "select count(*) from raw.travel_planes")[0][0] == 0


def test_a_feed_batch_is_audited_with_its_cursor_range(engine, tmp_path):
    feed_batch(
        engine,
        tmp_path,
        BOOKINGS[2:4],
        cursor_from="2",
        by="schedule pull_travel_agency_bookings_job_schedule",
    )
    audit = rows(
        engine, "select audit_action, acted_by, feed_name, cursor_from, cursor_to from ops.audit_log"
    )
    assert [tuple(a) for a in audit if a.feed_name] == [
        ("loaded", "schedule pull_travel_agency_bookings_job_schedule", "travel_agency_bookings", "2", "4")
    ]


def test_deleting_an_unknown_or_inactive_load_is_refused_and_changes_nothing(engine):
    with pytest.raises(LoadNotDeletable, match=r"no load 999 in ops.loads \(load ids run from 1 to 1\)"):
        delete_load(engine, 999, reason="typo", deleted_by="dave")
    loaded = load_file(engine, BACK_OFFICE_FILE, "travel_planes", reporting_year=2025, loaded_by="alice")
    delete_load(engine, loaded.load_id, reason="duplicate", deleted_by="dave")
    with pytest.raises(LoadNotDeletable, match=f"load {loaded.load_id} .* is deleted, not active"):
        delete_load(engine, loaded.load_id, reason="again", deleted_by="dave")
    assert rows(engine, "select count(*) from ops.audit_log where audit_action = 'deleted'")[0][0] == 1


def test_co2calc_delete_load_deletes_and_names_an_unknown_id(engine, fresh_database_url):
    loaded = load_file(engine, BACK_OFFICE_FILE, "travel_planes", reporting_year=2025, loaded_by="alice")
    env = {**os.environ, "CO2CALC_DATABASE_URL": fresh_database_url, "COLUMNS": "200"}

    def co2calc(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=300)

    unknown = co2calc("delete-load", "12345", "--reason", "typo")
    assert unknown.returncode == 1
    assert "no load 12345 in ops.loads" in unknown.stdout
    done = co2calc("delete-load", str(loaded.load_id), "--reason", "sent twice", "--by", "erin")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"deleted load {loaded.load_id} (travel_planes 2025" in done.stdout
    assert f"{loaded.rows_accepted} rows removed from raw" in done.stdout
    audit = rows(engine, "select acted_by, audit_reason from ops.audit_log where audit_action = 'deleted'")
    assert [tuple(a) for a in audit] == [("erin", "sent twice")]


def test_a_feed_replaces_the_end_user_files_of_its_year(engine, tmp_path):
    lab = load_file(
        engine,
        end_user_file(tmp_path),
        "travel_planes",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="lab manager",
    )
    (feed_load,) = feed_batch(engine, tmp_path, BOOKINGS[2:5], cursor_from=None)

    assert rows(engine, "select replaced_by_load_id from ops.loads where load_id = :id", id=lab.load_id)[0][
        0
    ] == (feed_load.load_id)
    notes = [r.note for r in rows(engine, "select note from raw.travel_planes order by note")]
    assert notes == ["TA-0003", "TA-0004", "TA-0005"]


def test_an_end_user_file_is_refused_while_a_feed_loads_its_year(engine, tmp_path):
    feed_batch(engine, tmp_path, BOOKINGS[2:5], cursor_from=None)
    result = load_file(
        engine,
        end_user_file(tmp_path),
        "travel_planes",
        reporting_year=2025,
        unit_institutional_id="11110",
        loaded_by="lab manager",
    )
    assert result.outcome == "refused"
    assert result.message.startswith("FILE_SCOPE_CONFLICT: feed travel_agency_bookings cursor (start, 5]")
    assert "already loads every unit for 2025" in result.message
    assert len(rows(engine, "select * from raw.travel_planes")) == 3


def test_a_back_office_file_replaces_the_feed_and_refuses_its_later_rows_until_deleted(engine, tmp_path):
    feed_batch(engine, tmp_path, BOOKINGS[2:5], cursor_from=None)
    back_office = load_file(
        engine, BACK_OFFICE_FILE, "travel_planes", reporting_year=2025, loaded_by="steward"
    )
    assert back_office.outcome == "replaced"

    # Bookings 1-2 are of 2024 (no file covers it: loaded), 6-7 of 2025 (the back-office file does: refused).
    later = feed_batch(engine, tmp_path, [*BOOKINGS[0:2], *BOOKINGS[5:7]], cursor_from="5")
    assert [(load.outcome, load.rows_accepted) for load in later] == [("loaded", 2), ("refused", 0)]
    assert later[1].message.startswith(
        f"FEED_SCOPE_CONFLICT: worked_examples_2025.csv (load {back_office.load_id}) covers every unit for 2025"
    )
    assert rows(engine, "select cursor_value from ops.feed_cursors")[0][0] == "7"
    raw_2025 = rows(engine, "select count(*) from raw.travel_planes where reporting_year = 2025")[0][0]
    assert raw_2025 == back_office.rows_accepted

    delete_load(engine, back_office.load_id, reason="the agency feed is complete", deleted_by="steward")
    resumed = feed_batch(engine, tmp_path, BOOKINGS[7:9], cursor_from="7")
    assert [(load.outcome, load.rows_accepted) for load in resumed] == [("loaded", 2)]
    assert statuses(engine)[-1] == ("feed travel_agency_bookings cursor (7, 9]", "active")
