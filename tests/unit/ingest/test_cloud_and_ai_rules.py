"""Contracts and row rules of the external cloud and generative AI sources (METHODOLOGY.md §3.7 (a), (e)),
and what each line of EPFL's two templates becomes."""

import polars as pl
import pytest

from ingest.contracts import EXTERNAL_AI, EXTERNAL_CLOUDS, SourceContract, source_for_file
from ingest.read import read_delivered_file
from ingest.reference import EPFL_TEMPLATES_DIR, StationIndex, epfl_template_header
from ingest.validate import Lookups, Problem, validate_rows

LOOKUPS = Lookups(
    unit_ids=frozenset({"11110"}),
    airport_codes=frozenset(),
    stations=StationIndex(by_name={}, names_by_country={}),
)


def validated(contract: SourceContract, **cells: str | None) -> tuple[dict, list[Problem]]:
    row = {name: None for name in contract.column_names} | {"unit_institutional_id": "11110"} | cells
    frame = pl.DataFrame([row], schema={name: pl.String for name in contract.column_names})
    checked, problems = validate_rows(frame, contract, reporting_year=2025, lookups=LOOKUPS)
    return checked.row(0, named=True), problems


def check(contract: SourceContract, **cells: str | None) -> tuple[dict, list[str]]:
    row, problems = validated(contract, **cells)
    return row, [p.reason_code for p in problems]


def template_rows(contract: SourceContract, template: str) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """The end-user template as shipped, validated for unit 11110: (canonical rows, (line, code) problems)."""
    path = EPFL_TEMPLATES_DIR / template
    delivered = read_delivered_file(path, contract, has_unit_default=True)
    frame, problems = validate_rows(
        delivered.cells, contract, reporting_year=2025, lookups=LOOKUPS, unit_default="11110"
    )
    return frame, [(delivered.line_numbers[p.row_index], p.reason_code) for p in problems]


@pytest.mark.parametrize(
    ("contract", "template"),
    [(EXTERNAL_CLOUDS, "external_clouds_template.csv"), (EXTERNAL_AI, "external_ai_template.csv")],
)
def test_contracts_are_the_unit_column_the_template_header_and_the_trailing_override(contract, template):
    assert contract.column_names == ("unit_institutional_id", *epfl_template_header(template), "kg_co2eq")


def test_file_names_route_to_the_cloud_and_ai_sources():
    assert source_for_file("external_clouds_2025.csv") == (EXTERNAL_CLOUDS, 2025)
    assert source_for_file("External_AI-2024.csv") == (EXTERNAL_AI, 2024)


def test_a_cloud_row_is_stored_in_canonical_spelling_and_a_blank_currency_is_eur():
    row, codes = check(EXTERNAL_CLOUDS, service_type="Compute", provider="aws", spent_amount="10000")
    assert codes == []
    assert (row["service_type"], row["provider"], row["currency"]) == ("compute", "AWS", "EUR")
    row, _ = check(EXTERNAL_CLOUDS, service_type="storage", provider="GCP", spent_amount="5", currency="usd")
    assert row["currency"] == "USD"


def test_virtualisation_is_accepted_as_a_service_type():
    assert check(EXTERNAL_CLOUDS, service_type="virtualisation", provider="OVH", spent_amount="1")[1] == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"provider": "IBM"}, "ROW_ENUM"),
        ({"service_type": "network"}, "ROW_ENUM"),
        ({"currency": "GBP"}, "PURCH_CURRENCY_UNSUPPORTED"),
        ({"currency": "NOK"}, "PURCH_CURRENCY_UNSUPPORTED"),
        ({"spent_amount": "-10"}, "ROW_RANGE"),
        ({"spent_amount": "1'077.50"}, "ROW_TYPE"),
        ({"spent_amount": None}, "ROW_BLANK_TEMPLATE_LINE"),
    ],
)
def test_each_cloud_rule_rejects_with_its_reason_code(cells, expected):
    row = {"service_type": "compute", "provider": "AWS", "spent_amount": "100", "currency": "EUR"} | cells
    assert check(EXTERNAL_CLOUDS, **row)[1] == [expected]


def test_the_unsupported_currency_message_names_the_three_accepted_ones():
    # The cell as written is quoted (it is stored upper case).
    _, problems = validated(
        EXTERNAL_CLOUDS, service_type="compute", provider="AWS", spent_amount="1", currency="gbp"
    )
    assert problems[0].reason_message == "currency 'gbp' is not one of CHF, EUR, USD"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"provider": "Perplexity"}, "ROW_ENUM"),
        ({"usage_type": "video"}, "ROW_ENUM"),
        ({"requests_per_user_per_day": "10"}, "AI_BAND_INVALID"),
        ({"requests_per_user_per_day": "5-20"}, "AI_BAND_INVALID"),
        ({"fte_count": "0.05"}, "ROW_RANGE"),
        ({"fte_count": "two"}, "ROW_TYPE"),
        ({"requests_per_user_per_day": None}, "ROW_BLANK_TEMPLATE_LINE"),
    ],
)
def test_each_ai_rule_rejects_with_its_reason_code(cells, expected):
    row = {
        "provider": "Mistral AI",
        "usage_type": "text",
        "requests_per_user_per_day": "5_20",
        "fte_count": "3",
    }
    assert check(EXTERNAL_AI, **(row | cells))[1] == [expected]


def test_an_invalid_band_message_lists_the_four_band_codes():
    _, problems = validated(EXTERNAL_AI, provider="Other", usage_type="code", requests_per_user_per_day="10")
    assert problems[0].reason_message == (
        "requests_per_user_per_day '10' is not one of 1_5, 5_20, 20_100, gt_100"
    )


def test_a_blank_fte_count_is_kept_for_dbt_to_default_and_providers_keep_their_spelling():
    row, codes = check(
        EXTERNAL_AI, provider="claude (anthropic)", usage_type="Code", requests_per_user_per_day="GT_100"
    )
    assert codes == []
    assert (row["provider"], row["usage_type"], row["requests_per_user_per_day"], row["fte_count"]) == (
        "Claude (Anthropic)",
        "code",
        "gt_100",
        None,
    )


def test_a_blank_band_with_its_own_kg_co2eq_is_an_override_not_a_template_line():
    assert check(EXTERNAL_AI, provider="Other", usage_type="text", kg_co2eq="1.5")[1] == []


def test_the_epfl_cloud_template_keeps_its_two_filled_lines_and_skips_the_ten_blank_ones():
    frame, problems = template_rows(EXTERNAL_CLOUDS, "external_clouds_template.csv")
    assert problems == [(line, "ROW_BLANK_TEMPLATE_LINE") for line in range(4, 14)]
    kept = frame.head(2).select(
        "unit_institutional_id", "service_type", "provider", "spent_amount", "currency"
    )
    assert kept.rows() == [
        ("11110", "storage", "AWS", "6192", "EUR"),
        ("11110", "storage", "GCP", "15432", "EUR"),
    ]


def test_the_epfl_ai_template_keeps_its_four_filled_lines_and_skips_the_fifteen_blank_ones():
    frame, problems = template_rows(EXTERNAL_AI, "external_ai_template.csv")
    assert problems == [(line, "ROW_BLANK_TEMPLATE_LINE") for line in range(6, 21)]
    kept = frame.head(4).select("provider", "usage_type", "requests_per_user_per_day", "fte_count")
    assert kept.rows() == [
        ("Gemini (Google)", "text", "1_5", "0.8"),
        ("Mistral AI", "text", "5_20", "3"),
        ("Claude (Anthropic)", "text", "20_100", "5"),
        ("ChatGPT (OpenAI)", "text", "gt_100", "0.8"),
    ]
