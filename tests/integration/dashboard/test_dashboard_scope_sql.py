"""The viewer's scope is enforced by the SQL itself, whatever unit a page asks for."""

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.auth import PageName, Viewer
from dashboard.data import loaders


@pytest.fixture
def warehouse(dashboard_database) -> loaders.Warehouse:
    return loaders.connect_warehouse()


def test_a_lab_outside_the_scope_returns_no_footprint_even_when_asked_for(warehouse, lab_pair):
    scope = (lab_pair.visible_unit_id,)

    assert loaders.footprint_by_year(warehouse, scope, lab_pair.hidden_unit_id).empty
    assert loaders.subtree_totals_by_year(warehouse, scope, lab_pair.hidden_unit_id).empty
    assert loaders.headcount_by_year(warehouse, scope, lab_pair.hidden_unit_id).empty
    assert loaders.unit_totals(warehouse, scope, lab_pair.hidden_unit_id, lab_pair.reporting_year).empty
    year = lab_pair.reporting_year
    assert loaders.travel_by_cabin_class(warehouse, scope, lab_pair.hidden_unit_id, year).empty
    assert loaders.top_travel_routes(warehouse, scope, lab_pair.hidden_unit_id, year, 50).empty


def test_asking_for_the_institution_with_a_lab_scope_returns_no_institution_total(warehouse, lab_pair):
    # The institution's numbers are dbt's sums over every lab: a lab head asking for them gets nothing.
    scope = (lab_pair.visible_unit_id,)
    root_id = lab_pair.institution_unit_id

    assert loaders.footprint_by_year(warehouse, scope, root_id).empty
    assert loaders.subtree_totals_by_year(warehouse, scope, root_id).empty
    assert loaders.headcount_by_year(warehouse, scope, root_id).empty
    assert loaders.additional_by_year(warehouse, scope, root_id, lab_pair.reporting_year).empty
    lab_totals = loaders.subtree_totals_by_year(warehouse, scope, lab_pair.visible_unit_id)
    lab_total = lab_totals.loc[lab_totals["reporting_year"] == lab_pair.reporting_year, "t_co2e"]
    assert lab_total.tolist() == pytest.approx([lab_pair.visible_t_co2e], rel=1e-9)
    assert loaders.units_in_scope(warehouse, scope)["unit_id"].tolist() == [lab_pair.visible_unit_id]


def test_every_units_total_is_dbts_subtree_total_and_a_labs_is_the_sum_of_its_rows(
    warehouse, warehouse_url, lab_pair
):
    # Regression (issue 10): the units page summed lab rows over each subtree itself, counting twice the
    # allocations of a research facility to labs of the same subtree.
    viewer = Viewer(role="institution", unit_ids=None, pages=(PageName.OVERVIEW,))
    scope = loaders.allowed_unit_ids(warehouse, viewer)
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        subtree = pd.read_sql(
            sa.text("""
                select unit_id, t_co2e::float8 as t_co2e, internal_reallocation_t_co2e::float8 as reallocated
                from reporting.rpt_footprint__subtree_year
                where reporting_year = :year and module_code = 'all'
            """),
            connection,
            params={"year": lab_pair.reporting_year},
        ).set_index("unit_id")
    engine.dispose()

    assert subtree["reallocated"].max() > 0, "the warehouse needs a facility allocation inside a subtree"
    totals = loaders.unit_totals(warehouse, scope, scope[0], lab_pair.reporting_year).set_index("unit_id")

    expected = subtree["t_co2e"].reindex(totals.index, fill_value=0.0)
    pd.testing.assert_series_equal(totals["t_co2e"], expected, check_names=False, rtol=1e-12)
    assert totals.loc[scope[0], "t_co2e"] == pytest.approx(lab_pair.institution_t_co2e, rel=1e-9)
    assert totals.loc[lab_pair.hidden_unit_id, "t_co2e"] == pytest.approx(lab_pair.hidden_t_co2e, rel=1e-9)


def test_additional_categories_come_apart_from_the_headline_and_waste_is_not_estimated(warehouse, lab_pair):
    scope = loaders.allowed_unit_ids(
        warehouse, Viewer(role="institution", unit_ids=None, pages=(PageName.OVERVIEW,))
    )
    year = lab_pair.reporting_year

    additional = loaders.additional_by_year(warehouse, scope, scope[0], year).set_index("submodule_code")
    footprint = loaders.footprint_by_year(warehouse, scope, scope[0])

    assert additional.loc["commuting", "t_co2e"] > 0
    assert additional.loc["food", "t_co2e"] > 0
    # No waste factor is shipped: every lab's waste is "not estimated", a NULL total rather than 0.
    assert additional.loc["waste"].isna()["t_co2e"]
    assert additional.loc["waste", "not_estimated_unit_count"] == additional.loc["waste", "unit_count"]
    # The footprint frame carries them for the pages' additional block, flagged, never in the headline rows.
    flagged = footprint[footprint["is_additional_category"]]
    assert set(flagged["module_code"]) == {"additional"}
    assert "additional" not in set(footprint.loc[~footprint["is_additional_category"], "module_code"])


def test_the_data_quality_queries_of_a_lab_outside_the_scope_return_nothing(warehouse, lab_pair):
    scope = (lab_pair.visible_unit_id,)
    year = lab_pair.reporting_year

    assert loaders.unresolved_by_status(warehouse, scope, lab_pair.hidden_unit_id).empty
    assert loaders.unresolved_rows(warehouse, scope, lab_pair.hidden_unit_id, year, 100).empty


def test_a_school_scope_reads_the_schools_labs_and_no_lab_of_another_school(warehouse, lab_pair):
    scope = (lab_pair.visible_school_unit_id,)

    units = loaders.units_in_scope(warehouse, scope)
    footprint = loaders.footprint_by_year(warehouse, scope, lab_pair.visible_school_unit_id)
    this_year = footprint[footprint["reporting_year"] == lab_pair.reporting_year]

    assert set(units["school_unit_id"].dropna()) == {lab_pair.visible_school_unit_id}
    headline = this_year[~this_year["is_additional_category"]]
    assert headline["t_co2e"].sum() == pytest.approx(lab_pair.school_t_co2e, rel=1e-9)


def test_the_school_median_is_an_aggregate_every_scope_reads(warehouse, lab_pair):
    """rpt_benchmarks__school_year has no unit_id: a lab head reads their school's median under RLS."""
    benchmark = loaders.school_benchmark(warehouse, lab_pair.visible_school_unit_id, lab_pair.reporting_year)

    assert len(benchmark) == 1 and benchmark["lab_count"].iloc[0] >= 1
