"""A load that fails because the warehouse failed for a while is tried again; one that fails for cause is not.

Regression for issue 11: a deadlocked file stayed unloaded (no retry policy, and the inbox sensor never asked for a
file it had tried).
"""

import threading
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from pipelines.defs.csv_inbox.assets import RAW_ASSETS, TRANSIENT_FAILURE_TAG, TRANSIENT_RETRIES
from pipelines.defs.resources import WarehouseResource
from pipelines.local_postgres import free_port
from pipelines.warehouse import is_transient_database_error

FIXTURES = Path(__file__).parents[2] / "fixtures"


def raised_by(url: str, statement: str) -> Exception:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    except Exception as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError(f"{statement} did not fail")


def test_a_refused_connection_is_transient_and_a_wrong_statement_is_not(fresh_database_url):
    nobody_listens = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/postgres"
    assert is_transient_database_error(raised_by(nobody_listens, "select 1"))
    assert not is_transient_database_error(raised_by(fresh_database_url, "select from no_such_table"))
    assert not is_transient_database_error(ValueError("a file that is wrong"))


def test_a_real_deadlock_is_transient(fresh_database_url):
    engine = sa.create_engine(fresh_database_url, pool_size=2)
    first, second = engine.connect(), engine.connect()
    errors: list[Exception] = []
    try:
        first.exec_driver_sql("begin; select pg_advisory_xact_lock(1)")
        second.exec_driver_sql("begin; select pg_advisory_xact_lock(2)")

        def cross(connection: sa.Connection, key: int) -> None:
            try:
                connection.exec_driver_sql(f"select pg_advisory_xact_lock({key})")
            except Exception as error:
                errors.append(error)
                connection.rollback()

        waiting = threading.Thread(target=cross, args=(first, 2))
        waiting.start()
        cross(second, 1)
        second.rollback()
        waiting.join(timeout=30)
    finally:
        first.close()
        second.close()
        engine.dispose()
    (deadlock,) = errors
    assert "deadlock detected" in str(deadlock)
    assert is_transient_database_error(deadlock)


def load_units(database_url: str, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [RAW_ASSETS["units"]],
        resources={"warehouse": WarehouseResource(database_url=database_url)},
        instance=instance,
        raise_on_error=False,
        run_config={
            "ops": {"raw__units": {"config": {"path": str(FIXTURES / "units/small_institution.csv")}}}
        },
    )


def test_a_load_whose_database_does_not_answer_is_tried_three_more_times_then_its_run_is_tagged():
    nobody_listens = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/postgres"
    with dg.instance_for_test() as instance:
        result = load_units(nobody_listens, instance)
        retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
        tags = instance.get_run_by_id(result.run_id).tags
    assert not result.success
    assert len(retries) == TRANSIENT_RETRIES
    assert tags[TRANSIENT_FAILURE_TAG] == "OperationalError"


def test_a_load_refused_for_cause_is_not_tried_again(empty_database_url):
    with dg.instance_for_test() as instance:
        result = load_units(empty_database_url, instance)
        retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
        tags = instance.get_run_by_id(result.run_id).tags
    assert not result.success
    assert retries == []
    assert TRANSIENT_FAILURE_TAG not in tags
