{#- External-cloud and generative-AI rows kept without an emission (METHODOLOGY.md §1.5): FACTOR_MISSING,
    FX_MISSING (no annual rate for the currency and year) or AI_FTE_MISSING (blank fte_count and no headcount
    for the unit and year). -#}
with cloud_rows as (
    select * from {{ ref('int_cloud_ai__cloud_spend_computed') }}
    where status_code <> 'MATCHED'
),

ai_rows as (
    select * from {{ ref('int_cloud_ai__ai_requests_computed') }}
    where status_code <> 'MATCHED'
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'external_cloud' as module_code,
        submodule_code,
        status_code
    from cloud_rows
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'generative_ai' as module_code,
        submodule_code,
        status_code
    from ai_rows
)

select * from final
where {{ partition_filter() }}
