{#- Routes travelled by every unit's subtree (the unit itself for a lab, every lab below it otherwise) per
    year and mode: trips, passenger-km and t CO2e per origin and destination, summed here so that the route
    map and its table of any unit sum nothing across units. A purged year has no routes
    (rpt_travel__routes). -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_codes=['travel']) }}",
) }}

with lab_routes as (
    select * from {{ ref('rpt_travel__routes') }}
    where {{ partition_filter(module_codes=['travel']) }}
),

units as (
    select * from {{ ref('dim_units') }}
),

subtree_routes as (
    -- A route's names and coordinates follow from its codes: grouped with them, not summed.
    select
        subtree.subtree_unit_id,
        lab_routes.reporting_year,
        lab_routes.submodule_code,
        lab_routes.origin_code,
        lab_routes.origin_name,
        lab_routes.origin_latitude_deg,
        lab_routes.origin_longitude_deg,
        lab_routes.destination_code,
        lab_routes.destination_name,
        lab_routes.destination_latitude_deg,
        lab_routes.destination_longitude_deg,
        sum(lab_routes.trips) as trips,
        sum(lab_routes.distance_km) as distance_km,
        sum(lab_routes.t_co2e) as t_co2e
    from lab_routes
    inner join units on lab_routes.unit_id = units.unit_id
    cross join lateral unnest(units.ancestor_unit_ids) as subtree (subtree_unit_id)
    group by
        subtree.subtree_unit_id,
        lab_routes.reporting_year,
        lab_routes.submodule_code,
        lab_routes.origin_code,
        lab_routes.origin_name,
        lab_routes.origin_latitude_deg,
        lab_routes.origin_longitude_deg,
        lab_routes.destination_code,
        lab_routes.destination_name,
        lab_routes.destination_latitude_deg,
        lab_routes.destination_longitude_deg
),

final as (
    select
        subtree_unit_id::text as unit_id,
        reporting_year::integer as reporting_year,
        submodule_code::text as submodule_code,
        origin_code::text as origin_code,
        origin_name::text as origin_name,
        origin_latitude_deg::float8 as origin_latitude_deg,
        origin_longitude_deg::float8 as origin_longitude_deg,
        destination_code::text as destination_code,
        destination_name::text as destination_name,
        destination_latitude_deg::float8 as destination_latitude_deg,
        destination_longitude_deg::float8 as destination_longitude_deg,
        trips::integer as trips,
        distance_km::numeric as distance_km,
        t_co2e::numeric as t_co2e
    from subtree_routes
)

select * from final
where {{ partition_filter(module_codes=['travel']) }}
