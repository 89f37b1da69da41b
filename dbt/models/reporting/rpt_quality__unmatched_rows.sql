{#- Activity rows that produced no emission, with the reason; the dashboard reports them beside each total
    (METHODOLOGY.md §2.4: the module is incomplete). -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
) }}

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
where {{ partition_filter(module_column='module_code') }}
