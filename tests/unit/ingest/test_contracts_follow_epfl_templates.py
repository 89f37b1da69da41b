import pytest

from ingest.contracts import HEADCOUNT, TRAVEL_PLANES, TRAVEL_TRAINS, source_for_file, year_in_file_name
from ingest.reference import epfl_template_header

BACK_OFFICE_COLUMNS = {"unit_institutional_id", "kg_co2eq"}


@pytest.mark.parametrize(
    ("contract", "template"),
    [
        (HEADCOUNT, "headcount_template.csv"),
        (TRAVEL_PLANES, "travel_planes_template.csv"),
        (TRAVEL_TRAINS, "travel_trains_template.csv"),
    ],
)
def test_contract_columns_are_the_epfl_template_header_plus_the_back_office_columns(contract, template):
    own_columns = tuple(name for name in contract.column_names if name not in BACK_OFFICE_COLUMNS)
    assert own_columns == epfl_template_header(template)


def test_file_names_route_to_their_source_and_year():
    assert source_for_file("travel_planes_2025.csv")[0] is TRAVEL_PLANES
    assert source_for_file("Travel_Trains-2024.CSV")[1] == 2024
    assert source_for_file("units.csv")[1] is None
    assert source_for_file("flights_2025.csv") is None
    assert year_in_file_name("three_bad_rows_2025.csv") == 2025
