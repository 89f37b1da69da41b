{#- Construction and renovation legs in the emission-row shape of METHODOLOGY.md §1.3: one leg per (room row x
    activity), leg_code = the activity, activity = the allocated surface in m2, factor = the institution's
    declared kg CO2e per m2 (factor_id the intensity row, set `construction_intensities`, version the intensity
    load). All are is_additional_category (§1.7: out of headline totals, per-FTE metrics and targets), scope 3
    category 2. No override leg: a room row's kg_co2eq is its room energy (int_buildings__legs_unioned).
    Unresolved room rows are in int_additional__construction_rows_unresolved. -#}
with computed as (
    select * from {{ ref('int_additional__construction_computed') }}
    where status_code = 'MATCHED'
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'additional' as module_code,
        'construction' as submodule_code,
        activity_code as leg_code,
        3 as ghg_scope,
        2 as ghg_category_code,
        allocated_surface_m2 as activity_quantity,
        'm2' as activity_unit,
        intensity_id as factor_id,
        'construction_intensities' as factor_set_id,
        intensity_load_id::text as factor_set_version,
        intensity_kg_co2e_per_m2 as factor_value,
        'kg_co2e_per_m2' as factor_unit,
        kg_co2e,
        null::numeric as uncertainty_rel,
        null::numeric as sigma_kg,
        false as is_override,
        true as is_additional_category,
        flags,
        jsonb_build_object(
            'building_name', building_name,
            'room_name', room_name,
            'surface_m2', surface_m2,
            'room_allocation_ratio', room_allocation_ratio,
            'intensity_building_name', intensity_building_name
        ) as leg_parameters
    from computed
)

select * from final
