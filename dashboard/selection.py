"""What the shared sidebar chose, handed from `streamlit_app.py` to the page it runs."""

from dataclasses import dataclass

import streamlit as st

from dashboard.auth import Viewer
from dashboard.data.loaders import Warehouse

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


def current_selection() -> Selection:
    return st.session_state[SELECTION_KEY]
