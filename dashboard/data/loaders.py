"""The pages' only way to the warehouse: the queries of `queries.py` behind bounded caches.

Every cached loader takes the `Warehouse` (database URL and the id of the latest dbt build) as its
first argument, so a new build, or another database, misses the cache instead of serving stale
numbers (STYLE.md §7.6). Unit data also takes the viewer's `allowed_unit_ids`, which the query
binds; callers get them from `allowed_unit_ids()`, never from a widget.

Each query runs in its own transaction as the dashboard's database role with the viewer's scope set and
signed for that transaction's backend (`queries.SCOPE_TRANSACTION`, `scope.py`), so row-level security filters
`published` as well. The load ledger in `ops` is read as the steward role instead, through the stewards' own login
(`CO2CALC_STEWARD_DATABASE_URL`, `queries.STEWARD_TRANSACTION`), by a `LoadLedger` that
`connect_load_ledger` hands only to viewers whose role `reads_ops` (config/roles.yaml); its cache key is the
latest audit id rather than the build id, since loads arrive between builds.

The cache is Redis when `CO2CALC_REDIS_URL` is set (shared by every dashboard process, keys expire
after `dashboard_cache_ttl_s`, see `cache.py`), else `st.cache_data` in this process, bounded by the
same TTL and by `dashboard_cache_max_entries`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from config.settings import get_settings
from dashboard.auth import Viewer
from dashboard.data import queries
from dashboard.data.cache import RedisFrameCache
from dashboard.data.queries import Query
from dashboard.data.scope import set_signed_scope, stored_secret

_SETTINGS = get_settings()

if _SETTINGS.redis_url is None:
    _cached = st.cache_data(
        ttl=_SETTINGS.dashboard_cache_ttl_s,
        max_entries=_SETTINGS.dashboard_cache_max_entries,
        show_spinner=False,
    )
else:

    def _cached[Loader: Callable](loader: Loader) -> Loader:
        # One cache at a time: with Redis the frames live there, shared by every process and bounded by its
        # TTL and maxmemory, rather than also as a copy in each dashboard process.
        return loader


class WarehouseUnavailable(Exception):
    """The dashboard cannot read `reporting.*`; the message says what to do about it."""


@dataclass(frozen=True)
class Warehouse:
    database_url: str
    build_id: str


@st.cache_resource(show_spinner=False)
def _engine(database_url: str) -> sa.Engine:
    return sa.create_engine(database_url, pool_pre_ping=True)


@st.cache_resource(show_spinner=False)
def _redis_cache(redis_url: str, ttl_s: int) -> RedisFrameCache:
    return RedisFrameCache.from_url(redis_url, ttl_s=ttl_s)


def shared_cache() -> RedisFrameCache | None:
    if _SETTINGS.redis_url is None:
        return None
    return _redis_cache(_SETTINGS.redis_url, _SETTINGS.dashboard_cache_ttl_s)


# SQLSTATEs of the ways a warehouse can be unready for the dashboard, and what to do about each.
_UNREADY = {
    "3F000": "No build has been published yet: run the pipeline (co2calc build) first.",
    "42P01": "No build has been published yet: run the pipeline (co2calc build) first.",
    "22023": "The dashboard's database role {role!r} does not exist: run the pipeline (dbt build creates it).",
    "42501": (
        "The dashboard's database role {role!r} may not read the published tables: run the pipeline "
        "(publishing a build grants them), and connect as that role or as a user it is granted to "
        "(grant {role} to <user>)."
    ),
}


def connect_warehouse() -> Warehouse:
    """Find the latest published build; uncached on purpose, it is what keys every cache."""
    settings = get_settings()
    database_url = settings.database_url
    if database_url is None:
        raise WarehouseUnavailable("No warehouse is configured: set CO2CALC_DATABASE_URL.")
    try:
        opening = {"role": settings.dashboard_db_role}
        build_id = _run(
            database_url, queries.SCOPE_TRANSACTION, opening, queries.LATEST_BUILD_ID, {}, None
        ).iloc[0, 0]
    except sa.exc.DBAPIError as error:
        message = _UNREADY.get(getattr(error.orig, "pgcode", None))
        if message is None and isinstance(error, sa.exc.OperationalError):
            message = f"The warehouse does not answer: {error.orig}"
        if message is None:
            raise
        raise WarehouseUnavailable(message.format(role=settings.dashboard_db_role)) from error
    if build_id is None:
        raise WarehouseUnavailable("No dbt build has completed yet: run the pipeline first.")
    _scopes_are_accepted(database_url, settings.dashboard_db_role)
    return Warehouse(database_url=database_url, build_id=build_id)


# A login of a deployment may hold its own role and nothing wider: one that may switch to the stewards', the owner's
# or a superuser's role, or that bypasses row-level security, would make the scope a formality.
_WIDER_THAN_ITS_ROLE = sa.text("""
select
    logins.rolname as login,
    logins.rolsuper or logins.rolbypassrls as bypasses_policies,
    array(
        select roles.rolname
        from pg_catalog.pg_roles as roles
        where pg_catalog.pg_has_role(session_user, roles.oid, 'MEMBER')
            and roles.rolname not in (session_user, :role)
        order by roles.rolname
    ) as wider_roles
from pg_catalog.pg_roles as logins
where logins.rolname = session_user
""")


def _confined_login(database_url: str, role: str, setting: str) -> None:
    """Raise WarehouseUnavailable unless the login of `database_url` holds `role` and no wider one.

    Checked when a real login provider is configured; the demo logs in as the warehouse's owner (a superuser)."""
    if get_settings().oidc_metadata_url is None:
        return
    with _engine(database_url).connect() as connection:
        found = connection.execute(_WIDER_THAN_ITS_ROLE, {"role": role}).one()
    if found.bypasses_policies or found.wider_roles:
        wider = (
            "bypasses row-level security" if found.bypasses_policies else f"may switch to {found.wider_roles}"
        )
        raise WarehouseUnavailable(
            f"The login {found.login!r} of {setting} {wider}: connect as a login that holds the role {role!r} and "
            'nothing else (dashboard/README.md, "Scope is enforced in SQL, and by PostgreSQL").'
        )


@st.cache_resource(show_spinner=False)
def _scopes_are_accepted(database_url: str, role: str) -> None:
    """Once per process: the login is confined to the dashboard's role and the warehouse accepts its signatures."""
    _confined_login(database_url, role, "CO2CALC_DATABASE_URL")
    try:
        accepted = _run(
            database_url, queries.SCOPE_TRANSACTION, {"role": role}, queries.SCOPE_ACCEPTED, {}, ()
        ).iloc[0, 0]
    except sa.exc.ProgrammingError as error:
        if getattr(error.orig, "pgcode", None) not in ("3F000", "42P01", "42883"):
            raise
        raise WarehouseUnavailable(
            "The warehouse predates signed scopes (migration 0005): run `co2calc migrate`."
        ) from error
    if not accepted:
        raise WarehouseUnavailable(
            "The warehouse refuses the dashboard's scope signatures: give the dashboard and `co2calc migrate` the "
            "same CO2CALC_SCOPE_SIGNING_SECRET, then run `co2calc migrate`."
        )


@st.cache_resource(show_spinner=False)
def _scope_secret(database_url: str) -> bytes:
    """The key that signs scopes: the setting, else the warehouse's own copy, for a login that may read it (the
    demo's owner; a deployment's dashboard login may not, and sets CO2CALC_SCOPE_SIGNING_SECRET)."""
    configured = get_settings().scope_signing_secret
    if configured is not None:
        return configured.get_secret_value().encode()
    try:
        with _engine(database_url).connect() as connection:
            return stored_secret(connection)
    except sa.exc.ProgrammingError as error:
        raise WarehouseUnavailable(
            "The dashboard cannot sign scopes: set CO2CALC_SCOPE_SIGNING_SECRET to the value `co2calc migrate` "
            "stored (this login may not read the warehouse's copy, or `co2calc migrate` has not run)."
        ) from error


def _run(
    database_url: str,
    opening: sa.TextClause,
    opening_params: Mapping[str, object],
    query: Query,
    params: Mapping[str, object],
    scope: tuple[str, ...] | None,
) -> pd.DataFrame:
    """`query` in a transaction of its own that first runs `opening` (which switches role until its end) and, given
    a scope, sets it signed for this backend (`scope.py`)."""
    secret = None if scope is None else _scope_secret(database_url)
    with _engine(database_url).connect() as connection:
        opened = connection.execute(opening, dict(opening_params)).one()
        if secret is not None:
            set_signed_scope(connection, secret, opened.backend_pid, scope)
        result = connection.execute(query.statement, dict(params))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _query(
    database_url: str, query: Query, scope: tuple[str, ...], params: Mapping[str, object]
) -> pd.DataFrame:
    # One value both binds `:allowed_unit_ids` and signs the row-level-security scope, so they cannot disagree.
    # psycopg2 sends a list as an ARRAY but a tuple as a row, so scopes go in as lists.
    return _run(
        database_url,
        queries.SCOPE_TRANSACTION,
        {"role": get_settings().dashboard_db_role},
        query,
        {"allowed_unit_ids": list(scope), **params},
        scope,
    )


def _steward_query(database_url: str, query: Query, params: Mapping[str, object]) -> pd.DataFrame:
    return _run(
        database_url,
        queries.STEWARD_TRANSACTION,
        {"role": get_settings().steward_db_role},
        query,
        params,
        None,
    )


def read_frame(
    warehouse: Warehouse,
    query: Query,
    scope: tuple[str, ...],
    params: Mapping[str, object],
    cache: RedisFrameCache | None,
) -> pd.DataFrame:
    """`query`'s rows as the dashboard's role limited to `scope`, from `cache` when it holds them."""
    if cache is None:
        return _query(warehouse.database_url, query, scope, params)
    key = cache.key(warehouse.build_id, query, get_settings().dashboard_db_role, scope, params)
    return cache.get_or_read(key, lambda: _query(warehouse.database_url, query, scope, params))


def _read(warehouse: Warehouse, query: Query, scope: tuple[str, ...], **params: object) -> pd.DataFrame:
    return read_frame(warehouse, query, scope, params, shared_cache())


class OpsAccessRefused(Exception):
    """A viewer whose role does not read `ops` (config/roles.yaml `reads_ops`) asked for the load ledger."""


@dataclass(frozen=True)
class LoadLedger:
    """The load ledger in `ops` as the steward role reads it, at the state of the latest audit row."""

    database_url: str
    audit_id: int


# SQLSTATEs of a warehouse whose load ledger the steward role cannot read yet, and what to do about each.
_LEDGER_UNREADY = {
    "3F000": "The load ledger (schema ops) is missing: load a file or run the pipeline first.",
    "42P01": "The load ledger (schema ops) is missing: load a file or run the pipeline first.",
    "22023": "The stewards' database role {role!r} does not exist: load a file (ingest creates it).",
    "42501": (
        "The stewards' database role {role!r} may not read the load ledger: run `co2calc migrate` (it grants "
        "them), and set CO2CALC_STEWARD_DATABASE_URL to the stewards' own login."
    ),
}


@st.cache_resource(show_spinner=False)
def _steward_login_is_confined(database_url: str, role: str) -> None:
    _confined_login(database_url, role, "CO2CALC_STEWARD_DATABASE_URL")


def connect_load_ledger(warehouse: Warehouse, viewer: Viewer) -> LoadLedger:
    """The ledger for a viewer whose role reads `ops`, through the stewards' login (CO2CALC_STEWARD_DATABASE_URL,
    else the dashboard's); uncached on purpose, its audit id keys every cache."""
    if not viewer.reads_ops:
        raise OpsAccessRefused(f"the role {viewer.role!r} does not read the load ledger (config/roles.yaml)")
    settings = get_settings()
    database_url = settings.steward_database_url or warehouse.database_url
    try:
        _steward_login_is_confined(database_url, settings.steward_db_role)
        audit_id = _steward_query(database_url, queries.LATEST_AUDIT_ID, {}).iloc[0, 0]
    except sa.exc.DBAPIError as error:
        message = _LEDGER_UNREADY.get(getattr(error.orig, "pgcode", None))
        if message is None:
            raise
        raise WarehouseUnavailable(message.format(role=settings.steward_db_role)) from error
    return LoadLedger(database_url=database_url, audit_id=int(audit_id))


def read_ledger_frame(
    ledger: LoadLedger, query: Query, params: Mapping[str, object], cache: RedisFrameCache | None
) -> pd.DataFrame:
    """`query`'s rows as the steward role, from `cache` when it holds them for this state of the ledger."""
    if cache is None:
        return _steward_query(ledger.database_url, query, params)
    key = cache.key(f"ops-{ledger.audit_id}", query, get_settings().steward_db_role, (), params)
    return cache.get_or_read(key, lambda: _steward_query(ledger.database_url, query, params))


def _read_ledger(ledger: LoadLedger, query: Query, **params: object) -> pd.DataFrame:
    return read_ledger_frame(ledger, query, params, shared_cache())


@_cached
def allowed_unit_ids(warehouse: Warehouse, viewer: Viewer) -> tuple[str, ...]:
    """The subtree roots a viewer may read: the institution's roots for a role that sees everything."""
    if viewer.unit_ids is not None:
        return viewer.unit_ids
    return tuple(_read(warehouse, queries.ROOT_UNIT_IDS, ())["unit_id"])


@_cached
def units_in_scope(warehouse: Warehouse, allowed: tuple[str, ...]) -> pd.DataFrame:
    return _read(warehouse, queries.UNITS_IN_SCOPE, allowed)


@_cached
def reporting_years(warehouse: Warehouse, allowed: tuple[str, ...]) -> list[int]:
    years = _read(warehouse, queries.REPORTING_YEARS_IN_SCOPE, allowed)
    return [int(year) for year in years["reporting_year"]]


@_cached
def footprint_by_year(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.FOOTPRINT_BY_YEAR, allowed, unit_id=unit_id)


@_cached
def subtree_totals_by_year(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.SUBTREE_TOTALS_BY_YEAR, allowed, unit_id=unit_id)


@_cached
def headcount_by_year(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.HEADCOUNT_BY_YEAR, allowed, unit_id=unit_id)


@_cached
def unit_totals(
    warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str, reporting_year: int
) -> pd.DataFrame:
    return _read(
        warehouse,
        queries.UNIT_TOTALS,
        allowed,
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
        allowed,
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
        allowed,
        unit_id=unit_id,
        reporting_year=reporting_year,
        route_limit=route_limit,
    )


@_cached
def additional_by_year(
    warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str, reporting_year: int
) -> pd.DataFrame:
    return _read(
        warehouse, queries.ADDITIONAL_BY_YEAR, allowed, unit_id=unit_id, reporting_year=reporting_year
    )


@_cached
def factor_sets_in_use(warehouse: Warehouse, reporting_year: int) -> pd.DataFrame:
    return _read(warehouse, queries.FACTOR_SETS_IN_USE, (), reporting_year=reporting_year)


@_cached
def school_benchmark(warehouse: Warehouse, school_unit_id: str, reporting_year: int) -> pd.DataFrame:
    return _read(
        warehouse, queries.SCHOOL_BENCHMARK, (), school_unit_id=school_unit_id, reporting_year=reporting_year
    )


@_cached
def unresolved_by_status(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.UNRESOLVED_BY_STATUS, allowed, unit_id=unit_id)


@_cached
def unresolved_rows(
    warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str, reporting_year: int, row_limit: int
) -> pd.DataFrame:
    return _read(
        warehouse,
        queries.UNRESOLVED_ROWS,
        allowed,
        unit_id=unit_id,
        reporting_year=reporting_year,
        row_limit=row_limit,
    )


@_cached
def source_loads(ledger: LoadLedger) -> pd.DataFrame:
    """Every load, newest first (ops.loads), for stewards and admins."""
    return _read_ledger(ledger, queries.SOURCE_LOADS)


@_cached
def open_rejects(ledger: LoadLedger) -> pd.DataFrame:
    """The refused and skipped rows no correction has answered, one row per reason, newest load first."""
    return _read_ledger(ledger, queries.OPEN_REJECTS)


def latest_successful_loads(ledger: LoadLedger) -> pd.DataFrame:
    """The latest successful load of each file source and feed (ops.latest_successful_loads), for freshness."""
    return _read_ledger(ledger, queries.LATEST_SUCCESSFUL_LOADS)


def recent_builds(ledger: LoadLedger, build_limit: int) -> pd.DataFrame:
    """The latest builds (ops.builds), newest first, for stewards and admins; uncached: a build ends without an
    audit row, so the ledger's cache key would keep showing it running."""
    return _steward_query(ledger.database_url, queries.RECENT_BUILDS, {"build_limit": build_limit})


@_cached
def completeness_grid(warehouse: Warehouse, allowed: tuple[str, ...], unit_id: str) -> pd.DataFrame:
    return _read(warehouse, queries.COMPLETENESS_GRID, allowed, unit_id=unit_id)


@dataclass(frozen=True)
class WhatIf:
    """A what-if built beside the headline (pipelines/whatif.py), as its record says. Its caches are keyed by
    the headline's build and the what-if's own dbt invocation, so rebuilding either misses them."""

    warehouse: Warehouse
    reporting_schema: str
    profile_code: str
    # None: every year was built.
    reporting_year: int | None
    dbt_invocation_id: str
    finished_at: pd.Timestamp
    build_seconds: float
    emission_row_count: int


def _whatif_query(
    database_url: str, whatif_reporting_schema: str, query: Query, scope: tuple[str, ...], params: Mapping
) -> pd.DataFrame:
    return _run(
        database_url,
        queries.WHATIF_TRANSACTION,
        {"role": get_settings().dashboard_db_role, "whatif_reporting_schema": whatif_reporting_schema},
        query,
        {"allowed_unit_ids": list(scope), **params},
        scope,
    )


def built_whatifs(warehouse: Warehouse) -> list[WhatIf]:
    """The what-ifs whose build completed, by profile; uncached on purpose, their invocation ids key the caches."""
    schemas = _query(warehouse.database_url, queries.BUILT_WHATIF_SCHEMAS, (), {})
    whatifs = []
    for schema in schemas["whatif_reporting_schema"]:
        record = _whatif_query(warehouse.database_url, schema, queries.WHATIF_BUILD, (), {}).iloc[0]
        whatifs.append(
            WhatIf(
                warehouse=warehouse,
                reporting_schema=schema,
                profile_code=record["profile_code"],
                reporting_year=None if pd.isna(record["reporting_year"]) else int(record["reporting_year"]),
                dbt_invocation_id=record["dbt_invocation_id"],
                finished_at=pd.Timestamp(record["finished_at"]),
                build_seconds=float(record["build_seconds"]),
                emission_row_count=int(record["emission_row_count"] or 0),
            )
        )
    return whatifs


@_cached
def whatif_module_comparison(
    whatif: WhatIf, allowed: tuple[str, ...], unit_id: str, reporting_year: int
) -> pd.DataFrame:
    """The chosen unit's headline and what-if per module and the `all` row (queries.WHATIF_MODULE_COMPARISON)."""
    query, params = queries.WHATIF_MODULE_COMPARISON, {"unit_id": unit_id, "reporting_year": reporting_year}
    database_url, schema = whatif.warehouse.database_url, whatif.reporting_schema
    cache = shared_cache()
    if cache is None:
        return _whatif_query(database_url, schema, query, allowed, params)
    key = cache.key(
        f"{whatif.warehouse.build_id}+{whatif.dbt_invocation_id}",
        query,
        get_settings().dashboard_db_role,
        allowed,
        {**params, "whatif_reporting_schema": schema},
    )
    return cache.get_or_read(key, lambda: _whatif_query(database_url, schema, query, allowed, params))


@dataclass(frozen=True)
class Inventory:
    """A published inventory (pipelines/inventory.py), as `inventory.inventories` records it. What it archived never
    changes, so its frames are cached under the build like the rest, and under its own id."""

    inventory_id: int
    reporting_year: int
    calc_profile: str
    is_whatif: bool
    dbt_invocation_id: str
    note: str
    published_by: str
    published_at: pd.Timestamp


# SQLSTATEs of a warehouse with no inventory to show: no migration 0004 yet, or nothing published (no grant yet).
_NO_INVENTORIES = {"3F000", "42P01", "42501"}


def published_inventories(warehouse: Warehouse) -> list[Inventory]:
    """Every published inventory, latest year and latest publication first; uncached: publishing is no build, so
    the build id would keep a new inventory out of the list. None published yet: an empty list."""
    try:
        frame = _query(warehouse.database_url, queries.PUBLISHED_INVENTORIES, (), {})
    except sa.exc.DBAPIError as error:
        if getattr(error.orig, "pgcode", None) in _NO_INVENTORIES:
            return []
        raise
    return [
        Inventory(
            inventory_id=int(row.inventory_id),
            reporting_year=int(row.reporting_year),
            calc_profile=row.calc_profile,
            is_whatif=bool(row.is_whatif),
            dbt_invocation_id=row.dbt_invocation_id,
            note=row.note,
            published_by=row.published_by,
            # In UTC whatever the server's TimeZone: the report prints it as UTC and dates its PDF with it.
            published_at=pd.Timestamp(row.published_at).tz_convert("UTC"),
        )
        for row in frame.itertuples(index=False)
    ]


@dataclass(frozen=True)
class BaseYearRestatement:
    """A restatement of the base year (pipelines/restatement.py) as the dashboard's role may read it."""

    restatement_id: int
    base_year: int
    previous_inventory_id: int
    restated_inventory_id: int
    reason: str
    restated_by: str
    restated_at: pd.Timestamp


def base_year_restatements(warehouse: Warehouse) -> list[BaseYearRestatement]:
    """Every restatement, latest first; uncached like the inventories' list. None yet (no migration 0006, or no
    grant before the first publication): an empty list."""
    try:
        frame = _query(warehouse.database_url, queries.BASE_YEAR_RESTATEMENTS, (), {})
    except sa.exc.DBAPIError as error:
        if getattr(error.orig, "pgcode", None) in _NO_INVENTORIES:
            return []
        raise
    return [
        BaseYearRestatement(
            restatement_id=int(row.restatement_id),
            base_year=int(row.base_year),
            previous_inventory_id=int(row.previous_inventory_id),
            restated_inventory_id=int(row.restated_inventory_id),
            reason=row.reason,
            restated_by=row.restated_by,
            restated_at=pd.Timestamp(row.restated_at).tz_convert("UTC"),
        )
        for row in frame.itertuples(index=False)
    ]


@_cached
def inventory_unit(
    warehouse: Warehouse, allowed: tuple[str, ...], inventory_id: int, unit_id: str
) -> pd.DataFrame:
    return _read(warehouse, queries.INVENTORY_UNIT, allowed, inventory_id=inventory_id, unit_id=unit_id)


@_cached
def inventory_footprint(
    warehouse: Warehouse, allowed: tuple[str, ...], inventory_id: int, unit_id: str
) -> pd.DataFrame:
    return _read(warehouse, queries.INVENTORY_FOOTPRINT, allowed, inventory_id=inventory_id, unit_id=unit_id)


@_cached
def inventory_subtree_totals(
    warehouse: Warehouse, allowed: tuple[str, ...], inventory_id: int, unit_id: str
) -> pd.DataFrame:
    return _read(
        warehouse, queries.INVENTORY_SUBTREE_TOTALS, allowed, inventory_id=inventory_id, unit_id=unit_id
    )


@_cached
def inventory_headcount(
    warehouse: Warehouse, allowed: tuple[str, ...], inventory_id: int, unit_id: str
) -> pd.DataFrame:
    return _read(warehouse, queries.INVENTORY_HEADCOUNT, allowed, inventory_id=inventory_id, unit_id=unit_id)


@_cached
def inventory_factor_sets(warehouse: Warehouse, inventory_id: int) -> pd.DataFrame:
    return _read(warehouse, queries.INVENTORY_FACTOR_SETS, (), inventory_id=inventory_id)


@_cached
def inventory_live_comparison(
    warehouse: Warehouse, allowed: tuple[str, ...], inventory_id: int, unit_id: str, reporting_year: int
) -> pd.DataFrame:
    return _read(
        warehouse,
        queries.INVENTORY_LIVE_COMPARISON,
        allowed,
        inventory_id=inventory_id,
        unit_id=unit_id,
        reporting_year=reporting_year,
    )


@_cached
def inventory_change(
    warehouse: Warehouse,
    allowed: tuple[str, ...],
    from_inventory_id: int,
    to_inventory_id: int,
    unit_id: str,
) -> pd.DataFrame:
    """Per module and `all`: both totals, their difference and its activity, factor and coverage effects, in exact
    numeric t CO2e (queries.INVENTORY_CHANGE)."""
    return _read(
        warehouse,
        queries.INVENTORY_CHANGE,
        allowed,
        from_inventory_id=from_inventory_id,
        to_inventory_id=to_inventory_id,
        unit_id=unit_id,
    )
