{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with headcount as (
    select * from {{ ref('fct_headcount__unit_year') }}
),

final as (
    select
        unit_id::text as unit_id,
        reporting_year::integer as reporting_year,
        fte::numeric as fte,
        headcount::integer as headcount
    from headcount
)

select * from final
where {{ partition_filter() }}
