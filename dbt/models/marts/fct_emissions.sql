{#- One row per activity row x factor leg (METHODOLOGY.md §1.3), every module in the same columns. Every
    number of the dashboard is a sum over these rows; each names its activity row (load and line), factor and
    factor-set version. Columns that belong to one module (cabin_class, distance_km, origin_code... for
    travel) are NULL on the others; leg_parameters holds the other constants a leg applied (§1.3
    `parameters`). -#}
with travel_legs as (
    select * from {{ ref('int_travel__legs_unioned') }}
),

equipment_legs as (
    select * from {{ ref('int_equipment__legs_unioned') }}
),

process_legs as (
    select * from {{ ref('int_process__legs_unioned') }}
),

legs as (
    select
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
        destination_code,
        null::jsonb as leg_parameters
    from travel_legs
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        leg_code,
        ghg_scope,
        ghg_category_code,
        null::text as cabin_class,
        activity_quantity,
        activity_unit,
        null::numeric as distance_km,
        null::integer as number_of_trips,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        null::numeric as rf_multiplier,
        null::numeric as class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        is_override,
        is_additional_category,
        flags,
        null::text as origin_code,
        null::text as destination_code,
        leg_parameters
    from equipment_legs
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        leg_code,
        ghg_scope,
        ghg_category_code,
        null::text as cabin_class,
        activity_quantity,
        activity_unit,
        null::numeric as distance_km,
        null::integer as number_of_trips,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        null::numeric as rf_multiplier,
        null::numeric as class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        is_override,
        is_additional_category,
        flags,
        null::text as origin_code,
        null::text as destination_code,
        leg_parameters
    from process_legs
),

final as (
    select
        md5(activity_row_id || leg_code || factor_set_id) as emission_id,
        *
    from legs
)

select * from final
