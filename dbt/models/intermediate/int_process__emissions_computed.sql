{#- One row per computed process-gas row (overrides excluded): kg CO2e = kg of gas released x GWP100 of the
    gas in the bound set (METHODOLOGY.md §3.8 (b)); scope 1. A gas without a value in the bound set, or a year
    without a bound set, is kept as FACTOR_MISSING. -#}
with releases as (
    select * from {{ ref('stg_csv__processemissions') }}
    where override_kg_co2e is null
),

gwp_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'gwp'
),

gwp_factors as (
    select * from {{ ref('seed_factors__gwp') }}
),

matched as (
    select
        releases.activity_row_id,
        releases.load_id,
        releases.reporting_year,
        releases.unit_id,
        releases.submodule_code,
        releases.gas_code,
        releases.quantity_kg,
        gwp_sets.factor_set_id,
        gwp_sets.factor_set_version,
        gwp_sets.uncertainty_kind,
        gwp_factors.factor_id,
        gwp_factors.gwp_basis,
        gwp_factors.horizon_years,
        gwp_factors.is_kyoto_gas,
        gwp_factors.value_kg_co2e_per_kg as factor_value,
        gwp_factors.uncertainty_rel as published_uncertainty_rel
    from releases
    left join gwp_sets
        on releases.reporting_year = gwp_sets.reporting_year
    left join gwp_factors
        on
            gwp_sets.factor_set_id = gwp_factors.factor_set_id
            and releases.gas_code = gwp_factors.gas_code
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        gas_code,
        quantity_kg,
        factor_set_id,
        factor_set_version,
        factor_id,
        gwp_basis,
        horizon_years,
        is_kyoto_gas,
        factor_value,
        quantity_kg * factor_value as kg_co2e,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel,
        abs(quantity_kg * factor_value)
        * case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as sigma_kg,
        case when factor_id is null then 'FACTOR_MISSING' else 'MATCHED' end as status_code
    from matched
)

select * from final
where {{ partition_filter() }}
