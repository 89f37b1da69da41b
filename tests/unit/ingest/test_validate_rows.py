import polars as pl
import pytest

from ingest.contracts import HEADCOUNT, TRAVEL_PLANES, TRAVEL_TRAINS
from ingest.reference import StationIndex
from ingest.validate import Lookups, validate_rows

STATIONS = StationIndex.from_frame(
    pl.DataFrame(
        {
            "station_id": ["ch_lausanne", "ch_zurich_hb", "ch_bern", "de_berlin_hbf"],
            "station_name": ["Lausanne", "Zürich HB", "Bern", "Berlin Hbf"],
            "country_code": ["CH", "CH", "CH", "DE"],
            "latitude_deg": [46.5167, 47.3779, 46.949, 52.525],
            "longitude_deg": [6.6291, 8.5403, 7.439, 13.369],
            "aliases": [None, "Zurich HB|Zuerich HB", None, None],
        }
    )
)
LOOKUPS = Lookups(
    unit_ids=frozenset({"11110", "12110"}),
    airport_codes=frozenset({"GVA", "CDG", "ZRH", "JFK"}),
    stations=STATIONS,
)


def planes(**overrides) -> pl.DataFrame:
    row = {
        "unit_institutional_id": "11110",
        "origin_iata": "GVA",
        "destination_iata": "CDG",
        "user_institutional_id": "1",
        "departure_date": "2025-03-10",
        "number_of_trips": "1",
        "cabin_class": "economy",
        "note": None,
    }
    return pl.DataFrame([row | overrides], schema={k: pl.String for k in row})


def codes(frame: pl.DataFrame, contract=TRAVEL_PLANES, year=2025) -> list[str]:
    _, problems = validate_rows(frame, contract, reporting_year=year, lookups=LOOKUPS)
    return [p.reason_code for p in problems]


def test_a_valid_flight_row_has_no_problem():
    assert codes(planes()) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"destination_iata": "XXX"}, "TRAVEL_UNKNOWN_IATA"),
        ({"destination_iata": "GVA"}, "TRAVEL_SAME_ENDPOINTS"),
        ({"number_of_trips": "1.5"}, "ROW_TYPE"),
        ({"number_of_trips": "0"}, "ROW_RANGE"),
        ({"number_of_trips": None}, "ROW_REQUIRED"),
        ({"cabin_class": "premium"}, "ROW_ENUM"),
        ({"departure_date": "2025-02-30"}, "ROW_TYPE"),
        ({"departure_date": "2024-12-31"}, "ROW_OUT_OF_YEAR"),
        ({"unit_institutional_id": "99999"}, "ROW_UNKNOWN_UNIT"),
        ({"origin_iata": "GV"}, "ROW_TYPE"),
    ],
)
def test_each_flight_rule_rejects_with_its_reason_code(overrides, expected):
    assert codes(planes(**overrides)) == [expected]


def test_iata_codes_and_cabin_classes_are_case_folded_before_checking():
    frame, problems = validate_rows(
        planes(origin_iata="gva", cabin_class="Business"), TRAVEL_PLANES, reporting_year=2025, lookups=LOOKUPS
    )
    assert problems == []
    assert frame.row(0, named=True)["origin_iata"] == "GVA"
    assert frame.row(0, named=True)["cabin_class"] == "business"


def test_blank_cabin_class_defaults_to_economy():
    frame, _ = validate_rows(planes(cabin_class=None), TRAVEL_PLANES, reporting_year=2025, lookups=LOOKUPS)
    assert frame["cabin_class"].to_list() == ["economy"]


def test_message_names_the_column_the_value_and_what_was_expected():
    _, problems = validate_rows(
        planes(cabin_class="premium"), TRAVEL_PLANES, reporting_year=2025, lookups=LOOKUPS
    )
    assert problems[0].column_name == "cabin_class"
    assert (
        problems[0].reason_message
        == "cabin_class 'premium' is not one of economy, premium_economy, business, first"
    )


def trains(origin: str, origin_country: str) -> pl.DataFrame:
    row = {
        "unit_institutional_id": "11110",
        "origin_name": origin,
        "origin_country_code": origin_country,
        "destination_name": "Zurich HB",
        "destination_country_code": "CH",
        "user_institutional_id": None,
        "departure_date": "2025-03-10",
        "number_of_trips": "2",
        "cabin_class": "second",
        "note": None,
    }
    return pl.DataFrame([row], schema={k: pl.String for k in row})


def test_station_names_resolve_through_case_accents_and_aliases():
    frame, problems = validate_rows(
        trains("LAUSANNE", "ch"), TRAVEL_TRAINS, reporting_year=2025, lookups=LOOKUPS
    )
    assert problems == []
    assert frame["__origin_name__station_id"].to_list() == ["ch_lausanne"]
    assert frame["__destination_name__station_id"].to_list() == ["ch_zurich_hb"]


def test_unknown_station_is_rejected_with_the_closest_names():
    _, problems = validate_rows(trains("Lausane", "CH"), TRAVEL_TRAINS, reporting_year=2025, lookups=LOOKUPS)
    assert [p.reason_code for p in problems] == ["TRAVEL_UNKNOWN_STATION"]
    assert "closest: Lausanne" in problems[0].reason_message


def test_station_in_another_country_than_stated_is_rejected():
    _, problems = validate_rows(
        trains("Berlin Hbf", "CH"), TRAVEL_TRAINS, reporting_year=2025, lookups=LOOKUPS
    )
    assert "is a station in DE, not in CH" in problems[0].reason_message


def test_fte_above_one_and_duplicate_people_are_rejected():
    rows = [
        {
            "unit_institutional_id": "11110",
            "name": "A",
            "sius_code": "53",
            "user_institutional_id": "1",
            "fte": "1.2",
            "note": None,
        },
        {
            "unit_institutional_id": "11110",
            "name": "B",
            "sius_code": "54",
            "user_institutional_id": "2",
            "fte": "1",
            "note": None,
        },
        {
            "unit_institutional_id": "11110",
            "name": "B",
            "sius_code": "54",
            "user_institutional_id": "2",
            "fte": "0.5",
            "note": None,
        },
    ]
    frame = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    _, problems = validate_rows(frame, HEADCOUNT, reporting_year=2025, lookups=LOOKUPS)
    assert [(p.row_index, p.reason_code) for p in problems] == [
        (0, "ROW_RANGE"),
        (1, "ROW_DUPLICATE"),
        (2, "ROW_DUPLICATE"),
    ]
