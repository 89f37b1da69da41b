"""The reader on real-world files: delimiters, decimal commas, dotted dates, line ends, XLSX, declarations."""

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from ingest.contracts import HEADCOUNT, PROCESS_EMISSIONS, TRAVEL_PLANES
from ingest.read import FileRefused, ReadOptions, read_delivered_file

HEADCOUNT_HEADER = "unit_institutional_id,name,sius_code,user_institutional_id,fte,note"
PLANES_HEADER = (
    "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,"
    "cabin_class,note"
)


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def semicolons(line: str) -> str:
    return line.replace(",", ";")


def test_semicolon_delimiter_is_sniffed_from_the_header_and_its_decimal_commas_read(tmp_path):
    path = write(tmp_path, semicolons(HEADCOUNT_HEADER) + "\n11110;Anna;54;1;0,5;a, b\n11110;Ben;53;2;1;\n")
    delivered = read_delivered_file(path, HEADCOUNT)
    assert delivered.cells["fte"].to_list() == ["0.5", "1"]
    assert delivered.cells["note"].to_list() == ["a, b", None]
    assert (delivered.detected.delimiter, delivered.detected.decimal) == (";", ",")
    assert delivered.detected.describe() == "csv, encoding 'utf-8', delimiter ';', decimal ','"


def test_semicolon_file_whose_numbers_use_dots_keeps_the_dot(tmp_path):
    path = write(tmp_path, semicolons(HEADCOUNT_HEADER) + "\n11110;Anna;54;1;0.5;\n")
    delivered = read_delivered_file(path, HEADCOUNT)
    assert (delivered.cells["fte"].to_list(), delivered.detected.decimal, delivered.cell_problems) == (
        ["0.5"],
        ".",
        [],
    )


def test_a_declared_decimal_comma_reads_quoted_commas_in_a_comma_file(tmp_path):
    path = write(tmp_path, HEADCOUNT_HEADER + '\n11110,Anna,54,1,"0,5",\n')
    delivered = read_delivered_file(path, HEADCOUNT, options=ReadOptions(decimal=","))
    assert delivered.cells["fte"].to_list() == ["0.5"]
    assert delivered.detected.describe() == "csv, encoding 'utf-8', delimiter ',', decimal ',' (declared)"


def test_a_declared_delimiter_replaces_the_sniffed_one(tmp_path):
    path = write(tmp_path, HEADCOUNT_HEADER + "\n11110,Anna,54,1,1,\n")
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(path, HEADCOUNT, options=ReadOptions(delimiter=";"))
    assert refused.value.code == "FILE_UNKNOWN_COLUMN"


def test_dotted_dates_are_read_as_iso_and_an_iso_cell_beside_them_too(tmp_path):
    path = write(
        tmp_path,
        PLANES_HEADER
        + "\n11110,GVA,CDG,1,1.3.2025,1,,\n11110,GVA,CDG,1,2025-03-02,1,,\n11110,GVA,CDG,1,,1,,\n",
    )
    delivered = read_delivered_file(path, TRAVEL_PLANES)
    assert delivered.cells["departure_date"].to_list() == ["2025-03-01", "2025-03-02", None]
    assert delivered.detected.date_format == "dd.mm.yyyy"


def test_declaring_iso_dates_leaves_dotted_cells_to_the_row_rules(tmp_path):
    path = write(tmp_path, PLANES_HEADER + "\n11110,GVA,CDG,1,01.03.2025,1,,\n")
    delivered = read_delivered_file(path, TRAVEL_PLANES, options=ReadOptions(date_format="iso"))
    assert delivered.cells["departure_date"].to_list() == ["01.03.2025"]
    assert delivered.cell_problems == []


def test_thousands_separators_are_refused_in_either_decimal_convention(tmp_path):
    header = "unit_institutional_id,category,subcategory,quantity,note,kg_co2eq"
    comma = write(
        tmp_path, header + '\n1,CO2,,1\'077.50,,\n1,CO2,,1 000,,\n1,CO2,,"1,000.5",,\n', name="a.csv"
    )
    semicolon = write(tmp_path, semicolons(header) + "\n1;CO2;;1.077,5;;\n1;CO2;;2,5;;\n", name="b.csv")
    problems = read_delivered_file(comma, PROCESS_EMISSIONS).cell_problems
    assert [(p.row_index, p.reason_code) for p in problems] == [
        (0, "ROW_TYPE"),
        (1, "ROW_TYPE"),
        (2, "ROW_TYPE"),
    ]
    assert all("thousands separator" in p.reason_message for p in problems)
    delivered = read_delivered_file(semicolon, PROCESS_EMISSIONS)
    assert [p.row_index for p in delivered.cell_problems] == [0]
    assert delivered.cells["quantity"].to_list() == ["1.077,5", "2.5"]


def test_crlf_line_ends_and_a_quoted_crlf_line_break_become_lf(tmp_path):
    path = write(tmp_path, HEADCOUNT_HEADER + '\r\n11110,Anna,54,1,1,"two\r\nlines"\r\n11110,Ben,53,2,1,\r\n')
    delivered = read_delivered_file(path, HEADCOUNT)
    assert delivered.cells["note"].to_list() == ["two\nlines", None]
    assert delivered.line_numbers == [2, 4]


def test_a_trailing_delimiter_on_every_line_is_tolerated_but_not_on_one_line_only(tmp_path):
    every = write(tmp_path, HEADCOUNT_HEADER + "\n11110,Anna,54,1,1,,\n11110,Ben,53,2,1,,\n", name="a.csv")
    assert read_delivered_file(every, HEADCOUNT).cells.height == 2
    one = write(tmp_path, HEADCOUNT_HEADER + "\n11110,Anna,54,1,1,,\n11110,Ben,53,2,1,\n", name="b.csv")
    with pytest.raises(FileRefused, match="line 2: 7 cells where the header has 6 columns"):
        read_delivered_file(one, HEADCOUNT)


def test_declared_encoding_is_used_instead_of_the_fallback(tmp_path):
    path = write(tmp_path, HEADCOUNT_HEADER + "\n11110,Cécile,54,1,1,\n", encoding="latin-1")
    delivered = read_delivered_file(path, HEADCOUNT, options=ReadOptions(encoding="latin-1"))
    assert delivered.cells["name"].to_list() == ["Cécile"]
    assert delivered.warnings == []
    assert delivered.detected.encoding == "latin-1"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"encoding": "klingon"}, "unknown encoding 'klingon'"),
        ({"delimiter": "|"}, "delimiter '|' is not one of ',', ';'"),
        ({"decimal": "'"}, "decimal \"'\" is not one of '.', ','"),
        ({"date_format": "mm/dd/yyyy"}, "date format 'mm/dd/yyyy' is not one of 'iso', 'dd.mm.yyyy'"),
    ],
)
def test_read_options_name_what_they_accept(options, message):
    with pytest.raises(ValueError, match=message):
        ReadOptions(**options)


def test_read_options_describe_only_what_was_declared():
    assert ReadOptions().describe() == ""
    assert ReadOptions(delimiter=";", sheet="Flights").describe() == "delimiter=; sheet=Flights"


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = xlsxwriter.Workbook(path)
    date_cell = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for row_index, row in enumerate(rows):
            for column_index, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(row_index, column_index, value, date_cell)
                elif value is not None:
                    sheet.write(row_index, column_index, value)
    book.close()
    return path


def test_xlsx_first_sheet_cells_become_the_text_a_csv_export_holds(tmp_path):
    path = workbook(
        tmp_path / "flights.xlsx",
        {
            "Flights": [
                PLANES_HEADER.split(","),
                [11110, "GVA", "CDG", 150322, datetime(2025, 3, 10), 2, None, 1077.5],
                [],
                ["# a comment row"],
                [11110, "GVA", "CDG", 1e-7, datetime(2025, 3, 10, 14, 30), 1.5, "economy", True],
            ],
            "Other": [["ignored"]],
        },
    )
    delivered = read_delivered_file(path, TRAVEL_PLANES)
    assert delivered.cells.rows() == [
        ("11110", "GVA", "CDG", "150322", "2025-03-10", "2", None, "1077.5"),
        ("11110", "GVA", "CDG", "0.0000001", "2025-03-10T14:30:00", "1.5", "economy", "true"),
    ]
    assert delivered.line_numbers == [2, 5]
    assert delivered.original_lines[0] == "11110,GVA,CDG,150322,2025-03-10,2,,1077.5"
    assert delivered.detected.describe() == "xlsx, sheet 'Flights', decimal '.', date_format 'iso'"


def test_xlsx_named_sheet_is_read_and_an_absent_one_refuses_the_file(tmp_path):
    path = workbook(
        tmp_path / "staff.xlsx",
        {"Readme": [["notes"]], "Staff": [HEADCOUNT_HEADER.split(","), [11110, "Anna", 54, 1, 0.5]]},
    )
    delivered = read_delivered_file(path, HEADCOUNT, options=ReadOptions(sheet="Staff"))
    assert delivered.cells.row(0) == ("11110", "Anna", "54", "1", "0.5", None)
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(path, HEADCOUNT, options=ReadOptions(sheet="Personnel"))
    assert (refused.value.code, refused.value.message) == (
        "FILE_SHEET",
        "staff.xlsx: no sheet 'Personnel'; expected one of 'Readme', 'Staff'",
    )


def test_xlsx_text_cells_follow_the_csv_rules(tmp_path):
    path = workbook(
        tmp_path / "staff.xlsx",
        {"Staff": [PLANES_HEADER.split(","), [11110, "GVA", "CDG", 1, "31.12.2025", 1, None, None]]},
    )
    delivered = read_delivered_file(path, TRAVEL_PLANES)
    assert delivered.cells["departure_date"].to_list() == [date(2025, 12, 31).isoformat()]


def test_a_zip_that_is_no_workbook_is_refused_as_such(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(path, HEADCOUNT)
    assert refused.value.code == "FILE_FORMAT"
    assert refused.value.message.startswith("broken.xlsx: not a readable XLSX workbook")
