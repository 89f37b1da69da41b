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
- A system feed's batch (`FeedBatch`, ingest.feeds) adds to the feed's earlier batches and replaces the
  end-user files of its year; it is refused while a back-office file covers the year (ingest/README.md).
- Rows skipped on purpose (severity INFO: blank pre-filled template lines, rows dated outside the year) are
  neither loaded nor refused: they are listed in `ops.rejects` with severity `info` and counted in
  `rows_skipped`. A file whose rows are all skipped is accepted with 0 rows (a template sent back untouched).
- A correction (`corrects_load_id`: corrected rows of an active load, e.g. the quarantine's correction file)
  adds to that load's scope instead of replacing it: rows identical to a row already accepted in the scope are
  skipped (`ROW_ALREADY_LOADED`, info), still-bad rows are refused with their reason, and the corrected load's
  open rejects (those of the file's `source_row_number` lines, or all of them) are resolved by it. A later
  file for the scope replaces the load and its corrections alike (ingest/README.md "Load semantics").
"""

import hashlib
import io
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from ingest.contracts import (
    DECIMAL_PRECISION,
    DECIMAL_SCALE,
    SOURCES,
    TRAVEL_DETAIL_SOURCES,
    SourceContract,
    station_id_column,
    year_in_file_name,
)
from ingest.migrate import require_current_schema
from ingest.read import (
    CORRECTION_COLUMNS,
    DEFAULT_BATCH_ROWS,
    DETECT_EVERYTHING,
    SOURCE_ROW_NUMBER_COLUMN,
    DeliveredFile,
    FileRefused,
    ReadOptions,
    open_delivered_file,
)
from ingest.reference import StationIndex, airport_codes, airports_frame, stations_frame
from ingest.validate import (
    FacilityReference,
    Lookups,
    Problem,
    repeated_keys,
    room_key,
    row_keys,
    validate_rows,
)

ALL_UNITS = "*"


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
class LoadResult:
    source_code: str
    file_name: str
    # loaded: first load of its scope; replaced: took the place of an earlier load; unchanged: identical file;
    # corrected: corrected rows added to the scope of an active load (`corrects_load_id`);
    # refused: the whole file, or every row of it, was rejected (nothing loaded, nothing replaced).
    outcome: str
    load_id: int | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    message: str | None = None
    rejected_rows: tuple[RejectedRow, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    # How the file was read (format, encoding, delimiter, decimal separator, date format, sheet), as recorded in
    # ops.loads.read_format; None when the file was not read (unchanged, or refused before reading).
    read_format: str | None = None


@dataclass(frozen=True)
class FeedBatch:
    """Rows a system feed pulled (ingest.feeds), identified by the feed and the cursor range they cover.

    A feed batch adds to its scope instead of replacing it (the feed's cursor guarantees each row comes
    once); precedence against files is in ingest/README.md.
    """

    feed_name: str
    cursor_from: str | None
    cursor_to: str

    @property
    def label(self) -> str:
        return f"feed {self.feed_name} cursor ({self.cursor_from or 'start'}, {self.cursor_to}]"


@contextmanager
def _transaction(engine: sa.Engine, in_transaction: sa.Connection | None) -> Iterator[sa.Connection]:
    if in_transaction is not None:
        yield in_transaction
        return
    with engine.begin() as connection:
        yield connection


def lock_scope(connection: sa.Connection, source_code: str, year: int | None, unit_scope: str) -> None:
    """Hold, until the transaction ends, the advisory locks that serialise the loads of one scope and let other
    scopes load at once (ARCHITECTURE.md §10). A back-office file, a feed batch, a deletion or a retention purge
    of a source and year touches every unit's loads of that year: it takes the year's lock exclusively. An
    end-user file touches only its unit's: it shares the year's lock and takes its unit's exclusively, so files of
    two units load together and a back-office file waits for both. Always the year's lock first: no deadlock.
    The year's key is ingest/retention.py's too."""
    year_key = f"{source_code}/{year}"
    if unit_scope == ALL_UNITS:
        connection.execute(sa.text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": year_key})
        return
    connection.execute(sa.text("select pg_advisory_xact_lock_shared(hashtext(:key))"), {"key": year_key})
    connection.execute(
        sa.text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": f"{year_key}/{unit_scope}"}
    )


def load_reference_data(engine: sa.Engine) -> dict[str, int]:
    """Replace `reference.airports` and `reference.train_stations` with the shipped data."""
    require_current_schema(engine)
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


def _lookups(connection: sa.Connection, contract: SourceContract, year: int | None = None) -> Lookups:
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


def _degradation(
    connection: sa.Connection, contract: SourceContract, load_id: int, new_without: int, new_rows: int
) -> str | None:
    """Why a new reference file (load `load_id`, `new_without` of its `new_rows` rows without a positive value in the
    guarded column) would degrade the active one (a larger share of such rows), or None. The reference
    calculator's typo nulled every room surface while the job reported success (its incident #1545,
    METHODOLOGY.md §3.3 (f))."""
    column = contract.degradation_guard_column
    if column is None or new_rows == 0:
        return None
    active_without, active_rows = connection.execute(
        sa.text(
            f"select count(*) filter (where not coalesce({column} > 0, false)), count(*) from {contract.raw_table} "
            "where _load_id <> :load_id"
        ),
        {"load_id": load_id},
    ).one()
    if active_rows == 0:
        return None
    if new_without / new_rows <= active_without / active_rows:
        return None
    return (
        f"REF_DEGRADED: {new_without} of {new_rows} rows ({new_without / new_rows:.1%}) have no positive "
        f"{column}, against {active_without} of {active_rows} ({active_without / active_rows:.1%}) in the active "
        f"{contract.source_code}; the file is not applied (check the {column} column, then load a corrected file)"
    )


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
    typed = (
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
    feed: FeedBatch | None = None,
    in_transaction: sa.Connection | None = None,
    read_options: ReadOptions = DETECT_EVERYTHING,
    file_name: str | None = None,
    corrects_load_id: int | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> LoadResult:
    """Load `path` as `source_code`; see the module docstring for the semantics.

    `in_transaction`: run inside the caller's transaction (a feed commits a page with its cursor advance),
    whose caller has checked the schema (`ingest.migrate.require_current_schema`). `read_options` declares how the file is written where the reader
    should not detect it (ingest.read); a file is identical to a load only if it was read with the same
    declarations. The file is read, validated and copied `batch_rows` rows at a time (ingest.read), all in the one
    transaction. `corrects_load_id`: the file holds corrected rows of that active load and is loaded into
    its scope (its year and unit) without replacing it; a year or unit given as well must be the load's.
    `file_name` is the name recorded and reported (default: the path's name); an object of the S3 inbox, loaded
    from a temporary copy, is recorded under its key.
    """
    contract = SOURCES[source_code]
    name = file_name or path.name
    if in_transaction is None:
        require_current_schema(engine)
    if corrects_load_id is not None:
        with _transaction(engine, in_transaction) as connection:
            corrected = _corrected_load(connection, corrects_load_id, source_code)
        for given, recorded, what in (
            (reporting_year, corrected.reporting_year, "reporting year"),
            (
                unit_institutional_id,
                None if corrected.unit_scope == ALL_UNITS else corrected.unit_scope,
                "unit",
            ),
        ):
            if given is not None and given != recorded:
                raise ValueError(
                    f"{name}: load {corrects_load_id} is for {what} {recorded or 'every unit'}, not {given}"
                )
        reporting_year = corrected.reporting_year
        unit_institutional_id = None if corrected.unit_scope == ALL_UNITS else corrected.unit_scope
    if contract.has_reporting_year and reporting_year is None:
        raise ValueError(f"{name}: {source_code} needs a reporting year (--year, or a _YYYY suffix)")
    year = reporting_year if contract.has_reporting_year else None
    unit_scope = unit_institutional_id or ALL_UNITS
    started_at = datetime.now(UTC)
    with path.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    with _transaction(engine, in_transaction) as connection:
        lock_scope(connection, source_code, year, unit_scope)
        active = connection.execute(
            sa.text(
                "select load_id, unit_scope, file_name, file_sha256, feed_name, read_options, corrects_load_id "
                "from ops.loads where source_code = :source "
                "and reporting_year is not distinct from :year and load_status = 'active' order by load_id"
            ),
            {"source": source_code, "year": year},
        ).all()
        # The file's scope: its main load and the corrections added to it.
        scope_loads = [
            load
            for load in active
            if load.unit_scope == unit_scope and feed is None and load.feed_name is None
        ]
        if corrects_load_id is not None and corrects_load_id not in {load.load_id for load in active}:
            raise ValueError(f"{name}: load {corrects_load_id} is no longer active; nothing was loaded")
        # A correction is identical to an earlier correction of the same load; any other file to the main load.
        same_file = next(
            (
                load
                for load in scope_loads
                if load.corrects_load_id == corrects_load_id
                and load.file_sha256 == sha256
                and load.read_options == read_options.describe()
            ),
            None,
        )
        if same_file is not None:
            return LoadResult(
                source_code,
                name,
                "unchanged",
                same_file.load_id,
                message=f"{name} is identical to load {same_file.load_id}; nothing changed",
            )

        def refuse(message: str) -> LoadResult:
            """Refuse the file before any of its rows is read (a file-level rule)."""
            load_id = _record_load(
                connection,
                contract,
                year,
                unit_scope,
                name,
                sha256,
                "refused",
                loaded_by,
                dagster_run_id,
                started_at,
                (read_options, None),
                message=message,
                feed=feed,
                corrects_load_id=corrects_load_id,
            )
            _record_counts(connection, load_id, 0, 0, 0, 0)
            return LoadResult(source_code, name, "refused", load_id, message=message)

        # The file itself (encoding, header, shape) is checked before anything about its scope (METHODOLOGY.md §1.8):
        # a file that is not a delivery of the source is refused as such, not as a conflict of scopes.
        on_progress("reading")
        try:
            delivered = open_delivered_file(
                path,
                contract,
                has_unit_default=unit_institutional_id is not None,
                options=read_options,
                ignored_columns=CORRECTION_COLUMNS if corrects_load_id is not None else (),
            )
        except FileRefused as refused:
            return refuse(f"{refused.code}: {refused.message}")
        named_year = year_in_file_name(name)
        if contract.has_reporting_year and named_year is not None and named_year != year:
            return refuse(f"FILE_YEAR_MISMATCH: {name} is named for {named_year}, loaded as {year}")
        if source_code in TRAVEL_DETAIL_SOURCES:
            purge = connection.execute(
                sa.text(
                    "select runs.retention_run_id, runs.acted_at from archive.emissions_frozen as frozen "
                    "inner join ops.retention_runs as runs on frozen.retention_run_id = runs.retention_run_id "
                    "where frozen.module_code = 'travel' and frozen.reporting_year = :year "
                    "order by runs.retention_run_id limit 1"
                ),
                {"year": year},
            ).first()
            if purge is not None:
                return refuse(
                    f"FILE_YEAR_PURGED: the travel detail of {year} was purged by retention run "
                    f"{purge.retention_run_id} on {purge.acted_at:%Y-%m-%d}; its emissions are kept frozen, so the "
                    f"trips of {name} would be counted a second time"
                )
        back_office = next(
            (load for load in active if load.unit_scope == ALL_UNITS and load.corrects_load_id is None), None
        )
        if unit_scope != ALL_UNITS and back_office is not None and back_office.feed_name is not None:
            return refuse(
                f"FILE_SCOPE_CONFLICT: {back_office.file_name} (load {back_office.load_id}) already loads every "
                f"unit for {year}; {name} for unit {unit_scope} would count its rows twice"
            )
        if unit_scope != ALL_UNITS and back_office is not None:
            return refuse(
                f"FILE_SCOPE_CONFLICT: {back_office.file_name} (load {back_office.load_id}) already covers every "
                f"unit for {year}; correct that back-office file instead of loading {name} for unit "
                f"{unit_scope}"
            )
        back_office_file = next(
            (
                load
                for load in active
                if load.unit_scope == ALL_UNITS and load.feed_name is None and load.corrects_load_id is None
            ),
            None,
        )
        if feed is not None and back_office_file is not None:
            return refuse(
                f"FEED_SCOPE_CONFLICT: {back_office_file.file_name} (load {back_office_file.load_id}) covers every "
                f"unit for {year}; the rows of {feed.label} for {year} are not loaded (delete that load to hand "
                "the year back to the feed)"
            )
        if corrects_load_id is not None:
            replaced = []
        elif feed is not None:
            # A feed replaces the end-user files of its year (and their corrections), never its own earlier batches.
            replaced = [load for load in active if load.feed_name is None]
        else:
            replaced = active if unit_scope == ALL_UNITS else scope_loads
        lookups = _lookups(connection, contract, year)
        repeated = (
            repeated_keys(
                row_keys(batch.cells, contract, lookups=lookups, unit_default=unit_institutional_id)
                for batch in delivered.batches(batch_rows)
            )
            if contract.unique_key
            else None
        )
        # The load is recorded first (its id marks every row and reject) and settled at the end, when the counts
        # that decide it are known; the loads it replaces are replaced only then, if it is accepted.
        load_id = _record_load(
            connection,
            contract,
            year,
            unit_scope,
            name,
            sha256,
            "active",
            loaded_by,
            dagster_run_id,
            started_at,
            (read_options, delivered.detected.describe()),
            feed=feed,
            corrects_load_id=corrects_load_id,
            source_columns=delivered.names,
        )
        cursor = connection.connection.cursor()
        rejected: list[RejectedRow] = []
        rows_read = rows_refused = rows_skipped = rows_blank = rows_without_guard_value = 0
        # The corrected load's lines the correction file names in its source_row_number column, from every batch.
        corrected_lines: set[int] = set()
        # The connection's one writer: the server parses a batch's COPY while Python prepares the next one.
        stores: list[Future[tuple[tuple[RejectedRow, ...], int]]] = []
        with ThreadPoolExecutor(max_workers=1) as writer:
            for batch in delivered.batches(batch_rows):
                on_progress(
                    f"validating and copying rows {rows_read + 1:,}-{rows_read + batch.cells.height:,} "
                    f"of {delivered.rows:,}"
                )
                frame, problems = validate_rows(
                    batch.cells,
                    contract,
                    reporting_year=year,
                    lookups=lookups,
                    unit_default=unit_institutional_id,
                    repeated=repeated,
                )
                problems = _with_cell_problems(problems, batch)
                if unit_scope != ALL_UNITS:
                    problems = sorted(
                        problems + _rows_of_other_units(frame, unit_scope), key=lambda p: p.row_index
                    )
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
                typed = _typed_rows(frame, contract, accepted, year, load_id, batch, name, started_at)
                if corrects_load_id is not None:
                    corrected_lines |= _named_source_rows(batch)
                if stores:
                    # The previous batch is copied while this one is read and validated; memory holds these two.
                    stores[-1].result()
                stores.append(
                    writer.submit(
                        _store_batch,
                        cursor,
                        contract,
                        load_id,
                        batch,
                        typed,
                        batch_rejected,
                        None if corrects_load_id is None else [load.load_id for load in scope_loads],
                    )
                )
                rows_read += frame.height
                rows_refused += len(refused_rows)
                rows_skipped += len(skipped_rows)
                rows_blank += len(
                    {p.row_index for p in problems if p.reason_code == "ROW_BLANK_TEMPLATE_LINE"}
                )
                rows_without_guard_value += _rows_without_guard_value(contract, frame)
        for store in stores:
            stored, already_loaded = store.result()
            rejected += stored
            rows_skipped += already_loaded
        if degraded := _degradation(connection, contract, load_id, rows_without_guard_value, rows_read):
            cursor.execute(f"delete from {contract.raw_table} where _load_id = %s", (load_id,))
            cursor.execute("delete from ops.rejects where load_id = %s", (load_id,))
            _settle_refused(connection, load_id, degraded, rows_read, 0, 0)
            return LoadResult(
                source_code,
                name,
                "refused",
                load_id,
                rows_read=rows_read,
                message=degraded,
                warnings=tuple(delivered.warnings),
                read_format=delivered.detected.describe(),
            )
        # Lines of empty cells are skipped and counted (METHODOLOGY.md §1.8), after the reference guard, which counts
        # rows; like blank template lines, they declare nothing.
        rows_read += delivered.blank_lines
        rows_skipped += delivered.blank_lines
        rows_blank += delivered.blank_lines
        # Nothing to load replaces nothing, unless every line is a blank template line: an untouched template
        # sent back says "nothing to declare". Rows all dated in another year are a wrong file, not an empty one.
        # A correction whose rows are all refused still answers its load's quarantine: they wait there under it.
        if corrects_load_id is None and rows_refused + rows_skipped == rows_read and rows_blank < rows_read:
            message = (
                f"ROWS_ALL_REFUSED: no row of {name} can be loaded (refused, or dated outside the reporting "
                "year); nothing was replaced"
            )
            _settle_refused(connection, load_id, message, rows_read, rows_read - rows_skipped, rows_skipped)
            return LoadResult(
                source_code,
                name,
                "refused",
                load_id,
                rows_read=rows_read,
                rows_rejected=rows_read - rows_skipped,
                rows_skipped=rows_skipped,
                message=message,
                rejected_rows=tuple(rejected),
                warnings=tuple(delivered.warnings),
                read_format=delivered.detected.describe(),
            )
        on_progress("replacing")
        for load in replaced:
            cursor.execute(f"delete from {contract.raw_table} where _load_id = %s", (load.load_id,))
            cursor.execute(
                "update ops.loads set load_status = 'replaced', replaced_by_load_id = %s where load_id = %s",
                (load_id, load.load_id),
            )
        if corrects_load_id is not None:
            _resolve_rejects(connection, corrects_load_id, load_id, corrected_lines)
        rows_accepted = rows_read - rows_refused - rows_skipped
        _record_counts(connection, load_id, rows_read, rows_accepted, rows_refused, rows_skipped)
    return LoadResult(
        source_code,
        name,
        "corrected" if corrects_load_id is not None else "replaced" if replaced else "loaded",
        load_id,
        rows_read=rows_read,
        rows_accepted=rows_accepted,
        rows_rejected=rows_refused,
        rows_skipped=rows_skipped,
        rejected_rows=tuple(rejected),
        warnings=tuple(delivered.warnings),
        read_format=delivered.detected.describe(),
    )


def _store_batch(
    cursor,
    contract: SourceContract,
    load_id: int,
    batch: DeliveredFile,
    typed: pl.DataFrame,
    batch_rejected: tuple[RejectedRow, ...],
    scope_load_ids: list[int] | None,
) -> tuple[tuple[RejectedRow, ...], int]:
    """Copy a batch's accepted rows (`typed`) into raw and its rejects into ops.rejects. A correction's batch
    (`scope_load_ids`: the loads of its scope) copies only the rows no load of the scope holds, and its other rows
    are skipped (ROW_ALREADY_LOADED). Returns the batch's rejects and the number of rows skipped so."""
    already_loaded: list[int] = []
    if scope_load_ids is None:
        _copy(cursor, contract.raw_table, typed)
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
        _copy(cursor, "ops.rejects", _rejects_frame(batch_rejected, load_id, contract, batch))
    return batch_rejected, len(already_loaded)


def _corrected_load(connection: sa.Connection, load_id: int, source_code: str) -> sa.Row:
    """The load a correction file is for: it must exist, be of the same source, active, and not a feed batch."""
    load = connection.execute(
        sa.text(
            "select load_id, source_code, reporting_year, unit_scope, file_name, load_status, feed_name "
            "from ops.loads where load_id = :id"
        ),
        {"id": load_id},
    ).one_or_none()
    if load is None:
        raise ValueError(f"no load {load_id} in ops.loads to correct")
    if load.source_code != source_code:
        raise ValueError(f"load {load_id} ({load.file_name}) is a {load.source_code} load, not {source_code}")
    if load.load_status != "active":
        raise ValueError(
            f"load {load_id} ({load.file_name}) is {load.load_status}: only an active load takes corrections "
            "(load a complete corrected file instead)"
        )
    if load.feed_name is not None:
        raise ValueError(
            f"load {load_id} is a batch of feed {load.feed_name}: correct its rows at the source, they come again"
        )
    return load


def _copy_new_rows(
    cursor, contract: SourceContract, typed: pl.DataFrame, scope_load_ids: list[int]
) -> list[int]:
    """Copy into raw the rows of a correction that no load of the scope holds yet (every column equal, NULLs
    included, load metadata aside); return the line numbers of the others. So a correction sent twice, or one
    that still carries rows accepted the first time, adds each row once."""
    cursor.execute(f"create temporary table correction_rows (like {contract.raw_table})")
    _copy(cursor, "correction_rows", typed)
    same_values = " and ".join(
        f"loaded.{column} is not distinct from correction.{column}"
        for column in typed.columns
        if not column.startswith("_")
    )
    cursor.execute(
        "select correction._row_number from correction_rows as correction where exists (select from "
        f"{contract.raw_table} as loaded where loaded._load_id = any(%s) and {same_values}) order by 1",
        (scope_load_ids,),
    )
    already_loaded = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"insert into {contract.raw_table} select * from correction_rows where not (_row_number = any(%s))",
        (already_loaded,),
    )
    cursor.execute("drop table correction_rows")
    return already_loaded


def _named_source_rows(batch: DeliveredFile) -> set[int]:
    """The corrected load's line numbers a batch of a correction file names in its `source_row_number` column."""
    return {
        int(cell) for cell in batch.ignored_cells.get(SOURCE_ROW_NUMBER_COLUMN, []) if cell and cell.isdigit()
    }


def _resolve_rejects(
    connection: sa.Connection, corrected_load_id: int, load_id: int, named_lines: set[int]
) -> None:
    """Mark the corrected load's open refused rows as answered by `load_id`: the lines the file names in its
    `source_row_number` column (`named_lines`, from every batch) when it kept that column, else every one (the
    file answers the whole quarantine)."""
    connection.execute(
        sa.text(
            "update ops.rejects set resolved_by_load_id = :load_id where load_id = :corrected "
            "and severity = 'error' and resolved_by_load_id is null "
            "and (cardinality(cast(:lines as integer[])) = 0 or row_number = any(cast(:lines as integer[])))"
        ),
        {"load_id": load_id, "corrected": corrected_load_id, "lines": sorted(named_lines)},
    )


def _settle_refused(
    connection: sa.Connection,
    load_id: int,
    message: str,
    rows_read: int,
    rows_rejected: int,
    rows_skipped: int,
) -> None:
    """A load refused once its rows were counted: nothing of it is in raw, and it replaced nothing."""
    connection.execute(
        sa.text(
            "update ops.loads set load_status = 'refused', refusal_message = :message where load_id = :id"
        ),
        {"message": message, "id": load_id},
    )
    _record_counts(connection, load_id, rows_read, 0, rows_rejected, rows_skipped)


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


def _record_counts(
    connection: sa.Connection,
    load_id: int,
    rows_read: int,
    rows_accepted: int,
    rows_rejected: int,
    rows_skipped: int,
) -> None:
    connection.execute(
        sa.text(
            "update ops.loads set rows_read = :read, rows_accepted = :accepted, rows_rejected = :rejected, "
            "rows_skipped = :skipped, finished_at = :now where load_id = :id"
        ),
        {
            "read": rows_read,
            "accepted": rows_accepted,
            "rejected": rows_rejected,
            "skipped": rows_skipped,
            "now": datetime.now(UTC),
            "id": load_id,
        },
    )


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


def _record_load(
    connection: sa.Connection,
    contract: SourceContract,
    year: int | None,
    unit_scope: str,
    file_name: str,
    sha256: str,
    status: str,
    loaded_by: str,
    dagster_run_id: str | None,
    started_at: datetime,
    read: tuple[ReadOptions, str | None],
    message: str | None = None,
    feed: FeedBatch | None = None,
    corrects_load_id: int | None = None,
    source_columns: list[str] | None = None,
) -> int:
    read_options, read_format = read
    load_id = connection.execute(
        sa.text(
            "insert into ops.loads (source_code, reporting_year, unit_scope, file_name, file_sha256, load_status, "
            "refusal_message, loaded_by, dagster_run_id, started_at, finished_at, read_options, read_format, "
            "corrects_load_id, source_columns) "
            "values (:source, :year, :scope, :file, :sha, :status, :message, :by, :run, :started, null, "
            ":read_options, :read_format, :corrects, :columns) "
            "returning load_id"
        ),
        {
            "source": contract.source_code,
            "year": year,
            "scope": unit_scope,
            "file": file_name,
            "sha": sha256,
            "status": status,
            "message": message,
            "by": loaded_by,
            "run": dagster_run_id,
            "started": started_at,
            "read_options": read_options.describe(),
            "read_format": read_format,
            "corrects": corrects_load_id,
            "columns": source_columns,
        },
    ).scalar_one()
    if feed is not None:
        connection.execute(
            sa.text(
                "update ops.loads set file_name = :label, feed_name = :feed, cursor_from = :cursor_from, "
                "cursor_to = :cursor_to where load_id = :id"
            ),
            {
                "label": feed.label,
                "feed": feed.feed_name,
                "cursor_from": feed.cursor_from,
                "cursor_to": feed.cursor_to,
                "id": load_id,
            },
        )
    return load_id
