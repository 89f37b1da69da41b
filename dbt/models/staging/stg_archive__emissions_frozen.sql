{#- The frozen emission groups of years whose travel detail was purged (ingest/retention.py), 1:1. -#}
with source as (
    select * from {{ source('archive', 'emissions_frozen') }}
),

final as (
    select
        'emissions_frozen:' || frozen_row_id as activity_row_id,
        frozen_row_id,
        retention_run_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        leg_code,
        ghg_scope,
        ghg_category_code,
        cabin_class,
        activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        rf_multiplier,
        class_weight,
        uncertainty_rel,
        is_override,
        is_additional_category,
        is_internal_reallocation,
        facility_unit_id,
        flags,
        activity_quantity,
        passenger_km,
        number_of_trips,
        kg_co2e,
        sigma_kg,
        activity_row_count
    from source
)

select * from final
