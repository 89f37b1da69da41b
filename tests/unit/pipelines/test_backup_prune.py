"""Backups are kept as long as the shortest retention of what they hold: travel detail's 5 reporting years."""

import json
from datetime import UTC, datetime
from pathlib import Path

from config.settings import Settings
from pipelines.backup import backups, prune_backups


def fake_backup(folder: Path, taken_at: str) -> None:
    (folder / f"co2calc_{taken_at}.dump").write_bytes(b"dump")
    (folder / f"co2calc_{taken_at}.json").write_text(
        json.dumps({"taken_at": taken_at, "dump_file": f"co2calc_{taken_at}.dump"})
    )


def test_backups_older_than_the_travel_retention_are_deleted_with_their_manifests(tmp_path: Path):
    for taken_at in ("20201206T000000Z", "20211207T120000Z", "20211208T000000Z", "20261207T000000Z"):
        fake_backup(tmp_path, taken_at)
    settings = Settings(travel_detail_retention_years=5, results_retention_years=10)

    pruned = prune_backups(tmp_path, settings, now=datetime(2026, 12, 7, 23, 0, tzinfo=UTC))

    assert [backup.manifest["taken_at"] for backup in pruned] == ["20201206T000000Z"]
    assert [backup.manifest["taken_at"] for backup in backups(tmp_path)] == [
        "20211207T120000Z",
        "20211208T000000Z",
        "20261207T000000Z",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"co2calc_{taken_at}.{suffix}"
        for taken_at in ("20211207T120000Z", "20211208T000000Z", "20261207T000000Z")
        for suffix in ("dump", "json")
    )


def test_a_shorter_results_retention_prunes_sooner(tmp_path: Path):
    fake_backup(tmp_path, "20231201T000000Z")
    settings = Settings(travel_detail_retention_years=2, results_retention_years=2)
    assert len(prune_backups(tmp_path, settings, now=datetime(2026, 1, 1, tzinfo=UTC))) == 1
