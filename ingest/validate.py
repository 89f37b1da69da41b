"""Row validation with Great Expectations: each contract rule is one expectation over the file's cells.

Every rule names the reason code it produces (METHODOLOGY.md §1.8 and §3); an unexpected row is
rejected with that code and a message naming the column, the value and what was expected. Checks
that need a lookup (stations, airports, units) are expressed as expectations on helper columns, so
that Great Expectations reports every refused row the same way.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import polars as pl

from ingest.contracts import TYPE_DESCRIPTIONS, TYPE_PATTERNS, Column, SourceContract
from ingest.reference import StationIndex


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
                "ROW_RANGE",
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
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(contract.unique_key)),
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
            value = value.str.to_lowercase()
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
    rules = [rule for column in contract.columns for rule in _column_rules(column)]
    rules += _lookup_rules(contract, reporting_year, lookups)
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
