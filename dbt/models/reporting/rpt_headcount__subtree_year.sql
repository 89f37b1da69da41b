{#- FTE and head count of every unit's subtree (the unit itself for a lab, every unit below it otherwise) per
    year: the denominators of the per-FTE figures at every level of the hierarchy (METHODOLOGY.md §2.2: Σ t /
    Σ FTE over the units in scope), summed here so that the dashboard sums nothing across units. A person
    working in several units counts in each with the FTE share worked there, so head count adds up the units'
    counts. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with headcount as (
    select * from {{ ref('fct_headcount__unit_year') }}
    where {{ partition_filter() }}
),

units as (
    select * from {{ ref('dim_units') }}
),

subtree_headcount as (
    select
        subtree.subtree_unit_id,
        headcount.reporting_year,
        sum(headcount.fte) as fte,
        sum(headcount.headcount) as headcount
    from headcount
    inner join units on headcount.unit_id = units.unit_id
    cross join lateral unnest(units.ancestor_unit_ids) as subtree (subtree_unit_id)
    group by subtree.subtree_unit_id, headcount.reporting_year
),

final as (
    select
        subtree_headcount.subtree_unit_id::text as unit_id,
        units.unit_level::integer as unit_level,
        subtree_headcount.reporting_year::integer as reporting_year,
        subtree_headcount.fte::numeric as fte,
        subtree_headcount.headcount::integer as headcount
    from subtree_headcount
    inner join units on subtree_headcount.subtree_unit_id = units.unit_id
)

select * from final
where {{ partition_filter() }}
