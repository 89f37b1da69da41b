from pathlib import Path

import polars as pl
import pytest

from ingest.contracts import HEADCOUNT, TRAVEL_PLANES
from ingest.read import FileRefused, open_delivered_file, read_delivered_file

FIXTURES = Path(__file__).parents[2] / "fixtures"
PLANES_HEADER = "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,cabin_class,note"


def write(tmp_path: Path, text: str, name: str = "travel_planes_2025.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_misspelled_column_refuses_the_file_naming_it_and_the_closest_expected_column():
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(FIXTURES / "travel_planes/invalid/misspelled_column.csv", TRAVEL_PLANES)
    assert refused.value.code == "FILE_UNKNOWN_COLUMN"
    assert "misspelled_column.csv, line 1, column 7" in refused.value.message
    assert "'cabin_clas'" in refused.value.message
    assert "did you mean 'cabin_class'" in refused.value.message


def test_missing_required_column_refuses_the_file(tmp_path):
    path = write(tmp_path, PLANES_HEADER.replace(",number_of_trips", "") + "\n")
    with pytest.raises(FileRefused, match="missing column 'number_of_trips'") as refused:
        read_delivered_file(path, TRAVEL_PLANES)
    assert refused.value.code == "FILE_MISSING_COLUMN"


def test_duplicate_header_refuses_the_file(tmp_path):
    path = write(tmp_path, PLANES_HEADER + ",note\n11110,GVA,CDG,1,2025-01-01,1,economy,a,b\n")
    with pytest.raises(FileRefused, match="column 9: column 'note' appears twice"):
        read_delivered_file(path, TRAVEL_PLANES)


def test_header_without_data_row_refuses_the_file_as_empty(tmp_path):
    with pytest.raises(FileRefused) as refused:
        read_delivered_file(write(tmp_path, PLANES_HEADER + "\n"), TRAVEL_PLANES)
    assert refused.value.code == "FILE_EMPTY"


def test_end_user_file_without_unit_column_is_accepted_when_the_unit_is_given(tmp_path):
    path = write(
        tmp_path, PLANES_HEADER.removeprefix("unit_institutional_id,") + "\nGVA,CDG,1,2025-01-01,1,economy,\n"
    )
    delivered = read_delivered_file(path, TRAVEL_PLANES, has_unit_default=True)
    assert delivered.cells.height == 1
    with pytest.raises(FileRefused, match="missing column 'unit_institutional_id'"):
        read_delivered_file(path, TRAVEL_PLANES)


def test_cells_are_trimmed_blank_cells_are_null_and_comments_skipped(tmp_path):
    text = "\ufeff" + PLANES_HEADER + "\n# a comment line\n 11110 , gva ,CDG,,2025-01-01,1,,\n"
    delivered = read_delivered_file(write(tmp_path, text), TRAVEL_PLANES)
    row = delivered.cells.row(0, named=True)
    assert row["unit_institutional_id"] == "11110"
    assert row["origin_iata"] == "gva"
    assert row["cabin_class"] is None
    assert delivered.line_numbers == [3]


def test_quoted_newline_keeps_file_line_numbers_and_original_text(tmp_path):
    text = (
        PLANES_HEADER
        + '\n11110,GVA,CDG,1,2025-01-01,1,economy,"two\nlines"\n11110,GVA,ZRH,1,2025-01-02,1,economy,x\n'
    )
    delivered = read_delivered_file(write(tmp_path, text), TRAVEL_PLANES)
    assert delivered.line_numbers == [2, 4]
    assert delivered.original_lines[0].endswith('"two\nlines"')
    assert delivered.cells["note"].to_list() == ["two\nlines", "x"]


def test_windows_1252_file_is_read_with_a_fallback_warning(tmp_path):
    path = write(
        tmp_path,
        "unit_institutional_id,name,sius_code,user_institutional_id,fte,note\n11110,Cécile,56,208982,0.8,\n",
        name="headcount_2025.csv",
        encoding="cp1252",
    )
    delivered = read_delivered_file(path, HEADCOUNT)
    assert delivered.cells["name"].to_list() == ["Cécile"]
    assert any("FILE_ENCODING_FALLBACK" in w for w in delivered.warnings)


def test_row_wider_than_the_header_refuses_the_file_with_its_line(tmp_path):
    path = write(tmp_path, PLANES_HEADER + "\n11110,GVA,CDG,1,2025-01-01,1,economy,note,extra\n")
    with pytest.raises(FileRefused, match="line 2: 9 cells where the header has 8 columns"):
        read_delivered_file(path, TRAVEL_PLANES)


def test_batches_hold_the_rows_of_the_whole_file_read_with_its_file_wide_conventions(tmp_path):
    """The decimal comma and the DD.MM.YYYY date appear in the last batch only: the first batch is still read as
    a decimal-comma, dotted-date file. The quoted line break ends the first batch."""
    text = (
        "unit_institutional_id;origin_iata;destination_iata;user_institutional_id;departure_date;number_of_trips;"
        "cabin_class;note;kg_co2eq\n"
        "11110;GVA;CDG;1;2025-01-01;1;economy;;1.5\n"
        '11110;GVA;ZRH;1;2025-01-02;1;economy;"two\nlines";\n'
        "# a comment\n"
        "11110;GVA;LHR;1;2025-01-03;1;economy;;\n"
        "11110;GVA;LHR;1;31.02.2025;1;economy;;\n"
        "11110;GVA;LHR;1;04.01.2025;1;economy;;0,5\n"
    )
    path = write(tmp_path, text)
    whole = read_delivered_file(path, TRAVEL_PLANES)
    stream = open_delivered_file(path, TRAVEL_PLANES)
    batches = list(stream.batches(2))
    assert (stream.rows, [b.cells.height for b in batches]) == (5, [2, 2, 1])
    assert (whole.detected.decimal, whole.detected.date_format) == (",", "dd.mm.yyyy")
    assert pl.concat([b.cells for b in batches]).equals(whole.cells)
    assert [n for b in batches for n in b.line_numbers] == whole.line_numbers == [2, 3, 6, 7, 8]
    assert [o for b in batches for o in b.original_lines] == whole.original_lines
    assert batches[0].original_lines[1] == '11110;GVA;ZRH;1;2025-01-02;1;economy;"two\nlines";'
    problems = [
        (b.line_numbers[p.row_index], p.column_name, p.reason_code) for b in batches for p in b.cell_problems
    ]
    assert problems == [(2, "kg_co2eq", "ROW_TYPE"), (7, "departure_date", "ROW_TYPE")]
    assert problems == [
        (whole.line_numbers[p.row_index], p.column_name, p.reason_code) for p in whole.cell_problems
    ]
    assert whole.cells["departure_date"].to_list()[-1] == "2025-01-04"
    assert whole.cells["kg_co2eq"].to_list()[-1] == "0.5"


def test_a_shape_error_in_the_last_row_refuses_the_file_before_any_batch(tmp_path):
    path = write(
        tmp_path, PLANES_HEADER + "\n" + "11110,GVA,CDG,1,2025-01-01,1,economy,\n" * 5 + "11110,GVA\n"
    )
    with pytest.raises(FileRefused, match="line 7: 2 cells where the header has 8 columns"):
        open_delivered_file(path, TRAVEL_PLANES)
