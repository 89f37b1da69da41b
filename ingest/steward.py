"""Steward actions on loads: deleting one (`co2calc delete-load`), audited in `ops.audit_log`."""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from ingest.contracts import SOURCES
from ingest.load import lock_scope
from ingest.migrate import require_current_schema
from ingest.plan import ALL_UNITS


class LoadNotDeletable(Exception):
    """The load does not exist, or is not active: nothing was changed."""


@dataclass(frozen=True)
class DeletedLoad:
    load_id: int
    source_code: str
    reporting_year: int | None
    file_name: str
    rows_deleted: int


def delete_load(engine: sa.Engine, load_id: int, *, reason: str, deleted_by: str) -> DeletedLoad:
    """Delete an active load's rows from raw and mark it `deleted`, in one transaction, with the active
    corrections of it (`ops.loads.corrects_load_id`): their rows complete it and go with it.

    The `ops.loads` rows and their rejects stay as history; the audit trigger records who, when and why.
    Deleting a feed batch does not move the feed's cursor back: its rows come again only if the cursor is reset.
    """
    if not reason.strip():
        raise LoadNotDeletable("a deletion needs a reason (--reason)")
    require_current_schema(engine)
    with engine.begin() as connection:
        load = connection.execute(
            sa.text(
                "select load_id, source_code, reporting_year, file_name, load_status from ops.loads "
                "where load_id = :id"
            ),
            {"id": load_id},
        ).one_or_none()
        if load is None:
            latest = connection.execute(sa.text("select max(load_id) from ops.loads")).scalar()
            raise LoadNotDeletable(
                f"no load {load_id} in ops.loads"
                + (f" (load ids run from 1 to {latest})" if latest else " (no load was ever recorded)")
            )
        # No load of this source and year can interleave with the deletion.
        lock_scope(connection, load.source_code, load.reporting_year, ALL_UNITS)
        status = connection.execute(
            sa.text("select load_status from ops.loads where load_id = :id for update"), {"id": load_id}
        ).scalar_one()
        if status != "active":
            raise LoadNotDeletable(
                f"load {load_id} ({load.file_name}) is {status}, not active: only an active load has rows to delete"
            )
        corrections = connection.execute(
            sa.text(
                "select load_id from ops.loads where corrects_load_id = :id and load_status = 'active' "
                "order by load_id"
            ),
            {"id": load_id},
        ).scalars()
        deleted_ids = [load_id, *corrections]
        rows_deleted = connection.execute(
            sa.text(f"delete from {SOURCES[load.source_code].raw_table} where _load_id = any(:ids)"),  # noqa: S608 the contract's raw table, never input
            {"ids": deleted_ids},
        ).rowcount
        connection.execute(
            sa.text(
                "update ops.loads set load_status = 'deleted', deleted_by = :by, deleted_at = :at, "
                "deletion_reason = :reason where load_id = any(:ids)"
            ),
            {"by": deleted_by, "at": datetime.now(UTC), "reason": reason.strip(), "ids": deleted_ids},
        )
    return DeletedLoad(load_id, load.source_code, load.reporting_year, load.file_name, rows_deleted)
