"""config/feeds.yaml: the shipped declarations parse, secrets are only named, and mistakes are refused."""

import pytest
from pydantic import ValidationError

from config.feeds import FeedsFile, HttpFeed, SqlFeed, load_feeds
from config.settings import Settings, secret_from_environment
from ingest.contracts import SOURCES


def test_shipped_feeds_parse_and_target_known_sources():
    feeds = load_feeds(Settings().feeds_file)
    assert {feed.name: (type(feed), feed.source) for feed in feeds} == {
        "travel_agency_bookings": (HttpFeed, "travel_planes"),
        "hr_headcount": (HttpFeed, "headcount"),
        "expense_flights": (SqlFeed, "travel_planes"),
    }
    assert all(feed.source in SOURCES for feed in feeds)


def test_shipped_feeds_name_their_secrets_by_environment_variable():
    text = Settings().feeds_file.read_text()
    for feed in load_feeds(Settings().feeds_file):
        match feed:
            case SqlFeed():
                assert feed.url_env.startswith("CO2CALC_FEED_")
            case HttpFeed(auth=auth) if auth is not None:
                names = auth.model_dump(exclude={"type", "token_url", "scope"}).values()
                assert all(name.startswith("CO2CALC_FEED_") for name in names)
    assert "secret:" not in text and "token:" not in text and "password" not in text


def http_feed(**overrides) -> dict:
    return {
        "kind": "http",
        "name": "bookings",
        "source": "travel_planes",
        "schedule": "0 * * * *",
        "url": "http://127.0.0.1/bookings",
        "pagination": {"style": "page"},
        "incremental": {"field": "booking_id", "param": "since"},
        **overrides,
    }


def test_an_unknown_key_is_refused_rather_than_ignored():
    with pytest.raises(ValidationError, match="page_sise"):
        FeedsFile.model_validate({"feeds": [http_feed(pagination={"style": "page", "page_sise": 10})]})


def test_cursor_pagination_needs_one_place_for_the_next_cursor():
    with pytest.raises(ValidationError, match="exactly one of next_cursor_field, next_cursor_header"):
        FeedsFile.model_validate({"feeds": [http_feed(pagination={"style": "cursor"})]})


def test_csv_pages_take_the_next_cursor_from_a_header():
    cursor_in_body = {"style": "cursor", "next_cursor_field": "next"}
    with pytest.raises(ValidationError, match="a CSV page has no body field; use next_cursor_header"):
        HttpFeed.model_validate(http_feed(format="csv", pagination=cursor_in_body))


def test_feed_names_are_unique():
    with pytest.raises(ValidationError, match="feed names must be unique: bookings"):
        FeedsFile.model_validate({"feeds": [http_feed(), http_feed()]})


def test_a_watermark_column_must_be_a_plain_name():
    with pytest.raises(ValidationError, match=r"watermark\.column"):
        SqlFeed.model_validate(
            {
                "kind": "sql",
                "name": "erp",
                "source": "travel_planes",
                "schedule": "0 * * * *",
                "url_env": "CO2CALC_FEED_ERP_URL",
                "query": "select 1",
                "watermark": {"column": "x; drop table invoices", "type": "integer"},
            }
        )


def test_an_unset_secret_is_named_in_the_error(monkeypatch):
    monkeypatch.delenv("CO2CALC_FEED_NOT_SET", raising=False)
    with pytest.raises(ValueError, match="CO2CALC_FEED_NOT_SET is not set"):
        secret_from_environment("CO2CALC_FEED_NOT_SET")
