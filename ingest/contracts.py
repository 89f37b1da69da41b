"""What each source file must look like: its columns, their types, and the rules a row must pass.

A contract is data. `ingest.read` checks a file's header against it, `ingest.validate` turns its
row rules into Great Expectations expectations, and `ingest.load` copies the accepted rows into
the contract's `raw` table. Column names are EPFL's template headers (METHODOLOGY.md §3), plus the
leading `unit_institutional_id` of the back-office variant.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "integer", "decimal", "date"]

# The pattern a cell must match to be parsed as its column type.
TYPE_PATTERNS: dict[ColumnType, str] = {
    "integer": r"^[+-]?\d+$",
    "decimal": r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$",
}
TYPE_DESCRIPTIONS: dict[ColumnType, str] = {
    "text": "text",
    "integer": "a whole number",
    "decimal": "a number with a dot as decimal separator",
    "date": "a date written YYYY-MM-DD",
}


@dataclass(frozen=True)
class Column:
    name: str
    column_type: ColumnType = "text"
    required: bool = False
    # Allowed values after case-folding, stored in the spelling listed here (`refrigerant` -> `Refrigerant`),
    # or upper case when `upper`.
    allowed: tuple[str, ...] | None = None
    upper: bool = False
    minimum: float | None = None
    maximum: float | None = None
    # Minimum excluded (`> minimum`) rather than included.
    minimum_exclusive: bool = False
    # Reason code of a value outside [minimum, maximum] (a module may name its own, e.g. EQUIP_HOURS_RANGE).
    range_code: str = "ROW_RANGE"
    # Value used when the cell is blank, with the warning code recorded in the load's notes.
    default: str | None = None
    # A column the header may omit (the back-office override column, for example).
    optional_in_header: bool = False
    pattern: str | None = None
    pattern_description: str | None = None


@dataclass(frozen=True)
class SourceContract:
    source_code: str
    raw_table: str
    columns: tuple[Column, ...]
    # Inbox routing: a file whose name matches is loaded as this source; the `year` group gives its year.
    file_pattern: str
    has_reporting_year: bool = True
    # Row rules beyond single columns (see ingest.validate): pairs of distinct endpoints, uniqueness keys...
    distinct_pairs: tuple[tuple[str, str], ...] = ()
    unique_key: tuple[str, ...] = ()
    date_column: str | None = None
    known_units_column: str | None = "unit_institutional_id"
    known_airport_columns: tuple[str, ...] = ()
    station_columns: tuple[tuple[str, str], ...] = ()  # (name column, country column)
    # (class column, sub-class column) resolved against the equipment power table (METHODOLOGY.md §3.4 (e)).
    equipment_power_columns: tuple[str, str] | None = None
    # Columns whose sum may not exceed the hours of a week (EQUIP_HOURS_SUM).
    weekly_hours_columns: tuple[str, ...] = ()
    # (category column, gas column): the gas is required for refrigerants, a gas of the GWP seed, blank
    # otherwise (METHODOLOGY.md §3.8 (e)).
    gas_columns: tuple[str, str] | None = None
    # A row whose cell here is blank (and that brings no kg_co2eq) is a pre-filled template line, skipped
    # with ROW_BLANK_TEMPLATE_LINE.
    blank_template_column: str | None = None
    # (domain, class, route, value unit) columns of an activity-intensity file: the class and unit a row may
    # name depend on its domain, and only waste rows name an end-of-life route (METHODOLOGY.md §3.9).
    intensity_columns: tuple[str, str, str, str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def matches_file_name(self, file_name: str) -> re.Match[str] | None:
        return re.fullmatch(self.file_pattern, file_name, flags=re.IGNORECASE)


UNIT = Column("unit_institutional_id", required=True)
USER = Column("user_institutional_id")
NOTE = Column("note")
DEPARTURE_DATE = Column("departure_date", "date")
NUMBER_OF_TRIPS = Column("number_of_trips", "integer", required=True, minimum=1)
OVERRIDE = Column("kg_co2eq", "decimal", minimum=0, optional_in_header=True)
SIUS_CODES = ("51", "52", "53", "54", "56", "57", "58", "59")
YEAR_SUFFIX = r"(?:[_-](?P<year>\d{4}))?\.csv"

UNITS = SourceContract(
    source_code="units",
    raw_table="raw.units",
    columns=(
        UNIT,
        Column("unit_code", required=True),
        Column("unit_name", required=True),
        Column("unit_level", "integer", required=True, minimum=1, maximum=4),
        Column("parent_unit_institutional_id"),
    ),
    file_pattern=r"units" + YEAR_SUFFIX,
    has_reporting_year=False,
    unique_key=("unit_institutional_id",),
    known_units_column=None,
)

HEADCOUNT = SourceContract(
    source_code="headcount",
    raw_table="raw.headcount",
    columns=(
        UNIT,
        Column("name", required=True),
        Column("sius_code", required=True, allowed=SIUS_CODES),
        Column("user_institutional_id", required=True),
        Column("fte", "decimal", required=True, minimum=0, maximum=1),
        NOTE,
    ),
    file_pattern=r"headcount" + YEAR_SUFFIX,
    unique_key=("unit_institutional_id", "user_institutional_id", "sius_code"),
)

TRAVEL_PLANES = SourceContract(
    source_code="travel_planes",
    raw_table="raw.travel_planes",
    columns=(
        UNIT,
        Column(
            "origin_iata",
            required=True,
            upper=True,
            pattern=r"^[A-Z]{3}$",
            pattern_description="three letters",
        ),
        Column(
            "destination_iata",
            required=True,
            upper=True,
            pattern=r"^[A-Z]{3}$",
            pattern_description="three letters",
        ),
        USER,
        DEPARTURE_DATE,
        NUMBER_OF_TRIPS,
        Column("cabin_class", allowed=("economy", "premium_economy", "business", "first"), default="economy"),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"travel_planes" + YEAR_SUFFIX,
    distinct_pairs=(("origin_iata", "destination_iata"),),
    date_column="departure_date",
    known_airport_columns=("origin_iata", "destination_iata"),
)

TRAVEL_TRAINS = SourceContract(
    source_code="travel_trains",
    raw_table="raw.travel_trains",
    columns=(
        UNIT,
        Column("origin_name", required=True),
        Column(
            "origin_country_code",
            required=True,
            upper=True,
            pattern=r"^[A-Z]{2}$",
            pattern_description="an ISO 3166-1 alpha-2 country code",
        ),
        Column("destination_name", required=True),
        Column(
            "destination_country_code",
            required=True,
            upper=True,
            pattern=r"^[A-Z]{2}$",
            pattern_description="an ISO 3166-1 alpha-2 country code",
        ),
        USER,
        DEPARTURE_DATE,
        NUMBER_OF_TRIPS,
        Column("cabin_class", allowed=("first", "second"), default="second"),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"travel_trains" + YEAR_SUFFIX,
    date_column="departure_date",
    station_columns=(
        ("origin_name", "origin_country_code"),
        ("destination_name", "destination_country_code"),
    ),
)

# Professional travel by car, bus or taxi (co2calc extension, no EPFL template; METHODOLOGY.md §3.2 road
# travel): one row per traveller and journey, one-way road distance stated (no sourced road detour for cars).
TRAVEL_CARS = SourceContract(
    source_code="travel_cars",
    raw_table="raw.travel_cars",
    columns=(
        UNIT,
        USER,
        DEPARTURE_DATE,
        Column("distance_km", "decimal", required=True, minimum=0, minimum_exclusive=True),
        Column(
            "vehicle_type", required=True, allowed=("car_petrol", "car_diesel", "car_electric", "bus", "taxi")
        ),
        NUMBER_OF_TRIPS,
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"travel_cars" + YEAR_SUFFIX,
    date_column="departure_date",
)

PROCESS_CATEGORIES = ("CO2", "CH4", "N2O", "Refrigerant")

PROCESS_EMISSIONS = SourceContract(
    source_code="processemissions",
    raw_table="raw.processemissions",
    columns=(
        UNIT,
        Column("category", required=True, allowed=PROCESS_CATEGORIES),
        Column("subcategory"),
        Column("quantity", "decimal", minimum=0),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"processemissions" + YEAR_SUFFIX,
    gas_columns=("category", "subcategory"),
    blank_template_column="quantity",
)

HOURS_PER_WEEK = 168
EQUIPMENT_CATEGORIES = ("scientific", "it", "other")


def equipment_contract(equipment_category: str) -> SourceContract:
    """One contract per equipment template (METHODOLOGY.md §3.4): the three share their columns and rules
    and differ only in the sub-module their `equipment_category` must name. The EPFL templates already carry
    `kg_co2eq`, in the middle of the header."""
    hours = {"minimum": 0, "maximum": HOURS_PER_WEEK, "range_code": "EQUIP_HOURS_RANGE"}
    return SourceContract(
        source_code=f"equipment_{equipment_category}",
        raw_table=f"raw.equipment_{equipment_category}",
        columns=(
            UNIT,
            Column("equipment_id", required=True),
            Column("name", required=True),
            Column("equipment_class", required=True),
            Column("sub_class"),
            Column("active_usage_hours_per_week", "decimal", **hours),
            Column("standby_usage_hours_per_week", "decimal", **hours),
            NOTE,
            OVERRIDE,
            Column("equipment_category", allowed=(equipment_category,), default=equipment_category),
        ),
        file_pattern=rf"equipment_{equipment_category}" + YEAR_SUFFIX,
        unique_key=("unit_institutional_id", "equipment_id"),
        equipment_power_columns=("equipment_class", "sub_class"),
        weekly_hours_columns=("active_usage_hours_per_week", "standby_usage_hours_per_week"),
    )


EQUIPMENT_SCIENTIFIC, EQUIPMENT_IT, EQUIPMENT_OTHER = (equipment_contract(c) for c in EQUIPMENT_CATEGORIES)

# Additional categories (METHODOLOGY.md §3.9): institution-wide activity per FTE, one file per reporting year
# for every unit (no unit column). Per domain, the classes a row may name and the units its value may be in.
ADDITIONAL_CLASSES: dict[str, tuple[str, ...]] = {
    "commuting": ("walking", "cycling", "e_bike", "powered_two_wheeler", "train", "tram", "bus", "car"),
    "food": ("vegetarian", "vegan", "non_vegetarian", "chicken", "beef", "white_fish", "fatty_fish"),
}
ADDITIONAL_VALUE_UNITS: dict[str, tuple[str, ...]] = {
    "commuting": ("pkm",),
    "food": ("meal", "kg"),
    "waste": ("kg",),
}
WASTE_ROUTES = ("incineration", "composting", "biogas", "recycling")

ADDITIONAL_INTENSITIES = SourceContract(
    source_code="additional_intensities",
    raw_table="raw.additional_intensities",
    columns=(
        Column("domain", required=True, allowed=tuple(ADDITIONAL_VALUE_UNITS)),
        Column("population", allowed=("staff", "students", "all"), default="all"),
        Column("sius_code", allowed=SIUS_CODES),
        Column("activity_class", required=True),
        Column("waste_route"),
        Column("value_per_fte", "decimal", required=True, minimum=0),
        Column("value_unit", required=True, allowed=("pkm", "kg", "meal")),
        Column("source_ref"),
        NOTE,
    ),
    file_pattern=r"additional_intensities" + YEAR_SUFFIX,
    unique_key=("domain", "population", "sius_code", "activity_class", "waste_route"),
    known_units_column=None,
    intensity_columns=("domain", "activity_class", "waste_route", "value_unit"),
)

SOURCES: dict[str, SourceContract] = {
    c.source_code: c
    for c in (
        UNITS,
        HEADCOUNT,
        TRAVEL_PLANES,
        TRAVEL_TRAINS,
        PROCESS_EMISSIONS,
        EQUIPMENT_SCIENTIFIC,
        EQUIPMENT_IT,
        EQUIPMENT_OTHER,
        ADDITIONAL_INTENSITIES,
        TRAVEL_CARS,
    )
}


def year_in_file_name(file_name: str) -> int | None:
    """The reporting year a file name ends with (`..._2025.csv`), if any."""
    match = re.search(r"[_-](\d{4})\.csv$", file_name, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def source_for_file(file_name: str) -> tuple[SourceContract, int | None] | None:
    """The source a file name routes to, with the reporting year its name carries (if any)."""
    for contract in SOURCES.values():
        if match := contract.matches_file_name(file_name):
            year = match.group("year")
            return contract, int(year) if year else None
    return None
