"""The pages' only way to the warehouse: the queries of `queries.py` behind bounded caches.

Every cached loader takes the `Warehouse` (database URL and the id of the latest dbt build) as its
first argument, so a new build, or another database, misses the cache instead of serving stale
numbers (STYLE.md §7.6). Unit data also takes the viewer's `allowed_unit_ids`, which the query
binds; callers get them from `allowed_unit_ids()`, never from a widget.
"""

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.sql.elements import TextClause

from config.settings import get_settings
from dashboard.auth import Viewer
from dashboard.data import queries

_SETTINGS = get_settings()
_cached = st.cache_data(
    ttl=_SETTINGS.dashboard_cache_ttl_s,
    max_entries=_SETTINGS.dashboard_cache_max_entries,
    show_spinner=False,
)


class WarehouseUnavailable(Exception):
    """The dashboard cannot read `reporting.*`; the message says what to do about it."""


@dataclass(frozen=True)
class Warehouse:
    database_url: str
    build_id: str


@st.cache_resource(show_spinner=False)
def _engine(database_url: str) -> sa.Engine:
    return sa.create_engine(database_url, pool_pre_ping=True)


def connect_warehouse() -> Warehouse:
    """Find the latest build; uncached on purpose, it is what keys every cache."""
    database_url = get_settings().database_url
    if database_url is None:
        raise WarehouseUnavailable("No warehouse is configured: set CO2CALC_DATABASE_URL.")
    try:
        with _engine(database_url).connect() as connection:
            build_id = connection.execute(queries.LATEST_BUILD_ID).scalar_one()
    except sa.exc.ProgrammingError as error:
        raise WarehouseUnavailable(
            "The reporting tables are missing: run the pipeline (dbt build) first."
        ) from error
    except sa.exc.OperationalError as error:
        raise WarehouseUnavailable(f"The warehouse does not answer: {error.orig}") from error
    if build_id is None:
        raise WarehouseUnavailable("No dbt build has completed yet: run the pipeline first.")
    return Warehouse(database_url=database_url, build_id=build_id)


def _read(warehouse: Warehouse, query: TextClause, **params: object) -> pd.DataFrame:
    # psycopg2 sends a list as an ARRAY but a tuple as a row, so scopes go in as lists.
    bound = {name: list(value) if isinstance(value, tuple) else value for name, value in params.items()}
    with _engine(warehouse.database_url).connect() as connection:
        result = connection.execute(query, bound)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


@_cached
def allowed_unit_ids(warehouse: Warehouse, viewer: Viewer) -> tuple[str, ...]:
    """The subtree roots a viewer may read: the institution's roots for a role that sees everything."""
    if viewer.unit_ids is not None:
        return viewer.unit_ids
    return tuple(_read(warehouse, queries.ROOT_UNIT_IDS)["unit_id"])


@_cached
def units_in_scope(warehouse: Warehouse, allowed: tuple[str, ...]) -> pd.DataFrame:
    return _read(warehouse, queries.UNITS_IN_SCOPE, allowed_unit_ids=allowed)


@_cached
def reporting_years(warehouse: Warehouse, allowed: tuple[str, ...]) -> list[int]:
    years = _read(warehouse, queries.REPORTING_YEARS_IN_SCOPE, allowed_unit_ids=allowed)
    return [int(year) for year in years["reporting_year"]]


@_cached
def footprint_by_year(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.FOOTPRINT_BY_YEAR, allowed_unit_ids=allowed, unit_id=unit_id)


@_cached
def headcount_by_year(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.HEADCOUNT_BY_YEAR, allowed_unit_ids=allowed, unit_id=unit_id)


@_cached
def unit_totals(
    warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str, reporting_year: int
) -> pd.DataFrame:
    return _read(
        warehouse,
        queries.UNIT_TOTALS,
        allowed_unit_ids=allowed,
        unit_id=unit_id,
        reporting_year=reporting_year,
    )


@_cached
def travel_by_cabin_class(
    warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str, reporting_year: int
) -> pd.DataFrame:
    return _read(
        warehouse,
        queries.TRAVEL_BY_CABIN_CLASS,
        allowed_unit_ids=allowed,
        unit_id=unit_id,
        reporting_year=reporting_year,
    )


@_cached
def top_travel_routes(
    warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str, reporting_year: int, route_limit: int
) -> pd.DataFrame:
    return _read(
        warehouse,
        queries.TOP_TRAVEL_ROUTES,
        allowed_unit_ids=allowed,
        unit_id=unit_id,
        reporting_year=reporting_year,
        route_limit=route_limit,
    )


@_cached
def factor_sets_in_use(warehouse: Warehouse, reporting_year: int) -> pd.DataFrame:
    return _read(warehouse, queries.FACTOR_SETS_IN_USE, reporting_year=reporting_year)
