{#- Activity rows without an emission in every unit's subtree (the unit itself for a lab, every unit below
    it otherwise) per year, module and status (METHODOLOGY.md §2.4: the module is incomplete), counted here
    so that the count beside any unit's total sums nothing across units. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
) }}

with unresolved as (
    select * from {{ ref('rpt_quality__unmatched_rows') }}
    where {{ partition_filter(module_column='module_code') }}
),

units as (
    select * from {{ ref('dim_units') }}
),

subtree_counts as (
    select
        subtree.subtree_unit_id,
        unresolved.reporting_year,
        unresolved.module_code,
        unresolved.status_code,
        count(*) as row_count
    from unresolved
    inner join units on unresolved.unit_id = units.unit_id
    cross join lateral unnest(units.ancestor_unit_ids) as subtree (subtree_unit_id)
    group by
        subtree.subtree_unit_id, unresolved.reporting_year, unresolved.module_code, unresolved.status_code
),

final as (
    select
        subtree_unit_id::text as unit_id,
        reporting_year::integer as reporting_year,
        module_code::text as module_code,
        status_code::text as status_code,
        row_count::integer as row_count
    from subtree_counts
)

select * from final
where {{ partition_filter(module_column='module_code') }}
