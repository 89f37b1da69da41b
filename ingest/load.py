"""Load one delivered file into `raw`: refuse it, skip it, add it, or replace the previous load.

Load semantics (ARCHITECTURE.md §4). A load's scope is (source, reporting year, unit scope); the unit
scope is `*` for a back-office file covering every unit, or the one unit an end-user file is for.
- A file identical (SHA-256) to the active load of its scope changes nothing.
- Otherwise the accepted rows are copied into the source's raw table and the refused rows go to
  `ops.rejects` with their reason, line number and original line. What the file replaces is deleted
  from raw in the same transaction, and its `ops.loads` row stays as history with status `replaced`:
  a back-office file replaces every active load of its source and year (it covers every unit); an
  end-user file replaces the earlier file of its unit, and is refused while a back-office file covers
  the year (correct that file instead), so no row is ever counted twice.
- A file refused as a whole (wrong header, encoding, a year that contradicts its name) or whose every
  row is refused loads nothing and replaces nothing: it is recorded as `refused`, with its rejects.
"""

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from ingest.contracts import SOURCES, SourceContract, year_in_file_name
from ingest.read import DeliveredFile, FileRefused, read_delivered_file
from ingest.reference import StationIndex, airports_frame, stations_frame
from ingest.validate import FacilityReference, Lookups, Problem, validate_rows

SCHEMA_SQL = Path(__file__).resolve().parent / "sql" / "schema.sql"
ALL_UNITS = "*"


@dataclass(frozen=True)
class RejectedRow:
    line_number: int
    column_name: str | None
    reason_code: str
    reason_message: str

    def __str__(self) -> str:
        column = f", column {self.column_name}" if self.column_name else ""
        return f"line {self.line_number}{column}: {self.reason_code} {self.reason_message}"


@dataclass(frozen=True)
class LoadResult:
    source_code: str
    file_name: str
    # loaded: first load of its scope; replaced: took the place of an earlier load; unchanged: identical file;
    # refused: the whole file, or every row of it, was rejected (nothing loaded, nothing replaced).
    outcome: str
    load_id: int | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    message: str | None = None
    rejected_rows: tuple[RejectedRow, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())


def ensure_schema(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(SCHEMA_SQL.read_text())


def load_reference_data(engine: sa.Engine) -> dict[str, int]:
    """Replace `reference.airports` and `reference.train_stations` with the shipped data."""
    ensure_schema(engine)
    frames = {
        "reference.airports": airports_frame(),
        "reference.train_stations": stations_frame()
        .drop("aliases")
        .with_columns(source_name=pl.lit("co2calc train_stations.csv")),
    }
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        for table, frame in frames.items():
            cursor.execute(f"truncate {table}")
            _copy(cursor, table, frame)
    return {table: frame.height for table, frame in frames.items()}


def _copy(cursor, table: str, frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N")
    buffer.seek(0)
    columns = ", ".join(frame.columns)
    cursor.copy_expert(f"copy {table} ({columns}) from stdin with (format csv, null '\\N')", buffer)


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


def _lookups(connection: sa.Connection, year: int | None = None) -> Lookups:
    # Activity rows belong to labs: inventories are kept at level 4 (METHODOLOGY.md §2.1).
    units = connection.execute(
        sa.text("select distinct unit_institutional_id from raw.units where unit_level = 4")
    ).scalars()
    return Lookups(
        unit_ids=frozenset(units),
        airport_codes=frozenset(airports_frame()["iata_code"]),
        stations=StationIndex.from_frame(stations_frame()),
        facilities=_facilities(connection, year),
    )


def _typed_rows(
    frame: pl.DataFrame,
    contract: SourceContract,
    accepted: pl.Series,
    year: int | None,
    load_id: int,
    delivered: DeliveredFile,
    loaded_at: datetime,
) -> pl.DataFrame:
    casts = []
    for column in contract.columns:
        value = pl.col(column.name)
        match column.column_type:
            case "integer":
                value = value.cast(pl.Int64)
            case "decimal":
                value = value.cast(pl.Decimal(38, 12))
            case "date":
                value = value.str.to_date("%Y-%m-%d")
        casts.append(value.alias(column.name))
    for name_column, _ in contract.station_columns:
        casts.append(
            pl.col(f"__{name_column}__station_id").alias(name_column.replace("_name", "_station_id"))
        )
    typed = (
        frame.with_columns(
            _row_number=pl.Series(delivered.line_numbers, dtype=pl.Int64),
        )
        .filter(accepted)
        .select(
            *([pl.lit(year, dtype=pl.Int64).alias("reporting_year")] if contract.has_reporting_year else []),
            *casts,
            pl.lit(load_id, dtype=pl.Int64).alias("_load_id"),
            pl.lit(delivered.path.name).alias("_source_file"),
            pl.col("_row_number"),
            pl.lit(loaded_at.isoformat()).alias("_loaded_at"),
        )
    )
    return typed


def load_file(
    engine: sa.Engine,
    path: Path,
    source_code: str,
    *,
    reporting_year: int | None = None,
    unit_institutional_id: str | None = None,
    loaded_by: str,
    dagster_run_id: str | None = None,
    on_progress: Callable[[str], None] = lambda _step: None,
) -> LoadResult:
    """Load `path` as `source_code`; see the module docstring for the semantics."""
    contract = SOURCES[source_code]
    if contract.has_reporting_year and reporting_year is None:
        raise ValueError(f"{path.name}: {source_code} needs a reporting year (--year, or a _YYYY suffix)")
    year = reporting_year if contract.has_reporting_year else None
    unit_scope = unit_institutional_id or ALL_UNITS
    ensure_schema(engine)
    started_at = datetime.now(UTC)
    raw = path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    with engine.begin() as connection:
        # One load per source and year at a time: scopes of the same year interact (module docstring).
        connection.execute(
            sa.text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": f"{source_code}/{year}"}
        )
        active = connection.execute(
            sa.text(
                "select load_id, unit_scope, file_name, file_sha256 from ops.loads where source_code = :source "
                "and reporting_year is not distinct from :year and load_status = 'active' order by load_id"
            ),
            {"source": source_code, "year": year},
        ).all()
        same_scope = next((load for load in active if load.unit_scope == unit_scope), None)
        if same_scope is not None and same_scope.file_sha256 == sha256:
            return LoadResult(
                source_code,
                path.name,
                "unchanged",
                same_scope.load_id,
                message=f"{path.name} is identical to load {same_scope.load_id}; nothing changed",
            )

        def refuse(message: str, rows_read: int = 0, rejected: tuple[RejectedRow, ...] = ()) -> LoadResult:
            load_id = _record_load(
                connection,
                contract,
                year,
                unit_scope,
                path,
                sha256,
                "refused",
                loaded_by,
                dagster_run_id,
                started_at,
                message=message,
            )
            if rejected:
                _copy(
                    connection.connection.cursor(),
                    "ops.rejects",
                    _rejects_frame(rejected, load_id, contract, delivered),
                )
            _record_counts(connection, load_id, rows_read, 0, len({r.line_number for r in rejected}))
            return LoadResult(
                source_code,
                path.name,
                "refused",
                load_id,
                rows_read=rows_read,
                rows_rejected=len({r.line_number for r in rejected}),
                message=message,
                rejected_rows=rejected,
            )

        named_year = year_in_file_name(path.name)
        if contract.has_reporting_year and named_year is not None and named_year != year:
            return refuse(f"FILE_YEAR_MISMATCH: {path.name} is named for {named_year}, loaded as {year}")
        back_office = next((load for load in active if load.unit_scope == ALL_UNITS), None)
        if unit_scope != ALL_UNITS and back_office is not None:
            return refuse(
                f"FILE_SCOPE_CONFLICT: {back_office.file_name} (load {back_office.load_id}) already covers every "
                f"unit for {year}; correct that back-office file instead of loading {path.name} for unit "
                f"{unit_scope}"
            )
        replaced = active if unit_scope == ALL_UNITS else [same_scope] if same_scope else []
        on_progress("reading")
        try:
            delivered = read_delivered_file(
                path, contract, raw, has_unit_default=unit_institutional_id is not None
            )
        except FileRefused as refused:
            return refuse(f"{refused.code}: {refused.message}")
        on_progress("validating")
        frame, problems = validate_rows(
            delivered.cells,
            contract,
            reporting_year=year,
            lookups=_lookups(connection, year),
            unit_default=unit_institutional_id,
        )
        if unit_scope != ALL_UNITS:
            problems = sorted(problems + _rows_of_other_units(frame, unit_scope), key=lambda p: p.row_index)
        rejected = tuple(
            RejectedRow(delivered.line_numbers[p.row_index], p.column_name, p.reason_code, p.reason_message)
            for p in problems
        )
        refused_rows = sorted({p.row_index for p in problems})
        if len(refused_rows) == frame.height:
            return refuse(
                f"ROWS_ALL_REFUSED: every row of {path.name} was refused; nothing was replaced",
                frame.height,
                rejected,
            )
        accepted = pl.Series([True] * frame.height)
        if refused_rows:
            accepted = accepted.scatter(refused_rows, False)
        on_progress("copying")
        load_id = _record_load(
            connection,
            contract,
            year,
            unit_scope,
            path,
            sha256,
            "active",
            loaded_by,
            dagster_run_id,
            started_at,
        )
        cursor = connection.connection.cursor()
        for load in replaced:
            cursor.execute(f"delete from {contract.raw_table} where _load_id = %s", (load.load_id,))
            cursor.execute(
                "update ops.loads set load_status = 'replaced', replaced_by_load_id = %s where load_id = %s",
                (load_id, load.load_id),
            )
        _copy(
            cursor,
            contract.raw_table,
            _typed_rows(frame, contract, accepted, year, load_id, delivered, started_at),
        )
        if rejected:
            _copy(cursor, "ops.rejects", _rejects_frame(rejected, load_id, contract, delivered))
        rows_accepted = frame.height - len(refused_rows)
        _record_counts(connection, load_id, frame.height, rows_accepted, len(refused_rows))
    return LoadResult(
        source_code,
        path.name,
        "replaced" if replaced else "loaded",
        load_id,
        rows_read=frame.height,
        rows_accepted=rows_accepted,
        rows_rejected=len(refused_rows),
        rejected_rows=rejected,
        warnings=tuple(delivered.warnings),
    )


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


def _record_counts(
    connection: sa.Connection, load_id: int, rows_read: int, rows_accepted: int, rows_rejected: int
) -> None:
    connection.execute(
        sa.text(
            "update ops.loads set rows_read = :read, rows_accepted = :accepted, rows_rejected = :rejected, "
            "finished_at = :now where load_id = :id"
        ),
        {
            "read": rows_read,
            "accepted": rows_accepted,
            "rejected": rows_rejected,
            "now": datetime.now(UTC),
            "id": load_id,
        },
    )


def _rejects_frame(
    rejected: tuple[RejectedRow, ...], load_id: int, contract: SourceContract, delivered: DeliveredFile
) -> pl.DataFrame:
    original_by_line = dict(zip(delivered.line_numbers, delivered.original_lines, strict=True))
    return pl.DataFrame(
        {
            "load_id": [load_id] * len(rejected),
            "source_code": [contract.source_code] * len(rejected),
            "row_number": [r.line_number for r in rejected],
            "column_name": [r.column_name or "" for r in rejected],
            "reason_code": [r.reason_code for r in rejected],
            "reason_message": [r.reason_message for r in rejected],
            "original_line": [original_by_line[r.line_number] for r in rejected],
        }
    )


def _record_load(
    connection: sa.Connection,
    contract: SourceContract,
    year: int | None,
    unit_scope: str,
    path: Path,
    sha256: str,
    status: str,
    loaded_by: str,
    dagster_run_id: str | None,
    started_at: datetime,
    message: str | None = None,
) -> int:
    return connection.execute(
        sa.text(
            "insert into ops.loads (source_code, reporting_year, unit_scope, file_name, file_sha256, load_status, "
            "refusal_message, loaded_by, dagster_run_id, started_at, finished_at) values (:source, :year, :scope, "
            ":file, :sha, :status, :message, :by, :run, :started, null) "
            "returning load_id"
        ),
        {
            "source": contract.source_code,
            "year": year,
            "scope": unit_scope,
            "file": path.name,
            "sha": sha256,
            "status": status,
            "message": message,
            "by": loaded_by,
            "run": dagster_run_id,
            "started": started_at,
        },
    ).scalar_one()
