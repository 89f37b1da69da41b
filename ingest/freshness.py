"""The latest successful load of a delivered-file source or of a feed, for the freshness checks.

Read from the view `ops.latest_successful_loads` (sql/migrations/), which says what successful means; the
data-quality page reads the same view. A file source counts its files only: a feed's batches of the same
source arrive on the feed's cadence and are judged as the feed.
"""

import sqlalchemy as sa

from config.cadences import LatestLoad
from ingest.migrate import require_current_schema

_LATEST = sa.text("""
select finished_at, reporting_year
from ops.latest_successful_loads
where case
    when cast(:feed_name as text) is null then source_code = :source_code and feed_name is null
    else feed_name = :feed_name
end
""")


def latest_load(
    engine: sa.Engine, *, source_code: str | None = None, feed_name: str | None = None
) -> LatestLoad | None:
    """The latest successful load of file source `source_code`, or of feed `feed_name`; None if there is none."""
    if (source_code is None) == (feed_name is None):
        raise ValueError("name either a file source or a feed")
    require_current_schema(engine)
    with engine.connect() as connection:
        row = connection.execute(_LATEST, {"source_code": source_code, "feed_name": feed_name}).one_or_none()
    return None if row is None else LatestLoad(finished_at=row.finished_at, reporting_year=row.reporting_year)
