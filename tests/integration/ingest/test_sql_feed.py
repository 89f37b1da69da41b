"""The SQL feed against a second real PostgreSQL database: watermark batches, ties, and a resume that loads
each row exactly once."""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.feeds import SqlFeed
from ingest.feeds import FeedError, run_feed
from tests.conftest import create_database, drop_database

FIXTURES = Path(__file__).parents[2] / "fixtures"
# claim, approved at, lab, from, to, employee, travel date: claims 3 and 4 share their approval time.
CLAIMS = [
    (1, "2025-01-05 09:00", "11110", "GVA", "CDG", "150322", "2025-01-03"),
    (2, "2025-01-06 10:00", "11120", "GVA", "LHR", "166495", "2024-12-20"),
    (3, "2025-01-07 11:00", "12110", "ZRH", "LAX", "150356", "2025-01-02"),
    (4, "2025-01-07 11:00", "12110", "ZRH", "JFK", "240502", "2025-01-04"),
    (5, "2025-01-08 12:00", "11110", "ZRH", "FRA", "150322", "2025-01-06"),
    (6, "2025-01-09 13:00", "11120", "GVA", "AMS", "166495", "2025-01-08"),
    (7, "2025-01-10 14:00", "12110", "ZRH", "SIN", "150356", "2025-01-09"),
]
QUERY = """
select
    approved_at,
    lab_code as unit_institutional_id,
    from_airport as origin_iata,
    to_airport as destination_iata,
    employee_number as user_institutional_id,
    travel_date as departure_date,
    1 as number_of_trips,
    'economy' as cabin_class,
    'claim ' || claim_id as note
from expense_flights
"""


@pytest.fixture
def expenses(postgres_server_url, monkeypatch) -> Iterator[sa.Engine]:
    """A second database, standing for the expense-claims system the feed reads."""
    url = create_database(postgres_server_url, "co2calc_expenses")
    monkeypatch.setenv("CO2CALC_TEST_EXPENSES_URL", url)
    source = sa.create_engine(url)
    with source.begin() as connection:
        connection.exec_driver_sql(
            "create table expense_flights (claim_id integer primary key, approved_at timestamp, lab_code text, "
            "from_airport text, to_airport text, employee_number text, travel_date date)"
        )
        insert_claims(connection, CLAIMS)
    yield source
    source.dispose()
    drop_database(postgres_server_url, url)


def insert_claims(connection, claims) -> None:
    connection.execute(
        sa.text(
            "insert into expense_flights values (:id, :at, :lab, :origin, :destination, :employee, :travel)"
        ),
        [
            dict(zip(("id", "at", "lab", "origin", "destination", "employee", "travel"), claim, strict=True))
            for claim in claims
        ],
    )


def expense_feed(batch_size: int = 2) -> SqlFeed:
    return SqlFeed.model_validate(
        {
            "kind": "sql",
            "name": "expense_flights",
            "source": "travel_planes",
            "schedule": "30 * * * *",
            "url_env": "CO2CALC_TEST_EXPENSES_URL",
            "query": QUERY,
            "watermark": {"column": "approved_at", "type": "timestamp"},
            "batch_size": batch_size,
            "reporting_year_field": "departure_date",
        }
    )


def rows(engine, sql: str):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).all()


def claim_notes(engine) -> list[str]:
    return [r.note for r in rows(engine, "select note from raw.travel_planes order by note")]


def test_batches_never_split_rows_of_one_watermark_value(engine, expenses):
    # Batches of 3 would end after claim 3; claim 4 shares its approval time, so it joins that batch.
    result = run_feed(engine, expense_feed(batch_size=3), loaded_by="test")

    assert (result.batches, result.rows_accepted, result.cursor_after) == (2, 7, "2025-01-10T14:00:00")
    loads = rows(
        engine,
        "select reporting_year, cursor_from, cursor_to, rows_accepted from ops.loads "
        "where source_code = 'travel_planes' order by load_id",
    )
    assert [tuple(load) for load in loads] == [
        (2024, None, "2025-01-07T11:00:00", 1),
        (2025, None, "2025-01-07T11:00:00", 3),
        (2025, "2025-01-07T11:00:00", "2025-01-10T14:00:00", 3),
    ]


def test_a_pull_failing_in_batch_2_resumes_after_batch_1_and_loads_every_claim_once(engine, expenses):
    with expenses.begin() as connection:
        connection.exec_driver_sql("update expense_flights set travel_date = null where claim_id = 4")

    with pytest.raises(
        FeedError, match=r"FEED_YEAR_MISSING: feed expense_flights, batch 2 .*: field departure_date is None"
    ):
        run_feed(engine, expense_feed(), loaded_by="test")
    assert claim_notes(engine) == ["claim 1", "claim 2"]
    assert rows(engine, "select cursor_value from ops.feed_cursors")[0].cursor_value == "2025-01-06T10:00:00"

    with expenses.begin() as connection:
        connection.exec_driver_sql("update expense_flights set travel_date = '2025-01-04' where claim_id = 4")
        insert_claims(
            connection, [(8, datetime(2025, 2, 1, 8), "11110", "GVA", "BCN", "150322", "2025-01-30")]
        )
    resumed = run_feed(engine, expense_feed(), loaded_by="test")

    assert (resumed.cursor_before, resumed.rows_accepted) == ("2025-01-06T10:00:00", 6)
    notes = claim_notes(engine)
    assert notes == [f"claim {n}" for n in range(1, 9)]
    assert len(notes) == len(set(notes))
    assert run_feed(engine, expense_feed(), loaded_by="test").batches == 0
    assert len(claim_notes(engine)) == 8


def test_rows_without_a_watermark_are_reported_on_every_run(engine, expenses):
    with expenses.begin() as connection:
        connection.exec_driver_sql("update expense_flights set approved_at = null where claim_id = 7")

    result = run_feed(engine, expense_feed(), loaded_by="test")

    assert result.rows_accepted == 6
    assert result.warnings == (
        "FEED_WATERMARK_MISSING: 1 rows of feed expense_flights have no approved_at; not pulled",
    )
