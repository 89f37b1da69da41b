{#- One row per centralised purchase by mass (overrides excluded), METHODOLOGY.md §3.5 (b): mass_kg =
    annual_consumption x coef_to_kg, kg = mass_kg x the bound mass factor of the item (kg CO2e/kg), scope 3
    category 1 (not scope 1 as in the reference code, §3.5 (f)). No mass factor is shipped (ecoinvent may not
    be, §4.6): without a bound set and a row for the item, the row is FACTOR_MISSING. -#}
with items as (
    select * from {{ ref('stg_csv__purchases_additional') }}
    where override_kg_co2e is null
),

mass_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'purchases_mass'
),

mass_factors as (
    select * from {{ ref('seed_factors__purchases_mass') }}
),

matched as (
    select
        items.activity_row_id,
        items.load_id,
        items.reporting_year,
        items.unit_id,
        items.item_name,
        items.item_code,
        items.consumption_unit,
        items.annual_consumption,
        items.kg_per_consumption_unit,
        items.annual_consumption * items.kg_per_consumption_unit as mass_kg,
        mass_sets.factor_set_id,
        mass_sets.factor_set_version,
        mass_factors.factor_id,
        mass_factors.value_kg_co2e_per_kg as factor_value,
        case
            when mass_sets.uncertainty_kind = 'rel_ci95' then mass_factors.uncertainty_rel / 1.96
            else mass_factors.uncertainty_rel
        end as uncertainty_rel
    from items
    left join mass_sets
        on items.reporting_year = mass_sets.reporting_year
    left join mass_factors
        on
            mass_sets.factor_set_id = mass_factors.factor_set_id
            and items.item_code = mass_factors.item_code
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'additional' as submodule_code,
        item_name,
        item_code,
        consumption_unit,
        annual_consumption,
        kg_per_consumption_unit,
        mass_kg,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        mass_kg * factor_value as kg_co2e,
        uncertainty_rel,
        abs(mass_kg * factor_value) * uncertainty_rel as sigma_kg,
        case when factor_id is null then 'FACTOR_MISSING' else 'MATCHED' end as status_code
    from matched
)

select * from final
where {{ partition_filter() }}
