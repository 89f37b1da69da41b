"""Every SQL statement the dashboard runs, with bound parameters only.

The dashboard reads `reporting.*` and nothing else. Each query that returns unit data binds
`:allowed_unit_ids` (the viewer's scope, a text array) and keeps only units whose ancestors meet
it, so a page cannot show a unit outside the scope even if it asks for one: the scope lives in
the SQL, not in a pandas filter. Queries about a subtree also bind `:unit_id` (the unit chosen in
the sidebar) and sum the level-4 rows below it (METHODOLOGY.md §2.4). Sums are cast to float8
because the charts need floats, not `Decimal`.
"""

from sqlalchemy import text

LATEST_BUILD_ID = text("""
select max(dbt_invocation_id) as dbt_invocation_id
from reporting.rpt_build__latest
""")

ROOT_UNIT_IDS = text("""
select unit_id
from reporting.rpt_units
where parent_unit_id is null
order by unit_id
""")

# Ordering by the ancestor array lists each unit right after its parent (depth first).
UNITS_IN_SCOPE = text("""
select
    unit_id,
    unit_code,
    unit_name,
    unit_level,
    parent_unit_id,
    school_name
from reporting.rpt_units
where ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by ancestor_unit_ids
""")

REPORTING_YEARS_IN_SCOPE = text("""
select distinct footprint.reporting_year
from reporting.rpt_footprint__unit_year as footprint
inner join reporting.rpt_units as units on footprint.unit_id = units.unit_id
where units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
order by footprint.reporting_year desc
""")

FOOTPRINT_BY_YEAR = text("""
select
    footprint.reporting_year,
    footprint.module_code,
    footprint.submodule_code,
    footprint.ghg_scope,
    cast(sum(footprint.t_co2e) as double precision) as t_co2e,
    cast(sum(footprint.override_t_co2e) as double precision) as override_t_co2e,
    cast(sum(footprint.activity_row_count) as bigint) as activity_row_count
from reporting.rpt_footprint__unit_year as footprint
inner join reporting.rpt_units as units on footprint.unit_id = units.unit_id
where
    units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
    and cast(:unit_id as text) = any(units.ancestor_unit_ids)
group by footprint.reporting_year, footprint.module_code, footprint.submodule_code, footprint.ghg_scope
order by footprint.reporting_year, footprint.module_code, footprint.submodule_code, footprint.ghg_scope
""")

HEADCOUNT_BY_YEAR = text("""
select
    headcount.reporting_year,
    cast(sum(headcount.fte) as double precision) as fte,
    cast(sum(headcount.headcount) as bigint) as headcount
from reporting.rpt_headcount__unit_year as headcount
inner join reporting.rpt_units as units on headcount.unit_id = units.unit_id
where
    units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
    and cast(:unit_id as text) = any(units.ancestor_unit_ids)
group by headcount.reporting_year
order by headcount.reporting_year
""")

# One row per unit of the chosen subtree (every level), each with the sums over the level-4 units
# below it: the drill-down and the per-FTE ranking read the same numbers.
UNIT_TOTALS = text("""
with scoped_units as (
    select unit_id, unit_code, unit_name, unit_level, parent_unit_id, ancestor_unit_ids
    from reporting.rpt_units
    where
        ancestor_unit_ids && cast(:allowed_unit_ids as text[])
        and cast(:unit_id as text) = any(ancestor_unit_ids)
),

unit_footprint as (
    select unit_id, sum(t_co2e) as t_co2e
    from reporting.rpt_footprint__unit_year
    where reporting_year = :reporting_year
    group by unit_id
),

unit_headcount as (
    select unit_id, sum(fte) as fte
    from reporting.rpt_headcount__unit_year
    where reporting_year = :reporting_year
    group by unit_id
)

select
    scoped_units.unit_id,
    scoped_units.unit_code,
    scoped_units.unit_name,
    scoped_units.unit_level,
    scoped_units.parent_unit_id,
    cast(coalesce(sum(unit_footprint.t_co2e), 0) as double precision) as t_co2e,
    cast(coalesce(sum(unit_headcount.fte), 0) as double precision) as fte
from scoped_units
inner join scoped_units as members on scoped_units.unit_id = any(members.ancestor_unit_ids)
left join unit_footprint on members.unit_id = unit_footprint.unit_id
left join unit_headcount on members.unit_id = unit_headcount.unit_id
group by
    scoped_units.unit_id,
    scoped_units.unit_code,
    scoped_units.unit_name,
    scoped_units.unit_level,
    scoped_units.parent_unit_id,
    scoped_units.ancestor_unit_ids
order by scoped_units.ancestor_unit_ids
""")

TRAVEL_BY_CABIN_CLASS = text("""
select
    travel.submodule_code,
    travel.cabin_class,
    cast(sum(travel.trips) as bigint) as trips,
    cast(sum(travel.distance_km) as double precision) as distance_km,
    cast(sum(travel.t_co2e) as double precision) as t_co2e
from reporting.rpt_travel__unit_year as travel
inner join reporting.rpt_units as units on travel.unit_id = units.unit_id
where
    travel.reporting_year = :reporting_year
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
    and cast(:unit_id as text) = any(units.ancestor_unit_ids)
group by travel.submodule_code, travel.cabin_class
order by travel.submodule_code, travel.cabin_class
""")

# Ties on t_co2e are broken by the codes so the top N is the same on every run.
TOP_TRAVEL_ROUTES = text("""
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
    cast(sum(routes.trips) as bigint) as trips,
    cast(sum(routes.distance_km) as double precision) as distance_km,
    cast(sum(routes.t_co2e) as double precision) as t_co2e
from reporting.rpt_travel__routes as routes
inner join reporting.rpt_units as units on routes.unit_id = units.unit_id
where
    routes.reporting_year = :reporting_year
    and units.ancestor_unit_ids && cast(:allowed_unit_ids as text[])
    and cast(:unit_id as text) = any(units.ancestor_unit_ids)
group by
    routes.submodule_code,
    routes.origin_code,
    routes.origin_name,
    routes.origin_latitude_deg,
    routes.origin_longitude_deg,
    routes.destination_code,
    routes.destination_name,
    routes.destination_latitude_deg,
    routes.destination_longitude_deg
order by t_co2e desc, routes.submodule_code, routes.origin_code, routes.destination_code
limit :route_limit
""")

# Factor sets are public reference data, not unit data: no scope to bind.
FACTOR_SETS_IN_USE = text("""
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
from reporting.rpt_factor_sets__in_use
where reporting_year = :reporting_year
order by module_code, submodule_code, factor_set_id
""")
