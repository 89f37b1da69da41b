import os

import dagster as dg
import pytest

from config.settings import get_settings


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    monkeypatch.setenv("CO2CALC_INBOX_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def evaluate(cursor: str | None = None):
    from pipelines.defs.csv_inbox.sensors import inbox_sensor

    context = dg.build_sensor_context(cursor=cursor)
    result = inbox_sensor(context)
    requests = list(result) if not isinstance(result, dg.SkipReason) else []
    return requests, context.cursor


def test_new_files_are_routed_by_name_to_their_source_and_year(inbox):
    (inbox / "travel_planes_2025.csv").write_text("x")
    (inbox / "units.csv").write_text("x")
    requests, _ = evaluate()
    routed = {(r.asset_selection[0].to_user_string(), r.partition_key) for r in requests}
    assert routed == {("raw/travel_planes", "2025"), ("raw/units", None)}
    planes = next(r for r in requests if r.partition_key == "2025")
    assert planes.run_config["ops"]["raw__travel_planes"]["config"]["path"] == str(
        inbox / "travel_planes_2025.csv"
    )


def test_files_without_a_source_or_a_year_are_left_alone(inbox):
    (inbox / "notes.txt").write_text("x")
    (inbox / "travel_trains.csv").write_text("x")
    requests, _ = evaluate()
    assert requests == []


def test_a_file_seen_once_is_not_requested_again(inbox):
    path = inbox / "headcount_2024.csv"
    path.write_text("x")
    first, cursor = evaluate()
    assert len(first) == 1
    again, _ = evaluate(cursor)
    assert again == []
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    changed, _ = evaluate(cursor)
    assert len(changed) == 1
