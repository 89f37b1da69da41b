"""A build is published whole (ARCHITECTURE.md §10, issue 10): pages follow the last build that passed.

A copy of the worked-example warehouse goes through three more builds, each run the way the pipeline runs
it (the Dagster dbt asset): the first build; a correction whose build is watched half-way, when dbt has rewritten
`reporting` but the build is not yet published; and a correction whose build fails. Each look at the overview
reads the headline and, from the PDF on the same page run, the build id it was made from, so an id is never seen
with another build's numbers. Expected totals come from marts.fct_emissions (`subtree.py`), not from the pages.
"""

import io
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from dashboard.i18n import Translator
from dashboard.runtime import APP_PATH
from ingest.load import load_file
from pipelines.run import build_models
from tests.conftest import clone_database, drop_database, pipeline_settings
from tests.integration.conftest import FIXTURES
from tests.integration.dashboard.subtree import subtree_headline_t_co2e

PAGES_DIR = Path(APP_PATH).parent / "app_pages"
INSTITUTION = "10000"
YEAR = 2025
EN = Translator("en")
PLANES = FIXTURES / "travel_planes" / "worked_examples_2025.csv"


def user(group: str) -> dict:
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": group,
        "email": f"{group}@example.org",
        "groups": [group],
    }


def overview(downloads) -> tuple[str, str]:
    """(build id, headline total) as one run of the institution's overview shows them: the id from its PDF."""
    app = AppTest.from_file(str(APP_PATH), default_timeout=60)
    app.user = user("co2calc-institution")
    app.run()
    assert not app.exception, [exception.message for exception in app.exception]
    total = next(metric.value for metric in app.metric if metric.label == EN("overview.total"))
    button = next(button for button in app.get("download_button") if button.label == EN("report.download"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(downloads(button).data)).pages)
    build_id = text.split("dbt build ", 1)[1].split()[0]
    return build_id, total


def operations_page() -> AppTest:
    app = AppTest.from_file(str(APP_PATH), default_timeout=60)
    app.user = user("co2calc-steward")
    app.run()
    app.switch_page(str(PAGES_DIR / "operations.py")).run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def replace_planes(engine: sa.Engine, tmp_path: Path, keep_notes: set[str]) -> None:
    """A corrected travel_planes file for 2025 that keeps the rows whose note is in `keep_notes`."""
    header, *rows = PLANES.read_text().splitlines()
    kept = [row for row in rows if row.split(",")[7] in keep_notes]
    corrected = tmp_path / "travel_planes_2025.csv"
    corrected.write_text("\n".join([header, *kept]) + "\n")
    load_file(engine, corrected, "travel_planes", reporting_year=YEAR, loaded_by="test")


@pytest.fixture
def warehouse(postgres_server_url, worked_examples_warehouse, monkeypatch) -> Iterator[str]:
    url = clone_database(postgres_server_url, worked_examples_warehouse.template_url, "co2calc_publish")
    monkeypatch.setenv("CO2CALC_DATABASE_URL", url)
    get_settings.cache_clear()
    st.cache_data.clear()
    yield url
    get_settings.cache_clear()
    drop_database(postgres_server_url, url)


def test_a_page_shows_the_old_build_during_a_build_the_new_one_after_and_keeps_it_when_a_build_fails(
    warehouse, tmp_path, downloads, monkeypatch
):
    # Imported once the worked-example warehouse's pipeline has made sure of the dbt manifest the assets read.
    import pipelines.defs.dbt.assets as dbt_assets

    engine = sa.create_engine(warehouse)
    first_id, first_total = overview(downloads)
    assert first_total == EN.number(subtree_headline_t_co2e(warehouse, INSTITUTION, YEAR))

    # A correction drops the agency flight W4 (420.5 kg); its build is watched once dbt has passed, before publishing.
    replace_planes(engine, tmp_path, {"W1", "W2", "W3"})
    seen_during = []
    corrected_totals = []
    publish = dbt_assets.publish_build

    def watch_then_publish(*args, **kwargs):
        # dbt has passed: marts and reporting hold the correction, only the publication is still to come.
        corrected_totals.append(EN.number(subtree_headline_t_co2e(warehouse, INSTITUTION, YEAR)))
        with engine.connect() as connection:
            reporting_total = connection.execute(
                sa.text(
                    "select t_co2e::float8 from reporting.rpt_footprint__subtree_year "
                    "where unit_id = :unit_id and reporting_year = :year and module_code = 'all'"
                ),
                {"unit_id": INSTITUTION, "year": YEAR},
            ).scalar_one()
        assert EN.number(reporting_total) == corrected_totals[0] != first_total
        st.cache_data.clear()
        seen_during.append(overview(downloads))
        return publish(*args, **kwargs)

    monkeypatch.setattr(dbt_assets, "publish_build", watch_then_publish)
    build_models(pipeline_settings(tmp_path), warehouse)
    monkeypatch.setattr(dbt_assets, "publish_build", publish)

    assert seen_during == [(first_id, first_total)]
    second_id, second_total = overview(downloads)
    assert second_id != first_id and [second_total] == corrected_totals

    # The next correction's build fails half-way (a reporting table drifted from its model): nothing changes.
    replace_planes(engine, tmp_path, {"W1", "W2"})
    with engine.begin() as connection:
        connection.exec_driver_sql("alter table reporting.rpt_travel__routes add column drifted integer")
    with pytest.raises(Exception, match="dbt"):
        build_models(pipeline_settings(tmp_path), warehouse)

    st.cache_data.clear()
    assert overview(downloads) == (second_id, second_total)
    with engine.connect() as connection:
        builds = connection.exec_driver_sql(
            "select build_id, build_status, published_at, failure_message, dbt_invocation_id, calc_profile, "
            "started_at, started_at <= finished_at as is_timed from ops.builds order by build_id"
        ).all()
    engine.dispose()
    assert [build.build_status for build in builds] == ["succeeded", "succeeded", "failed"]
    assert [build.published_at is not None for build in builds] == [True, True, False]
    assert [build.calc_profile for build in builds[:2]] == ["ch_default", "ch_default"]
    assert builds[1].dbt_invocation_id == second_id and all(build.is_timed for build in builds)
    assert "rpt_travel__routes" in builds[2].failure_message

    operations = operations_page()
    failed = builds[2]
    assert [error.value for error in operations.error] == [
        EN(
            "operations.build_failed",
            build_id=failed.build_id,
            started_at=f"{failed.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            message=failed.failure_message,
        )
    ]
    assert (
        next(metric.value for metric in operations.metric if metric.label == EN("operations.build"))
        == (second_id[:8])
    )
