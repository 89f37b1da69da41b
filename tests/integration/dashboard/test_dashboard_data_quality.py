"""The data-quality page's completeness grid and stale-sources table, for stewards and admins in every language,
against SQL written here."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from config.cadences import LatestLoad, evaluate_freshness, load_cadences
from config.settings import get_settings
from dashboard.i18n import LANGUAGES, Translator
from tests.integration.dashboard.test_dashboard_views import run_page, sql_rows

# Labs (level 4) with activity rows per headline module and year, with or without an emission.
DELIVERED = """
select units.unit_code, delivered.reporting_year, delivered.module_code
from (
    select unit_id, reporting_year, module_code from reporting.rpt_footprint__unit_year where activity_row_count > 0
    union
    select unit_id, reporting_year, module_code from reporting.rpt_quality__unmatched_rows
) as delivered
inner join reporting.rpt_units as units on delivered.unit_id = units.unit_id
where
    units.unit_level = 4
    -- headline modules only: the additional categories are institution-wide estimates, not lab deliveries
    and delivered.module_code in (
        select module_code from reporting.rpt_emission_categories where not is_additional_category
    )
"""
LABS = "select count(*) as lab_count from reporting.rpt_units where unit_level = 4"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["steward", "admin"])
def test_the_completeness_grid_marks_the_labs_with_rows_per_module_and_year_as_sql_does(
    dashboard_database, user_of_role, role, language
):
    tr = Translator(language)
    expected = {tuple(row) for row in sql_rows(dashboard_database, DELIVERED)}
    (labs,) = sql_rows(dashboard_database, LABS)

    app = run_page(user_of_role(role), "data_quality", language)

    table = next(
        frame.value for frame in app.dataframe if {"unit_code", "unit_name"} <= set(frame.value.columns)
    )
    modules = [
        column for column in table.columns if column not in {"unit_code", "unit_name", "reporting_year"}
    ]
    shown = {
        (row["unit_code"], row["reporting_year"], module)
        for row in table.to_dict("records")
        for module in modules
        if row[module]
    }
    assert shown == expected
    assert table["unit_code"].nunique() == labs.lab_count
    # The text alternative says how many module-years have rows from every lab, counted here from the SQL.
    years = {year for _, year, _ in expected}
    labs_per_cell = {(module, year): 0 for module in modules for year in years}
    for _, year, module in expected:
        labs_per_cell[(module, year)] += 1
    complete = sum(count == labs.lab_count for count in labs_per_cell.values())
    cells = len(labs_per_cell)
    sentence = (
        tr("summary.completeness_grid_full", cells=tr.number(cells, 0))
        if complete == cells
        else tr(
            "summary.completeness_grid", complete=tr.number(complete, 0), cells=tr.number(cells, 0), gaps="\0"
        ).split("\0")[0]
    )
    in_words = tr("chart.text_alternative", summary=sentence)
    assert any(caption.value.startswith(in_words) for caption in app.caption)


# The latest successful load per file source (feed_name null) and feed, from ops.loads itself, not the view.
LATEST_LOADS = """
select
    coalesce(feed_name, source_code) as source_name,
    max(finished_at) as finished_at,
    max(reporting_year) as reporting_year
from ops.loads
where load_status in ('active', 'replaced') and finished_at is not null
group by coalesce(feed_name, source_code)
"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["steward", "admin"])
def test_the_stale_sources_table_judges_every_source_and_feed_from_the_load_ledger(
    dashboard_database, user_of_role, role, language
):
    tr = Translator(language)
    cadences = load_cadences(get_settings().cadences_file)
    latest = {row.source_name: row for row in sql_rows(dashboard_database, LATEST_LOADS)}

    app = run_page(user_of_role(role), "data_quality", language)

    table = next(frame.value for frame in app.dataframe if "due_at" in frame.value.columns)
    shown = {row["source_name"]: row for row in table.to_dict("records")}
    assert set(shown) == set(cadences.files) | set(cadences.feeds)
    now = datetime.now(UTC)
    for name, cadence in {**cadences.files, **cadences.feeds}.items():
        loaded = latest.get(name)
        expected = evaluate_freshness(
            cadence,
            None if loaded is None else LatestLoad(loaded.finished_at, loaded.reporting_year),
            now,
        )
        assert shown[name]["status"] == tr(f"freshness.status.{expected.status}"), name
        if loaded is not None:
            assert shown[name]["last_loaded_at"] == pd.Timestamp(loaded.finished_at), name
    statuses = [row["status"] for row in table.to_dict("records")]
    order = [tr(f"freshness.status.{status}") for status in ("stale", "never_loaded", "fresh")]
    assert statuses == sorted(statuses, key=order.index), "most urgent first"
