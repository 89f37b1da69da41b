"""The quarantine: refused rows of a load, and the correction file a steward fixes and sends back.

The correction file has the delivered file's own columns, in its order, with the cells as delivered
(parsed from `ops.rejects.original_line` the way ingest read the file), then four columns saying why the
row was refused. `co2calc ingest FILE --corrects LOAD_ID` reads the file with those four columns and
ignores them (ingest.read.CORRECTION_COLUMNS), so a steward may keep them or delete them.
"""

import csv
import io

import pandas as pd

from dashboard.tables import CSV_ENCODING, without_formulas
from ingest.contracts import SOURCES
from ingest.read import CORRECTION_COLUMNS, original_cells, recorded_delimiter

REASON_SEPARATOR = " | "


def refused_rows(rejects: pd.DataFrame) -> pd.DataFrame:
    """One row per refused source row: its reasons, columns and messages joined in the order found."""
    return (
        rejects.sort_values(["load_id", "row_number", "reason_code", "column_name"])
        .groupby(["load_id", "row_number"], as_index=False, sort=True)
        .agg(
            source_code=("source_code", "first"),
            # `error` sorts before `info`: a row refused and also skipped is refused (ingest.copier).
            severity=("severity", "min"),
            file_name=("file_name", "first"),
            reason_code=("reason_code", REASON_SEPARATOR.join),
            # '' in ops.rejects for a problem of the whole row: no column to name.
            column_name=(
                "column_name",
                lambda names: REASON_SEPARATOR.join(name for name in names if name) or None,
            ),
            reason_message=("reason_message", REASON_SEPARATOR.join),
            original_line=("original_line", "first"),
            source_columns=("source_columns", "first"),
            read_format=("read_format", "first"),
        )
    )


def _header(source_code: str, source_columns: object, width: int) -> list[str]:
    # A list from PostgreSQL, an array once through the Parquet cache, None for loads recorded before the header
    # was kept: then the contract's order, when the row has that many cells.
    if source_columns is not None and len(source_columns) == width:
        return [str(name) for name in source_columns]
    contract_columns = list(SOURCES[source_code].column_names)
    if len(contract_columns) == width:
        return contract_columns
    return [f"column_{position}" for position in range(1, width + 1)]


def correction_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The refused rows of ONE load (`refused_rows`) in the delivered file's columns, plus why each was refused."""
    if rows["load_id"].nunique() != 1:
        raise ValueError("a correction file holds the rows of one load")
    first = rows.iloc[0]
    cells = [original_cells(row.original_line, row.read_format) for row in rows.itertuples()]
    width = max(len(row_cells) for row_cells in cells)
    header = _header(first.source_code, first.source_columns, width)
    frame = pd.DataFrame([row_cells + [""] * (width - len(row_cells)) for row_cells in cells], columns=header)
    # A correction file sent back with the reasons of its own quarantine: those are replaced, not repeated.
    frame = frame.drop(columns=[name for name in CORRECTION_COLUMNS if name in frame.columns])
    reject_code, reject_message, reject_column, source_row = CORRECTION_COLUMNS
    frame[reject_code] = rows["reason_code"].to_list()
    frame[reject_message] = rows["reason_message"].to_list()
    frame[reject_column] = rows["column_name"].to_list()
    frame[source_row] = rows["row_number"].astype("int64").to_list()
    return frame


def correction_csv(frame: pd.DataFrame, read_format: str | None) -> bytes:
    """The correction file, delimited as the delivered file was (so its decimal commas read the same), UTF-8
    with a byte-order mark like every dashboard CSV; every cell quoted as needed, nothing reformatted but a cell
    a spreadsheet would run as a formula, which gets a leading apostrophe (dashboard/tables.py)."""
    buffer = io.StringIO()
    without_formulas(frame).to_csv(
        buffer, index=False, sep=recorded_delimiter(read_format), quoting=csv.QUOTE_MINIMAL
    )
    return buffer.getvalue().encode(CSV_ENCODING)
