{#- Every purchase emission leg in the emission-row shape of METHODOLOGY.md §1.3: one `spend` leg per computed
    invoice line (an excluded line counts 0 kg under the exclusion list's id, flag PURCH_EXCLUDED_OVERLAP), one
    `mass` leg per centralised item (leaf purchases/additional/<item>: leg_parameters.item_code), and one
    `override` leg per row that brought its own kg_co2eq (used verbatim, §1.4). All scope 3. The activity_quantity
    of a spend leg is in EUR of leg_parameters.activity_price_year (the factor's price base year when deflated,
    else the reporting year). Unresolved rows are in int_purchases__rows_unresolved. -#}
with spend as (
    select * from {{ ref('int_purchases__spend_computed') }}
    where status_code in ('MATCHED', 'EXCLUDED_OVERLAP')
),

mass as (
    select * from {{ ref('int_purchases__mass_computed') }}
    where status_code = 'MATCHED'
),

spend_overrides as (
    select * from {{ ref('int_purchases__spend_computed') }}
    where status_code = 'OVERRIDE'
),

mass_overrides as (
    select * from {{ ref('stg_csv__purchases_additional') }}
    where override_kg_co2e is not null
),

spend_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        'spend' as leg_code,
        ghg_category_code,
        amount_base_eur as activity_quantity,
        'EUR' as activity_unit,
        case
            when status_code = 'EXCLUDED_OVERLAP'
                then 'co2calc_purchase_exclusions:purchases:' || excluded_code_system || '.' || excluded_code
            else factor_id
        end as factor_id,
        case
            when status_code = 'EXCLUDED_OVERLAP' then 'co2calc_purchase_exclusions' else factor_set_id
        end as factor_set_id,
        case when status_code = 'EXCLUDED_OVERLAP' then '1' else factor_set_version end as factor_set_version,
        case when status_code = 'EXCLUDED_OVERLAP' then 0 else factor_value end as factor_value,
        'kg_co2e_per_eur' as factor_unit,
        kg_co2e,
        case when status_code = 'MATCHED' then uncertainty_rel end as uncertainty_rel,
        sigma_kg,
        false as is_override,
        flags,
        jsonb_build_object(
            'total_spent_amount', total_spent_amount,
            'currency_code', currency_code,
            'currency_source', currency_source,
            'fx_rate_id', fx_rate_id,
            'fx_units_per_eur', fx_units_per_eur,
            'amount_eur', amount_eur,
            'activity_price_year', amount_price_year,
            'price_index_code', case when is_deflated then 'HICP_EA' end,
            'price_base_year', price_base_year,
            'deflator_base_id', case when is_deflated then 'HICP_EA:' || price_base_year end,
            'deflator_base_value', base_year_index_value,
            'deflator_year_id', case when is_deflated then 'HICP_EA:' || reporting_year end,
            'deflator_year_value', reporting_year_index_value,
            'match_level', match_level,
            'matched_code', matched_code,
            'institutional_code', institutional_code,
            'nacres_code', nacres_code,
            'overlapping_module', overlapping_module
        ) as leg_parameters
    from spend
),

mass_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        'mass' as leg_code,
        1 as ghg_category_code,
        mass_kg as activity_quantity,
        'kg' as activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        'kg_co2e_per_kg' as factor_unit,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        array[]::text[] as flags,
        jsonb_build_object(
            'item_name', item_name,
            'item_code', item_code,
            'consumption_unit', consumption_unit,
            'annual_consumption', annual_consumption,
            'kg_per_consumption_unit', kg_per_consumption_unit
        ) as leg_parameters
    from mass
),

spend_override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        ghg_category_code,
        null::numeric as activity_quantity,
        null::text as activity_unit,
        null::text as factor_unit,
        jsonb_build_object('institutional_code', institutional_code, 'nacres_code', nacres_code)
            as leg_parameters,
        {{ override_leg(kg_co2e="kg_co2e", flags="flags") }}
    from spend_overrides
),

mass_override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'additional' as submodule_code,
        1 as ghg_category_code,
        null::numeric as activity_quantity,
        null::text as activity_unit,
        null::text as factor_unit,
        jsonb_build_object('item_name', item_name) as leg_parameters,
        {{ override_leg() }}
    from mass_overrides
),

final as (
    {{ module_legs(
        ["spend_legs", "mass_legs", "spend_override_legs", "mass_override_legs"],
        constants={"module_code": "'purchases'", "ghg_scope": "3"},
    ) }}
)

select * from final
where {{ partition_filter() }}
