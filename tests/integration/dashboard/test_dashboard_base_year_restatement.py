"""Base-year restatement (issue 10, item 6; pipelines/restatement.py, `co2calc restate-base-year`, migration 0006) on
copies of the METHODOLOGY.md §5 worked-example warehouse, whose one year, 2025, is made the base year here
(config/institution.yaml `base_year`, a copy of the shipped file with the year changed).

The history, built once for the module (`corrected`): inventory 1 of 2025 published, then the two corrected files of
the inventories' test (test_dashboard_inventories.py) loaded and built, which move the institution's 2025 total by
amounts computed there by hand: the animal facility's rooms footprint from 90 000 to 120 000 kg makes lab 11110's
258 housings cost 258 x 15 = 3 870 kg more (a factor effect: methodology), a second W7 freezer in lab 11120 adds
406.74816 kg (an activity effect: data correction), and the imaging platform's allocation to lab 12110 is internal
to the institution (§2.4). A second copy (`restated`) then restates the base year with the command line.
"""

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.institution import BaseYear, get_institution_profile
from config.settings import get_settings
from dashboard.components.trajectory import rate_needed
from dashboard.data.scope import set_signed_scope, stored_secret
from dashboard.i18n import Translator
from dashboard.streamlit_app import LANGUAGE_KEY, UNIT_KEY, YEAR_KEY
from ingest.load import load_file
from pipelines.inventory import InventoryRefused
from pipelines.restatement import check_base_year, restate_base_year
from pipelines.run import build_models
from tests.conftest import clone_database, drop_database, pipeline_settings
from tests.integration.conftest import FIXTURES
from tests.integration.dashboard.test_dashboard_inventories import (
    CO2CALC,
    CORRECTED_FACILITY_FOOTPRINTS,
    FACILITY_FACTOR_KG,
    FREEZER_KG,
    INSTITUTION,
    LAB_11110,
    SECOND_FREEZER,
)
from tests.integration.dashboard.test_dashboard_pages import run_app

BASE_YEAR = 2025
# t CO2e, by hand (module docstring): the change of the institution's 2025 total, and of lab 11110's.
INSTITUTION_CHANGE_T = (FREEZER_KG + FACILITY_FACTOR_KG) / 1000
LAB_11110_CHANGE_T = FACILITY_FACTOR_KG / 1000


def admin() -> dict:
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "admin",
        "name": "Ada Admin",
        "groups": ["co2calc-admin"],
    }


def unit_manager() -> dict:
    """A lab head of lab 11110 (config/roles.yaml `unit_manager`)."""
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "manager",
        "name": "Mia Manager",
        "groups": ["co2calc-unit-manager"],
        "co2calc_unit_ids": [LAB_11110],
    }


@dataclass(frozen=True)
class Corrected:
    url: str
    institution_file: Path
    # The institution's 2025 headline total as inventory 1 archived it, t CO2e.
    published_t_co2e: Decimal
    lab_published_t_co2e: Decimal
    no_inventory_output: str
    # A copy of the corrected warehouse whose base year the command line restated at once, and its output.
    restated_url: str
    restated_output: str


def co2calc(url: str, institution_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CO2CALC_DATABASE_URL": url,
        "CO2CALC_INSTITUTION_FILE": str(institution_file),
        "COLUMNS": "200",
    }
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=300)


def rows(url: str, sql: str, **params: object) -> list[sa.Row]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text(sql), params).all()
    engine.dispose()
    return found


def archived_total(url: str, inventory_id: int, unit_id: str) -> Decimal:
    return rows(
        url,
        "select (row_data ->> 't_co2e')::numeric as t_co2e from inventory.reporting_rows "
        "where inventory_id = :inventory_id and table_name = 'rpt_footprint__subtree_year' "
        "and unit_id = :unit_id and reporting_year = :year and row_data ->> 'module_code' = 'all'",
        inventory_id=inventory_id,
        unit_id=unit_id,
        year=BASE_YEAR,
    )[0].t_co2e


@pytest.fixture(scope="module")
def corrected(
    postgres_server_url: str, worked_examples_warehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corrected]:
    tmp = tmp_path_factory.mktemp("restatement")
    institution_file = tmp / "institution.yaml"
    institution_file.write_text(
        get_settings()
        .institution_file.read_text(encoding="utf-8")
        .replace("  year: 2019", f"  year: {BASE_YEAR}"),
        encoding="utf-8",
    )
    url = clone_database(postgres_server_url, worked_examples_warehouse.template_url, "co2calc_restatement")
    no_inventory = co2calc(url, institution_file, "restate-base-year", "--note", "too early")
    assert no_inventory.returncode == 2
    published = co2calc(url, institution_file, "publish", "--year", str(BASE_YEAR), "--note", "base year")
    assert published.returncode == 0, published.stdout + published.stderr
    corrected_files = tmp / "corrected"
    corrected_files.mkdir()
    (corrected_files / "facility_footprints_2025.csv").write_text(CORRECTED_FACILITY_FOOTPRINTS)
    (corrected_files / "equipment_scientific_2025.csv").write_text(
        (FIXTURES / "equipment_scientific/worked_examples_2025.csv").read_text() + SECOND_FREEZER
    )
    engine = sa.create_engine(url)
    for source in ("facility_footprints", "equipment_scientific"):
        loaded = load_file(
            engine, corrected_files / f"{source}_2025.csv", source, reporting_year=BASE_YEAR, loaded_by="test"
        )
        assert loaded.outcome == "replaced", loaded.message
    engine.dispose()
    build_models(pipeline_settings(tmp), url)
    # Restated before any test checks the other copy: inventory ids come from a sequence that a rolled-back check
    # still advances.
    restated_url = clone_database(postgres_server_url, url, "co2calc_restated")
    done = co2calc(
        restated_url,
        institution_file,
        "restate-base-year",
        "--note",
        "animal facility footprint corrected",
        "--by",
        "steward.sam",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    yield Corrected(
        url,
        institution_file,
        archived_total(url, 1, INSTITUTION),
        archived_total(url, 1, LAB_11110),
        no_inventory.stdout,
        restated_url,
        done.stdout,
    )
    drop_database(postgres_server_url, restated_url)
    drop_database(postgres_server_url, url)


@pytest.fixture
def restated(corrected: Corrected) -> tuple[str, str]:
    return corrected.restated_url, corrected.restated_output


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch, corrected: Corrected) -> Iterator[None]:
    """The dashboard's and the pipeline's settings pointed at the history's institution file for one test."""
    monkeypatch.setenv("CO2CALC_INSTITUTION_FILE", str(corrected.institution_file))
    get_settings.cache_clear()
    get_institution_profile.cache_clear()
    yield
    get_settings.cache_clear()
    get_institution_profile.cache_clear()


def use_warehouse(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("CO2CALC_DATABASE_URL", url)
    get_settings.cache_clear()


def test_a_base_year_without_a_published_inventory_cannot_be_restated(corrected):
    assert (
        "the base year 2025 has no published inventory to restate: publish it first (co2calc publish --year 2025"
        in corrected.no_inventory_output
    )


def test_the_check_names_the_hand_computed_change_its_effects_and_causes(corrected, on):
    engine = sa.create_engine(corrected.url)
    check = check_base_year(engine)
    engine.dispose()

    assert check.previous_inventory_id == 1 and check.previous_t_co2e == corrected.published_t_co2e
    assert check.difference_t_co2e == INSTITUTION_CHANGE_T
    assert check.activity_effect_t_co2e == FREEZER_KG / 1000
    assert check.factor_effect_t_co2e == FACILITY_FACTOR_KG / 1000
    assert check.coverage_effect_t_co2e == 0
    assert (check.units_added, check.units_removed, check.units_moved) == (0, 0, 0)
    assert check.causes == ("methodology", "data_correction")
    # Nothing was published by the check.
    assert rows(corrected.url, "select count(*) as n from inventory.inventories")[0].n == 1


def test_within_the_threshold_the_restatement_is_refused_and_nothing_is_published_or_logged(corrected, on):
    share_pct = float(INSTITUTION_CHANGE_T / corrected.published_t_co2e * 100)
    # A threshold just above the change's share (by hand: 4.27674816 t over the published total).
    above = BaseYear(year=BASE_YEAR, restatement_threshold_pct=share_pct * 1.01)
    engine = sa.create_engine(corrected.url)
    with pytest.raises(InventoryRefused, match=r"changed by \+4\.277 t CO2e .* within the .* threshold"):
        restate_base_year(engine, "not needed", base_year=above)
    engine.dispose()

    assert rows(corrected.url, "select count(*) as n from inventory.inventories")[0].n == 1
    assert rows(corrected.url, "select count(*) as n from inventory.base_year_restatements")[0].n == 0


def test_a_restatement_is_logged_with_reason_who_when_both_inventories_totals_and_effects(
    corrected, restated
):
    url, done = restated
    logged = rows(url, "select * from inventory.base_year_restatements")
    restated_inventory = rows(url, "select * from inventory.inventories where inventory_id = 2")[0]

    assert len(logged) == 1
    entry = logged[0]
    assert (entry.base_year, entry.previous_inventory_id, entry.restated_inventory_id) == (BASE_YEAR, 1, 2)
    assert entry.previous_t_co2e == corrected.published_t_co2e
    assert entry.restated_t_co2e == corrected.published_t_co2e + INSTITUTION_CHANGE_T
    assert entry.restated_t_co2e == archived_total(url, 2, INSTITUTION)
    assert entry.activity_effect_t_co2e == FREEZER_KG / 1000
    assert entry.factor_effect_t_co2e == FACILITY_FACTOR_KG / 1000
    assert entry.coverage_effect_t_co2e == 0
    assert (entry.reason, entry.restated_by, entry.threshold_pct) == (
        "animal facility footprint corrected",
        "steward.sam",
        5,
    )
    assert entry.restated_at == restated_inventory.published_at
    assert restated_inventory.note == "Base year 2025 restated: animal facility footprint corrected"
    assert "Restated: inventory 2 is the base year from now on (restatement 1" in done
    assert "causes: methodology, data_correction" in done


def test_the_base_year_is_not_published_a_second_time_but_restated(corrected):
    again = co2calc(
        corrected.url, corrected.institution_file, "publish", "--year", str(BASE_YEAR), "--note", "v2"
    )

    assert again.returncode == 2
    assert (
        "2025 is the base year and inventory 1 publishes it: a new base year is published by a restatement"
        in (again.stdout)
    )
    assert rows(corrected.url, "select count(*) as n from inventory.inventories")[0].n == 1


def test_restating_again_without_a_new_change_is_refused(corrected, restated):
    url, _ = restated
    again = co2calc(url, corrected.institution_file, "restate-base-year", "--note", "again")

    assert again.returncode == 2
    assert "changed by +0.000 t CO2e (+0.00 %) since inventory 2, within the 5 % threshold" in again.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "update inventory.base_year_restatements set reason = 'other'",
        "delete from inventory.base_year_restatements",
        "truncate inventory.base_year_restatements",
    ],
)
def test_the_restatement_log_is_append_only_even_for_the_owner(restated, statement):
    url, _ = restated
    engine = sa.create_engine(url)
    with engine.begin() as connection, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        connection.execute(sa.text(statement))
    engine.dispose()


def test_the_dashboards_role_reads_who_when_and_why_but_neither_totals_nor_writes(restated):
    url, _ = restated
    engine = sa.create_engine(url)
    role = get_settings().dashboard_db_role
    with engine.connect() as connection:
        secret = stored_secret(connection)

    def as_role(sql: str) -> list[sa.Row] | str:
        with engine.connect() as connection, connection.begin():
            connection.execute(sa.text(f"set local role {role}"))
            pid = connection.execute(sa.text("select pg_backend_pid()")).scalar_one()
            set_signed_scope(connection, secret, pid, [LAB_11110])
            try:
                return connection.execute(sa.text(sql)).all()
            except sa.exc.ProgrammingError as error:
                return str(error.orig)

    assert [
        row.reason for row in as_role("select reason, restated_by from inventory.base_year_restatements")
    ] == ["animal facility footprint corrected"]
    assert "permission denied" in as_role("select previous_t_co2e from inventory.base_year_restatements")
    assert "permission denied" in as_role(
        "insert into inventory.base_year_restatements (base_year, previous_inventory_id, restated_inventory_id, "
        "previous_t_co2e, restated_t_co2e, activity_effect_t_co2e, factor_effect_t_co2e, coverage_effect_t_co2e, "
        "units_added, units_removed, units_moved, threshold_pct, reason, restated_by, restated_at) "
        "values (2025, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 'x', 'manager', now())"
    )
    engine.dispose()


def path_at_base_year(app) -> float:
    table = app.dataframe[-1].value
    return float(table.loc[table["reporting_year"] == BASE_YEAR, "target_path_t_co2e"].iloc[0])


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_the_trajectory_warns_an_admin_beyond_the_threshold_names_the_change_and_keeps_the_published_base(
    corrected, on, monkeypatch, language
):
    use_warehouse(monkeypatch, corrected.url)
    tr = Translator(language)
    app = run_app(admin(), "trajectory", {YEAR_KEY: BASE_YEAR, UNIT_KEY: INSTITUTION, LANGUAGE_KEY: language})

    warnings = [warning.value for warning in app.warning]
    published = float(corrected.published_t_co2e)
    change = float(INSTITUTION_CHANGE_T)
    assert any(
        tr.number(published) in text
        and f"+{tr.number(change)}" in text
        and tr.percent(change / published, 1) in text
        for text in warnings
    ), warnings
    moved = app.dataframe[0].value
    assert sorted(moved["difference_t_co2e"].round(6)) == [
        round(float(FREEZER_KG / 1000), 6),
        round(float(FACILITY_FACTOR_KG / 1000), 6),
    ]
    assert any("co2calc restate-base-year --note" in element.value for element in app.markdown)
    # Until it is restated, the target path starts from the base year as published, not the live total.
    assert path_at_base_year(app) == pytest.approx(published, abs=1e-6)
    published_on = rows(
        corrected.url, "select published_at from inventory.inventories where inventory_id = 1"
    )[0]
    assert tr(
        "trajectory.base_year_published",
        year=BASE_YEAR,
        inventory_id=1,
        date=published_on.published_at.astimezone(UTC).strftime("%Y-%m-%d"),
    ) in [caption.value for caption in app.caption]
    page_text = " ".join(
        str(element.value) for element in [*app.warning, *app.caption, *app.info, *app.markdown]
    )
    assert "None" not in page_text and "nan" not in page_text


def test_a_unit_manager_sees_their_labs_change_but_is_not_offered_the_restatement(corrected, on, monkeypatch):
    use_warehouse(monkeypatch, corrected.url)
    app = run_app(unit_manager(), "trajectory", {YEAR_KEY: BASE_YEAR, UNIT_KEY: LAB_11110})

    warnings = " ".join(warning.value for warning in app.warning)
    tr = Translator("en")
    lab_published = float(corrected.lab_published_t_co2e)
    assert f"+{tr.number(float(LAB_11110_CHANGE_T))} t" in warnings
    assert tr.percent(float(LAB_11110_CHANGE_T) / lab_published, 1) in warnings
    assert not any("restate-base-year" in element.value for element in [*app.markdown, *app.caption])
    assert tr("trajectory.restate_who") in [caption.value for caption in app.caption]


def test_after_the_restatement_the_trajectory_measures_targets_against_the_restated_base_year(
    corrected, restated, on, monkeypatch
):
    url, _ = restated
    use_warehouse(monkeypatch, url)
    tr = Translator("en")
    app = run_app(admin(), "trajectory", {YEAR_KEY: BASE_YEAR, UNIT_KEY: INSTITUTION})

    assert not app.warning
    restated_total = float(corrected.published_t_co2e + INSTITUTION_CHANGE_T)
    assert path_at_base_year(app) == pytest.approx(restated_total, abs=1e-6)
    info = " ".join(element.value for element in app.info)
    assert (
        "The base year 2025 was restated on" in info
        and "by steward.sam: animal facility footprint corrected" in info
    )
    assert "inventory no. 2, which replaces inventory no. 1" in info
    effects = " ".join(caption.value for caption in app.caption)
    assert f"activity effect {tr.number(float(FREEZER_KG / 1000))} t" in effects
    assert f"factor effect {tr.number(float(FACILITY_FACTOR_KG / 1000))} t" in effects
    assert app.metric[0].value == tr.percent(rate_needed(0.40, BASE_YEAR, 2030), 2)


@pytest.fixture(scope="module")
def reorganised(
    postgres_server_url: str,
    worked_examples_warehouse,
    corrected: Corrected,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A copy of the worked examples with inventory 1 of 2025 published, then lab 11120 moved from the Institute of
    Urban Habitat (11100) to the Institute of Physics (12100), and a build."""
    tmp = tmp_path_factory.mktemp("reorganised")
    url = clone_database(postgres_server_url, worked_examples_warehouse.template_url, "co2calc_reorganised")
    published = co2calc(
        url, corrected.institution_file, "publish", "--year", str(BASE_YEAR), "--note", "base year"
    )
    assert published.returncode == 0, published.stdout + published.stderr
    moved = tmp / "units.csv"
    moved.write_text(
        (FIXTURES / "units/small_institution.csv")
        .read_text()
        .replace(
            "11120,LCA,Laboratory of Climate Adaptation,4,11100",
            "11120,LCA,Laboratory of Climate Adaptation,4,12100",
        )
    )
    engine = sa.create_engine(url)
    assert load_file(engine, moved, "units", loaded_by="test").outcome == "replaced"
    engine.dispose()
    build_models(pipeline_settings(tmp), url)
    yield url
    drop_database(postgres_server_url, url)


def test_a_lab_moved_to_another_institute_is_a_structural_change_that_leaves_the_institution_total(
    reorganised, on
):
    engine = sa.create_engine(reorganised)
    check = check_base_year(engine)
    with pytest.raises(InventoryRefused, match=r"changed by \+0\.000 t CO2e .* within the 5 % threshold"):
        restate_base_year(engine, "reorganisation")
    engine.dispose()

    # One unit moved, none added or removed; inside the institution, no total of the institution changes.
    assert (check.units_added, check.units_removed, check.units_moved) == (0, 0, 1)
    assert check.difference_t_co2e == 0 and check.causes == ("structural",)
