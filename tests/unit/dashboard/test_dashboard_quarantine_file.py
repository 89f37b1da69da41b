"""The quarantine's correction file (dashboard/components/quarantine.py): the delivered layout, then why."""

import io

import pandas as pd
import pytest

from dashboard.components.quarantine import correction_csv, correction_frame, refused_rows
from dashboard.tables import CSV_ENCODING
from ingest.read import CORRECTION_COLUMNS, original_cells

HEADER = [
    "unit_institutional_id",
    "origin_iata",
    "destination_iata",
    "number_of_trips",
    "cabin_class",
    "note",
]


def rejects(
    lines: dict[int, str], read_format: str, source_columns: list[str] | None = HEADER
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "load_id": 7,
                "source_code": "travel_planes",
                "file_name": "planes_2025.csv",
                "row_number": row_number,
                "column_name": column,
                "reason_code": code,
                "reason_message": f"{code} message",
                "severity": "error",
                "original_line": lines[row_number],
                "source_columns": source_columns,
                "read_format": read_format,
            }
            for row_number, column, code in [
                (3, "destination_iata", "TRAVEL_UNKNOWN_IATA"),
                (3, "cabin_class", "ROW_ENUM"),
                (5, "number_of_trips", "ROW_TYPE"),
            ]
        ]
    )


def test_a_row_refused_twice_is_one_line_with_both_reasons():
    lines = {3: "11110,GVA,XXX,1,premium,x", 5: "11110,GVA,CDG,1.5,economy,y"}
    rows = refused_rows(rejects(lines, "csv, encoding 'utf-8', delimiter ','"))

    assert rows["row_number"].tolist() == [3, 5]
    assert rows["reason_code"].tolist() == ["ROW_ENUM | TRAVEL_UNKNOWN_IATA", "ROW_TYPE"]
    assert rows["column_name"].tolist() == ["cabin_class | destination_iata", "number_of_trips"]


def test_a_semicolon_file_with_decimal_commas_comes_back_as_it_was_delivered():
    lines = {3: '11110;GVA;XXX;1;premium;"a; quoted\nnote"', 5: "11110;GVA;CDG;1,5;economy;y"}
    read_format = "csv, encoding 'cp1252', delimiter ';', decimal ','"
    frame = correction_frame(refused_rows(rejects(lines, read_format)))

    data = correction_csv(frame, read_format)
    back = pd.read_csv(io.BytesIO(data), sep=";", encoding=CSV_ENCODING, dtype=str, keep_default_na=False)

    assert list(back.columns) == [*HEADER, *CORRECTION_COLUMNS]
    assert back["number_of_trips"].tolist() == ["1", "1,5"]
    assert back["note"].tolist() == ["a; quoted\nnote", "y"]
    assert back["source_row_number"].tolist() == ["3", "5"]
    assert data.startswith(b"\xef\xbb\xbfunit_institutional_id;")


def test_a_refused_cell_a_spreadsheet_would_run_comes_back_neutralised():
    lines = {
        3: '11110,GVA,XXX,1,premium,"=HYPERLINK(""http://evil.example"")"',
        5: "11110,GVA,CDG,-1,economy,@SUM(A1)",
    }
    read_format = "csv, encoding 'utf-8', delimiter ','"
    frame = correction_frame(refused_rows(rejects(lines, read_format)))

    data = correction_csv(frame, read_format)
    back = pd.read_csv(io.BytesIO(data), encoding=CSV_ENCODING, dtype=str, keep_default_na=False)

    assert back["note"].tolist() == ['\'=HYPERLINK("http://evil.example")', "'@SUM(A1)"]
    assert back["number_of_trips"].tolist() == ["1", "-1"]


def test_a_workbook_row_is_split_at_commas_and_an_old_load_takes_the_contracts_order():
    assert original_cells('11110,GVA,"Zürich, HB"', "xlsx, sheet 'Flights'") == ["11110", "GVA", "Zürich, HB"]
    lines = {3: "11110,GVA,XXX,u1,2025-03-11,1,premium,x,", 5: "11110,GVA,CDG,u1,2025-03-12,1.5,economy,y,"}
    frame = correction_frame(refused_rows(rejects(lines, "xlsx, sheet 'Flights'", source_columns=None)))

    assert list(frame.columns)[:9] == [
        "unit_institutional_id",
        "origin_iata",
        "destination_iata",
        "user_institutional_id",
        "departure_date",
        "number_of_trips",
        "cabin_class",
        "note",
        "kg_co2eq",
    ]


def test_a_correction_file_holds_one_load():
    lines = {3: "a,b,c,d,e,f", 5: "a,b,c,d,e,f"}
    two_loads = rejects(lines, "csv, delimiter ','").assign(load_id=[7, 7, 8])

    with pytest.raises(ValueError, match="one load"):
        correction_frame(refused_rows(two_loads))
