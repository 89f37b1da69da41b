import pytest

from config.settings import get_settings
from pipelines.runtime import ensure_dbt_manifest


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    """The dbt assets read the manifest at import; `dbt parse` needs a profile but no connection."""
    return ensure_dbt_manifest(get_settings(), "postgresql+psycopg2://postgres@127.0.0.1:5432/co2calc")
