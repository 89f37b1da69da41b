{#- Activity rows kept without an emission (status FACTOR_MISSING and friends): reported, never dropped. One
    row per activity row and submodule: a headcount row has one per additional category it could not
    estimate. -#}
with travel_rows as (
    select * from {{ ref('int_travel__rows_unresolved') }}
),

equipment_rows as (
    select * from {{ ref('int_equipment__rows_unresolved') }}
),

process_rows as (
    select * from {{ ref('int_process__rows_unresolved') }}
),

additional_rows as (
    select * from {{ ref('int_additional__rows_unresolved') }}
),

unioned as (
    select * from travel_rows
    union all
    select * from equipment_rows
    union all
    select * from process_rows
    union all
    select * from additional_rows
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        status_code
    from unioned
)

select * from final
