{#- Every shipped factor row in one long table (METHODOLOGY.md §4.2), for provenance and catalogue pages.
    Module-specific keys stay in key_json. The electricity factor serves every electric use (equipment and
    buildings) and the fuel factors both room heating and combustion: their submodule is NULL. -#}
with flight_factors as (
    select * from {{ ref('seed_factors__flights') }}
),

rail_factors as (
    select * from {{ ref('seed_factors__rail') }}
),

electricity_factors as (
    select * from {{ ref('seed_factors__electricity') }}
),

gwp_factors as (
    select * from {{ ref('seed_factors__gwp') }}
),

fuel_factors as (
    select * from {{ ref('seed_factors__fuels') }}
),

cloud_factors as (
    select * from {{ ref('seed_factors__cloud') }}
),

ai_factors as (
    select * from {{ ref('seed_factors__ai') }}
),

research_facility_factors as (
    select * from {{ ref('seed_factors__research_facilities') }}
),

purchase_monetary_factors as (
    select * from {{ ref('int_purchases__factors_by_code') }}
),

purchase_mass_factors as (
    select * from {{ ref('seed_factors__purchases_mass') }}
),

purchase_exclusions as (
    select * from {{ ref('seed_purchases__excluded_codes') }}
),

road_factors as (
    select * from {{ ref('seed_factors__road') }}
),

food_factors as (
    select * from {{ ref('seed_factors__food') }}
),

final as (
    select
        factor_id,
        factor_set_id,
        'travel' as module_code,
        'plane' as submodule_code,
        jsonb_build_object(
            'band_code', band_code,
            'band_min_km', band_min_km,
            'band_max_km', band_max_km,
            'cabin_class', cabin_class,
            'route_scope', route_scope
        ) as key_json,
        null::text as region_code,
        'pkm' as activity_unit,
        value_kg_co2e_per_pkm as factor_value,
        'kg_co2e_per_pkm' as factor_unit,
        uncertainty_rel,
        rf_included,
        class_basis,
        source_year,
        source_ref,
        notes
    from flight_factors
    union all
    select
        factor_id,
        factor_set_id,
        'travel' as module_code,
        'train' as submodule_code,
        jsonb_build_object('country_code', country_code, 'service_code', service_code) as key_json,
        country_code as region_code,
        'pkm' as activity_unit,
        value_kg_co2e_per_pkm as factor_value,
        'kg_co2e_per_pkm' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        'class_average' as class_basis,
        source_year,
        source_ref,
        notes
    from rail_factors
    union all
    select
        factor_id,
        factor_set_id,
        'equipment' as module_code,
        null::text as submodule_code,
        jsonb_build_object('region_code', region_code, 'mix_code', mix_code) as key_json,
        region_code,
        'kWh' as activity_unit,
        value_kg_co2e_per_kwh as factor_value,
        'kg_co2e_per_kwh' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from electricity_factors
    union all
    select
        factor_id,
        factor_set_id,
        'process_emissions' as module_code,
        case
            when gas_code in ('CO2', 'CH4', 'N2O') then lower(gas_code)
            else 'refrigerants'
        end as submodule_code,
        jsonb_build_object(
            'gas_code', gas_code, 'gwp_basis', gwp_basis, 'horizon_years', horizon_years, 'is_blend', is_blend
        ) as key_json,
        null::text as region_code,
        'kg' as activity_unit,
        value_kg_co2e_per_kg as factor_value,
        'kg_co2e_per_kg' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from gwp_factors
    union all
    select
        factor_id,
        factor_set_id,
        'buildings' as module_code,
        null::text as submodule_code,
        jsonb_build_object(
            'fuel_code', fuel_code, 'calorific_basis', calorific_basis, 'factor_boundary', factor_boundary
        ) as key_json,
        null::text as region_code,
        activity_unit,
        value_kg_co2e_per_unit as factor_value,
        'kg_co2e_per_' || lower(activity_unit) as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from fuel_factors
    union all
    select
        factor_id,
        factor_set_id,
        'external_cloud' as module_code,
        nullif(service_type, 'any') as submodule_code,
        jsonb_build_object(
            'provider', provider,
            'service_type', service_type,
            'currency', currency,
            'price_base_year', price_base_year
        ) as key_json,
        null::text as region_code,
        'EUR' as activity_unit,
        value_kg_co2e_per_eur as factor_value,
        'kg_co2e_per_eur' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from cloud_factors
    union all
    select
        factor_id,
        factor_set_id,
        'generative_ai' as module_code,
        null::text as submodule_code,
        jsonb_build_object('usage_type', usage_type, 'provider', provider, 'per', per) as key_json,
        null::text as region_code,
        'request' as activity_unit,
        value_kg_co2e_per_request as factor_value,
        'kg_co2e_per_request' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from ai_factors
    union all
    select
        factor_id,
        factor_set_id,
        'research_facilities' as module_code,
        'it_facilities' as submodule_code,
        jsonb_build_object('allocation_unit', allocation_unit) as key_json,
        null::text as region_code,
        allocation_unit as activity_unit,
        value_kg_co2e_per_unit as factor_value,
        'kg_co2e_per_' || allocation_unit as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from research_facility_factors
    union all
    select
        factor_id,
        factor_set_id,
        'purchases' as module_code,
        purchase_category as submodule_code,
        jsonb_build_object(
            'code_system',
            code_system,
            'code',
            code,
            'match_level',
            match_level,
            'price_base_year',
            price_base_year
        ) as key_json,
        null::text as region_code,
        'EUR' as activity_unit,
        value_kg_co2e_per_eur as factor_value,
        'kg_co2e_per_eur' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        price_base_year as source_year,
        source_ref,
        factor_label as notes
    from purchase_monetary_factors
    union all
    select
        factor_id,
        factor_set_id,
        'purchases' as module_code,
        'additional' as submodule_code,
        jsonb_build_object('item_code', item_code) as key_json,
        null::text as region_code,
        'kg' as activity_unit,
        value_kg_co2e_per_kg as factor_value,
        'kg_co2e_per_kg' as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from purchase_mass_factors
    union all
    select
        'co2calc_purchase_exclusions:purchases:' || code_system || '.' || code as factor_id,
        'co2calc_purchase_exclusions' as factor_set_id,
        'purchases' as module_code,
        null::text as submodule_code,
        jsonb_build_object(
            'code_system', code_system, 'code', code, 'overlapping_module', overlapping_module
        ) as key_json,
        null::text as region_code,
        'EUR' as activity_unit,
        0::numeric as factor_value,
        'kg_co2e_per_eur' as factor_unit,
        null::numeric as uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        null::integer as source_year,
        'dbt/seeds/seed_purchases__excluded_codes.csv' as source_ref,
        reason as notes
    from purchase_exclusions
    union all
    select
        factor_id,
        factor_set_id,
        null::text as module_code,
        null::text as submodule_code,
        jsonb_build_object('mode_code', mode_code, 'vehicle_type', vehicle_type) as key_json,
        null::text as region_code,
        basis_code as activity_unit,
        value_kg_co2e_per_unit as factor_value,
        'kg_co2e_per_' || basis_code as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from road_factors
    union all
    select
        factor_id,
        factor_set_id,
        'additional' as module_code,
        'food' as submodule_code,
        jsonb_build_object('diet_code', diet_code) as key_json,
        null::text as region_code,
        per_unit as activity_unit,
        value_kg_co2e_per_unit as factor_value,
        'kg_co2e_per_' || per_unit as factor_unit,
        uncertainty_rel,
        null::numeric as rf_included,
        null::text as class_basis,
        source_year,
        source_ref,
        notes
    from food_factors
)

select * from final
