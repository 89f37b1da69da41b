"""Retention (METHODOLOGY.md §2.3, ingest/retention.py) on a real warehouse: the worked-example travel delivered for
2024 and 2025, headcount for 2019, 2024 and 2025, purged as of 2030 (travel detail of 2024, everything of 2019)
then as of 2035, through `co2calc retention` in a real process and through the Dagster job."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from config.settings import Settings, get_settings
from dashboard.auth import ScopeKind, load_role_config
from dashboard.runtime import APP_PATH
from ingest.load import load_file
from ingest.retention import RetentionError, run_retention
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.retention.jobs import retention_job
from pipelines.run import build_models, run_pipeline
from tests.conftest import create_database, drop_database, pipeline_settings
from tests.integration.conftest import FIXTURES

# The module builds a warehouse, then rebuilds it twice: longer than the suite's 900 s on a shared machine.
pytestmark = pytest.mark.timeout(3600)
CO2CALC = str(Path(sys.executable).parent / "co2calc")
TRAVEL_TABLES = ("raw.travel_planes", "raw.travel_trains", "raw.travel_cars")


def _dated(fixture: str, year: int) -> bytes:
    """A worked-example file moved to another reporting year (its dates with it)."""
    return (FIXTURES / fixture).read_text().replace("2025-", f"{year}-").encode()


@pytest.fixture(scope="module")
def warehouse(postgres_server_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("retention")
    files = tmp / "files"
    files.mkdir()
    (files / "units.csv").write_bytes((FIXTURES / "units/small_institution.csv").read_bytes())
    for year in (2019, 2024, 2025):
        (files / f"headcount_{year}.csv").write_bytes(_dated("headcount/headcount_2025.csv", year))
    for source in ("travel_planes", "travel_trains", "travel_cars"):
        for year in (2019, 2024, 2025):
            (files / f"{source}_{year}.csv").write_bytes(_dated(f"{source}/worked_examples_2025.csv", year))
    url = create_database(postgres_server_url, "co2calc_retention")
    run_pipeline(pipeline_settings(tmp), url, files)
    engine = sa.create_engine(url)
    yield engine, url, tmp
    engine.dispose()
    drop_database(postgres_server_url, url)


def _rows(engine: sa.Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def _raw_counts(engine: sa.Engine) -> dict[tuple[str, int], int]:
    tables = (*TRAVEL_TABLES, "raw.headcount")
    return {
        (table, year): rows
        for table in tables
        for year, rows in _rows(engine, f"select reporting_year, count(*) from {table} group by 1")
    }


def _footprint(engine: sa.Engine, years: tuple[int, ...]) -> list[tuple]:
    """Every figure of the headline report for `years`, to the gram, with its row count and sigma."""
    return _rows(
        engine,
        """
        select unit_id, reporting_year, module_code, submodule_code, ghg_scope, round(t_co2e, 6),
            round(sigma_t_co2e, 6), round(override_t_co2e, 6), activity_row_count
        from reporting.rpt_footprint__unit_year where reporting_year = any(:years) order by 1, 2, 3, 4, 5
        """,
        years=list(years),
    )


def _subtree_and_travel(engine: sa.Engine, years: tuple[int, ...]) -> tuple[list[tuple], list[tuple]]:
    subtree = _rows(
        engine,
        """
        select unit_id, reporting_year, module_code, round(kg_co2e, 2), round(sigma_kg, 2), round(coverage_share, 6)
        from reporting.rpt_footprint__subtree_year where reporting_year = any(:years) order by 1, 2, 3
        """,
        years=list(years),
    )
    travel = _rows(
        engine,
        """
        select unit_id, reporting_year, submodule_code, cabin_class, trips, round(distance_km, 6), round(t_co2e, 6)
        from reporting.rpt_travel__unit_year where reporting_year = any(:years) order by 1, 2, 3, 4
        """,
        years=list(years),
    )
    return subtree, travel


def _rebuild(url: str, tmp: Path) -> None:
    """The build after a retention run, as `co2calc build` and the sensor run it: every model from raw and the
    archive (pipelines/build.py: retention makes the next build full), then published for the dashboard."""
    assert build_models(pipeline_settings(tmp), url).is_full


def _co2calc(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CO2CALC_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=300)


def _run_job(url: str, **config) -> tuple[str, int]:
    result = retention_job.execute_in_process(
        run_config={"ops": {"apply_retention": {"config": config}}},
        resources={"warehouse": WarehouseResource(database_url=url)},
    )
    assert result.success
    return result.run_id, result.output_for_node("apply_retention")


def _travel_page(url: str, year: int, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The travel page of the institution for `year`, as the director reads it."""
    monkeypatch.setenv("CO2CALC_DATABASE_URL", url)
    get_settings.cache_clear()
    rule = next(
        rule
        for rule in load_role_config(get_settings().roles_file).roles
        if rule.scope is ScopeKind.EVERYTHING
    )
    app = AppTest.from_file(str(APP_PATH), default_timeout=60)
    # `iat` now: a fresh login, within the session lifetime (dashboard/session.py).
    app.user = {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "direction",
        "name": "Dana",
        "groups": [sorted(rule.groups)[0]],
    }
    app.session_state["filter_reporting_year"] = year
    app.run()
    app.switch_page(str(Path(APP_PATH).parent / "app_pages" / "travel.py")).run()
    assert not app.exception, [exception.message for exception in app.exception]
    get_settings.cache_clear()
    return app


def _audit(engine: sa.Engine, run_id: int) -> tuple[tuple, dict]:
    run = _rows(
        engine,
        "select acted_by, is_dry_run, as_of_year, travel_detail_retention_years, results_retention_years, "
        "dagster_run_id from ops.retention_runs where retention_run_id = :id",
        id=run_id,
    )[0]
    counts = _rows(
        engine,
        "select table_name, reporting_year, retention_action, row_count from ops.retention_counts "
        "where retention_run_id = :id",
        id=run_id,
    )
    return run, {(table, year, action): rows for table, year, action, rows in counts}


def test_travel_detail_is_purged_after_five_years_with_its_totals_kept_and_every_row_after_ten(
    warehouse, monkeypatch
):
    engine, url, tmp = warehouse
    raw_before = _raw_counts(engine)
    assert {year for _table, year in raw_before} == {2019, 2024, 2025}
    footprint_before = _footprint(engine, (2024, 2025))
    subtree_before, travel_before = _subtree_and_travel(engine, (2024, 2025))
    # The 2024 travel (same trips as 2025, factors bound for both years) is in the headline before the purge.
    assert {(row[1], row[3]) for row in footprint_before} >= {(2024, "plane"), (2024, "train"), (2024, "car")}
    routes_2024 = _rows(
        engine, "select count(*) from reporting.rpt_travel__routes where reporting_year = 2024"
    )
    assert routes_2024[0][0] > 0

    # Dry run, in a real process: the plan printed and audited, nothing deleted.
    dry = _co2calc(url, "retention", "--dry-run", "--as-of", "2030", "--by", "steward")
    assert dry.returncode == 0, dry.stderr
    assert (
        "dry run: nothing deleted; as of 2030, travel detail is kept from 2025, results from 2020"
        in dry.stdout
    )
    assert f"raw.travel_planes 2024: delete {raw_before['raw.travel_planes', 2024]} rows" in dry.stdout
    assert f"raw.headcount 2019: delete {raw_before['raw.headcount', 2019]} rows" in dry.stdout
    assert "archive.emissions_frozen 2024: freeze" in dry.stdout
    assert "raw.headcount 2024" not in dry.stdout and " 2025:" not in dry.stdout
    assert _raw_counts(engine) == raw_before
    assert _rows(engine, "select count(*) from archive.emissions_frozen") == [(0,)]
    (dry_run_id,) = _rows(engine, "select max(retention_run_id) from ops.retention_runs")[0]
    dry_audit, dry_counts = _audit(engine, dry_run_id)
    assert dry_audit == ("steward", True, 2030, 5, 10, None)
    assert dry_counts[("raw.travel_trains", 2024, "deleted")] == raw_before["raw.travel_trains", 2024]

    # The real run, through the Dagster job: the plan of the dry run, executed and audited with the run id.
    dagster_run_id, run_id = _run_job(url, as_of_year=2030)
    run_audit, counts = _audit(engine, run_id)
    assert run_audit == ("dagster", False, 2030, 5, 10, dagster_run_id)
    assert counts == dry_counts
    raw_after = _raw_counts(engine)
    expected = {
        key: rows
        for key, rows in raw_before.items()
        if key[1] != 2019 and not (key[0] in TRAVEL_TABLES and key[1] == 2024)
    }
    assert raw_after == expected
    # The refused travel line of 2024 (the scooter of travel_cars) is detail too; 2025's stays.
    assert _rows(
        engine,
        "select loads.reporting_year, count(*) from ops.rejects join ops.loads using (load_id) "
        "where rejects.source_code = 'travel_cars' group by 1 order by 1",
    ) == [(2025, 1)]
    frozen = _rows(
        engine,
        "select reporting_year, retention_run_id, sum(activity_row_count) from archive.emissions_frozen group by 1, 2",
    )
    # Every 2024 trip with an emission: 4 flights, 2 train journeys, 3 car journeys (bus unresolved, scooter refused).
    assert frozen == [(2024, run_id, 9)]
    assert (
        counts[("archive.emissions_frozen", 2024, "frozen")]
        == _rows(engine, "select count(*) from archive.emissions_frozen")[0][0]
    )

    # After a rebuild, 2024 and 2025 report the same figures to the gram; 2024 has no routes and 2019 is gone.
    _rebuild(url, tmp)
    assert _footprint(engine, (2024, 2025)) == footprint_before
    assert _subtree_and_travel(engine, (2024, 2025)) == (subtree_before, travel_before)
    assert _rows(
        engine, "select reporting_year, count(*) from reporting.rpt_travel__routes group by 1 order by 1"
    ) == [(2025, routes_2024[0][0])]
    assert _rows(engine, "select count(*) from marts.fct_emissions where reporting_year = 2019") == [(0,)]
    # The dashboard's travel page shows 2024's totals and says its routes are gone; 2025 keeps its map.
    page_2024 = _travel_page(url, 2024, monkeypatch)
    planes_2024 = next(metric.value for metric in page_2024.metric if metric.label == "Planes (t CO2e)")
    page_2025 = _travel_page(url, 2025, monkeypatch)
    assert planes_2024 == next(
        metric.value for metric in page_2025.metric if metric.label == "Planes (t CO2e)"
    )
    assert [info.value for info in page_2024.info] == [
        "No route detail for 2024: travel detail is purged after the retention period, only its totals are kept."
    ]
    assert not page_2025.info
    assert [c.value for c in page_2025.caption if "routes with the highest emissions" in c.value]
    assert not [c.value for c in page_2024.caption if "routes with the highest emissions" in c.value]

    # A second run purges nothing more: it is audited with no counts.
    again = _co2calc(url, "retention", "--as-of", "2030")
    assert again.returncode == 0, again.stderr
    assert "nothing to purge" in again.stdout
    (again_id,) = _rows(engine, "select max(retention_run_id) from ops.retention_runs")[0]
    assert _audit(engine, again_id)[1] == {}
    assert _raw_counts(engine) == expected

    # Ten years on, 2024 goes whole (its frozen aggregates with it) and 2025's travel detail is frozen in turn.
    _dagster_run_id, later_id = _run_job(url, as_of_year=2035)
    later = _audit(engine, later_id)[1]
    assert (
        later[("archive.emissions_frozen", 2024, "deleted")]
        == counts[("archive.emissions_frozen", 2024, "frozen")]
    )
    assert later[("raw.headcount", 2024, "deleted")] == raw_before["raw.headcount", 2024]
    assert _rows(engine, "select distinct reporting_year from archive.emissions_frozen") == [(2025,)]
    assert _raw_counts(engine) == {("raw.headcount", 2025): raw_before["raw.headcount", 2025]}
    _rebuild(url, tmp)
    assert _footprint(engine, (2025,)) == [row for row in footprint_before if row[1] == 2025]
    assert _rows(
        engine, "select count(*) from reporting.rpt_footprint__unit_year where reporting_year = 2024"
    ) == [(0,)]


def test_a_purge_is_refused_while_the_build_does_not_match_raw(warehouse):
    engine, url, tmp = warehouse
    # A travel file loaded after the last build: freezing now would lose its trips.
    path = tmp / "travel_cars_2026.csv"
    path.write_bytes(_dated("travel_cars/worked_examples_2025.csv", 2026))
    load_file(engine, path, "travel_cars", reporting_year=2026, loaded_by="test")
    runs_before = _rows(engine, "select count(*) from ops.retention_runs")
    refused = _co2calc(url, "retention", "--as-of", "2033")
    assert refused.returncode == 1
    # 2026's four new rows; earlier years, whose travel detail is already purged, have nothing to compare.
    assert re.search(
        r"the last build does not match raw for the travel of (\d{4}, )*2026: 4 raw rows are not in it, 0 of its "
        r"rows are no longer in raw \(loaded or deleted since\)\. Run the pipeline",
        refused.stdout,
    ), refused.stdout
    assert _rows(engine, "select count(*) from raw.travel_cars where reporting_year = 2026") == [(4,)]
    assert _rows(engine, "select count(*) from ops.retention_runs") == runs_before
    with pytest.raises(RetentionError, match="the last build does not match raw"):
        run_retention(engine, Settings(), acted_by="test", dry_run=True, as_of_year=2033)


def test_a_warehouse_never_built_cannot_freeze_its_travel(fresh_database_url):
    engine = sa.create_engine(fresh_database_url)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    path = FIXTURES / "travel_cars/worked_examples_2025.csv"
    load_file(engine, path, "travel_cars", reporting_year=2025, loaded_by="test")
    with pytest.raises(
        RetentionError,
        match=r"marts\.fct_emissions does not exist or predates retention: build the warehouse first",
    ):
        run_retention(engine, Settings(), acted_by="test", dry_run=True, as_of_year=2031)
    assert _rows(engine, "select count(*) from ops.retention_runs") == [(0,)]
    # Within the limits there is nothing to freeze, so no build is needed to plan.
    result = run_retention(engine, Settings(), acted_by="test", dry_run=True, as_of_year=2030)
    assert result.counts == ()
    assert _rows(engine, "select count(*) from raw.travel_cars") == [(4,)]
    engine.dispose()
