{#- Travel of each level-4 unit per year, mode and cabin class: trips, passenger-km and t CO2e. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_codes=['travel']) }}",
) }}

with emissions as (
    select * from {{ ref('fct_emissions') }}
    where module_code = 'travel' and {{ partition_filter(module_codes=['travel']) }}
),

level_4_units as (
    select * from {{ ref('dim_units') }}
    where unit_level = 4
),

final as (
    select
        emissions.unit_id::text as unit_id,
        emissions.reporting_year::integer as reporting_year,
        emissions.submodule_code::text as submodule_code,
        emissions.cabin_class::text as cabin_class,
        sum(emissions.number_of_trips)::integer as trips,
        sum(emissions.distance_km * emissions.number_of_trips)::numeric as distance_km,
        {{ kg_to_t('sum(emissions.kg_co2e)') }}::numeric as t_co2e
    from emissions
    inner join level_4_units
        on emissions.unit_id = level_4_units.unit_id
    group by emissions.unit_id, emissions.reporting_year, emissions.submodule_code, emissions.cabin_class
)

select * from final
where {{ partition_filter(module_codes=['travel']) }}
