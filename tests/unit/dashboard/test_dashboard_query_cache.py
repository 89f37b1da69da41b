"""Keys and values of the dashboard's Redis query cache (dashboard/data/cache.py), without Redis."""

import pandas as pd
import pytest

from dashboard.data.cache import cache_key, frame_from_parquet, frame_to_parquet
from dashboard.data.queries import FOOTPRINT_BY_YEAR, Query

SCOPE = ("10001",)
PARAMS = {"unit_id": "10001", "reporting_year": 2025}


def key(**changes) -> str:
    arguments = {
        "prefix": "co2calc:query",
        "build_id": "build-1",
        "query": FOOTPRINT_BY_YEAR,
        "role": "co2calc_dashboard",
        "scope": SCOPE,
        "params": PARAMS,
    }
    return cache_key(**{**arguments, **changes})


def test_a_key_names_its_build_and_query_so_redis_cli_can_find_it():
    assert key().startswith("co2calc:query:build-1:footprint_by_year:")


def test_the_same_query_and_values_give_the_same_key_whatever_the_parameter_order():
    assert key() == key(params=dict(reversed(PARAMS.items())))


@pytest.mark.parametrize(
    "change",
    [
        {"build_id": "build-2"},
        {"scope": ("10002",)},
        {"scope": ("10001", "10002")},
        {"params": {**PARAMS, "reporting_year": 2024}},
        {"role": "another_role"},
        {"query": Query(FOOTPRINT_BY_YEAR.name, FOOTPRINT_BY_YEAR.sql + "\nlimit 1")},
    ],
    ids=["build", "scope", "wider scope", "year", "role", "edited sql"],
)
def test_anything_that_changes_the_rows_changes_the_key(change):
    assert key(**change) != key()


def test_a_frame_comes_back_from_parquet_with_its_values_and_dtypes():
    frame = pd.DataFrame(
        {
            "unit_id": ["01001", "Zürich-7"],
            "reporting_year": [2024, 2025],
            "t_co2e": [0.1 + 0.2, 1e-12],
            "fte": pd.array([1.5, None], dtype="Float64"),
        }
    )

    pd.testing.assert_frame_equal(frame_from_parquet(frame_to_parquet(frame)), frame)


def test_an_empty_result_comes_back_empty_with_its_columns():
    frame = pd.DataFrame({"unit_id": pd.Series([], dtype=str), "t_co2e": pd.Series([], dtype=float)})

    pd.testing.assert_frame_equal(frame_from_parquet(frame_to_parquet(frame)), frame)
