"""Row validation with Great Expectations: each contract rule is one expectation over the file's cells.

Every rule names the reason code it produces (METHODOLOGY.md §1.8 and §3); an unexpected row is
rejected with that code and a message naming the column, the value and what was expected. Checks
that need a lookup (stations, airports, units) are expressed as expectations on helper columns, so
that Great Expectations reports every refused row the same way.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import polars as pl

from ingest.contracts import (
    ADDITIONAL_CLASSES,
    ADDITIONAL_VALUE_UNITS,
    HOURS_PER_WEEK,
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


@dataclass(frozen=True)
class Problem:
    row_index: int
    column_name: str | None
    reason_code: str
    reason_message: str


@dataclass(frozen=True)
class Lookups:
    unit_ids: frozenset[str]
    airport_codes: frozenset[str]
    stations: StationIndex
    # The dbt seeds the models join (seed_equipment_power, seed_factors__gwp), read from the same files.
    equipment_power: EquipmentPowerIndex = field(default_factory=shipped_equipment_power)
    gas_codes: Mapping[str, str] = field(default_factory=shipped_gas_codes)


@dataclass(frozen=True)
class _Rule:
    expectation: gxe.Expectation
    reason_code: str
    column_name: str | None
    message: Callable[[object], str]


@lru_cache(maxsize=1)
def _batch_definition():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("delivered_files")
    asset = source.add_dataframe_asset("rows")
    return asset.add_batch_definition_whole_dataframe("whole_file")


def _column_rules(column: Column) -> list[_Rule]:
    name = column.name
    rules: list[_Rule] = []
    if column.required:
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToNotBeNull(column=name),
                "ROW_REQUIRED",
                name,
                lambda _v, n=name: f"{n} is required and is empty",
            )
        )
    if column.column_type in TYPE_PATTERNS:
        description = TYPE_DESCRIPTIONS[column.column_type]
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToMatchRegex(column=name, regex=TYPE_PATTERNS[column.column_type]),
                "ROW_TYPE",
                name,
                lambda v, n=name, d=description: f"{n} {v!r} is not {d}",
            )
        )
    if column.column_type == "date":
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToMatchStrftimeFormat(column=name, strftime_format="%Y-%m-%d"),
                "ROW_TYPE",
                name,
                lambda v, n=name: f"{n} {v!r} is not a date written YYYY-MM-DD",
            )
        )
    if column.pattern:
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToMatchRegex(column=name, regex=column.pattern),
                "ROW_TYPE",
                name,
                lambda v, n=name, d=column.pattern_description: f"{n} {v!r} is not {d}",
            )
        )
    if column.allowed is not None:
        allowed = ", ".join(column.allowed)
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeInSet(column=name, value_set=list(column.allowed)),
                "ROW_ENUM",
                name,
                lambda v, n=name, a=allowed: f"{n} {v!r} is not one of {a}",
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
            _Rule(
                gxe.ExpectColumnValuesToBeBetween(column=f"__{name}__number", **bounds),
                column.range_code,
                name,
                lambda v, n=name, e=expected: f"{n} {v:g} is not {e}",
            )
        )
    return rules


def _lookup_rules(contract: SourceContract, reporting_year: int | None, lookups: Lookups) -> list[_Rule]:
    rules: list[_Rule] = []
    if contract.known_units_column:
        name = contract.known_units_column
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeInSet(column=name, value_set=sorted(lookups.unit_ids)),
                "ROW_UNKNOWN_UNIT",
                name,
                lambda v, n=name: f"{n} {v!r} is not a known unit",
            )
        )
    for name in contract.known_airport_columns:
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeInSet(column=name, value_set=sorted(lookups.airport_codes)),
                "TRAVEL_UNKNOWN_IATA",
                name,
                lambda v, n=name: f"{n} {v!r} is not a known airport code",
            )
        )
    for first, second in contract.distinct_pairs:
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeInSet(column=f"__{first}__same_as__{second}", value_set=[False]),
                "TRAVEL_SAME_ENDPOINTS",
                second,
                lambda _v, a=first, b=second: f"{a} and {b} are equal",
            )
        )
    for name_column, _ in contract.station_columns:
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeNull(column=f"__{name_column}__station_problem"),
                "TRAVEL_UNKNOWN_STATION",
                name_column,
                str,
            )
        )
    if contract.date_column and reporting_year is not None:
        name = contract.date_column
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeBetween(
                    column=f"__{name}__year", min_value=reporting_year, max_value=reporting_year
                ),
                "ROW_OUT_OF_YEAR",
                name,
                lambda v, n=name, y=reporting_year: f"{n} is in {v:g}, outside reporting year {y}",
            )
        )
    if len(contract.unique_key) == 1:
        (name,) = contract.unique_key
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeUnique(column=name),
                "ROW_DUPLICATE",
                name,
                lambda v, n=name: f"{n} {v!r} is repeated in the file",
            )
        )
    elif contract.unique_key:
        key = ", ".join(contract.unique_key)
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeUnique(column="__unique_key"),
                "ROW_DUPLICATE",
                None,
                lambda _v, k=key: f"({k}) is repeated in the file",
            )
        )
    return rules


def _canonical(cells: pl.DataFrame, contract: SourceContract, unit_default: str | None) -> pl.DataFrame:
    expressions = []
    for column in contract.columns:
        if column.name not in cells.columns:
            fill = unit_default if column.name == "unit_institutional_id" else None
            expressions.append(pl.lit(fill, dtype=pl.String).alias(column.name))
            continue
        value = pl.col(column.name)
        if column.upper:
            value = value.str.to_uppercase()
        elif column.allowed is not None:
            value = value.str.to_lowercase().replace({a.lower(): a for a in column.allowed})
        if column.default is not None:
            value = value.fill_null(column.default)
        expressions.append(value.alias(column.name))
    return cells.select(expressions)


def _helper_columns(frame: pl.DataFrame, contract: SourceContract, lookups: Lookups) -> pl.DataFrame:
    helpers = []
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
    for name_column, country_column in contract.station_columns:
        resolved = [
            lookups.stations.resolve(name, country, name_column)
            for name, country in zip(frame[name_column], frame[country_column], strict=True)
        ]
        frame = frame.with_columns(
            pl.Series(f"__{name_column}__station_id", [r[0] for r in resolved], dtype=pl.String),
            pl.Series(f"__{name_column}__station_problem", [r[1] for r in resolved], dtype=pl.String),
        )
    return frame


def _message_rule(helper: str, reason_code: str, column_name: str) -> _Rule:
    """A rule on a helper column that holds, per row, NULL or the message of the problem found."""
    return _Rule(gxe.ExpectColumnValuesToBeNull(column=helper), reason_code, column_name, str)


def _equipment_power(
    frame: pl.DataFrame, columns: tuple[str, str], index: EquipmentPowerIndex
) -> tuple[pl.DataFrame, list[_Rule]]:
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
) -> tuple[pl.DataFrame, list[_Rule]]:
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


def _intensity(frame: pl.DataFrame, columns: tuple[str, str, str, str]) -> tuple[pl.DataFrame, list[_Rule]]:
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


def _resolution_columns(
    frame: pl.DataFrame, contract: SourceContract, lookups: Lookups
) -> tuple[pl.DataFrame, list[_Rule]]:
    """Module rules that look a row up or combine cells, as helper columns and the rules reading them."""
    rules: list[_Rule] = []
    if contract.equipment_power_columns:
        frame, power_rules = _equipment_power(
            frame, contract.equipment_power_columns, lookups.equipment_power
        )
        rules += power_rules
    if contract.gas_columns:
        frame, gas_rules = _gas(frame, contract.gas_columns, lookups.gas_codes)
        rules += gas_rules
    if contract.intensity_columns:
        frame, intensity_rules = _intensity(frame, contract.intensity_columns)
        rules += intensity_rules
    if contract.weekly_hours_columns:
        *_, last = contract.weekly_hours_columns
        # Only hours that are each in range are summed (an out-of-range cell is EQUIP_HOURS_RANGE already); a
        # blank cell makes the sum NULL: blank hours are not an error here (EQUIP_HOURS_MISSING in dbt).
        hour_cells = [pl.col(c).cast(pl.Float64, strict=False) for c in contract.weekly_hours_columns]
        each_in_range = pl.all_horizontal(cell.is_between(0, HOURS_PER_WEEK) for cell in hour_cells)
        frame = frame.with_columns(
            pl.when(each_in_range).then(sum(hour_cells, pl.lit(0.0))).alias("__weekly_hours_sum")
        )
        hours = " + ".join(contract.weekly_hours_columns)
        rules.append(
            _Rule(
                gxe.ExpectColumnValuesToBeBetween(column="__weekly_hours_sum", max_value=HOURS_PER_WEEK),
                "EQUIP_HOURS_SUM",
                last,
                lambda v, h=hours: f"{h} = {v:g} exceeds the {HOURS_PER_WEEK} hours of a week",
            )
        )
    if contract.blank_template_column:
        name = contract.blank_template_column
        blank = pl.col(name).is_null()
        if "kg_co2eq" in frame.columns:
            blank = blank & pl.col("kg_co2eq").is_null()
        frame = frame.with_columns(
            pl.when(blank)
            .then(pl.lit(f"{name} is blank: a pre-filled template line, skipped"))
            .otherwise(None)
            .alias("__blank_template_line")
        )
        rules.append(_message_rule("__blank_template_line", "ROW_BLANK_TEMPLATE_LINE", name))
    return frame, rules


def validate_rows(
    cells: pl.DataFrame,
    contract: SourceContract,
    *,
    reporting_year: int | None,
    lookups: Lookups,
    unit_default: str | None = None,
) -> tuple[pl.DataFrame, list[Problem]]:
    """Check every row; return the canonical frame (with helper columns) and the problems found."""
    frame = _helper_columns(_canonical(cells, contract, unit_default), contract, lookups)
    frame, resolution_rules = _resolution_columns(frame, contract, lookups)
    if len(contract.unique_key) > 1:
        # One text per key, taken after the resolution rules canonicalised the cells, blank cells included: a
        # compound-uniqueness expectation skips rows with a NULL in the key, and an optional key column (an
        # intensity's sius_code) is usually blank.
        key = pl.concat_str([pl.col(c).fill_null("") for c in contract.unique_key], separator="\x1f")
        frame = frame.with_columns(key.alias("__unique_key"))
    rules = [rule for column in contract.columns for rule in _column_rules(column)]
    rules += _lookup_rules(contract, reporting_year, lookups)
    rules += resolution_rules
    for number, rule in enumerate(rules):
        rule.expectation.meta = {"rule_number": number}
    suite = gx.ExpectationSuite(
        name=f"{contract.source_code}_rows", expectations=[r.expectation for r in rules]
    )
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    results = batch.validate(suite, result_format={"result_format": "COMPLETE"}).results
    problems: list[Problem] = []
    seen: set[tuple[int, str | None]] = set()
    for result in results:
        rule = rules[result.expectation_config.meta["rule_number"]]
        indices = result.result.get("unexpected_index_list") or []
        values = result.result.get("unexpected_list") or []
        if not result.success and not indices and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"validation of {rule.column_name} failed: {result.exception_info}")
        for index, value in zip(indices, values, strict=False):
            row = index if isinstance(index, int) else int(next(iter(index.values())))
            if (row, rule.column_name) in seen:
                continue
            seen.add((row, rule.column_name))
            shown = value if not isinstance(value, Mapping) else None
            problems.append(Problem(row, rule.column_name, rule.reason_code, rule.message(_plain(shown))))
    return frame, sorted(problems, key=lambda p: (p.row_index, p.reason_code))


def _plain(value: object) -> object:
    if isinstance(value, float) and pd.isna(value):
        return None
    return value
