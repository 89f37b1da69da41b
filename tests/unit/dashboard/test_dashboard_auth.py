"""Claims to roles and scopes (dashboard/auth.py), with the shipped config/roles.yaml."""

import pytest
import yaml

from config.settings import get_settings
from dashboard.auth import AccessRefused, RoleConfig, Viewer, load_role_config, viewer_from_claims


@pytest.fixture(scope="module")
def role_config() -> RoleConfig:
    return load_role_config(get_settings().roles_file)


def test_institution_group_sees_every_unit(role_config):
    viewer = viewer_from_claims({"sub": "dana", "groups": ["co2calc-institution"]}, role_config)

    assert viewer == Viewer(role="institution", unit_ids=None)
    assert viewer.sees_everything


def test_unit_manager_sees_only_the_units_in_the_unit_claim(role_config):
    claims = {"sub": "luca", "groups": ["co2calc-unit-manager"], "co2calc_unit_ids": ["10001", "01002"]}

    viewer = viewer_from_claims(claims, role_config)

    assert viewer == Viewer(role="unit_manager", unit_ids=("10001", "01002"))
    assert not viewer.sees_everything


def test_claims_sent_as_one_comma_or_space_separated_string_are_split(role_config):
    claims = {"groups": "staff, co2calc-unit-manager", "co2calc_unit_ids": "10001 10002,10003"}

    viewer = viewer_from_claims(claims, role_config)

    assert viewer.unit_ids == ("10001", "10002", "10003")


def test_a_user_in_two_groups_gets_the_wider_role(role_config):
    claims = {"groups": ["co2calc-unit-manager", "co2calc-institution"], "co2calc_unit_ids": ["10001"]}

    assert viewer_from_claims(claims, role_config).role == "institution"


def test_a_user_without_a_mapped_group_is_refused_with_their_groups_named(role_config):
    with pytest.raises(AccessRefused, match=r"x@example\.org has no co2calc role.*\(staff\)"):
        viewer_from_claims({"email": "x@example.org", "groups": ["staff"]}, role_config)


def test_a_user_without_any_group_claim_is_refused(role_config):
    with pytest.raises(AccessRefused, match="has no co2calc role"):
        viewer_from_claims({"sub": "anonymous-ish"}, role_config)


def test_a_unit_manager_without_units_is_refused_rather_than_shown_nothing(role_config):
    with pytest.raises(AccessRefused, match="co2calc_unit_ids"):
        viewer_from_claims({"groups": ["co2calc-unit-manager"], "co2calc_unit_ids": []}, role_config)


def test_role_mapping_follows_the_configured_claim_names():
    config = RoleConfig.model_validate(
        {
            "role_claim": "roles",
            "unit_claim": "extension_costCentres",
            "roles": [{"role": "unit_manager", "scope": "claimed_units", "groups": ["0c1d-guid"]}],
        }
    )

    viewer = viewer_from_claims({"roles": ["0c1d-guid"], "extension_costCentres": ["00042"]}, config)

    assert viewer == Viewer(role="unit_manager", unit_ids=("00042",))


def test_a_role_file_with_an_unknown_scope_is_rejected():
    with pytest.raises(ValueError, match="scope"):
        RoleConfig.model_validate(
            {
                "role_claim": "groups",
                "unit_claim": "u",
                "roles": [{"role": "x", "scope": "all", "groups": ["g"]}],
            }
        )


def test_every_demo_user_gets_a_role_and_the_unit_manager_one_lab(role_config):
    demo_users = yaml.safe_load(get_settings().demo_users_file.read_text(encoding="utf-8"))

    viewers = {user["sub"]: viewer_from_claims(user, role_config) for user in demo_users}

    assert sorted(viewer.role for viewer in viewers.values()) == ["institution", "unit_manager"]
    manager = next(viewer for viewer in viewers.values() if viewer.role == "unit_manager")
    assert manager.unit_ids is not None and len(manager.unit_ids) == 1
    assert all(user.get("name") and user.get("email") for user in demo_users)
