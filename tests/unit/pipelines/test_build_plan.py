"""Partition builds: every incremental model filters what its pre-hook deletes; the plan's dbt arguments and the
models downstream of a source."""

import re
from pathlib import Path

import pytest

from pipelines.build import (
    BuildPlan,
    calc_profile,
    dbt_failure_message,
    dbt_project_sha256,
    downstream_models,
)

MODELS = Path(__file__).parents[3] / "dbt" / "models"
INCREMENTAL_FOLDERS = {"intermediate"}
FILTER = re.compile(r"\nwhere \{\{ partition_filter\((?P<args>[^)]*)\) \}\}\n$")
PRE_HOOK = re.compile(r'pre_hook="\{\{ delete_changed_partitions\((?P<args>[^)]*)\) \}\}"')


def incremental_models() -> list[Path]:
    """Models dbt builds incrementally: the intermediate folder's (dbt_project.yml) unless a model says table,
    and every model that says incremental itself."""
    return sorted(
        path
        for path in MODELS.rglob("*.sql")
        if 'materialized="incremental"' in path.read_text()
        or (path.parent.name in INCREMENTAL_FOLDERS and 'materialized="table"' not in path.read_text())
    )


@pytest.mark.parametrize("path", incremental_models(), ids=lambda path: path.stem)
def test_an_incremental_model_inserts_only_the_partitions_its_pre_hook_deleted(path: Path):
    # Guards against a model that deletes its changed years and then inserts every year: duplicated rows.
    sql = path.read_text()
    selected = FILTER.search(sql)
    assert selected, f"{path.name} must end with `where {{{{ partition_filter(...) }}}}`"
    own_hook = PRE_HOOK.search(sql)
    deleted = own_hook["args"] if own_hook else ""
    assert selected["args"] == deleted, f"{path.name} deletes ({deleted}) but inserts ({selected['args']})"


def test_the_models_of_the_emission_union_are_incremental():
    names = {path.stem for path in incremental_models()}
    assert {
        "fct_emissions",
        "fct_unresolved_rows",
        "int_travel__legs_unioned",
        "rpt_footprint__unit_year",
    } <= names


def test_a_partition_build_is_incremental_and_leaves_unit_tests_to_full_builds():
    # No --vars: dbt would parse the whole project again whenever they change (the years come from ops.builds).
    plan = BuildPlan(False, 7, 0, "sha", source_codes=("travel_planes",), reporting_years=(2024, 2025))
    assert plan.dbt_args() == ["build", "--exclude", "test_type:unit"]


def test_a_full_build_recreates_every_model():
    assert BuildPlan(True, 7, 0, "sha").dbt_args() == ["build", "--full-refresh"]


def test_nothing_changed_is_an_empty_plan():
    assert BuildPlan(False, 7, 0, "sha").is_empty
    assert not BuildPlan(True, 7, 0, "sha").is_empty


def test_downstream_models_follow_the_lineage_from_the_raw_table_only():
    manifest = {
        "sources": {
            "source.p.raw.travel_planes": {"source_name": "raw", "name": "travel_planes"},
            "source.p.raw.headcount": {"source_name": "raw", "name": "headcount"},
        },
        "child_map": {
            "source.p.raw.travel_planes": ["model.p.stg_planes", "test.p.not_null_planes"],
            "model.p.stg_planes": ["model.p.int_legs"],
            "model.p.int_legs": ["model.p.fct_emissions"],
            "source.p.raw.headcount": ["model.p.stg_headcount"],
            "model.p.stg_headcount": ["model.p.int_ai", "model.p.rpt_headcount"],
            "model.p.int_ai": ["model.p.fct_emissions"],
            "model.p.fct_emissions": ["model.p.rpt_footprint"],
        },
    }
    assert downstream_models(manifest, ["travel_planes"]) == {
        "model.p.stg_planes",
        "model.p.int_legs",
        "model.p.fct_emissions",
        "model.p.rpt_footprint",
    }
    assert "model.p.int_legs" not in downstream_models(manifest, ["headcount"])


def test_the_project_hash_follows_the_files_a_build_reads_only(tmp_path: Path):
    (tmp_path / "models").mkdir()
    (tmp_path / "target").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: p\n")
    (tmp_path / "models" / "a.sql").write_text("select 1\n")
    before = dbt_project_sha256(tmp_path)
    (tmp_path / "README.md").write_text("notes\n")
    (tmp_path / "target" / "manifest.json").write_text("{}\n")
    assert dbt_project_sha256(tmp_path) == before
    (tmp_path / "models" / "a.sql").write_text("select 2\n")
    assert dbt_project_sha256(tmp_path) != before


def test_the_build_id_is_published_after_every_reporting_model():
    # Guards against a reporting model built after the id the dashboard's caches are keyed on.
    sql = (MODELS / "reporting" / "rpt_build__latest.sql").read_text()
    others = {path.stem for path in (MODELS / "reporting").glob("*.sql")} - {"rpt_build__latest"}
    assert others <= set(re.findall(r'"(rpt_[a-z_]+)"', sql))


def test_a_failed_builds_message_names_each_failed_dbt_node_with_dbts_message():
    run_results = {
        "results": [
            {"unique_id": "model.co2calc.rpt_units", "status": "success", "message": "SELECT 9"},
            {
                "unique_id": "model.co2calc.rpt_travel__routes",
                "status": "error",
                "message": "The source and target schemas on this incremental model are out of sync!\n  More",
            },
            {"unique_id": "test.co2calc.not_null_x", "status": "fail", "message": "Got 3 results"},
        ]
    }

    assert dbt_failure_message(run_results, RuntimeError("dbt exited 1")) == (
        "model.co2calc.rpt_travel__routes: The source and target schemas on this incremental model are out of "
        "sync! More\ntest.co2calc.not_null_x: Got 3 results"
    )


def test_a_build_that_failed_before_dbt_wrote_its_results_keeps_the_error():
    assert (
        dbt_failure_message(None, RuntimeError("could not connect\n to server"))
        == "could not connect to server"
    )


def test_a_builds_profile_is_its_dbt_vars_else_the_headline_default():
    project_dir = MODELS.parent

    assert calc_profile({"args": {"vars": {"calc_profile": "defra_rf"}}}, project_dir) == "defra_rf"
    assert calc_profile({"args": {"vars": "{calc_profile: refcalc_compat}"}}, project_dir) == "refcalc_compat"
    # METHODOLOGY.md §4.3 / dbt/README.md: ch_default is the headline profile.
    assert calc_profile({"args": {"vars": {}}}, project_dir) == "ch_default"
