{#- One row per computed generative-AI row (overrides excluded): kg CO2e = R(band) x working_days x fte x
    EF_request (METHODOLOGY.md §3.7 (b)), R and working_days from the profile (3, 12.5, 60, 100 requests per
    person and day; 235 days), EF in kg per request from the bound set; the provider does not change the factor
    unless the set has a row for it. A blank fte_count takes the unit's member FTE of the year (flag
    AI_FTE_DEFAULTED), and a unit without headcount is AI_FTE_MISSING; `gt_100` is a floor (flag AI_BAND_FLOOR).
    No bound factor or profile constant -> FACTOR_MISSING. Rows are never dropped. -#}
with usages as (
    select * from {{ ref('stg_csv__external_ai') }}
    where override_kg_co2e is null
),

members as (
    select
        unit_id,
        reporting_year,
        sum(fte) as member_fte
    from {{ ref('stg_csv__headcount') }}
    group by unit_id, reporting_year
),

profile_parameters as (
    select
        parameter_code,
        parameter_value
    from {{ ref('seed_calc_profile_parameters') }}
    where profile_code = '{{ var("calc_profile") }}'
),

ai_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'ai'
),

ai_factors as (
    select * from {{ ref('seed_factors__ai') }}
),

factor_candidates as (
    select
        usages.activity_row_id,
        ai_factors.factor_id,
        ai_factors.value_kg_co2e_per_request,
        ai_factors.uncertainty_rel,
        row_number() over (
            partition by usages.activity_row_id
            order by ai_factors.provider = 'any'
        ) as match_rank
    from usages
    inner join ai_sets
        on usages.reporting_year = ai_sets.reporting_year
    inner join ai_factors
        on
            ai_sets.factor_set_id = ai_factors.factor_set_id
            and usages.usage_type = ai_factors.usage_type
            and ai_factors.provider in (usages.provider_name, 'any')
),

matched as (
    select
        usages.activity_row_id,
        usages.load_id,
        usages.reporting_year,
        usages.unit_id,
        usages.submodule_code,
        usages.provider_name,
        usages.usage_type,
        usages.request_band_code,
        band_values.parameter_value as requests_per_person_day,
        working_days.parameter_value as working_days,
        usages.fte_count,
        coalesce(usages.fte_count, members.member_fte) as fte_used,
        ai_sets.factor_set_id,
        ai_sets.factor_set_version,
        ai_sets.uncertainty_kind,
        factor_candidates.factor_id,
        factor_candidates.value_kg_co2e_per_request as factor_value,
        factor_candidates.uncertainty_rel as published_uncertainty_rel
    from usages
    left join profile_parameters as band_values
        on band_values.parameter_code = 'ai_band_value_' || usages.request_band_code
    left join profile_parameters as working_days
        on working_days.parameter_code = 'ai_working_days'
    left join members
        on
            usages.unit_id = members.unit_id
            and usages.reporting_year = members.reporting_year
    left join ai_sets
        on usages.reporting_year = ai_sets.reporting_year
    left join factor_candidates
        on
            usages.activity_row_id = factor_candidates.activity_row_id
            and factor_candidates.match_rank = 1
),

quantities as (
    select
        *,
        requests_per_person_day * working_days * fte_used as request_count,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel
    from matched
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        provider_name,
        usage_type,
        request_band_code,
        requests_per_person_day,
        working_days,
        fte_count,
        fte_used,
        request_count,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        request_count * factor_value as kg_co2e,
        uncertainty_rel,
        abs(request_count * factor_value) * uncertainty_rel as sigma_kg,
        array_remove(
            array[
                case when request_band_code = 'gt_100' then 'AI_BAND_FLOOR' end,
                case when fte_count is null then 'AI_FTE_DEFAULTED' end
            ],
            null
        ) as flags,
        case
            when factor_id is null or requests_per_person_day is null or working_days is null
                then 'FACTOR_MISSING'
            when fte_used is null then 'AI_FTE_MISSING'
            else 'MATCHED'
        end as status_code
    from quantities
)

select * from final
where {{ partition_filter() }}
