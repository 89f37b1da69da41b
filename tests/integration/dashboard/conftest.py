"""Dashboard tests against a warehouse where the pipeline has run (`warehouse_url`, tests/integration).

The expected numbers are computed here with SQL written independently of dashboard/data/queries.py; a subtree's
totals in `subtree.py`, from marts.fct_emissions with the rule of METHODOLOGY.md §2.4, apart from dbt's reporting.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1.element_tree import DownloadButton

from config.settings import get_settings
from dashboard.auth import ScopeKind, load_role_config
from tests.integration.dashboard.subtree import subtree_headline_t_co2e


@dataclass(frozen=True)
class LabPair:
    """Two labs with a footprint in the latest year and different totals: one to see, one not to."""

    reporting_year: int
    visible_unit_id: str
    visible_t_co2e: float
    visible_travel_t_co2e: float
    hidden_unit_id: str
    hidden_t_co2e: float
    # The institution's id and headline total: its labs' footprint without the internal reallocation (§2.4).
    institution_unit_id: str
    institution_t_co2e: float
    # The school (level 2) of the visible lab, and its headline total (internal reallocation left out).
    visible_school_unit_id: str
    school_t_co2e: float


@pytest.fixture(scope="session")
def lab_pair(warehouse_url: str) -> LabPair:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        reporting_year = connection.execute(
            sa.text("select max(reporting_year) from reporting.rpt_footprint__unit_year")
        ).scalar_one()
        # Headline totals: additional categories never count (METHODOLOGY.md §1.7).
        labs = connection.execute(
            sa.text("""
                select
                    footprint.unit_id,
                    units.school_unit_id,
                    sum(footprint.t_co2e)::float8 as t_co2e,
                    (sum(footprint.t_co2e) filter (where footprint.module_code = 'travel'))::float8 as travel_t_co2e
                from reporting.rpt_footprint__unit_year as footprint
                inner join reporting.rpt_units as units on footprint.unit_id = units.unit_id
                inner join reporting.rpt_emission_categories as categories
                    on footprint.module_code = categories.module_code
                    and footprint.submodule_code = categories.submodule_code
                where footprint.reporting_year = :year and not categories.is_additional_category
                group by footprint.unit_id, units.school_unit_id
                having sum(footprint.t_co2e) > 0
                order by t_co2e desc, footprint.unit_id
            """),
            {"year": reporting_year},
        ).all()
        institution_unit_id = connection.execute(
            sa.text("select unit_id from marts.dim_units where parent_unit_id is null")
        ).scalar_one()
    engine.dispose()
    assert len(labs) >= 2, "the warehouse needs two labs with a footprint in its latest year"
    visible, hidden = labs[0], labs[-1]
    return LabPair(
        reporting_year=reporting_year,
        visible_unit_id=visible.unit_id,
        visible_t_co2e=visible.t_co2e,
        visible_travel_t_co2e=visible.travel_t_co2e or 0.0,
        hidden_unit_id=hidden.unit_id,
        hidden_t_co2e=hidden.t_co2e,
        institution_unit_id=institution_unit_id,
        institution_t_co2e=subtree_headline_t_co2e(warehouse_url, institution_unit_id, reporting_year),
        visible_school_unit_id=visible.school_unit_id,
        school_t_co2e=subtree_headline_t_co2e(warehouse_url, visible.school_unit_id, reporting_year),
    )


@pytest.fixture
def dashboard_database(warehouse_url, monkeypatch):
    """Point the app's settings at the warehouse for one test, and forget them afterwards."""
    monkeypatch.setenv("CO2CALC_DATABASE_URL", warehouse_url)
    get_settings.cache_clear()
    yield warehouse_url
    get_settings.cache_clear()


def _group_for(scope: ScopeKind) -> str:
    rule = next(rule for rule in load_role_config(get_settings().roles_file).roles if rule.scope is scope)
    return sorted(rule.groups)[0]


@pytest.fixture(scope="session")
def user_of_role(lab_pair: LabPair) -> Callable[[str], dict]:
    """The claims of a user holding `role` (config/roles.yaml): scoped roles get the visible lab or its school.

    Each call is a new login (`iat` now), so a long test run never meets the session expiry (dashboard/session.py).
    """
    config = load_role_config(get_settings().roles_file)

    def claims(role: str) -> dict:
        rule = next(rule for rule in config.roles if rule.role == role)
        user = {
            "is_logged_in": True,
            "iat": time.time(),
            "sub": f"{role}-user",
            "name": f"A {role} user",
            "email": f"{role}@example.org",
            "groups": [sorted(rule.groups)[0]],
        }
        if rule.scope is ScopeKind.CLAIMED_UNITS:
            user[config.unit_claim] = [lab_pair.visible_unit_id]
        if rule.scope is ScopeKind.CLAIMED_SCHOOL:
            user[config.school_claim] = [lab_pair.visible_school_unit_id]
        return user

    return claims


@pytest.fixture
def institution_user() -> dict:
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "direction",
        "name": "Dana Direction",
        "email": "dana.direction@example.org",
        "groups": [_group_for(ScopeKind.EVERYTHING)],
    }


@pytest.fixture
def unit_manager_user(lab_pair: LabPair) -> dict:
    unit_claim = load_role_config(get_settings().roles_file).unit_claim
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "lab-manager",
        "name": "Luca Labmanager",
        "email": "luca.labmanager@example.org",
        "groups": [_group_for(ScopeKind.CLAIMED_UNITS)],
        unit_claim: [lab_pair.visible_unit_id],
    }


@dataclass(frozen=True)
class Download:
    file_name: str
    data: bytes


@pytest.fixture
def downloads(monkeypatch) -> Callable[[DownloadButton], Download]:
    """The file behind a download button, built as a click builds it: the pages pass a callable as `data`,
    which Streamlit keeps until the button is clicked (dashboard/tables.py, the overview's PDF)."""
    on_click: dict[str, tuple[str | None, Callable[[], bytes]]] = {}
    register = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = register(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
        on_click[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)

    def download(button: DownloadButton) -> Download:
        file_name, build = on_click[button.proto.deferred_file_id]
        return Download(file_name=file_name, data=build())

    return download
