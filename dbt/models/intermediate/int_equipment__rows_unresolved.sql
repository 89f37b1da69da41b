{#- Equipment items kept without an emission (METHODOLOGY.md §1.5, §3.4 (e)): EQUIP_NO_POWER,
    EQUIP_HOURS_MISSING or FACTOR_MISSING. -#}
with computed as (
    select * from {{ ref('int_equipment__electricity_computed') }}
    where status_code <> 'MATCHED'
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'equipment' as module_code,
        submodule_code,
        status_code
    from computed
)

select * from final
where {{ partition_filter() }}
