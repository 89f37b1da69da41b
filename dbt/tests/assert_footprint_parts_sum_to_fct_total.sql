-- A failure means a reporting total disagrees (by more than 1e-6 t) with the sum of the emission rows it is
-- built from, per unit, year and module: a row was lost or double-counted between marts and reporting, or
-- fct_emissions holds rows of a unit that is not at level 4 (inventories live at level 4 and only those are
-- reported). Additional categories are not in the footprint (METHODOLOGY.md §1.7): see
-- assert_additional_totals_equal_their_emission_rows.
with emission_totals as (
    select
        unit_id,
        reporting_year,
        module_code,
        {{ kg_to_t('sum(kg_co2e)') }} as t_co2e
    from {{ ref('fct_emissions') }}
    where not is_additional_category
    group by unit_id, reporting_year, module_code
),

footprint_totals as (
    select
        unit_id,
        reporting_year,
        module_code,
        sum(t_co2e) as t_co2e
    from {{ ref('rpt_footprint__unit_year') }}
    group by unit_id, reporting_year, module_code
),

travel_totals as (
    select
        unit_id,
        reporting_year,
        'travel' as module_code,
        sum(t_co2e) as t_co2e
    from {{ ref('rpt_travel__unit_year') }}
    group by unit_id, reporting_year
)

select
    emission_totals.unit_id,
    emission_totals.reporting_year,
    emission_totals.module_code,
    emission_totals.t_co2e as fct_t_co2e,
    footprint_totals.t_co2e as footprint_t_co2e,
    travel_totals.t_co2e as travel_t_co2e
from emission_totals
full outer join footprint_totals
    on
        emission_totals.unit_id = footprint_totals.unit_id
        and emission_totals.reporting_year = footprint_totals.reporting_year
        and emission_totals.module_code = footprint_totals.module_code
left join travel_totals
    on
        emission_totals.unit_id = travel_totals.unit_id
        and emission_totals.reporting_year = travel_totals.reporting_year
        and emission_totals.module_code = travel_totals.module_code
where
    abs(coalesce(emission_totals.t_co2e, 0) - coalesce(footprint_totals.t_co2e, 0)) > 0.000001
    or (
        emission_totals.module_code = 'travel'
        and abs(emission_totals.t_co2e - coalesce(travel_totals.t_co2e, 0)) > 0.000001
    )
