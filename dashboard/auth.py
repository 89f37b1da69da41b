"""Who is looking: OpenID Connect claims become a dashboard role and the units it may see.

Pure functions, no Streamlit: `streamlit_app.py` passes `st.user.to_dict()` in and hands the
resulting `Viewer` to every query, which binds its units as a parameter (METHODOLOGY.md §2.3).
The mapping from claims to roles is configuration, `config/roles.yaml`.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field


class ScopeKind(StrEnum):
    EVERYTHING = "everything"
    CLAIMED_UNITS = "claimed_units"


class RoleRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    scope: ScopeKind
    groups: frozenset[str] = Field(min_length=1)


class RoleConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role_claim: str
    unit_claim: str
    roles: tuple[RoleRule, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Viewer:
    """A logged-in user's role and scope; `unit_ids` is None for a role that sees every unit."""

    role: str
    unit_ids: tuple[str, ...] | None

    @property
    def sees_everything(self) -> bool:
        return self.unit_ids is None


class AccessRefused(Exception):
    """The claims grant no role: the message tells the user why, in words they can forward."""


def load_role_config(path: Path) -> RoleConfig:
    return RoleConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def viewer_from_claims(claims: Mapping[str, object], config: RoleConfig) -> Viewer:
    """Map ID-token claims to a `Viewer`, or raise `AccessRefused`.

    The first rule of `config.roles` whose group the user holds decides, so the file lists the
    widest role first and a user in two groups gets the wider view.
    """
    groups = set(_claim_values(claims.get(config.role_claim)))
    rule = next((rule for rule in config.roles if rule.groups & groups), None)
    if rule is None:
        who = claims.get("email") or claims.get("sub") or "this account"
        raise AccessRefused(
            f"{who} has no co2calc role: none of its groups ({', '.join(sorted(groups)) or 'none'}) "
            f"is mapped to a role. Ask the co2calc administrators to add you to a dashboard group."
        )
    if rule.scope is ScopeKind.EVERYTHING:
        return Viewer(role=rule.role, unit_ids=None)
    unit_ids = _claim_values(claims.get(config.unit_claim))
    if not unit_ids:
        raise AccessRefused(
            f"Your role {rule.role!r} is limited to the units named in the {config.unit_claim!r} claim, "
            f"and your login carries none. Ask the co2calc administrators to assign your units."
        )
    return Viewer(role=rule.role, unit_ids=unit_ids)


def _claim_values(value: object) -> tuple[str, ...]:
    """Read a claim that providers send as a list or as one comma- or space-separated string.

    Numbers become text: unit ids are cost-centre codes whose leading zeros matter, so a provider
    that sends 1001 for "01001" is misconfigured, and the id then matches no unit.
    """
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[,\s]+", str(value))
    return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
