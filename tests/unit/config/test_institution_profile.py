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
