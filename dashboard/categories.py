"""Groupings of (module, submodule) pairs that the pages read, each in one place.

The dashboard is generic over `module_code` / `submodule_code`: a new module appears on every page as
soon as its rows reach `reporting`. Only the IT view needs to know which leaves are about IT.
"""

from collections.abc import Iterable

import pandas as pd

# Leaves of the IT view (METHODOLOGY.md §3): IT equipment electricity, IT purchases, external cloud and
# generative AI, IT research facilities. A submodule of None takes every submodule of the module.
IT_CATEGORIES: tuple[tuple[str, str | None], ...] = (
    ("equipment", "it"),
    ("purchases", "it_equipment"),
    ("external_cloud", None),
    ("generative_ai", None),
    ("research_facilities", "it_facilities"),
)


def in_categories(frame: pd.DataFrame, categories: Iterable[tuple[str, str | None]]) -> pd.Series:
    """Rows of `frame` (with `module_code`, `submodule_code`) that fall in one of `categories`."""
    selected = pd.Series(False, index=frame.index)
    for module_code, submodule_code in categories:
        in_module = frame["module_code"] == module_code
        selected |= (
            in_module if submodule_code is None else in_module & (frame["submodule_code"] == submodule_code)
        )
    return selected
