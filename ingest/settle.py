"""The settle step: a load whose rows are copied is decided on its counts, then applied or refused.

A load is recorded `active` before its rows are copied (its id marks every row and reject) and settled here, in
the same transaction, when the counts that decide it are known:
- a reference file that would degrade the active one (`REF_DEGRADED`) is refused and its rows removed;
- a file of which no row can be loaded (`ROWS_ALL_REFUSED`) is refused, unless every line is blank (an untouched
  template sent back says "nothing to declare") or it is a correction (its refused rows wait in the quarantine);
- otherwise the loads the plan replaces (ingest/plan.py) are deleted from raw and marked `replaced`, a
  correction resolves the rejects it answers, and the counts are recorded.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from ingest.contracts import SourceContract
from ingest.copier import CopiedRows, RejectedRow
from ingest.plan import Apply
from ingest.read import DeliveredFile


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


def settle(
    connection: sa.Connection,
    contract: SourceContract,
    delivered: DeliveredFile,
    plan: Apply,
    copied: CopiedRows,
    *,
    load_id: int,
    corrects_load_id: int | None,
    file_name: str,
    on_progress: Callable[[str], None],
) -> LoadResult:
    """Refuse or apply load `load_id`, whose rows `copied` says what became of; see the module docstring."""
    read = {"warnings": tuple(delivered.warnings), "read_format": delivered.detected.describe()}
    if degraded := _degradation(
        connection, contract, load_id, copied.rows_without_guard_value, copied.rows_read
    ):
        # The table is the contract's own, never input.
        connection.execute(
            sa.text(f"delete from {contract.raw_table} where _load_id = :id"),  # noqa: S608 the contract's raw table and guarded column, never input
            {"id": load_id},
        )
        connection.execute(sa.text("delete from ops.rejects where load_id = :id"), {"id": load_id})
        settle_refused(connection, load_id, degraded, copied.rows_read, 0, 0)
        return LoadResult(
            contract.source_code,
            file_name,
            "refused",
            load_id,
            rows_read=copied.rows_read,
            message=degraded,
            **read,
        )
    # Lines of empty cells are skipped and counted (METHODOLOGY.md §1.8), after the reference guard, which counts
    # rows; like blank template lines, they declare nothing.
    rows_read = copied.rows_read + delivered.blank_lines
    rows_skipped = copied.rows_skipped + delivered.blank_lines
    rows_blank = copied.rows_blank + delivered.blank_lines
    if corrects_load_id is None and nothing_to_load(rows_read, copied.rows_refused, rows_skipped, rows_blank):
        message = (
            f"ROWS_ALL_REFUSED: no row of {file_name} can be loaded (refused, or dated outside the reporting "
            "year); nothing was replaced"
        )
        settle_refused(connection, load_id, message, rows_read, rows_read - rows_skipped, rows_skipped)
        return LoadResult(
            contract.source_code,
            file_name,
            "refused",
            load_id,
            rows_read=rows_read,
            rows_rejected=rows_read - rows_skipped,
            rows_skipped=rows_skipped,
            message=message,
            rejected_rows=tuple(copied.rejected),
            **read,
        )
    on_progress("replacing")
    for load in plan.replaced:
        connection.execute(
            sa.text(f"delete from {contract.raw_table} where _load_id = :id"),  # noqa: S608 the contract's raw table and guarded column, never input
            {"id": load.load_id},
        )
        connection.execute(
            sa.text(
                "update ops.loads set load_status = 'replaced', replaced_by_load_id = :by where load_id = :id"
            ),
            {"by": load_id, "id": load.load_id},
        )
    if corrects_load_id is not None:
        _resolve_rejects(connection, corrects_load_id, load_id, copied.corrected_lines)
    rows_accepted = rows_read - copied.rows_refused - rows_skipped
    record_counts(connection, load_id, rows_read, rows_accepted, copied.rows_refused, rows_skipped)
    return LoadResult(
        contract.source_code,
        file_name,
        plan.outcome,
        load_id,
        rows_read=rows_read,
        rows_accepted=rows_accepted,
        rows_rejected=copied.rows_refused,
        rows_skipped=rows_skipped,
        rejected_rows=tuple(copied.rejected),
        **read,
    )


def nothing_to_load(rows_read: int, rows_refused: int, rows_skipped: int, rows_blank: int) -> bool:
    """Nothing to load replaces nothing, unless every line is a blank template line: an untouched template sent
    back says "nothing to declare". Rows all dated in another year are a wrong file, not an empty one."""
    return rows_refused + rows_skipped == rows_read and rows_blank < rows_read


def degradation_message(
    contract: SourceContract, new_without: int, new_rows: int, active_without: int, active_rows: int
) -> str | None:
    """Why a new reference file (`new_without` of its `new_rows` rows without a positive value in the guarded
    column) would degrade the active one (`active_without` of `active_rows`): a larger share of such rows; or
    None. The reference calculator's typo nulled every room surface while the job reported success (its incident
    #1545, METHODOLOGY.md §3.3 (f))."""
    column = contract.degradation_guard_column
    if active_rows == 0 or new_without / new_rows <= active_without / active_rows:
        return None
    return (
        f"REF_DEGRADED: {new_without} of {new_rows} rows ({new_without / new_rows:.1%}) have no positive "
        f"{column}, against {active_without} of {active_rows} ({active_without / active_rows:.1%}) in the active "
        f"{contract.source_code}; the file is not applied (check the {column} column, then load a corrected file)"
    )


def _degradation(
    connection: sa.Connection, contract: SourceContract, load_id: int, new_without: int, new_rows: int
) -> str | None:
    """`degradation_message` of load `load_id` against the other rows of its raw table."""
    column = contract.degradation_guard_column
    if column is None or new_rows == 0:
        return None
    # The column and table are the contract's own, never input.
    active_without, active_rows = connection.execute(
        sa.text(
            f"select count(*) filter (where not coalesce({column} > 0, false)), count(*) "  # noqa: S608 the contract's raw table and guarded column, never input
            f"from {contract.raw_table} where _load_id <> :load_id"
        ),
        {"load_id": load_id},
    ).one()
    return degradation_message(contract, new_without, new_rows, active_without, active_rows)


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


def settle_refused(
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
    record_counts(connection, load_id, rows_read, 0, rows_rejected, rows_skipped)


def record_counts(
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
