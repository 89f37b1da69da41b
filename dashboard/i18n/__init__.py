"""Every string the dashboard shows, in English, French and German, and each language's number formats.

One catalogue per language, `<language>.yaml` beside this file: flat keys (`overview.title`) to text with
`str.format` fields (`{year}`). Numbers and percentages are formatted by babel with the language's
separators (12,345.68 / 12 345,68 / 12.345,68), and plotly figures get the same separators. Module and
submodule codes come from the warehouse, so a module added later shows its code until the catalogues
name it: the dashboard stays generic over `module_code` / `submodule_code`.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "fr", "de")
DEFAULT_LANGUAGE = "en"
CATALOGUE_DIR = Path(__file__).resolve().parent
# plotly's `separators`: the decimal mark, then the thousands separator (U+202F narrow no-break space in French).
PLOTLY_SEPARATORS = {"en": ".,", "fr": ",\u202f", "de": ",."}


@cache
def catalogue(language: str) -> dict[str, str]:
    return yaml.safe_load((CATALOGUE_DIR / f"{language}.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Translator:
    """The texts and number formats of one language; called with a key, it returns the text."""

    language: str

    def __call__(self, key: str, **fields: object) -> str:
        return catalogue(self.language)[key].format(**fields)

    def number(self, value: float, decimals: int = 2) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.language)

    def percent(self, share: float, decimals: int = 1) -> str:
        # The language's own pattern ("#,##0 %" in French, with its no-break space), with the decimals asked.
        pattern = Locale.parse(self.language).percent_formats[None].pattern
        with_decimals = (
            re.sub(r"0(?=[^0]*$)", "0." + "0" * decimals, pattern, count=1) if decimals else pattern
        )
        return format_percent(share, format=with_decimals, locale=self.language)

    def label(self, prefix: str, code: str) -> str:
        """The name of a code the warehouse holds (`<prefix>.<code>`), or the code itself when unnamed."""
        return catalogue(self.language).get(f"{prefix}.{code}", code)

    def module(self, module_code: str) -> str:
        return self.label("module", module_code)

    def submodule(self, module_code: str, submodule_code: str) -> str:
        return self.label(f"submodule.{module_code}", submodule_code)

    def category(self, module_code: str, submodule_code: str) -> str:
        return f"{self.module(module_code)} / {self.submodule(module_code, submodule_code)}"

    @property
    def plotly_separators(self) -> str:
        return PLOTLY_SEPARATORS[self.language]


def preferred_language(accept_language: str | None, browser_locale: str | None = None) -> str:
    """The first language of the `Accept-Language` header (by q weight) that the dashboard speaks.

    Falls back on the browser's locale (`st.context.locale`), then English.
    """
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        weight_text = parameters.strip().removeprefix("q=") if parameters.strip().startswith("q=") else "1"
        try:
            weight = float(weight_text)
        except ValueError:
            continue
        weighted.append((-weight, position, tag.strip()))
    tags = [tag for _, _, tag in sorted(weighted)] + [browser_locale or ""]
    for tag in tags:
        language = tag.replace("_", "-").split("-")[0].lower()
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE
