{#- Activity rows kept without an emission (status FACTOR_MISSING and friends): reported, never dropped. -#}
with travel_rows as (
    select * from {{ ref('int_travel__rows_unresolved') }}
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
    from travel_rows
)

select * from final
