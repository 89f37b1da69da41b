"""Every SQL statement the dashboard runs, with bound parameters only.

The dashboard reads `published.*` and nothing else: the copy of dbt's `reporting` tables that a build refreshes
only once it has passed whole (pipelines/publish.py), so a running or failed build changes nothing a page shows.
Each query that returns unit data binds
`:allowed_unit_ids` (the viewer's scope, a text array) and keeps only units whose ancestors meet
it, so a page cannot show a unit outside the scope even if it asks for one: the scope lives in
the SQL, not in a pandas filter. Queries about a subtree also bind `:unit_id` (the unit chosen in
the sidebar) and read that unit's rows of the subtree models, which dbt sums (METHODOLOGY.md §2.4:
internal reallocation inside the subtree left out). Numbers are cast to float8 because the charts
need floats, not `Decimal`.

The same scope also reaches PostgreSQL, signed (`scope.py`), in every query's transaction after
`SCOPE_TRANSACTION`: row-level security then hides other units' rows even from a query that forgot its
`where` (dbt/macros/reporting_row_security.sql).

Exception: for stewards and admins only, the queries at the end read the load ledger in `ops` through
`STEWARD_TRANSACTION`, as the steward role, which may read those tables and nothing else.
"""

from dataclasses import dataclass

from sqlalchemy import TextClause, text


@dataclass(frozen=True)
class Query:
    """A statement and the name its cache keys and logs call it by."""

    name: str
    sql: str

    @property
    def statement(self) -> TextClause:
        return text(self.sql)


# The role lasts until the end of the transaction (`is_local`), so a pooled connection returns to the pool as its
# login role. The backend's pid is what the scope's signature is made for (`scope.SET_SIGNED_SCOPE`, sent next).
SCOPE_TRANSACTION = text(
    "select set_config('role', :role, true) as session_role, pg_backend_pid() as backend_pid"
)

# Whether the warehouse accepts the dashboard's signature (checked once per process, `loaders.connect_warehouse`):
# a secret that differs from the one `co2calc migrate` stored would show every viewer an empty scope.
SCOPE_ACCEPTED = Query("scope_accepted", "select scope.verified_unit_ids() is not null as accepted")

# Stewards and admins read the load ledger in `ops` as the steward role (Settings.steward_db_role), which reads
# nothing else; no unit scope: the ledger has no unit rows, and these viewers see every unit.
STEWARD_TRANSACTION = text("select set_config('role', :role, true) as session_role")

# The published build: its id keys every cache, and is replaced in the transaction that publishes its numbers.
LATEST_BUILD_ID = Query(
    "latest_build_id",
    """
select max(dbt_invocation_id) as dbt_invocation_id
from published.rpt_build__latest
""",
)

# Asked before any scope is set, by a viewer who sees everything: their scope is the institution's roots,
# which `rpt_units` shows nobody without a scope.
ROOT_UNIT_IDS = Query(
    "root_unit_ids",
    """
select roots.unit_id
from published.root_unit_ids() as roots (unit_id)
order by roots.unit_id
""",
)

# Ordering by the ancestor array lists each unit right after its parent (depth first).
UNITS_IN_SCOPE = Query(
    "units_in_scope",
    """
select
    unit_id,
    unit_code,
    unit_name,
    unit_level,
    parent_unit_id,
    school_unit_id,
    school_name
from published.rpt_units
where ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by ancestor_unit_ids
""",
)

REPORTING_YEARS_IN_SCOPE = Query(
    "reporting_years_in_scope",
    """
select distinct footprint.reporting_year
from published.rpt_footprint__unit_year as footprint
inner join published.rpt_units as units on footprint.unit_id = units.unit_id
where units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by footprint.reporting_year desc
""",
)

# Every total of a subtree comes summed by dbt (ARCHITECTURE.md §10, "dbt aggregates; readers filter"): the
# queries below select the chosen unit's rows of the subtree models, where research-facility allocations inside
# the subtree are already left out (METHODOLOGY.md §2.4, issue 10), and sum nothing across units. The join to
# rpt_units keeps the scope in the SQL: a unit outside the viewer's subtrees returns nothing.

# The chosen subtree's footprint per year, module, submodule and scope, the additional categories flagged
# (METHODOLOGY.md §1.7): pages keep those rows out of every headline. A row's sigma holds within the row only:
# the headline's sigma and interval come from SUBTREE_TOTALS_BY_YEAR.
FOOTPRINT_BY_YEAR = Query(
    "footprint_by_year",
    """
select
    footprint.reporting_year,
    footprint.module_code,
    footprint.submodule_code,
    footprint.ghg_scope,
    footprint.is_additional_category,
    cast(footprint.t_co2e as double precision) as t_co2e,
    cast(footprint.sigma_t_co2e as double precision) as sigma_t_co2e,
    cast(footprint.override_t_co2e as double precision) as override_t_co2e,
    cast(footprint.activity_row_count as bigint) as activity_row_count
from published.rpt_footprint__subtree_category_year as footprint
inner join published.rpt_units as units on footprint.unit_id = units.unit_id
where
    footprint.unit_id = cast(:unit_id as text)
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by footprint.reporting_year, footprint.module_code, footprint.submodule_code, footprint.ghg_scope
""",
)

# The chosen subtree's headline per year (module `all` of rpt_footprint__subtree_year: additional categories
# excluded), with its sigma and 95 % interval (METHODOLOGY.md §1.6) and the internal reallocation left out.
SUBTREE_TOTALS_BY_YEAR = Query(
    "subtree_totals_by_year",
    """
select
    totals.reporting_year,
    cast(totals.t_co2e as double precision) as t_co2e,
    cast(totals.sigma_t_co2e as double precision) as sigma_t_co2e,
    cast(totals.ci95_low_t_co2e as double precision) as ci95_low_t_co2e,
    cast(totals.ci95_high_t_co2e as double precision) as ci95_high_t_co2e,
    cast(totals.internal_reallocation_t_co2e as double precision) as internal_reallocation_t_co2e
from published.rpt_footprint__subtree_year as totals
inner join published.rpt_units as units on totals.unit_id = units.unit_id
where
    totals.unit_id = cast(:unit_id as text)
    and totals.module_code = 'all'
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by totals.reporting_year
""",
)

HEADCOUNT_BY_YEAR = Query(
    "headcount_by_year",
    """
select
    headcount.reporting_year,
    cast(headcount.fte as double precision) as fte,
    cast(headcount.headcount as bigint) as headcount
from published.rpt_headcount__subtree_year as headcount
inner join published.rpt_units as units on headcount.unit_id = units.unit_id
where
    headcount.unit_id = cast(:unit_id as text)
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by headcount.reporting_year
""",
)

# Commuting, food, waste and construction, apart from the headline (METHODOLOGY.md §1.7): a category is estimated
# for the subtree only when some lab has a number for it; `not_estimated_unit_count` counts the labs without one.
ADDITIONAL_BY_YEAR = Query(
    "additional_by_year",
    """
select
    additional.submodule_code,
    cast(additional.t_co2e as double precision) as t_co2e,
    cast(additional.not_estimated_unit_count as bigint) as not_estimated_unit_count,
    cast(additional.unit_count as bigint) as unit_count
from published.rpt_additional__subtree_year as additional
inner join published.rpt_units as units on additional.unit_id = units.unit_id
where
    additional.unit_id = cast(:unit_id as text)
    and additional.reporting_year = :reporting_year
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by additional.submodule_code
""",
)

# One row per unit of the chosen subtree (every level) with its own subtree's headline total (module `all`) and
# FTE: the drill-down, the ranking and the comparison read the same numbers. A lab's total is its own rows'.
UNIT_TOTALS = Query(
    "unit_totals",
    """
with scoped_units as (
    select unit_id, unit_code, unit_name, unit_level, parent_unit_id, ancestor_unit_ids
    from published.rpt_units
    where
        ancestor_unit_ids && cast(:allowed_unit_ids as text[])
        and cast(:unit_id as text) = any(ancestor_unit_ids)
),

subtree_footprint as (
    select unit_id, t_co2e
    from published.rpt_footprint__subtree_year
    where reporting_year = :reporting_year and module_code = 'all'
),

subtree_headcount as (
    select unit_id, fte
    from published.rpt_headcount__subtree_year
    where reporting_year = :reporting_year
)

select
    scoped_units.unit_id,
    scoped_units.unit_code,
    scoped_units.unit_name,
    scoped_units.unit_level,
    scoped_units.parent_unit_id,
    cast(coalesce(subtree_footprint.t_co2e, 0) as double precision) as t_co2e,
    cast(coalesce(subtree_headcount.fte, 0) as double precision) as fte
from scoped_units
left join subtree_footprint on scoped_units.unit_id = subtree_footprint.unit_id
left join subtree_headcount on scoped_units.unit_id = subtree_headcount.unit_id
order by scoped_units.ancestor_unit_ids
""",
)

TRAVEL_BY_CABIN_CLASS = Query(
    "travel_by_cabin_class",
    """
select
    travel.submodule_code,
    travel.cabin_class,
    cast(travel.trips as bigint) as trips,
    cast(travel.distance_km as double precision) as distance_km,
    cast(travel.t_co2e as double precision) as t_co2e
from published.rpt_travel__subtree_year as travel
inner join published.rpt_units as units on travel.unit_id = units.unit_id
where
    travel.unit_id = cast(:unit_id as text)
    and travel.reporting_year = :reporting_year
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by travel.submodule_code, travel.cabin_class
""",
)

# Ties on t_co2e are broken by the codes so the top N is the same on every run. Road journeys have no route.
TOP_TRAVEL_ROUTES = Query(
    "top_travel_routes",
    """
select
    routes.submodule_code,
    routes.origin_code,
    routes.origin_name,
    routes.origin_latitude_deg,
    routes.origin_longitude_deg,
    routes.destination_code,
    routes.destination_name,
    routes.destination_latitude_deg,
    routes.destination_longitude_deg,
    cast(routes.trips as bigint) as trips,
    cast(routes.distance_km as double precision) as distance_km,
    cast(routes.t_co2e as double precision) as t_co2e
from published.rpt_travel__subtree_routes_year as routes
inner join published.rpt_units as units on routes.unit_id = units.unit_id
where
    routes.unit_id = cast(:unit_id as text)
    and routes.reporting_year = :reporting_year
    and routes.origin_code is not null
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by routes.t_co2e desc, routes.submodule_code, routes.origin_code, routes.destination_code
limit :route_limit
""",
)

# Factor sets are public reference data, not unit data: no scope to bind.
FACTOR_SETS_IN_USE = Query(
    "factor_sets_in_use",
    """
select
    module_code,
    submodule_code,
    factor_set_id,
    publisher,
    factor_set_name,
    version,
    publication_year,
    licence,
    citation
from published.rpt_factor_sets__in_use
where reporting_year = :reporting_year
order by module_code, submodule_code, factor_set_id
""",
)

# Aggregates over a school's labs: no unit rows, readable by every viewer (rpt_benchmarks__school_year).
SCHOOL_BENCHMARK = Query(
    "school_benchmark",
    """
select
    lab_count,
    median_t_co2e_per_fte
from published.rpt_benchmarks__school_year
where school_unit_id = :school_unit_id and reporting_year = :reporting_year
""",
)

# Rows without an emission in the chosen subtree, per year, module and status (METHODOLOGY.md §2.4: the module is
# incomplete), as dbt counts them.
UNRESOLVED_BY_STATUS = Query(
    "unresolved_by_status",
    """
select
    unresolved.reporting_year,
    unresolved.module_code,
    unresolved.status_code,
    cast(unresolved.row_count as bigint) as row_count
from published.rpt_quality__subtree_year as unresolved
inner join published.rpt_units as units on unresolved.unit_id = units.unit_id
where
    unresolved.unit_id = cast(:unit_id as text)
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by unresolved.reporting_year, unresolved.module_code, unresolved.status_code
""",
)

UNRESOLVED_ROWS = Query(
    "unresolved_rows",
    """
select
    units.unit_code,
    unresolved.module_code,
    unresolved.status_code,
    unresolved.activity_row_id
from published.rpt_quality__unmatched_rows as unresolved
inner join published.rpt_units as units on unresolved.unit_id = units.unit_id
where
    unresolved.reporting_year = :reporting_year
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
    and cast(:unit_id as text) = any(units.ancestor_unit_ids)
order by unresolved.module_code, unresolved.status_code, units.unit_code, unresolved.activity_row_id
limit :row_limit
""",
)

# Which level-4 units under the chosen unit have activity rows, per module and year (METHODOLOGY.md §2.4): a row
# counts whether or not it produced an emission, since it shows the unit's data arrived. Every unit × year ×
# headline module appears, so a unit that delivered nothing shows as a gap rather than as a missing line.
COMPLETENESS_GRID = Query(
    "completeness_grid",
    """
with delivered as (
    select unit_id, reporting_year, module_code
    from published.rpt_footprint__unit_year
    where activity_row_count > 0
    union
    select unit_id, reporting_year, module_code
    from published.rpt_quality__unmatched_rows
),

labs as (
    select unit_id, unit_code, unit_name
    from published.rpt_units
    where
        unit_level = 4
        and ancestor_unit_ids && cast(:allowed_unit_ids as text[])
        and cast(:unit_id as text) = any(ancestor_unit_ids)
),

years as (
    select distinct delivered.reporting_year
    from delivered
    inner join labs on delivered.unit_id = labs.unit_id
),

modules as (
    select distinct module_code
    from published.rpt_emission_categories
    where not is_additional_category
)

select
    labs.unit_code,
    labs.unit_name,
    years.reporting_year,
    modules.module_code,
    delivered.unit_id is not null as has_rows
from labs
cross join years
cross join modules
left join delivered
    on
        labs.unit_id = delivered.unit_id
        and years.reporting_year = delivered.reporting_year
        and modules.module_code = delivered.module_code
order by labs.unit_code, years.reporting_year, modules.module_code
""",
)


# The state of the load ledger: every load, refusal, replacement and deletion adds an audit row (the trigger on
# ops.loads), so the latest audit id keys the stewards' cache as the build id keys the reporting one.
LATEST_AUDIT_ID = Query(
    "latest_audit_id",
    """
select coalesce(max(audit_id), 0) as audit_id
from ops.audit_log
""",
)

# Every load, newest first: the quarantine page's load filter and the stewards' view of what arrived when.
SOURCE_LOADS = Query(
    "source_loads",
    """
select
    load_id,
    source_code,
    reporting_year,
    unit_scope,
    file_name,
    load_status,
    rows_read,
    rows_accepted,
    rows_rejected,
    rows_skipped,
    loaded_by,
    started_at,
    finished_at,
    read_format,
    refusal_message
from ops.loads
order by load_id desc
""",
)

# The refused rows no correction has answered (ops.rejects.resolved_by_load_id), with their load: those of
# active loads, and those of a refused file until a later file of its scope is accepted, replaced or deleted.
OPEN_REJECTS = Query(
    "open_rejects",
    """
select
    rejects.load_id,
    loads.source_code,
    loads.reporting_year,
    loads.unit_scope,
    loads.file_name,
    loads.load_status,
    loads.started_at,
    loads.read_format,
    loads.source_columns,
    rejects.row_number,
    rejects.column_name,
    rejects.reason_code,
    rejects.reason_message,
    rejects.severity,
    rejects.original_line
from ops.rejects as rejects
inner join ops.loads as loads on rejects.load_id = loads.load_id
where
    rejects.resolved_by_load_id is null
    and (
        loads.load_status = 'active'
        or (
            loads.load_status = 'refused'
            and not exists (
                select from ops.loads as later
                where
                    later.source_code = loads.source_code
                    and later.reporting_year is not distinct from loads.reporting_year
                    and later.unit_scope = loads.unit_scope
                    and later.load_id > loads.load_id
                    and later.load_status <> 'refused'
            )
        )
    )
order by rejects.load_id desc, rejects.row_number, rejects.reason_code, rejects.column_name
""",
)

# The latest successful load of each file source and feed (the view says what successful means): the data-quality
# page judges each against its cadence (config/cadences.yaml), as the freshness checks in Dagster do.
LATEST_SUCCESSFUL_LOADS = Query(
    "latest_successful_loads",
    """
select source_code, feed_name, finished_at, reporting_year
from ops.latest_successful_loads
order by source_code, feed_name
""",
)

# What-ifs (pipelines/whatif.py, `co2calc whatif PROFILE`): another calculation profile built from the same raw
# rows into `whatif_<profile>_reporting`, with the headline's grants and row-level security. WHATIF_TRANSACTION
# opens a what-if's transaction: the viewer's scope as in SCOPE_TRANSACTION, and the what-if's reporting schema
# as the search path, so the statements below name its tables unqualified and the headline's as `published.*`
# (the schema is a bound parameter, never text in the SQL).
WHATIF_TRANSACTION = text("""
select
    set_config('role', :role, true) as session_role,
    pg_backend_pid() as backend_pid,
    set_config('search_path', quote_ident(:whatif_reporting_schema), true) as search_path
""")

# The what-ifs that completed: a what-if's record (`whatif_build`) is written once its build passed every test.
BUILT_WHATIF_SCHEMAS = Query(
    "built_whatif_schemas",
    r"""
select tables.table_schema as whatif_reporting_schema
from information_schema.tables as tables
where tables.table_name = 'whatif_build' and tables.table_schema like 'whatif\_%\_reporting'
order by tables.table_schema
""",
)

# What the chosen what-if shows and when it was built; row counts keyed `<layer>.<table>`.
WHATIF_BUILD = Query(
    "whatif_build",
    """
select
    profile_code,
    reporting_year,
    dbt_invocation_id,
    finished_at,
    build_seconds::float8 as build_seconds,
    (table_row_counts ->> 'marts.fct_emissions')::bigint as emission_row_count
from whatif_build
""",
)

# The chosen unit's subtree in the headline and in the what-if, per module of the headline (additional categories
# apart, METHODOLOGY.md §1.7) and the `all` row (the headline total, never summed here): t CO2e from each side's
# rpt_footprint__subtree_year, the activity rows behind them (summed over the subtree's units and the module's
# sub-modules and scopes, the same way on both sides, so equal counts mean the same rows were computed; the
# headline's unit rows leave the additional categories out), and the factor sets each side bound for the module
# that year.
WHATIF_MODULE_COMPARISON = Query(
    "whatif_module_comparison",
    """
with scoped_unit as (
    select units.unit_id
    from published.rpt_units as units
    where units.unit_id = :unit_id and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
),

additional_modules as (
    select categories.module_code
    from published.rpt_emission_categories as categories
    group by categories.module_code
    having bool_and(categories.is_additional_category)
),

headline as (
    select footprint.module_code, footprint.t_co2e
    from published.rpt_footprint__subtree_year as footprint
    where footprint.unit_id in (select scoped_unit.unit_id from scoped_unit)
        and footprint.reporting_year = :reporting_year
),

whatif as (
    select footprint.module_code, footprint.t_co2e
    from rpt_footprint__subtree_year as footprint
    where footprint.unit_id in (select scoped_unit.unit_id from scoped_unit)
        and footprint.reporting_year = :reporting_year
),

headline_rows as (
    select
        coalesce(footprint.module_code, 'all') as module_code,
        sum(footprint.activity_row_count) as activity_row_count
    from published.rpt_footprint__unit_year as footprint
    inner join published.rpt_units as units on footprint.unit_id = units.unit_id
    where :unit_id = any(units.ancestor_unit_ids) and footprint.reporting_year = :reporting_year
    group by grouping sets ((footprint.module_code), ())
),

whatif_rows as (
    select
        coalesce(footprint.module_code, 'all') as module_code,
        sum(footprint.activity_row_count) as activity_row_count
    from rpt_footprint__unit_year as footprint
    inner join rpt_units as units on footprint.unit_id = units.unit_id
    where :unit_id = any(units.ancestor_unit_ids) and footprint.reporting_year = :reporting_year
    group by grouping sets ((footprint.module_code), ())
),

headline_sets as (
    select sets.module_code, string_agg(distinct sets.factor_set_name, '; ') as factor_set_names
    from published.rpt_factor_sets__in_use as sets
    where sets.reporting_year = :reporting_year
    group by sets.module_code
),

whatif_sets as (
    select sets.module_code, string_agg(distinct sets.factor_set_name, '; ') as factor_set_names
    from rpt_factor_sets__in_use as sets
    where sets.reporting_year = :reporting_year
    group by sets.module_code
),

modules as (
    select module_code from headline
    union
    select module_code from whatif
)

select
    modules.module_code,
    coalesce(headline.t_co2e, 0)::float8 as headline_t_co2e,
    coalesce(whatif.t_co2e, 0)::float8 as whatif_t_co2e,
    (coalesce(whatif.t_co2e, 0) - coalesce(headline.t_co2e, 0))::float8 as difference_t_co2e,
    coalesce(headline_rows.activity_row_count, 0)::bigint as headline_activity_row_count,
    coalesce(whatif_rows.activity_row_count, 0)::bigint as whatif_activity_row_count,
    headline_sets.factor_set_names as headline_factor_set_names,
    whatif_sets.factor_set_names as whatif_factor_set_names
from modules
left join headline on modules.module_code = headline.module_code
left join whatif on modules.module_code = whatif.module_code
left join headline_rows on modules.module_code = headline_rows.module_code
left join whatif_rows on modules.module_code = whatif_rows.module_code
left join headline_sets on modules.module_code = headline_sets.module_code
left join whatif_sets on modules.module_code = whatif_sets.module_code
where modules.module_code not in (select additional_modules.module_code from additional_modules)
order by modules.module_code = 'all', modules.module_code
""",
)


# The latest builds, newest first (pipelines/build.py, pipelines/publish.py): how each ended, why it failed, and
# when it was published, for the operations page. A build changes its row without an audit row: read uncached.
RECENT_BUILDS = Query(
    "recent_builds",
    """
select
    build_id,
    build_kind,
    build_status,
    calc_profile,
    dbt_invocation_id,
    started_at,
    finished_at,
    cast(extract(epoch from finished_at - started_at) as double precision) as duration_s,
    published_at,
    failure_message
from ops.builds
order by build_id desc
limit :build_limit
""",
)


# Published inventories (pipelines/inventory.py, `co2calc publish`): reporting years frozen for good in the
# append-only schema `inventory`. Reporting rows are archived as JSON (`row_data`), so the queries below read the
# columns the live queries above read, with the same names and types; the unit tree is the inventory's own
# (`inventory.units`), whose row-level security the dashboard's role meets too (0004_published_inventories.sql).
# Neither side is keyed by the build: an inventory never changes, and the list is read uncached.
PUBLISHED_INVENTORIES = Query(
    "published_inventories",
    """
select
    inventory_id,
    reporting_year,
    calc_profile,
    is_whatif,
    dbt_invocation_id,
    code_version,
    note,
    published_by,
    published_at
from inventory.inventories
order by reporting_year desc, inventory_id desc
""",
)

# Base-year restatements (pipelines/restatement.py, `co2calc restate-base-year`, migration 0006), latest first: who,
# when, why and which inventory replaced which. The role may read these columns only, not the institution's totals
# and effects: a page reads its subtree's numbers from the two inventories. Uncached, as the inventories' list.
BASE_YEAR_RESTATEMENTS = Query(
    "base_year_restatements",
    """
select
    restatement_id,
    base_year,
    previous_inventory_id,
    restated_inventory_id,
    reason,
    restated_by,
    restated_at
from inventory.base_year_restatements
order by restatement_id desc
""",
)

# The chosen unit as the inventory's tree named it (its report prints that name, not today's).
INVENTORY_UNIT = Query(
    "inventory_unit",
    """
select unit_id, unit_code, unit_name
from inventory.units
where
    inventory_id = :inventory_id
    and unit_id = cast(:unit_id as text)
    and ancestor_unit_ids && cast(:allowed_unit_ids as text[])
""",
)

# FOOTPRINT_BY_YEAR of an inventory.
INVENTORY_FOOTPRINT = Query(
    "inventory_footprint",
    """
select
    archived.reporting_year,
    archived.row_data ->> 'module_code' as module_code,
    archived.row_data ->> 'submodule_code' as submodule_code,
    cast(archived.row_data ->> 'ghg_scope' as integer) as ghg_scope,
    cast(archived.row_data ->> 'is_additional_category' as boolean) as is_additional_category,
    cast(archived.row_data ->> 't_co2e' as double precision) as t_co2e,
    cast(archived.row_data ->> 'sigma_t_co2e' as double precision) as sigma_t_co2e,
    cast(archived.row_data ->> 'override_t_co2e' as double precision) as override_t_co2e,
    cast(archived.row_data ->> 'activity_row_count' as bigint) as activity_row_count
from inventory.reporting_rows as archived
inner join inventory.units as units
    on archived.inventory_id = units.inventory_id and archived.unit_id = units.unit_id
where
    archived.inventory_id = :inventory_id
    and archived.table_name = 'rpt_footprint__subtree_category_year'
    and archived.unit_id = cast(:unit_id as text)
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by archived.reporting_year, module_code, submodule_code, ghg_scope
""",
)

# SUBTREE_TOTALS_BY_YEAR of an inventory: its year, and the year before as it stood (the report's previous year).
INVENTORY_SUBTREE_TOTALS = Query(
    "inventory_subtree_totals",
    """
select
    archived.reporting_year,
    cast(archived.row_data ->> 't_co2e' as double precision) as t_co2e,
    cast(archived.row_data ->> 'sigma_t_co2e' as double precision) as sigma_t_co2e,
    cast(archived.row_data ->> 'ci95_low_t_co2e' as double precision) as ci95_low_t_co2e,
    cast(archived.row_data ->> 'ci95_high_t_co2e' as double precision) as ci95_high_t_co2e,
    cast(archived.row_data ->> 'internal_reallocation_t_co2e' as double precision) as internal_reallocation_t_co2e
from inventory.reporting_rows as archived
inner join inventory.units as units
    on archived.inventory_id = units.inventory_id and archived.unit_id = units.unit_id
where
    archived.inventory_id = :inventory_id
    and archived.table_name = 'rpt_footprint__subtree_year'
    and archived.row_data ->> 'module_code' = 'all'
    and archived.unit_id = cast(:unit_id as text)
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by archived.reporting_year
""",
)

# HEADCOUNT_BY_YEAR of an inventory.
INVENTORY_HEADCOUNT = Query(
    "inventory_headcount",
    """
select
    archived.reporting_year,
    cast(archived.row_data ->> 'fte' as double precision) as fte,
    cast(archived.row_data ->> 'headcount' as bigint) as headcount
from inventory.reporting_rows as archived
inner join inventory.units as units
    on archived.inventory_id = units.inventory_id and archived.unit_id = units.unit_id
where
    archived.inventory_id = :inventory_id
    and archived.table_name = 'rpt_headcount__subtree_year'
    and archived.unit_id = cast(:unit_id as text)
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by archived.reporting_year
""",
)

# FACTOR_SETS_IN_USE of an inventory (reference data: no scope).
INVENTORY_FACTOR_SETS = Query(
    "inventory_factor_sets",
    """
select
    archived.row_data ->> 'module_code' as module_code,
    archived.row_data ->> 'submodule_code' as submodule_code,
    archived.row_data ->> 'factor_set_id' as factor_set_id,
    archived.row_data ->> 'publisher' as publisher,
    archived.row_data ->> 'factor_set_name' as factor_set_name,
    archived.row_data ->> 'version' as version,
    cast(archived.row_data ->> 'publication_year' as integer) as publication_year,
    archived.row_data ->> 'licence' as licence,
    archived.row_data ->> 'citation' as citation
from inventory.reporting_rows as archived
where archived.inventory_id = :inventory_id and archived.table_name = 'rpt_factor_sets__in_use'
order by module_code, submodule_code, factor_set_id
""",
)

# The chosen subtree per headline module and the `all` row: the inventory's t CO2e beside the live one (the
# published build's), each as dbt summed it (rpt_footprint__subtree_year), the additional categories apart.
INVENTORY_LIVE_COMPARISON = Query(
    "inventory_live_comparison",
    """
with additional_modules as (
    select categories.module_code
    from published.rpt_emission_categories as categories
    group by categories.module_code
    having bool_and(categories.is_additional_category)
),

archived as (
    select
        archived.row_data ->> 'module_code' as module_code,
        cast(archived.row_data ->> 't_co2e' as numeric) as t_co2e
    from inventory.reporting_rows as archived
    inner join inventory.units as units
        on archived.inventory_id = units.inventory_id and archived.unit_id = units.unit_id
    where
        archived.inventory_id = :inventory_id
        and archived.table_name = 'rpt_footprint__subtree_year'
        and archived.reporting_year = :reporting_year
        and archived.unit_id = cast(:unit_id as text)
        and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
),

live as (
    select footprint.module_code, footprint.t_co2e
    from published.rpt_footprint__subtree_year as footprint
    inner join published.rpt_units as units on footprint.unit_id = units.unit_id
    where
        footprint.unit_id = cast(:unit_id as text)
        and footprint.reporting_year = :reporting_year
        and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
),

modules as (
    select module_code from archived
    union
    select module_code from live
)

select
    modules.module_code,
    cast(coalesce(archived.t_co2e, 0) as double precision) as published_t_co2e,
    cast(coalesce(live.t_co2e, 0) as double precision) as live_t_co2e,
    cast(coalesce(live.t_co2e, 0) - coalesce(archived.t_co2e, 0) as double precision) as difference_t_co2e
from modules
left join archived on modules.module_code = archived.module_code
left join live on modules.module_code = live.module_code
where modules.module_code not in (select additional_modules.module_code from additional_modules)
order by modules.module_code = 'all', modules.module_code
""",
)

# Why the chosen subtree's headline changed from inventory :from_inventory_id to :to_inventory_id (same year), per
# module and in total (`all`), in t CO2e: the emission legs of both, matched on (activity row, leg), each subtree
# taken in its inventory's own tree with the headline's rules (additional categories out, research-facility
# allocations whose facility lies inside the subtree out: METHODOLOGY.md §1.7, §2.4). With q the activity
# quantity, f the factor value and e = kg CO2e of a leg, old (0) and new (1):
# - a leg in both: factor effect = e' - e0 and activity effect = e1 - e', where e' is the old activity valued the
#   new way: e1 when the quantity did not change (a new factor value, RF multiplier or class weight is all factor
#   effect), e0 when the emission per unit did not change (e0 x q1 = e1 x q0: all activity effect), else
#   q0 x e1 / q1, the old quantity at the new emission per unit; e0 for a leg without a quantity (an override).
#   When e = q x f, the effects are q0 x (f1 - f0) and (q1 - q0) x f1.
# - a leg in one inventory only: coverage effect when its activity row is unresolved (no emission) in the other
#   (a row resolved: + e1; a row that lost its emission: - e0), activity effect otherwise (a row added or removed).
# Each leg's effects add up to e1 - e0 in numeric arithmetic, so the three effects add up to the difference of the
# totals exactly, whatever e' is: the residual is zero by construction. Numbers stay numeric (Decimal) so that the
# CSV and the test see the exact sums; the page converts them for display. A corrected file is a new load, whose rows
# have new activity row ids: its changes, factor changes included, count as rows removed and added.
INVENTORY_CHANGE = Query(
    "inventory_change",
    """
with subtree as (
    select units.inventory_id, units.unit_id
    from inventory.units as units
    where
        units.inventory_id in (:from_inventory_id, :to_inventory_id)
        and cast(:unit_id as text) = any(units.ancestor_unit_ids)
        and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
),

legs as (
    select
        emissions.inventory_id,
        emissions.activity_row_id,
        emissions.leg_code,
        emissions.module_code,
        emissions.activity_quantity,
        emissions.kg_co2e
    from inventory.emission_rows as emissions
    inner join subtree
        on emissions.inventory_id = subtree.inventory_id and emissions.unit_id = subtree.unit_id
    where
        not emissions.is_additional_category
        and not (
            emissions.is_internal_reallocation
            and exists (
                select from subtree as facility
                where
                    facility.inventory_id = emissions.inventory_id
                    and facility.unit_id = emissions.facility_unit_id
            )
        )
),

from_legs as (
    select * from legs where inventory_id = :from_inventory_id
),

to_legs as (
    select * from legs where inventory_id = :to_inventory_id
),

from_unresolved as (
    select distinct activity_row_id
    from inventory.unresolved_rows
    where inventory_id = :from_inventory_id
),

to_unresolved as (
    select distinct activity_row_id
    from inventory.unresolved_rows
    where inventory_id = :to_inventory_id
),

paired as (
    select
        coalesce(to_legs.module_code, from_legs.module_code) as module_code,
        from_legs.kg_co2e as from_kg_co2e,
        to_legs.kg_co2e as to_kg_co2e,
        case
            when
                from_legs.activity_quantity is null
                or to_legs.activity_quantity is null
                or to_legs.activity_quantity = 0
                then from_legs.kg_co2e
            when from_legs.activity_quantity = to_legs.activity_quantity then to_legs.kg_co2e
            when from_legs.kg_co2e * to_legs.activity_quantity = to_legs.kg_co2e * from_legs.activity_quantity
                then from_legs.kg_co2e
            else from_legs.activity_quantity * to_legs.kg_co2e / to_legs.activity_quantity
        end as old_activity_new_factor_kg_co2e,
        from_legs.activity_row_id is not null and to_legs.activity_row_id is not null as is_in_both,
        case
            when from_legs.activity_row_id is null
                then to_legs.activity_row_id in (select from_unresolved.activity_row_id from from_unresolved)
            when to_legs.activity_row_id is null
                then from_legs.activity_row_id in (select to_unresolved.activity_row_id from to_unresolved)
            else false
        end as is_unresolved_on_the_other_side
    from from_legs
    full join to_legs
        on from_legs.activity_row_id = to_legs.activity_row_id and from_legs.leg_code = to_legs.leg_code
),

effects as (
    select
        module_code,
        coalesce(from_kg_co2e, 0) as from_kg_co2e,
        coalesce(to_kg_co2e, 0) as to_kg_co2e,
        case when is_in_both then old_activity_new_factor_kg_co2e - from_kg_co2e else 0 end
            as factor_effect_kg_co2e,
        case
            when is_in_both then to_kg_co2e - old_activity_new_factor_kg_co2e
            when is_unresolved_on_the_other_side then 0
            else coalesce(to_kg_co2e, 0) - coalesce(from_kg_co2e, 0)
        end as activity_effect_kg_co2e,
        case
            when not is_in_both and is_unresolved_on_the_other_side
                then coalesce(to_kg_co2e, 0) - coalesce(from_kg_co2e, 0)
            else 0
        end as coverage_effect_kg_co2e
    from paired
)

-- x 0.001, not / 1000: numeric multiplication is exact, division rounds to a scale of its choosing.
select
    coalesce(module_code, 'all') as module_code,
    sum(from_kg_co2e) * 0.001 as from_t_co2e,
    sum(to_kg_co2e) * 0.001 as to_t_co2e,
    (sum(to_kg_co2e) - sum(from_kg_co2e)) * 0.001 as difference_t_co2e,
    sum(activity_effect_kg_co2e) * 0.001 as activity_effect_t_co2e,
    sum(factor_effect_kg_co2e) * 0.001 as factor_effect_t_co2e,
    sum(coverage_effect_kg_co2e) * 0.001 as coverage_effect_t_co2e
from effects
group by grouping sets ((module_code), ())
order by module_code is null, module_code
""",
)
