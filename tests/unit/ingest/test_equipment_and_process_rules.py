"""Contracts and row rules of the equipment and process-emission sources (METHODOLOGY.md §3.4, §3.8), and the
equipment power and GWP seeds that validation shares with the dbt models."""

import csv

import polars as pl
import pytest

from ingest.contracts import (
    EQUIPMENT_IT,
    EQUIPMENT_OTHER,
    EQUIPMENT_SCIENTIFIC,
    PROCESS_EMISSIONS,
    SourceContract,
    source_for_file,
)
from ingest.reference import (
    EPFL_TEMPLATES_DIR,
    EQUIPMENT_POWER_SEED,
    GWP_SEED,
    StationIndex,
    epfl_template_header,
    equipment_power_seed,
    seeds_dir,
    shipped_equipment_power,
)
from ingest.validate import Lookups, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset({"11110"}),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
)


def frame(contract: SourceContract, **cells: str | None) -> pl.DataFrame:
    row = {name: None for name in contract.column_names} | {"unit_institutional_id": "11110"} | cells
    return pl.DataFrame([row], schema={name: pl.String for name in contract.column_names})


def check(contract: SourceContract, **cells: str | None) -> tuple[dict, list[str]]:
    checked, problems = validate_rows(
        frame(contract, **cells), contract, reporting_year=2025, lookups=LOOKUPS
    )
    return checked.row(0, named=True), [p.reason_code for p in problems]


def laptop(**cells: str | None) -> dict[str, str | None]:
    row = {
        "equipment_id": "B006198",
        "name": "LAPTOP",
        "equipment_class": "Laptop",
        "active_usage_hours_per_week": "40",
        "standby_usage_hours_per_week": "128",
    }
    return row | cells


@pytest.mark.parametrize(
    ("contract", "template"),
    [
        (EQUIPMENT_SCIENTIFIC, "equipment_scientific_template.csv"),
        (EQUIPMENT_IT, "equipment_IT_template.csv"),
        (EQUIPMENT_OTHER, "equipment_other_template.csv"),
    ],
)
def test_equipment_contracts_are_the_unit_column_then_the_epfl_template_header(contract, template):
    assert contract.column_names == ("unit_institutional_id", *epfl_template_header(template))


def test_process_contract_is_the_unit_column_the_template_header_and_the_trailing_override():
    assert PROCESS_EMISSIONS.column_names == (
        "unit_institutional_id",
        *epfl_template_header("processemissions_template.csv"),
        "kg_co2eq",
    )


def test_new_file_names_route_to_their_source():
    assert source_for_file("processemissions_2025.csv") == (PROCESS_EMISSIONS, 2025)
    assert source_for_file("equipment_IT_2024.csv") == (EQUIPMENT_IT, 2024)
    assert source_for_file("equipment_scientific_2025.csv")[0] is EQUIPMENT_SCIENTIFIC
    assert source_for_file("equipment_other_2025.csv")[0] is EQUIPMENT_OTHER


def test_a_refrigerant_top_up_is_valid_and_stored_in_the_template_and_seed_spelling():
    row, codes = check(PROCESS_EMISSIONS, category="refrigerant", subcategory="r410A", quantity="2.5")
    assert codes == []
    assert (row["category"], row["subcategory"]) == ("Refrigerant", "R410a")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"category": "Refrigerant", "quantity": "1"}, "PROC_SUBCATEGORY_REQUIRED"),
        ({"category": "Refrigerant", "subcategory": "R1234yf", "quantity": "1"}, "PROC_UNKNOWN_GAS"),
        ({"category": "CO2", "subcategory": "R22", "quantity": "1"}, "ROW_ENUM"),
        ({"category": "H2O", "quantity": "1"}, "ROW_ENUM"),
        ({"category": "N2O", "quantity": "-1"}, "ROW_RANGE"),
        ({"category": "N2O", "quantity": "ten"}, "ROW_TYPE"),
        ({"category": "Refrigerant", "subcategory": "R134a"}, "ROW_BLANK_TEMPLATE_LINE"),
    ],
)
def test_each_process_rule_rejects_with_its_reason_code(cells, expected):
    assert check(PROCESS_EMISSIONS, **cells)[1] == [expected]


def test_a_blank_quantity_with_its_own_kg_co2eq_is_an_override_not_a_template_line():
    assert check(PROCESS_EMISSIONS, category="SF6", quantity=None, kg_co2eq="50")[1] == ["ROW_ENUM"]
    assert check(PROCESS_EMISSIONS, category="CH4", quantity=None, kg_co2eq="50")[1] == []


def test_sf6_is_accepted_under_refrigerant_as_the_template_lists_it():
    assert check(PROCESS_EMISSIONS, category="Refrigerant", subcategory="SF6", quantity="0.2")[1] == []


def test_every_gas_the_process_template_lists_is_in_the_gwp_seed():
    with (EPFL_TEMPLATES_DIR / "processemissions_template.csv").open(encoding="utf-8") as handle:
        template = list(csv.DictReader(handle))
    with (seeds_dir() / GWP_SEED).open(encoding="utf-8") as handle:
        gases = {row["gas_code"] for row in csv.DictReader(handle)}
    listed = {row["subcategory"] or row["category"] for row in template}
    assert len(listed) == 51
    assert listed <= gases


def test_the_two_wrong_reference_gwps_are_shipped_corrected():
    with (seeds_dir() / GWP_SEED).open(encoding="utf-8") as handle:
        gwp = {row["gas_code"]: float(row["value_kg_co2e_per_kg"]) for row in csv.DictReader(handle)}
    assert (gwp["R227ea"], gwp["R507a"], gwp["R507"], gwp["CH4"]) == (3350, 3985, 3985, 30)


def test_a_valid_laptop_row_has_no_problem_and_its_class_is_stored_as_keyed():
    row, codes = check(EQUIPMENT_IT, **laptop(equipment_class="LAPTOP"))
    assert codes == []
    assert (row["equipment_class"], row["equipment_category"]) == ("Laptop", "it")


def test_corrected_spellings_resolve_to_the_tables_verbatim_keys():
    row, codes = check(
        EQUIPMENT_SCIENTIFIC,
        **laptop(equipment_class="Lab Freezer / Fridge", sub_class="recent -80C freezers (<12yo)"),
    )
    assert codes == []
    assert (row["equipment_class"], row["sub_class"]) == (
        "Lab Freezer / Frigde",
        "Recent -80C freezers (<12yo)",
    )
    pump = check(
        EQUIPMENT_SCIENTIFIC, **laptop(equipment_class="Pumps", sub_class="Vacuum mechanical pumps (> 500W)")
    )
    assert pump[0]["sub_class"] == "Vaccum mechanical pumps (> 500W)"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"equipment_class": "Frigde"}, "EQUIP_UNKNOWN_CLASS"),
        ({"equipment_class": "Lab Freezer / Frigde"}, "EQUIP_SUBCLASS_REQUIRED"),
        ({"equipment_class": "Laptop", "sub_class": "Gaming"}, "EQUIP_UNKNOWN_SUBCLASS"),
        ({"active_usage_hours_per_week": "169"}, "EQUIP_HOURS_RANGE"),
        ({"standby_usage_hours_per_week": "-1"}, "EQUIP_HOURS_RANGE"),
        ({"standby_usage_hours_per_week": "129"}, "EQUIP_HOURS_SUM"),
        ({"equipment_category": "scientific"}, "ROW_ENUM"),
        ({"equipment_id": None}, "ROW_REQUIRED"),
    ],
)
def test_each_equipment_rule_rejects_with_its_reason_code(cells, expected):
    assert check(EQUIPMENT_IT, **laptop(**cells))[1] == [expected]


def test_unknown_class_message_suggests_the_closest_class():
    _, problems = validate_rows(
        frame(EQUIPMENT_OTHER, **laptop(equipment_class="Frigde")),
        EQUIPMENT_OTHER,
        reporting_year=2025,
        lookups=LOOKUPS,
    )
    assert problems[0].reason_message == (
        "'Frigde' is not a known equipment class; did you mean 'Lab Freezer / Frigde'?"
    )


def test_blank_hours_are_kept_for_dbt_to_report_as_missing():
    row, codes = check(
        EQUIPMENT_IT, **laptop(active_usage_hours_per_week=None, standby_usage_hours_per_week=None)
    )
    assert codes == []
    assert row["active_usage_hours_per_week"] is None


def test_a_duplicated_inventory_number_rejects_both_rows():
    cells = frame(EQUIPMENT_IT, **laptop())
    _, problems = validate_rows(pl.concat([cells, cells]), EQUIPMENT_IT, reporting_year=2025, lookups=LOOKUPS)
    assert [(p.row_index, p.reason_code) for p in problems] == [(0, "ROW_DUPLICATE"), (1, "ROW_DUPLICATE")]


def test_the_power_seed_is_the_epfl_table_under_the_loading_rules():
    # Guards against an edit of the seed by hand, or of the EPFL file without rebuilding the seed
    # (ingest.reference.write_equipment_power_seed).
    with (seeds_dir() / EQUIPMENT_POWER_SEED).open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == equipment_power_seed()


def test_power_loading_rules_pick_the_first_pair_fill_blank_classes_and_keep_unknown_powers_blank():
    rows = {(r["equipment_class"], r["sub_class"]): r for r in equipment_power_seed()}
    assert len(rows) == 204
    freezer = rows[("Lab Freezer / Frigde", "Recent -80C freezers (<12yo)")]
    assert (freezer["active_power_w"], freezer["standby_power_w"], freezer["power_source_column"]) == (
        "480",
        "480",
        "W_1",
    )
    assert rows[("Calorimeters", "")]["power_source_column"] == "W_2"
    assert rows[("Moteurs", "Small Motor/Actuator")]["active_power_w"] == "200"
    assert rows[("Aligner", "")]["active_power_w"] == ""
    assert (
        "Agitator / Incubator",
        "Bench agitators (vortex, rockers, platforms, magnetic agitators, thermomixers)",
    ) in rows
    assert rows[("Laptop", "")]["equipment_category"] == "it"
    assert rows[("Autoclaves", "Bench top autoclaves")]["equipment_category"] == "other"


def test_every_class_and_sub_class_of_the_methodology_examples_resolves():
    index = shipped_equipment_power()
    for equipment_class, sub_class in [
        ("Lab Freezer / Frigde", "Old -80C freezers (>12yo)"),
        ("Agitator / Incubator", "CO2 incubators"),
        ("Centrifugation", "Ultra centrifuges"),
        ("PCR / QPCR", "QPCR"),
        ("Optical microscopes", "Average confocal microscopes"),
        ("Electronic microscopes", "Transmission Electron Microscope"),
        ("Spectrometers", None),
        ("Desktop", None),
        ("Servers", None),
        ("Printers", None),
    ]:
        assert index.resolve(equipment_class, sub_class).reason_code is None, (equipment_class, sub_class)
