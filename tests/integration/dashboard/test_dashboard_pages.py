"""Every page, per role and language, rendered by Streamlit's AppTest against the warehouse (no browser).

The expected numbers come from SQL written here, independently of dashboard/data/queries.py.
"""

import io
import json
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from dashboard.auth import PageName, load_role_config, viewer_from_claims
from dashboard.components.headline import CAR_KG_CO2E_PER_KM, format_t_co2e
from dashboard.i18n import LANGUAGES, Translator
from dashboard.runtime import APP_PATH
from dashboard.session import LOGIN_ACTIVITY
from dashboard.tables import CSV_ENCODING

PAGES_DIR = Path(APP_PATH).parent / "app_pages"
ROLES = [rule.role for rule in load_role_config(get_settings().roles_file).roles]
LANGUAGE_KEY = "filter_language"


def run_app(user: dict, page: str | None = None, session_state: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(APP_PATH), default_timeout=60)
    app.user = user
    for key, value in (session_state or {}).items():
        app.session_state[key] = value
    app.run()
    if page is not None:
        app.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def metric_value(app: AppTest, label: str) -> str:
    return next(metric.value for metric in app.metric if metric.label == label)


def test_an_anonymous_visitor_sees_only_the_login_page(dashboard_database):
    app = run_app({"is_logged_in": False})

    assert [button.label for button in app.button] == ["Log in"]
    assert not app.metric and not app.sidebar.selectbox


def test_a_user_whose_groups_map_to_no_role_is_refused(dashboard_database):
    app = run_app(
        {"is_logged_in": True, "iat": time.time(), "email": "guest@example.org", "groups": ["library-staff"]}
    )

    assert "guest@example.org has no co2calc role" in app.error[0].value
    # The language picker only: no year, no unit, no number.
    assert not app.metric and [box.key for box in app.sidebar.selectbox] == [LANGUAGE_KEY]


def test_the_refusal_speaks_the_language_picked(dashboard_database):
    app = run_app(
        {"is_logged_in": True, "iat": time.time(), "email": "guest@example.org", "groups": ["library-staff"]},
        session_state={LANGUAGE_KEY: "de"},
    )

    assert "guest@example.org hat keine co2calc-Rolle" in app.error[0].value


def assert_only_the_login_page(app: AppTest, tr: Translator, reason: str) -> None:
    settings = get_settings()
    assert [warning.value for warning in app.warning] == [
        tr(
            f"session.ended_{reason}",
            idle_minutes=settings.session_idle_minutes,
            max_hours=settings.session_max_hours,
        )
    ]
    assert [button.label for button in app.button] == [tr("login.button")]
    # No sidebar (no year, unit or language picker), no number, no table, no chart.
    assert not app.sidebar.selectbox and not app.sidebar.button
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_login_older_than_its_lifetime_gets_the_login_page_with_the_reason_and_no_data(
    dashboard_database, user_of_role, language
):
    lifetime_s = get_settings().session_max_hours * 3600
    user = user_of_role("institution") | {"iat": time.time() - lifetime_s - 60}

    app = run_app(user, session_state={LANGUAGE_KEY: language})

    assert_only_the_login_page(app, Translator(language), "lifetime")


def test_a_login_idle_longer_than_the_idle_time_gets_the_login_page_even_in_a_new_tab(
    dashboard_database, user_of_role
):
    idle_s = get_settings().session_idle_minutes * 60
    lifetime_s = get_settings().session_max_hours * 3600
    user = user_of_role("unit_manager") | {"iat": time.time() - 3 * idle_s}
    # The login's last view, two idle times ago (in another tab: the clock belongs to the login).
    assert LOGIN_ACTIVITY.check(user, time.time() - 2 * idle_s, idle_s, lifetime_s) is None

    app = run_app(user)

    assert_only_the_login_page(app, Translator("en"), "idle")


def test_a_login_whose_id_token_has_no_iat_is_not_opened(dashboard_database, user_of_role):
    user = {key: value for key, value in user_of_role("admin").items() if key != "iat"}

    app = run_app(user)

    assert_only_the_login_page(app, Translator("en"), "no_issue_time")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_renders_in_every_language_with_a_text_under_every_chart_and_a_logout(
    dashboard_database, user_of_role, role, language
):
    user = user_of_role(role)
    pages = viewer_from_claims(user, load_role_config(get_settings().roles_file)).pages
    tr = Translator(language)
    in_words = tr("chart.text_alternative", summary="")
    app = run_app(user, session_state={LANGUAGE_KEY: language})

    assert app.title[0].value == tr(f"{pages[0]}.title"), "the role's first page opens after login"
    for page in pages:
        app.switch_page(str(PAGES_DIR / f"{page}.py")).run()

        assert not app.exception, (page, [exception.message for exception in app.exception])
        assert app.title[0].value == tr(f"{page}.title")
        assert tr("sidebar.logout") in [button.label for button in app.sidebar.button], (page, "no logout")
        charts = app.get("plotly_chart")
        alternatives = [caption for caption in app.caption if caption.value.startswith(in_words)]
        assert len(alternatives) == len(charts), (page, "a chart without its text alternative")
        translated = {tr("table.download_csv"), tr("report.download")}
        assert all(button.label in translated for button in app.get("download_button"))


def test_each_role_gets_its_pages_and_no_other(dashboard_database, user_of_role):
    config = load_role_config(get_settings().roles_file)

    pages = {role: viewer_from_claims(user_of_role(role), config).pages for role in ROLES}

    assert set(pages["admin"]) == set(PageName)
    assert pages["steward"][0] == PageName.DATA_QUALITY
    assert PageName.DATA_QUALITY not in pages["institution"] + pages["unit_manager"] + pages["school"]
    assert PageName.TRAVEL not in pages["unit_member"]


def _sql_one(url: str, sql: str, **params: object) -> float:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(sa.text(sql), params).scalar_one()
    engine.dispose()
    return float(value or 0)


SUBTREE_FTE = """
select sum(headcount.fte)
from reporting.rpt_headcount__unit_year as headcount
inner join reporting.rpt_units as units on headcount.unit_id = units.unit_id
where headcount.reporting_year = :year and cast(:unit_id as text) = any(units.ancestor_unit_ids)
"""
SUBTREE_UNRESOLVED = """
select count(*)
from reporting.rpt_quality__unmatched_rows as unresolved
inner join reporting.rpt_units as units on unresolved.unit_id = units.unit_id
where unresolved.reporting_year = :year and cast(:unit_id as text) = any(units.ancestor_unit_ids)
"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("institution", "institution"),
        ("school", "school"),
        ("unit_manager", "visible"),
        ("unit_member", "visible"),
    ],
)
def test_the_overview_shows_the_scopes_total_per_fte_car_km_and_unresolved_rows_as_sql_counts_them(
    dashboard_database, user_of_role, lab_pair, role, expected, language
):
    tr = Translator(language)
    app = run_app(user_of_role(role), session_state={LANGUAGE_KEY: language})
    unit_id = app.sidebar.selectbox(key="filter_unit_id").value
    t_co2e = {
        "institution": lab_pair.institution_t_co2e,
        "school": lab_pair.school_t_co2e,
        "visible": lab_pair.visible_t_co2e,
    }[expected]
    fte = _sql_one(dashboard_database, SUBTREE_FTE, year=lab_pair.reporting_year, unit_id=unit_id)
    unresolved = _sql_one(
        dashboard_database, SUBTREE_UNRESOLVED, year=lab_pair.reporting_year, unit_id=unit_id
    )

    assert metric_value(app, tr("overview.total")) == format_t_co2e(t_co2e, language)
    assert metric_value(app, tr("overview.per_fte")) == tr.number(t_co2e / fte)
    assert (
        metric_value(app, tr("overview.car_km")) == f"{tr.number(t_co2e * 1000 / CAR_KG_CO2E_PER_KM, 0)} km"
    )
    assert metric_value(app, tr("overview.unresolved")) == tr.number(unresolved, 0)


def test_the_institution_overview_totals_every_lab(dashboard_database, institution_user, lab_pair):
    app = run_app(institution_user)

    assert app.sidebar.selectbox(key="filter_reporting_year").value == lab_pair.reporting_year
    assert metric_value(app, "Total (t CO2e)") == format_t_co2e(lab_pair.institution_t_co2e)


def test_a_unit_manager_sees_their_lab_total_and_not_another_labs(
    dashboard_database, unit_manager_user, lab_pair
):
    app = run_app(unit_manager_user)

    assert app.sidebar.selectbox(key="filter_unit_id").options == [
        app.sidebar.selectbox(key="filter_unit_id").format_func(lab_pair.visible_unit_id)
    ]
    total = metric_value(app, "Total (t CO2e)")
    assert total == format_t_co2e(lab_pair.visible_t_co2e)
    assert total != format_t_co2e(lab_pair.hidden_t_co2e)
    assert total != format_t_co2e(lab_pair.institution_t_co2e)


def test_a_unit_manager_who_forces_another_lab_into_the_picker_still_sees_only_their_own(
    dashboard_database, unit_manager_user, lab_pair
):
    app = run_app(unit_manager_user, session_state={"filter_unit_id": lab_pair.hidden_unit_id})

    assert app.sidebar.selectbox(key="filter_unit_id").value == lab_pair.visible_unit_id
    assert metric_value(app, "Total (t CO2e)") == format_t_co2e(lab_pair.visible_t_co2e)


def test_the_travel_page_of_a_unit_manager_adds_up_to_their_lab_total(
    dashboard_database, unit_manager_user, lab_pair
):
    app = run_app(unit_manager_user, "travel")

    planes = float(metric_value(app, "Planes (t CO2e)").replace(",", ""))
    trains = float(metric_value(app, "Trains (t CO2e)").replace(",", ""))
    assert planes + trains == pytest.approx(lab_pair.visible_travel_t_co2e, abs=0.01)


@pytest.mark.parametrize("page", list(PageName))
def test_every_table_has_a_csv_download_of_exactly_its_rows_and_columns(
    dashboard_database, user_of_role, downloads, page
):
    app = run_app(user_of_role("admin"), page)
    csv_label = Translator("en")("table.download_csv")
    buttons = [button for button in app.get("download_button") if button.label == csv_label]

    # Each table is drawn with its button right below it, so the n-th button belongs to the n-th table.
    assert len(buttons) == len(app.dataframe)
    for table, button in zip(app.dataframe, buttons, strict=True):
        download = downloads(button)
        # CSV has no types: dates are read back as text and parsed, every other column with the table's type.
        dates = [
            name for name, dtype in table.value.dtypes.items() if pd.api.types.is_datetime64_any_dtype(dtype)
        ]
        downloaded = pd.read_csv(
            io.BytesIO(download.data),
            encoding=CSV_ENCODING,
            dtype={name: dtype for name, dtype in table.value.dtypes.items() if name not in dates},
        )
        for name in dates:
            downloaded[name] = pd.to_datetime(downloaded[name]).astype(table.value[name].dtype)
        # The page hides the index, the CSV leaves it out: compare the rows in order.
        pd.testing.assert_frame_equal(downloaded, table.value.reset_index(drop=True), check_dtype=False)


def test_a_unit_managers_route_download_is_their_labs_table_named_after_the_lab_and_year(
    dashboard_database, unit_manager_user, lab_pair, downloads
):
    app = run_app(unit_manager_user, "travel")
    [routes] = app.dataframe
    [button] = app.get("download_button")

    download = downloads(button)
    downloaded = pd.read_csv(io.BytesIO(download.data), encoding=CSV_ENCODING)

    assert download.file_name == (
        f"co2calc_travel_routes_{lab_pair.visible_unit_id}_{lab_pair.reporting_year}.csv"
    )
    assert list(downloaded.columns) == [
        "submodule_code",
        "origin_name",
        "destination_name",
        "trips",
        "distance_km",
        "t_co2e",
    ]
    assert len(downloaded) == len(routes.value) > 0
    assert downloaded["t_co2e"].tolist() == routes.value["t_co2e"].tolist()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_report_of_a_unit_managers_lab_states_the_totals_the_page_shows(
    dashboard_database, unit_manager_user, lab_pair, downloads, language
):
    app = run_app(unit_manager_user, "overview", session_state={LANGUAGE_KEY: language})
    tr = Translator(language)
    [button] = [b for b in app.get("download_button") if b.label == tr("report.download")]

    download = downloads(button)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.data)).pages)

    assert download.file_name == f"co2calc_{lab_pair.visible_unit_id}_{lab_pair.reporting_year}.pdf"
    assert download.data.startswith(b"%PDF-")
    assert tr("report.title") in text
    # The report writes the total with one decimal, the page with the language's number format.
    assert f"{lab_pair.visible_t_co2e:,.1f}" in text
    assert metric_value(app, tr("overview.total")) == tr.number(lab_pair.visible_t_co2e)


def test_every_chart_saves_as_a_png_named_after_it(dashboard_database, institution_user):
    app = run_app(institution_user, "overview")

    charts = app.get("plotly_chart")
    assert charts
    for chart in charts:
        config = json.loads(chart.proto.config)
        assert config["toImageButtonOptions"]["format"] == "png"
        assert config["toImageButtonOptions"]["filename"].startswith("co2calc_overview_")
