"""A plain CSV file (no quote, NUL, bare CR or inner byte-order mark) is split by polars a block of lines at a time
(ingest.read._plain_records); what it finds must be what the csv-module reader finds in the same file: header, row
count, shape refusal, detected conventions, and every batch's cells, line numbers and original lines. Blocks of a
few bytes make lines, CRLFs and batches straddle block boundaries."""

import re
from pathlib import Path

import pytest

from ingest import read
from ingest.contracts import SOURCES, TRAVEL_PLANES
from ingest.file_limits import ReadLimits

FIXTURES = Path(__file__).parents[2] / "fixtures"
LIMITS = ReadLimits.from_settings()
HEADER = ",".join(TRAVEL_PLANES.column_names)
ODD_LINES = {
    "comments_blank_and_whitespace_lines.csv": (
        f"# exported 2025-01-31\n{HEADER}\n\n  \n ,, ,\n"
        "11110,GVA,CDG,1,2025-03-10,1,economy,,\n"
        "  # a comment line\n\x1c# a comment behind a separator character\n \x1c,\x1d\n"
        "11110 , gva,\u3000CDG\x1c,2,2025-03-11,2,business,note  ,\n"
        "11110,GVA,CDG,3,2025-03-12,1,,a # is no comment here,1.5"
    ),
    "crlf_bom_and_trailing_delimiters.csv": (
        "\ufeff"
        + f"{HEADER},\r\n"
        + "".join(f"11110,GVA,CDG,{n},2025-03-{n:02d},1,economy,,,\r\n" for n in range(1, 12))
    ),
    "semicolon_decimal_commas_and_dotted_dates.csv": (
        HEADER.replace(",", ";")
        + "\n"
        + "".join(f"11110;GVA;CDG;{n};{n:02d}.03.2025;1;economy;;{n},5\n" for n in range(1, 12))
        + "11110;GVA;CDG;12;31.02.2025;1;economy;;1.234,5\n"
    ),
    "a_row_with_too_few_cells.csv": f"{HEADER}\n11110,GVA,CDG,1,2025-03-10,1,economy,,\n11110;GVA;CDG\n",
    "a_row_with_a_shifted_cell.csv": f"{HEADER}\n11110,GVA,CDG,1,2025-03-10,1,economy,,0,5\n11110,GVA,CDG,1,,,,,,\n",
    "only_a_header.csv": f"# nothing yet\n{HEADER}\n",
    "cp1252.csv": (f"{HEADER}\n11110,GVA,CDG,1,2025-03-10,1,economy,Zürich ½,\n", "cp1252"),
}


def _odd_files(folder: Path) -> list[tuple[Path, str]]:
    files = []
    for name, content in ODD_LINES.items():
        text, encoding = content if isinstance(content, tuple) else (content, "utf-8")
        (folder / name).write_bytes(text.encode(encoding))
        files.append((folder / name, "travel_planes"))
    return files


def _plain_fixture_files() -> list[tuple[Path, str]]:
    files = []
    for path in sorted(FIXTURES.rglob("*.csv")):
        folder = path.relative_to(FIXTURES).parts[0]
        source_code = (
            folder if folder in SOURCES else next((c for c in SOURCES if path.name.startswith(c)), None)
        )
        if source_code is not None and b'"' not in path.read_bytes():
            files.append((path, source_code))
    return files


def test_the_whitespace_stripped_from_cells_is_python_s():
    assert set(read._WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_the_plain_files_include_fixtures_of_many_sources():
    assert len({source for _, source in _plain_fixture_files()}) >= 15


@pytest.mark.parametrize("batch_rows", [2, None])
def test_a_plain_file_reads_as_the_csv_module_reads_it(tmp_path, monkeypatch, batch_rows):
    monkeypatch.setattr(read, "_CHUNK_BYTES", 16)
    compared = 0
    for path, source_code in _odd_files(tmp_path) + _plain_fixture_files():
        contract = SOURCES[source_code]
        try:
            codec, _ = read._encoding(path, None, [])
        except read.FileRefused:
            continue
        delimiter = read._sniff_delimiter(read._text_lines(path, codec, LIMITS.max_line_chars), contract)

        def csv_module_records(codec=codec, delimiter=delimiter, path=path, blank_lines=None):
            return read._csv_records(
                path, read._text_lines(path, codec, LIMITS.max_line_chars), delimiter, blank_lines=blank_lines
            )

        try:
            blank_lines = read._BlankLines()
            expected = read._scan_records(
                path,
                csv_module_records(blank_lines=blank_lines),
                contract,
                delimiter,
                LIMITS.max_cell_chars,
                blank_lines,
            )
        except read.FileRefused as refused:
            with pytest.raises(read.FileRefused, match=re.escape(refused.message)):
                read._scan_plain(path, codec, delimiter, contract, LIMITS)
            continue
        scanned = read._scan_plain(path, codec, delimiter, contract, LIMITS)
        assert scanned.header == expected.header, path.name
        assert (scanned.rows, scanned.blank_lines, scanned.has_decimal_comma, scanned.has_dotted_date) == (
            expected.rows,
            expected.blank_lines,
            expected.has_decimal_comma,
            expected.has_dotted_date,
        ), path.name
        assert scanned.shape.widths == expected.shape.widths, path.name
        assert scanned.shape.first_failure == expected.shape.first_failure, path.name
        assert (
            scanned.shape.first_failure_if_widths_differ == expected.shape.first_failure_if_widths_differ
        ), path.name
        try:
            expected.shape.raise_first_failure()
        except read.FileRefused:
            continue
        names = [h.strip() for h in expected.header]
        plain = list(read._plain_batches(path, codec, delimiter, names, batch_rows, LIMITS.max_line_chars))
        by_records = list(read._record_batches(csv_module_records(), names, batch_rows))
        assert len(plain) == len(by_records), path.name
        for got, want in zip(plain, by_records, strict=True):
            assert got.cells.equals(want.cells), path.name
            assert got.line_numbers.to_list() == want.line_numbers.to_list(), path.name
            assert got.originals.to_list() == want.originals.to_list(), path.name
        compared += 1
    assert compared >= 20
