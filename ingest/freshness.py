"""The latest successful load of a delivered-file source or of a feed, from `ops.loads`, for freshness.

Successful means `active` or `replaced` (a corrected file took its place later, so it did arrive); refused and
deleted loads do not count. A file source counts its files only: a feed's batches of the same source arrive
on the feed's cadence and are judged as the feed.
"""

import sqlalchemy as sa

from config.cadences import LatestLoad
from ingest.load import ensure_schema

_LATEST = sa.text("""
select count(*) as load_count, max(finished_at) as finished_at, max(reporting_year) as reporting_year
from ops.loads
where
    load_status in ('active', 'replaced')
    and finished_at is not null
    and case when cast(:feed_name as text) is null
        then source_code = :source_code and feed_name is null
        else feed_name = :feed_name
    end
""")


def latest_load(
    engine: sa.Engine, *, source_code: str | None = None, feed_name: str | None = None
) -> LatestLoad | None:
    """The latest successful load of file source `source_code`, or of feed `feed_name`; None if there is none."""
    if (source_code is None) == (feed_name is None):
        raise ValueError("name either a file source or a feed")
    ensure_schema(engine)
    with engine.connect() as connection:
        row = connection.execute(_LATEST, {"source_code": source_code, "feed_name": feed_name}).one()
    if row.load_count == 0:
        return None
    return LatestLoad(finished_at=row.finished_at, reporting_year=row.reporting_year)
