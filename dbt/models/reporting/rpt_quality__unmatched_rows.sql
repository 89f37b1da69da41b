{#- Activity rows that produced no emission, with the reason; the dashboard reports them beside each total
    (METHODOLOGY.md §2.4: the module is incomplete). -#}
with unresolved as (
    select * from {{ ref('fct_unresolved_rows') }}
),

final as (
    select
        unit_id::text as unit_id,
        reporting_year::integer as reporting_year,
        module_code::text as module_code,
        activity_row_id::text as activity_row_id,
        submodule_code::text as submodule_code,
        status_code::text as status_code
    from unresolved
)

select * from final
