"""A feed asset materialised in-process by Dagster against a real local API and a real PostgreSQL."""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from config.feeds import HttpFeed
from ingest.load import load_file, load_reference_data
from pipelines.defs.feeds.assets import feed_asset
from pipelines.defs.resources import WarehouseResource
from tests.integration.ingest.feed_servers import BEARER_TOKEN, TravelAgencyApi, travel_agency_feed

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_the_travel_agency_feed_asset_loads_the_bookings_and_records_its_run(
    fresh_database_url, httpserver, monkeypatch
):
    engine = sa.create_engine(fresh_database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    monkeypatch.setenv("CO2CALC_TEST_TRAVEL_AGENCY_TOKEN", BEARER_TOKEN)
    api = TravelAgencyApi(httpserver, faults={(0, 2): [503]})
    asset = feed_asset(HttpFeed.model_validate(travel_agency_feed(api.url)))

    result = dg.materialize(
        [asset],
        resources={"warehouse": WarehouseResource(database_url=fresh_database_url)},
        tags={"dagster/schedule_name": "pull_travel_agency_bookings_job_schedule"},
    )

    assert result.success
    (materialization,) = result.asset_materializations_for_node(asset.op.name)
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert (metadata["cursor_after"], metadata["batches"], metadata["rows_accepted"]) == ("10", 4, 10)
    (check,) = result.get_asset_check_evaluations()
    assert check.passed
    with engine.connect() as connection:
        audit = connection.execute(
            sa.text("select distinct acted_by, dagster_run_id from ops.audit_log where feed_name is not null")
        ).all()
    assert [tuple(a) for a in audit] == [("schedule pull_travel_agency_bookings_job_schedule", result.run_id)]
    engine.dispose()
