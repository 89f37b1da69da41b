"""The catalogues (dashboard/i18n/*.yaml): every key in every language, and the languages' number formats."""

import re
import string
from pathlib import Path

import pytest

from config.institution import get_institution_profile
from config.settings import get_settings
from dashboard.auth import PageName, load_role_config
from dashboard.components.trajectory import PRESET_LEVELS, TARGETS
from dashboard.i18n import LANGUAGES, Translator, catalogue, preferred_language
from dashboard.session import SessionEnd
from pipelines.whatif import shipped_profiles

DASHBOARD_DIR = Path(__file__).resolve().parents[3] / "dashboard"
# A catalogue key written literally in the code: "<section>.<name>" in double quotes.
LITERAL_KEY = re.compile(r'"((?:[a-z_]+)\.[a-z0-9_.]+)"')


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_the_three_languages_have_exactly_the_same_keys():
    english = set(catalogue("en"))

    for language in LANGUAGES:
        assert set(catalogue(language)) == english, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_has_the_same_fields_as_the_english_one(language):
    for key, text in catalogue("en").items():
        assert _fields(catalogue(language)[key]) == _fields(text), (language, key)


def test_every_key_the_code_names_is_in_the_catalogue():
    used = {
        key
        for path in DASHBOARD_DIR.rglob("*.py")
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
        if not key.endswith(".py")
    }

    assert used, "the pattern found no key"
    assert used - set(catalogue("en")) == set()


def test_built_keys_exist_for_every_page_target_preset_role_per_person_line_session_end_and_profile():
    keys = set(catalogue("en"))
    assert {f"{page}.title" for page in PageName} <= keys
    assert {f"target.{target.key}" for target in TARGETS} <= keys
    assert {f"trajectory.preset_{preset}" for preset in PRESET_LEVELS} <= keys
    assert {f"role.{rule.role}" for rule in load_role_config(get_settings().roles_file).roles} <= keys
    assert {f"per_person.{line.key}" for line in get_institution_profile().per_person_lines} <= keys
    assert {f"session.ended_{end}" for end in SessionEnd} <= keys
    assert {f"profile.{code}" for code in shipped_profiles(get_settings().dbt_project_dir)} <= keys


@pytest.mark.parametrize(
    ("language", "number", "percent", "separators"),
    [
        ("en", "12,345.68", "12.3%", ".,"),
        ("fr", "12\u202f345,68", "12,3\u00a0%", ",\u202f"),
        ("de", "12.345,68", "12,3\u00a0%", ",."),
    ],
)
def test_numbers_and_percentages_use_the_languages_separators(language, number, percent, separators):
    tr = Translator(language)

    assert tr.number(12345.678) == number
    assert tr.percent(0.1234) == percent
    assert tr.plotly_separators == separators


def test_numbers_round_to_the_decimals_asked():
    assert Translator("en").number(3337.78, 0) == "3,338"
    assert Translator("de").number(2.0403, 2) == "2,04"
    assert Translator("fr").percent(0.04542, 2) == "4,54\u00a0%"


def test_module_codes_get_their_names_and_unknown_codes_show_as_they_are():
    assert Translator("fr").module("travel") == "Voyages professionnels"
    assert Translator("de").submodule("travel", "train") == "Zug"
    assert Translator("de").category("a_module_added_later", "leaf") == "a_module_added_later / leaf"


@pytest.mark.parametrize(
    ("accept_language", "browser_locale", "expected"),
    [
        ("fr-CH,fr;q=0.9,en;q=0.8", None, "fr"),
        ("en-US,en;q=0.9,de;q=0.8", None, "en"),
        ("it-CH,it;q=0.9,de-CH;q=0.8,fr;q=0.5", None, "de"),
        ("en;q=0.2,de;q=0.7", None, "de"),
        ("ja", "de-DE", "de"),
        (None, None, "en"),
        ("", "es_ES", "en"),
        ("fr;q=bad,de", None, "de"),
    ],
)
def test_the_language_follows_the_browsers_preferences_then_falls_back_to_english(
    accept_language, browser_locale, expected
):
    assert preferred_language(accept_language, browser_locale) == expected
