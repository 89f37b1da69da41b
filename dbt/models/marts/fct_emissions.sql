{#- One row per activity row x factor leg (METHODOLOGY.md §1.3). Every number of the dashboard is a sum over
    these rows; each names its activity row (load and line), factor and factor-set version. -#}
with travel_legs as (
    select * from {{ ref('int_travel__legs_unioned') }}
),

final as (
    select
        md5(activity_row_id || leg_code || factor_set_id) as emission_id,
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        leg_code,
        ghg_scope,
        ghg_category_code,
        cabin_class,
        activity_quantity,
        activity_unit,
        distance_km,
        number_of_trips,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        rf_multiplier,
        class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        is_override,
        is_additional_category,
        flags,
        origin_code,
        destination_code
    from travel_legs
)

select * from final
