"""Additional categories (METHODOLOGY.md §1.7, §3.9) through the real pipeline: W17 commuting from the worked-
example headcount and the *test* intensities of tests/fixtures/additional_intensities, kept out of every
headline total and reported apart."""

import pytest

from tests.integration.pipeline.queries import query_rows

W17_LEGS = {"car": 268.416, "train": 14.000, "cycling": 1.792}
W17_KG = 284.208


W17_LEGS_SQL = """
select f.leg_code, f.kg_co2e, f.module_code, f.submodule_code, f.ghg_scope, f.ghg_category_code,
    f.is_additional_category, f.factor_set_id, f.activity_quantity, f.leg_parameters ->> 'intensity_id' as intensity_id
from marts.fct_emissions as f
join raw.headcount as h on f.activity_row_id = 'headcount:' || h._load_id || ':' || h._row_number
where h.note = 'W17'
order by f.leg_code
"""


def test_w17_commuting_is_one_leg_per_mode_with_the_mobitool_factors(worked_examples_url):
    legs = query_rows(worked_examples_url, W17_LEGS_SQL)
    assert {leg.leg_code for leg in legs} == set(W17_LEGS)
    for leg in legs:
        assert float(leg.kg_co2e) == pytest.approx(W17_LEGS[leg.leg_code], rel=1e-6)
        assert (leg.module_code, leg.submodule_code, leg.ghg_scope, leg.ghg_category_code) == (
            "additional",
            "commuting",
            3,
            7,
        )
        assert leg.is_additional_category
        assert leg.factor_set_id == "mobitool_v3_transport"
        assert leg.intensity_id.startswith("additional_intensities:")
    assert sum(float(leg.kg_co2e) for leg in legs) == pytest.approx(W17_KG, rel=1e-6)


def test_headline_totals_leave_out_the_additional_categories(worked_examples_url):
    headline_t, additional_t, footprint_t, footprint_modules = query_rows(
        worked_examples_url,
        """
        select
            (select sum(kg_co2e) / 1000 from marts.fct_emissions where not is_additional_category),
            (select sum(kg_co2e) / 1000 from marts.fct_emissions where is_additional_category),
            (select sum(t_co2e) from reporting.rpt_footprint__unit_year),
            (select array_agg(distinct module_code) from reporting.rpt_footprint__unit_year)
        """,
    )[0]
    assert float(additional_t) > W17_KG / 1000
    assert float(footprint_t) == pytest.approx(float(headline_t), rel=1e-9)
    assert "additional" not in footprint_modules


def test_additional_categories_are_reported_apart_and_waste_and_food_are_not_estimated(worked_examples_url):
    rows = query_rows(
        worked_examples_url,
        """
        select submodule_code, t_co2e, estimate_status
        from reporting.rpt_additional__unit_year
        where unit_id = '11120' and reporting_year = 2025
        order by submodule_code
        """,
    )
    commuting, construction, food, waste = rows
    # Cécile (SIUS 56, FTE 0.8) matches only the general cycling row: 0.8 x 400 x 0.0056 = 1.792 kg.
    assert float(commuting.t_co2e) == pytest.approx((W17_KG + 1.792) / 1000, rel=1e-6)
    assert commuting.estimate_status == "estimated"
    assert (food.t_co2e, food.estimate_status) == (None, "not_estimated")
    assert (waste.t_co2e, waste.estimate_status) == (None, "not_estimated")
    # The unit's rooms are in buildings without construction intensity (tests/fixtures/construction_intensities).
    assert (construction.t_co2e, construction.estimate_status) == (None, "not_estimated")


def test_unestimated_categories_reach_the_quality_report_with_their_reason(worked_examples_url):
    statuses = query_rows(
        worked_examples_url,
        """
        select q.submodule_code, q.status_code
        from reporting.rpt_quality__unmatched_rows as q
        join raw.headcount as h on q.activity_row_id = 'headcount:' || h._load_id || ':' || h._row_number
        where h.note = 'W17'
        order by q.submodule_code
        """,
    )
    assert [tuple(row) for row in statuses] == [("food", "INTENSITY_MISSING"), ("waste", "FACTOR_MISSING")]
