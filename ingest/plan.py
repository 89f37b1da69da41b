"""What a load of a delivered file or feed batch will do, decided before any of its rows is read.

Pure: the request and the active loads of its source and year in, a plan out (`plan_load`), no database. Each
rule of the load semantics that depends on the scope lives here once (ingest/README.md "Load semantics"):
- `Unchanged`: the file is identical (SHA-256 and read declarations) to a load of its scope;
- `Refusal`: a file-level rule refuses it (year in the name, purged year, a scope another load covers); the
  file's own checks (encoding, header, shape) still come first, so a refusal is applied only after them;
- `Apply`: its rows are loaded, replacing `replaced` (a back-office file: every active load of the year; an
  end-user file: its unit's; a feed batch: the end-user files) or, for a correction, adding to its scope.
The rules that need the rows counted (every row refused, a degraded reference) are the settle step's
(ingest/settle.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ingest.contracts import SOURCES, year_in_file_name

ALL_UNITS = "*"


@dataclass(frozen=True)
class ActiveLoad:
    """An active `ops.loads` row of the request's source and year."""

    load_id: int
    unit_scope: str
    file_name: str
    file_sha256: str
    feed_name: str | None
    read_options: str
    corrects_load_id: int | None = None


@dataclass(frozen=True)
class CorrectedLoad:
    """The `ops.loads` row a correction file names (`corrects_load_id`)."""

    load_id: int
    source_code: str
    reporting_year: int | None
    unit_scope: str
    file_name: str
    load_status: str
    feed_name: str | None


@dataclass(frozen=True)
class PurgeRun:
    """The retention run that purged the travel detail of the request's year (ingest/retention.py)."""

    retention_run_id: int
    acted_at: datetime


@dataclass(frozen=True)
class LoadRequest:
    source_code: str
    file_name: str
    # None for a source without a reporting year.
    year: int | None
    unit_scope: str
    sha256: str
    # `ReadOptions.describe()`: a file read with other declarations is not identical to its earlier load.
    read_options: str
    # The batch's label (`FeedBatch.label`) when a system feed pulled the rows.
    feed_label: str | None = None
    corrects_load_id: int | None = None
    purged_by: PurgeRun | None = None


@dataclass(frozen=True)
class Unchanged:
    load_id: int
    message: str


@dataclass(frozen=True)
class Refusal:
    message: str


@dataclass(frozen=True)
class Apply:
    replaced: tuple[ActiveLoad, ...] = ()
    # A correction's scope (its corrected load and the corrections added to it): a row one of them holds is not
    # loaded again. None for any other load.
    scope_load_ids: tuple[int, ...] | None = None

    @property
    def outcome(self) -> str:
        """The `LoadResult.outcome` of the load once it is settled with rows."""
        if self.scope_load_ids is not None:
            return "corrected"
        return "replaced" if self.replaced else "loaded"


def correction_scope(
    target: CorrectedLoad | None,
    *,
    load_id: int,
    source_code: str,
    file_name: str,
    reporting_year: int | None,
    unit_institutional_id: str | None,
) -> tuple[int | None, str | None]:
    """The reporting year and unit (None: every unit) a correction file of load `load_id` is loaded for. The load
    must exist, be of the same source, active and not a feed batch; a year or unit given must be the load's.
    Raises ValueError (nothing is recorded: the request, not the file, is wrong)."""
    if target is None:
        raise ValueError(f"no load {load_id} in ops.loads to correct")
    if target.source_code != source_code:
        raise ValueError(
            f"load {load_id} ({target.file_name}) is a {target.source_code} load, not {source_code}"
        )
    if target.load_status != "active":
        raise ValueError(
            f"load {load_id} ({target.file_name}) is {target.load_status}: only an active load takes corrections "
            "(load a complete corrected file instead)"
        )
    if target.feed_name is not None:
        raise ValueError(
            f"load {load_id} is a batch of feed {target.feed_name}: correct its rows at the source, they come again"
        )
    unit = None if target.unit_scope == ALL_UNITS else target.unit_scope
    for given, recorded, what in (
        (reporting_year, target.reporting_year, "reporting year"),
        (unit_institutional_id, unit, "unit"),
    ):
        if given is not None and given != recorded:
            raise ValueError(
                f"{file_name}: load {load_id} is for {what} {recorded or 'every unit'}, not {given}"
            )
    return target.reporting_year, unit


def plan_load(request: LoadRequest, active: Sequence[ActiveLoad]) -> Unchanged | Refusal | Apply:
    """What loading `request` does, given the active loads of its source and year (in load order). Raises
    ValueError when the load a correction is for is no longer active."""
    is_feed = request.feed_label is not None
    # The file's scope: its main load and the corrections added to it.
    scope_loads = [
        load
        for load in active
        if load.unit_scope == request.unit_scope and not is_feed and load.feed_name is None
    ]
    if request.corrects_load_id is not None and request.corrects_load_id not in {
        load.load_id for load in active
    }:
        raise ValueError(
            f"{request.file_name}: load {request.corrects_load_id} is no longer active; nothing was loaded"
        )
    # A correction is identical to an earlier correction of the same load; any other file to the main load.
    same_file = next(
        (
            load
            for load in scope_loads
            if load.corrects_load_id == request.corrects_load_id
            and load.file_sha256 == request.sha256
            and load.read_options == request.read_options
        ),
        None,
    )
    if same_file is not None:
        return Unchanged(
            same_file.load_id,
            f"{request.file_name} is identical to load {same_file.load_id}; nothing changed",
        )
    if (refusal := _refusal(request, active)) is not None:
        return Refusal(refusal)
    if request.corrects_load_id is not None:
        return Apply(scope_load_ids=tuple(load.load_id for load in scope_loads))
    if is_feed:
        # A feed replaces the end-user files of its year (and their corrections), never its own earlier batches.
        return Apply(replaced=tuple(load for load in active if load.feed_name is None))
    return Apply(replaced=tuple(active if request.unit_scope == ALL_UNITS else scope_loads))


def _refusal(request: LoadRequest, active: Sequence[ActiveLoad]) -> str | None:
    """The first file-level rule that refuses the request, in the order they are reported, or None."""
    name, year, unit_scope = request.file_name, request.year, request.unit_scope
    named_year = year_in_file_name(name)
    if SOURCES[request.source_code].has_reporting_year and named_year is not None and named_year != year:
        return f"FILE_YEAR_MISMATCH: {name} is named for {named_year}, loaded as {year}"
    if (purge := request.purged_by) is not None:
        return (
            f"FILE_YEAR_PURGED: the travel detail of {year} was purged by retention run "
            f"{purge.retention_run_id} on {purge.acted_at:%Y-%m-%d}; its emissions are kept frozen, so the "
            f"trips of {name} would be counted a second time"
        )
    back_office = next(
        (load for load in active if load.unit_scope == ALL_UNITS and load.corrects_load_id is None), None
    )
    if unit_scope != ALL_UNITS and back_office is not None:
        if back_office.feed_name is not None:
            return (
                f"FILE_SCOPE_CONFLICT: {back_office.file_name} (load {back_office.load_id}) already loads every "
                f"unit for {year}; {name} for unit {unit_scope} would count its rows twice"
            )
        return (
            f"FILE_SCOPE_CONFLICT: {back_office.file_name} (load {back_office.load_id}) already covers every "
            f"unit for {year}; correct that back-office file instead of loading {name} for unit {unit_scope}"
        )
    back_office_file = next(
        (
            load
            for load in active
            if load.unit_scope == ALL_UNITS and load.feed_name is None and load.corrects_load_id is None
        ),
        None,
    )
    if request.feed_label is not None and back_office_file is not None:
        return (
            f"FEED_SCOPE_CONFLICT: {back_office_file.file_name} (load {back_office_file.load_id}) covers every "
            f"unit for {year}; the rows of {request.feed_label} for {year} are not loaded (delete that load to "
            "hand the year back to the feed)"
        )
    return None
