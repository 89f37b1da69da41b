{#- Additional categories of each level-4 unit with headcount, per year (METHODOLOGY.md §1.7, §3.9), apart
    from the headline: commuting, food and waste estimated from institution-wide averages x the unit's FTE, and
    construction and renovation for each level-4 unit with rooms (every room row has a leg or an unresolved
    row), from the institution's kg CO2e per m2 x the unit's allocated surface. A category without any
    estimate is `not_estimated` with a NULL total (never 0); `partial` when some of its lines found no
    intensity or factor. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with emissions as (
    select * from {{ ref('fct_emissions') }}
    where is_additional_category and {{ partition_filter() }}
),

unresolved as (
    select * from {{ ref('fct_unresolved_rows') }}
    where module_code = 'additional' and {{ partition_filter() }}
),

headcount as (
    select * from {{ ref('fct_headcount__unit_year') }}
),

level_4_units as (
    select * from {{ ref('dim_units') }}
    where unit_level = 4
),

-- The three headcount-driven additional categories (METHODOLOGY.md §3.9 (a)).
categories as (
    select unnest(array['commuting', 'food', 'waste']) as submodule_code
),

unit_categories as (
    select
        headcount.unit_id,
        headcount.reporting_year,
        categories.submodule_code
    from headcount
    cross join categories
    union
    select
        unit_id,
        reporting_year,
        submodule_code
    from emissions
    where submodule_code = 'construction'
    union
    select
        unit_id,
        reporting_year,
        submodule_code
    from unresolved
    where submodule_code = 'construction'
),

totals as (
    select
        unit_id,
        reporting_year,
        submodule_code,
        sum(kg_co2e) as kg_co2e,
        count(distinct activity_row_id) as activity_row_count
    from emissions
    group by unit_id, reporting_year, submodule_code
),

unresolved_counts as (
    select
        unit_id,
        reporting_year,
        submodule_code,
        count(*) as unresolved_row_count
    from unresolved
    group by unit_id, reporting_year, submodule_code
),

final as (
    select
        unit_categories.unit_id::text as unit_id,
        unit_categories.reporting_year::integer as reporting_year,
        unit_categories.submodule_code::text as submodule_code,
        {{ kg_to_t('totals.kg_co2e') }}::numeric as t_co2e,
        coalesce(totals.activity_row_count, 0)::integer as activity_row_count,
        coalesce(unresolved_counts.unresolved_row_count, 0)::integer as unresolved_row_count,
        case
            when totals.kg_co2e is null then 'not_estimated'
            when unresolved_counts.unresolved_row_count > 0 then 'partial'
            else 'estimated'
        end::text as estimate_status
    from unit_categories
    inner join level_4_units
        on unit_categories.unit_id = level_4_units.unit_id
    left join totals
        on
            unit_categories.unit_id = totals.unit_id
            and unit_categories.reporting_year = totals.reporting_year
            and unit_categories.submodule_code = totals.submodule_code
    left join unresolved_counts
        on
            unit_categories.unit_id = unresolved_counts.unit_id
            and unit_categories.reporting_year = unresolved_counts.reporting_year
            and unit_categories.submodule_code = unresolved_counts.submodule_code
)

select * from final
where {{ partition_filter() }}
