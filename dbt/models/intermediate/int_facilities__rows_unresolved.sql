{#- Research-facility use rows kept without an emission (METHODOLOGY.md §1.5, §3.6 (e)): RF_NO_TOTAL,
    RF_FOOTPRINT_MISSING, RF_UNKNOWN_FACILITY, RF_SELF_ALLOCATION or FACTOR_MISSING; one row per use row. -#}
with computed as (
    select * from {{ ref('int_facilities__allocations_computed') }}
    where status_code <> 'MATCHED'
),

final as (
    select distinct
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'research_facilities' as module_code,
        submodule_code,
        status_code
    from computed
)

select * from final
where {{ partition_filter() }}
