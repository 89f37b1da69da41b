{#- Additional categories not estimated for a headcount row, one row per (headcount row, domain),
    METHODOLOGY.md §3.9 (e): INTENSITY_MISSING when no intensity of the year applies to the member (the
    category is shown as "not estimated", never as 0); else FACTOR_MISSING when at least one of its lines
    found no factor (waste always: no waste factor is shipped). -#}
with headcount as (
    select * from {{ ref('stg_csv__headcount') }}
    where fte > 0
),

computed as (
    select * from {{ ref('int_additional__emissions_computed') }}
),

-- The three domains of headcount-driven additional categories (METHODOLOGY.md §3.9 (a)).
domains as (
    select unnest(array['commuting', 'food', 'waste']) as domain_code
),

line_status as (
    select
        activity_row_id,
        domain_code,
        bool_or(status_code = 'FACTOR_MISSING') as has_factor_missing
    from computed
    group by activity_row_id, domain_code
),

final as (
    select
        headcount.activity_row_id,
        headcount.load_id,
        headcount.unit_id,
        headcount.reporting_year,
        'additional' as module_code,
        domains.domain_code as submodule_code,
        case when line_status.activity_row_id is null then 'INTENSITY_MISSING' else 'FACTOR_MISSING' end
            as status_code
    from headcount
    cross join domains
    left join line_status
        on
            headcount.activity_row_id = line_status.activity_row_id
            and domains.domain_code = line_status.domain_code
    where line_status.activity_row_id is null or line_status.has_factor_missing
)

select * from final
where {{ partition_filter() }}
