"""A travel row bringing its own kg_co2eq whose airport or station is not in the reference (METHODOLOGY.md §1.4)
loads, and the pipeline books the value verbatim as an override leg flagged TRAVEL_UNKNOWN_IATA or
TRAVEL_UNKNOWN_STATION, as a room override of an unknown room is flagged BLDG_UNKNOWN_ROOM (issue 11, item 6)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.run import run_pipeline
from tests.conftest import create_database, drop_database, pipeline_settings
from tests.integration.pipeline.queries import query_rows

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture(scope="module")
def warehouse_url(postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("overrides")
    files = tmp / "files"
    files.mkdir()
    (files / "units.csv").write_bytes((FIXTURES / "units/small_institution.csv").read_bytes())
    (files / "travel_planes_2025.csv").write_text(
        "unit_institutional_id,origin_iata,destination_iata,number_of_trips,kg_co2eq,note\n"
        "11110,GVA,QQQ,1,310.5,agency value to an airport not in the reference\n"
        "11110,GVA,CDG,1,120,agency value\n"
    )
    (files / "travel_trains_2025.csv").write_text(
        "unit_institutional_id,origin_name,origin_country_code,destination_name,destination_country_code,"
        "number_of_trips,kg_co2eq,note\n11110,Lausanne,CH,Atlantis Central,CH,1,4.25,agency value to nowhere\n"
    )
    url = create_database(postgres_server_url, "co2calc_overrides")
    run_pipeline(pipeline_settings(tmp), url, files)
    yield url
    drop_database(postgres_server_url, url)


def test_override_legs_of_unknown_places_are_booked_verbatim_and_flagged(warehouse_url):
    legs = query_rows(
        warehouse_url,
        """
        select submodule_code, origin_code, destination_code, leg_code, is_override, kg_co2e::float8, flags
        from marts.fct_emissions where module_code = 'travel' order by kg_co2e desc
        """,
    )
    assert [tuple(leg) for leg in legs] == [
        ("plane", "GVA", "QQQ", "override", True, 310.5, ["TRAVEL_UNKNOWN_IATA"]),
        ("plane", "GVA", "CDG", "override", True, 120.0, []),
        ("train", "ch_lausanne", None, "override", True, 4.25, ["TRAVEL_UNKNOWN_STATION"]),
    ]
