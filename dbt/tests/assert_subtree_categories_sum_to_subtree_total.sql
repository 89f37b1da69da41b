-- A failure means the breakdown the dashboard shows of a subtree (rpt_footprint__subtree_category_year,
-- headline categories) does not add up (within 1e-9 t) to the subtree's headline total
-- (rpt_footprint__subtree_year, module `all`), or one of them has a subtree and year the other lacks: the two
-- would put different numbers on one page.
with category_totals as (
    select
        unit_id,
        reporting_year,
        sum(t_co2e) as t_co2e,
        sum(internal_reallocation_t_co2e) as internal_reallocation_t_co2e
    from {{ ref('rpt_footprint__subtree_category_year') }}
    where not is_additional_category
    group by unit_id, reporting_year
),

headline_totals as (
    select
        unit_id,
        reporting_year,
        t_co2e,
        internal_reallocation_t_co2e
    from {{ ref('rpt_footprint__subtree_year') }}
    where module_code = 'all'
)

select
    coalesce(category_totals.unit_id, headline_totals.unit_id) as unit_id,
    coalesce(category_totals.reporting_year, headline_totals.reporting_year) as reporting_year,
    category_totals.t_co2e as category_t_co2e,
    headline_totals.t_co2e as headline_t_co2e
from category_totals
full outer join headline_totals
    on
        category_totals.unit_id = headline_totals.unit_id
        and category_totals.reporting_year = headline_totals.reporting_year
where
    category_totals.unit_id is null
    or headline_totals.unit_id is null
    or abs(category_totals.t_co2e - headline_totals.t_co2e) > 0.000000001
    or abs(
        category_totals.internal_reallocation_t_co2e - headline_totals.internal_reallocation_t_co2e
    ) > 0.000000001
