"""The CLI's Dagster instance stores events through kept SQLite connections, in Dagster's own files
(pipelines/dagster_storage.py)."""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa
import yaml
from dagster._core.instance.ref import InstanceRef
from sqlalchemy.pool import NullPool

from config.settings import Settings
from pipelines.dagster_storage import OPEN_RUN_DATABASES, PooledSqliteEventLogStorage
from pipelines.runtime import dagster_instance, run_assets

SYNCHRONOUS_NORMAL = 1
CHECKS = 40


def checked_asset() -> dg.AssetsDefinition:
    """An asset with as many checks as a small dbt project: each check stores a planned and an evaluated event."""
    specs = [dg.AssetCheckSpec(f"check_{n}", asset="counted") for n in range(CHECKS)]

    @dg.asset(name="counted", check_specs=specs)
    def counted():
        yield dg.Output(3)
        for spec in specs:
            yield dg.AssetCheckResult(check_name=spec.name, passed=True)

    return counted


def sqlite_connections_opened(run) -> int:
    opened = []

    def count(dbapi_connection, _record):
        opened.append(dbapi_connection)

    sa.event.listen(sa.Engine, "connect", count)
    try:
        run()
    finally:
        sa.event.remove(sa.Engine, "connect", count)
    return len(opened)


def test_every_new_sqlite_connection_is_synchronous_normal(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.db'}", poolclass=NullPool)
    for _ in range(2):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("pragma synchronous").scalar() == SYNCHRONOUS_NORMAL
    engine.dispose()


def test_a_run_with_many_checks_opens_a_few_connections_not_one_per_event(tmp_path: Path):
    instance = dagster_instance(Settings(state_dir=tmp_path))
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)

    def run():
        result = run_assets("cli_checked", [checked_asset()], resources={}, instance=instance, run_config={})
        assert result.success

    # Dagster's own class opens one per event stored or read: 410 here (measured), ours 23, most of them by the
    # run storage, which opens one per run status change whatever the number of checks.
    assert sqlite_connections_opened(run) < CHECKS


def test_what_the_cli_stored_is_read_by_dagsters_own_storage(tmp_path: Path):
    settings = Settings(state_dir=tmp_path)
    result = run_assets(
        "cli_checked", [checked_asset()], resources={}, instance=dagster_instance(settings), run_config={}
    )

    # The webserver and the daemon read dagster.yaml, which names no storage class of ours.
    assert "dagster_storage" not in (settings.dagster_home / "dagster.yaml").read_text()
    assert "event_log_storage" not in yaml.safe_load((settings.dagster_home / "dagster.yaml").read_text())
    webserver = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(settings.dagster_home)))
    assert type(webserver.event_log_storage) is not PooledSqliteEventLogStorage
    events = webserver.all_logs(result.run_id)
    evaluations = [
        e
        for e in events
        if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    assert len(evaluations) == CHECKS
    materialization = webserver.get_latest_materialization_event(dg.AssetKey("counted"))
    assert materialization is not None and materialization.run_id == result.run_id


def test_only_the_index_and_the_last_run_databases_stay_open(tmp_path: Path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    run_ids = [f"run_{n}" for n in range(OPEN_RUN_DATABASES + 3)]
    for run_id in run_ids:
        with storage.run_connection(run_id) as connection:
            connection.exec_driver_sql("select 1")
    with storage.index_connection() as connection:
        connection.exec_driver_sql("select 1")

    assert list(storage._engines) == [*run_ids[-OPEN_RUN_DATABASES:], "index"]
    storage.close_connections()
    assert not storage._engines
