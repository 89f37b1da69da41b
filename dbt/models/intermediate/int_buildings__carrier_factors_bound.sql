{#- The factor of each energy carrier in the set bound to each reporting year (METHODOLOGY.md §3.3 (c),
    (d)): electricity from the electricity family (Swiss consumption mix, location-based), fuels from the
    fuels family. District heat has no Swiss default: its carriers have no row here, so their legs are
    FACTOR_MISSING. -#}
with electricity_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'electricity'
),

fuel_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'fuels'
),

electricity_factors as (
    -- The institution's sites are on the Swiss grid (v1), as for equipment electricity.
    select * from {{ ref('seed_factors__electricity') }}
    where region_code = 'CH' and mix_code = 'consumption_mix'
),

fuel_factors as (
    select * from {{ ref('seed_factors__fuels') }}
),

carriers as (
    select
        electricity_sets.reporting_year,
        'electricity' as carrier_code,
        'kWh' as activity_unit,
        electricity_factors.factor_id,
        electricity_sets.factor_set_id,
        electricity_sets.factor_set_version,
        electricity_sets.uncertainty_kind,
        electricity_factors.value_kg_co2e_per_kwh as factor_value,
        electricity_factors.uncertainty_rel as published_uncertainty_rel
    from electricity_sets
    inner join electricity_factors
        on electricity_sets.factor_set_id = electricity_factors.factor_set_id
    union all
    select
        fuel_sets.reporting_year,
        fuel_factors.fuel_code as carrier_code,
        fuel_factors.activity_unit,
        fuel_factors.factor_id,
        fuel_sets.factor_set_id,
        fuel_sets.factor_set_version,
        fuel_sets.uncertainty_kind,
        fuel_factors.value_kg_co2e_per_unit as factor_value,
        fuel_factors.uncertainty_rel as published_uncertainty_rel
    from fuel_sets
    inner join fuel_factors
        on fuel_sets.factor_set_id = fuel_factors.factor_set_id
),

final as (
    select
        reporting_year,
        carrier_code,
        activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        'kg_co2e_per_' || lower(activity_unit) as factor_unit,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel
    from carriers
)

select * from final
where {{ partition_filter() }}
