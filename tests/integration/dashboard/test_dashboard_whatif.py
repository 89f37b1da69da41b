"""A what-if beside the headline (`co2calc whatif`, pipelines/whatif.py) on the shared warehouse, and the
methodology page that compares them.

The what-if is built once, in a real process, for the latest year. The expected numbers are sums over the
emission rows of each side's `fct_emissions`, written here independently of the reporting models and of
dashboard/data/queries.py.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import get_settings
from dashboard.data.scope import set_signed_scope, stored_secret
from dashboard.i18n import Translator
from tests.integration.dashboard.test_dashboard_pages import run_app
from tests.integration.pipeline.queries import query_rows, relation_fingerprints

CO2CALC = str(Path(sys.executable).parent / "co2calc")
PROFILE = "refcalc_compat"
MARTS = f"whatif_{PROFILE}_marts"
REPORTING = f"whatif_{PROFILE}_reporting"
DASHBOARD_ROLE = get_settings().dashboard_db_role


@dataclass(frozen=True)
class WhatIfRun:
    reporting_year: int
    result: subprocess.CompletedProcess
    seconds: float
    headline_before: dict
    headline_after: dict
    builds_before: list
    builds_after: list


def co2calc(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CO2CALC_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([CO2CALC, *args], env=env, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def whatif_run(warehouse_url: str, lab_pair) -> Iterator[WhatIfRun]:
    ledger = "select * from ops.builds order by build_id"
    headline_before = relation_fingerprints(warehouse_url)
    builds_before = query_rows(warehouse_url, ledger)
    clock = time.monotonic()
    result = co2calc(warehouse_url, "whatif", PROFILE, "--year", str(lab_pair.reporting_year))
    seconds = time.monotonic() - clock
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    yield WhatIfRun(
        reporting_year=lab_pair.reporting_year,
        result=result,
        seconds=seconds,
        headline_before=headline_before,
        headline_after=relation_fingerprints(warehouse_url),
        builds_before=builds_before,
        builds_after=query_rows(warehouse_url, ledger),
    )


def test_without_a_whatif_the_methodology_page_says_how_to_build_one(dashboard_database, institution_user):
    # Runs before the module's what-if is built (whatif_run is not asked for yet).
    app = run_app(institution_user, "methodology")

    assert any("co2calc whatif refcalc_compat" in info.value for info in app.info)
    assert not app.get("plotly_chart")


def test_a_whatif_leaves_every_headline_relation_and_the_build_ledger_as_they_were(whatif_run):
    assert whatif_run.headline_after == whatif_run.headline_before
    assert whatif_run.builds_after == whatif_run.builds_before
    assert f"Built what-if {PROFILE} {whatif_run.reporting_year}" in whatif_run.result.stdout


def test_a_whatif_of_one_year_holds_that_year_only_and_records_its_build(warehouse_url, whatif_run):
    headline_years = query_rows(warehouse_url, "select distinct reporting_year from marts.fct_emissions")
    whatif_years = query_rows(warehouse_url, f"select distinct reporting_year from {MARTS}.fct_emissions")
    record = query_rows(warehouse_url, f"select * from {REPORTING}.whatif_build")
    emission_rows = query_rows(warehouse_url, f"select count(*) from {MARTS}.fct_emissions")[0][0]
    invocation = query_rows(warehouse_url, f"select dbt_invocation_id from {REPORTING}.rpt_build__latest")

    assert len(headline_years) > 1
    assert whatif_years == [(whatif_run.reporting_year,)]
    assert len(record) == 1
    assert (record[0].profile_code, record[0].reporting_year) == (PROFILE, whatif_run.reporting_year)
    assert record[0].table_row_counts["marts.fct_emissions"] == emission_rows > 0
    assert record[0].dbt_invocation_id == invocation[0][0]
    assert record[0].started_at < record[0].finished_at
    assert 0 < float(record[0].build_seconds) <= whatif_run.seconds


def as_dashboard(url: str, sql: str, scope: list[str] | None) -> list[sa.Row]:
    """`sql` as the dashboard's role (not a superuser: row-level security applies) with `scope` set."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            secret = stored_secret(connection)
            backend_pid = connection.execute(sa.text("select pg_backend_pid()")).scalar_one()
            connection.exec_driver_sql(f"set local role {DASHBOARD_ROLE}")
            if scope is not None:
                set_signed_scope(connection, secret, backend_pid, scope)
            return connection.exec_driver_sql(sql).all()
    finally:
        engine.dispose()


def test_the_whatif_reporting_schema_has_the_headlines_row_level_security(
    warehouse_url, whatif_run, lab_pair
):
    units = f"select distinct unit_id from {REPORTING}.rpt_footprint__unit_year"
    hidden = f"select * from {REPORTING}.rpt_footprint__unit_year where unit_id = '{lab_pair.hidden_unit_id}'"

    assert query_rows(warehouse_url, hidden), "the hidden lab has no what-if row to hide"
    assert as_dashboard(warehouse_url, hidden, [lab_pair.visible_unit_id]) == []
    assert as_dashboard(warehouse_url, units, [lab_pair.visible_unit_id]) == [(lab_pair.visible_unit_id,)]
    assert as_dashboard(warehouse_url, units, None) == []
    assert as_dashboard(warehouse_url, f"select profile_code from {REPORTING}.whatif_build", None) == [
        (PROFILE,)
    ]
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied for schema"):
        as_dashboard(
            warehouse_url, f"select * from {MARTS}.fct_emissions limit 1", [lab_pair.visible_unit_id]
        )


# Each side's total per module for the institution (its root subtree), from the emission rows: additional
# categories out (METHODOLOGY.md §1.7), and every internal reallocation out (§2.4: at the root every facility lies
# inside the subtree), which leaves a module of reallocations only at 0 t.
INSTITUTION_T_BY_MODULE = """
select
    module_code,
    coalesce(
        sum(kg_co2e) filter (where not coalesce(is_internal_reallocation and facility_unit_id is not null, false)), 0
    ) / 1000 as t_co2e
from {marts}.fct_emissions
where reporting_year = :year and not coalesce(is_additional_category, false)
group by module_code
"""


def expected_t_by_module(url: str, marts: str, year: int) -> dict[str, float]:
    return {
        row.module_code: float(row.t_co2e)
        for row in query_rows(url, INSTITUTION_T_BY_MODULE.format(marts=marts), year=year)
    }


def test_the_methodology_page_compares_the_headline_with_the_whatif_per_module(
    dashboard_database, institution_user, whatif_run, warehouse_url
):
    year = whatif_run.reporting_year
    headline = expected_t_by_module(warehouse_url, "marts", year)
    whatif = expected_t_by_module(warehouse_url, MARTS, year)
    tr = Translator("en")

    app = run_app(institution_user, "methodology")

    table = next(table.value for table in app.dataframe if "difference_t_co2e" in table.value.columns)
    rows = {row.module: row for row in table.itertuples()}
    assert set(rows) == {tr.module(module) for module in headline | whatif} | {tr("whatif.total")}
    for module in headline | whatif:
        row = rows[tr.module(module)]
        assert row.headline_t_co2e == pytest.approx(headline.get(module, 0.0), rel=1e-9, abs=1e-9)
        assert row.whatif_t_co2e == pytest.approx(whatif.get(module, 0.0), rel=1e-9, abs=1e-9)
        assert row.difference_t_co2e == pytest.approx(
            whatif.get(module, 0.0) - headline.get(module, 0.0), rel=1e-9, abs=1e-9
        )
    total = rows[tr("whatif.total")]
    assert total.headline_t_co2e == pytest.approx(sum(headline.values()), rel=1e-9)
    assert total.whatif_t_co2e == pytest.approx(sum(whatif.values()), rel=1e-9)
    # The reference calculator's flights carry RF 2.7 (METHODOLOGY.md §4.4): travel grows, and only by factors.
    assert rows[tr.module("travel")].difference_t_co2e > 0
    assert (
        rows[tr.module("travel")].headline_factor_set_names
        != rows[tr.module("travel")].whatif_factor_set_names
    )

    (chart,) = app.get("plotly_chart")
    waterfall = json.loads(chart.proto.spec)["data"][0]
    assert waterfall["type"] == "waterfall"
    assert waterfall["y"][0] == pytest.approx(sum(headline.values()), rel=1e-9)
    assert waterfall["y"][-1] == pytest.approx(sum(whatif.values()), rel=1e-9)
    assert sum(waterfall["y"][1:-1]) == pytest.approx(sum(whatif.values()) - sum(headline.values()), rel=1e-9)
    assert any(PROFILE in caption.value or "Reference calculator" in caption.value for caption in app.caption)
