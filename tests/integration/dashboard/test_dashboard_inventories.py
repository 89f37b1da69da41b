"""Published inventories (`co2calc publish`, pipelines/inventory.py) and the change between two (issue 10, items 4
and 5), on a warehouse of their own built from the METHODOLOGY.md §5 worked-example fixtures.

The history, built once for the module: the pipeline, inventory A of 2025 published by `co2calc publish` in a real
process, its reports (PDF and XLSX, English) printed from the archive at once; then two corrected files and a
rebuild, which change the live numbers in a way computed here by hand:
- facility_footprints: the rooms part of the animal facility 1321 goes from 90 000 to 120 000 kg (2 000 housings),
  so the W18 row of lab 11110 (258 housings) keeps its quantity and its factor goes from 45 to 60 kg per housing:
  a factor effect of 258 x 15 = 3 870 kg; and the imaging platform PGE-IMAGING (unit 11130, 100 hours) now declares
  5 000 kg, so lab 12110's 40 hours, unresolved before (RF_FOOTPRINT_MISSING), emit 40 / 100 x 5 000 = 2 000 kg: a
  coverage effect, left out above the institute 11100 that holds the platform (internal reallocation, §2.4);
- equipment_scientific: the same file plus a second W7 freezer in lab 11120: (480 W x 168 h) x 52 / 1000 =
  4 193.28 kWh x 0.097 = 406.74816 kg, an activity effect (the file's other rows come back under the new load's id:
  removed and added, net zero).
Then inventory B, published by the function. A's reports printed again must be byte for byte those of publication.
Last, the what-if refcalc_compat of 2025 is built (`co2calc whatif`) and published as inventory W (`--profile`): the
same activity rows as B under other factors, whose values METHODOLOGY.md §5 gives for lab 11110's trips (W1, W2, W5).
"""

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from pypdf import PdfReader

from config.settings import get_settings
from dashboard.components.inventory import inventory_report, inventory_unit_label
from dashboard.data import loaders
from dashboard.data.loaders import Inventory, Warehouse
from dashboard.data.scope import set_signed_scope, stored_secret
from dashboard.i18n import Translator
from dashboard.report_pdf import report_labels, unit_report_pdf
from dashboard.report_xlsx import unit_report_xlsx
from dashboard.streamlit_app import UNIT_KEY, YEAR_KEY
from ingest.load import load_file
from pipelines.inventory import InventoryRefused, publish_inventory
from pipelines.run import build_models
from tests.conftest import BuiltWarehouse, clone_database, drop_database, pipeline_settings
from tests.integration.conftest import FIXTURES
from tests.integration.dashboard.test_dashboard_pages import run_app

CO2CALC = str(Path(sys.executable).parent / "co2calc")
YEAR = 2025
INSTITUTION, LAB_11110, LAB_11120, LAB_12110 = "10000", "11110", "11120", "12110"
# kg CO2e, by hand (module docstring).
FREEZER_KG = Decimal("480") * 168 * 52 / 1000 * Decimal("0.097")
FACILITY_FACTOR_KG = 258 * (Decimal(120000) - Decimal(90000)) / 2000
IMAGING_KG = Decimal(40) / 100 * 5000
REPORTED_UNITS = (INSTITUTION, LAB_11110)
WHATIF_PROFILE = "refcalc_compat"
# METHODOLOGY.md §5, kg CO2e: lab 11110's flights and train trips under the headline (a) and refcalc_compat (d, b).
HEADLINE_TRIPS_KG = {"W1": Decimal("130.009256"), "W2": Decimal("901.152556"), "W5": Decimal("2.920262")}
REFCALC_TRIPS_KG = {"W1": Decimal("197.230980"), "W2": Decimal("3145.437424"), "W5": Decimal("4.084195")}

CORRECTED_FACILITY_FOOTPRINTS = """\
facility_id,facility_unit_institutional_id,facility_kind,allocation_unit,total_use,animal_type,source_module,share,footprint_kg,footprint_origin,note
1321,,animal,housings,2000,mice,rooms,1,120000,declared,rooms footprint corrected from 90 000 kg
1321,,animal,housings,2000,rodent,equipment,1,30000,declared,W18 equipment part
SCITAS-CPU,11130,it,core_hours,,,,,,per_hour_factor,W19 CPU partition
SCITAS-GPU,11130,it,gpu_hours,,,,,,per_hour_factor,W19 GPU partition
PGE-IMAGING,11130,common,hours,100,,,,5000,declared,footprint now declared by the platform
"""
SECOND_FREEZER = (
    "11120,B051234,CONGELATEUR -80 SECOND,Lab Freezer / Fridge,Recent -80C freezers (<12yo),168,0,"
    "second W7 freezer,,scientific\n"
)


@dataclass(frozen=True)
class Reports:
    pdf: bytes
    xlsx: bytes


@dataclass(frozen=True)
class History:
    url: str
    publish_output: str
    first: Inventory
    second: Inventory
    # Inventory A's reports printed from the archive right after it was published, per unit.
    first_reports: dict[str, Reports]
    whatif: Inventory


def co2calc(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CO2CALC_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=300)


def warehouse(url: str) -> Warehouse:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        build_id = connection.exec_driver_sql(
            "select dbt_invocation_id from published.rpt_build__latest"
        ).scalar_one()
    engine.dispose()
    return Warehouse(database_url=url, build_id=build_id)


def inventory(url: str, inventory_id: int) -> Inventory:
    return next(
        found for found in loaders.published_inventories(warehouse(url)) if found.inventory_id == inventory_id
    )


def archived_reports(url: str, published: Inventory, unit_id: str) -> Reports:
    """The unit's reports printed from the archive, in English, by the functions the Inventories page calls."""
    tr = Translator("en")
    house, scope = warehouse(url), (INSTITUTION,)
    report = inventory_report(
        published,
        inventory_unit_label(loaders.inventory_unit(house, scope, published.inventory_id, unit_id)),
        loaders.inventory_footprint(house, scope, published.inventory_id, unit_id),
        loaders.inventory_subtree_totals(house, scope, published.inventory_id, unit_id),
        loaders.inventory_headcount(house, scope, published.inventory_id, unit_id),
        loaders.inventory_factor_sets(house, published.inventory_id),
        tr,
    )
    labels = report_labels(tr, report.breakdown)
    return Reports(unit_report_pdf(report, labels), unit_report_xlsx(report, labels))


@pytest.fixture(scope="module")
def history(
    postgres_server_url: str,
    worked_examples_warehouse: BuiltWarehouse,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[History]:
    """A copy of the worked-example warehouse: an inventory published, new data and factors loaded and built, a
    second inventory, then a what-if's."""
    tmp = tmp_path_factory.mktemp("inventories")
    url = clone_database(postgres_server_url, worked_examples_warehouse.template_url, "co2calc_inventories")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CO2CALC_DATABASE_URL", url)
        get_settings.cache_clear()
        published = co2calc(url, "publish", "--year", str(YEAR), "--note", "2025 inventory as signed")
        assert published.returncode == 0, published.stdout + published.stderr
        first = inventory(url, 1)
        first_reports = {unit: archived_reports(url, first, unit) for unit in REPORTED_UNITS}

        corrected = tmp / "corrected"
        corrected.mkdir()
        (corrected / "facility_footprints_2025.csv").write_text(CORRECTED_FACILITY_FOOTPRINTS)
        (corrected / "equipment_scientific_2025.csv").write_text(
            (FIXTURES / "equipment_scientific/worked_examples_2025.csv").read_text() + SECOND_FREEZER
        )
        engine = sa.create_engine(url)
        for source in ("facility_footprints", "equipment_scientific"):
            loaded = load_file(
                engine, corrected / f"{source}_2025.csv", source, reporting_year=YEAR, loaded_by="test"
            )
            assert loaded.outcome == "replaced", loaded.message
        build_models(pipeline_settings(tmp), url)
        second_id = publish_inventory(
            engine, YEAR, "2025 after the corrected facility footprints", published_by="test"
        ).inventory_id
        engine.dispose()
        second = inventory(url, second_id)
        built = co2calc(url, "whatif", WHATIF_PROFILE, "--year", str(YEAR))
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        whatif = co2calc(
            url, "publish", "--year", str(YEAR), "--profile", WHATIF_PROFILE, "--note", "what-if"
        )
        assert whatif.returncode == 0, whatif.stdout + whatif.stderr
        yield History(url, published.stdout, first, second, first_reports, inventory(url, second_id + 1))
    get_settings.cache_clear()
    drop_database(postgres_server_url, url)


@pytest.fixture
def on_history(history: History, monkeypatch: pytest.MonkeyPatch) -> Iterator[History]:
    """The dashboard's settings pointed at the history's warehouse for one test."""
    monkeypatch.setenv("CO2CALC_DATABASE_URL", history.url)
    get_settings.cache_clear()
    yield history
    get_settings.cache_clear()


def rows(url: str, sql: str, **params: object) -> list[sa.Row]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text(sql), params).all()
    engine.dispose()
    return found


def change(history: History, unit_id: str) -> dict[str, sa.Row]:
    frame = loaders.inventory_change(
        warehouse(history.url),
        (INSTITUTION,),
        history.first.inventory_id,
        history.second.inventory_id,
        unit_id,
    )
    return {row.module_code: row for row in frame.itertuples(index=False)}


def test_publish_says_what_it_froze_and_records_the_build_code_loads_and_factor_sets(history):
    assert "Published inventory 1: 2025, profile ch_default" in history.publish_output
    record = rows(history.url, "select * from inventory.inventories where inventory_id = 1")[0]
    build = rows(history.url, "select build_id, dbt_invocation_id from ops.builds order by build_id")[0]
    assert (record.build_id, record.dbt_invocation_id) == (build.build_id, build.dbt_invocation_id)
    assert record.note == "2025 inventory as signed" and record.code_version.startswith(("git ", "co2calc "))
    # Every load an archived row came from, with the file's hash as ops.loads has it.
    missing = rows(
        history.url,
        "select distinct emissions.load_id from inventory.emission_rows as emissions "
        "where emissions.inventory_id = 1 and emissions.load_id is not null and not exists ("
        "select from inventory.loads as loads where loads.inventory_id = 1 and loads.load_id = emissions.load_id)",
    )
    assert missing == []
    hashes = rows(
        history.url,
        "select archived.file_sha256 = loads.file_sha256 as same from inventory.loads as archived "
        "inner join ops.loads as loads on archived.load_id = loads.load_id where archived.inventory_id = 1",
    )
    assert hashes and all(row.same for row in hashes)
    sets = {
        row.factor_set_id: row.factor_set_version
        for row in rows(history.url, "select * from inventory.factor_sets where inventory_id = 1")
    }
    assert sets["bafu_2025_electricity"] == "2025"


def test_publish_refuses_in_one_sentence_without_a_note_for_a_year_without_numbers_and_an_unbuilt_whatif(
    history,
):
    no_note = co2calc(history.url, "publish", "--year", str(YEAR), "--note", " ")
    no_year = co2calc(history.url, "publish", "--year", "2019", "--note", "x")
    no_whatif = co2calc(history.url, "publish", "--year", str(YEAR), "--note", "x", "--profile", "defra_rf")

    assert no_note.returncode == 2 and 'needs a note saying what it is (--note "...")' in no_note.stdout
    assert no_year.returncode == 2 and "no footprint for 2019; its years are 2025" in no_year.stdout
    assert no_whatif.returncode == 2 and "run `co2calc whatif defra_rf` first" in no_whatif.stdout
    assert rows(history.url, "select count(*) as n from inventory.inventories")[0].n == 3


def test_publish_refuses_while_a_build_holds_the_build_lock(history):
    engine = sa.create_engine(history.url)
    with engine.connect() as build:
        build.execute(sa.text("select pg_advisory_lock(ops.build_lock_key())"))
        with pytest.raises(InventoryRefused, match="a build is running: publish the inventory when it ends"):
            publish_inventory(engine, YEAR, "during a build")
        build.execute(sa.text("select pg_advisory_unlock(ops.build_lock_key())"))
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "update inventory.inventories set note = 'edited'",
        "delete from inventory.emission_rows where inventory_id = 1",
        "update inventory.reporting_rows set row_data = '{}'",
        "truncate inventory.loads",
        "delete from inventory.units",
    ],
)
def test_a_published_inventory_cannot_be_changed_or_deleted_even_by_the_owner(history, statement):
    engine = sa.create_engine(history.url)
    with pytest.raises(sa.exc.DBAPIError, match="is append-only"), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()
    assert rows(history.url, "select note from inventory.inventories where inventory_id = 1")[0].note == (
        "2025 inventory as signed"
    )


def test_the_dashboard_role_reads_an_inventory_only_within_its_signed_scope(history):
    engine = sa.create_engine(history.url)
    with engine.begin() as connection:
        secret = stored_secret(connection)
        backend_pid = connection.execute(sa.text("select pg_backend_pid()")).scalar_one()
        connection.execute(
            sa.text("select set_config('role', :role, true)"), {"role": get_settings().dashboard_db_role}
        )
        connection.execute(sa.text("select set_config('co2calc.allowed_unit_ids', '{12110}', true)"))
        assert connection.exec_driver_sql("select count(*) from inventory.emission_rows").scalar_one() == 0
        set_signed_scope(connection, secret, backend_pid, ["12110"])
        units = connection.exec_driver_sql("select distinct unit_id from inventory.emission_rows").scalars()
        assert set(units) == {LAB_12110}
        with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
            connection.exec_driver_sql("select * from inventory.loads")
    engine.dispose()


def test_an_inventorys_pdf_and_xlsx_print_again_byte_for_byte_after_new_data_new_factors_and_a_rebuild(
    history,
):
    st.cache_data.clear()
    for unit_id, at_publication in history.first_reports.items():
        again = archived_reports(history.url, history.first, unit_id)
        assert again.pdf == at_publication.pdf, unit_id
        assert again.xlsx == at_publication.xlsx, unit_id
    # The live numbers did change: the later inventory's institution report is another one.
    later = archived_reports(history.url, history.second, INSTITUTION)
    assert later.pdf != history.first_reports[INSTITUTION].pdf
    text = PdfReader(io.BytesIO(history.first_reports[INSTITUTION].pdf)).pages[0].extract_text()
    assert "Published inventory no. 1" in text and "2025 inventory as signed" in text


def test_the_change_at_the_institution_is_the_freezer_as_activity_and_the_facility_factor(history):
    at_institution = change(history, INSTITUTION)

    assert at_institution["equipment"].activity_effect_t_co2e == FREEZER_KG / 1000
    assert at_institution["research_facilities"].factor_effect_t_co2e == FACILITY_FACTOR_KG / 1000
    # The imaging platform is inside the institution: its allocation to lab 12110 is internal (§2.4).
    total = at_institution["all"]
    assert total.activity_effect_t_co2e == FREEZER_KG / 1000
    assert total.factor_effect_t_co2e == FACILITY_FACTOR_KG / 1000
    assert total.coverage_effect_t_co2e == 0
    assert {module for module, row in at_institution.items() if row.difference_t_co2e != 0} == {
        "equipment",
        "research_facilities",
        "all",
    }


@pytest.mark.parametrize("unit_id", [INSTITUTION, LAB_11110, LAB_11120, LAB_12110, "11100", "12000"])
def test_the_three_effects_add_up_exactly_to_the_difference_of_dbts_subtree_totals(history, unit_id):
    by_module = change(history, unit_id)
    totals = {
        (row.inventory_id, row.module_code): Decimal(row.t_co2e)
        for row in rows(
            history.url,
            "select inventory_id, row_data ->> 'module_code' as module_code, row_data ->> 't_co2e' as t_co2e "
            "from inventory.reporting_rows where table_name = 'rpt_footprint__subtree_year' "
            "and unit_id = :unit_id and reporting_year = :year",
            unit_id=unit_id,
            year=YEAR,
        )
    }
    for module, row in by_module.items():
        effects = row.activity_effect_t_co2e + row.factor_effect_t_co2e + row.coverage_effect_t_co2e
        assert effects == row.difference_t_co2e == row.to_t_co2e - row.from_t_co2e, module
        # dbt's totals are sum(kg) / 1000, which numeric division rounds at its 20th decimal or so.
        for inventory_id, side in ((1, row.from_t_co2e), (2, row.to_t_co2e)):
            assert abs(side - totals.get((inventory_id, module), 0)) < Decimal("1e-15"), (
                module,
                inventory_id,
            )


def test_a_lab_that_gains_the_platforms_allocation_shows_it_as_coverage(history):
    at_lab = change(history, LAB_12110)["all"]
    assert at_lab.coverage_effect_t_co2e == IMAGING_KG / 1000
    assert at_lab.activity_effect_t_co2e == 0 and at_lab.factor_effect_t_co2e == 0

    at_other_lab = change(history, LAB_11120)["all"]
    assert at_other_lab.activity_effect_t_co2e == FREEZER_KG / 1000
    assert at_other_lab.factor_effect_t_co2e == 0 and at_other_lab.coverage_effect_t_co2e == 0


def test_the_inventories_page_shows_the_badge_the_live_comparison_and_the_change_with_its_downloads(
    on_history, institution_user, downloads
):
    app = run_app(
        institution_user,
        "inventories",
        {
            YEAR_KEY: YEAR,
            UNIT_KEY: INSTITUTION,
            "inventories_inventory": on_history.first,
            "inventories_baseline": on_history.second,
        },
    )

    badge = f":green-badge[:material/verified: Published {on_history.first.published_at:%Y-%m-%d}]"
    assert badge in [element.value for element in app.markdown]
    pdf = next(button for button in app.get("download_button") if button.proto.label.startswith("PDF"))
    assert downloads(pdf).data == on_history.first_reports[INSTITUTION].pdf
    live = app.dataframe[0].value
    assert list(live.columns) == ["module", "published_t_co2e", "live_t_co2e", "difference_t_co2e"]
    total = live.iloc[-1]
    assert total["live_t_co2e"] - total["published_t_co2e"] == pytest.approx(
        float((FREEZER_KG + FACILITY_FACTOR_KG) / 1000), abs=1e-9
    )
    explained = app.dataframe[1].value
    csv = next(button for button in app.get("download_button") if "change" in downloads(button).file_name)
    exported = pd.read_csv(io.BytesIO(downloads(csv).data), encoding="utf-8-sig")
    assert list(exported["module_code"]) == list(explained["module_code"])
    assert exported.set_index("module_code").loc["all", "factor_effect_t_co2e"] == pytest.approx(
        float(FACILITY_FACTOR_KG / 1000)
    )
    assert not any("None" in str(value) for value in explained["module"])


def test_co2calc_explain_against_the_live_numbers_equals_the_change_to_the_inventory_published_from_them(
    history, tmp_path
):
    # Inventory B was published from the live numbers as they still are: the same decomposition, to the digit.
    live = co2calc(
        history.url, "explain", "--from", "1", "--unit", LAB_12110, "--csv", str(tmp_path / "live.csv")
    )
    published = co2calc(
        history.url,
        "explain",
        "--from",
        "1",
        "--to",
        "2",
        "--unit",
        LAB_12110,
        "--csv",
        str(tmp_path / "b.csv"),
    )
    assert live.returncode == 0 and published.returncode == 0, live.stdout + live.stderr + published.stderr
    assert "Inventory 1 → live numbers" in live.stdout
    assert (tmp_path / "live.csv").read_text() == (tmp_path / "b.csv").read_text()
    exported = pd.read_csv(tmp_path / "live.csv", dtype=str).set_index("module_code")
    assert Decimal(exported.loc["all", "coverage_effect_t_co2e"]) == IMAGING_KG / 1000
    # Nothing was published by explaining against the live numbers.
    assert rows(history.url, "select count(*) as n from inventory.inventories")[0].n == 3


def test_co2calc_explain_refuses_an_unknown_inventory_in_one_sentence(history):
    unknown = co2calc(history.url, "explain", "--from", "99")
    assert unknown.returncode == 2 and unknown.stdout.strip() == "no published inventory 99"


def test_a_whatif_inventory_records_its_profile_and_differs_from_the_headline_by_factors_alone(history):
    record = rows(
        history.url,
        "select * from inventory.inventories where inventory_id = :inventory_id",
        inventory_id=history.whatif.inventory_id,
    )[0]
    assert (record.calc_profile, record.is_whatif, record.source_schema, record.build_id) == (
        WHATIF_PROFILE,
        True,
        f"whatif_{WHATIF_PROFILE}_reporting",
        None,
    )
    at_lab = {
        row.module_code: row
        for row in loaders.inventory_change(
            warehouse(history.url),
            (INSTITUTION,),
            history.second.inventory_id,
            history.whatif.inventory_id,
            LAB_11110,
        ).itertuples(index=False)
    }
    # The same activity rows on both sides: no activity effect anywhere.
    assert all(row.activity_effect_t_co2e == 0 for row in at_lab.values())
    expected_kg = sum(REFCALC_TRIPS_KG.values()) - sum(HEADLINE_TRIPS_KG.values())
    assert float(at_lab["travel"].factor_effect_t_co2e) == pytest.approx(float(expected_kg) / 1000, rel=1e-6)
    assert at_lab["travel"].coverage_effect_t_co2e == 0
