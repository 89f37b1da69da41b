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

# The pattern a cell must match to be parsed as its column type (METHODOLOGY.md §1.8): digits are ASCII only (`\d`
# matches any Unicode digit, fullwidth or Arabic-Indic, which the cast then fails on), dates ISO and zero-padded
# (the date parser also takes `2025-2-3` and `+2025-02-10`).
TYPE_PATTERNS: dict[ColumnType, str] = {
    "integer": r"^[+-]?[0-9]+$",
    "decimal": r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}
# What a raw column keeps: a decimal is copied as numeric(DECIMAL_PRECISION, DECIMAL_SCALE), an integer as a
# PostgreSQL integer (up to 2,147,483,647). A number with more digits is refused, not rounded (METHODOLOGY.md §1.8):
# 0.1234567890123456789 was cut to 12 decimals.
DECIMAL_PRECISION, DECIMAL_SCALE = 38, 12
STORABLE_PATTERNS: dict[ColumnType, str] = {
    "integer": r"^[+-]?0*[0-9]{1,9}$",
    # Trailing zeros past the scale change nothing: 1.50000000000000 is kept.
    "decimal": rf"^[+-]?[0-9]{{0,{DECIMAL_PRECISION - DECIMAL_SCALE}}}(?:\.[0-9]{{0,{DECIMAL_SCALE}}}0*)?$",
}
STORABLE_DESCRIPTIONS: dict[ColumnType, str] = {
    "integer": "at most 9 digits",
    "decimal": f"at most {DECIMAL_PRECISION - DECIMAL_SCALE} digits before the decimal point and {DECIMAL_SCALE} "
    "after it",
}
SQL_TYPES: dict[ColumnType, str] = {
    "text": "text",
    "integer": "integer",
    "decimal": "numeric",
    "date": "date",
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
    # Other spellings accepted for an allowed value, folded to lower case: (alias, allowed value). One table per
    # enumeration (`*_ALIASES` below), e.g. the labels EPFL's calculator displays for its codes.
    aliases: tuple[tuple[str, str], ...] = ()
    upper: bool = False
    # Reason code of a value outside `allowed` (a module may name its own, e.g. AI_BAND_INVALID,
    # PURCH_CURRENCY_UNSUPPORTED).
    enum_code: str = "ROW_ENUM"
    minimum: float | None = None
    maximum: float | None = None
    # Minimum excluded (`> minimum`) rather than included.
    minimum_exclusive: bool = False
    # Reason code of a value outside [minimum, maximum] (a module may name its own, e.g. EQUIP_HOURS_RANGE).
    range_code: str = "ROW_RANGE"
    # Value used when the cell is blank, or the column absent from the header (only a required column must be
    # in the header, METHODOLOGY.md §1.8).
    default: str | None = None
    pattern: str | None = None
    pattern_description: str | None = None
    # Reason code of a value not matching `pattern` (e.g. PURCH_NACRES_FORMAT).
    pattern_code: str = "ROW_TYPE"
    # The raw column's SQL type when it is not the column type's own (SIUS codes are checked as text against
    # SIUS_CODES and stored as integers).
    stored_as: str | None = None

    @property
    def sql_type(self) -> str:
        return self.stored_as or SQL_TYPES[self.column_type]

    @property
    def not_null(self) -> bool:
        """A required cell, or a blank one that loads as its default, is never NULL in raw."""
        return self.required or self.default is not None


@dataclass(frozen=True)
class RawColumn:
    name: str
    sql_type: str
    not_null: bool


# What ingest.load adds to every raw row: the load, the delivered file and its line (the header is line 1), and
# when it was loaded (dbt's sources read these; METHODOLOGY.md §1.8 traces a row back with them).
LOAD_COLUMNS = (
    RawColumn("_load_id", "bigint", True),
    RawColumn("_source_file", "text", True),
    RawColumn("_row_number", "integer", True),
    RawColumn("_loaded_at", "timestamptz", True),
)


def station_id_column(name_column: str) -> str:
    """The raw column holding the station id that validation resolved for a station-name column."""
    return name_column.replace("_name", "_station_id")


# The sources whose rows are trips of a person (traveller, date, route): the detail retention purges after five
# reporting years (ingest/retention.py), and which a load refuses for a year already purged (ingest/plan.py).
TRAVEL_DETAIL_SOURCES = ("travel_planes", "travel_trains", "travel_cars")


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
    # (building column, room column) that must name a room of the room reference (BLDG_UNKNOWN_ROOM).
    room_columns: tuple[str, str] | None = None
    # (fuel column, unit column): the unit must be the unit of the fuel's factor (BLDG_UNIT_MISMATCH).
    fuel_unit_columns: tuple[str, str] | None = None
    # (end-use column, carrier column): only heating may use another carrier than electricity.
    end_use_carrier_columns: tuple[str, str] | None = None
    # A reference replaced wholesale: a new file whose share of rows without a positive value in this column is
    # higher than the active load's is refused as a whole (REF_DEGRADED, METHODOLOGY.md §3.3 (e)).
    degradation_guard_column: str | None = None
    # Research-facility use files: the facility kinds the file may name, looked up in the year's facility
    # reference (RF_UNKNOWN_FACILITY, RF_UNIT_MISMATCH, RF_USE_GT_TOTAL, METHODOLOGY.md §3.6 (e)).
    facility_use_kinds: tuple[str, ...] = ()
    # The facility reference itself: the columns a row needs depend on its kind and footprint origin.
    is_facility_reference: bool = False
    # (unit column, kg-per-unit column): a quantity given in kg must have a coefficient of 1
    # (PURCH_COEF_INCONSISTENT, METHODOLOGY.md §3.5 (e)).
    mass_coefficient_columns: tuple[str, str] | None = None
    # (domain, class, route, value unit) columns of an activity-intensity file: the class and unit a row may
    # name depend on its domain, and only waste rows name an end-of-life route (METHODOLOGY.md §3.9).
    intensity_columns: tuple[str, str, str, str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def raw_columns(self) -> tuple[RawColumn, ...]:
        """The columns of the contract's raw table, in order: the reporting year, the contract's columns (each
        station-name country pair followed by the station id validation resolved, NULL on a row that brings its own
        kg_co2eq for a station not in the reference: METHODOLOGY.md §1.4), then LOAD_COLUMNS."""
        columns = [RawColumn("reporting_year", "integer", True)] if self.has_reporting_year else []
        station_ids = {country: station_id_column(name) for name, country in self.station_columns}
        for column in self.columns:
            columns.append(RawColumn(column.name, column.sql_type, column.not_null))
            if column.name in station_ids:
                columns.append(RawColumn(station_ids[column.name], "text", False))
        return (*columns, *LOAD_COLUMNS)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def matches_file_name(self, file_name: str) -> re.Match[str] | None:
        return re.fullmatch(self.file_pattern, file_name, flags=re.IGNORECASE)


def display_labels(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The label EPFL's calculator shows for each code written with underscores (`natural_gas` is `Natural gas`,
    `premium_economy` is `Premium economy`), as aliases: lower case, a space for each underscore."""
    return tuple((code.replace("_", " ").lower(), code) for code in codes if "_" in code)


UNIT = Column("unit_institutional_id", required=True)
USER = Column("user_institutional_id")
NOTE = Column("note")
DEPARTURE_DATE = Column("departure_date", "date")
NUMBER_OF_TRIPS = Column("number_of_trips", "integer", required=True, minimum=1)
OVERRIDE = Column("kg_co2eq", "decimal", minimum=0)
SIUS_CODES = ("51", "52", "53", "54", "56", "57", "58", "59")
YEAR_SUFFIX = r"(?:[_-](?P<year>\d{4}))?\.(?:csv|xlsx)"

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
        Column("sius_code", required=True, allowed=SIUS_CODES, stored_as="integer"),
        Column("user_institutional_id", required=True),
        Column("fte", "decimal", required=True, minimum=0, maximum=1),
        NOTE,
    ),
    file_pattern=r"headcount" + YEAR_SUFFIX,
    unique_key=("unit_institutional_id", "user_institutional_id", "sius_code"),
)

PLANE_CABIN_CLASSES = ("economy", "premium_economy", "business", "first")

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
        Column(
            "cabin_class",
            allowed=PLANE_CABIN_CLASSES,
            aliases=display_labels(PLANE_CABIN_CLASSES),
            default="economy",
        ),
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
# The categories of EPFL's equipment power table (RC-PWR), which its calculator displays, and the equipment
# sub-module each belongs to (METHODOLOGY.md §3.4): accepted as aliases of `equipment_category`.
EQUIPMENT_CATEGORY_BY_TABLE_CATEGORY = {
    "Scientific equipment": "scientific",
    "IT /Telecom": "it",
    "Audiovisual": "other",
    "Furniture": "other",
    "Infrastructure": "other",
    "Reprography": "other",
    "Stewardship": "other",
}
EQUIPMENT_CATEGORY_ALIASES = tuple(
    (label.lower(), category) for label, category in EQUIPMENT_CATEGORY_BY_TABLE_CATEGORY.items()
)


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
            Column(
                "equipment_category",
                allowed=(equipment_category,),
                aliases=EQUIPMENT_CATEGORY_ALIASES,
                default=equipment_category,
            ),
        ),
        file_pattern=rf"equipment_{equipment_category}" + YEAR_SUFFIX,
        unique_key=("unit_institutional_id", "equipment_id"),
        equipment_power_columns=("equipment_class", "sub_class"),
        weekly_hours_columns=("active_usage_hours_per_week", "standby_usage_hours_per_week"),
    )


EQUIPMENT_SCIENTIFIC, EQUIPMENT_IT, EQUIPMENT_OTHER = (equipment_contract(c) for c in EQUIPMENT_CATEGORIES)

ROOM_TYPES = ("office", "laboratories", "archives", "libraries", "auditoriums", "miscellaneous")
# The unit of each fuel's factor (METHODOLOGY.md §3.3 (a), (d)): gaseous and liquid fuels in kWh on the net
# calorific basis, wood fuels in kg. Propane has no factor in the Swiss default set; its unit is the template's.
FUEL_UNITS = {
    "natural_gas": "kWh",
    "heating_oil": "kWh",
    "biomethane": "kWh",
    "propane": "kWh",
    "pellets": "kg",
    "forest_chips": "kg",
    "wood_logs": "kg",
}
# EPFL's calculator shows the fuels by label (`Natural gas`, `Forest chips`).
FUEL_ALIASES = display_labels(tuple(FUEL_UNITS))
ROOM_END_USES = ("lighting", "cooling", "ventilation", "heating")
ELECTRICITY_CARRIER = "electricity"
# A room intensity's carrier: electricity, a fuel burnt in a plant the institution runs, or purchased district
# heat of one network (`district_heat_<network>`).
CARRIER_PATTERN = rf"^(?:{ELECTRICITY_CARRIER}|{'|'.join(FUEL_UNITS)}|district_heat(?:_[a-z0-9_]+)?)$"
DEFAULT_BUILDING = "default"

# The institution's room reference (EPFL's comes from its facility database): the current state of the rooms,
# replaced wholesale by each load like the unit tree, hence no reporting year (a `_YYYY` suffix is ignored).
BUILDING_ROOMS_REFERENCE = SourceContract(
    source_code="building_rooms_reference",
    raw_table="raw.building_rooms_reference",
    columns=(
        Column("building_location"),
        Column("building_name", required=True),
        Column("room_name", required=True),
        Column("room_type", required=True, allowed=ROOM_TYPES),
        # NULL or <= 0 is kept (BLDG_NO_SURFACE in dbt), but may not grow from one load to the next.
        Column("room_surface_square_meter", "decimal"),
    ),
    file_pattern=r"building_rooms_reference" + YEAR_SUFFIX,
    has_reporting_year=False,
    unique_key=("building_name", "room_name"),
    known_units_column=None,
    degradation_guard_column="room_surface_square_meter",
)

BUILDING_ROOMS = SourceContract(
    source_code="building_rooms",
    raw_table="raw.building_rooms",
    columns=(
        UNIT,
        Column("building_location"),
        Column("building_name", required=True),
        Column("room_name", required=True),
        Column("room_type", required=True, allowed=ROOM_TYPES),
        NOTE,
        # Accepted by the reference back-office format although the template does not show it.
        Column(
            "room_allocation_ratio",
            "decimal",
            minimum=0,
            minimum_exclusive=True,
            maximum=1,
            default="1",
        ),
        OVERRIDE,
    ),
    file_pattern=r"building_rooms" + YEAR_SUFFIX,
    unique_key=("unit_institutional_id", "building_name", "room_name"),
    room_columns=("building_name", "room_name"),
)

BUILDING_ENERGYCOMBUSTIONS = SourceContract(
    source_code="building_energycombustions",
    raw_table="raw.building_energycombustions",
    columns=(
        UNIT,
        Column("name", required=True, allowed=tuple(FUEL_UNITS), aliases=FUEL_ALIASES),
        Column("unit", required=True, allowed=("kWh", "kg")),
        Column("quantity", "decimal", minimum=0),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"building_energycombustions" + YEAR_SUFFIX,
    fuel_unit_columns=("name", "unit"),
    blank_template_column="quantity",
)

# Room energy intensities are institution data (METHODOLOGY.md §3.3 (d)): none ship as defaults. One file per
# reporting year for the whole institution; `building_name` = `default` is the fallback of a room type.
BUILDING_ROOM_INTENSITIES = SourceContract(
    source_code="building_room_intensities",
    raw_table="raw.building_room_intensities",
    columns=(
        Column("building_name", required=True),
        Column("room_type", required=True, allowed=ROOM_TYPES),
        Column("end_use", required=True, allowed=ROOM_END_USES),
        Column("intensity_kwh_per_m2", "decimal", required=True, minimum=0),
        Column(
            "carrier_code",
            required=True,
            pattern=CARRIER_PATTERN,
            pattern_description=(
                f"{ELECTRICITY_CARRIER}, a fuel ({', '.join(FUEL_UNITS)}) or district_heat_<network>"
            ),
        ),
        Column(
            "conversion_factor",
            "decimal",
            minimum=0,
            minimum_exclusive=True,
            default="1",
        ),
        NOTE,
    ),
    file_pattern=r"building_room_intensities" + YEAR_SUFFIX,
    unique_key=("building_name", "room_type", "end_use"),
    known_units_column=None,
    end_use_carrier_columns=("end_use", "carrier_code"),
)

CLOUD_SERVICE_TYPES = ("storage", "compute", "virtualisation")
CLOUD_PROVIDERS = ("AWS", "GCP", "Azure", "OVH", "Huawei", "Alibaba", "Wasabi", "Other")
CLOUD_CURRENCIES = ("CHF", "EUR", "USD")

EXTERNAL_CLOUDS = SourceContract(
    source_code="external_clouds",
    raw_table="raw.external_clouds",
    columns=(
        UNIT,
        # `virtualisation` is accepted and reported under compute (METHODOLOGY.md §3.7 (a)).
        Column("service_type", required=True, allowed=CLOUD_SERVICE_TYPES),
        Column("provider", required=True, allowed=CLOUD_PROVIDERS),
        Column("spent_amount", "decimal", minimum=0),
        Column(
            "currency",
            allowed=CLOUD_CURRENCIES,
            upper=True,
            enum_code="PURCH_CURRENCY_UNSUPPORTED",
            default="EUR",
        ),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"external_clouds" + YEAR_SUFFIX,
    blank_template_column="spent_amount",
)

AI_PROVIDERS = (
    "Gemini (Google)",
    "Mistral AI",
    "Claude (Anthropic)",
    "ChatGPT (OpenAI)",
    "Copilot (Microsoft)",
    "Copilot (GitHub)",
    "Other",
)
AI_USAGE_TYPES = ("text", "code", "image")
AI_BANDS = ("1_5", "5_20", "20_100", "gt_100")

EXTERNAL_AI = SourceContract(
    source_code="external_ai",
    raw_table="raw.external_ai",
    columns=(
        UNIT,
        Column("provider", required=True, allowed=AI_PROVIDERS),
        Column("usage_type", required=True, allowed=AI_USAGE_TYPES),
        Column("requests_per_user_per_day", allowed=AI_BANDS, enum_code="AI_BAND_INVALID"),
        # Blank: the unit's member FTE, in dbt (flag AI_FTE_DEFAULTED).
        Column("fte_count", "decimal", minimum=0.1),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"external_ai" + YEAR_SUFFIX,
    blank_template_column="requests_per_user_per_day",
)

FACILITY_KINDS = ("common", "it", "animal")
ANIMAL_TYPES = ("mice", "fish")
# The reference calculator's resolver expects `rodent` where its template says `mice` (METHODOLOGY.md §3.6 (f)).
ANIMAL_TYPE_ALIASES = (("rodent", "mice"),)
# Footprint sources of an animal facility, one leg each (METHODOLOGY.md §3.6 (b)).
FACILITY_SOURCE_MODULES = (
    "process",
    "combustion",
    "rooms",
    "purchases",
    "centralised_purchases",
    "equipment",
)
# declared: footprint_kg given; computed: the facility unit's own legs; per_hour_factor: an HPC facility
# allocated by core or GPU hours with the GENCI factors, no footprint needed (METHODOLOGY.md §3.6 (b), (d)).
FOOTPRINT_ORIGINS = ("declared", "computed", "per_hour_factor")
PER_HOUR_ALLOCATION_UNITS = ("core_hours", "gpu_hours")

FACILITY_FOOTPRINTS = SourceContract(
    source_code="facility_footprints",
    raw_table="raw.facility_footprints",
    columns=(
        Column("facility_id", required=True),
        Column("facility_unit_institutional_id"),
        Column("facility_kind", required=True, allowed=FACILITY_KINDS),
        Column("allocation_unit", required=True),
        Column("total_use", "decimal", minimum=0),
        Column("animal_type", allowed=ANIMAL_TYPES, aliases=ANIMAL_TYPE_ALIASES),
        Column("source_module", allowed=FACILITY_SOURCE_MODULES),
        Column("share", "decimal", minimum=0, maximum=1),
        Column("footprint_kg", "decimal", minimum=0),
        Column("footprint_origin", required=True, allowed=FOOTPRINT_ORIGINS),
        NOTE,
    ),
    # Named so that it sorts before the use files it is checked against (inbox and `co2calc run` load by name).
    file_pattern=r"facility_footprints" + YEAR_SUFFIX,
    unique_key=("facility_id", "animal_type", "source_module"),
    known_units_column="facility_unit_institutional_id",
    is_facility_reference=True,
)

FACILITY_ID = Column("researchfacility_id", required=True)
FACILITY_NAME = Column("researchfacility_name")
FACILITY_USE = Column("use", "decimal", required=True, minimum=0)
FACILITY_USE_UNIT = Column("use_unit", required=True)

RESEARCH_FACILITIES_COMMON = SourceContract(
    source_code="researchfacilities_common",
    raw_table="raw.researchfacilities_common",
    columns=(UNIT, FACILITY_ID, FACILITY_NAME, FACILITY_USE, FACILITY_USE_UNIT, NOTE, OVERRIDE),
    file_pattern=r"researchfacilities_common" + YEAR_SUFFIX,
    unique_key=("unit_institutional_id", "researchfacility_id"),
    facility_use_kinds=("common", "it"),
)

RESEARCH_FACILITIES_ANIMALS = SourceContract(
    source_code="researchfacilities_animals",
    raw_table="raw.researchfacilities_animals",
    columns=(
        UNIT,
        FACILITY_ID,
        FACILITY_NAME,
        Column("researchfacility_type", required=True, allowed=ANIMAL_TYPES, aliases=ANIMAL_TYPE_ALIASES),
        FACILITY_USE,
        FACILITY_USE_UNIT,
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"researchfacilities_animals" + YEAR_SUFFIX,
    # A unit may house mice and fish at the same facility: one row per animal type.
    unique_key=("unit_institutional_id", "researchfacility_id", "researchfacility_type"),
    facility_use_kinds=("animal",),
)


# Purchases (METHODOLOGY.md §3.5): source code -> the sub-module its rows belong to. The common template's
# rows take the sub-module of the factor they match (its purchase_category), hence no sub-module here.
PURCHASE_SUBMODULES: dict[str, str | None] = {
    "purchases_scientificequipment": "scientific_equipment",
    "purchases_itequipment": "it_equipment",
    "purchases_consumables": "consumable_accessories",
    "purchases_biological_chemical_gaseous": "biological_chemical_gaseous",
    "purchases_services": "services",
    "purchases_other": "other",
    "purchases_vehicles": "vehicles",
    "purchases_common": None,
}
PURCHASE_CURRENCIES = ("AUD", "CAD", "CHF", "CNY", "EUR", "GBP", "JPY", "SEK", "USD")


def purchase_contract(source_code: str) -> SourceContract:
    """One contract per monetary purchase template (METHODOLOGY.md §3.5 (a)): the eight share their columns
    (the vehicles and common templates list two of them in another order, which is irrelevant) and rules. A
    blank currency stays blank in raw: dbt reads it as CHF and flags the row PURCH_DEFAULT_CURRENCY."""
    return SourceContract(
        source_code=source_code,
        raw_table=f"raw.{source_code}",
        columns=(
            UNIT,
            Column("name", required=True),
            Column("supplier"),
            Column("quantity", "decimal", minimum=0),
            Column("total_spent_amount", "decimal", required=True, minimum=0),
            Column(
                "currency", allowed=PURCHASE_CURRENCIES, upper=True, enum_code="PURCH_CURRENCY_UNSUPPORTED"
            ),
            Column("purchase_institutional_code", required=True),
            Column(
                "purchase_additional_code",
                upper=True,
                pattern=r"^[A-Z]{2}[0-9]{2}$",
                pattern_description="a NACRES code, two letters and two digits (e.g. IA11)",
                pattern_code="PURCH_NACRES_FORMAT",
            ),
            Column("purchase_institutional_description"),
            NOTE,
            OVERRIDE,
        ),
        file_pattern=source_code + YEAR_SUFFIX,
    )


PURCHASES_ADDITIONAL = SourceContract(
    source_code="purchases_additional",
    raw_table="raw.purchases_additional",
    columns=(
        UNIT,
        Column("name", required=True),
        Column("unit", required=True, allowed=("kg", "L", "m3")),
        Column("annual_consumption", "decimal", required=True, minimum=0),
        Column("coef_to_kg", "decimal", required=True, minimum=0, minimum_exclusive=True),
        NOTE,
        OVERRIDE,
    ),
    file_pattern=r"purchases_additional" + YEAR_SUFFIX,
    mass_coefficient_columns=("unit", "coef_to_kg"),
)
PURCHASE_SPEND_SOURCES = tuple(purchase_contract(code) for code in PURCHASE_SUBMODULES)


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
        Column("sius_code", allowed=SIUS_CODES, stored_as="integer"),
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

# Construction and renovation (METHODOLOGY.md §3.9): the embodied kg CO2e per m2 of room surface the institution
# declares for each (building, activity) of the works of a reporting year, `default` being the fallback building;
# one file per year for every unit (no unit column). Institution data: none ship as defaults (§3.9 (d)). Both
# `new-tec` and `new-tech` appear in reference documents; both are stored `new_tech` (§3.9 (e)).
CONSTRUCTION_ACTIVITIES = ("new_env", "new_tech", "ren_env", "ren_tech", "demolition")
CONSTRUCTION_ACTIVITY_ALIASES = (("new-tec", "new_tech"), ("new-tech", "new_tech"))

CONSTRUCTION_INTENSITIES = SourceContract(
    source_code="construction_intensities",
    raw_table="raw.construction_intensities",
    columns=(
        Column("building_name", required=True),
        Column(
            "activity", required=True, allowed=CONSTRUCTION_ACTIVITIES, aliases=CONSTRUCTION_ACTIVITY_ALIASES
        ),
        Column("intensity_kg_co2e_per_m2", "decimal", required=True, minimum=0),
        Column("source_ref"),
        NOTE,
    ),
    file_pattern=r"construction_intensities" + YEAR_SUFFIX,
    unique_key=("building_name", "activity"),
    known_units_column=None,
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
        BUILDING_ROOMS_REFERENCE,
        BUILDING_ROOMS,
        BUILDING_ENERGYCOMBUSTIONS,
        BUILDING_ROOM_INTENSITIES,
        EXTERNAL_CLOUDS,
        EXTERNAL_AI,
        FACILITY_FOOTPRINTS,
        RESEARCH_FACILITIES_COMMON,
        RESEARCH_FACILITIES_ANIMALS,
        *PURCHASE_SPEND_SOURCES,
        PURCHASES_ADDITIONAL,
        ADDITIONAL_INTENSITIES,
        TRAVEL_CARS,
        CONSTRUCTION_INTENSITIES,
    )
}


def year_in_file_name(file_name: str) -> int | None:
    """The reporting year a file name ends with (`..._2025.csv`, `..._2025.xlsx`), if any."""
    match = re.search(r"[_-](\d{4})\.(?:csv|xlsx)$", file_name, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def source_for_file(file_name: str) -> tuple[SourceContract, int | None] | None:
    """The source a file name routes to, with the reporting year its name carries (if any)."""
    for contract in SOURCES.values():
        if match := contract.matches_file_name(file_name):
            year = match.group("year")
            return contract, int(year) if year else None
    return None
