"""What the shared sidebar chose, handed from `streamlit_app.py` to the page it runs."""

from dataclasses import dataclass

import streamlit as st

from dashboard.auth import Viewer
from dashboard.data.loaders import Warehouse
from dashboard.i18n import Translator

SELECTION_KEY = "selection"


@dataclass(frozen=True)
class Selection:
    warehouse: Warehouse
    viewer: Viewer
    # The viewer's scope as the queries bind it (subtree roots), not the unit shown.
    allowed_unit_ids: tuple[str, ...]
    reporting_year: int
    unit_id: str
    unit_label: str
    # The chosen unit's school (level 2), None for the institution itself.
    school_unit_id: str | None
    tr: Translator
    # Whether pages show the additional categories (METHODOLOGY.md §1.7), always apart from headline totals.
    show_additional_categories: bool


def current_selection() -> Selection:
    return st.session_state[SELECTION_KEY]
