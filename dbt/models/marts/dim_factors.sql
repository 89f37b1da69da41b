{#- Every shipped factor row in one long table (METHODOLOGY.md §4.2), for provenance and catalogue pages.
    Module-specific keys stay in key_json. The electricity factor serves every electric use (equipment now,
    buildings later): its submodule is NULL. Road factors serve travel by car and commuting: module NULL. -#}
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
