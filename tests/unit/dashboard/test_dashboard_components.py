"""Headline numbers and plotly figures built from small frames shaped like the loaders' output."""

import math

import pandas as pd
import pytest

from config.institution import PerPersonLine
from dashboard.categories import IT_CATEGORIES, in_categories
from dashboard.components.footprint import (
    breakdown_sunburst,
    footprint_by_module_and_scope,
    intensity_against_per_person_lines,
    intensity_summary,
    largest_category_summary,
    per_person_note,
    totals_by_category,
    trends_by_module,
)
from dashboard.components.headline import (
    car_km_equivalent,
    combined_sigma_t_co2e,
    headline_for_year,
    intensity_by_year,
    t_co2e_per_fte,
)
from dashboard.components.quality import module_completeness
from dashboard.components.travel import route_map, travel_by_cabin_class, travel_by_mode
from dashboard.components.units import lab_ranking_per_fte, unit_hierarchy_sunburst, with_intensity
from dashboard.i18n import Translator
from dashboard.palette import SCOPE_COLOURS, SERIES

EN = Translator("en")


@pytest.fixture
def footprint() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "reporting_year": [2024, 2025, 2025, 2025],
            "module_code": ["travel", "travel", "travel", "buildings"],
            "submodule_code": ["plane", "plane", "train", "rooms"],
            "ghg_scope": [3, 3, 3, 2],
            "is_additional_category": [False, False, False, False],
            "t_co2e": [20.0, 21.0, 0.3, 4.0],
            "sigma_t_co2e": [None, 3.0, None, 4.0],
            "override_t_co2e": [0.0, 2.53, 0.0, None],
            "activity_row_count": [10, 11, 4, 3],
        }
    )


@pytest.fixture
def totals() -> pd.DataFrame:
    """The subtree's headline per year as dbt sums it (rpt_footprint__subtree_year, module `all`)."""
    return pd.DataFrame(
        {
            "reporting_year": [2024, 2025],
            "t_co2e": [20.0, 25.3],
            "sigma_t_co2e": [None, 5.0],
            "ci95_low_t_co2e": [None, 15.5],
            "ci95_high_t_co2e": [None, 35.1],
            "internal_reallocation_t_co2e": [0.0, 1.2],
        }
    )


@pytest.fixture
def headcount() -> pd.DataFrame:
    return pd.DataFrame({"reporting_year": [2024, 2025], "fte": [10.0, 12.4], "headcount": [11, 14]})


@pytest.fixture
def unit_totals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["11000", "11100", "10001", "10002", "10003"],
            "unit_code": ["ENX", "IIE", "HYDRO", "AIRQ", "EMPTY"],
            "unit_name": ["School", "Institute", "Hydrology lab", "Air lab", "Lab without staff"],
            "unit_level": [2, 3, 4, 4, 4],
            "parent_unit_id": ["10000", "11000", "11100", "11100", "11100"],
            "t_co2e": [31.0, 31.0, 25.3, 5.0, 0.7],
            "fte": [22.4, 22.4, 12.4, 10.0, 0.0],
        }
    )


@pytest.fixture
def travel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "submodule_code": ["plane", "plane", "train", "train"],
            "cabin_class": ["business", "economy", "first", "second"],
            "trips": [2, 30, 3, 40],
            "distance_km": [12000.0, 45000.0, 900.0, 8000.0],
            "t_co2e": [4.0, 12.0, 0.01, 0.06],
        }
    )


@pytest.fixture
def routes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "submodule_code": ["plane", "plane", "train"],
            "origin_code": ["GVA", "ZRH", "LS"],
            "origin_name": ["Geneva", "Zurich", "Lausanne"],
            "origin_latitude_deg": [46.2381, 47.4647, 46.5167],
            "origin_longitude_deg": [6.10895, 8.54917, 6.6291],
            "destination_code": ["CDG", "LAX", "GE"],
            "destination_name": ["Paris CDG", "Los Angeles", "Genève-Cornavin"],
            "destination_latitude_deg": [49.0128, 33.942496, 46.2102],
            "destination_longitude_deg": [2.55, -118.408049, 6.1424],
            "trips": [5, 1, 9],
            "distance_km": [2500.0, 9600.0, 560.0],
            "t_co2e": [0.65, 4.5, 0.004],
        }
    )


def test_intensity_of_25_3_t_over_12_4_fte_is_2_04_t_per_fte():
    assert round(t_co2e_per_fte(25.3, 12.4), 2) == 2.04


def test_intensity_is_undefined_without_fte():
    assert t_co2e_per_fte(3.0, 0.0) is None
    assert t_co2e_per_fte(3.0, None) is None
    assert t_co2e_per_fte(3.0, math.nan) is None


def test_car_km_equivalent_of_1000_kg_is_3340_km():
    assert round(car_km_equivalent(1000.0), -1) == 3340


def test_headline_sums_the_year_and_compares_with_the_previous_one(footprint, totals, headcount):
    headline = headline_for_year(footprint, totals, headcount, 2025)

    assert headline.t_co2e == pytest.approx(25.3)
    assert headline.change_t_co2e == pytest.approx(5.3)
    assert headline.t_co2e_per_fte == pytest.approx(25.3 / 12.4)
    assert headline.override_share == pytest.approx(0.1)
    assert headline.car_km_equivalent == pytest.approx(25300 / 0.2996)


def test_headline_of_the_first_year_has_no_change(footprint, totals, headcount):
    assert headline_for_year(footprint, totals, headcount, 2024).change_t_co2e is None


def test_intensity_by_year_divides_sums_of_each_year(totals, headcount):
    years = intensity_by_year(totals, headcount)

    assert years["reporting_year"].tolist() == [2024, 2025]
    assert years["t_co2e_per_fte"].tolist() == pytest.approx([2.0, 25.3 / 12.4])


def test_module_chart_has_one_stacked_trace_per_scope_summing_to_the_total(footprint):
    figure = footprint_by_module_and_scope(footprint[footprint["reporting_year"] == 2025], EN)

    assert [trace.name for trace in figure.data] == ["Scope 2", "Scope 3"]
    assert figure.layout.barmode == "stack"
    assert sum(sum(trace.y) for trace in figure.data) == pytest.approx(25.3)
    # Modules and submodules get their catalogue names.
    assert list(figure.layout.xaxis.categoryarray) == [
        "Professional travel / Plane",
        "Buildings / Rooms",
        "Professional travel / Train",
    ]


LINES = (
    PerPersonLine(
        key="reference_calculator",
        t_co2e_per_person_yr=2.0,
        is_ranking_reference=True,
        source="s",
        year=2025,
        licence="GPL-3.0",
    ),
    PerPersonLine(
        key="ipcc_ar6_1p5c",
        t_co2e_per_person_yr=1.4,
        is_ranking_reference=False,
        source="s",
        year=2021,
        licence="IPCC",
    ),
)


def test_intensity_chart_draws_each_per_person_line_as_its_own_dashed_trace_named_after_its_source(
    totals, headcount
):
    figure = intensity_against_per_person_lines(intensity_by_year(totals, headcount), LINES, EN)

    bars, reference, budget = figure.data
    assert bars.type == "bar" and list(bars.x) == ["2024", "2025"]
    assert reference.name == '2.0 t per person: EPFL CO2 calculator, "Paris agreement" line'
    assert budget.name == "1.4 t per person: IPCC AR6 budget, 1.5 °C"
    assert set(reference.y) == {2.0} and set(budget.y) == {1.4}
    assert reference.line.dash != budget.line.dash


def test_the_per_person_note_names_each_lines_source_and_year_and_calls_the_comparison_a_convention():
    note = per_person_note(LINES, Translator("de"))

    assert "2,0 t pro Person: CO2-Rechner der EPFL" in note and "(2025)" in note
    assert "1,4 t pro Person: IPCC-AR6-Budget, 1,5 °C (2021)" in note
    assert "Konvention" in note


def test_the_intensity_summary_states_the_per_person_lines(totals, headcount):
    summary = intensity_summary(intensity_by_year(totals, headcount), LINES, EN)

    assert summary.endswith("1.4 t per person: IPCC AR6 budget, 1.5 °C.")


def test_sunburst_gives_values_to_labs_only_and_roots_the_subtree(unit_totals):
    sunburst = unit_hierarchy_sunburst(unit_totals).data[0]

    assert sunburst.type == "sunburst" and sunburst.branchvalues == "remainder"
    assert list(sunburst.parents) == ["", "11000", "11100", "11100", "11100"]
    assert list(sunburst.values) == [0.0, 0.0, 25.3, 5.0, 0.7]


def test_unit_intensity_is_the_ratio_of_the_subtree_sums(unit_totals):
    school = with_intensity(unit_totals).set_index("unit_id").loc["11000", "t_co2e_per_fte"]

    assert school == pytest.approx(31.0 / 22.4)


def test_lab_ranking_lists_labs_with_staff_highest_intensity_on_top(unit_totals):
    figure = lab_ranking_per_fte(unit_totals, 10, 2.0, EN)

    bar = figure.data[0]
    assert list(bar.y) == ["AIRQ", "HYDRO"]
    assert list(bar.x) == pytest.approx([0.5, 25.3 / 12.4])
    assert figure.layout.shapes[0].x0 == 2.0


def test_lab_ranking_keeps_only_the_top_n(unit_totals):
    assert list(lab_ranking_per_fte(unit_totals, 1, 2.0, EN).data[0].y) == ["HYDRO"]


def test_mode_comparison_shows_t_km_and_trips_for_planes_and_trains(travel):
    figure = travel_by_mode(travel, EN)

    assert [list(trace.x) for trace in figure.data] == [["Plane", "Train"]] * 3
    t_co2e, distance_km, trips = (list(trace.y) for trace in figure.data)
    assert t_co2e == pytest.approx([16.0, 0.07])
    assert distance_km == pytest.approx([57000.0, 8900.0])
    assert trips == [32, 43]


def test_cabin_class_chart_has_one_trace_per_mode_with_its_classes(travel):
    figure = travel_by_cabin_class(travel, EN)

    assert {trace.name: list(trace.x) for trace in figure.data} == {
        "Plane": ["Business", "Economy"],
        "Train": ["First", "Second"],
    }


def test_route_map_draws_each_route_as_one_segment_in_its_mode_trace(routes):
    figure = route_map(routes, EN)

    lines = {trace.name: trace for trace in figure.data if trace.mode == "lines"}
    assert set(lines) == {"Plane", "Train"}
    assert list(lines["Plane"].lat) == [46.2381, 49.0128, None, 47.4647, 33.942496, None]
    assert list(lines["Train"].lon) == [6.6291, 6.1424, None]
    places = next(trace for trace in figure.data if trace.mode == "markers")
    assert len(places.lat) == 6


@pytest.fixture
def footprint_with_additional(footprint) -> pd.DataFrame:
    commuting = pd.DataFrame(
        {
            "reporting_year": [2025],
            "module_code": ["additional"],
            "submodule_code": ["commuting"],
            "ghg_scope": [3],
            "is_additional_category": [True],
            "t_co2e": [7.5],
            "sigma_t_co2e": [None],
            "override_t_co2e": [0.0],
            "activity_row_count": [12],
        }
    )
    return pd.concat([footprint, commuting], ignore_index=True)


def test_additional_categories_stay_out_of_the_headline_and_its_intensity(
    footprint_with_additional, totals, headcount
):
    headline = headline_for_year(footprint_with_additional, totals, headcount, 2025)

    assert headline.t_co2e == pytest.approx(25.3)
    assert headline.additional_t_co2e == pytest.approx(7.5)
    assert round(headline.t_co2e_per_fte, 2) == 2.04
    assert intensity_by_year(totals, headcount)["t_co2e"].tolist() == pytest.approx([20.0, 25.3])


def test_the_headline_takes_total_sigma_interval_and_reallocation_from_the_dbt_total(
    footprint, totals, headcount
):
    headline = headline_for_year(footprint, totals, headcount, 2025)

    assert (headline.t_co2e, headline.sigma_t_co2e) == pytest.approx((25.3, 5.0))
    assert (headline.ci95_low_t_co2e, headline.ci95_high_t_co2e) == pytest.approx((15.5, 35.1))
    assert headline.internal_reallocation_t_co2e == pytest.approx(1.2)
    assert headline_for_year(footprint, totals, headcount, 2024).ci95_low_t_co2e is None


def test_the_sigma_of_groups_combines_them_in_quadrature_and_is_none_without_any(footprint):
    assert combined_sigma_t_co2e(footprint[footprint["reporting_year"] == 2025]) == pytest.approx(5.0)
    assert combined_sigma_t_co2e(footprint.assign(sigma_t_co2e=None)) is None


def test_the_year_on_year_change_is_also_a_share_of_the_previous_year(footprint, totals, headcount):
    assert headline_for_year(footprint, totals, headcount, 2025).change_share == pytest.approx(
        25.3 / 20.0 - 1
    )


def test_the_breakdown_runs_from_scope_to_module_to_submodule_with_values_on_leaves_only(footprint):
    sunburst = breakdown_sunburst(footprint[footprint["reporting_year"] == 2025], EN).data[0]

    leaves = dict(zip(sunburst.ids, sunburst.values, strict=True))
    assert list(sunburst.parents[:2]) == ["", "scope2"]
    assert leaves["scope3/travel/plane"] == pytest.approx(21.0)
    assert leaves["scope3/travel"] == 0.0
    assert sum(sunburst.values) == pytest.approx(25.3)
    assert set(sunburst.marker.colors) <= set(SERIES)


def test_a_module_added_later_appears_in_every_figure_without_code(footprint):
    new_module = footprint.assign(module_code="quantum", submodule_code="cooling")

    assert "quantum / cooling" in totals_by_category(new_module, EN)["category"].tolist()
    assert [trace.name for trace in trends_by_module(new_module, EN).data] == ["quantum"]


def test_the_largest_category_summary_names_it_with_its_share_in_the_language(footprint):
    this_year = footprint[footprint["reporting_year"] == 2025]

    summary = largest_category_summary(this_year, Translator("de"))

    assert "Dienstreisen / Flugzeug" in summary and "21,00" in summary and "83,0" in summary


def test_the_it_view_takes_the_listed_leaves_and_every_leaf_of_a_whole_module():
    frame = pd.DataFrame(
        {
            "module_code": ["equipment", "equipment", "external_cloud", "purchases", "purchases"],
            "submodule_code": ["it", "scientific", "compute", "it_equipment", "services"],
        }
    )

    assert in_categories(frame, IT_CATEGORIES).tolist() == [True, False, True, True, False]


def test_completeness_per_module_is_the_share_of_rows_with_an_emission(footprint):
    unresolved = pd.DataFrame(
        {
            "reporting_year": [2025, 2025, 2024],
            "module_code": ["travel", "equipment", "travel"],
            "status_code": ["DISTANCE_MISSING", "EQUIP_NO_POWER", "FACTOR_MISSING"],
            "row_count": [5, 2, 9],
        }
    )

    completeness = module_completeness(footprint, unresolved, 2025).set_index("module_code")

    assert completeness.loc["travel", "rows_with_emission"] == 15
    assert completeness.loc["travel", "completeness_share"] == pytest.approx(15 / 20)
    assert completeness.loc["equipment", "completeness_share"] == 0.0
    assert completeness.loc["buildings", "completeness_share"] == 1.0


def test_every_colour_of_the_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}

    assert set(SERIES) == okabe_ito
    assert set(SCOPE_COLOURS.values()) <= okabe_ito
