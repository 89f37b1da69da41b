{#- Footprint of every unit's subtree (the unit itself for a lab, every lab below it otherwise) per year,
    module, submodule and GHG scope, additional categories included and flagged (METHODOLOGY.md §1.7): what
    the dashboard's pages, PDF and CSV break a unit's footprint into, at every level of the hierarchy, so that
    they sum nothing across units. Internal reallocation (§2.4) is left out as in rpt_footprint__subtree_year
    (both read fct_emissions__subtree_factor_year), so the headline rows of a subtree and year add up to its
    `all` row there. sigma follows §1.6 within each row: sigmas add within a factor, factors combine in
    quadrature; rows of different categories sharing a factor are correlated, so the headline sigma is the
    `all` row's, never a combination of these. activity_row_count counts the subtree's activity rows with an
    emission in the category, as rpt_footprint__unit_year and rpt_additional__unit_year count them per lab (an
    activity row belongs to one unit, so the labs' counts add up). -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with subtree_factor_legs as (
    select * from {{ ref('fct_emissions__subtree_factor_year') }}
    where {{ partition_filter() }}
),

lab_footprint as (
    select * from {{ ref('rpt_footprint__unit_year') }}
    where {{ partition_filter() }}
),

lab_additional as (
    select * from {{ ref('rpt_additional__unit_year') }}
    where {{ partition_filter() }}
),

units as (
    select * from {{ ref('dim_units') }}
),

categories as (
    select
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        ghg_scope,
        is_additional_category,
        sum(kg_co2e) as kg_co2e,
        sum(internal_reallocation_kg_co2e) as internal_reallocation_kg_co2e,
        sqrt(sum(power(sigma_kg, 2))) as sigma_kg,
        sum(override_kg_co2e) as override_kg_co2e
    from subtree_factor_legs
    group by unit_id, reporting_year, module_code, submodule_code, ghg_scope, is_additional_category
),

lab_activity_rows as (
    select
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        ghg_scope,
        activity_row_count
    from lab_footprint
    union all
    -- Additional categories are scope 3 (METHODOLOGY.md §1.1); rpt_additional__unit_year counts them per lab.
    select
        unit_id,
        reporting_year,
        'additional' as module_code,
        submodule_code,
        3 as ghg_scope,
        activity_row_count
    from lab_additional
),

subtree_activity_rows as (
    select
        subtree.subtree_unit_id as unit_id,
        lab_activity_rows.reporting_year,
        lab_activity_rows.module_code,
        lab_activity_rows.submodule_code,
        lab_activity_rows.ghg_scope,
        sum(lab_activity_rows.activity_row_count) as activity_row_count
    from lab_activity_rows
    inner join units on lab_activity_rows.unit_id = units.unit_id
    cross join lateral unnest(units.ancestor_unit_ids) as subtree (subtree_unit_id)
    group by
        subtree.subtree_unit_id,
        lab_activity_rows.reporting_year,
        lab_activity_rows.module_code,
        lab_activity_rows.submodule_code,
        lab_activity_rows.ghg_scope
),

final as (
    select
        categories.unit_id::text as unit_id,
        units.unit_level::integer as unit_level,
        categories.reporting_year::integer as reporting_year,
        categories.module_code::text as module_code,
        categories.submodule_code::text as submodule_code,
        categories.ghg_scope::integer as ghg_scope,
        categories.is_additional_category::boolean as is_additional_category,
        {{ kg_to_t('categories.kg_co2e') }}::numeric as t_co2e,
        {{ kg_to_t('categories.internal_reallocation_kg_co2e') }}::numeric as internal_reallocation_t_co2e,
        {{ kg_to_t('categories.sigma_kg') }}::numeric as sigma_t_co2e,
        {{ kg_to_t('categories.override_kg_co2e') }}::numeric as override_t_co2e,
        coalesce(subtree_activity_rows.activity_row_count, 0)::integer as activity_row_count
    from categories
    inner join units
        on categories.unit_id = units.unit_id
    left join subtree_activity_rows
        on
            categories.unit_id = subtree_activity_rows.unit_id
            and categories.reporting_year = subtree_activity_rows.reporting_year
            and categories.module_code = subtree_activity_rows.module_code
            and categories.submodule_code = subtree_activity_rows.submodule_code
            and categories.ghg_scope = subtree_activity_rows.ghg_scope
)

select * from final
where {{ partition_filter() }}
