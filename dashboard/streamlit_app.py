"""co2calc dashboard: login gate, role and scope, shared sidebar filters, then the chosen page.

Run from the repository root with `co2calc dashboard`, or see dashboard/README.md to run it alone.
An anonymous visitor gets the login page and nothing else; a logged-in user gets the pages of
`app_pages/`, limited to the units of their role (config/roles.yaml).
"""

from pathlib import Path

import pandas as pd
import streamlit as st

from config.settings import get_settings
from dashboard.auth import AccessRefused, Viewer, load_role_config, viewer_from_claims
from dashboard.data import loaders
from dashboard.selection import SELECTION_KEY, Selection

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
YEAR_KEY = "filter_reporting_year"
UNIT_KEY = "filter_unit_id"


def show_login() -> None:
    st.title("co2calc")
    st.write(
        "The greenhouse-gas footprint of the institution and its units. "
        "Log in with your institution account to see the units you are responsible for."
    )
    st.button("Log in", type="primary", on_click=st.login)


def show_refusal(message: str) -> None:
    st.title("co2calc")
    st.error(message)
    st.button("Log out", on_click=st.logout)


def unit_labels(units: pd.DataFrame) -> dict[str, str]:
    """Picker labels indented by depth below the widest unit in scope, in depth-first order."""
    top_level = units["unit_level"].min()
    return {
        row.unit_id: "\u2003" * (row.unit_level - top_level) + f"{row.unit_code} · {row.unit_name}"
        for row in units.itertuples(index=False)
    }


def _forget_stale_choice(key: str, options: list) -> None:
    # A choice left from another scope (e.g. after logging in as someone else) is not an option.
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def sidebar_filters(warehouse: loaders.Warehouse, viewer: Viewer) -> Selection | None:
    allowed = loaders.allowed_unit_ids(warehouse, viewer)
    units = loaders.units_in_scope(warehouse, allowed)
    if units.empty:
        st.warning(
            f"None of your units ({', '.join(allowed) or 'none'}) is in the warehouse. "
            "Ask the co2calc administrators to check the unit ids of your account."
        )
        return None
    years = loaders.reporting_years(warehouse, allowed)
    if not years:
        st.info("No footprint has been computed for your units yet.")
        return None
    labels = unit_labels(units)
    unit_ids = list(labels)
    _forget_stale_choice(YEAR_KEY, years)
    _forget_stale_choice(UNIT_KEY, unit_ids)
    reporting_year = st.sidebar.selectbox("Reporting year", years, key=YEAR_KEY)
    unit_id = st.sidebar.selectbox("Unit", unit_ids, format_func=labels.__getitem__, key=UNIT_KEY)
    return Selection(
        warehouse=warehouse,
        viewer=viewer,
        allowed_unit_ids=allowed,
        reporting_year=reporting_year,
        unit_id=unit_id,
        unit_label=labels[unit_id].strip(),
    )


def main() -> None:
    st.set_page_config(page_title="co2calc", page_icon=":material/eco:", layout="wide")
    if not st.user.get("is_logged_in", False):
        show_login()
        return
    claims = st.user.to_dict()
    try:
        viewer = viewer_from_claims(claims, load_role_config(get_settings().roles_file))
    except AccessRefused as refusal:
        show_refusal(str(refusal))
        return

    st.sidebar.caption(f"{claims.get('name') or claims.get('email') or claims.get('sub')} · {viewer.role}")
    st.sidebar.button("Log out", on_click=st.logout)
    try:
        warehouse = loaders.connect_warehouse()
    except loaders.WarehouseUnavailable as problem:
        st.error(str(problem))
        return
    selection = sidebar_filters(warehouse, viewer)
    if selection is None:
        return
    st.session_state[SELECTION_KEY] = selection
    navigation = st.navigation(
        [
            st.Page(PAGES_DIR / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page(PAGES_DIR / "units.py", title="Units", icon=":material/account_tree:"),
            st.Page(PAGES_DIR / "travel.py", title="Travel", icon=":material/flight:"),
        ]
    )
    navigation.run()


main()
