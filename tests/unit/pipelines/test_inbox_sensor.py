import os

import dagster as dg
import pytest

from config.settings import get_settings
from pipelines.build import BuildPlan
from pipelines.defs.resources import WarehouseResource


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    monkeypatch.setenv("CO2CALC_INBOX_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def evaluate(instance: dg.DagsterInstance | None = None) -> list[dg.RunRequest]:
    from pipelines.defs.csv_inbox.sensors import inbox_sensor

    result = inbox_sensor(dg.build_sensor_context(instance=instance or dg.DagsterInstance.ephemeral()))
    return [] if isinstance(result, dg.SkipReason) else list(result)


def record_run(
    instance: dg.DagsterInstance, request: dg.RunRequest, status: dg.DagsterRunStatus, **tags: str
):
    """A run the daemon would have started for `request`, ended with `status`, with `tags` added by its steps."""
    from dagster._core.storage.dagster_run import DagsterRun

    instance.add_run(
        DagsterRun(
            job_name="__ASSET_JOB",
            status=status,
            tags={**request.tags, "dagster/run_key": request.run_key, **tags},
        )
    )


def test_a_file_whose_run_failed_for_a_transient_reason_is_started_again_three_times_at_most(inbox):
    from pipelines.defs.csv_inbox.assets import TRANSIENT_FAILURE_TAG

    (inbox / "travel_planes_2025.csv").write_text("x")
    with dg.instance_for_test() as instance:
        (first,) = evaluate(instance)
        keys = [first.run_key]
        request = first
        for _attempt in range(3):
            record_run(
                instance, request, dg.DagsterRunStatus.FAILURE, **{TRANSIENT_FAILURE_TAG: "OperationalError"}
            )
            (request,) = evaluate(instance)
            keys.append(request.run_key)
        record_run(
            instance, request, dg.DagsterRunStatus.FAILURE, **{TRANSIENT_FAILURE_TAG: "OperationalError"}
        )
        (after_three,) = evaluate(instance)
    assert keys == [first.run_key, *(f"{first.run_key}:retry-{n}" for n in (1, 2, 3))]
    # The fourth failure is final: the sensor asks for the first key again, which Dagster never runs twice.
    assert after_three.run_key == first.run_key


def test_a_file_whose_run_failed_otherwise_or_succeeded_is_not_started_again(inbox):
    (inbox / "travel_planes_2025.csv").write_text("x")
    (inbox / "headcount_2025.csv").write_text("y")
    with dg.instance_for_test() as instance:
        first = {r.asset_selection[0].path[-1]: r for r in evaluate(instance)}
        record_run(instance, first["travel_planes"], dg.DagsterRunStatus.FAILURE)
        record_run(instance, first["headcount"], dg.DagsterRunStatus.SUCCESS)
        again = {r.asset_selection[0].path[-1]: r.run_key for r in evaluate(instance)}
    assert again == {name: request.run_key for name, request in first.items()}


def test_new_files_are_routed_by_name_to_their_source_and_year(inbox):
    (inbox / "travel_planes_2025.csv").write_text("x")
    (inbox / "units.csv").write_text("x")
    requests = evaluate()
    routed = {(r.asset_selection[0].to_user_string(), r.partition_key) for r in requests}
    assert routed == {("raw/travel_planes", "2025"), ("raw/units", None)}
    planes = next(r for r in requests if r.partition_key == "2025")
    assert planes.run_config["ops"]["raw__travel_planes"]["config"]["path"] == str(
        inbox / "travel_planes_2025.csv"
    )


def test_files_without_a_source_or_a_year_are_left_alone(inbox):
    (inbox / "notes.txt").write_text("x")
    (inbox / "travel_trains.csv").write_text("x")
    assert evaluate() == []


def test_run_key_follows_the_content_not_the_modification_time(inbox):
    # Regression: a time cursor skipped files copied in with an older modification time.
    path = inbox / "headcount_2024.csv"
    path.write_text("first delivery")
    (first,) = evaluate()
    os.utime(path, (0, 0))
    (same,) = evaluate()
    assert same.run_key == first.run_key
    path.write_text("corrected delivery")
    os.utime(path, (0, 0))
    (corrected,) = evaluate()
    assert corrected.run_key != first.run_key


def test_without_a_bucket_the_s3_inbox_is_off(monkeypatch):
    from pipelines.defs.csv_inbox.sensors import s3_inbox_sensor

    monkeypatch.delenv("CO2CALC_S3_INBOX_BUCKET", raising=False)
    get_settings.cache_clear()
    result = s3_inbox_sensor(dg.build_sensor_context())
    get_settings.cache_clear()
    assert isinstance(result, dg.SkipReason)
    assert "CO2CALC_S3_INBOX_BUCKET" in (result.skip_message or "")


def test_a_raw_load_names_either_a_file_or_an_s3_object_with_its_etag():
    from pipelines.defs.csv_inbox.assets import DeliveredFileConfig, _load_delivery

    def load(path, file_name):
        raise AssertionError(f"nothing should be loaded from {path} ({file_name})")

    for config in (
        DeliveredFileConfig(),
        DeliveredFileConfig(path="units.csv", s3_key="units.csv", s3_etag='"1"'),
        DeliveredFileConfig(s3_key="units.csv"),
    ):
        with pytest.raises(ValueError, match="either `path` or `s3_key` with `s3_etag`"):
            _load_delivery(config, load)


def run_status_context(instance: dg.DagsterInstance, asset_keys: set[dg.AssetKey], plan: BuildPlan):
    from dagster._core.storage.dagster_run import DagsterRun

    run = instance.add_run(DagsterRun(job_name="__ASSET_JOB", asset_selection=frozenset(asset_keys)))
    event = dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name="__ASSET_JOB")
    return dg.build_run_status_sensor_context(
        sensor_name="dbt_after_raw_load_sensor",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=event,
        resources={"warehouse": PlannedWarehouse(plan=plan.as_config())},
    )


class PlannedWarehouse(WarehouseResource):
    """A warehouse whose build plan is given: the sensor's decisions without a database."""

    plan: dict

    def plan_build(self, *, full: bool = False) -> BuildPlan:
        return BuildPlan(**self.plan)


def test_a_successful_raw_load_requests_a_build_of_what_changed_and_other_runs_do_not():
    from pipelines.defs.dbt.sensors import dbt_after_raw_load_sensor

    partitions = BuildPlan(False, 9, 0, "sha", source_codes=("travel_planes",), reporting_years=(2025,))
    loaded = {dg.AssetKey(["raw", "travel_planes"])}
    with dg.instance_for_test() as instance:
        after_load = dbt_after_raw_load_sensor(run_status_context(instance, loaded, partitions))
        assert isinstance(after_load, dg.RunRequest)
        assert dg.AssetKey(["marts", "fct_emissions"]) in after_load.asset_selection
        assert dg.AssetKey(["marts", "dim_units"]) not in after_load.asset_selection
        assert after_load.run_config["ops"]["dbt_models"]["config"]["plan"]["reporting_years"] == [2025]
        full = dbt_after_raw_load_sensor(run_status_context(instance, loaded, BuildPlan(True, 9, 0, "sha")))
        assert isinstance(full, dg.RunRequest) and full.asset_selection is None
        nothing = dbt_after_raw_load_sensor(
            run_status_context(instance, loaded, BuildPlan(False, 9, 0, "sha"))
        )
        assert isinstance(nothing, dg.SkipReason)
        after_dbt = dbt_after_raw_load_sensor(
            run_status_context(instance, {dg.AssetKey(["marts", "fct_emissions"])}, partitions)
        )
        assert isinstance(after_dbt, dg.SkipReason)


def test_symbolic_links_and_fifos_are_refused_without_being_read(inbox, tmp_path_factory, capsys):
    # Regression: travel_planes_2025.csv linked to a key file put the key's first line into a refusal message.
    secret = tmp_path_factory.mktemp("elsewhere") / "secrets.env"
    secret.write_text("API_KEY=do-not-read\n")
    (inbox / "travel_planes_2025.csv").symlink_to(secret)
    os.mkfifo(inbox / "headcount_2025.csv")
    (inbox / "units.csv").write_text("x")

    requests = evaluate()

    assert [r.run_config["ops"]["raw__units"]["config"]["path"] for r in requests] == [
        str(inbox / "units.csv")
    ]
    logged = capsys.readouterr().err
    assert "travel_planes_2025.csv: a symbolic link; the inbox takes regular files only" in logged
    assert "headcount_2025.csv: not a regular file (a FIFO, device or socket)" in logged
    assert "do-not-read" not in logged


def test_a_link_put_in_place_of_a_routed_file_is_not_loaded(inbox, tmp_path_factory):
    from pipelines.defs.csv_inbox.assets import DeliveredFileConfig, _load_delivery

    secret = tmp_path_factory.mktemp("elsewhere") / "secrets.env"
    secret.write_text("API_KEY=do-not-read\n")
    (inbox / "travel_planes_2025.csv").symlink_to(secret)

    def load(path, file_name):
        raise AssertionError(f"{path} was loaded")

    with pytest.raises(ValueError, match="a symbolic link; the inbox takes regular files only"):
        _load_delivery(DeliveredFileConfig(path=str(inbox / "travel_planes_2025.csv")), load)
