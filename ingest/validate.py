"""Row validation: each contract rule is one Great Expectations expectation over the file's cells.

Every rule names the reason code it produces (METHODOLOGY.md §1.8 and §3); an unexpected row is
rejected with that code and a message naming the column, the value and what was expected. Checks
that need a lookup (stations, airports, units) are expressed as expectations on helper columns, so
that every refused row is reported the same way.

The expectations are declared as Great Expectations configurations (`Expectation`: its expectation type and
keyword arguments, as a suite's JSON holds them) and evaluated as polars expressions over the batch
(`find_problems`), which gives the same problems as Great Expectations' own validation
(tests/unit/ingest/test_rules_agree_with_great_expectations.py) at a fraction of the cost (ingest/README.md
"Throughput"); `Expectation.to_great_expectations` builds the Great Expectations object.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ingest.contracts import (
    ADDITIONAL_CLASSES,
    ADDITIONAL_VALUE_UNITS,
    ELECTRICITY_CARRIER,
    FUEL_UNITS,
    HOURS_PER_WEEK,
    OVERRIDE,
    PER_HOUR_ALLOCATION_UNITS,
    STORABLE_DESCRIPTIONS,
    STORABLE_PATTERNS,
    TYPE_DESCRIPTIONS,
    TYPE_PATTERNS,
    WASTE_ROUTES,
    Column,
    SourceContract,
)
from ingest.reference import (
    EquipmentPowerIndex,
    StationIndex,
    fold,
    shipped_equipment_power,
    shipped_gas_codes,
)

REFRIGERANT_CATEGORY = "Refrigerant"
# Codes of severity INFO (METHODOLOGY.md §1.8, "row skipped on purpose"): the row is neither loaded nor refused,
# and is still listed in ops.rejects (severity `info`) so that stewards see what was left out.
SKIP_CODES = frozenset({"ROW_BLANK_TEMPLATE_LINE", "ROW_OUT_OF_YEAR"})


@dataclass(frozen=True)
class Problem:
    row_index: int
    column_name: str | None
    reason_code: str
    reason_message: str

    @property
    def severity(self) -> str:
        """`info` for a row skipped on purpose, `error` for a refused row."""
        return "info" if self.reason_code in SKIP_CODES else "error"


@dataclass(frozen=True)
class FacilityReference:
    """One facility of the year's reference (raw.facility_footprints), as use files are checked against it."""

    facility_kind: str
    allocation_unit: str
    # Animal type (None for common and IT facilities) -> total use in the allocation unit (None when blank).
    total_use_by_type: Mapping[str | None, float | None]


@dataclass(frozen=True)
class Lookups:
    unit_ids: frozenset[str]
    airport_codes: frozenset[str]
    stations: StationIndex
    # The dbt seeds the models join (seed_equipment_power, seed_factors__gwp), read from the same files.
    equipment_power: EquipmentPowerIndex = field(default_factory=shipped_equipment_power)
    gas_codes: Mapping[str, str] = field(default_factory=shipped_gas_codes)
    # The active room reference: (folded building, folded room) -> (building_name, room_name) as spelled there.
    rooms: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # Facility id -> its reference for the reporting year (research-facility use files, METHODOLOGY.md §3.6).
    facilities: Mapping[str, FacilityReference] = field(default_factory=dict)


@dataclass(frozen=True)
class Expectation:
    """A Great Expectations expectation as its configuration: the expectation type and its keyword arguments."""

    type: str
    kwargs: Mapping[str, Any]

    @classmethod
    def of(cls, expectation_type: str, **kwargs: Any) -> "Expectation":
        return cls(expectation_type, kwargs)

    @property
    def column(self) -> str:
        return self.kwargs["column"]

    def to_great_expectations(self):
        """The Great Expectations expectation (imported here: importing great_expectations takes seconds)."""
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        return ExpectationConfiguration(type=self.type, kwargs=dict(self.kwargs)).to_domain_obj()

    def unexpected(self) -> pl.Expr:
        """True on each row Great Expectations lists as unexpected. As there, a null cell is unexpected only to
        the null expectations; a NaN counts as null (pandas `isnull`). A regex runs in polars' engine, not Python's:
        the contracts' patterns mean the same in both (tests/unit/ingest/test_rules_agree_with_great_expectations.py)."""
        cell = pl.col(self.column)
        match self.type:
            case "expect_column_values_to_not_be_null":
                return cell.is_null()
            case "expect_column_values_to_be_null":
                return cell.is_not_null()
            case "expect_column_values_to_match_regex":
                return cell.is_not_null() & ~cell.str.contains(self.kwargs["regex"])
            case "expect_column_values_to_be_in_set":
                return cell.is_not_null() & ~cell.is_in(self.kwargs["value_set"])
            case "expect_column_values_to_be_between":
                number = cell.cast(pl.Float64)
                low, high = self.kwargs.get("min_value"), self.kwargs.get("max_value")
                within = pl.lit(True)
                if low is not None:
                    within = within & (number > low if self.kwargs.get("strict_min") else number >= low)
                if high is not None:
                    within = within & (number < high if self.kwargs.get("strict_max") else number <= high)
                return (number.is_not_null() & number.is_not_nan() & ~within).fill_null(False)
        raise ValueError(f"no polars evaluation of {self.type}")


@dataclass(frozen=True)
class Rule:
    expectation: Expectation
    reason_code: str
    column_name: str | None
    message: Callable[[Any], str]
    # The column whose cell the message quotes, when not the expectation's: the cell as written, where the
    # expectation checks its canonical form (an enumeration folded to lower case, a code to upper case).
    quoted_column: str | None = None


def as_written(name: str) -> str:
    """The helper column holding a column's cells as written, beside their canonical form (`_canonical`)."""
    return f"__{name}__as_written"


def _column_rules(column: Column) -> list[Rule]:
    name = column.name
    quoted = as_written(name) if _is_folded(column) else None
    rules: list[Rule] = []
    if column.required:
        rules.append(
            Rule(
                Expectation.of("expect_column_values_to_not_be_null", column=name),
                "ROW_REQUIRED",
                name,
                lambda _v, n=name: f"{n} is required and is empty",
            )
        )
    if column.column_type in TYPE_PATTERNS:
        description = TYPE_DESCRIPTIONS[column.column_type]
        rules.append(
            Rule(
                Expectation.of(
                    "expect_column_values_to_match_regex",
                    column=name,
                    regex=TYPE_PATTERNS[column.column_type],
                ),
                "ROW_TYPE",
                name,
                lambda v, n=name, d=description: f"{n} {v!r} is not {d}",
            )
        )
    if column.column_type in STORABLE_PATTERNS:
        rules.append(
            Rule(
                Expectation.of(
                    "expect_column_values_to_match_regex",
                    column=name,
                    regex=STORABLE_PATTERNS[column.column_type],
                ),
                "ROW_TYPE",
                name,
                lambda v, n=name, d=STORABLE_DESCRIPTIONS[column.column_type]: (
                    f"{n} {v!r} has more digits than the column keeps ({d}); it is refused, not rounded"
                ),
            )
        )
    if column.column_type == "date":
        rules.append(_message_rule(f"__{name}__not_a_date", "ROW_TYPE", name))
    if column.pattern:
        rules.append(
            Rule(
                Expectation.of("expect_column_values_to_match_regex", column=name, regex=column.pattern),
                column.pattern_code,
                name,
                lambda v, n=name, d=column.pattern_description: f"{n} {v!r} is not {d}",
                quoted,
            )
        )
    if column.allowed is not None:
        allowed = ", ".join(column.allowed)
        rules.append(
            Rule(
                Expectation.of(
                    "expect_column_values_to_be_in_set", column=name, value_set=list(column.allowed)
                ),
                column.enum_code,
                name,
                lambda v, n=name, a=allowed: f"{n} {v!r} is not one of {a}",
                quoted,
            )
        )
    if column.minimum is not None or column.maximum is not None:
        bounds = {
            "min_value": column.minimum,
            "max_value": column.maximum,
            "strict_min": column.minimum_exclusive,
        }
        low = (
            "" if column.minimum is None else f"{'>' if column.minimum_exclusive else '≥'} {column.minimum:g}"
        )
        high = "" if column.maximum is None else f"≤ {column.maximum:g}"
        expected = " and ".join(p for p in (low, high) if p)
        rules.append(
            Rule(
                Expectation.of("expect_column_values_to_be_between", column=f"__{name}__number", **bounds),
                column.range_code,
                name,
                lambda v, n=name, e=expected: f"{n} {v:g} is not {e}",
            )
        )
    return rules


def _lookup_rules(contract: SourceContract, reporting_year: int | None, lookups: Lookups) -> list[Rule]:
    rules: list[Rule] = []
    # Look-ups in thousands of units or airports are helper columns (_helper_columns): as a value set, Great
    # Expectations copies the whole set for every metric it plans, which made them most of a load's time.
    if contract.known_units_column:
        name = contract.known_units_column
        rules.append(_message_rule(f"__{name}__unknown", "ROW_UNKNOWN_UNIT", name))
    for name in contract.known_airport_columns:
        rules.append(_message_rule(f"__{name}__unknown", "TRAVEL_UNKNOWN_IATA", name))
    for first, second in contract.distinct_pairs:
        rules.append(
            Rule(
                Expectation.of(
                    "expect_column_values_to_be_in_set",
                    column=f"__{first}__same_as__{second}",
                    value_set=[False],
                ),
                "TRAVEL_SAME_ENDPOINTS",
                second,
                lambda _v, a=first, b=second: f"{a} and {b} are equal",
            )
        )
    for name_column, _ in contract.station_columns:
        rules.append(
            Rule(
                Expectation.of("expect_column_values_to_be_null", column=f"__{name_column}__station_problem"),
                "TRAVEL_UNKNOWN_STATION",
                name_column,
                str,
            )
        )
    if contract.date_column and reporting_year is not None:
        name = contract.date_column
        rules.append(
            Rule(
                Expectation.of(
                    "expect_column_values_to_be_between",
                    column=f"__{name}__year",
                    min_value=reporting_year,
                    max_value=reporting_year,
                ),
                "ROW_OUT_OF_YEAR",
                name,
                lambda v, n=name, y=reporting_year: f"{n} is in {v:g}, outside reporting year {y}",
            )
        )
    if contract.unique_key:
        rules.append(
            _message_rule(
                "__repeated_key",
                "ROW_DUPLICATE",
                contract.unique_key[0] if len(contract.unique_key) == 1 else None,
            )
        )
    return rules


def _is_folded(column: Column) -> bool:
    return column.upper or column.allowed is not None


def _canonical(cells: pl.DataFrame, contract: SourceContract, unit_default: str | None) -> pl.DataFrame:
    """The contract's columns in canonical form (an absent column takes its default), and the cells as written of
    each column folded to upper or lower case (`as_written`), which messages quote."""
    expressions = []
    for column in contract.columns:
        if column.name not in cells.columns:
            fill = unit_default if column.name == "unit_institutional_id" else column.default
            expressions.append(pl.lit(fill, dtype=pl.String).alias(column.name))
            if _is_folded(column):
                expressions.append(pl.lit(None, dtype=pl.String).alias(as_written(column.name)))
            continue
        value = pl.col(column.name)
        if _is_folded(column):
            expressions.append(value.alias(as_written(column.name)))
        if column.upper:
            value = value.str.to_uppercase()
        elif column.allowed is not None:
            spellings = {a.lower(): a for a in column.allowed} | dict(column.aliases)
            value = value.str.to_lowercase().replace(spellings)
        if column.default is not None:
            value = value.fill_null(column.default)
        expressions.append(value.alias(column.name))
    return cells.select(expressions)


def _cell_messages(
    cells: pl.Series, is_problem: pl.Series, message: Callable[[str], str], quoted: pl.Series | None = None
) -> pl.Series:
    """Per row, NULL or the message of the problem in the cell (formatted for the problem rows only), quoting the
    cell of `quoted` (default: `cells`)."""
    messages = pl.Series([None] * cells.len(), dtype=pl.String)
    rows = is_problem.fill_null(False).arg_true()
    if rows.len():
        quoted = cells if quoted is None else quoted
        messages = messages.scatter(rows, [message(value) for value in quoted.gather(rows)])
    return messages


def has_override(frame: pl.DataFrame) -> pl.Series:
    """Per row, whether it brings its own kg_co2eq (METHODOLOGY.md §1.4): then nothing is computed from it, and a
    look-up only the computation needs (airport, station, room) is not an error; the row keeps its codes as
    written."""
    if OVERRIDE.name not in frame.columns:
        return pl.Series([False] * frame.height, dtype=pl.Boolean)
    return frame[OVERRIDE.name].is_not_null()


def _lookup_and_date_messages(
    frame: pl.DataFrame, contract: SourceContract, lookups: Lookups
) -> list[pl.Series]:
    known = []
    if contract.known_units_column:
        known.append((contract.known_units_column, lookups.unit_ids, "a known unit", False))
    known += [
        (name, lookups.airport_codes, "a known airport code", True) for name in contract.known_airport_columns
    ]
    overridden = has_override(frame)
    helpers = [
        _cell_messages(
            frame[name],
            frame[name].is_not_null()
            & ~frame[name].is_in(list(values))
            & ~(overridden & only_computation_needs_it),
            lambda v, n=name, w=what: f"{n} {v!r} is not {w}",
            frame.get_column(as_written(name), default=None),
        ).alias(f"__{name}__unknown")
        for name, values, what, only_computation_needs_it in known
    ]
    for column in contract.columns:
        if column.column_type == "date":
            cells = frame[column.name]
            helpers.append(
                _cell_messages(
                    cells,
                    cells.is_not_null() & cells.str.to_date("%Y-%m-%d", strict=False).is_null(),
                    lambda v, n=column.name: f"{n} {v!r} is not a date written YYYY-MM-DD",
                ).alias(f"__{column.name}__not_a_date")
            )
    return helpers


def _helper_columns(frame: pl.DataFrame, contract: SourceContract, lookups: Lookups) -> pl.DataFrame:
    helpers: list[pl.Expr | pl.Series] = list(_lookup_and_date_messages(frame, contract, lookups))
    for column in contract.columns:
        if column.minimum is not None or column.maximum is not None:
            helpers.append(
                pl.col(column.name).cast(pl.Float64, strict=False).alias(f"__{column.name}__number")
            )
    for first, second in contract.distinct_pairs:
        helpers.append(
            (pl.col(first) == pl.col(second)).fill_null(False).alias(f"__{first}__same_as__{second}")
        )
    if contract.date_column:
        helpers.append(
            pl.col(contract.date_column)
            .str.to_date("%Y-%m-%d", strict=False)
            .dt.year()
            .alias(f"__{contract.date_column}__year")
        )
    frame = frame.with_columns(helpers)
    overridden = has_override(frame)
    for name_column, country_column in contract.station_columns:
        resolved = [
            lookups.stations.resolve(name, country, name_column)
            for name, country in zip(frame[name_column], frame[country_column], strict=True)
        ]
        frame = frame.with_columns(
            pl.Series(f"__{name_column}__station_id", [r[0] for r in resolved], dtype=pl.String),
            pl.Series(
                f"__{name_column}__station_problem",
                [None if override else r[1] for r, override in zip(resolved, overridden, strict=True)],
                dtype=pl.String,
            ),
        )
    return frame


def _message_rule(helper: str, reason_code: str, column_name: str | None) -> Rule:
    """A rule on a helper column that holds, per row, NULL or the message of the problem found."""
    return Rule(
        Expectation.of("expect_column_values_to_be_null", column=helper), reason_code, column_name, str
    )


def _equipment_power(
    frame: pl.DataFrame, columns: tuple[str, str], index: EquipmentPowerIndex
) -> tuple[pl.DataFrame, list[Rule]]:
    """Resolve (class, sub-class) to the power table's keys, which replace the file's spelling (aliases and
    case are accepted); the three ways it can fail each get their reason code (METHODOLOGY.md §3.4 (e))."""
    class_column, sub_class_column = columns
    resolved = [
        index.resolve(c, s) for c, s in zip(frame[class_column], frame[sub_class_column], strict=True)
    ]
    codes = ("EQUIP_UNKNOWN_CLASS", "EQUIP_SUBCLASS_REQUIRED", "EQUIP_UNKNOWN_SUBCLASS")
    helpers = [
        pl.Series(
            f"__{code.lower()}",
            [r.reason_message if r.reason_code == code else None for r in resolved],
            dtype=pl.String,
        )
        for code in codes
    ]
    frame = frame.with_columns(
        pl.Series(class_column, [r.equipment_class for r in resolved], dtype=pl.String),
        pl.Series(sub_class_column, [r.sub_class for r in resolved], dtype=pl.String),
        *helpers,
    )
    rules = [
        _message_rule(f"__{code.lower()}", code, class_column if code == codes[0] else sub_class_column)
        for code in codes
    ]
    return frame, rules


def _gas(
    frame: pl.DataFrame, columns: tuple[str, str], gas_codes: Mapping[str, str]
) -> tuple[pl.DataFrame, list[Rule]]:
    """A refrigerant names a gas of the GWP seed (stored in the seed's spelling); CO2, CH4 and N2O name none."""
    category_column, gas_column = columns
    gases, required, unknown, not_allowed = [], [], [], []
    for category, gas in zip(frame[category_column], frame[gas_column], strict=True):
        canonical = gas_codes.get(fold(gas)) if gas is not None else None
        is_refrigerant = category == REFRIGERANT_CATEGORY
        gases.append(canonical or gas)
        required.append(
            f"{gas_column} is required for {REFRIGERANT_CATEGORY} (the gas, e.g. R410a)"
            if is_refrigerant and gas is None
            else None
        )
        unknown.append(
            f"{gas_column} {gas!r} is not a gas of the GWP table; add it to dbt/seeds/seed_factors__gwp.csv"
            if is_refrigerant and gas is not None and canonical is None
            else None
        )
        not_allowed.append(
            f"{gas_column} {gas!r} must be blank for {category}"
            if category is not None and not is_refrigerant and gas is not None
            else None
        )
    frame = frame.with_columns(
        pl.Series(gas_column, gases, dtype=pl.String),
        pl.Series("__gas_required", required, dtype=pl.String),
        pl.Series("__gas_unknown", unknown, dtype=pl.String),
        pl.Series("__gas_not_allowed", not_allowed, dtype=pl.String),
    )
    return frame, [
        _message_rule("__gas_required", "PROC_SUBCATEGORY_REQUIRED", gas_column),
        _message_rule("__gas_unknown", "PROC_UNKNOWN_GAS", gas_column),
        _message_rule("__gas_not_allowed", "ROW_ENUM", gas_column),
    ]


def room_key(building_name: str, room_name: str) -> tuple[str, str]:
    """Case-, accent- and spacing-insensitive key of a room (`aab 0 01` is `AAB 0 01`)."""
    return fold(building_name), fold(room_name)


def _rooms(
    frame: pl.DataFrame, columns: tuple[str, str], rooms: Mapping[tuple[str, str], tuple[str, str]]
) -> tuple[pl.DataFrame, list[Rule]]:
    """A room must be in the room reference, whose spelling replaces the file's. A row that brings its own
    kg_co2eq needs no surface: its unknown room is not an error (METHODOLOGY.md §1.4; flagged in dbt)."""
    building_column, room_column = columns
    buildings, names, unknown = [], [], []
    rows = zip(frame[building_column], frame[room_column], has_override(frame), strict=True)
    for building, room, override in rows:
        known = rooms.get(room_key(building, room)) if building is not None and room is not None else None
        buildings.append(known[0] if known else building)
        names.append(known[1] if known else room)
        missing = building is not None and room is not None and known is None and not override
        unknown.append(
            f"room {room!r} of building {building!r} is not in the room reference"
            + ("" if rooms else " (no room reference is loaded: load building_rooms_reference.csv first)")
            if missing
            else None
        )
    frame = frame.with_columns(
        pl.Series(building_column, buildings, dtype=pl.String),
        pl.Series(room_column, names, dtype=pl.String),
        pl.Series("__unknown_room", unknown, dtype=pl.String),
    )
    return frame, [_message_rule("__unknown_room", "BLDG_UNKNOWN_ROOM", room_column)]


def _fuel_units(frame: pl.DataFrame, columns: tuple[str, str]) -> tuple[pl.DataFrame, list[Rule]]:
    """The unit of a combustion row must be the unit of its fuel's factor (pellets in kg, gas in kWh)."""
    fuel_column, unit_column = columns
    mismatch = [
        f"{unit_column} {unit!r} is not the unit of {fuel}, which is counted in {FUEL_UNITS[fuel]}"
        if fuel in FUEL_UNITS and unit is not None and unit != FUEL_UNITS[fuel]
        else None
        for fuel, unit in zip(frame[fuel_column], frame[unit_column], strict=True)
    ]
    frame = frame.with_columns(pl.Series("__fuel_unit_mismatch", mismatch, dtype=pl.String))
    return frame, [_message_rule("__fuel_unit_mismatch", "BLDG_UNIT_MISMATCH", unit_column)]


def _end_use_carriers(frame: pl.DataFrame, columns: tuple[str, str]) -> tuple[pl.DataFrame, list[Rule]]:
    """Lighting, cooling and ventilation are electric (METHODOLOGY.md §3.3 (b)); only heating burns a fuel or buys
    district heat."""
    end_use_column, carrier_column = columns
    not_electric = [
        f"{carrier_column} {carrier!r} is not {ELECTRICITY_CARRIER}, the only carrier of {end_use}"
        if end_use not in (None, "heating") and carrier is not None and carrier != ELECTRICITY_CARRIER
        else None
        for end_use, carrier in zip(frame[end_use_column], frame[carrier_column], strict=True)
    ]
    frame = frame.with_columns(pl.Series("__carrier_not_electric", not_electric, dtype=pl.String))
    return frame, [_message_rule("__carrier_not_electric", "ROW_ENUM", carrier_column)]


def _message_rules(
    frame: pl.DataFrame, messages: Mapping[tuple[str, str], list[str | None]]
) -> tuple[pl.DataFrame, list[Rule]]:
    """One helper column and one rule per (reason code, column) whose per-row messages are given."""
    helpers = {f"__{code.lower()}__{column}": values for (code, column), values in messages.items()}
    frame = frame.with_columns(pl.Series(name, values, dtype=pl.String) for name, values in helpers.items())
    rules = [
        _message_rule(helper, code, column) for helper, (code, column) in zip(helpers, messages, strict=True)
    ]
    return frame, rules


def _same_unit(first: str, second: str) -> bool:
    return first.strip().casefold() == second.strip().casefold()


def _facility_use(
    frame: pl.DataFrame, kinds: tuple[str, ...], facilities: Mapping[str, FacilityReference]
) -> tuple[pl.DataFrame, list[Rule]]:
    """A use row names a facility of the year's reference, of a kind its file may name, in the facility's
    allocation unit (stored in the reference's spelling), and no more than the facility's total use
    (METHODOLOGY.md §3.6 (e)). A total of 0 is not an error here: the row is RF_NO_TOTAL in dbt."""
    unknown: list[str | None] = []
    mismatch: list[str | None] = []
    over_total: list[str | None] = []
    units: list[str | None] = []
    types = (
        frame["researchfacility_type"] if "researchfacility_type" in frame.columns else [None] * frame.height
    )
    rows = zip(frame["researchfacility_id"], frame["use"], frame["use_unit"], types, strict=True)
    for facility_id, use, use_unit, animal_type in rows:
        facility = facilities.get(facility_id) if facility_id is not None else None
        unknown_message = mismatch_message = over_message = None
        if facility_id is not None and facility is None:
            unknown_message = (
                f"researchfacility_id {facility_id!r} is not a facility of the year's facility reference "
                "(facility_footprints file)"
            )
        elif facility is not None and facility.facility_kind not in kinds:
            unknown_message = (
                f"researchfacility_id {facility_id!r} is a {facility.facility_kind} facility; this file takes "
                f"{' or '.join(kinds)} facilities"
            )
        elif (
            facility is not None and animal_type is not None and animal_type not in facility.total_use_by_type
        ):
            unknown_message = f"facility {facility_id!r} declares no {animal_type} in the facility reference"
        elif facility is not None:
            if use_unit is not None and not _same_unit(use_unit, facility.allocation_unit):
                mismatch_message = (
                    f"use_unit {use_unit!r} is not {facility.allocation_unit!r}, the allocation unit of "
                    f"facility {facility_id!r}"
                )
            elif use_unit is not None:
                use_unit = facility.allocation_unit
            total = facility.total_use_by_type.get(animal_type)
            used = _number(use)
            if mismatch_message is None and total and used is not None and used > total:
                over_message = (
                    f"use {used:g} exceeds the total use {total:g} {use_unit} of facility {facility_id!r}"
                )
        unknown.append(unknown_message)
        mismatch.append(mismatch_message)
        over_total.append(over_message)
        units.append(use_unit)
    frame = frame.with_columns(pl.Series("use_unit", units, dtype=pl.String))
    return _message_rules(
        frame,
        {
            ("RF_UNKNOWN_FACILITY", "researchfacility_id"): unknown,
            ("RF_UNIT_MISMATCH", "use_unit"): mismatch,
            ("RF_USE_GT_TOTAL", "use"): over_total,
        },
    )


def _number(cell: str | None) -> float | None:
    try:
        return float(cell) if cell is not None else None
    except ValueError:
        return None


def _facility_reference(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Rule]]:
    """The columns a reference row needs depend on its kind and footprint origin (METHODOLOGY.md §3.6 (c)):
    an animal row names its animal type, footprint source and share; a declared footprint has a value; a
    computed one names the facility unit whose legs it sums; only an IT facility allocated by core or GPU
    hours may use the per-hour factors, and every other origin needs the facility's total use."""
    required: dict[str, list[str | None]] = {
        c: [] for c in ("animal_type", "source_module", "share", "footprint_kg", "total_use")
    }
    required["facility_unit_institutional_id"] = []
    not_allowed: dict[str, list[str | None]] = {
        c: [] for c in ("animal_type", "source_module", "footprint_origin")
    }
    for row in frame.iter_rows(named=True):
        kind, origin = row["facility_kind"], row["footprint_origin"]
        is_animal = kind == "animal"
        needs = {
            "animal_type": is_animal,
            "source_module": is_animal,
            "share": is_animal,
            "footprint_kg": origin == "declared",
            "total_use": origin in ("declared", "computed"),
            "facility_unit_institutional_id": origin == "computed",
        }
        for column, needed in needs.items():
            reason = (
                f"a {kind} facility"
                if column in ("animal_type", "source_module", "share")
                else f"a {origin} footprint"
            )
            required[column].append(
                f"{column} is required for {reason}" if needed and row[column] is None else None
            )
        for column in ("animal_type", "source_module"):
            not_allowed[column].append(
                f"{column} {row[column]!r} must be blank for a {kind} facility"
                if kind is not None and not is_animal and row[column] is not None
                else None
            )
        per_hour_ok = kind == "it" and row["allocation_unit"] in PER_HOUR_ALLOCATION_UNITS
        not_allowed["footprint_origin"].append(
            "footprint_origin 'per_hour_factor' is only for an it facility allocated by "
            f"{' or '.join(PER_HOUR_ALLOCATION_UNITS)}"
            if origin == "per_hour_factor" and not per_hour_ok
            else None
        )
    return _message_rules(
        frame,
        {("ROW_REQUIRED", c): v for c, v in required.items()}
        | {("ROW_ENUM", c): v for c, v in not_allowed.items()},
    )


def _intensity(frame: pl.DataFrame, columns: tuple[str, str, str, str]) -> tuple[pl.DataFrame, list[Rule]]:
    """An activity intensity names a class and a value unit of its domain, and an end-of-life route only when
    it is waste (METHODOLOGY.md §3.9 (a)). Classes and routes are stored lower case with `_` for spaces and
    hyphens (`E-bike` -> `e_bike`); waste types are free (the institution's own statistics name them)."""
    domain_column, class_column, route_column, unit_column = columns
    canonical = pl.col(class_column).str.to_lowercase().str.replace_all(r"[\s-]+", "_")
    frame = frame.with_columns(
        canonical.alias(class_column), pl.col(route_column).str.to_lowercase().alias(route_column)
    )
    classes, routes, missing_routes, units = [], [], [], []
    rows = zip(
        frame[domain_column], frame[class_column], frame[route_column], frame[unit_column], strict=True
    )
    for domain, activity_class, route, unit in rows:
        allowed_classes = ADDITIONAL_CLASSES.get(domain)
        classes.append(
            f"{class_column} {activity_class!r} is not one of {', '.join(allowed_classes)} (domain {domain})"
            if allowed_classes and activity_class is not None and activity_class not in allowed_classes
            else None
        )
        is_waste = domain == "waste"
        routes.append(
            f"{route_column} {route!r} is not one of {', '.join(WASTE_ROUTES)}"
            if is_waste and route is not None and route not in WASTE_ROUTES
            else f"{route_column} {route!r} must be blank for {domain}"
            if domain is not None and not is_waste and route is not None
            else None
        )
        missing_routes.append(
            f"{route_column} is required for waste (one of {', '.join(WASTE_ROUTES)})"
            if is_waste and route is None
            else None
        )
        allowed_units = ADDITIONAL_VALUE_UNITS.get(domain)
        units.append(
            f"{unit_column} {unit!r} is not a unit of {domain} (expected {', '.join(allowed_units)})"
            if allowed_units and unit is not None and unit not in allowed_units
            else None
        )
    frame = frame.with_columns(
        pl.Series("__intensity_class", classes, dtype=pl.String),
        pl.Series("__intensity_route", routes, dtype=pl.String),
        pl.Series("__intensity_route_missing", missing_routes, dtype=pl.String),
        pl.Series("__intensity_unit", units, dtype=pl.String),
    )
    return frame, [
        _message_rule("__intensity_class", "ROW_ENUM", class_column),
        _message_rule("__intensity_route", "ROW_ENUM", route_column),
        _message_rule("__intensity_route_missing", "ROW_REQUIRED", route_column),
        _message_rule("__intensity_unit", "ROW_ENUM", unit_column),
    ]


def _weekly_hours(frame: pl.DataFrame, columns: tuple[str, ...]) -> tuple[pl.DataFrame, list[Rule]]:
    """The weekly hours of use (`columns`) may not add up to more than a week's hours (EQUIP_HOURS_SUM)."""
    *_, last = columns
    # Only hours that are each in range are summed (an out-of-range cell is EQUIP_HOURS_RANGE already); a
    # blank cell makes the sum NULL: blank hours are not an error here (EQUIP_HOURS_MISSING in dbt).
    hour_cells = [pl.col(c).cast(pl.Float64, strict=False) for c in columns]
    each_in_range = pl.all_horizontal(cell.is_between(0, HOURS_PER_WEEK) for cell in hour_cells)
    frame = frame.with_columns(
        pl.when(each_in_range).then(sum(hour_cells, pl.lit(0.0))).alias("__weekly_hours_sum")
    )
    hours = " + ".join(columns)
    return frame, [
        Rule(
            Expectation.of(
                "expect_column_values_to_be_between",
                column="__weekly_hours_sum",
                max_value=HOURS_PER_WEEK,
            ),
            "EQUIP_HOURS_SUM",
            last,
            lambda v, h=hours: f"{h} = {v:g} exceeds the {HOURS_PER_WEEK} hours of a week",
        )
    ]


def _mass_coefficient(frame: pl.DataFrame, columns: tuple[str, str]) -> tuple[pl.DataFrame, list[Rule]]:
    """A quantity in kg has a coefficient to kg of 1 (PURCH_COEF_INCONSISTENT)."""
    unit_column, coefficient_column = columns
    coefficient = pl.col(coefficient_column).cast(pl.Float64, strict=False)
    frame = frame.with_columns(
        pl.when((pl.col(unit_column) == "kg") & (coefficient != 1))
        .then(
            pl.format(
                "{} is {} for a quantity in kg; kg per kg must be 1",
                pl.lit(coefficient_column),
                coefficient,
            )
        )
        .alias("__mass_coefficient_problem")
    )
    return frame, [_message_rule("__mass_coefficient_problem", "PURCH_COEF_INCONSISTENT", coefficient_column)]


def _blank_template_lines(frame: pl.DataFrame, name: str) -> tuple[pl.DataFrame, list[Rule]]:
    """A row whose `name` is blank (and that brings no kg_co2eq) is a pre-filled template line, skipped."""
    blank = pl.col(name).is_null()
    if "kg_co2eq" in frame.columns:
        blank = blank & pl.col("kg_co2eq").is_null()
    frame = frame.with_columns(
        pl.when(blank)
        .then(pl.lit(f"{name} is blank: a pre-filled template line, skipped"))
        .otherwise(None)
        .alias("__blank_template_line")
    )
    return frame, [_message_rule("__blank_template_line", "ROW_BLANK_TEMPLATE_LINE", name)]


def _resolution_columns(
    frame: pl.DataFrame, contract: SourceContract, lookups: Lookups
) -> tuple[pl.DataFrame, list[Rule]]:
    """Module rules that look a row up or combine cells, as helper columns and the rules reading them."""
    rules: list[Rule] = []
    if contract.equipment_power_columns:
        frame, power_rules = _equipment_power(
            frame, contract.equipment_power_columns, lookups.equipment_power
        )
        rules += power_rules
    if contract.gas_columns:
        frame, gas_rules = _gas(frame, contract.gas_columns, lookups.gas_codes)
        rules += gas_rules
    if contract.room_columns:
        frame, room_rules = _rooms(frame, contract.room_columns, lookups.rooms)
        rules += room_rules
    if contract.fuel_unit_columns:
        frame, fuel_rules = _fuel_units(frame, contract.fuel_unit_columns)
        rules += fuel_rules
    if contract.end_use_carrier_columns:
        frame, carrier_rules = _end_use_carriers(frame, contract.end_use_carrier_columns)
        rules += carrier_rules
    if contract.facility_use_kinds:
        frame, facility_rules = _facility_use(frame, contract.facility_use_kinds, lookups.facilities)
        rules += facility_rules
    if contract.is_facility_reference:
        frame, reference_rules = _facility_reference(frame)
        rules += reference_rules
    if contract.intensity_columns:
        frame, intensity_rules = _intensity(frame, contract.intensity_columns)
        rules += intensity_rules
    if contract.weekly_hours_columns:
        frame, hours_rules = _weekly_hours(frame, contract.weekly_hours_columns)
        rules += hours_rules
    if contract.mass_coefficient_columns:
        frame, coefficient_rules = _mass_coefficient(frame, contract.mass_coefficient_columns)
        rules += coefficient_rules
    if contract.blank_template_column:
        frame, blank_rules = _blank_template_lines(frame, contract.blank_template_column)
        rules += blank_rules
    return frame, rules


def _keys(frame: pl.DataFrame, contract: SourceContract) -> pl.Series:
    """Each row's unique key (METHODOLOGY.md §1.8), taken after the resolution rules canonicalised the cells. A
    one-column key is the cell (a blank cell is no key); a compound key is one text with its blank cells, since
    an optional key column (an intensity's sius_code) is usually blank."""
    if len(contract.unique_key) == 1:
        return frame[contract.unique_key[0]]
    return frame.select(
        pl.concat_str([pl.col(c).fill_null("") for c in contract.unique_key], separator="\x1f")
    ).to_series()


def row_keys(
    cells: pl.DataFrame, contract: SourceContract, *, lookups: Lookups, unit_default: str | None = None
) -> pl.Series:
    """The unique key of each row of `cells` as validate_rows sees it (for repeated_keys)."""
    frame, _ = _resolution_columns(_canonical(cells, contract, unit_default), contract, lookups)
    return _keys(frame, contract)


def repeated_keys(key_batches: Iterable[pl.Series]) -> frozenset[str]:
    """The keys found on more than one row of a file read in batches: a duplicate is a file-wide rule, and both
    rows are refused wherever the batch boundaries fall. Memory holds one text per distinct key of the file."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for keys in key_batches:
        for key in keys.drop_nulls():
            if key in seen:
                repeated.add(key)
            else:
                seen.add(key)
    return frozenset(repeated)


def _repeated_key_messages(
    frame: pl.DataFrame, contract: SourceContract, repeated: frozenset[str] | None
) -> pl.Series:
    keys = _keys(frame, contract)
    if repeated is None:
        repeated = frozenset(keys.filter(keys.is_duplicated()).drop_nulls())
    if len(contract.unique_key) == 1:
        (name,) = contract.unique_key

        def message(value: str) -> str:
            return f"{name} {value!r} is repeated in the file"
    else:
        key = ", ".join(contract.unique_key)

        def message(_value: str) -> str:
            return f"({key}) is repeated in the file"

    is_repeated = keys.is_in(pl.Series(list(repeated), dtype=pl.String))
    return _cell_messages(keys, is_repeated, message).alias("__repeated_key")


def checked_frame(
    cells: pl.DataFrame,
    contract: SourceContract,
    *,
    reporting_year: int | None,
    lookups: Lookups,
    unit_default: str | None = None,
    repeated: frozenset[str] | None = None,
) -> tuple[pl.DataFrame, list[Rule]]:
    """The canonical frame with its helper columns, and the rules to check on it."""
    frame = _helper_columns(_canonical(cells, contract, unit_default), contract, lookups)
    frame, resolution_rules = _resolution_columns(frame, contract, lookups)
    if contract.unique_key:
        frame = frame.with_columns(_repeated_key_messages(frame, contract, repeated))
    rules = [rule for column in contract.columns for rule in _column_rules(column)]
    rules += _lookup_rules(contract, reporting_year, lookups)
    rules += resolution_rules
    return frame, rules


def find_problems(frame: pl.DataFrame, rules: list[Rule]) -> list[Problem]:
    """The problems the rules find in `frame`, one per row and column (the first rule that fails it, in the
    rules' order), sorted by row and reason code."""
    unexpected = frame.select(rule.expectation.unexpected().alias(str(n)) for n, rule in enumerate(rules))
    problems: list[Problem] = []
    seen: set[tuple[int, str | None]] = set()
    for number, rule in enumerate(rules):
        rows = unexpected[str(number)].arg_true()
        if not rows.len():
            continue
        values = frame[rule.quoted_column or rule.expectation.column].gather(rows)
        for row, value in zip(rows, values, strict=True):
            if (row, rule.column_name) in seen:
                continue
            seen.add((row, rule.column_name))
            problems.append(Problem(row, rule.column_name, rule.reason_code, rule.message(value)))
    return sorted(problems, key=lambda p: (p.row_index, p.reason_code))


def validate_rows(
    cells: pl.DataFrame,
    contract: SourceContract,
    *,
    reporting_year: int | None,
    lookups: Lookups,
    unit_default: str | None = None,
    repeated: frozenset[str] | None = None,
) -> tuple[pl.DataFrame, list[Problem]]:
    """Check every row; return the canonical frame (with helper columns) and the problems found.

    `cells` is a whole file, or one batch of it with `repeated` the file's repeated keys (repeated_keys): every other
    rule looks at one row at a time."""
    frame, rules = checked_frame(
        cells,
        contract,
        reporting_year=reporting_year,
        lookups=lookups,
        unit_default=unit_default,
        repeated=repeated,
    )
    return frame, find_problems(frame, rules)
