"""Professional travel by road (`travel_cars`, METHODOLOGY.md §3.2) through the real pipeline: the module added
by following dbt/README.md "Add a module" step by step."""

import pytest

from tests.integration.pipeline.queries import query_rows


def test_car_journeys_are_travel_legs_with_the_mobitool_factor_of_their_fuel(worked_examples_url):
    legs = query_rows(
        worked_examples_url,
        """
        select r.note, f.module_code, f.submodule_code, f.leg_code, f.ghg_scope, f.ghg_category_code,
            f.factor_id, f.is_override, f.is_additional_category, f.activity_quantity, f.kg_co2e
        from marts.fct_emissions as f
        join raw.travel_cars as r on f.activity_row_id = 'travel_cars:' || r._load_id || ':' || r._row_number
        order by r._row_number
        """,
    )
    assert [(leg.note, leg.leg_code, leg.factor_id, leg.is_override) for leg in legs] == [
        ("Lausanne-Bern by petrol car", "car_petrol", "mobitool_v3_transport:road:car.petrol", False),
        ("Lausanne-Basel by electric car", "car_electric", "mobitool_v3_transport:road:car.bev", False),
        ("rental car with the agency's value", "override", "override", True),
    ]
    # 102.5 km x 2 trips x 0.186; 250 km x 0.0898; the agency's 35.2 kg verbatim.
    assert [float(leg.kg_co2e) for leg in legs] == pytest.approx([38.13, 22.45, 35.2], rel=1e-6)
    assert {(leg.module_code, leg.submodule_code, leg.ghg_scope, leg.ghg_category_code) for leg in legs} == {
        ("travel", "car", 3, 6)
    }
    assert not any(leg.is_additional_category for leg in legs)


def test_a_vehicle_without_factor_is_kept_unresolved_and_an_unknown_one_refused(worked_examples_url):
    unresolved = query_rows(
        worked_examples_url,
        """
        select q.module_code, q.submodule_code, q.status_code, r.note
        from reporting.rpt_quality__unmatched_rows as q
        join raw.travel_cars as r on q.activity_row_id = 'travel_cars:' || r._load_id || ':' || r._row_number
        """,
    )
    assert [tuple(row) for row in unresolved] == [
        ("travel", "car", "FACTOR_MISSING", "bus without a mobitool value")
    ]
    rejects = query_rows(
        worked_examples_url,
        "select row_number, column_name, reason_code from ops.rejects where source_code = 'travel_cars'",
    )
    assert [tuple(row) for row in rejects] == [(6, "vehicle_type", "ROW_ENUM")]


def test_car_travel_counts_in_the_headline_and_the_travel_report(worked_examples_url):
    footprint_t, travel_t = query_rows(
        worked_examples_url,
        """
        select
            (select sum(t_co2e) from reporting.rpt_footprint__unit_year where submodule_code = 'car'),
            (select sum(t_co2e) from reporting.rpt_travel__unit_year where submodule_code = 'car')
        """,
    )[0]
    assert float(footprint_t) == pytest.approx((38.13 + 22.45 + 35.2) / 1000, rel=1e-6)
    assert float(travel_t) == pytest.approx(float(footprint_t), rel=1e-9)
