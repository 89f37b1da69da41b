"""The expected footprint of a subtree, computed from marts.fct_emissions apart from the dbt reporting models."""

import pandas as pd
import sqlalchemy as sa

# A subtree's legs by category, from the emission rows: the units below `root` found by walking parent ids (not
# the ancestor arrays dbt builds), and a research-facility allocation whose facility unit lies in the subtree left
# out and counted apart (METHODOLOGY.md §2.4, §3.6).
SUBTREE_LEGS = """
with recursive subtree (unit_id) as (
    select unit_id from marts.dim_units where unit_id = :root
    union all
    select child.unit_id from marts.dim_units as child inner join subtree on child.parent_unit_id = subtree.unit_id
),

legs as (
    select
        emissions.*,
        coalesce(emissions.is_internal_reallocation, false)
        and emissions.facility_unit_id in (select unit_id from subtree) as is_inside
    from marts.fct_emissions as emissions
    where emissions.unit_id in (select unit_id from subtree)
)

select
    reporting_year,
    module_code,
    submodule_code,
    ghg_scope,
    is_additional_category,
    (coalesce(sum(kg_co2e) filter (where not is_inside), 0) / 1000)::float8 as t_co2e,
    (coalesce(sum(kg_co2e) filter (where is_inside), 0) / 1000)::float8 as internal_reallocation_t_co2e,
    (coalesce(sum(kg_co2e) filter (where is_override and not is_inside), 0) / 1000)::float8 as override_t_co2e
from legs
group by reporting_year, module_code, submodule_code, ghg_scope, is_additional_category
order by reporting_year, module_code, submodule_code, ghg_scope
"""


def subtree_legs(url: str, root_unit_id: str) -> pd.DataFrame:
    """The footprint of `root_unit_id`'s subtree per year and category, computed from marts.fct_emissions."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        frame = pd.read_sql(sa.text(SUBTREE_LEGS), connection, params={"root": root_unit_id})
    engine.dispose()
    return frame


def subtree_headline_t_co2e(url: str, root_unit_id: str, reporting_year: int) -> float:
    """Headline t CO2e of a subtree in a year: additional categories out (§1.7), internal reallocation out (§2.4)."""
    legs = subtree_legs(url, root_unit_id)
    headline = legs[(legs["reporting_year"] == reporting_year) & ~legs["is_additional_category"]]
    return float(headline["t_co2e"].sum())


SUBTREE_FTE = """
with recursive subtree (unit_id) as (
    select unit_id from marts.dim_units where unit_id = :root
    union all
    select child.unit_id from marts.dim_units as child inner join subtree on child.parent_unit_id = subtree.unit_id
)

select coalesce(sum(fte), 0)::float8
from marts.fct_headcount__unit_year
where reporting_year = :year and unit_id in (select unit_id from subtree)
"""


def subtree_fte(url: str, root_unit_id: str, reporting_year: int) -> float:
    """The FTE of the units of a subtree in a year (METHODOLOGY.md §2.2), from marts.fct_headcount__unit_year."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        fte = connection.execute(
            sa.text(SUBTREE_FTE), {"root": root_unit_id, "year": reporting_year}
        ).scalar_one()
    engine.dispose()
    return float(fte)
