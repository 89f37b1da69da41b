"""The quarantine page for stewards and admins, rendered by Streamlit's AppTest against a real load ledger.

The page reads `ops` only, so it runs here on `ledger_warehouse_url` (ingest ran, no dbt build) with the
selection the sidebar would hand it; `test_dashboard_pages.py` renders it through the whole app on the built
warehouse. Expected rows come from tests/fixtures/travel_planes/invalid/three_bad_rows_2025.csv.
"""

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from dashboard.auth import load_role_config, viewer_from_claims
from dashboard.data.loaders import Warehouse
from dashboard.i18n import LANGUAGES, Translator
from dashboard.runtime import APP_PATH
from dashboard.selection import SELECTION_KEY, Selection
from dashboard.tables import CSV_ENCODING
from ingest.read import CORRECTION_COLUMNS

PAGE = Path(APP_PATH).parent / "app_pages" / "quarantine.py"
FLIGHTS = Path(__file__).parents[2] / "fixtures" / "travel_planes/invalid/three_bad_rows_2025.csv"


def selection(database_url: str, role: str, language: str) -> Selection:
    config = load_role_config(get_settings().roles_file)
    rule = next(rule for rule in config.roles if rule.role == role)
    return Selection(
        warehouse=Warehouse(database_url=database_url, build_id="no build"),
        viewer=viewer_from_claims({"groups": [sorted(rule.groups)[0]]}, config),
        allowed_unit_ids=("10000",),
        reporting_year=2025,
        unit_id="10000",
        unit_label="EPS",
        school_unit_id=None,
        tr=Translator(language),
        show_additional_categories=False,
    )


@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[str, bytes]]:
    """File id -> (file name, bytes) of every download button drawn (AppTest keeps its store for one run)."""
    files: dict[str, tuple[str, bytes]] = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = store(self, path_or_data, mimetype, kind, filename)
        files[file_id] = (filename, path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files


def run_page(database_url: str, role: str, language: str) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state[SELECTION_KEY] = selection(database_url, role, language)
    app.run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["steward", "admin"])
def test_the_quarantine_lists_the_refused_rows_and_offers_the_correction_file_of_a_load(
    ledger_warehouse_url, downloads, role, language
):
    tr = Translator(language)
    app = run_page(ledger_warehouse_url, role, language)

    assert app.title[0].value == tr("quarantine.title")
    [table] = app.dataframe
    assert table.value["row_number"].tolist() == [3, 4, 6]
    assert table.value["reason_code"].tolist() == ["TRAVEL_UNKNOWN_IATA", "ROW_TYPE", "ROW_ENUM"]
    assert [metric.value for metric in app.metric] == ["3", "1"]
    assert app.info[0].value == tr("quarantine.pick_one_load")

    [load_id] = table.value["load_id"].unique().tolist()
    app.selectbox(key="quarantine_load").set_value(load_id).run()
    [button] = [b for b in app.get("download_button") if b.label == tr("quarantine.download_correction")]
    file_name, data = downloads[Path(button.proto.url).stem]
    correction = pd.read_csv(io.BytesIO(data), encoding=CSV_ENCODING, dtype=str, keep_default_na=False)

    assert file_name == f"corrections_load{load_id}_three_bad_rows_2025.csv"
    assert list(correction.columns) == [*FLIGHTS.read_text().splitlines()[0].split(","), *CORRECTION_COLUMNS]
    delivered = FLIGHTS.read_text().splitlines()
    assert correction.iloc[:, :8].apply(",".join, axis=1).tolist() == [
        delivered[2],
        delivered[3],
        delivered[5],
    ]
    assert f"--corrects {load_id}" in app.code[0].value


def test_the_reason_filter_keeps_the_rows_refused_for_that_reason(ledger_warehouse_url):
    app = run_page(ledger_warehouse_url, "steward", "en")

    app.selectbox(key="quarantine_reason").set_value("ROW_ENUM").run()

    [table] = app.dataframe
    assert table.value["row_number"].tolist() == [6]
    assert table.value["column_name"].tolist() == ["cabin_class"]


def test_a_role_without_the_ledger_is_refused(ledger_warehouse_url):
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state[SELECTION_KEY] = selection(ledger_warehouse_url, "institution", "en")
    app.run()

    [refusal] = app.exception
    assert "the role 'institution' does not read the load ledger" in refusal.message
    assert not app.dataframe
