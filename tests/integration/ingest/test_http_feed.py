"""The HTTP feed against real local APIs: auth, pagination, retries, and a resume that loads each row once."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from config.feeds import HttpFeed
from ingest.feeds import FeedError, run_feed
from tests.integration.ingest.feed_servers import (
    BEARER_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    HrApi,
    TravelAgencyApi,
    hr_feed,
    travel_agency_feed,
)

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("CO2CALC_TEST_TRAVEL_AGENCY_TOKEN", BEARER_TOKEN)
    monkeypatch.setenv("CO2CALC_TEST_HR_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("CO2CALC_TEST_HR_CLIENT_SECRET", CLIENT_SECRET)


def rows(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).all()


def booking_notes(engine) -> list[str]:
    return [r.note for r in rows(engine, "select note from raw.travel_planes order by note")]


def test_bookings_are_pulled_page_by_page_through_a_429_and_a_500(engine, httpserver, secrets):
    api = TravelAgencyApi(httpserver, faults={(0, 2): [429], (0, 3): [500]})
    feed = HttpFeed.model_validate(travel_agency_feed(api.url))

    result = run_feed(engine, feed, loaded_by="schedule pull_travel_agency_bookings_job_schedule")

    assert (result.cursor_before, result.cursor_after, result.batches) == (None, "10", 4)
    assert (result.rows_accepted, result.rows_rejected) == (10, 0)
    assert booking_notes(engine) == [f"TA-{n:04d}" for n in range(1, 11)]
    statuses = [(s.args["page"], s.status) for s in api.served]
    assert statuses == [("1", 200), ("2", 429), ("2", 200), ("3", 500), ("3", 200), ("4", 200)]
    retry_after_wait_s = api.served[2].at_s - api.served[1].at_s
    assert retry_after_wait_s >= 1.0, "Retry-After: 1 was not honoured"
    # Page 1 holds bookings of 2024 and 2025: one load per year, both naming the feed and the cursor range.
    loads = rows(
        engine,
        "select reporting_year, file_name, feed_name, cursor_from, cursor_to, rows_accepted, loaded_by "
        "from ops.loads where source_code = 'travel_planes' order by load_id",
    )
    assert [
        (load.reporting_year, load.cursor_from, load.cursor_to, load.rows_accepted) for load in loads
    ] == [
        (2024, None, "3", 2),
        (2025, None, "3", 1),
        (2025, "3", "6", 3),
        (2025, "6", "9", 3),
        (2025, "9", "10", 1),
    ]
    assert loads[0].file_name == "feed travel_agency_bookings cursor (start, 3]"
    assert {load.loaded_by for load in loads} == {"schedule pull_travel_agency_bookings_job_schedule"}
    cursor = rows(engine, "select cursor_value, updated_by from ops.feed_cursors")
    assert [tuple(c) for c in cursor] == [("10", "schedule pull_travel_agency_bookings_job_schedule")]


def test_a_pull_failing_on_page_3_resumes_after_page_2_and_loads_every_booking_once(
    engine, httpserver, secrets
):
    api = TravelAgencyApi(httpserver, faults={(0, 3): [500, 503, 502]})
    feed = HttpFeed.model_validate(travel_agency_feed(api.url))

    with pytest.raises(FeedError, match=r"HTTP 502 .* after 3 attempts"):
        run_feed(engine, feed, loaded_by="test")
    assert booking_notes(engine) == [f"TA-{n:04d}" for n in range(1, 7)]
    assert rows(engine, "select cursor_value from ops.feed_cursors")[0].cursor_value == "6"

    api.bookings.append({**api.bookings[-1], "booking_id": 11, "booking_ref": "TA-0011"})
    resumed = run_feed(engine, feed, loaded_by="test")

    assert (resumed.cursor_before, resumed.cursor_after, resumed.rows_accepted) == ("6", "11", 5)
    assert [s.args.get("since") for s in api.served if s.status == 200][-2:] == ["6", "6"]
    notes = booking_notes(engine)
    assert notes == [f"TA-{n:04d}" for n in range(1, 12)]
    assert len(notes) == len(set(notes))
    again = run_feed(engine, feed, loaded_by="test")
    assert (again.batches, again.cursor_after) == (0, "11")
    assert len(booking_notes(engine)) == 11


def test_refused_rows_of_a_page_are_in_ops_rejects_and_the_cursor_moves_past_them(
    engine, httpserver, secrets
):
    api = TravelAgencyApi(httpserver)
    api.bookings[4]["destination_iata"] = "XXX"
    feed = HttpFeed.model_validate(travel_agency_feed(api.url))

    result = run_feed(engine, feed, loaded_by="test")

    assert (result.rows_accepted, result.rows_rejected, result.cursor_after) == (9, 1, "10")
    rejects = rows(engine, "select reason_code, original_line from ops.rejects")
    assert [r.reason_code for r in rejects] == ["TRAVEL_UNKNOWN_IATA"]
    assert "TA-0005" in rejects[0].original_line


def test_a_renamed_field_stops_the_feed_loudly_instead_of_loading_blanks(engine, httpserver, secrets):
    api = TravelAgencyApi(httpserver)
    for booking in api.bookings:
        booking["origin"] = booking.pop("origin_iata")
    feed = HttpFeed.model_validate(travel_agency_feed(api.url))

    with pytest.raises(FeedError, match=r"FEED_MISSING_FIELD: .* page 1: no record has field 'origin_iata'"):
        run_feed(engine, feed, loaded_by="test")
    assert rows(engine, "select count(*) from raw.travel_planes")[0][0] == 0
    assert rows(engine, "select count(*) from ops.feed_cursors")[0][0] == 0


def test_a_wrong_bearer_token_is_refused_without_retries(engine, httpserver, monkeypatch):
    api = TravelAgencyApi(httpserver)
    monkeypatch.setenv("CO2CALC_TEST_TRAVEL_AGENCY_TOKEN", "not-the-token")
    feed = HttpFeed.model_validate(travel_agency_feed(api.url))

    with pytest.raises(FeedError, match="HTTP 401"):
        run_feed(engine, feed, loaded_by="test")
    assert len(api.served) == 1


def test_headcount_csv_pages_behind_oauth2_client_credentials_with_cursor_pagination(
    engine, httpserver, secrets
):
    api = HrApi(httpserver, faults={(0, "2"): [500]})
    feed = HttpFeed.model_validate(hr_feed(api.url, api.token_url))

    result = run_feed(engine, feed, loaded_by="test")

    assert (result.batches, result.rows_accepted, result.cursor_after) == (3, 5, "105")
    assert api.tokens_issued == 1
    assert [(s.args.get("cursor"), s.status) for s in api.served] == [
        (None, 200),
        ("2", 500),
        ("2", 200),
        ("4", 200),
    ]
    headcount = rows(engine, "select reporting_year, name, fte from raw.headcount order by name")
    assert [(r.reporting_year, r.name, float(r.fte)) for r in headcount] == [
        (2025, "Anna", 0.5),
        (2025, "Chiara", 1.0),
        (2025, "Jonas", 0.8),
        (2025, "Lea", 1.0),
        (2025, "Peter", 1.0),
    ]
