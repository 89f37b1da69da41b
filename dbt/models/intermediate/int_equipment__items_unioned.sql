{#- The three equipment templates (scientific, IT, other) as one inventory; submodule_code says which template
    the row came from. -#}
with scientific as (
    select * from {{ ref('stg_csv__equipment_scientific') }}
),

it as (
    select * from {{ ref('stg_csv__equipment_it') }}
),

other as (
    select * from {{ ref('stg_csv__equipment_other') }}
),

final as (
    select
        activity_row_id,
        load_id,
        source_row_number,
        reporting_year,
        unit_id,
        submodule_code,
        equipment_id,
        equipment_name,
        equipment_class,
        sub_class,
        active_usage_hours_per_week,
        standby_usage_hours_per_week,
        override_kg_co2e,
        note
    from scientific
    union all
    select
        activity_row_id,
        load_id,
        source_row_number,
        reporting_year,
        unit_id,
        submodule_code,
        equipment_id,
        equipment_name,
        equipment_class,
        sub_class,
        active_usage_hours_per_week,
        standby_usage_hours_per_week,
        override_kg_co2e,
        note
    from it
    union all
    select
        activity_row_id,
        load_id,
        source_row_number,
        reporting_year,
        unit_id,
        submodule_code,
        equipment_id,
        equipment_name,
        equipment_class,
        sub_class,
        active_usage_hours_per_week,
        standby_usage_hours_per_week,
        override_kg_co2e,
        note
    from other
)

select * from final
