"""A travel file for a year whose detail retention purged is refused: its trips are already counted frozen."""

from pathlib import Path

import sqlalchemy as sa

from ingest.load import load_file

FIXTURES = Path(__file__).parents[2] / "fixtures"


def _freeze_travel_of(engine: sa.Engine, year: int) -> int:
    """What a retention run leaves behind for `year`: its run and one frozen travel aggregate."""
    with engine.begin() as connection:
        run_id = connection.execute(
            sa.text(
                "insert into ops.retention_runs (acted_by, acted_at, is_dry_run, as_of_year, "
                "travel_detail_retention_years, results_retention_years) "
                "values ('test', '2031-01-15', false, 2031, 5, 10) returning retention_run_id"
            )
        ).scalar_one()
        connection.execute(
            sa.text(
                "insert into archive.emissions_frozen (retention_run_id, unit_id, reporting_year, module_code, "
                "submodule_code, leg_code, ghg_scope, factor_set_id, is_override, is_additional_category, "
                "is_internal_reallocation, kg_co2e, activity_row_count) "
                "values (:run, '10001', :year, 'travel', 'plane', 'co2', 3, 'test', false, false, false, 120, 1)"
            ),
            {"run": run_id, "year": year},
        )
    return run_id


def test_a_travel_file_for_a_purged_year_is_refused_and_loads_nothing(engine):
    run_id = _freeze_travel_of(engine, 2025)

    result = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )

    assert result.outcome == "refused"
    assert result.message == (
        f"FILE_YEAR_PURGED: the travel detail of 2025 was purged by retention run {run_id} on 2031-01-15; its "
        "emissions are kept frozen, so the trips of worked_examples_2025.csv would be counted a second time"
    )
    with engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from raw.travel_planes")).scalar_one() == 0
        assert (
            connection.execute(
                sa.text("select load_status from ops.loads where load_id = :id"), {"id": result.load_id}
            ).scalar_one()
            == "refused"
        )


def test_a_travel_file_for_a_year_not_purged_still_loads(engine):
    _freeze_travel_of(engine, 2019)

    result = load_file(
        engine,
        FIXTURES / "travel_trains/worked_examples_2025.csv",
        "travel_trains",
        reporting_year=2025,
        loaded_by="test",
    )

    assert result.outcome == "loaded", result.message
