"""The registered freshness checks, run by their Dagster job against a real warehouse's `ops.loads`."""

import dagster as dg
import pytest
import sqlalchemy as sa

from ingest.contracts import SOURCES
from pipelines.defs.feeds.assets import FEEDS
from pipelines.defs.resources import WarehouseResource

# Loads relative to the database's now(): each case is fresh or stale whatever day the test runs.
LOADS = """
insert into ops.loads (source_code, reporting_year, file_name, file_sha256, load_status, loaded_by, feed_name,
    started_at, finished_at)
values
    -- the unit tree, loaded just now: due again by 28 February of next year
    ('units', null, 'units.csv', 'a', 'active', 'test', null, now(), now()),
    -- last year's headcount delivered: next year's deadline is ahead
    ('headcount', extract(year from now())::int - 1, 'headcount.csv', 'b', 'active', 'test', null, now(), now()),
    -- the latest plane file delivered is three years old, however recently it was loaded
    ('travel_planes', extract(year from now())::int - 3, 'planes.csv', 'c', 'active', 'test', null, now(), now()),
    -- a refused file is no delivery
    ('travel_trains', extract(year from now())::int - 1, 'trains.csv', 'd', 'refused', 'test', null, now(), now()),
    -- the HR feed brought rows an hour ago (cadence 168 h); the expense feed ten days ago (cadence 72 h)
    ('headcount', extract(year from now())::int, 'hr.csv', 'e', 'active', 'test', 'hr_headcount',
        now() - interval '1 hour', now() - interval '1 hour'),
    ('travel_planes', extract(year from now())::int, 'claims.csv', 'f', 'active', 'test', 'expense_flights',
        now() - interval '10 days', now() - interval '10 days')
"""


@pytest.fixture
def check_outcomes(fresh_database_url) -> dict[str, tuple[bool, str]]:
    """Run `hourly_freshness_check_job` of the code location on a warehouse holding `LOADS`."""
    from pipelines.definitions import defs

    engine = sa.create_engine(fresh_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(LOADS))
    engine.dispose()
    job = defs.resolve_job_def("hourly_freshness_check_job")
    result = job.execute_in_process(
        resources={"warehouse": WarehouseResource(database_url=fresh_database_url)},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    return {
        evaluation.asset_key.to_user_string(): (evaluation.passed, evaluation.metadata["status"].value)
        for evaluation in result.get_asset_check_evaluations()
    }


def test_every_source_and_feed_is_judged_fresh_stale_or_never_loaded_from_its_loads_and_cadence(
    check_outcomes,
):
    assert {
        key: check_outcomes[key]
        for key in (
            "raw/units",
            "raw/headcount",
            "raw/travel_planes",
            "raw/travel_trains",
            "raw/feeds/hr_headcount",
            "raw/feeds/expense_flights",
            "raw/feeds/travel_agency_bookings",
        )
    } == {
        "raw/units": (True, "fresh"),
        "raw/headcount": (True, "fresh"),
        "raw/travel_planes": (False, "stale"),
        "raw/travel_trains": (False, "never_loaded"),
        "raw/feeds/hr_headcount": (True, "fresh"),
        "raw/feeds/expense_flights": (False, "stale"),
        "raw/feeds/travel_agency_bookings": (False, "never_loaded"),
    }
    assert len(check_outcomes) == len(SOURCES) + len(FEEDS)
