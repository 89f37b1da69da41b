"""The load plan's decisions (ingest/plan.py), without a database: no-op, refusals, replace, add, correction."""

from datetime import datetime

import pytest

from ingest.plan import (
    ALL_UNITS,
    ActiveLoad,
    Apply,
    CorrectedLoad,
    LoadRequest,
    PurgeRun,
    Refusal,
    Unchanged,
    correction_scope,
    plan_load,
)
from ingest.settle import nothing_to_load


def request(**changes) -> LoadRequest:
    fields = {
        "source_code": "travel_planes",
        "file_name": "travel_planes_2025.csv",
        "year": 2025,
        "unit_scope": ALL_UNITS,
        "sha256": "new",
        "read_options": "detected",
    }
    return LoadRequest(**(fields | changes))


def load(load_id: int, unit_scope: str = ALL_UNITS, **changes) -> ActiveLoad:
    fields = {
        "load_id": load_id,
        "unit_scope": unit_scope,
        "file_name": f"file_{load_id}.csv",
        "file_sha256": f"sha_{load_id}",
        "feed_name": None,
        "read_options": "detected",
    }
    return ActiveLoad(**(fields | changes))


FEED = "feed travel_agency cursor (start, 10]"


def test_the_first_file_of_a_scope_is_loaded_and_replaces_nothing():
    plan = plan_load(request(), [])
    assert plan == Apply()
    assert plan.outcome == "loaded"


def test_an_identical_file_changes_nothing():
    assert plan_load(request(sha256="sha_7"), [load(7)]) == Unchanged(
        7, "travel_planes_2025.csv is identical to load 7; nothing changed"
    )


def test_the_same_bytes_read_with_other_declarations_are_not_identical():
    plan = plan_load(request(sha256="sha_7", read_options="delimiter ';' (declared)"), [load(7)])
    assert plan == Apply(replaced=(load(7),))


def test_a_back_office_file_replaces_every_active_load_of_its_year():
    active = [load(1, "10001"), load(2, "10002"), load(3, ALL_UNITS, feed_name="agency")]
    plan = plan_load(request(), active)
    assert plan == Apply(replaced=tuple(active))
    assert plan.outcome == "replaced"


def test_an_end_user_file_replaces_only_its_unit_and_that_units_corrections():
    mine, correction, other = load(1, "10001"), load(2, "10001", corrects_load_id=1), load(3, "10002")
    plan = plan_load(request(unit_scope="10001"), [mine, correction, other])
    assert plan == Apply(replaced=(mine, correction))


def test_an_end_user_file_is_refused_while_a_back_office_file_covers_the_year():
    plan = plan_load(request(unit_scope="10001", file_name="lab.csv"), [load(4, file_name="all.csv")])
    assert isinstance(plan, Refusal)
    assert plan.message.startswith("FILE_SCOPE_CONFLICT: all.csv (load 4) already covers every unit for 2025")


def test_an_end_user_file_is_refused_while_a_feed_loads_every_unit():
    plan = plan_load(request(unit_scope="10001"), [load(4, feed_name="agency", file_name=FEED)])
    assert isinstance(plan, Refusal)
    assert "already loads every unit for 2025" in plan.message


def test_a_feed_batch_adds_to_its_earlier_batches_and_replaces_the_end_user_files():
    batch, lab = load(1, feed_name="agency"), load(2, "10001")
    plan = plan_load(request(feed_label=FEED, file_name=FEED), [batch, lab])
    assert plan == Apply(replaced=(lab,))


def test_a_feed_batch_is_refused_while_a_back_office_file_covers_the_year():
    plan = plan_load(request(feed_label=FEED, file_name=FEED), [load(4, file_name="all.csv")])
    assert isinstance(plan, Refusal)
    assert plan.message.startswith("FEED_SCOPE_CONFLICT: all.csv (load 4) covers every unit for 2025")


def test_a_feed_batch_identical_to_an_earlier_one_is_not_a_no_op():
    # A feed's cursor guarantees each row comes once: batches are never compared by hash.
    plan = plan_load(request(feed_label=FEED, sha256="sha_1"), [load(1, feed_name="agency")])
    assert plan == Apply()


def test_a_correction_adds_to_its_scope_without_replacing_it():
    main, other = load(5, "10001"), load(6, "10002")
    plan = plan_load(request(unit_scope="10001", corrects_load_id=5), [main, other])
    assert plan == Apply(scope_load_ids=(5,))
    assert plan.outcome == "corrected"


def test_a_correction_is_identical_only_to_an_earlier_correction_of_the_same_load():
    main, earlier = load(5), load(8, corrects_load_id=5, file_sha256="fix")
    assert plan_load(request(corrects_load_id=5, sha256="fix"), [main, earlier]) == Unchanged(
        8, "travel_planes_2025.csv is identical to load 8; nothing changed"
    )
    assert plan_load(request(corrects_load_id=5, sha256="sha_5"), [main, earlier]) == Apply(
        scope_load_ids=(5, 8)
    )


def test_a_correction_of_a_load_no_longer_active_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match="load 5 is no longer active; nothing was loaded"):
        plan_load(request(corrects_load_id=5), [load(9)])


def test_a_file_named_for_another_year_is_refused():
    plan = plan_load(request(year=2024), [])
    assert plan == Refusal("FILE_YEAR_MISMATCH: travel_planes_2025.csv is named for 2025, loaded as 2024")


def test_a_source_without_a_reporting_year_ignores_the_year_in_the_name():
    assert plan_load(request(source_code="units", file_name="units_2025.csv", year=None), []) == Apply()


def test_a_year_whose_travel_detail_was_purged_is_refused_naming_the_run():
    plan = plan_load(request(purged_by=PurgeRun(3, datetime(2030, 1, 15))), [])
    assert plan == Refusal(
        "FILE_YEAR_PURGED: the travel detail of 2025 was purged by retention run 3 on 2030-01-15; its emissions "
        "are kept frozen, so the trips of travel_planes_2025.csv would be counted a second time"
    )


def test_the_name_is_checked_before_the_scope():
    plan = plan_load(request(year=2024, unit_scope="10001"), [load(4)])
    assert isinstance(plan, Refusal)
    assert plan.message.startswith("FILE_YEAR_MISMATCH")


def test_an_identical_file_is_a_no_op_even_where_a_new_one_would_be_refused():
    assert isinstance(
        plan_load(request(sha256="sha_1", unit_scope="10001"), [load(4), load(1, "10001")]), Unchanged
    )


def corrected(**changes) -> CorrectedLoad:
    fields = {
        "load_id": 5,
        "source_code": "travel_planes",
        "reporting_year": 2025,
        "unit_scope": "10001",
        "file_name": "lab.csv",
        "load_status": "active",
        "feed_name": None,
    }
    return CorrectedLoad(**(fields | changes))


def scope_of(target: CorrectedLoad | None, **given):
    arguments = {"reporting_year": None, "unit_institutional_id": None} | given
    return correction_scope(
        target, load_id=5, source_code="travel_planes", file_name="fixed.csv", **arguments
    )


def test_a_correction_takes_the_year_and_unit_of_the_load_it_corrects():
    assert scope_of(corrected()) == (2025, "10001")
    assert scope_of(corrected(unit_scope=ALL_UNITS)) == (2025, None)


@pytest.mark.parametrize(
    ("target", "given", "reason"),
    [
        (None, {}, "no load 5 in ops.loads to correct"),
        (corrected(source_code="travel_trains"), {}, r"is a travel_trains load, not travel_planes"),
        (corrected(load_status="replaced"), {}, "is replaced: only an active load takes corrections"),
        (corrected(feed_name="agency"), {}, "is a batch of feed agency: correct its rows at the source"),
        (corrected(), {"reporting_year": 2024}, "fixed.csv: load 5 is for reporting year 2025, not 2024"),
        (corrected(), {"unit_institutional_id": "10002"}, "fixed.csv: load 5 is for unit 10001, not 10002"),
        (
            corrected(unit_scope=ALL_UNITS),
            {"unit_institutional_id": "10002"},
            "is for unit every unit, not 10002",
        ),
    ],
)
def test_a_correction_is_refused_for_a_load_it_cannot_correct(target, given, reason):
    with pytest.raises(ValueError, match=reason):
        scope_of(target, **given)


def test_a_file_of_refused_and_skipped_rows_has_nothing_to_load():
    assert nothing_to_load(rows_read=10, rows_refused=4, rows_skipped=6, rows_blank=0)
    assert not nothing_to_load(rows_read=10, rows_refused=4, rows_skipped=5, rows_blank=0)


def test_a_template_sent_back_with_only_blank_lines_is_loaded_with_nothing():
    assert not nothing_to_load(rows_read=3, rows_refused=0, rows_skipped=3, rows_blank=3)
