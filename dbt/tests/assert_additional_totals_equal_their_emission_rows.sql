-- A failure means the additional categories reported apart (rpt_additional__unit_year) disagree by more than
-- 1e-6 t with their emission rows per unit, year and category: a leg was lost, counted twice, or reported
-- for a unit without headcount (METHODOLOGY.md §1.7, §3.9).
with emission_totals as (
    select
        unit_id,
        reporting_year,
        submodule_code,
        {{ kg_to_t('sum(kg_co2e)') }} as t_co2e
    from {{ ref('fct_emissions') }}
    where is_additional_category
    group by unit_id, reporting_year, submodule_code
),

additional_totals as (
    select
        unit_id,
        reporting_year,
        submodule_code,
        t_co2e
    from {{ ref('rpt_additional__unit_year') }}
    where t_co2e is not null
)

select
    emission_totals.unit_id,
    emission_totals.reporting_year,
    emission_totals.submodule_code,
    emission_totals.t_co2e as fct_t_co2e,
    additional_totals.t_co2e as additional_t_co2e
from emission_totals
full outer join additional_totals
    on
        emission_totals.unit_id = additional_totals.unit_id
        and emission_totals.reporting_year = additional_totals.reporting_year
        and emission_totals.submodule_code = additional_totals.submodule_code
where abs(coalesce(emission_totals.t_co2e, 0) - coalesce(additional_totals.t_co2e, 0)) > 0.000001
