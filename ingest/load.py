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

The load is three steps, each in its module: the plan (ingest/plan.py: pure, the request and the active loads in,
no-op, refusal or what to replace out), the batch copier (ingest/copier.py: validate and COPY the rows) and the
settle step (ingest/settle.py: refuse or apply the load on its counts). This module gathers what the plan needs
under the scope's lock and runs the three in one transaction.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from ingest.contracts import SOURCES, TRAVEL_DETAIL_SOURCES, SourceContract
from ingest.copier import copy_frame, copy_rows, row_rules
from ingest.migrate import require_current_schema
from ingest.plan import (
    ALL_UNITS,
    ActiveLoad,
    CorrectedLoad,
    LoadRequest,
    PurgeRun,
    Refusal,
    Unchanged,
    correction_scope,
    plan_load,
)
from ingest.read import (
    CORRECTION_COLUMNS,
    DEFAULT_BATCH_ROWS,
    DETECT_EVERYTHING,
    FileRefused,
    ReadOptions,
    open_delivered_file,
)
from ingest.reference import airports_frame, stations_frame
from ingest.settle import LoadResult, record_counts, settle


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
            # The two reference tables named above, never input.
            cursor.execute(f"truncate {table}")
            copy_frame(cursor, table, frame)
    return {table: frame.height for table, frame in frames.items()}


@dataclass(frozen=True)
class _LoadRecord:
    """What the load's `ops.loads` row says before its file is read."""

    contract: SourceContract
    year: int | None
    unit_scope: str
    file_name: str
    sha256: str
    loaded_by: str
    dagster_run_id: str | None
    started_at: datetime
    read_options: ReadOptions
    feed: FeedBatch | None
    corrects_load_id: int | None


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
    whose caller has checked the schema (`ingest.migrate.require_current_schema`). `read_options` declares how the
    file is written where the reader should not detect it (ingest.read); a file is identical to a load only if it
    was read with the same declarations. The file is read, validated and copied `batch_rows` rows at a time
    (ingest.read), all in the one transaction. `corrects_load_id`: the file holds corrected rows of that active
    load and is loaded into its scope (its year and unit) without replacing it; a year or unit given as well must
    be the load's. `file_name` is the name recorded and reported (default: the path's name); an object of the S3
    inbox, loaded from a temporary copy, is recorded under its key.
    """
    contract = SOURCES[source_code]
    name = file_name or path.name
    if in_transaction is None:
        require_current_schema(engine)
    if corrects_load_id is not None:
        with _transaction(engine, in_transaction) as connection:
            target = _corrected_load(connection, corrects_load_id)
        reporting_year, unit_institutional_id = correction_scope(
            target,
            load_id=corrects_load_id,
            source_code=source_code,
            file_name=name,
            reporting_year=reporting_year,
            unit_institutional_id=unit_institutional_id,
        )
    if contract.has_reporting_year and reporting_year is None:
        raise ValueError(f"{name}: {source_code} needs a reporting year (--year, or a _YYYY suffix)")
    with path.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    record = _LoadRecord(
        contract,
        reporting_year if contract.has_reporting_year else None,
        unit_institutional_id or ALL_UNITS,
        name,
        sha256,
        loaded_by,
        dagster_run_id,
        datetime.now(UTC),
        read_options,
        feed,
        corrects_load_id,
    )
    with _transaction(engine, in_transaction) as connection:
        lock_scope(connection, source_code, record.year, record.unit_scope)
        plan = plan_load(_request(connection, record), _active_loads(connection, source_code, record.year))
        if isinstance(plan, Unchanged):
            return LoadResult(source_code, name, "unchanged", plan.load_id, message=plan.message)
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
            return _refuse(connection, record, f"{refused.code}: {refused.message}")
        if isinstance(plan, Refusal):
            return _refuse(connection, record, plan.message)
        rules = row_rules(
            connection,
            contract,
            delivered,
            year=record.year,
            unit_default=unit_institutional_id,
            batch_rows=batch_rows,
        )
        # The load is recorded first (its id marks every row and reject) and settled at the end, when the counts
        # that decide it are known; the loads it replaces are replaced only then, if it is accepted.
        load_id = _record_load(
            connection,
            record,
            "active",
            read_format=delivered.detected.describe(),
            source_columns=delivered.names,
        )
        copied = copy_rows(
            connection,
            contract,
            delivered,
            rules,
            load_id=load_id,
            year=record.year,
            unit_scope=record.unit_scope,
            unit_default=unit_institutional_id,
            scope_load_ids=plan.scope_load_ids,
            file_name=name,
            loaded_at=record.started_at,
            batch_rows=batch_rows,
            on_progress=on_progress,
        )
        return settle(
            connection,
            contract,
            delivered,
            plan,
            copied,
            load_id=load_id,
            corrects_load_id=corrects_load_id,
            file_name=name,
            on_progress=on_progress,
        )


def _corrected_load(connection: sa.Connection, load_id: int) -> CorrectedLoad | None:
    """The `ops.loads` row a correction file names, or None (ingest.plan.correction_scope judges it)."""
    load = connection.execute(
        sa.text(
            "select load_id, source_code, reporting_year, unit_scope, file_name, load_status, feed_name "
            "from ops.loads where load_id = :id"
        ),
        {"id": load_id},
    ).one_or_none()
    return None if load is None else CorrectedLoad(**load._mapping)


def _active_loads(connection: sa.Connection, source_code: str, year: int | None) -> list[ActiveLoad]:
    rows = connection.execute(
        sa.text(
            "select load_id, unit_scope, file_name, file_sha256, feed_name, read_options, corrects_load_id "
            "from ops.loads where source_code = :source "
            "and reporting_year is not distinct from :year and load_status = 'active' order by load_id"
        ),
        {"source": source_code, "year": year},
    ).all()
    return [ActiveLoad(**row._mapping) for row in rows]


def _request(connection: sa.Connection, record: _LoadRecord) -> LoadRequest:
    """The plan's request: the load's scope and file, and the retention run that purged its year's travel detail."""
    purged_by = None
    if record.contract.source_code in TRAVEL_DETAIL_SOURCES:
        purge = connection.execute(
            sa.text(
                "select runs.retention_run_id, runs.acted_at from archive.emissions_frozen as frozen "
                "inner join ops.retention_runs as runs on frozen.retention_run_id = runs.retention_run_id "
                "where frozen.module_code = 'travel' and frozen.reporting_year = :year "
                "order by runs.retention_run_id limit 1"
            ),
            {"year": record.year},
        ).first()
        purged_by = None if purge is None else PurgeRun(purge.retention_run_id, purge.acted_at)
    return LoadRequest(
        record.contract.source_code,
        record.file_name,
        record.year,
        record.unit_scope,
        record.sha256,
        record.read_options.describe(),
        feed_label=None if record.feed is None else record.feed.label,
        corrects_load_id=record.corrects_load_id,
        purged_by=purged_by,
    )


def _refuse(connection: sa.Connection, record: _LoadRecord, message: str) -> LoadResult:
    """Refuse the file before any of its rows is read (a file-level rule)."""
    load_id = _record_load(connection, record, "refused", message=message)
    record_counts(connection, load_id, 0, 0, 0, 0)
    return LoadResult(record.contract.source_code, record.file_name, "refused", load_id, message=message)


def _record_load(
    connection: sa.Connection,
    record: _LoadRecord,
    status: str,
    *,
    read_format: str | None = None,
    message: str | None = None,
    source_columns: list[str] | None = None,
) -> int:
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
            "source": record.contract.source_code,
            "year": record.year,
            "scope": record.unit_scope,
            "file": record.file_name,
            "sha": record.sha256,
            "status": status,
            "message": message,
            "by": record.loaded_by,
            "run": record.dagster_run_id,
            "started": record.started_at,
            "read_options": record.read_options.describe(),
            "read_format": read_format,
            "corrects": record.corrects_load_id,
            "columns": source_columns,
        },
    ).scalar_one()
    if record.feed is not None:
        connection.execute(
            sa.text(
                "update ops.loads set file_name = :label, feed_name = :feed, cursor_from = :cursor_from, "
                "cursor_to = :cursor_to where load_id = :id"
            ),
            {
                "label": record.feed.label,
                "feed": record.feed.feed_name,
                "cursor_from": record.feed.cursor_from,
                "cursor_to": record.feed.cursor_to,
                "id": load_id,
            },
        )
    return load_id
