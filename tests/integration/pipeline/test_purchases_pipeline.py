"""The purchases module through the real pipeline (METHODOLOGY.md §3.5, §5 W12a, W12, W13): files loaded by ingest,
then dbt into marts.fct_emissions and marts.fct_unresolved_rows, with the shipped seeds only.

The reference-calculator profile and, until a citable euro-area HICP series is vendored, the default profile
convert to EUR without deflation: W12a with the shipped 2025 ECB rate, flagged NO_DEFLATION. With deflation on
and no index, a row is DEFLATOR_MISSING (dbt unit test): never a silent zero. W12b and W13 need *test* values and live in dbt unit tests
(dbt/models/intermediate/_intermediate__purchases.yml).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file
from ingest.reference import EPFL_TEMPLATES_DIR
from tests.conftest import create_database, drop_database
from tests.integration.conftest import dbt_build
from tests.integration.pipeline.queries import query_rows

FIXTURES = Path(__file__).parents[2] / "fixtures"
TEMPLATE_SOURCES = {
    "purchases_scientificequipment": "scientific_equipment",
    "purchases_itequipment": "it_equipment",
    "purchases_consumables": "consumable_accessories",
    "purchases_biological_chemical_gaseous": "biological_chemical_gaseous",
    "purchases_services": "services",
    "purchases_other": "other",
    "purchases_vehicles": "vehicles",
    "purchases_common": "common",
}


@pytest.fixture(scope="module")
def purchases_url(postgres_server_url: str) -> Iterator[str]:
    """The nine EPFL purchase templates as a lab uploads them (end-user variant, 2024) and a back-office file of
    every unit (2025), computed with the reference-calculator profile."""
    url = create_database(postgres_server_url, "co2calc_purchases")
    engine = sa.create_engine(url)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    for source_code in [*TEMPLATE_SOURCES, "purchases_additional"]:
        load_file(
            engine,
            EPFL_TEMPLATES_DIR / f"{source_code}_template.csv",
            source_code,
            reporting_year=2024,
            unit_institutional_id="11110",
            loaded_by="test",
        )
    load_file(
        engine,
        FIXTURES / "purchases/back_office_common_2025.csv",
        "purchases_common",
        reporting_year=2025,
        loaded_by="test",
    )
    engine.dispose()
    result = dbt_build(url, "--vars", "{calc_profile: refcalc_compat}")
    assert result.returncode == 0, result.stdout[-3000:]
    yield url
    drop_database(postgres_server_url, url)


def rows(url: str, sql: str) -> list[tuple]:
    return [tuple(row) for row in query_rows(url, sql)]


def test_the_shipped_templates_rows_are_kept_unresolved_and_the_additional_row_is_refused(purchases_url):
    unresolved = rows(
        purchases_url,
        "select split_part(activity_row_id, ':', 1), submodule_code, status_code from marts.fct_unresolved_rows "
        "where module_code = 'purchases' and reporting_year = 2024 order by 1",
    )
    # No shipped factor has these NACRES codes (NB61, IA23, LB42, NB34, NB87, XC13, AD02, IB71) and no UNSPSC row
    # or crosswalk is shipped: every line is FACTOR_MISSING, in its template's sub-module.
    assert unresolved == sorted(
        (source, submodule, "FACTOR_MISSING") for source, submodule in TEMPLATE_SOURCES.items()
    )
    rejects = rows(
        purchases_url,
        "select r.source_code, r.row_number, r.column_name, r.reason_code from ops.rejects as r "
        "join ops.loads as l using (load_id) where l.reporting_year = 2024",
    )
    assert rejects == [("purchases_additional", 2, "coef_to_kg", "PURCH_COEF_INCONSISTENT")]


def test_the_back_office_file_refuses_each_bad_line_with_its_code(purchases_url):
    rejects = rows(
        purchases_url,
        "select r.row_number, r.reason_code from ops.rejects as r join ops.loads as l using (load_id) "
        "where l.reporting_year = 2025 order by r.row_number",
    )
    assert rejects == [
        (9, "PURCH_CURRENCY_UNSUPPORTED"),
        (10, "ROW_TYPE"),
        (11, "ROW_RANGE"),
        (12, "PURCH_NACRES_FORMAT"),
    ]


EMISSIONS_2025 = """
    select r.note, f.submodule_code, f.leg_code, f.ghg_scope, f.ghg_category_code, f.factor_id, f.kg_co2e,
        f.flags, f.leg_parameters
    from marts.fct_emissions as f
    join raw.purchases_common as r on f.activity_row_id = 'purchases_common:' || r._load_id || ':' || r._row_number
    where f.reporting_year = 2025
    order by r._row_number
"""


def test_w12a_and_the_other_lines_of_the_back_office_file(purchases_url):
    found = rows(purchases_url, EMISSIONS_2025)
    by_note = [
        (note, submodule, leg, scope, category, factor, flags)
        for note, submodule, leg, scope, category, factor, _, flags, _ in found
    ]
    assert by_note == [
        (
            "W12a",
            "it_equipment",
            "spend",
            3,
            2,
            "ges1p5_purchases_2024:purchases:NACRES.IA11",
            ["NO_DEFLATION"],
        ),
        (
            "gloves in EUR",
            "consumable_accessories",
            "spend",
            3,
            1,
            "ges1p5_purchases_2024:purchases:NACRES.HA01",
            ["ROW_DUPLICATE", "NO_DEFLATION"],
        ),
        (
            "gloves in EUR",
            "consumable_accessories",
            "spend",
            3,
            1,
            "ges1p5_purchases_2024:purchases:NACRES.HA01",
            ["ROW_DUPLICATE", "NO_DEFLATION"],
        ),
        (
            "blank currency",
            "scientific_equipment",
            "spend",
            3,
            2,
            "ges1p5_purchases_2024:purchases:NACRES.MA44",
            ["PURCH_DEFAULT_CURRENCY", "NO_DEFLATION"],
        ),
        (
            "freight",
            "services",
            "spend",
            3,
            4,
            "ges1p5_purchases_2024:purchases:NACRES.FC02",
            ["NO_DEFLATION"],
        ),
        ("supplier figure", "it_equipment", "override", 3, 2, "override", []),
    ]
    kg = [float(row[6]) for row in found]
    expected = [
        1500 / 0.937031 * 0.43,
        250 * 0.52,
        250 * 0.52,
        3200 / 0.937031 * 0.35,
        400 / 1.129983 * 1.2,
        310.5,
    ]
    assert kg == pytest.approx(expected, rel=1e-9)
    assert kg[0] == pytest.approx(688.344356, rel=1e-6)
    w12a_parameters = found[0][8]
    assert (w12a_parameters["fx_rate_id"], float(w12a_parameters["fx_units_per_eur"])) == (
        "ecb_annual_mean:2025:CHF",
        0.937031,
    )
    assert float(w12a_parameters["amount_eur"]) == pytest.approx(1600.800827, rel=1e-6)
    assert w12a_parameters["deflator_base_id"] is None


def test_a_line_without_factor_is_unresolved_not_zero(purchases_url):
    assert rows(
        purchases_url,
        "select r.note, u.submodule_code, u.status_code from marts.fct_unresolved_rows as u "
        "join raw.purchases_common as r on u.activity_row_id = 'purchases_common:' || r._load_id || ':' || r._row_number "
        "where u.reporting_year = 2025",
    ) == [("no factor", "common", "FACTOR_MISSING")]


def test_default_profile_computes_w12a_without_deflation_and_keeps_w13_factor_missing(worked_examples_url):
    """Under ch_default deflation is off until a citable HICP series is vendored (seed_calc_profile_parameters):
    the laptop is W12a, flagged NO_DEFLATION; the liquid nitrogen has no shipped mass factor (ecoinvent may not
    be shipped), so it is kept, reported, and counts no kg."""
    computed = rows(
        worked_examples_url,
        "select r.note, f.kg_co2e, f.flags from marts.fct_emissions as f "
        "join raw.purchases_itequipment as r "
        "on f.activity_row_id = 'purchases_itequipment:' || r._load_id || ':' || r._row_number",
    )
    assert [(note, "NO_DEFLATION" in flags) for note, _, flags in computed] == [("W12", True)]
    assert float(computed[0][1]) == pytest.approx(688.344356, rel=1e-6)
    unresolved = rows(
        worked_examples_url,
        "select r.note, u.submodule_code, u.status_code from marts.fct_unresolved_rows as u "
        "join raw.purchases_additional as r "
        "on u.activity_row_id = 'purchases_additional:' || r._load_id || ':' || r._row_number",
    )
    assert unresolved == [("W13", "additional", "FACTOR_MISSING")]
