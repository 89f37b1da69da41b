"""A travel row bringing its own kg_co2eq whose airport or station is not in the reference (METHODOLOGY.md §1.4)
loads, and the pipeline books the value verbatim as an override leg flagged TRAVEL_UNKNOWN_IATA or
TRAVEL_UNKNOWN_STATION, as a room override of an unknown room is flagged BLDG_UNKNOWN_ROOM (issue 11, item 6)."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ingest.load import load_file
from pipelines.run import build_models
from tests.conftest import BuiltWarehouse, clone_database, drop_database, pipeline_settings
from tests.integration.pipeline.queries import query_rows


@pytest.fixture(scope="module")
def warehouse_url(
    postgres_server_url: str,
    worked_examples_warehouse: BuiltWarehouse,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A copy of the worked-example warehouse whose 2025 flights and trains are replaced by agency files, then
    built as the sensor builds after a load (the travel partitions of 2025)."""
    tmp = tmp_path_factory.mktemp("overrides")
    planes = tmp / "travel_planes_2025.csv"
    planes.write_text(
        "unit_institutional_id,origin_iata,destination_iata,number_of_trips,kg_co2eq,note\n"
        "11110,GVA,QQQ,1,310.5,agency value to an airport not in the reference\n"
        "11110,GVA,CDG,1,120,agency value\n"
    )
    trains = tmp / "travel_trains_2025.csv"
    trains.write_text(
        "unit_institutional_id,origin_name,origin_country_code,destination_name,destination_country_code,"
        "number_of_trips,kg_co2eq,note\n11110,Lausanne,CH,Atlantis Central,CH,1,4.25,agency value to nowhere\n"
    )
    url = clone_database(postgres_server_url, worked_examples_warehouse.template_url, "co2calc_overrides")
    engine = sa.create_engine(url)
    for path in (planes, trains):
        load_file(engine, path, path.stem.removesuffix("_2025"), reporting_year=2025, loaded_by="test")
    engine.dispose()
    assert build_models(pipeline_settings(tmp), url).source_codes == ("travel_planes", "travel_trains")
    yield url
    drop_database(postgres_server_url, url)


def test_override_legs_of_unknown_places_are_booked_verbatim_and_flagged(warehouse_url):
    legs = query_rows(
        warehouse_url,
        """
        select submodule_code, origin_code, destination_code, leg_code, is_override, kg_co2e::float8, flags
        from marts.fct_emissions where module_code = 'travel' and submodule_code in ('plane', 'train')
        order by kg_co2e desc
        """,
    )
    assert [tuple(leg) for leg in legs] == [
        ("plane", "GVA", "QQQ", "override", True, 310.5, ["TRAVEL_UNKNOWN_IATA"]),
        ("plane", "GVA", "CDG", "override", True, 120.0, []),
        ("train", "ch_lausanne", None, "override", True, 4.25, ["TRAVEL_UNKNOWN_STATION"]),
    ]
