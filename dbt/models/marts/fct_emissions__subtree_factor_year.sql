{#- The emission legs of every unit's subtree (the unit itself for a lab, every unit below it otherwise)
    summed per year, module, submodule, GHG scope and factor: the one place of the subtree rule of
    METHODOLOGY.md §2.4. A research-facility leg whose facility unit lies inside the subtree is internal
    reallocation: its kg go to internal_reallocation_kg_co2e, not to kg_co2e (the facility's own inventory
    already counts that footprint); a lab keeps its allocations (a facility never allocates to itself). Every
    subtree total of reporting (rpt_footprint__subtree_year, rpt_footprint__subtree_category_year) sums these
    rows. Kept per factor so that the totals can follow §1.6: sigmas add within a factor, factors combine in
    quadrature. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
) }}

with unit_factor_legs as (
    select * from {{ ref('fct_emissions__unit_factor_year') }}
    where {{ partition_filter(module_column='module_code') }}
),

units as (
    select * from {{ ref('dim_units') }}
),

subtree_legs as (
    -- Each unit's sums per factor once per subtree that holds the unit: the unit itself and each ancestor.
    select
        subtree.subtree_unit_id,
        unit_factor_legs.reporting_year,
        unit_factor_legs.module_code,
        unit_factor_legs.submodule_code,
        unit_factor_legs.ghg_scope,
        unit_factor_legs.factor_id,
        coalesce(unit_factor_legs.is_additional_category, false) as is_additional_category,
        unit_factor_legs.kg_co2e,
        unit_factor_legs.sigma_kg,
        unit_factor_legs.known_uncertainty_kg_co2e,
        unit_factor_legs.override_kg_co2e,
        (
            unit_factor_legs.is_internal_reallocation
            and coalesce(subtree.subtree_unit_id = any(facility_units.ancestor_unit_ids), false)
        ) as is_reallocated_inside
    from unit_factor_legs
    inner join units as owner_units
        on unit_factor_legs.unit_id = owner_units.unit_id
    cross join lateral unnest(owner_units.ancestor_unit_ids) as subtree (subtree_unit_id)
    left join units as facility_units
        on unit_factor_legs.facility_unit_id = facility_units.unit_id
),

final as (
    select
        subtree_unit_id as unit_id,
        reporting_year,
        module_code,
        submodule_code,
        ghg_scope,
        factor_id,
        is_additional_category,
        coalesce(sum(kg_co2e) filter (where not is_reallocated_inside), 0) as kg_co2e,
        coalesce(sum(kg_co2e) filter (where is_reallocated_inside), 0) as internal_reallocation_kg_co2e,
        sum(sigma_kg) filter (where not is_reallocated_inside) as sigma_kg,
        coalesce(
            sum(known_uncertainty_kg_co2e) filter (where not is_reallocated_inside), 0
        ) as known_uncertainty_kg_co2e,
        coalesce(
            sum(override_kg_co2e) filter (where not is_reallocated_inside), 0
        ) as override_kg_co2e
    from subtree_legs
    group by
        subtree_unit_id, reporting_year, module_code, submodule_code, ghg_scope, factor_id,
        is_additional_category
)

select * from final
where {{ partition_filter(module_column='module_code') }}
