{#- Headline footprint of each level-4 unit (inventories live at level 4, METHODOLOGY.md §2.1) per year,
    module, submodule and scope. Additional categories (commuting, food, waste) are left out: they are
    estimates from institution averages, excluded from headline totals, per-FTE metrics and targets (§1.7),
    and reported apart in rpt_additional__unit_year. sigma follows §1.6: rows sharing a factor are fully
    correlated, so their sigmas add up within the factor (sigma_kg = kg x u_f, no activity uncertainty in
    v1), then factors combine in quadrature. NULL sigma = no row of the group has a published uncertainty. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
) }}

-- Read twice, but not materialised: the final partition filter would be pushed into a scan of the stored
-- rows with a row estimate of 1, and the join of the two groupings would become a nested loop (8 s for one
-- module and year at scale 1, 0.2 s as two index scans).
with emissions as not materialized (
    select * from {{ ref('fct_emissions') }}
    where not is_additional_category and {{ partition_filter(module_column='module_code') }}
),

level_4_units as (
    select * from {{ ref('dim_units') }}
    where unit_level = 4
),

per_factor as (
    -- One pass over the legs per unit, year, module, submodule, scope and factor; the groups then add up.
    select
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        ghg_scope,
        factor_id,
        sum(kg_co2e) as kg_co2e,
        sum(kg_co2e) filter (where is_override) as override_kg_co2e,
        sum(sigma_kg) as factor_sigma_kg,
        -- a frozen leg stands for the activity rows it summed (ingest/retention.py)
        sum(frozen_activity_row_count) as frozen_activity_row_count
    from emissions
    group by unit_id, reporting_year, module_code, submodule_code, ghg_scope, factor_id
),

activity_rows as (
    -- The distinct activity rows behind each group's legs (an activity row may have legs of several factors):
    -- a hash of distinct rows, then a count, rather than count(distinct) and its sort (issue 13: 81 s at
    -- scale 10).
    select
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        ghg_scope,
        count(*) as activity_row_count
    from (
        select distinct
            unit_id,
            reporting_year,
            module_code,
            submodule_code,
            ghg_scope,
            activity_row_id
        from emissions
        where frozen_activity_row_count is null and activity_row_id is not null
    ) as distinct_rows
    group by unit_id, reporting_year, module_code, submodule_code, ghg_scope
),

totals as (
    select
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        ghg_scope,
        sum(kg_co2e) as kg_co2e,
        coalesce(sum(override_kg_co2e), 0) as override_kg_co2e,
        sqrt(sum(power(factor_sigma_kg, 2))) as sigma_kg,
        coalesce(sum(frozen_activity_row_count), 0) as frozen_activity_row_count
    from per_factor
    group by unit_id, reporting_year, module_code, submodule_code, ghg_scope
),

final as (
    select
        totals.unit_id::text as unit_id,
        totals.reporting_year::integer as reporting_year,
        totals.module_code::text as module_code,
        totals.submodule_code::text as submodule_code,
        totals.ghg_scope::integer as ghg_scope,
        {{ kg_to_t('totals.kg_co2e') }}::numeric as t_co2e,
        {{ kg_to_t('totals.sigma_kg') }}::numeric as sigma_t_co2e,
        {{ kg_to_t('totals.override_kg_co2e') }}::numeric as override_t_co2e,
        (coalesce(activity_rows.activity_row_count, 0) + totals.frozen_activity_row_count)::integer
            as activity_row_count
    from totals
    inner join level_4_units
        on totals.unit_id = level_4_units.unit_id
    left join activity_rows
        on
            totals.unit_id = activity_rows.unit_id
            and totals.reporting_year = activity_rows.reporting_year
            and totals.module_code = activity_rows.module_code
            and totals.submodule_code = activity_rows.submodule_code
            and totals.ghg_scope = activity_rows.ghg_scope
)

select * from final
where {{ partition_filter(module_column='module_code') }}
