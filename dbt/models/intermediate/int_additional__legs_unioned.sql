{#- Every additional-category leg in the emission-row shape of METHODOLOGY.md §1.3: one leg per (headcount
    row x derived line), leg_code = mode, diet or `<waste type>.<route>`. All are is_additional_category (§1.7:
    out of headline totals, per-FTE metrics and targets). Scope 3: commuting category 7, food 1, waste 5.
    Headcount rows carry no override (§1.4). Unresolved lines are in int_additional__rows_unresolved. -#}
with computed as (
    select * from {{ ref('int_additional__emissions_computed') }}
    where status_code = 'MATCHED'
),

legs as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        domain_code as submodule_code,
        leg_code,
        case domain_code
            when 'commuting' then 7
            when 'food' then 1
            when 'waste' then 5
        end as ghg_category_code,
        activity_quantity,
        value_unit as activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        'kg_co2e_per_' || value_unit as factor_unit,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        array[]::text[] as flags,
        jsonb_build_object(
            'intensity_id', intensity_id,
            'fte', fte,
            'value_per_fte', value_per_fte,
            'population_code', population_code,
            'sius_code', sius_code
        ) as leg_parameters
    from computed
),

final as (
    {{ module_legs(
        ["legs"],
        constants={"module_code": "'additional'", "ghg_scope": "3", "is_additional_category": "true"},
    ) }}
)

select * from final
where {{ partition_filter() }}
