"""What every feed shares: records -> the source's delivered-file form -> `ingest.load`, with the cursor.

A batch (an HTTP page, a SQL watermark batch) is split by reporting year, each year loaded as one feed
load, and the feed's cursor advanced, all in one transaction: a crash between batches leaves the
warehouse at the end of the last committed batch, where the next run resumes.
"""

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from config.feeds import HttpFeed, SqlFeed
from ingest.contracts import SOURCES, SourceContract
from ingest.load import FeedBatch, LoadResult, load_file


class FeedError(Exception):
    """A feed run stopped; what it committed before stays, and the next run resumes from there."""


@dataclass(frozen=True)
class FeedRunResult:
    feed_name: str
    cursor_before: str | None
    cursor_after: str | None
    batches: int = 0
    loads: tuple[LoadResult, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    @property
    def rows_accepted(self) -> int:
        return sum(load.rows_accepted for load in self.loads)

    @property
    def rows_rejected(self) -> int:
        return sum(load.rows_rejected for load in self.loads)


def contract_for(feed: HttpFeed | SqlFeed) -> SourceContract:
    if feed.source not in SOURCES:
        raise FeedError(
            f"feed {feed.name}: unknown source {feed.source!r}; expected one of {', '.join(SOURCES)}"
        )
    return SOURCES[feed.source]


@contextmanager
def feed_run_lock(engine: sa.Engine, feed_name: str) -> Iterator[None]:
    """One run of a feed at a time: a second one would pull the same pages before the first commits them."""
    with engine.connect() as connection:
        key = {"key": f"feed/{feed_name}"}
        if not connection.execute(sa.text("select pg_try_advisory_lock(hashtext(:key))"), key).scalar_one():
            raise FeedError(f"feed {feed_name}: another run is in progress")
        try:
            yield
        finally:
            connection.execute(sa.text("select pg_advisory_unlock(hashtext(:key))"), key)


def read_cursor(engine: sa.Engine, feed_name: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("select cursor_value from ops.feed_cursors where feed_name = :feed"), {"feed": feed_name}
        ).scalar_one_or_none()


def _advance_cursor(
    connection: sa.Connection,
    feed: HttpFeed | SqlFeed,
    expected: str | None,
    cursor_to: str,
    loaded_by: str,
    dagster_run_id: str | None,
) -> None:
    moved = connection.execute(
        sa.text(
            "insert into ops.feed_cursors as current (feed_name, source_code, cursor_value, updated_at, "
            "updated_by, dagster_run_id) values (:feed, :source, :cursor_to, now(), :by, :run) "
            "on conflict (feed_name) do update set cursor_value = excluded.cursor_value, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by, "
            "dagster_run_id = excluded.dagster_run_id where current.cursor_value = :expected"
        ),
        {
            "feed": feed.name,
            "source": feed.source,
            "cursor_to": cursor_to,
            "by": loaded_by,
            "run": dagster_run_id,
            "expected": expected,
        },
    ).rowcount
    if moved != 1:
        raise FeedError(
            f"feed {feed.name}: its cursor moved away from {expected!r} during this run; nothing committed"
        )


def cell_text(value: Any) -> str:
    match value:
        case None:
            return ""
        case bool():
            return "true" if value else "false"
        case Decimal():
            return format(value, "f")
        case datetime() | date():
            return value.isoformat()
        case _:
            return str(value)


def _reporting_year(feed: HttpFeed | SqlFeed, record: Mapping[str, Any], position: str) -> int:
    if feed.reporting_year is not None:
        return feed.reporting_year
    if feed.reporting_year_field is None:
        raise FeedError(f"feed {feed.name}: {feed.source} needs reporting_year_field or reporting_year")
    value = record.get(feed.reporting_year_field)
    if isinstance(value, date):
        return value.year
    text = cell_text(value).strip()
    if re.fullmatch(r"\d{4}(-\d{2}-\d{2}.*)?", text):
        return int(text[:4])
    raise FeedError(
        f"FEED_YEAR_MISSING: feed {feed.name}, {position}: field {feed.reporting_year_field} is {value!r}, "
        "not a year or a YYYY-MM-DD date; correct the record at its source, the next run resumes here"
    )


def _check_required_fields(
    feed: HttpFeed | SqlFeed, contract: SourceContract, records: Sequence[Mapping[str, Any]], position: str
) -> None:
    """A required column no record carries is a renamed or missing field: stop loudly, never load blanks."""
    present = set().union(*(record.keys() for record in records))
    for column in contract.columns:
        field_name = feed.columns.get(column.name, column.name)
        if column.required and column.default is None and field_name not in present:
            raise FeedError(
                f"FEED_MISSING_FIELD: feed {feed.name}, {position}: no record has field {field_name!r} "
                f"({contract.source_code} column {column.name}); fields present: {', '.join(sorted(present))}"
            )


def commit_batch(
    engine: sa.Engine,
    feed: HttpFeed | SqlFeed,
    records: Sequence[Mapping[str, Any]],
    *,
    cursor_from: str | None,
    cursor_to: str,
    position: str,
    loaded_by: str,
    dagster_run_id: str | None,
    work_dir: Path,
) -> list[LoadResult]:
    """Load one batch, year by year, and advance the cursor from `cursor_from` to `cursor_to`, atomically."""
    contract = contract_for(feed)
    _check_required_fields(feed, contract, records, position)
    rows_by_year: dict[int | None, list[list[str]]] = {}
    for index, record in enumerate(records, start=1):
        year = (
            _reporting_year(feed, record, f"{position}, record {index}")
            if contract.has_reporting_year
            else None
        )
        rows_by_year.setdefault(year, []).append(
            [cell_text(record.get(feed.columns.get(name, name))) for name in contract.column_names]
        )
    batch = FeedBatch(feed.name, cursor_from, cursor_to)
    results = []
    with engine.begin() as connection:
        for year, rows in sorted(rows_by_year.items(), key=lambda item: item[0] or 0):
            path = work_dir / (f"{feed.name}_{year}.csv" if year is not None else f"{feed.name}.csv")
            with path.open("w", newline="", encoding="utf-8") as delivered:
                writer = csv.writer(delivered)
                writer.writerow(contract.column_names)
                writer.writerows(rows)
            results.append(
                load_file(
                    engine,
                    path,
                    contract.source_code,
                    reporting_year=year,
                    loaded_by=loaded_by,
                    dagster_run_id=dagster_run_id,
                    feed=batch,
                    in_transaction=connection,
                )
            )
        _advance_cursor(connection, feed, cursor_from, cursor_to, loaded_by, dagster_run_id)
    return results
