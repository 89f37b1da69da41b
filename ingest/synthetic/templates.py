"""Column layouts of the files the generator writes.

The three template headers are copied from EPFL's upload templates (RC-TPL, mirrored in
shared/reference/epfl-templates/) so that the package and its tests do not depend on that folder;
a unit test compares them with the mirror whenever it is present next to the repository.
"""

HEADCOUNT_TEMPLATE_COLUMNS = ("name", "sius_code", "user_institutional_id", "fte", "note")
TRAVEL_PLANES_TEMPLATE_COLUMNS = (
    "origin_iata",
    "destination_iata",
    "user_institutional_id",
    "departure_date",
    "number_of_trips",
    "cabin_class",
    "note",
)
TRAVEL_TRAINS_TEMPLATE_COLUMNS = (
    "origin_name",
    "origin_country_code",
    "destination_name",
    "destination_country_code",
    "user_institutional_id",
    "departure_date",
    "number_of_trips",
    "cabin_class",
    "note",
)

# Back-office variant (METHODOLOGY.md §1.8): the unit's cost centre first; travel files also take an
# optional per-row override last. Headcount refuses the override, so its file has no such column.
UNIT_KEY_COLUMN = "unit_institutional_id"
OVERRIDE_COLUMN = "kg_co2eq"

HEADCOUNT_COLUMNS = (UNIT_KEY_COLUMN, *HEADCOUNT_TEMPLATE_COLUMNS)
TRAVEL_PLANES_COLUMNS = (UNIT_KEY_COLUMN, *TRAVEL_PLANES_TEMPLATE_COLUMNS, OVERRIDE_COLUMN)
TRAVEL_TRAINS_COLUMNS = (UNIT_KEY_COLUMN, *TRAVEL_TRAINS_TEMPLATE_COLUMNS, OVERRIDE_COLUMN)
UNITS_COLUMNS = (
    "unit_institutional_id",
    "unit_code",
    "unit_name",
    "unit_level",
    "parent_unit_institutional_id",
)
