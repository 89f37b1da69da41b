{#- Additional categories (commuting, food, waste, construction; METHODOLOGY.md §1.7, §3.9) of every unit's
    subtree per year, apart from the headline: the labs' estimates of rpt_additional__unit_year summed over
    the subtree, with how many of its labs have no estimate. A category with no estimate in any lab of the
    subtree keeps a NULL total (never 0). No research-facility leg is an additional category, so no
    reallocation applies. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with lab_additional as (
    select * from {{ ref('rpt_additional__unit_year') }}
    where {{ partition_filter() }}
),

units as (
    select * from {{ ref('dim_units') }}
),

subtree_additional as (
    select
        subtree.subtree_unit_id,
        lab_additional.reporting_year,
        lab_additional.submodule_code,
        sum(lab_additional.t_co2e) as t_co2e,
        count(*) filter (where lab_additional.estimate_status = 'not_estimated') as not_estimated_unit_count,
        count(*) as unit_count
    from lab_additional
    inner join units on lab_additional.unit_id = units.unit_id
    cross join lateral unnest(units.ancestor_unit_ids) as subtree (subtree_unit_id)
    group by subtree.subtree_unit_id, lab_additional.reporting_year, lab_additional.submodule_code
),

final as (
    select
        subtree_additional.subtree_unit_id::text as unit_id,
        units.unit_level::integer as unit_level,
        subtree_additional.reporting_year::integer as reporting_year,
        subtree_additional.submodule_code::text as submodule_code,
        subtree_additional.t_co2e::numeric as t_co2e,
        subtree_additional.not_estimated_unit_count::integer as not_estimated_unit_count,
        subtree_additional.unit_count::integer as unit_count
    from subtree_additional
    inner join units on subtree_additional.subtree_unit_id = units.unit_id
)

select * from final
where {{ partition_filter() }}
