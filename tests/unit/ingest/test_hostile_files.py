"""Hostile and broken files are refused whole by name, before anything large is read (ingest/file_limits.py,
ingest/read.py; issue 11). The bad-input corpus holds the small ones; these are written by the tests."""

import struct
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from ingest.contracts import HEADCOUNT, TRAVEL_PLANES
from ingest.file_limits import FileRefused, ReadLimits, column_letters
from ingest.read import read_delivered_file
from tests.fixtures.make_workbooks import (
    PLANES_HEADER,
    far_cell,
    rewrite_part,
    write_big_cell_workbook,
    write_workbook,
)

LIMITS = ReadLimits.from_settings()
HEADCOUNT_CSV = "unit_institutional_id,name,sius_code,user_institutional_id,fte,note\n"


def flights_workbook(path: Path, *rows: list[object]) -> Path:
    write_workbook(
        path,
        {
            "Flights": [
                PLANES_HEADER,
                [11110, "GVA", "CDG", 150322, datetime(2025, 3, 10), 1, "economy", None, None],
                *rows,
            ]
        },
    )
    return path


def refusal(path: Path, contract=TRAVEL_PLANES, limits: ReadLimits = LIMITS) -> str:
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(path, contract, limits=limits)
    return f"{refused.value.code}: {refused.value.message}"


def test_column_letters_run_from_a_to_xfd():
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


def test_a_cell_at_xfd1048576_is_refused_without_a_dimension_saying_so(tmp_path):
    # calamine allocates the range up to the farthest cell: 512 GiB, and the process aborted.
    path = flights_workbook(tmp_path / "far.xlsx")
    rewrite_part(path, "xl/worksheets/sheet1.xml", far_cell)
    assert refusal(path) == (
        "FILE_FORMAT: far.xlsx, xl/worksheets/sheet1.xml: a cell reference reaches cell XFD1048576, a range of "
        "1,048,576 rows x 16,384 columns; expected at most 10,000,000 cells (save the sheet as CSV, or delete the "
        "empty rows and columns around the data)"
    )


def test_a_cell_longer_than_excel_allows_is_refused_naming_its_line_and_column(tmp_path):
    path = tmp_path / "long.xlsx"
    write_big_cell_workbook(path, 40_000)
    assert (
        refusal(path)
        == "FILE_FORMAT: long.xlsx, line 2, column 8: a cell of 40,000 characters; expected at most 32,767"
    )


def test_a_workbook_part_that_lies_about_its_size_is_refused(tmp_path):
    # A zip entry declaring 1,000 bytes that holds 2 MB: read to its declared size, its CRC does not match.
    path = flights_workbook(tmp_path / "lying.xlsx")
    rewrite_part(path, "xl/sharedStrings.xml", lambda xml: xml.replace(b"GVA", b"G" * 2_000_000))
    data = bytearray(path.read_bytes())
    name = b"xl/sharedStrings.xml"
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name.decode()).header_offset
    central = data.index(b"PK\x01\x02\x14", data.index(name, local + 30 + len(name)) - 46)
    assert data[local + 30 : local + 30 + len(name)] == name == data[central + 46 : central + 46 + len(name)]
    data[local + 22 : local + 26] = data[central + 24 : central + 28] = struct.pack("<I", 1_000)
    path.write_bytes(bytes(data))

    assert refusal(path).startswith("FILE_FORMAT: lying.xlsx: not a readable XLSX workbook (Bad CRC-32")


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_a_line_longer_than_the_cap_is_refused_before_it_is_read_whole(tmp_path, quoted):
    path = tmp_path / "headcount.csv"
    cell = '"a, b"' if quoted else "ab"
    path.write_text(
        HEADCOUNT_CSV + f"11110,Peter,51,150322,1,{cell}\n11110,Anna,54,166495,0.5,{'x' * 5_000}\n"
    )
    limits = replace(LIMITS, max_line_chars=1_000, max_cell_chars=900)
    assert refusal(path, HEADCOUNT, limits) == (
        "FILE_FORMAT: headcount.csv, line 3: longer than 1,000 characters; expected one row of cells"
    )


def test_a_quoted_cell_past_the_csv_module_s_limit_is_refused_by_its_line(tmp_path):
    path = tmp_path / "headcount.csv"
    path.write_text(HEADCOUNT_CSV + '11110,Peter,51,150322,1,"' + "x" * 200_000 + '"\n')
    assert refusal(path, HEADCOUNT) == (
        "FILE_FORMAT: headcount.csv, line 2: a cell of more than 131,072 characters (a quote never closed?); "
        "expected a shorter cell"
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_its_byte_order_mark_is_read(tmp_path, codec):
    path = tmp_path / "headcount.csv"
    path.write_bytes("\ufeff".encode(codec) + (HEADCOUNT_CSV + "11110,José,51,150322,1,\n").encode(codec))
    delivered = read_delivered_file(path, HEADCOUNT)
    assert delivered.detected.encoding == "utf-16"
    assert delivered.cells.row(0) == ("11110", "José", "51", "150322", "1", None)


def test_a_long_header_cell_is_quoted_by_its_start_and_length_only(tmp_path):
    path = tmp_path / "headcount.csv"
    long_name = "n" * 70 + "SECRET"
    path.write_text(f"{HEADCOUNT_CSV.strip()},{long_name}\n11110,Peter,51,150322,1,,\n")
    assert refusal(path, HEADCOUNT).startswith(
        f"FILE_UNKNOWN_COLUMN: headcount.csv, line 1, column 7: unknown column '{'n' * 60}...' (76 characters) "
        "(expected columns for headcount:"
    )


def test_a_computed_workbook_number_is_read_to_the_15_digits_excel_keeps(tmp_path):
    path = flights_workbook(
        tmp_path / "noise.xlsx",
        [11110, "GVA", "AMS", 150322, datetime(2025, 3, 11), 1, "economy", None, 0.1 + 0.2],
    )
    assert read_delivered_file(path, TRAVEL_PLANES).cells["kg_co2eq"].to_list() == [None, "0.3"]


def test_a_workbook_s_styles_are_capped_lower_than_its_cells(tmp_path):
    # calamine parses the styles whole: 20 MB of them in a 100 KB file is a bomb, not a spreadsheet.
    path = flights_workbook(tmp_path / "styles.xlsx")
    rewrite_part(
        path, "xl/styles.xml", lambda xml: xml.replace(b"</styleSheet>", b" " * 20_000_000 + b"</styleSheet>")
    )
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("xl/styles.xml").file_size
    assert refusal(path) == (
        f"FILE_FORMAT: styles.xlsx, xl/styles.xml: {size:,} bytes uncompressed; expected at most 16,777,216 bytes "
        "for this part of a workbook"
    )


def test_a_long_inline_text_is_refused_naming_its_cell_before_calamine_reads_it(tmp_path):
    path = flights_workbook(tmp_path / "inline.xlsx")
    long_cell = b'<row r="3"><c r="H3" t="inlineStr"><is><t>' + b"a" * 400_000 + b"</t></is></c></row>"
    rewrite_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", long_cell + b"</sheetData>"),
    )
    assert refusal(path) == (
        "FILE_FORMAT: inline.xlsx, xl/worksheets/sheet1.xml, cell H3: more than 327,670 bytes of text; expected a "
        "cell of at most 32,767 characters"
    )
