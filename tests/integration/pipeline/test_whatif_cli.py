"""`co2calc whatif` in a real process: what it refuses before any dbt runs (the builds themselves are tested in
test_worked_examples.py and dashboard/test_dashboard_whatif.py)."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

CO2CALC = str(Path(sys.executable).parent / "co2calc")


def co2calc(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CO2CALC_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=300)


def test_an_unknown_profile_is_refused_with_the_shipped_ones(fresh_database_url):
    result = co2calc(fresh_database_url, "whatif", "ch_defualt")

    assert result.returncode == 2
    assert "unknown profile 'ch_defualt'" in result.stdout
    assert "ch_default, defra_norf, defra_rf, refcalc_compat" in result.stdout


def test_the_headline_profile_is_not_a_whatif(fresh_database_url):
    result = co2calc(fresh_database_url, "whatif", "ch_default")

    assert result.returncode == 2
    assert "ch_default is the headline profile, built by `co2calc build`" in result.stdout


def test_a_second_whatif_of_a_profile_being_built_is_refused_and_touches_nothing(fresh_database_url):
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.connect() as holder:
            # The lock a running `co2calc whatif defra_rf` holds (pipelines/whatif.py).
            holder.execute(sa.text("select pg_advisory_lock(hashtext('co2calc.whatif.defra_rf'))"))
            result = co2calc(fresh_database_url, "whatif", "defra_rf")
            holder.execute(sa.text("select pg_advisory_unlock(hashtext('co2calc.whatif.defra_rf'))"))
        with engine.connect() as connection:
            schemas = connection.execute(
                sa.text("select nspname from pg_namespace where nspname like 'whatif%'")
            ).all()
    finally:
        engine.dispose()

    assert result.returncode == 2
    assert "a what-if of defra_rf is being built already" in result.stdout
    assert schemas == []
