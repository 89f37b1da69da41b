{#- Purchase rows kept without an emission (METHODOLOGY.md §1.5, §3.5 (e)): FACTOR_MISSING, FX_MISSING or
    DEFLATOR_MISSING for invoice lines, FACTOR_MISSING for centralised items. -#}
with spend as (
    select * from {{ ref('int_purchases__spend_computed') }}
    where status_code not in ('MATCHED', 'EXCLUDED_OVERLAP', 'OVERRIDE')
),

mass as (
    select * from {{ ref('int_purchases__mass_computed') }}
    where status_code <> 'MATCHED'
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'purchases' as module_code,
        submodule_code,
        status_code
    from spend
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'purchases' as module_code,
        submodule_code,
        status_code
    from mass
)

select * from final
where {{ partition_filter() }}
