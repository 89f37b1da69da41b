import airportsdata

from ingest.reference import airport_codes


def test_the_airport_codes_read_by_polars_are_the_iata_codes_airportsdata_loads():
    assert airport_codes() == frozenset(airportsdata.load("IATA"))
    assert len(airport_codes()) > 7000
