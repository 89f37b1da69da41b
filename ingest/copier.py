"""The batch copier: a delivered file's rows validated and copied into raw, batch by batch, in the load's transaction.

Each batch is validated (ingest.validate, with the reader's cell problems and, for an end-user file, rows of other
units), its accepted rows typed and copied into the source's raw table and its refused and skipped rows into
`ops.rejects`. One writer thread copies a batch on the load's connection while the next is read and validated
(two batches in memory at most; ingest/README.md "Throughput"). What it counts is what the settle step
(ingest/settle.py) decides on.
"""

import io
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl
import sqlalchemy as sa

from ingest.contracts import DECIMAL_PRECISION, DECIMAL_SCALE, SourceContract, station_id_column
from ingest.plan import ALL_UNITS
from ingest.read import SOURCE_ROW_NUMBER_COLUMN, DeliveredFile
from ingest.reference import StationIndex, airport_codes, stations_frame
from ingest.validate import (
    FacilityReference,
    Lookups,
    Problem,
    repeated_keys,
    room_key,
    row_keys,
    validate_rows,
)


@dataclass(frozen=True)
class RejectedRow:
    line_number: int
    column_name: str | None
    reason_code: str
    reason_message: str
    # `error`: the row is refused; `info`: the row is skipped on purpose (ingest.validate.SKIP_CODES).
    severity: str = "error"

    def __str__(self) -> str:
        column = f", column {self.column_name}" if self.column_name else ""
        return f"line {self.line_number}{column}: {self.reason_code} {self.reason_message}"


@dataclass(frozen=True)
class RowRules:
    """What the row rules check a file against: the reference data and the keys repeated across the whole file."""

    lookups: Lookups
    repeated: frozenset[str] | None


@dataclass
class CopiedRows:
    """What the copier did with a file's rows (blank lines aside: the reader counts those)."""

    rows_read: int = 0
    rows_refused: int = 0
    rows_skipped: int = 0
    rows_blank: int = 0
    # Rows without a positive value in the contract's degradation-guarded column (ingest/settle.py).
    rows_without_guard_value: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # The corrected load's lines a correction file names in its source_row_number column, from every batch.
    corrected_lines: set[int] = field(default_factory=set)


def copy_frame(cursor, table: str, frame: pl.DataFrame) -> None:
    """COPY `frame` into `table`, its columns by name. `table` is one of the code's own (a contract's raw table,
    `ops.rejects`, a reference table), never input."""
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N")
    buffer.seek(0)
    columns = ", ".join(frame.columns)
    cursor.copy_expert(f"copy {table} ({columns}) from stdin with (format csv, null '\\N')", buffer)


def row_rules(
    connection: sa.Connection,
    contract: SourceContract,
    delivered: DeliveredFile,
    *,
    year: int | None,
    unit_default: str | None,
    batch_rows: int,
) -> RowRules:
    """The reference data of the file's rules, and the keys it repeats (a first pass over its batches)."""
    lookups = _lookups(connection, contract, year)
    repeated = (
        repeated_keys(
            row_keys(batch.cells, contract, lookups=lookups, unit_default=unit_default)
            for batch in delivered.batches(batch_rows)
        )
        if contract.unique_key
        else None
    )
    return RowRules(lookups, repeated)


def copy_rows(
    connection: sa.Connection,
    contract: SourceContract,
    delivered: DeliveredFile,
    rules: RowRules,
    *,
    load_id: int,
    year: int | None,
    unit_scope: str,
    unit_default: str | None,
    scope_load_ids: tuple[int, ...] | None,
    file_name: str,
    loaded_at: datetime,
    batch_rows: int,
    on_progress: Callable[[str], None],
) -> CopiedRows:
    """Validate and copy every batch of `delivered` as rows of load `load_id`. `unit_scope`: the unit of an
    end-user file (its rows of other units are refused) or ALL_UNITS; `unit_default`: the unit its rows take when
    they name none; `scope_load_ids`: a correction's scope, whose rows are
    not copied again (ROW_ALREADY_LOADED)."""
    cursor = connection.connection.cursor()
    copied = CopiedRows()
    # The connection's one writer: the server parses a batch's COPY while Python prepares the next one.
    stores: list[Future[tuple[tuple[RejectedRow, ...], int]]] = []
    with ThreadPoolExecutor(max_workers=1) as writer:
        for batch in delivered.batches(batch_rows):
            on_progress(
                f"validating and copying rows {copied.rows_read + 1:,}-{copied.rows_read + batch.cells.height:,} "
                f"of {delivered.rows:,}"
            )
            frame, problems = _problems(batch, contract, rules, year, unit_scope, unit_default)
            batch_rejected = tuple(
                RejectedRow(
                    batch.line_numbers[p.row_index],
                    p.column_name,
                    p.reason_code,
                    p.reason_message,
                    p.severity,
                )
                for p in problems
            )
            # A row with an error is refused even when it is also a skipped line: the error is what it reports.
            refused_rows = sorted({p.row_index for p in problems if p.severity == "error"})
            skipped_rows = sorted({p.row_index for p in problems} - set(refused_rows))
            accepted = pl.Series([True] * frame.height)
            if refused_rows or skipped_rows:
                accepted = accepted.scatter(refused_rows + skipped_rows, False)
            typed = _typed_rows(frame, contract, accepted, year, load_id, batch, file_name, loaded_at)
            if scope_load_ids is not None:
                copied.corrected_lines |= _named_source_rows(batch)
            if stores:
                # The previous batch is copied while this one is read and validated; memory holds these two.
                stores[-1].result()
            stores.append(
                writer.submit(
                    _store_batch, cursor, contract, load_id, batch, typed, batch_rejected, scope_load_ids
                )
            )
            copied.rows_read += frame.height
            copied.rows_refused += len(refused_rows)
            copied.rows_skipped += len(skipped_rows)
            copied.rows_blank += len(
                {p.row_index for p in problems if p.reason_code == "ROW_BLANK_TEMPLATE_LINE"}
            )
            copied.rows_without_guard_value += _rows_without_guard_value(contract, frame)
    for store in stores:
        stored, already_loaded = store.result()
        copied.rejected += stored
        copied.rows_skipped += already_loaded
    return copied


def _problems(
    batch: DeliveredFile,
    contract: SourceContract,
    rules: RowRules,
    year: int | None,
    unit_scope: str,
    unit_default: str | None,
) -> tuple[pl.DataFrame, list[Problem]]:
    """A batch's cells as the rules read them, and its problems, in row order."""
    frame, problems = validate_rows(
        batch.cells,
        contract,
        reporting_year=year,
        lookups=rules.lookups,
        unit_default=unit_default,
        repeated=rules.repeated,
    )
    problems = _with_cell_problems(problems, batch)
    if unit_scope != ALL_UNITS:
        problems = sorted(problems + _rows_of_other_units(frame, unit_scope), key=lambda p: p.row_index)
    return frame, problems


def _facilities(connection: sa.Connection, year: int | None) -> dict[str, FacilityReference]:
    """The year's facility reference (METHODOLOGY.md §3.6): use files are checked against it, so it is loaded
    first (its file name, facility_footprints_<year>.csv, sorts before researchfacilities_*)."""
    rows = connection.execute(
        sa.text(
            "select facility_id, facility_kind, allocation_unit, animal_type, total_use "
            "from raw.facility_footprints where reporting_year = :year order by _row_number"
        ),
        {"year": year},
    ).all()
    facilities: dict[str, FacilityReference] = {}
    for row in rows:
        facility = facilities.setdefault(
            row.facility_id, FacilityReference(row.facility_kind, row.allocation_unit, {})
        )
        total = float(row.total_use) if row.total_use is not None else None
        if facility.total_use_by_type.get(row.animal_type) is None:
            facility.total_use_by_type[row.animal_type] = total
    return facilities


def _lookups(connection: sa.Connection, contract: SourceContract, year: int | None) -> Lookups:
    # Activity rows belong to labs: inventories are kept at level 4 (METHODOLOGY.md §2.1).
    units = connection.execute(
        sa.text("select distinct unit_institutional_id from raw.units where unit_level = 4")
    ).scalars()
    rooms = connection.execute(
        sa.text("select building_name, room_name from raw.building_rooms_reference")
    ).all()
    # Airports and stations are read only for the sources that name them: reading them took a one-row load 0.15 s.
    return Lookups(
        unit_ids=frozenset(units),
        airport_codes=airport_codes() if contract.known_airport_columns else frozenset(),
        stations=StationIndex.from_frame(stations_frame())
        if contract.station_columns
        else StationIndex(by_name={}, names_by_country={}),
        rooms={room_key(building, room): (building, room) for building, room in rooms},
        facilities=_facilities(connection, year),
    )


def _rows_without_guard_value(contract: SourceContract, frame: pl.DataFrame) -> int:
    """Rows of `frame` without a positive value in the contract's degradation-guarded column (0 when unguarded)."""
    if contract.degradation_guard_column is None:
        return 0
    values = frame[contract.degradation_guard_column].cast(pl.Float64, strict=False)
    return int((values.is_null() | (values <= 0)).sum())


def _typed_rows(
    frame: pl.DataFrame,
    contract: SourceContract,
    accepted: pl.Series,
    year: int | None,
    load_id: int,
    delivered: DeliveredFile,
    file_name: str,
    loaded_at: datetime,
) -> pl.DataFrame:
    casts = []
    for column in contract.columns:
        value = pl.col(column.name)
        match column.column_type:
            case "integer":
                value = value.cast(pl.Int64)
            case "decimal":
                value = value.cast(pl.Decimal(DECIMAL_PRECISION, DECIMAL_SCALE))
            case "date":
                value = value.str.to_date("%Y-%m-%d")
        casts.append(value.alias(column.name))
    for name_column, _ in contract.station_columns:
        casts.append(pl.col(f"__{name_column}__station_id").alias(station_id_column(name_column)))
    return (
        frame.with_columns(
            _row_number=pl.Series(delivered.line_numbers, dtype=pl.Int64),
        )
        .filter(accepted)
        .select(
            *([pl.lit(year, dtype=pl.Int64).alias("reporting_year")] if contract.has_reporting_year else []),
            *casts,
            pl.lit(load_id, dtype=pl.Int64).alias("_load_id"),
            pl.lit(file_name).alias("_source_file"),
            pl.col("_row_number"),
            pl.lit(loaded_at.isoformat()).alias("_loaded_at"),
        )
    )


def _store_batch(
    cursor,
    contract: SourceContract,
    load_id: int,
    batch: DeliveredFile,
    typed: pl.DataFrame,
    batch_rejected: tuple[RejectedRow, ...],
    scope_load_ids: tuple[int, ...] | None,
) -> tuple[tuple[RejectedRow, ...], int]:
    """Copy a batch's accepted rows (`typed`) into raw and its rejects into ops.rejects. A correction's batch
    (`scope_load_ids`: the loads of its scope) copies only the rows no load of the scope holds, and its other rows
    are skipped (ROW_ALREADY_LOADED). Returns the batch's rejects and the number of rows skipped so."""
    already_loaded: list[int] = []
    if scope_load_ids is None:
        copy_frame(cursor, contract.raw_table, typed)
    else:
        already_loaded = _copy_new_rows(cursor, contract, typed, scope_load_ids)
        batch_rejected += tuple(
            RejectedRow(
                line,
                None,
                "ROW_ALREADY_LOADED",
                "identical to a row already accepted in this scope (source, year, unit); not loaded again",
                "info",
            )
            for line in already_loaded
        )
    if batch_rejected:
        copy_frame(cursor, "ops.rejects", _rejects_frame(batch_rejected, load_id, contract, batch))
    return batch_rejected, len(already_loaded)


def _copy_new_rows(
    cursor, contract: SourceContract, typed: pl.DataFrame, scope_load_ids: tuple[int, ...]
) -> list[int]:
    """Copy into raw the rows of a correction that no load of the scope holds yet (every column equal, NULLs
    included, load metadata aside); return the line numbers of the others. So a correction sent twice, or one
    that still carries rows accepted the first time, adds each row once."""
    cursor.execute(f"create temporary table correction_rows (like {contract.raw_table})")
    copy_frame(cursor, "correction_rows", typed)
    same_values = " and ".join(
        f"loaded.{column} is not distinct from correction.{column}"
        for column in typed.columns
        if not column.startswith("_")
    )
    cursor.execute(
        "select correction._row_number from correction_rows as correction where exists (select from "  # noqa: S608 the contract's raw table and columns, never input
        f"{contract.raw_table} as loaded where loaded._load_id = any(%s) and {same_values}) order by 1",
        (list(scope_load_ids),),
    )
    already_loaded = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"insert into {contract.raw_table} select * from correction_rows where not (_row_number = any(%s))",  # noqa: S608 the contract's raw table and columns, never input
        (already_loaded,),
    )
    cursor.execute("drop table correction_rows")
    return already_loaded


def _named_source_rows(batch: DeliveredFile) -> set[int]:
    """The corrected load's line numbers a batch of a correction file names in its `source_row_number` column."""
    return {
        int(cell) for cell in batch.ignored_cells.get(SOURCE_ROW_NUMBER_COLUMN, []) if cell and cell.isdigit()
    }


def _with_cell_problems(problems: list[Problem], delivered: DeliveredFile) -> list[Problem]:
    """The reader's problems replace what the row rules found in the same cell (the rules saw the cell as
    written, e.g. `1.500` in a decimal-comma file, which they would have read as 1.5)."""
    cells = {(p.row_index, p.column_name) for p in delivered.cell_problems}
    kept = [p for p in problems if (p.row_index, p.column_name) not in cells]
    from_reader = [
        Problem(p.row_index, p.column_name, p.reason_code, p.reason_message) for p in delivered.cell_problems
    ]
    return sorted(kept + from_reader, key=lambda p: (p.row_index, p.reason_code))


def _rows_of_other_units(frame: pl.DataFrame, unit_scope: str) -> list[Problem]:
    """An end-user file loaded for one unit may not carry rows of another (they would escape its scope)."""
    others = frame.with_row_index("row").filter(pl.col("unit_institutional_id") != unit_scope)
    return [
        Problem(
            row,
            "unit_institutional_id",
            "ROW_OTHER_UNIT",
            f"unit_institutional_id {unit!r} is not unit {unit_scope!r}, which this file is loaded for",
        )
        for row, unit in zip(others["row"], others["unit_institutional_id"], strict=True)
    ]


def _rejects_frame(
    rejected: tuple[RejectedRow, ...], load_id: int, contract: SourceContract, delivered: DeliveredFile
) -> pl.DataFrame:
    """The rejects of one batch (`delivered`), with their original lines."""
    original_by_line = dict(zip(delivered.line_numbers, delivered.original_lines, strict=True))
    return pl.DataFrame(
        {
            "load_id": [load_id] * len(rejected),
            "source_code": [contract.source_code] * len(rejected),
            "row_number": [r.line_number for r in rejected],
            "column_name": [r.column_name or "" for r in rejected],
            "reason_code": [r.reason_code for r in rejected],
            "reason_message": [r.reason_message for r in rejected],
            "severity": [r.severity for r in rejected],
            "original_line": [original_by_line[r.line_number] for r in rejected],
        }
    )
