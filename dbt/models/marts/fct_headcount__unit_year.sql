{#- FTE and head count per unit and year, the denominators of per-FTE metrics (METHODOLOGY.md §2.2).
    A person holding two SIUS roles in one unit is two rows but one head. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with headcount as (
    select * from {{ ref('stg_csv__headcount') }}
),

final as (
    select
        unit_id,
        reporting_year,
        sum(fte) as fte,
        count(distinct person_key)::integer as headcount
    from headcount
    group by unit_id, reporting_year
)

select * from final
where {{ partition_filter() }}
