{#- Travel rows kept without an emission (METHODOLOGY.md §1.5: UNRESOLVED, the module is incomplete). -#}
with flights as (
    select * from {{ ref('int_travel__flight_factors_matched') }}
    where status_code <> 'MATCHED'
),

trains as (
    select * from {{ ref('int_travel__train_factors_matched') }}
    where status_code <> 'MATCHED'
),

cars as (
    select * from {{ ref('int_travel__car_factors_matched') }}
    where status_code <> 'MATCHED'
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'travel' as module_code,
        'plane' as submodule_code,
        status_code
    from flights
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'travel' as module_code,
        'train' as submodule_code,
        status_code
    from trains
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'travel' as module_code,
        'car' as submodule_code,
        status_code
    from cars
)

select * from final
where {{ partition_filter() }}
