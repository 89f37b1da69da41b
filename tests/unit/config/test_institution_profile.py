"""config/institution.yaml: the shipped profile carries METHODOLOGY.md §6's lines, and mistakes are refused."""

import pytest

from config.institution import InstitutionProfileError, load_institution_profile
from config.settings import Settings


def line_of(path, text: str) -> int:
    return next(
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if text in line
    )


def test_the_shipped_profile_has_the_2_t_line_and_the_ipcc_ar6_budgets_with_source_year_and_licence():
    profile = load_institution_profile(Settings().institution_file)

    lines = {line.key: line for line in profile.per_person_lines}
    assert {key: line.t_co2e_per_person_yr for key, line in lines.items()} == {
        "reference_calculator": 2.0,
        "ipcc_ar6_1p5c": 1.4,
        "ipcc_ar6_2c": 4.1,
    }
    assert profile.ranking_reference.key == "reference_calculator"
    assert all(line.source and line.licence and line.year >= 2021 for line in lines.values())
    assert "SPM.2" in lines["ipcc_ar6_1p5c"].source
    assert profile.population_projection.growth_pct_per_yr == 1.0


def test_a_profile_with_two_ranking_references_is_refused_naming_the_file_and_the_lines(tmp_path):
    path = tmp_path / "institution.yaml"
    path.write_text(
        Settings()
        .institution_file.read_text(encoding="utf-8")
        .replace("is_ranking_reference: false", "is_ranking_reference: true", 1),
        encoding="utf-8",
    )

    line = line_of(path, "per_person_lines:")

    with pytest.raises(InstitutionProfileError) as error:
        load_institution_profile(path)
    assert f"{path}, line {line}, column 1: per_person_lines: Value error, exactly one" in str(error.value)
    assert "reference_calculator" in str(error.value) and "ipcc_ar6_1p5c" in str(error.value)


def test_a_misspelled_field_is_refused_with_its_file_line_and_column(tmp_path):
    path = tmp_path / "institution.yaml"
    path.write_text(
        Settings().institution_file.read_text(encoding="utf-8").replace("growth_pct_per_yr", "growth_pct"),
        encoding="utf-8",
    )

    with pytest.raises(InstitutionProfileError) as error:
        load_institution_profile(path)
    message = str(error.value)
    line = line_of(path, "growth_pct:")
    assert (
        f"{path}, line {line}, column 3: population_projection.growth_pct: Extra inputs are not permitted"
        in (message)
    )
    assert "population_projection.growth_pct_per_yr: Field required" in message


def test_broken_yaml_is_refused_with_its_line_and_column(tmp_path):
    path = tmp_path / "institution.yaml"
    path.write_text("per_person_lines:\n  - key: [unclosed\n", encoding="utf-8")

    with pytest.raises(
        InstitutionProfileError, match=r"institution\.yaml, line \d+, column \d+: not valid YAML"
    ):
        load_institution_profile(path)


def test_the_shipped_base_year_is_methodologys_2019_with_a_5_percent_threshold():
    base_year = load_institution_profile(Settings().institution_file).base_year

    assert (base_year.year, base_year.restatement_threshold_pct) == (2019, 5.0)


@pytest.mark.parametrize(
    ("change_t_co2e", "published_t_co2e", "significant"),
    [(5.0, 100.0, False), (5.01, 100.0, True), (-5.01, 100.0, True), (0.0, 0.0, False), (0.1, 0.0, True)],
)
def test_a_change_is_significant_beyond_the_threshold_only(change_t_co2e, published_t_co2e, significant):
    base_year = load_institution_profile(Settings().institution_file).base_year

    assert base_year.is_significant(change_t_co2e, published_t_co2e) is significant


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("restatement_threshold_pct: 5.0", "restatement_threshold_pct: 0", "Input should be greater than 0"),
        (
            "restatement_threshold_pct: 5.0",
            "restatement_threshold_pct: five",
            "Input should be a valid number",
        ),
        ("  year: 2019", "  year: 19", "Input should be greater than or equal to 1990"),
    ],
)
def test_a_wrong_base_year_or_threshold_is_refused_with_its_line_and_field(tmp_path, replace, by, expected):
    path = tmp_path / "institution.yaml"
    path.write_text(
        Settings().institution_file.read_text(encoding="utf-8").replace(replace, by), encoding="utf-8"
    )
    field = by.strip().split(":")[0]

    with pytest.raises(InstitutionProfileError) as error:
        load_institution_profile(path)
    assert f"{path}, line {line_of(path, by)}, column 3: base_year.{field}: {expected}" in str(error.value)


def test_a_profile_without_a_base_year_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "institution.yaml"
    text = Settings().institution_file.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\nbase_year:")], encoding="utf-8")

    with pytest.raises(InstitutionProfileError, match="base_year: Field required"):
        load_institution_profile(path)
