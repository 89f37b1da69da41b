"""The S3 inbox against a real S3-compatible server (moto's, in its own process) and a real PostgreSQL: the sensor
lists, the raw asset downloads, loads and moves each object, as the daemon would run them."""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import dagster as dg
import pytest
import sqlalchemy as sa

from config.settings import get_settings
from ingest.load import load_file, load_reference_data
from pipelines.defs.csv_inbox.assets import RAW_ASSETS
from pipelines.defs.csv_inbox.sensors import S3_INBOX_LOADED_BY, s3_inbox_sensor
from pipelines.defs.resources import WarehouseResource
from pipelines.local_postgres import free_port

FIXTURES = Path(__file__).parents[2] / "fixtures"
HEADCOUNT = FIXTURES / "headcount/headcount_2025.csv"
PREFIX = "deliveries/"


@pytest.fixture(scope="module")
def s3_endpoint_url() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "moto_server did not start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint_url, monkeypatch):
    """A new bucket of the moto server, configured as the S3 inbox through the environment."""
    name = f"co2calc-inbox-{uuid.uuid4().hex[:8]}"
    environment = {
        "CO2CALC_S3_INBOX_BUCKET": name,
        "CO2CALC_S3_INBOX_PREFIX": PREFIX.rstrip("/"),
        "CO2CALC_S3_INBOX_ENDPOINT_URL": s3_endpoint_url,
        "CO2CALC_S3_INBOX_REGION": "us-east-1",
        "CO2CALC_S3_INBOX_ACCESS_KEY_ID": "steward",
        "CO2CALC_S3_INBOX_SECRET_ACCESS_KEY": "steward-secret",
    }
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="steward",
        aws_secret_access_key="steward-secret",
    )
    client.create_bucket(Bucket=name)
    yield client, name
    get_settings.cache_clear()


@pytest.fixture
def warehouse(fresh_database_url) -> Iterator[sa.Engine]:
    engine = sa.create_engine(fresh_database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    yield engine
    engine.dispose()


def keys(client, bucket_name: str) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket_name).get("Contents", [])}


def evaluate(cursor: str | None = None) -> dg.SensorResult:
    result = s3_inbox_sensor(dg.build_sensor_context(cursor=cursor))
    assert isinstance(result, dg.SensorResult), result
    return result


def run(request: dg.RunRequest, engine: sa.Engine) -> dg.ExecuteInProcessResult:
    (source_code,) = [key.path[1] for key in request.asset_selection]
    return dg.materialize(
        [RAW_ASSETS[source_code]],
        partition_key=request.partition_key,
        run_config=request.run_config,
        resources={"warehouse": WarehouseResource(database_url=engine.url.render_as_string(False))},
        raise_on_error=False,
    )


def outcome(result: dg.ExecuteInProcessResult) -> str:
    (materialization,) = result.asset_materializations_for_node("raw__headcount")
    return materialization.metadata["outcome"].value


def headcount_rows(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("select count(*) from raw.headcount")).scalar_one()


def test_a_routed_csv_object_loads_into_raw_once_under_its_key_and_moves_to_processed(bucket, warehouse):
    client, name = bucket
    client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=HEADCOUNT.read_bytes())

    first = evaluate()
    (request,) = first.run_requests
    assert (request.asset_selection, request.partition_key) == ([dg.AssetKey(["raw", "headcount"])], "2025")
    # Until its run moves the object, the cursor alone keeps the next evaluations from requesting it again.
    assert evaluate(first.cursor).run_requests == []
    result = run(request, warehouse)

    assert result.success and outcome(result) == "loaded"
    data_lines = len(HEADCOUNT.read_text().splitlines()) - 1
    assert headcount_rows(warehouse) == data_lines
    with warehouse.connect() as connection:
        audit = connection.execute(
            sa.text(
                "select acted_by, file_name, dagster_run_id from ops.audit_log where source_code = 'headcount'"
            )
        ).all()
    assert [tuple(a) for a in audit] == [(S3_INBOX_LOADED_BY, f"{PREFIX}headcount_2025.csv", result.run_id)]
    assert keys(client, name) == {f"{PREFIX}processed/headcount_2025.csv"}
    processed = client.head_object(Bucket=name, Key=f"{PREFIX}processed/headcount_2025.csv")
    assert processed["Metadata"]["co2calc-outcome"] == "loaded"


def test_the_same_object_delivered_again_is_a_no_op_and_is_marked_unchanged(bucket, warehouse):
    client, name = bucket
    delivered = []
    for _ in range(2):
        client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=HEADCOUNT.read_bytes())
        (request,) = evaluate().run_requests
        delivered.append(run(request, warehouse))

    assert [outcome(result) for result in delivered] == ["loaded", "unchanged"]
    assert headcount_rows(warehouse) == len(HEADCOUNT.read_text().splitlines()) - 1
    processed = client.head_object(Bucket=name, Key=f"{PREFIX}processed/headcount_2025.csv")
    assert processed["Metadata"]["co2calc-outcome"] == "unchanged"
    with warehouse.connect() as connection:
        loads = connection.execute(sa.text("select count(*) from ops.loads where source_code = 'headcount'"))
        assert loads.scalar_one() == 1


def test_an_object_whose_name_routes_nowhere_is_reported_refused_and_not_loaded(bucket, warehouse):
    client, name = bucket
    client.put_object(Bucket=name, Key=f"{PREFIX}notes.txt", Body=b"hello")
    client.put_object(Bucket=name, Key=f"{PREFIX}headcount.csv", Body=HEADCOUNT.read_bytes())

    assert evaluate().run_requests == []

    assert keys(client, name) == {
        f"{PREFIX}refused/notes.txt",
        f"{PREFIX}refused/notes.txt.reason.txt",
        f"{PREFIX}refused/headcount.csv",
        f"{PREFIX}refused/headcount.csv.reason.txt",
    }
    reason = (
        client.get_object(Bucket=name, Key=f"{PREFIX}refused/notes.txt.reason.txt")["Body"].read().decode()
    )
    assert reason == (
        f"{PREFIX}notes.txt\nnotes.txt: no source matches this file name (units.csv, travel_planes_2025.csv...)\n"
    )
    reason = client.get_object(Bucket=name, Key=f"{PREFIX}refused/headcount.csv.reason.txt")["Body"].read()
    assert b"headcount.csv: name carries no reporting year (_YYYY)" in reason
    assert headcount_rows(warehouse) == 0


def test_a_refused_file_is_moved_to_refused_with_its_reason(bucket, warehouse):
    client, name = bucket
    body = (FIXTURES / "bad_input/missing_column.csv").read_bytes()
    client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=body)

    (request,) = evaluate().run_requests
    result = run(request, warehouse)

    assert outcome(result) == "refused"
    assert keys(client, name) == {
        f"{PREFIX}refused/headcount_2025.csv",
        f"{PREFIX}refused/headcount_2025.csv.reason.txt",
    }
    reason = client.get_object(Bucket=name, Key=f"{PREFIX}refused/headcount_2025.csv.reason.txt")
    assert reason["Body"].read().decode() == (
        f"{PREFIX}headcount_2025.csv\nFILE_MISSING_COLUMN: headcount_2025.csv, line 1: missing column 'fte' "
        "(expected columns for headcount: unit_institutional_id, name, sius_code, user_institutional_id, fte, "
        "note)\n"
    )
    with warehouse.connect() as connection:
        status = connection.execute(
            sa.text("select load_status, file_name from ops.loads where source_code = 'headcount'")
        ).one()
    assert tuple(status) == ("refused", f"{PREFIX}headcount_2025.csv")
    assert headcount_rows(warehouse) == 0


RESTARTED_SENSOR = """
import json, sys
import dagster as dg
from pipelines.defs.csv_inbox.sensors import s3_inbox_sensor
result = s3_inbox_sensor(dg.build_sensor_context(cursor=sys.argv[1]))
print(json.dumps({"run_keys": [r.run_key for r in result.run_requests], "cursor": result.cursor}))
"""


def evaluate_in_a_new_process(cursor: str) -> dict:
    """The sensor evaluated by a fresh interpreter, as after a restart of the daemon: only the cursor is kept."""
    output = subprocess.run(
        [sys.executable, "-c", RESTARTED_SENSOR, cursor],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
        cwd=Path(__file__).parents[3],
    )
    return json.loads(output.stdout.splitlines()[-1])


def test_the_sensor_cursor_survives_a_restart_and_a_replaced_object_is_a_new_delivery(bucket):
    client, name = bucket
    client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=b"first delivery")
    client.put_object(Bucket=name, Key=f"{PREFIX}units.csv", Body=b"unit tree")
    before = evaluate()
    assert len(before.run_requests) == 2

    after_restart = evaluate_in_a_new_process(before.cursor)
    assert after_restart == {"run_keys": [], "cursor": before.cursor}

    client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=b"corrected delivery")
    corrected = evaluate_in_a_new_process(before.cursor)
    (run_key,) = corrected["run_keys"]
    assert run_key.startswith(f"s3:{PREFIX}headcount_2025.csv:")
    assert run_key not in {request.run_key for request in before.run_requests}


def test_a_run_never_loads_nor_moves_a_newer_upload_under_its_key(bucket, warehouse):
    client, name = bucket
    client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=HEADCOUNT.read_bytes())
    (request,) = evaluate().run_requests
    corrected = HEADCOUNT.read_bytes().replace(b"Anna", b"Anne")
    client.put_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv", Body=corrected)

    result = run(request, warehouse)

    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    assert "no object with ETag" in failure.step_failure_data.error.cause.message
    assert keys(client, name) == {f"{PREFIX}headcount_2025.csv"}
    assert client.get_object(Bucket=name, Key=f"{PREFIX}headcount_2025.csv")["Body"].read() == corrected
    assert headcount_rows(warehouse) == 0
