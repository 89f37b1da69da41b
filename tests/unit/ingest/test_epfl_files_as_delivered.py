"""EPFL's own files, as its calculator exports them, load or are refused for the right reason (issue 11, item 6;
METHODOLOGY.md §1.4 and §1.8): a column that is not required may be absent, every missing required column is named
at once, a row bringing its own kg_co2eq needs no known airport or station, messages quote the cell as written,
and the labels EPFL's calculator displays are aliases of their codes."""

from pathlib import Path

import polars as pl
import pytest

from ingest.contracts import (
    BUILDING_ENERGYCOMBUSTIONS,
    EQUIPMENT_OTHER,
    HEADCOUNT,
    PROCESS_EMISSIONS,
    SOURCES,
    TRAVEL_PLANES,
    TRAVEL_TRAINS,
)
from ingest.read import FileRefused, read_delivered_file
from ingest.reference import StationIndex
from ingest.validate import Lookups, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset({"11110"}),
    airport_codes=frozenset({"GVA", "CDG"}),
    stations=StationIndex.from_frame(
        pl.DataFrame(
            {
                "station_id": ["ch_lausanne"],
                "station_name": ["Lausanne"],
                "country_code": ["CH"],
                "latitude_deg": [46.5167],
                "longitude_deg": [6.6291],
                "aliases": [None],
            }
        )
    ),
)


def problems(path: Path, contract) -> tuple[pl.DataFrame, list[tuple[str | None, str, str]]]:
    delivered = read_delivered_file(path, contract)
    frame, found = validate_rows(delivered.cells, contract, reporting_year=2025, lookups=LOOKUPS)
    return frame, [(p.column_name, p.reason_code, p.reason_message) for p in found]


@pytest.mark.parametrize(
    ("contract", "header", "row", "defaults"),
    [
        (
            TRAVEL_PLANES,
            "unit_institutional_id,origin_iata,destination_iata,number_of_trips",
            "11110,GVA,CDG,1",
            {"departure_date": None, "cabin_class": "economy", "kg_co2eq": None, "note": None},
        ),
        (
            EQUIPMENT_OTHER,
            "unit_institutional_id,equipment_id,name,equipment_class",
            "11110,B020384,FREEZER,Desktop",
            {"equipment_category": "other", "sub_class": None},
        ),
        (
            PROCESS_EMISSIONS,
            "unit_institutional_id,category,kg_co2eq",
            "11110,CO2,12.5",
            {"quantity": None, "subcategory": None},
        ),
        (
            SOURCES["purchases_consumables"],
            "unit_institutional_id,name,total_spent_amount,purchase_institutional_code",
            "11110,Gloves,80.5,41123300",
            {"purchase_additional_code": None, "quantity": None, "currency": None},
        ),
    ],
    ids=lambda value: getattr(value, "source_code", None),
)
def test_a_file_without_its_optional_columns_loads_them_as_their_defaults(
    tmp_path, contract, header, row, defaults
):
    # Regression: every absent column that was not marked optional_in_header refused the whole file.
    path = tmp_path / f"{contract.source_code}.csv"
    path.write_text(f"{header}\n{row}\n")
    frame, found = problems(path, contract)
    assert found == []
    assert {name: frame[name][0] for name in defaults} == defaults


def test_every_missing_required_column_is_named_in_one_refusal(tmp_path):
    path = tmp_path / "headcount.csv"
    path.write_text("unit_institutional_id,name,note\n11110,Peter,\n")
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(path, HEADCOUNT)
    assert refused.value.message == (
        "headcount.csv, line 1: missing columns 'sius_code', 'user_institutional_id', 'fte' (expected columns for "
        "headcount: unit_institutional_id, name, sius_code, user_institutional_id, fte, note)"
    )


def test_a_row_with_its_own_kg_co2eq_needs_no_known_airport_or_station(tmp_path):
    planes = tmp_path / "planes.csv"
    planes.write_text(
        "unit_institutional_id,origin_iata,destination_iata,number_of_trips,kg_co2eq\n"
        "11110,GVA,XXX,1,310.5\n11110,GVA,yyy,1,\n"
    )
    _, found = problems(planes, TRAVEL_PLANES)
    assert found == [
        ("destination_iata", "TRAVEL_UNKNOWN_IATA", "destination_iata 'yyy' is not a known airport code")
    ]
    trains = tmp_path / "trains.csv"
    trains.write_text(
        "unit_institutional_id,origin_name,origin_country_code,destination_name,destination_country_code,"
        "number_of_trips,kg_co2eq\n11110,Lausanne,CH,Atlantis,CH,1,4.2\n11110,Lausanne,CH,Atlantis,CH,1,\n"
    )
    frame, found = problems(trains, TRAVEL_TRAINS)
    assert [(column, code) for column, code, _ in found] == [("destination_name", "TRAVEL_UNKNOWN_STATION")]
    assert frame["__destination_name__station_id"].to_list() == [None, None]


def test_an_enumeration_refusal_quotes_the_cell_as_written(tmp_path):
    # Regression: ROW_ENUM quoted the case-folded value ('premium' for 'PREMIUM').
    path = tmp_path / "planes.csv"
    path.write_text(
        "unit_institutional_id,origin_iata,destination_iata,number_of_trips,cabin_class\n11110,GVA,CDG,1,PREMIUM\n"
    )
    _, found = problems(path, TRAVEL_PLANES)
    assert found == [
        (
            "cabin_class",
            "ROW_ENUM",
            "cabin_class 'PREMIUM' is not one of economy, premium_economy, business, first",
        )
    ]


@pytest.mark.parametrize(
    ("contract", "header", "row", "column", "stored"),
    [
        (
            BUILDING_ENERGYCOMBUSTIONS,
            "unit_institutional_id,name,unit,quantity",
            "11110,Natural gas,kWh,1200",
            "name",
            "natural_gas",
        ),
        (
            BUILDING_ENERGYCOMBUSTIONS,
            "unit_institutional_id,name,unit,quantity",
            "11110,Forest chips,kg,300",
            "name",
            "forest_chips",
        ),
        (
            TRAVEL_PLANES,
            "unit_institutional_id,origin_iata,destination_iata,number_of_trips,cabin_class",
            "11110,GVA,CDG,1,Premium economy",
            "cabin_class",
            "premium_economy",
        ),
        (
            EQUIPMENT_OTHER,
            "unit_institutional_id,equipment_id,name,equipment_class,sub_class,equipment_category",
            "11110,B020384,FREEZER,Lab Freezer / Frigde,Cold rooms (20m2),Infrastructure",
            "equipment_category",
            "other",
        ),
    ],
)
def test_epfl_display_labels_are_stored_as_their_codes(tmp_path, contract, header, row, column, stored):
    path = tmp_path / "labels.csv"
    path.write_text(f"{header}\n{row}\n")
    frame, found = problems(path, contract)
    assert found == []
    assert frame[column].to_list() == [stored]


def test_a_display_label_of_another_sub_module_is_refused_as_written(tmp_path):
    path = tmp_path / "equipment.csv"
    path.write_text(
        "unit_institutional_id,equipment_id,name,equipment_class,equipment_category\n"
        "11110,B006198,SCREEN,Monitors,IT /Telecom\n"
    )
    _, found = problems(path, EQUIPMENT_OTHER)
    assert found == [
        ("equipment_category", "ROW_ENUM", "equipment_category 'IT /Telecom' is not one of other"),
    ]
