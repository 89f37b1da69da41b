"""Load one delivered file into `raw`: refuse it, skip it, add it, or replace the previous load.

Load semantics (ARCHITECTURE.md §4):
- a file identical (SHA-256) to the active load of its scope changes nothing;
- otherwise the accepted rows are copied into the source's raw table, the refused rows go to
  `ops.rejects` with their reason and original line, and the previous active load of the same
  scope (source, reporting year, unit scope) is replaced: its raw rows are deleted and its
  `ops.loads` row is kept as history with status `replaced`. All of it is one transaction;
- a file refused as a whole (wrong header, encoding) loads nothing and is recorded as `refused`.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from ingest.contracts import SOURCES, SourceContract
from ingest.read import DeliveredFile, FileRefused, read_delivered_file, sha256_of
from ingest.reference import StationIndex, airports_frame, stations_frame
from ingest.validate import Lookups, Problem, validate_rows

SCHEMA_SQL = Path(__file__).resolve().parent / "sql" / "schema.sql"
ALL_UNITS = "*"
# Codes that exclude a row without it being an error (METHODOLOGY.md §1.8 severities).
INFO_CODES = frozenset({"ROW_OUT_OF_YEAR"})


@dataclass(frozen=True)
class LoadResult:
    source_code: str
    file_name: str
    # loaded: first load of its scope; replaced: took the place of an earlier load; unchanged: identical file;
    # refused: the whole file was rejected.
    outcome: str
    load_id: int | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    message: str | None = None
    problems: tuple[Problem, ...] = field(default=())
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


def _lookups(connection: sa.Connection) -> Lookups:
    units = connection.execute(sa.text("select distinct unit_institutional_id from raw.units")).scalars()
    return Lookups(
        unit_ids=frozenset(units),
        airport_codes=frozenset(airports_frame()["iata_code"]),
        stations=StationIndex.from_frame(stations_frame()),
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
    sha256 = sha256_of(path)
    scope_filter = sa.text(
        "select load_id, file_sha256 from ops.loads where source_code = :source and reporting_year is not distinct "
        "from :year and unit_scope = :scope and load_status = 'active' for update"
    )
    with engine.begin() as connection:
        # One load per scope at a time: a second loader of the same scope waits here.
        connection.execute(
            sa.text("select pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"{source_code}/{year}/{unit_scope}"},
        )
        previous = connection.execute(
            scope_filter, {"source": source_code, "year": year, "scope": unit_scope}
        ).first()
        if previous is not None and previous.file_sha256 == sha256:
            return LoadResult(
                source_code,
                path.name,
                "unchanged",
                previous.load_id,
                message=f"{path.name} is identical to load {previous.load_id}; nothing changed",
            )
        on_progress("reading")
        try:
            delivered = read_delivered_file(
                path, contract, has_unit_default=unit_institutional_id is not None
            )
        except FileRefused as refused:
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
                message=f"{refused.code}: {refused.message}",
            )
            return LoadResult(
                source_code, path.name, "refused", load_id, message=f"{refused.code}: {refused.message}"
            )
        on_progress("validating")
        frame, problems = validate_rows(
            delivered.cells,
            contract,
            reporting_year=year,
            lookups=_lookups(connection),
            unit_default=unit_institutional_id,
        )
        refused_rows = sorted({p.row_index for p in problems})
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
        if previous is not None:
            cursor.execute(f"delete from {contract.raw_table} where _load_id = %s", (previous.load_id,))
            cursor.execute(
                "update ops.loads set load_status = 'replaced', replaced_by_load_id = %s where load_id = %s",
                (load_id, previous.load_id),
            )
        _copy(
            cursor,
            contract.raw_table,
            _typed_rows(frame, contract, accepted, year, load_id, delivered, started_at),
        )
        if problems:
            _copy(cursor, "ops.rejects", _rejects_frame(problems, load_id, contract, delivered))
        rows_accepted = frame.height - len(refused_rows)
        cursor.execute(
            "update ops.loads set rows_read = %s, rows_accepted = %s, rows_rejected = %s, finished_at = %s "
            "where load_id = %s",
            (frame.height, rows_accepted, len(refused_rows), datetime.now(UTC), load_id),
        )
    return LoadResult(
        source_code,
        path.name,
        "replaced" if previous is not None else "loaded",
        load_id,
        rows_read=frame.height,
        rows_accepted=rows_accepted,
        rows_rejected=len(refused_rows),
        problems=tuple(problems),
        warnings=tuple(delivered.warnings),
    )


def _rejects_frame(
    problems: list[Problem], load_id: int, contract: SourceContract, delivered: DeliveredFile
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "load_id": [load_id] * len(problems),
            "source_code": [contract.source_code] * len(problems),
            "row_number": [delivered.line_numbers[p.row_index] for p in problems],
            "column_name": [p.column_name or "" for p in problems],
            "reason_code": [p.reason_code for p in problems],
            "reason_message": [p.reason_message for p in problems],
            "original_line": [delivered.original_lines[p.row_index] for p in problems],
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
            ":file, :sha, :status, :message, :by, :run, :started, case when :status = 'refused' then now() end) "
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
