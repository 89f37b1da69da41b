{#- One row per derived line with the factor of the set bound to its domain (factor families `commuting`
    and `food`) and its kg CO2e = activity x factor (METHODOLOGY.md §3.9 (b)). Commuting modes take the
    `average` rows of seed_factors__road, and the train mode the CH row of seed_factors__rail of the same set
    (commuting happens in Switzerland). The factor must be per the line's unit (a food intensity in kg needs a
    per-kg factor). Waste has no bound set: its lines stay FACTOR_MISSING, never 0 (§3.9 (d)). -#}
with lines as (
    select * from {{ ref('int_additional__lines_derived') }}
),

bound_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family in ('commuting', 'food')
),

road_factors as (
    select * from {{ ref('seed_factors__road') }}
    where vehicle_type = 'average'
),

rail_factors as (
    select * from {{ ref('seed_factors__rail') }}
    where country_code = 'CH' and service_code = 'average'
),

food_factors as (
    select * from {{ ref('seed_factors__food') }}
),

factors as (
    select
        factor_set_id,
        'commuting' as domain_code,
        mode_code as class_code,
        basis_code as value_unit,
        factor_id,
        value_kg_co2e_per_unit as factor_value,
        uncertainty_rel
    from road_factors
    union all
    select
        factor_set_id,
        'commuting' as domain_code,
        'train' as class_code,
        'pkm' as value_unit,
        factor_id,
        value_kg_co2e_per_pkm as factor_value,
        uncertainty_rel
    from rail_factors
    union all
    select
        factor_set_id,
        'food' as domain_code,
        diet_code as class_code,
        per_unit as value_unit,
        factor_id,
        value_kg_co2e_per_unit as factor_value,
        uncertainty_rel
    from food_factors
),

matched as (
    select
        lines.*,
        bound_sets.factor_set_id,
        bound_sets.factor_set_version,
        bound_sets.uncertainty_kind,
        factors.factor_id,
        factors.factor_value,
        case
            when bound_sets.uncertainty_kind = 'rel_ci95' then factors.uncertainty_rel / 1.96
            else factors.uncertainty_rel
        end as uncertainty_rel
    from lines
    left join bound_sets
        on
            lines.reporting_year = bound_sets.reporting_year
            and lines.domain_code = bound_sets.factor_family
    left join factors
        on
            bound_sets.factor_set_id = factors.factor_set_id
            and lines.domain_code = factors.domain_code
            and lines.class_code = factors.class_code
            and lines.value_unit = factors.value_unit
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        sius_code,
        fte,
        intensity_id,
        domain_code,
        population_code,
        class_code,
        route_code,
        leg_code,
        value_per_fte,
        value_unit,
        activity_quantity,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        activity_quantity * factor_value as kg_co2e,
        uncertainty_rel,
        abs(activity_quantity * factor_value) * uncertainty_rel as sigma_kg,
        case when factor_id is null then 'FACTOR_MISSING' else 'MATCHED' end as status_code
    from matched
)

select * from final
where {{ partition_filter() }}
