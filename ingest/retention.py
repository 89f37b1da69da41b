"""Retention (METHODOLOGY.md §2.3): travel detail purged after five reporting years, everything after ten.

Ages count reporting years back from the current one (`as_of_year`): with the limits 5 and 10 of the settings, a
run in 2030 purges the travel detail of 2024 and earlier and every row of 2019 and earlier.
- **Travel detail** (`raw.travel_planes`, `raw.travel_trains`, `raw.travel_cars`: one row per trip with the
  traveller, the date and the route, and the refused lines of those loads in `ops.rejects`). dbt recomputes every
  emission from raw at each build, so deleting the rows alone would drop the year's travel emissions. Before the
  purge, the year's travel legs of `marts.fct_emissions` are frozen into `archive.emissions_frozen`, summed per
  group of legs that share every column the reports group or filter by; dbt puts them back into
  `fct_emissions` (`stg_archive__emissions_frozen`), so the totals, uncertainties and row counts stay as they
  were. The freeze reads the last build, so it is refused when that build does not match raw (rows loaded or
  deleted since): run the pipeline first.
- **Results** of older years: the rows of every raw table with a reporting year, their refused lines and the
  frozen aggregates are deleted; the next build drops the year from marts and reporting.
`ops.loads` rows stay as history (file names, hashes, counts; no personal data), so a file already loaded stays
"identical" and does not bring the detail back.

A run plans first (per table, year and action, the rows it would freeze or delete), then, unless it is a dry
run, executes the plan; both happen in one transaction, with one `ops.retention_runs` row and its
`ops.retention_counts`, so a run is complete and audited or did nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from config.settings import Settings
from ingest.contracts import SOURCES, TRAVEL_DETAIL_SOURCES
from ingest.migrate import require_current_schema

FROZEN_TABLE = "archive.emissions_frozen"
REJECTS_TABLE = "ops.rejects"

# The columns a group of frozen legs shares: every column of marts.fct_emissions a report groups or filters
# by, except those of one trip (activity row, load, route) which the purge removes.
_GROUP_COLUMNS = (
    "unit_id, reporting_year, module_code, submodule_code, leg_code, ghg_scope, ghg_category_code, cabin_class, "
    "activity_unit, factor_id, factor_set_id, factor_set_version, factor_value, factor_unit, rf_multiplier, "
    "class_weight, uncertainty_rel, is_override, is_additional_category, is_internal_reallocation, "
    "facility_unit_id, flags"
)
# Every travel leg of the selected years computed from raw rows (not legs frozen by an earlier run).
_LIVE_TRAVEL_LEGS = (
    "from marts.fct_emissions where module_code = 'travel' and frozen_activity_row_count is null "
    "and reporting_year = any(:years)"
)
_FREEZE_SELECT = f"""
select {_GROUP_COLUMNS},
    sum(activity_quantity), sum(distance_km * number_of_trips), sum(number_of_trips), sum(kg_co2e), sum(sigma_kg),
    count(distinct activity_row_id)
{_LIVE_TRAVEL_LEGS}
group by {_GROUP_COLUMNS}
"""


class RetentionError(Exception):
    """The run cannot proceed safely (no build, or a build that does not match raw): nothing was changed."""


@dataclass(frozen=True)
class RetentionCount:
    table_name: str
    reporting_year: int
    # frozen: aggregate rows written to archive.emissions_frozen; deleted: rows removed
    action: str
    row_count: int

    def __str__(self) -> str:
        verb = "freeze" if self.action == "frozen" else "delete"
        return f"{self.table_name} {self.reporting_year}: {verb} {self.row_count} rows"


@dataclass(frozen=True)
class RetentionResult:
    retention_run_id: int
    is_dry_run: bool
    as_of_year: int
    # travel detail of earlier years is purged; every row of years before `oldest_result_year` is
    oldest_detail_year: int
    oldest_result_year: int
    counts: tuple[RetentionCount, ...]

    def describe(self) -> list[str]:
        """The plan (dry run) or what was done, one line per table, year and action."""
        head = (
            f"{'dry run: nothing deleted; ' if self.is_dry_run else ''}as of {self.as_of_year}, travel detail is kept "
            f"from {self.oldest_detail_year}, results from {self.oldest_result_year} "
            f"(ops.retention_runs {self.retention_run_id})"
        )
        return (
            [head, *(f"  {count}" for count in self.counts)] if self.counts else [head, "  nothing to purge"]
        )


def _yearly_tables(source_codes) -> list[str]:
    return [SOURCES[code].raw_table for code in source_codes if SOURCES[code].has_reporting_year]


def _plan(
    connection: sa.Connection, oldest_detail_year: int, oldest_result_year: int
) -> list[RetentionCount]:
    counts: list[RetentionCount] = []

    def count(table: str, action: str, sql: str, params: dict) -> None:
        for year, rows in connection.execute(sa.text(sql), params).all():
            if rows:
                counts.append(RetentionCount(table, year, action, rows))

    old = {"before": oldest_result_year}
    detail = {"before": oldest_detail_year, "after": oldest_result_year}
    detail_sql = "where reporting_year < :before and reporting_year >= :after"
    travel_tables = _yearly_tables(TRAVEL_DETAIL_SOURCES)
    detail_years = sorted(
        {
            year
            for table in travel_tables
            for (year,) in connection.execute(
                sa.text(f"select distinct reporting_year from {table} {detail_sql}"),  # noqa: S608 tables and columns are the module's own constants
                detail,
            )
        }
    )
    if detail_years:
        _check_build_matches_raw(connection, detail_years)
        count(
            FROZEN_TABLE,
            "frozen",
            f"select reporting_year, count(*) from ({_FREEZE_SELECT}) as grouped group by reporting_year",  # noqa: S608 tables and columns are the module's own constants
            {"years": detail_years},
        )
    for table in travel_tables:
        count(
            table,
            "deleted",
            f"select reporting_year, count(*) from {table} {detail_sql} group by 1",  # noqa: S608 tables and columns are the module's own constants
            detail,
        )
    count(
        REJECTS_TABLE,
        "deleted",
        "select loads.reporting_year, count(*) from ops.rejects join ops.loads using (load_id) "
        "where loads.source_code = any(:sources) and loads.reporting_year < :before "
        "and loads.reporting_year >= :after group by loads.reporting_year",
        {**detail, "sources": list(TRAVEL_DETAIL_SOURCES)},
    )
    for table in _yearly_tables(SOURCES):
        count(
            table,
            "deleted",
            f"select reporting_year, count(*) from {table} where reporting_year < :before group by reporting_year",  # noqa: S608 tables and columns are the module's own constants
            old,
        )
    count(
        REJECTS_TABLE,
        "deleted",
        "select loads.reporting_year, count(*) from ops.rejects join ops.loads using (load_id) "
        "where loads.reporting_year < :before group by loads.reporting_year",
        old,
    )
    count(
        FROZEN_TABLE,
        "deleted",
        f"select reporting_year, count(*) from {FROZEN_TABLE} where reporting_year < :before group by reporting_year",  # noqa: S608 tables and columns are the module's own constants
        old,
    )
    return sorted(counts, key=lambda c: (c.reporting_year, c.action != "frozen", c.table_name))


def _check_build_matches_raw(connection: sa.Connection, years: list[int]) -> None:
    """Refuse to freeze years whose travel legs in the last build are not exactly the raw rows about to go."""
    built_with_frozen_legs = connection.execute(
        sa.text(
            "select count(*) from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'fct_emissions' and column_name = 'frozen_activity_row_count'"
        )
    ).scalar_one()
    if not built_with_frozen_legs:
        # No build at all, or one older than retention (its fct_emissions cannot tell frozen legs apart).
        raise RetentionError(
            f"travel detail of {', '.join(map(str, years))} would be purged, but marts.fct_emissions does not "
            "exist or predates retention: build the warehouse first (co2calc run, or dbt build), so its "
            "emissions can be frozen"
        )
    raw_rows = " union all ".join(
        f"select '{code}:' || _load_id || ':' || _row_number as activity_row_id "  # noqa: S608 tables and columns are the module's own constants
        f"from {SOURCES[code].raw_table} where reporting_year = any(:years)"
        for code in TRAVEL_DETAIL_SOURCES
    )
    not_built, gone = connection.execute(
        sa.text(
            f"""
            with raw_rows as ({raw_rows}),
            built_rows as (
                select activity_row_id {_LIVE_TRAVEL_LEGS}
                union
                select activity_row_id from marts.fct_unresolved_rows
                where module_code = 'travel' and reporting_year = any(:years)
            )
            select
                (select count(*) from raw_rows where activity_row_id not in (select * from built_rows)),
                (select count(*) from built_rows where activity_row_id not in (select * from raw_rows))
            """  # noqa: S608 tables and columns are the module's own constants
        ),
        {"years": years},
    ).one()
    if not_built or gone:
        raise RetentionError(
            f"the last build does not match raw for the travel of {', '.join(map(str, years))}: {not_built} raw "
            f"rows are not in it, {gone} of its rows are no longer in raw (loaded or deleted since). Run the "
            "pipeline (co2calc run, or dbt build) before purging, so the frozen emissions are the current ones"
        )


def _execute(
    connection: sa.Connection, run_id: int, plan: list[RetentionCount], oldest_result_year: int
) -> list[RetentionCount]:
    """Freeze, then delete what the plan names; returns the rows each statement actually touched."""
    done = []
    for planned in plan:
        params = {"year": planned.reporting_year, "run_id": run_id}
        if planned.action == "frozen":
            sql = (
                f"insert into {FROZEN_TABLE} (retention_run_id, {_GROUP_COLUMNS}, activity_quantity, passenger_km, "  # noqa: S608 tables and columns are the module's own constants
                "number_of_trips, kg_co2e, sigma_kg, activity_row_count) "
                f"select :run_id, grouped.* from ({_FREEZE_SELECT}) as grouped"
            )
            params["years"] = [planned.reporting_year]
        elif planned.table_name == REJECTS_TABLE:
            # A year still within the results limit loses the refused lines of its travel loads only.
            sql = (
                "delete from ops.rejects using ops.loads where rejects.load_id = loads.load_id "
                "and loads.reporting_year = :year"
            )
            if planned.reporting_year >= oldest_result_year:
                sql += " and loads.source_code = any(:sources)"
                params["sources"] = list(TRAVEL_DETAIL_SOURCES)
        else:
            sql = f"delete from {planned.table_name} where reporting_year = :year"  # noqa: S608 tables and columns are the module's own constants
        rows = connection.execute(sa.text(sql), params).rowcount
        done.append(RetentionCount(planned.table_name, planned.reporting_year, planned.action, rows))
    return done


def run_retention(
    engine: sa.Engine,
    settings: Settings,
    *,
    acted_by: str,
    dry_run: bool,
    as_of_year: int | None = None,
    dagster_run_id: str | None = None,
) -> RetentionResult:
    """Plan the purge and, unless `dry_run`, execute it: one transaction, audited either way."""
    require_current_schema(engine)
    as_of_year = as_of_year or datetime.now(UTC).year
    oldest_detail_year = as_of_year - settings.travel_detail_retention_years
    oldest_result_year = as_of_year - settings.results_retention_years
    with engine.begin() as connection:
        # One retention run at a time, and no load of a source and year while the run purges it (ingest.load
        # takes the same per-source, per-year lock).
        connection.execute(sa.text("select pg_advisory_xact_lock(hashtext('retention'))"))
        for code, contract in SOURCES.items():
            if contract.has_reporting_year:
                connection.execute(
                    sa.text(
                        "select pg_advisory_xact_lock(hashtext(:source || '/' || year)) "  # noqa: S608 tables and columns are the module's own constants
                        f"from (select distinct reporting_year as year from {contract.raw_table} "
                        "where reporting_year < :before) as years"
                    ),
                    {"source": code, "before": oldest_detail_year},
                )
        run_id = connection.execute(
            sa.text(
                "insert into ops.retention_runs (acted_by, acted_at, is_dry_run, as_of_year, "
                "travel_detail_retention_years, results_retention_years, dagster_run_id) "
                "values (:by, :at, :dry, :as_of, :detail, :results, :dagster_run_id) returning retention_run_id"
            ),
            {
                "by": acted_by,
                "at": datetime.now(UTC),
                "dry": dry_run,
                "as_of": as_of_year,
                "detail": settings.travel_detail_retention_years,
                "results": settings.results_retention_years,
                "dagster_run_id": dagster_run_id,
            },
        ).scalar_one()
        plan = _plan(connection, oldest_detail_year, oldest_result_year)
        counts = plan if dry_run else _execute(connection, run_id, plan, oldest_result_year)
        if counts:
            connection.execute(
                sa.text(
                    "insert into ops.retention_counts (retention_run_id, table_name, reporting_year, "
                    "retention_action, row_count) values (:run_id, :table, :year, :action, :rows)"
                ),
                [
                    {
                        "run_id": run_id,
                        "table": c.table_name,
                        "year": c.reporting_year,
                        "action": c.action,
                        "rows": c.row_count,
                    }
                    for c in counts
                ],
            )
    return RetentionResult(run_id, dry_run, as_of_year, oldest_detail_year, oldest_result_year, tuple(counts))
