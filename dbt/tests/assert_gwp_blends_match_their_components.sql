-- A failure means a refrigerant blend's GWP in seed_factors__gwp differs by more than 0.2 % from the mass-
-- weighted sum of its components' GWPs in the same set (METHODOLOGY.md §3.8 (b)): a mistyped value (like
-- the 2235 that RC-DOC lists for R507a) or composition. 0.2 % covers the rounding of the tabulated blend
-- values and the few percent of butane or isobutane (GWP about 3) left out of the compositions; the
-- largest gap shipped is R422a's 0.11 %.
with gases as (
    select * from {{ ref('seed_factors__gwp') }}
),

components as (
    select
        blends.factor_set_id,
        blends.gas_code,
        blends.value_kg_co2e_per_kg as blend_value,
        split_part(parts.part, ':', 1) as component_code,
        split_part(parts.part, ':', 2)::numeric as mass_fraction
    from gases as blends
    cross join lateral unnest(string_to_array(blends.blend_composition, '|')) as parts (part)
    where blends.is_blend
),

weighted as (
    select
        components.factor_set_id,
        components.gas_code,
        components.blend_value,
        sum(components.mass_fraction * component_gases.value_kg_co2e_per_kg) as components_value,
        count(component_gases.gas_code) as known_components,
        count(*) as listed_components
    from components
    left join gases as component_gases
        on
            components.factor_set_id = component_gases.factor_set_id
            and components.component_code = component_gases.gas_code
    group by components.factor_set_id, components.gas_code, components.blend_value
)

select *
from weighted
where
    known_components < listed_components
    or abs(components_value - blend_value) > 0.002 * blend_value
