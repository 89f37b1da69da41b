from pathlib import Path

import polars as pl
import yaml

from config.settings import Settings
from dashboard.auth import load_role_config, viewer_from_claims
from ingest.synthetic import generate_institution


def test_demo_unit_manager_manages_a_lab_of_the_demo_institution(tmp_path: Path):
    # The demo generates seed 42 at scale 1 (pipelines/demo.py); the demo login must point into it.
    from pipelines.demo import DEMO_SEED

    generate_institution(tmp_path, scale=Settings().demo_scale, seed=DEMO_SEED, years=(2025,))
    labs = pl.read_csv(tmp_path / "units.csv", schema_overrides={"unit_institutional_id": pl.String})
    lab_ids = set(labs.filter(pl.col("unit_level") == 4)["unit_institutional_id"])
    users = yaml.safe_load(Settings().demo_users_file.read_text())
    managers = [u for u in users if "co2calc_unit_ids" in u]
    assert managers
    for user in managers:
        assert set(user["co2calc_unit_ids"]) <= lab_ids


def test_every_demo_user_maps_to_a_role():
    config = load_role_config(Settings().roles_file)
    for user in yaml.safe_load(Settings().demo_users_file.read_text()):
        assert viewer_from_claims(user, config).role in {"institution", "unit_manager"}
