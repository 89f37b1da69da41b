from pathlib import Path

import polars as pl
import yaml

from config.settings import Settings
from dashboard.auth import load_role_config, viewer_from_claims
from ingest.synthetic import generate_institution


def _demo_units(tmp_path: Path) -> pl.DataFrame:
    # The demo generates seed 42 at scale 1 (pipelines/demo.py); the demo logins must point into it.
    from pipelines.demo import DEMO_SEED

    generate_institution(tmp_path, scale=Settings().demo_scale, seed=DEMO_SEED, years=(2025,))
    return pl.read_csv(
        tmp_path / "units.csv",
        schema_overrides={"unit_institutional_id": pl.String, "parent_unit_institutional_id": pl.String},
    )


def test_demo_unit_users_belong_to_a_lab_and_the_school_user_to_a_school_of_the_demo_institution(
    tmp_path: Path,
):
    units = _demo_units(tmp_path)
    lab_ids = set(units.filter(pl.col("unit_level") == 4)["unit_institutional_id"])
    school_ids = set(units.filter(pl.col("unit_level") == 2)["unit_institutional_id"])
    users = yaml.safe_load(Settings().demo_users_file.read_text())
    unit_users = [u for u in users if "co2calc_unit_ids" in u]
    school_users = [u for u in users if "co2calc_school_unit_ids" in u]
    assert unit_users and school_users
    for user in unit_users:
        assert set(user["co2calc_unit_ids"]) <= lab_ids
    for user in school_users:
        assert set(user["co2calc_school_unit_ids"]) <= school_ids


def test_every_role_has_a_demo_user():
    config = load_role_config(Settings().roles_file)
    users = yaml.safe_load(Settings().demo_users_file.read_text())

    roles = sorted(viewer_from_claims(user, config).role for user in users)

    assert roles == sorted(rule.role for rule in config.roles)
