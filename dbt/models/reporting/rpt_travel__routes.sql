{#- Travel of each level-4 unit per year and route (origin -> destination, as travelled), with the names and
    coordinates the dashboard's map needs. A year whose travel detail was purged (ingest/retention.py) has no
    routes: its frozen legs have none. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_codes=['travel']) }}",
) }}

with emissions as (
    select * from {{ ref('fct_emissions') }}
    where
        module_code = 'travel' and frozen_activity_row_count is null
        and {{ partition_filter(module_codes=['travel']) }}
),

level_4_units as (
    select * from {{ ref('dim_units') }}
    where unit_level = 4
),

places as (
    select * from {{ ref('dim_travel_places') }}
),

routes as (
    select
        emissions.unit_id,
        emissions.reporting_year,
        emissions.submodule_code,
        emissions.origin_code,
        emissions.destination_code,
        sum(emissions.number_of_trips) as trips,
        sum(emissions.distance_km * emissions.number_of_trips) as distance_km,
        sum(emissions.kg_co2e) as kg_co2e
    from emissions
    inner join level_4_units
        on emissions.unit_id = level_4_units.unit_id
    group by
        emissions.unit_id,
        emissions.reporting_year,
        emissions.submodule_code,
        emissions.origin_code,
        emissions.destination_code
),

final as (
    select
        routes.unit_id::text as unit_id,
        routes.reporting_year::integer as reporting_year,
        routes.submodule_code::text as submodule_code,
        routes.origin_code::text as origin_code,
        origins.place_name::text as origin_name,
        origins.latitude_deg::float8 as origin_latitude_deg,
        origins.longitude_deg::float8 as origin_longitude_deg,
        routes.destination_code::text as destination_code,
        destinations.place_name::text as destination_name,
        destinations.latitude_deg::float8 as destination_latitude_deg,
        destinations.longitude_deg::float8 as destination_longitude_deg,
        routes.trips::integer as trips,
        routes.distance_km::numeric as distance_km,
        {{ kg_to_t('routes.kg_co2e') }}::numeric as t_co2e
    from routes
    left join places as origins
        on
            routes.submodule_code = origins.submodule_code
            and routes.origin_code = origins.place_code
    left join places as destinations
        on
            routes.submodule_code = destinations.submodule_code
            and routes.destination_code = destinations.place_code
)

select * from final
where {{ partition_filter(module_codes=['travel']) }}
