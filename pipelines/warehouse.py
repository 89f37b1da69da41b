"""How the pipelines reach the warehouse: an engine from the settings, and dbt's view of the same URL."""

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

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
