"""The CLI's Dagster runs carry job names that say what they do (pipelines/runtime.py run_assets)."""

import dagster as dg

from pipelines.runtime import run_assets


@dg.asset
def upstream() -> int:
    return 1


@dg.asset
def downstream(upstream: int) -> int:
    return upstream + 1


def test_a_run_is_named_for_what_it_does_and_builds_only_its_selection():
    instance = dg.DagsterInstance.ephemeral()

    result = run_assets(
        "cli_dbt_build",
        [upstream, downstream],
        resources={},
        instance=instance,
        run_config={},
        selection=[dg.AssetKey("upstream")],
    )

    assert result.success
    assert result.dagster_run.job_name == "cli_dbt_build"
    assert [m.asset_key for m in result.asset_materializations_for_node("upstream")] == [
        dg.AssetKey("upstream")
    ]
    assert not result.asset_materializations_for_node("downstream")
    assert [run.job_name for run in instance.get_runs()] == ["cli_dbt_build"]
