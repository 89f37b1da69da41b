"""SQL feed: a query against another database (any SQLAlchemy URL), incremental by a watermark column.

The feed's query is wrapped to keep rows above the stored watermark, in watermark order, and streamed.
Rows are committed in batches of about `batch_size`, each with the watermark advanced to its largest
value; a batch never ends between two rows of the same watermark value (the next run starts strictly
above it), so a failure between batches resumes with every row loaded exactly once.
"""

import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from config.feeds import SqlFeed
from config.settings import secret_from_environment
from ingest.feeds.batches import (
    FeedRunResult,
    cell_text,
    commit_batch,
    contract_for,
    feed_run_lock,
    read_cursor,
)
from ingest.migrate import require_current_schema


def _watermark_value(feed: SqlFeed, stored: str) -> Any:
    match feed.watermark.type:
        case "integer":
            return int(stored)
        case "timestamp":
            return datetime.fromisoformat(stored)
        case "date":
            return date.fromisoformat(stored)
        case _:
            return stored


def _query(feed: SqlFeed, above_watermark: bool) -> sa.TextClause:
    column = f"feed_rows.{feed.watermark.column}"
    above = f" and {column} > :watermark" if above_watermark else ""
    return sa.text(
        f"select * from ({feed.query}) as feed_rows where {column} is not null{above} order by {column}"  # noqa: S608 the operator's configured feed query; its watermark column is an identifier (config/feeds.py)
    )


def _rows_without_watermark(feed: SqlFeed, connection: sa.Connection) -> list[str]:
    """Rows the watermark cannot place are never pulled: say so on every run rather than skip them silently."""
    count = connection.execute(
        sa.text(
            f"select count(*) from ({feed.query}) as feed_rows where feed_rows.{feed.watermark.column} is null"  # noqa: S608 the operator's configured feed query; its watermark column is an identifier (config/feeds.py)
        )
    ).scalar_one()
    if not count:
        return []
    return [
        f"FEED_WATERMARK_MISSING: {count} rows of feed {feed.name} have no {feed.watermark.column}; not pulled"
    ]


def _batches(feed: SqlFeed, rows: Iterator[Mapping[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    column = feed.watermark.column
    batch: list[dict[str, Any]] = []
    for row in rows:
        record = dict(row)
        if len(batch) >= feed.batch_size and record[column] != batch[-1][column]:
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def run_sql_feed(
    engine: sa.Engine, feed: SqlFeed, *, loaded_by: str, dagster_run_id: str | None = None
) -> FeedRunResult:
    contract_for(feed)
    require_current_schema(engine)
    source = sa.create_engine(secret_from_environment(feed.url_env))
    try:
        with feed_run_lock(engine, feed.name), tempfile.TemporaryDirectory() as work_dir:
            cursor_before = read_cursor(engine, feed.name)
            cursor = cursor_before
            loads = []
            batches = 0
            params = {"watermark": _watermark_value(feed, cursor_before)} if cursor_before is not None else {}
            with source.connect() as connection:
                warnings = _rows_without_watermark(feed, connection)
                result = connection.execution_options(stream_results=True, yield_per=feed.batch_size).execute(
                    _query(feed, cursor_before is not None), params
                )
                for number, records in enumerate(_batches(feed, result.mappings()), start=1):
                    cursor_to = cell_text(records[-1][feed.watermark.column])
                    loads += commit_batch(
                        engine,
                        feed,
                        records,
                        cursor_from=cursor,
                        cursor_to=cursor_to,
                        position=f"batch {number} ({feed.watermark.column} up to {cursor_to})",
                        loaded_by=loaded_by,
                        dagster_run_id=dagster_run_id,
                        work_dir=Path(work_dir),
                    )
                    cursor = cursor_to
                    batches += 1
    finally:
        source.dispose()
    return FeedRunResult(feed.name, cursor_before, cursor, batches, tuple(loads), tuple(warnings))
