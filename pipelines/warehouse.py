"""How the pipelines reach the warehouse: an engine from the settings, dbt's view of the same URL, and which of its
errors are worth trying again."""

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from config.settings import Settings, get_settings


def engine_for(database_url: str) -> Engine:
    return create_engine(database_url, pool_pre_ping=True)


def dbt_connection_env(database_url: str) -> dict[str, str]:
    """The variables the dbt project reads, for a dbt process pointed at `database_url`: the connection
    (`dbt/profiles.yml`), its sessions' sort memory and the dashboard's role that the reporting models grant to
    (`Settings`)."""
    url = make_url(database_url)
    return {
        "CO2CALC_DBT_HOST": url.host or "127.0.0.1",
        "CO2CALC_DBT_PORT": str(url.port or 5432),
        "CO2CALC_DBT_USER": url.username or "postgres",
        "CO2CALC_DBT_PASSWORD": url.password or "",
        "CO2CALC_DBT_DBNAME": url.database or "postgres",
        "CO2CALC_DBT_DASHBOARD_DB_ROLE": get_settings().dashboard_db_role,
        # libpq hands these to every session dbt opens (config/settings.py `dbt_work_mem`).
        "PGOPTIONS": f"-c work_mem={get_settings().dbt_work_mem}",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }


def require_database_url(settings: Settings) -> str:
    if not settings.database_url:
        raise RuntimeError(
            "CO2CALC_DATABASE_URL is not set (the demo starts an embedded PostgreSQL and sets it)"
        )
    return settings.database_url


# SQLSTATEs that a second try can pass (PostgreSQL, Appendix A): serialization failure, deadlock, lock not
# available, the server shutting down or starting, too many connections; and every connection exception (08...).
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"})


def is_transient_database_error(error: BaseException) -> bool:
    """Whether `error`, or an error it was raised from, is the warehouse failing for a while rather than the work
    being wrong: a lost or refused connection, a deadlock, a server restart (issue 11's drills)."""
    while error is not None:
        if isinstance(error, InterfaceError) or (
            isinstance(error, DBAPIError) and error.connection_invalidated
        ):
            return True
        if isinstance(error, DBAPIError):
            sqlstate = getattr(error.orig, "pgcode", None)
            if sqlstate is None:
                # An operational error without a SQLSTATE: the server never answered (refused, closed mid-query).
                return isinstance(error, OperationalError)
            return sqlstate in _TRANSIENT_SQLSTATES or sqlstate.startswith("08")
        error = error.__cause__ or error.__context__
    return False
