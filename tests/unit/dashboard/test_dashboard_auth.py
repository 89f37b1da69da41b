"""Claims to roles and scopes (dashboard/auth.py), with the shipped config/roles.yaml."""

import pytest
import yaml

from config.settings import get_settings
from dashboard.auth import AccessRefused, PageName, RoleConfig, load_role_config, viewer_from_claims


@pytest.fixture(scope="module")
def role_config() -> RoleConfig:
    return load_role_config(get_settings().roles_file)


def test_institution_group_sees_every_unit(role_config):
    viewer = viewer_from_claims({"sub": "dana", "groups": ["co2calc-institution"]}, role_config)

    assert (viewer.role, viewer.unit_ids) == ("institution", None)
    assert viewer.sees_everything
    assert PageName.DATA_QUALITY not in viewer.pages


def test_unit_manager_sees_only_the_units_in_the_unit_claim(role_config):
    claims = {"sub": "luca", "groups": ["co2calc-unit-manager"], "co2calc_unit_ids": ["10001", "01002"]}

    viewer = viewer_from_claims(claims, role_config)

    assert (viewer.role, viewer.unit_ids) == ("unit_manager", ("10001", "01002"))
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
            "school_claim": "extension_school",
            "roles": [
                {
                    "role": "unit_manager",
                    "scope": "claimed_units",
                    "groups": ["0c1d-guid"],
                    "pages": ["overview"],
                }
            ],
        }
    )

    viewer = viewer_from_claims({"roles": ["0c1d-guid"], "extension_costCentres": ["00042"]}, config)

    assert (viewer.role, viewer.unit_ids, viewer.pages) == ("unit_manager", ("00042",), (PageName.OVERVIEW,))


def test_a_role_file_with_an_unknown_scope_is_rejected():
    with pytest.raises(ValueError, match="scope"):
        RoleConfig.model_validate(
            {
                "role_claim": "groups",
                "unit_claim": "u",
                "school_claim": "s",
                "roles": [{"role": "x", "scope": "all", "groups": ["g"], "pages": ["overview"]}],
            }
        )


def test_a_role_file_naming_an_unknown_page_is_rejected():
    with pytest.raises(ValueError, match="pages"):
        RoleConfig.model_validate(
            {
                "role_claim": "groups",
                "unit_claim": "u",
                "school_claim": "s",
                "roles": [{"role": "x", "scope": "everything", "groups": ["g"], "pages": ["dashboard"]}],
            }
        )


def test_a_school_user_reads_the_school_claim_not_the_unit_claim(role_config):
    claims = {"groups": ["co2calc-school"], "co2calc_school_unit_ids": ["16553"], "co2calc_unit_ids": ["1"]}

    viewer = viewer_from_claims(claims, role_config)

    assert (viewer.role, viewer.unit_ids) == ("school", ("16553",))


def test_a_school_user_without_the_school_claim_is_refused_with_the_claim_named(role_config):
    with pytest.raises(AccessRefused, match="co2calc_school_unit_ids"):
        viewer_from_claims({"groups": ["co2calc-school"], "co2calc_unit_ids": ["10001"]}, role_config)


def test_stewards_get_the_data_quality_and_operations_pages_and_unit_members_no_route_detail(role_config):
    steward = viewer_from_claims({"groups": ["co2calc-steward"]}, role_config)
    member = viewer_from_claims(
        {"groups": ["co2calc-unit-member"], "co2calc_unit_ids": ["10001"]}, role_config
    )

    assert steward.sees_everything
    assert {PageName.DATA_QUALITY, PageName.OPERATIONS} <= set(steward.pages)
    assert member.unit_ids == ("10001",)
    assert PageName.TRAVEL not in member.pages and PageName.UNITS not in member.pages


def test_every_demo_user_gets_a_role_and_the_unit_roles_one_lab(role_config):
    demo_users = yaml.safe_load(get_settings().demo_users_file.read_text(encoding="utf-8"))

    viewers = {user["sub"]: viewer_from_claims(user, role_config) for user in demo_users}

    assert sorted(viewer.role for viewer in viewers.values()) == sorted(
        rule.role for rule in role_config.roles
    )
    for viewer in viewers.values():
        if viewer.role in {"unit_manager", "unit_member", "school"}:
            assert viewer.unit_ids is not None and len(viewer.unit_ids) == 1
    assert all(user.get("name") and user.get("email") for user in demo_users)


def test_a_role_listing_the_quarantine_without_reading_the_ledger_is_rejected():
    with pytest.raises(ValueError, match="quarantine page, which needs reads_ops"):
        RoleConfig.model_validate(
            {
                "role_claim": "groups",
                "unit_claim": "u",
                "school_claim": "s",
                "roles": [{"role": "x", "scope": "everything", "groups": ["g"], "pages": ["quarantine"]}],
            }
        )


def test_stewards_and_admins_read_the_ledger_and_get_the_quarantine(role_config):
    for role in ("steward", "admin"):
        viewer = viewer_from_claims({"groups": [f"co2calc-{role}"]}, role_config)
        assert viewer.reads_ops and PageName.QUARANTINE in viewer.pages
    institution = viewer_from_claims({"groups": ["co2calc-institution"]}, role_config)
    assert not institution.reads_ops and PageName.QUARANTINE not in institution.pages
