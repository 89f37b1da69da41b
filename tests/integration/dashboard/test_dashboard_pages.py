"""Every page, per role, rendered by Streamlit's AppTest against the warehouse (no browser)."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton

from dashboard.components.headline import format_t_co2e
from dashboard.runtime import APP_PATH
from dashboard.tables import CSV_ENCODING

PAGES = {"overview": "Overview", "units": "Units", "travel": "Travel"}
PAGES_DIR = Path(APP_PATH).parent / "app_pages"


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
    app = run_app({"is_logged_in": True, "email": "guest@example.org", "groups": ["library-staff"]})

    assert "guest@example.org has no co2calc role" in app.error[0].value
    assert not app.metric and not app.sidebar.selectbox


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ["institution", "unit_manager"])
def test_every_page_renders_for_every_role(dashboard_database, request, role, page):
    app = run_app(request.getfixturevalue(f"{role}_user"), page)

    assert app.title[0].value == PAGES[page]
    assert app.get("plotly_chart"), "the page drew no chart"


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


@dataclass(frozen=True)
class Download:
    file_name: str
    data: bytes


@pytest.fixture
def downloads(monkeypatch) -> Callable[[DownloadButton], Download]:
    """The file behind a download button. AppTest keeps its file store for one run only, so keep a copy."""
    files: dict[str, Download] = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = store(self, path_or_data, mimetype, kind, filename)
        files[file_id] = Download(file_name=filename, data=path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return lambda button: files[Path(button.proto.url).stem]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_table_has_a_csv_download_of_exactly_its_rows_and_columns(
    dashboard_database, institution_user, downloads, page
):
    app = run_app(institution_user, page)
    buttons = app.get("download_button")

    # Each table is drawn with its button right below it, so the n-th button belongs to the n-th table.
    assert len(buttons) == len(app.dataframe)
    for table, button in zip(app.dataframe, buttons, strict=True):
        download = downloads(button)
        downloaded = pd.read_csv(
            io.BytesIO(download.data), encoding=CSV_ENCODING, dtype=dict(table.value.dtypes)
        )
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
