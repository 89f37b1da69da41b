"""The row rules evaluated as polars expressions (ingest.validate.find_problems) find exactly the problems Great
Expectations' own validation of the same expectations finds: same rows, columns, reason codes and messages, on
every file of the bad-input corpus and of the fixtures, each checked against the fixtures' reference data and
against empty reference data and another reporting year (so that the look-up and year rules fail on every row).
"""

from functools import cache
from pathlib import Path

import great_expectations as gx
import polars as pl
import pytest
import yaml

from ingest.contracts import SOURCES
from ingest.read import FileRefused, ReadOptions, read_delivered_file
from ingest.reference import StationIndex, airports_frame, stations_frame
from ingest.validate import (
    FacilityReference,
    Lookups,
    Problem,
    Rule,
    checked_frame,
    find_problems,
    room_key,
)

FIXTURES = Path(__file__).parents[2] / "fixtures"
CORPUS = FIXTURES / "bad_input"


@cache
def _batch_definition():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return (
        context.data_sources.add_pandas("delivered_files")
        .add_dataframe_asset("rows")
        .add_batch_definition_whole_dataframe("whole_file")
    )


def great_expectations_problems(frame: pl.DataFrame, rules: list[Rule]) -> list[Problem]:
    """What ingest.validate did before the rules were evaluated in polars: Great Expectations validates the frame
    (as pandas) against the suite, and each unexpected row becomes a Problem of its rule."""
    expectations = []
    for number, rule in enumerate(rules):
        expectation = rule.expectation.to_great_expectations()
        expectation.meta = {"rule_number": number}
        expectations.append(expectation)
    suite = gx.ExpectationSuite(name="rows", expectations=expectations)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    results = batch.validate(suite, result_format={"result_format": "COMPLETE"}).results
    problems: list[Problem] = []
    seen: set[tuple[int, str | None]] = set()
    for result in results:
        rule = rules[result.expectation_config.meta["rule_number"]]
        assert not result.exception_info.get("raised_exception"), result.exception_info
        indices = result.result.get("unexpected_index_list") or []
        values = result.result.get("unexpected_list") or []
        for row, value in zip(indices, values, strict=True):
            if (row, rule.column_name) in seen:
                continue
            seen.add((row, rule.column_name))
            quoted = value if rule.quoted_column is None else frame[rule.quoted_column][row]
            problems.append(Problem(row, rule.column_name, rule.reason_code, rule.message(quoted)))
    return sorted(problems, key=lambda p: (p.row_index, p.reason_code))


def _cells(path: Path, source_code: str) -> pl.DataFrame:
    return read_delivered_file(path, SOURCES[source_code]).cells


def _fixture_lookups() -> Lookups:
    units = _cells(FIXTURES / "units/small_institution.csv", "units")
    rooms = _cells(FIXTURES / "building_rooms_reference/worked_examples_2025.csv", "building_rooms_reference")
    facilities: dict[str, FacilityReference] = {}
    footprints = _cells(FIXTURES / "facility_footprints/worked_examples_2025.csv", "facility_footprints")
    for row in footprints.iter_rows(named=True):
        facility = facilities.setdefault(
            row["facility_id"], FacilityReference(row["facility_kind"], row["allocation_unit"], {})
        )
        total = float(row["total_use"]) if row["total_use"] is not None else None
        facility.total_use_by_type.setdefault(row["animal_type"], total)
    return Lookups(
        unit_ids=frozenset(units.filter(pl.col("unit_level") == "4")["unit_institutional_id"]),
        airport_codes=frozenset(airports_frame()["iata_code"]),
        stations=StationIndex.from_frame(stations_frame()),
        rooms={room_key(b, r): (b, r) for b, r in rooms.select("building_name", "room_name").iter_rows()},
        facilities=facilities,
    )


NO_REFERENCE = Lookups(
    unit_ids=frozenset(),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
)


def _cases() -> list[tuple[str, str, pl.DataFrame]]:
    """(id, source, cells) of every corpus and fixture file of a source that is not refused as a whole."""
    files = [
        (f"bad_input/{case['file']}", CORPUS / case["file"], case["source"], case.get("read_options", {}))
        for case in yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
    ]
    for path in sorted(FIXTURES.rglob("*")):
        folder = path.relative_to(FIXTURES).parts[0]
        if path.suffix not in (".csv", ".xlsx") or folder in ("bad_input", "feeds"):
            continue
        if folder in SOURCES:
            source_code = folder
        elif folder == "purchases":
            source_code = "purchases_common"
        else:
            # odd_input: named for its source (headcount_clean.csv, travel_planes.xlsx...).
            source_code = next(code for code in SOURCES if path.name.startswith(code))
        files.append((str(path.relative_to(FIXTURES)), path, source_code, {}))
    cases = []
    for case_id, path, source_code, options in files:
        try:
            delivered = read_delivered_file(path, SOURCES[source_code], options=ReadOptions(**options))
        except FileRefused:
            continue
        cases.append((case_id, source_code, delivered.cells))
    return cases


# Cells at the edges of the rules (bounds, NaN and infinity, exponents, signs, non-ASCII digits, case, impossible
# dates), written into every column of a source, one value per row.
EDGE_CELLS = [
    *(
        "0",
        "-0",
        "1",
        "-1",
        "+1",
        "0.5",
        ".5",
        "1.",
        "4",
        "5",
        "168",
        "169",
        "1e3",
        "nan",
        "inf",
        "-inf",
        "٣",
    ),
    *("GVA", "gva", "ZZZ", "CH", "economy", "Economy", "kg", "CHF", "usd", "AB12", "refrigerant"),
    *("2025-01-01", "2024-12-31", "2025-02-30", "01.02.2025", None),
]
CASES = _cases() + [
    (
        f"edge_cells/{source_code}",
        source_code,
        pl.DataFrame(
            {c: EDGE_CELLS for c in contract.column_names},
            schema=dict.fromkeys(contract.column_names, pl.String),
        ),
    )
    for source_code, contract in SOURCES.items()
]
LOOKUPS = _fixture_lookups()


@pytest.mark.parametrize(("source_code", "cells"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize(
    ("lookups", "year"), [(LOOKUPS, 2025), (NO_REFERENCE, 2024)], ids=["fixture_reference", "no_reference"]
)
def test_polars_evaluation_finds_what_great_expectations_finds(source_code, cells, lookups, year):
    contract = SOURCES[source_code]
    frame, rules = checked_frame(
        cells, contract, reporting_year=year if contract.has_reporting_year else None, lookups=lookups
    )

    assert find_problems(frame, rules) == great_expectations_problems(frame, rules)


def test_the_cases_cover_every_expectation_type_and_find_problems():
    """Guards the test above against comparing empty lists: the files reach every expectation type, and the
    rules found problems in them."""
    types: set[str] = set()
    found = 0
    for _, source_code, cells in CASES:
        frame, rules = checked_frame(cells, SOURCES[source_code], reporting_year=2025, lookups=LOOKUPS)
        types |= {rule.expectation.type for rule in rules}
        found += len(find_problems(frame, rules))
    assert len(CASES) >= 40
    assert types == {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
    }
    assert found >= 25
