"""The database most ingest tests start from: a fresh warehouse with the reference data and the unit tree."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file, load_reference_data

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture
def engine(fresh_database_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(fresh_database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    yield engine
    engine.dispose()
