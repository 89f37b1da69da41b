"""co2calc dashboard: login gate, role and scope, shared sidebar filters, then the chosen page.

Run from the repository root with `co2calc dashboard`, or see dashboard/README.md to run it alone.
An anonymous visitor gets the login page and nothing else, and so does a user whose session has ended
(dashboard/session.py: idle too long, or logged in too long ago), with the reason; a logged-in user gets the
pages of their role (config/roles.yaml), limited to the units of their scope, in the language picked in the
sidebar, and the logout button in the sidebar of every page.
"""

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from config.settings import get_settings
from dashboard.auth import AccessRefused, PageName, Viewer, load_role_config, viewer_from_claims
from dashboard.data import loaders
from dashboard.i18n import LANGUAGES, Translator, preferred_language
from dashboard.selection import SELECTION_KEY, Selection
from dashboard.session import LOGIN_ACTIVITY, SessionEnd

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
LANGUAGE_KEY = "filter_language"
YEAR_KEY = "filter_reporting_year"
UNIT_KEY = "filter_unit_id"
ADDITIONAL_KEY = "filter_show_additional_categories"
PAGE_ICONS = {
    PageName.OVERVIEW: ":material/dashboard:",
    PageName.BREAKDOWN: ":material/donut_large:",
    PageName.UNITS: ":material/account_tree:",
    PageName.TRENDS: ":material/show_chart:",
    PageName.TRAJECTORY: ":material/trending_down:",
    PageName.IT: ":material/computer:",
    PageName.TRAVEL: ":material/flight:",
    PageName.METHODOLOGY: ":material/menu_book:",
    PageName.INVENTORIES: ":material/verified:",
    PageName.DATA_QUALITY: ":material/rule:",
    PageName.OPERATIONS: ":material/settings:",
    PageName.QUARANTINE: ":material/report:",
}


def browser_language() -> str:
    return preferred_language(st.context.headers.get("Accept-Language"), st.context.locale)


def language_picker() -> Translator:
    """The sidebar's language, first set from the browser's preferences."""
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = browser_language()
    names = {language: Translator(language)("language.name") for language in LANGUAGES}
    language = st.sidebar.selectbox(
        Translator(st.session_state[LANGUAGE_KEY])("sidebar.language"),
        LANGUAGES,
        format_func=names.__getitem__,
        key=LANGUAGE_KEY,
    )
    return Translator(language)


def show_login(tr: Translator, ended: SessionEnd | None = None) -> None:
    st.title("co2calc")
    if ended is not None:
        settings = get_settings()
        st.warning(
            tr(
                f"session.ended_{ended}",
                idle_minutes=settings.session_idle_minutes,
                max_hours=settings.session_max_hours,
            )
        )
    st.write(tr("login.intro"))
    # Logging in again replaces the ended login's identity cookie with a new one (a new `iat`).
    st.button(tr("login.button"), type="primary", on_click=st.login)


def show_refusal(message: str, tr: Translator) -> None:
    st.title("co2calc")
    st.error(message)
    st.button(tr("sidebar.logout"), on_click=st.logout)


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


def sidebar_filters(warehouse: loaders.Warehouse, viewer: Viewer, tr: Translator) -> Selection | None:
    allowed = loaders.allowed_unit_ids(warehouse, viewer)
    units = loaders.units_in_scope(warehouse, allowed)
    if units.empty:
        st.warning(tr("sidebar.no_units", unit_ids=", ".join(allowed) or "—"))
        return None
    years = loaders.reporting_years(warehouse, allowed)
    if not years:
        st.info(tr("sidebar.no_years"))
        return None
    labels = unit_labels(units)
    unit_ids = list(labels)
    _forget_stale_choice(YEAR_KEY, years)
    _forget_stale_choice(UNIT_KEY, unit_ids)
    reporting_year = st.sidebar.selectbox(tr("sidebar.reporting_year"), years, key=YEAR_KEY)
    unit_id = st.sidebar.selectbox(tr("sidebar.unit"), unit_ids, format_func=labels.__getitem__, key=UNIT_KEY)
    show_additional = st.sidebar.toggle(
        tr("sidebar.show_additional"), key=ADDITIONAL_KEY, help=tr("sidebar.show_additional_help")
    )
    school_unit_id = units.set_index("unit_id").loc[unit_id, "school_unit_id"]
    return Selection(
        warehouse=warehouse,
        viewer=viewer,
        allowed_unit_ids=allowed,
        reporting_year=reporting_year,
        unit_id=unit_id,
        unit_label=labels[unit_id].strip(),
        school_unit_id=None if pd.isna(school_unit_id) else str(school_unit_id),
        tr=tr,
        show_additional_categories=show_additional,
    )


def main() -> None:
    st.set_page_config(page_title="co2calc", page_icon=":material/eco:", layout="wide")
    if not st.user.get("is_logged_in", False):
        # Before login there is no sidebar: the page speaks the browser's language.
        show_login(Translator(browser_language()))
        return
    claims = st.user.to_dict()
    settings = get_settings()
    ended = LOGIN_ACTIVITY.check(
        claims,
        time.time(),
        idle_limit_s=settings.session_idle_minutes * 60,
        lifetime_s=settings.session_max_hours * 3600,
    )
    if ended is not None:
        # The language picked before the session ended, if any; the sidebar and its picker are not drawn.
        show_login(Translator(st.session_state.get(LANGUAGE_KEY) or browser_language()), ended)
        return
    tr = language_picker()
    try:
        viewer = viewer_from_claims(claims, load_role_config(settings.roles_file))
    except AccessRefused as refusal:
        show_refusal(refusal.message(tr), tr)
        return

    who = claims.get("name") or claims.get("email") or claims.get("sub")
    st.sidebar.caption(f"{who} · {tr.label('role', viewer.role)}")
    st.sidebar.button(tr("sidebar.logout"), on_click=st.logout)
    try:
        warehouse = loaders.connect_warehouse()
    except loaders.WarehouseUnavailable as problem:
        st.error(str(problem))
        return
    selection = sidebar_filters(warehouse, viewer, tr)
    if selection is None:
        return
    st.session_state[SELECTION_KEY] = selection
    navigation = st.navigation(
        [
            st.Page(
                PAGES_DIR / f"{page}.py",
                title=tr(f"{page}.title"),
                icon=PAGE_ICONS[page],
                url_path=str(page),
                default=position == 0,
            )
            for position, page in enumerate(viewer.pages)
        ]
    )
    navigation.run()


main()
