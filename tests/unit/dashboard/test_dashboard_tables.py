"""The CSV behind every table's download button (dashboard/tables.py)."""

import io

import pandas as pd

from dashboard.tables import CSV_ENCODING, table_csv


def test_the_csv_has_the_tables_columns_as_header_and_its_rows_unrounded():
    table = pd.DataFrame(
        {"origin_name": ["Genève", "Zürich HB"], "distance_km": [5961.123456789, 0.5], "t_co2e": [1 / 3, 2.0]}
    )

    data = table_csv(table)

    assert data.decode(CSV_ENCODING).splitlines()[0] == "origin_name,distance_km,t_co2e"
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(data), encoding=CSV_ENCODING), table)


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_accents():
    assert table_csv(pd.DataFrame({"unit_name": ["Génie civil"]})).startswith(b"\xef\xbb\xbfunit_name\n")


def test_cells_a_spreadsheet_would_run_are_neutralised_and_numbers_are_not():
    uploaded = [
        '=HYPERLINK("http://evil.example","click")',
        "@SUM(A1:A9)",
        "+41 21 693 11 11",
        "-2+3+cmd|' /C calc'!A0",
        "\tTab",
        "\rReturn",
        "-12.5",
        "+41",
        "-1,5",
        "1e-3",
        "Génie civil",
        "",
    ]
    table = pd.DataFrame({"unit_name": uploaded, "t_co2e": [-1.5] * len(uploaded)})

    cells = pd.read_csv(io.BytesIO(table_csv(table)), encoding=CSV_ENCODING, keep_default_na=False, dtype=str)

    assert cells["unit_name"].to_list() == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'@SUM(A1:A9)",
        "'+41 21 693 11 11",
        "'-2+3+cmd|' /C calc'!A0",
        "'\tTab",
        "'\rReturn",
        "-12.5",
        "+41",
        "-1,5",
        "1e-3",
        "Génie civil",
        "",
    ]
    assert cells["t_co2e"].to_list() == ["-1.5"] * len(uploaded)
