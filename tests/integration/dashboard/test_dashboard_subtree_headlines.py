"""Every level of the hierarchy shows dbt's subtree totals, on the pages, in the PDF and in the CSV (issue 10).

The worked-example warehouse has the case that matters: lab 11120 uses the HPC platform 11130 of its own
institute 11100 (METHODOLOGY.md §3.6), so the 97.74 kg it is allocated are internal reallocation in the institute,
its school and the institution, and must be counted once there (§2.4), while the lab's own page keeps them.
Expected numbers come from marts.fct_emissions with that rule (`subtree.py`), not from the dashboard's SQL; they
are also checked against rpt_footprint__subtree_year, the model the pages read, to the gram.
"""

import io
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from dashboard.i18n import Translator
from dashboard.runtime import APP_PATH
from dashboard.tables import CSV_ENCODING
from tests.integration.dashboard.subtree import subtree_fte, subtree_legs

PAGES_DIR = Path(APP_PATH).parent / "app_pages"
YEAR = 2025
INSTITUTION, SCHOOL, INSTITUTE, LAB = "10000", "11000", "11100", "11120"
# One gram, in t CO2e.
GRAM_T = 1e-6
EN = Translator("en")


@pytest.fixture
def worked_dashboard(worked_examples_url, monkeypatch):
    monkeypatch.setenv("CO2CALC_DATABASE_URL", worked_examples_url)
    get_settings.cache_clear()
    yield worked_examples_url
    get_settings.cache_clear()


def director() -> dict:
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "director",
        "name": "Dana Direction",
        "email": "dana.direction@example.org",
        "groups": ["co2calc-institution"],
    }


def run_page(page: str, unit_id: str) -> AppTest:
    app = AppTest.from_file(str(APP_PATH), default_timeout=60)
    app.user = director()
    app.session_state["filter_unit_id"] = unit_id
    app.session_state["filter_reporting_year"] = YEAR
    app.session_state["filter_show_additional_categories"] = True
    app.run()
    app.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    assert not app.exception, [exception.message for exception in app.exception]
    assert app.sidebar.selectbox(key="filter_unit_id").value == unit_id
    return app


def metric_value(app: AppTest, label: str) -> str:
    return next(metric.value for metric in app.metric if metric.label == label)


def csv_of(downloads, app: AppTest, key: str) -> pd.DataFrame:
    """The CSV under the table `key`, built as a click builds it."""
    button = next(button for button in app.get("download_button") if button.key == f"{key}_csv")
    return pd.read_csv(io.BytesIO(downloads(button).data), encoding=CSV_ENCODING)


def nonzero_by_category(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    sums = frame.groupby(["module_code", "submodule_code"])["t_co2e"].sum()
    return {category: t_co2e for category, t_co2e in sums.items() if abs(t_co2e) > GRAM_T}


def expected_headline(url: str, unit_id: str) -> pd.DataFrame:
    legs = subtree_legs(url, unit_id)
    return legs[(legs["reporting_year"] == YEAR) & ~legs["is_additional_category"]]


def dbt_subtree_all_row(url: str, unit_id: str) -> sa.Row:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "select t_co2e::float8 as t_co2e, internal_reallocation_t_co2e::float8 as reallocated "
                "from reporting.rpt_footprint__subtree_year "
                "where unit_id = :unit_id and reporting_year = :year and module_code = 'all'"
            ),
            {"unit_id": unit_id, "year": YEAR},
        ).one()
    engine.dispose()
    return row


def test_the_independent_subtree_totals_equal_dbts_to_the_gram_with_a_reallocation_inside(worked_dashboard):
    for unit_id, reallocated_kg in ((INSTITUTION, 97.74), (SCHOOL, 97.74), (INSTITUTE, 97.74), (LAB, 0.0)):
        expected = expected_headline(worked_dashboard, unit_id)
        dbt = dbt_subtree_all_row(worked_dashboard, unit_id)
        assert dbt.t_co2e == pytest.approx(expected["t_co2e"].sum(), abs=GRAM_T)
        assert dbt.reallocated == pytest.approx(reallocated_kg / 1000, abs=GRAM_T)
    lab = expected_headline(worked_dashboard, LAB)
    assert lab.loc[lab["module_code"] == "research_facilities", "t_co2e"].sum() == pytest.approx(0.09774)


@pytest.mark.parametrize("unit_id", [INSTITUTION, SCHOOL, INSTITUTE, LAB])
def test_the_overview_and_its_pdf_show_the_subtree_total_counting_the_reallocation_once(
    worked_dashboard, downloads, unit_id
):
    expected = expected_headline(worked_dashboard, unit_id)
    total = float(expected["t_co2e"].sum())
    fte = subtree_fte(worked_dashboard, unit_id, YEAR)
    legs = subtree_legs(worked_dashboard, unit_id)
    additional = legs[(legs["reporting_year"] == YEAR) & legs["is_additional_category"]]

    app = run_page("overview", unit_id)

    assert metric_value(app, EN("overview.total")) == EN.number(total)
    assert metric_value(app, EN("overview.per_fte")) == ("—" if not fte else EN.number(total / fte))
    assert metric_value(app, EN("overview.additional")) == EN.number(float(additional["t_co2e"].sum()))
    reallocation_note = EN("overview.internal_reallocation", t_co2e=EN.number(0.09774))
    assert (reallocation_note in [caption.value for caption in app.caption]) == (unit_id != LAB)
    pdf_button = next(
        button for button in app.get("download_button") if button.label == EN("report.download")
    )
    pdf = PdfReader(io.BytesIO(downloads(pdf_button).data))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert f"{total:,.1f}" in text
    additional_table = csv_of(downloads, app, "overview_additional").set_index("submodule_code")
    by_category = additional.groupby("submodule_code")["t_co2e"].sum()
    for category, t_co2e in by_category.items():
        assert additional_table.loc[category, "t_co2e"] == pytest.approx(t_co2e, abs=GRAM_T)


@pytest.mark.parametrize("unit_id", [INSTITUTION, SCHOOL, INSTITUTE, LAB])
def test_the_breakdown_table_and_csv_add_up_to_the_subtree_total_to_the_gram(
    worked_dashboard, downloads, unit_id
):
    expected = expected_headline(worked_dashboard, unit_id)
    by_category = nonzero_by_category(expected)

    app = run_page("breakdown", unit_id)
    shown = next(frame.value for frame in app.dataframe if "share" in frame.value.columns)
    csv = csv_of(downloads, app, "breakdown_table")

    for frame in (shown, csv):
        assert frame["t_co2e"].sum() == pytest.approx(expected["t_co2e"].sum(), abs=GRAM_T)
        got = nonzero_by_category(frame)
        assert got.keys() == by_category.keys()
        for category, t_co2e in by_category.items():
            assert got[category] == pytest.approx(t_co2e, abs=GRAM_T), category


@pytest.mark.parametrize("unit_id", [INSTITUTION, SCHOOL, INSTITUTE, LAB])
def test_the_trends_csv_states_the_subtree_total_and_fte_of_the_year(worked_dashboard, downloads, unit_id):
    expected = expected_headline(worked_dashboard, unit_id)
    fte = subtree_fte(worked_dashboard, unit_id, YEAR)

    app = run_page("trends", unit_id)
    csv = csv_of(downloads, app, "trends_table").set_index("reporting_year")

    assert csv.loc[YEAR, "t_co2e"] == pytest.approx(expected["t_co2e"].sum(), abs=GRAM_T)
    assert csv.loc[YEAR, "fte"] == pytest.approx(fte, abs=1e-9)


@pytest.mark.parametrize("unit_id", [INSTITUTION, SCHOOL, INSTITUTE])
def test_the_units_page_shows_each_child_subtree_total_and_fte(worked_dashboard, downloads, unit_id):
    app = run_page("units", unit_id)
    children = csv_of(downloads, app, "units_children").set_index("unit_code")
    engine = sa.create_engine(worked_dashboard)
    with engine.connect() as connection:
        codes = dict(
            connection.execute(
                sa.text("select unit_code, unit_id from marts.dim_units where parent_unit_id = :unit_id"),
                {"unit_id": unit_id},
            ).all()
        )
    engine.dispose()

    assert set(children.index) == set(codes)
    for code, child_id in codes.items():
        expected = expected_headline(worked_dashboard, child_id)["t_co2e"].sum()
        assert children.loc[code, "t_co2e"] == pytest.approx(expected, abs=GRAM_T)
        assert children.loc[code, "fte"] == pytest.approx(
            subtree_fte(worked_dashboard, child_id, YEAR), abs=1e-9
        )
