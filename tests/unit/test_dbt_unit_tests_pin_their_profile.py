"""Every dbt unit test of a model that reads the calculation profile pins the profile it was written for.

Without the pin, `dbt build --vars '{calc_profile: refcalc_compat}'` (and every what-if, `co2calc whatif`) ran
those tests against rows given for `ch_default` and failed (issue 10: ERROR=2, SKIP=132).
"""

from pathlib import Path

import pytest
import yaml

MODELS = Path(__file__).parents[2] / "dbt" / "models"


def unit_tests() -> list[dict]:
    return [
        unit_test
        for path in sorted(MODELS.rglob("*.yml"))
        for unit_test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])
    ]


def models_reading_the_profile() -> set[str]:
    return {path.stem for path in MODELS.rglob("*.sql") if 'var("calc_profile")' in path.read_text()}


def test_the_profile_is_read_by_the_models_whose_rows_depend_on_it():
    # Guards this file's own search: a renamed var would make every test below vacuous.
    assert {"int_factors__sets_bound", "int_cloud_ai__ai_requests_computed"} <= models_reading_the_profile()


@pytest.mark.parametrize(
    "unit_test",
    [unit_test for unit_test in unit_tests() if unit_test["model"] in models_reading_the_profile()],
    ids=lambda unit_test: unit_test["name"],
)
def test_a_unit_test_of_a_model_reading_the_profile_pins_it(unit_test: dict):
    pinned = (unit_test.get("overrides") or {}).get("vars", {}).get("calc_profile")
    assert pinned == "ch_default", (
        f"{unit_test['name']} tests {unit_test['model']}, which reads var('calc_profile'): add "
        "`overrides: {vars: {calc_profile: <the profile its rows are written for>}}`"
    )
