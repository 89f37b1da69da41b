"""System feeds: pull rows from an HTTP API or another database and load them through `ingest.load`.

A feed turns what it pulls into the delivered-file form of its source (the contract's columns) and loads
it like a file (same validation, `ops.loads`, `ops.rejects`); each page (HTTP) or watermark batch (SQL)
is committed together with the cursor advance, so a failed run resumes at the next page. See
ingest/README.md (System feeds).
"""

from config.feeds import HttpFeed, SqlFeed
from ingest.feeds.batches import FeedError, FeedRunResult
from ingest.feeds.http import run_http_feed
from ingest.feeds.sql import run_sql_feed

__all__ = ["FeedError", "FeedRunResult", "run_feed"]


def run_feed(
    engine, feed: HttpFeed | SqlFeed, *, loaded_by: str, dagster_run_id: str | None = None
) -> FeedRunResult:
    if isinstance(feed, HttpFeed):
        return run_http_feed(engine, feed, loaded_by=loaded_by, dagster_run_id=dagster_run_id)
    return run_sql_feed(engine, feed, loaded_by=loaded_by, dagster_run_id=dagster_run_id)
