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

legs as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        activity_code as leg_code,
        allocated_surface_m2 as activity_quantity,
        intensity_id as factor_id,
        intensity_load_id::text as factor_set_version,
        intensity_kg_co2e_per_m2 as factor_value,
        kg_co2e,
        false as is_override,
        flags,
        jsonb_build_object(
            'building_name', building_name,
            'room_name', room_name,
            'surface_m2', surface_m2,
            'room_allocation_ratio', room_allocation_ratio,
            'intensity_building_name', intensity_building_name
        ) as leg_parameters
    from computed
),

final as (
    {{ module_legs(["legs"], constants={
        "module_code": "'additional'",
        "submodule_code": "'construction'",
        "ghg_scope": "3",
        "ghg_category_code": "2",
        "activity_unit": "'m2'",
        "factor_set_id": "'construction_intensities'",
        "factor_unit": "'kg_co2e_per_m2'",
        "uncertainty_rel": "null::numeric",
        "sigma_kg": "null::numeric",
        "is_additional_category": "true",
    }) }}
)

select * from final
where {{ partition_filter() }}
