"""config/cadences.yaml covers every source and feed, a mistake is refused with its place, and freshness is
evaluated from the latest load, the cadence and the time."""

from datetime import UTC, datetime

import pytest

from config.cadences import (
    CadenceConfigError,
    Freshness,
    IntervalCadence,
    LatestLoad,
    YearlyCadence,
    evaluate_freshness,
    load_cadences,
)
from config.feeds import load_feeds
from config.settings import Settings
from ingest.contracts import SOURCES

BY_MARCH = YearlyCadence(kind="yearly", due="03-31")
EVERY_DAY = IntervalCadence(kind="interval", hours=24)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_every_source_and_every_feed_has_a_cadence_and_nothing_else_does():
    cadences = load_cadences(Settings().cadences_file)
    cadences.require_every(
        Settings().cadences_file, SOURCES, [feed.name for feed in load_feeds(Settings().feeds_file)]
    )
    assert cadences.files["units"] == YearlyCadence(kind="yearly", due="02-28")
    assert cadences.feeds["hr_headcount"] == IntervalCadence(kind="interval", hours=168)


def test_a_source_without_a_cadence_and_a_cadence_for_no_source_are_both_named():
    path = Settings().cadences_file
    cadences = load_cadences(path)
    with pytest.raises(CadenceConfigError) as refused:
        cadences.require_every(path, set(SOURCES) - {"units"} | {"parking"}, cadences.feeds)
    assert str(refused.value) == (
        f"{path}: files: no cadence for parking; files: a cadence for unknown units (expected one cadence per "
        "source of ingest/contracts.py under files: and per feed of config/feeds.yaml under feeds:)"
    )


def test_a_due_date_that_is_not_every_year_is_refused_with_file_line_and_column(tmp_path):
    path = tmp_path / "cadences.yaml"
    path.write_text(
        'files:\n  units: {kind: yearly, due: "02-28"}\n  headcount: {kind: yearly, due: "02-29"}\n'
    )
    with pytest.raises(CadenceConfigError) as refused:
        load_cadences(path)
    assert str(refused.value) == (
        f"{path}, line 3, column 34 (files.headcount.yearly.due): Value error, expected a day of every year "
        "written MM-DD (e.g. 03-31), got '02-29'"
    )


def test_an_unknown_kind_is_refused_with_the_kinds_expected(tmp_path):
    path = tmp_path / "cadences.yaml"
    path.write_text("files:\n  units:\n    kind: monthly\n")
    with pytest.raises(
        CadenceConfigError, match=r"line 3, column 5 \(files.units\): Input tag 'monthly'.*'yearly'"
    ):
        load_cadences(path)


def test_a_misspelled_key_is_refused_rather_than_ignored(tmp_path):
    path = tmp_path / "cadences.yaml"
    path.write_text("files: {}\nfeeds:\n  hr: {kind: interval, hours: 24, grace: 2}\n")
    with pytest.raises(
        CadenceConfigError, match=r"line 3, column 42 \(feeds.hr.interval.grace\): Extra inputs"
    ):
        load_cadences(path)


def test_a_source_never_loaded_is_never_loaded_with_no_due_date():
    assert evaluate_freshness(BY_MARCH, None, utc(2026, 5, 1)) == Freshness("never_loaded", None)


def test_a_yearly_source_is_fresh_until_the_end_of_the_due_day_of_the_year_after_the_next():
    latest = LatestLoad(finished_at=utc(2025, 2, 10), reporting_year=2024)
    # 2024 delivered: 2025 is due by the end of 2026-03-31.
    assert evaluate_freshness(BY_MARCH, latest, utc(2026, 3, 31, 23, 59)) == Freshness(
        "fresh", utc(2026, 4, 1)
    )
    assert evaluate_freshness(BY_MARCH, latest, utc(2026, 4, 1)) == Freshness("stale", utc(2026, 4, 1))


def test_a_yearly_source_counts_the_latest_reporting_year_loaded_not_the_load_time():
    # A correction of 2023 loaded late does not make the source fresh for 2025.
    latest = LatestLoad(finished_at=utc(2026, 5, 1), reporting_year=2023)
    assert evaluate_freshness(BY_MARCH, latest, utc(2026, 5, 2)) == Freshness("stale", utc(2025, 4, 1))


def test_a_yearly_source_without_reporting_year_counts_a_load_as_the_previous_years_delivery():
    latest = LatestLoad(finished_at=utc(2026, 2, 15), reporting_year=None)
    assert evaluate_freshness(BY_MARCH, latest, utc(2026, 6, 1)) == Freshness("fresh", utc(2027, 4, 1))
    assert evaluate_freshness(BY_MARCH, latest, utc(2027, 4, 2)) == Freshness("stale", utc(2027, 4, 1))


def test_an_interval_source_is_stale_once_its_last_load_is_older_than_the_interval():
    latest = LatestLoad(finished_at=utc(2026, 11, 25, 8), reporting_year=2026)
    assert evaluate_freshness(EVERY_DAY, latest, utc(2026, 11, 26, 7, 59)) == Freshness(
        "fresh", utc(2026, 11, 26, 8)
    )
    assert evaluate_freshness(EVERY_DAY, latest, utc(2026, 11, 26, 8)) == Freshness(
        "stale", utc(2026, 11, 26, 8)
    )
