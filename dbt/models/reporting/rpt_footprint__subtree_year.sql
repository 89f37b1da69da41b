{#- Footprint of every unit's subtree (the unit itself for a lab, every lab below it otherwise) per year and
    module, plus one `all` row per subtree and year: the headline total over modules (additional categories
    excluded, METHODOLOGY.md §1.7). Never sum across module_code: the `all` row is that sum. Internal
    reallocation (§2.4) comes excluded from fct_emissions__subtree_factor_year, the one model that applies the
    rule: a research-facility leg whose facility unit lies inside the subtree is left out of t_co2e and shown
    as internal_reallocation_t_co2e; a lab's own row keeps it. So school totals do not add up to the
    institution total: the difference is the reallocation between schools. Uncertainty (§1.6): legs sharing a
    factor are fully correlated, so their sigmas add within the factor (sigma_kg = |kg| x u_f; no activity
    uncertainty in v1), then factor groups combine in quadrature; at the `all` level a factor used by several
    modules (electricity) is one group. Legs without an uncertainty contribute nothing to sigma;
    coverage_share says which share of the kg has one. -#}
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

units as (
    select * from {{ ref('dim_units') }}
),

factor_groups as (
    select
        unit_id as subtree_unit_id,
        reporting_year,
        module_code,
        factor_id,
        sum(kg_co2e) as kg_co2e,
        sum(internal_reallocation_kg_co2e) as internal_reallocation_kg_co2e,
        sum(sigma_kg) as factor_sigma_kg,
        sum(known_uncertainty_kg_co2e) as known_uncertainty_kg_co2e
    from subtree_factor_legs
    group by unit_id, reporting_year, module_code, factor_id
    union all
    select
        unit_id as subtree_unit_id,
        reporting_year,
        'all' as module_code,
        factor_id,
        sum(kg_co2e) as kg_co2e,
        sum(internal_reallocation_kg_co2e) as internal_reallocation_kg_co2e,
        sum(sigma_kg) as factor_sigma_kg,
        sum(known_uncertainty_kg_co2e) as known_uncertainty_kg_co2e
    from subtree_factor_legs
    where not is_additional_category
    group by unit_id, reporting_year, factor_id
),

totals as (
    select
        subtree_unit_id,
        reporting_year,
        module_code,
        sum(kg_co2e) as kg_co2e,
        sum(internal_reallocation_kg_co2e) as internal_reallocation_kg_co2e,
        sqrt(sum(power(factor_sigma_kg, 2))) as sigma_kg,
        sum(known_uncertainty_kg_co2e) as known_uncertainty_kg_co2e
    from factor_groups
    group by subtree_unit_id, reporting_year, module_code
),

final as (
    select
        totals.subtree_unit_id::text as unit_id,
        units.unit_level::integer as unit_level,
        totals.reporting_year::integer as reporting_year,
        totals.module_code::text as module_code,
        totals.kg_co2e::numeric as kg_co2e,
        {{ kg_to_t('totals.kg_co2e') }}::numeric as t_co2e,
        {{ kg_to_t('totals.internal_reallocation_kg_co2e') }}::numeric as internal_reallocation_t_co2e,
        totals.sigma_kg::numeric as sigma_kg,
        {{ kg_to_t('totals.sigma_kg') }}::numeric as sigma_t_co2e,
        (totals.known_uncertainty_kg_co2e / nullif(totals.kg_co2e, 0))::numeric as coverage_share,
        -- greatest() skips NULLs: without a sigma the bound is NULL, not 0.
        case
            when totals.sigma_kg is not null
                then {{ kg_to_t('greatest(totals.kg_co2e - 1.96 * totals.sigma_kg, 0)') }}
        end::numeric as ci95_low_t_co2e,
        {{ kg_to_t('totals.kg_co2e + 1.96 * totals.sigma_kg') }}::numeric as ci95_high_t_co2e
    from totals
    inner join units
        on totals.subtree_unit_id = units.unit_id
)

select * from final
where {{ partition_filter() }}
