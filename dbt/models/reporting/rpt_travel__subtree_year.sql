{#- Travel of every unit's subtree (the unit itself for a lab, every lab below it otherwise) per year, mode
    and cabin class: trips, passenger-km and t CO2e, summed here so that the travel page of any unit sums
    nothing across units. No research-facility leg is travel, so no reallocation applies (METHODOLOGY.md
    §2.4). -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_codes=['travel']) }}",
) }}

with lab_travel as (
    select * from {{ ref('rpt_travel__unit_year') }}
    where {{ partition_filter(module_codes=['travel']) }}
),

units as (
    select * from {{ ref('dim_units') }}
),

subtree_travel as (
    select
        subtree.subtree_unit_id,
        lab_travel.reporting_year,
        lab_travel.submodule_code,
        lab_travel.cabin_class,
        sum(lab_travel.trips) as trips,
        sum(lab_travel.distance_km) as distance_km,
        sum(lab_travel.t_co2e) as t_co2e
    from lab_travel
    inner join units on lab_travel.unit_id = units.unit_id
    cross join lateral unnest(units.ancestor_unit_ids) as subtree (subtree_unit_id)
    group by
        subtree.subtree_unit_id, lab_travel.reporting_year, lab_travel.submodule_code, lab_travel.cabin_class
),

final as (
    select
        subtree_unit_id::text as unit_id,
        reporting_year::integer as reporting_year,
        submodule_code::text as submodule_code,
        cabin_class::text as cabin_class,
        trips::integer as trips,
        distance_km::numeric as distance_km,
        t_co2e::numeric as t_co2e
    from subtree_travel
)

select * from final
where {{ partition_filter(module_codes=['travel']) }}
