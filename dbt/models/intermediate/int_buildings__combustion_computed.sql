{#- One row per computed combustion row (overrides excluded): kg CO2e = quantity x the bound factor of the
    fuel in its unit (METHODOLOGY.md §3.3 (b)); scope 1. A fuel without a factor in the bound set (propane
    in the Swiss defaults, W11c) or a year without a bound set is kept as FACTOR_MISSING. -#}
with combustions as (
    select * from {{ ref('stg_csv__building_energycombustions') }}
    where override_kg_co2e is null
),

carrier_factors as (
    select * from {{ ref('int_buildings__carrier_factors_bound') }}
),

final as (
    select
        combustions.activity_row_id,
        combustions.load_id,
        combustions.reporting_year,
        combustions.unit_id,
        combustions.fuel_code,
        combustions.quantity,
        combustions.activity_unit,
        carrier_factors.factor_id,
        carrier_factors.factor_set_id,
        carrier_factors.factor_set_version,
        carrier_factors.factor_value,
        carrier_factors.factor_unit,
        combustions.quantity * carrier_factors.factor_value as kg_co2e,
        carrier_factors.uncertainty_rel,
        abs(combustions.quantity * carrier_factors.factor_value)
        * carrier_factors.uncertainty_rel as sigma_kg,
        case when carrier_factors.factor_id is null then 'FACTOR_MISSING' else 'MATCHED' end as status_code
    from combustions
    left join carrier_factors
        on
            combustions.reporting_year = carrier_factors.reporting_year
            and combustions.fuel_code = carrier_factors.carrier_code
            and combustions.activity_unit = carrier_factors.activity_unit
)

select * from final
where {{ partition_filter() }}
