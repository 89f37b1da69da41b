{#- Process-gas rows kept without an emission (METHODOLOGY.md §1.5): FACTOR_MISSING. -#}
with computed as (
    select * from {{ ref('int_process__emissions_computed') }}
    where status_code <> 'MATCHED'
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'process_emissions' as module_code,
        submodule_code,
        status_code
    from computed
)

select * from final
where {{ partition_filter() }}
