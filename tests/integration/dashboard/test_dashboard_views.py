"""The numbers of the units, IT, trajectory and data-quality pages against SQL written here, per language."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from config.institution import get_institution_profile
from dashboard.components.trajectory import rate_needed
from dashboard.i18n import LANGUAGES, Translator
from dashboard.runtime import APP_PATH
from tests.integration.dashboard.subtree import subtree_legs

PAGES_DIR = Path(APP_PATH).parent / "app_pages"
LANGUAGE_KEY = "filter_language"


def run_page(user: dict, page: str, language: str, session_state: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(APP_PATH), default_timeout=60)
    app.user = user
    app.session_state[LANGUAGE_KEY] = language
    for key, value in (session_state or {}).items():
        app.session_state[key] = value
    app.run()
    app.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def metric_value(app: AppTest, label: str) -> str:
    return next(metric.value for metric in app.metric if metric.label == label)


def sql_rows(url: str, sql: str, **params: object) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(sql), params).all()
    engine.dispose()
    return rows


# Each lab's headline t / FTE in the school, then their median; written apart from rpt_benchmarks__school_year.
SCHOOL_LAB_INTENSITIES = """
with lab_t as (
    select footprint.unit_id, sum(footprint.t_co2e) as t_co2e
    from reporting.rpt_footprint__unit_year as footprint
    inner join reporting.rpt_emission_categories as categories
        on footprint.module_code = categories.module_code and footprint.submodule_code = categories.submodule_code
    where footprint.reporting_year = :year and not categories.is_additional_category
    group by footprint.unit_id
)
select coalesce(lab_t.t_co2e, 0) / headcount.fte as t_co2e_per_fte
from reporting.rpt_headcount__unit_year as headcount
inner join reporting.rpt_units as units on headcount.unit_id = units.unit_id
left join lab_t on headcount.unit_id = lab_t.unit_id
where headcount.reporting_year = :year and headcount.fte > 0 and units.unit_level = 4
    and units.school_unit_id = :school_unit_id
order by 1
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_units_page_places_the_lab_against_its_schools_median(
    dashboard_database, user_of_role, lab_pair, language
):
    tr = Translator(language)
    intensities = [
        float(row.t_co2e_per_fte)
        for row in sql_rows(
            dashboard_database,
            SCHOOL_LAB_INTENSITIES,
            year=lab_pair.reporting_year,
            school_unit_id=lab_pair.visible_school_unit_id,
        )
    ]
    [lab_fte] = sql_rows(
        dashboard_database,
        "select fte from reporting.rpt_headcount__unit_year where unit_id = :unit_id and reporting_year = :year",
        unit_id=lab_pair.visible_unit_id,
        year=lab_pair.reporting_year,
    )

    app = run_page(user_of_role("unit_manager"), "units", language)

    middle = len(intensities) // 2
    median = (
        intensities[middle] if len(intensities) % 2 else (intensities[middle - 1] + intensities[middle]) / 2
    )
    expected_median = tr.number(median) if len(intensities) >= 3 else "—"
    assert metric_value(app, tr("units.school_median")) == expected_median
    assert metric_value(app, tr("units.chosen_per_fte")) == tr.number(
        lab_pair.visible_t_co2e / float(lab_fte.fte)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_it_page_sums_the_it_leaves_of_every_module_in_the_scope(
    dashboard_database, user_of_role, lab_pair, language
):
    """IT equipment electricity, IT purchases, external cloud, generative AI and IT facilities (§3)."""
    tr = Translator(language)
    legs = subtree_legs(dashboard_database, lab_pair.institution_unit_id)
    year_legs = legs[legs["reporting_year"] == lab_pair.reporting_year]
    is_it = (
        ((year_legs["module_code"] == "equipment") & (year_legs["submodule_code"] == "it"))
        | ((year_legs["module_code"] == "purchases") & (year_legs["submodule_code"] == "it_equipment"))
        | year_legs["module_code"].isin(["external_cloud", "generative_ai"])
        | (
            (year_legs["module_code"] == "research_facilities")
            & (year_legs["submodule_code"] == "it_facilities")
        )
    )
    it_t_co2e = float(year_legs.loc[is_it, "t_co2e"].sum())

    app = run_page(user_of_role("institution"), "it", language)

    assert metric_value(app, tr("it.total")) == tr.number(it_t_co2e)
    assert metric_value(app, tr("it.share")) == tr.percent(it_t_co2e / lab_pair.institution_t_co2e)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_trajectory_states_the_rate_of_the_target_and_starts_the_scenario_at_the_last_actual_year(
    dashboard_database, user_of_role, lab_pair, language
):
    tr = Translator(language)
    [first_year] = sql_rows(
        dashboard_database, "select min(reporting_year) from reporting.rpt_footprint__unit_year"
    )

    app = run_page(user_of_role("institution"), "trajectory", language)

    assert metric_value(app, tr("trajectory.rate_needed")) == tr.percent(rate_needed(0.40, 2019, 2030), 2)
    [table] = app.dataframe
    first_point = table.value.iloc[0]
    assert first_point["reporting_year"] == lab_pair.reporting_year
    assert first_point["scenario_t_co2e"] == pytest.approx(lab_pair.institution_t_co2e, rel=1e-9)
    if first_year[0] > 2019:
        assert tr("trajectory.no_baseline", year=2019, first=first_year[0]) in [w.value for w in app.warning]


def test_the_ambitious_preset_cuts_every_category_by_8_percent_a_year(
    dashboard_database, user_of_role, lab_pair
):
    app = run_page(user_of_role("institution"), "trajectory", "en", {"trajectory_preset": "ambitious"})

    [table] = app.dataframe
    path = table.value.set_index("reporting_year")["scenario_t_co2e"]
    assert path.loc[2030] == pytest.approx(
        lab_pair.institution_t_co2e * 0.92 ** (2030 - lab_pair.reporting_year), rel=1e-9
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_population_switch_scales_the_scenario_by_the_projected_growth_of_the_institution(
    dashboard_database, user_of_role, lab_pair, language
):
    tr = Translator(language)
    growth = 1 + get_institution_profile().population_projection.growth_pct_per_yr / 100
    app = run_page(
        user_of_role("institution"),
        "trajectory",
        language,
        {"trajectory_preset": "ambitious", "trajectory_population": True},
    )

    [table] = app.dataframe
    path = table.value.set_index("reporting_year")["scenario_t_co2e"]
    years = 2030 - lab_pair.reporting_year
    assert path.loc[lab_pair.reporting_year] == pytest.approx(lab_pair.institution_t_co2e, rel=1e-9)
    assert path.loc[2030] == pytest.approx(
        lab_pair.institution_t_co2e * 0.92**years * growth**years, rel=1e-9
    )
    note = tr(
        "trajectory.population_note",
        ratio=tr.number(growth**years, 3),
        target_year=2030,
        year=lab_pair.reporting_year,
    )
    assert note in [caption.value for caption in app.caption]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_data_quality_page_counts_the_unresolved_rows_by_status_as_sql_does(
    dashboard_database, user_of_role, lab_pair, language
):
    tr = Translator(language)
    expected = {
        (row.module_code, row.status_code): row.row_count
        for row in sql_rows(
            dashboard_database,
            """
            select module_code, status_code, count(*) as row_count
            from reporting.rpt_quality__unmatched_rows
            where reporting_year = :year
            group by module_code, status_code
            """,
            year=lab_pair.reporting_year,
        )
    }

    app = run_page(user_of_role("steward"), "data_quality", language)

    by_status = next(
        table.value for table in app.dataframe if "status_code" in table.value and "row_count" in table.value
    )
    shown = {(row.module_code, row.status_code): row.row_count for row in by_status.itertuples(index=False)}
    assert shown == expected
    assert metric_value(app, tr("overview.unresolved")) == tr.number(sum(expected.values()), 0)


def test_showing_the_additional_categories_leaves_the_headline_total_as_it_is(
    dashboard_database, user_of_role, lab_pair
):
    tr = Translator("en")

    hidden = run_page(user_of_role("institution"), "overview", "en")
    shown = run_page(
        user_of_role("institution"), "overview", "en", {"filter_show_additional_categories": True}
    )

    assert tr("overview.additional") not in [metric.label for metric in hidden.metric]
    assert tr("overview.additional") in [metric.label for metric in shown.metric]
    assert metric_value(shown, tr("overview.total")) == metric_value(hidden, tr("overview.total"))
    assert metric_value(shown, tr("overview.total")) == tr.number(lab_pair.institution_t_co2e)
