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
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dashboard.i18n import DEFAULT_LANGUAGE, Translator


class ScopeKind(StrEnum):
    EVERYTHING = "everything"
    CLAIMED_UNITS = "claimed_units"
    CLAIMED_SCHOOL = "claimed_school"


class PageName(StrEnum):
    """The dashboard's pages; `config/roles.yaml` lists which of them each role gets."""

    OVERVIEW = "overview"
    BREAKDOWN = "breakdown"
    UNITS = "units"
    TRENDS = "trends"
    TRAJECTORY = "trajectory"
    IT = "it"
    TRAVEL = "travel"
    METHODOLOGY = "methodology"
    INVENTORIES = "inventories"
    DATA_QUALITY = "data_quality"
    OPERATIONS = "operations"
    QUARANTINE = "quarantine"


class RoleRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    scope: ScopeKind
    groups: frozenset[str] = Field(min_length=1)
    # In the order the navigation lists them; the first is the page shown after login.
    pages: tuple[PageName, ...] = Field(min_length=1)
    # Whether the role reads the load ledger in `ops` (loads, refused rows) as the steward database role.
    reads_ops: bool = False

    @model_validator(mode="after")
    def _ledger_pages_need_reads_ops(self) -> "RoleRule":
        if PageName.QUARANTINE in self.pages and not self.reads_ops:
            raise ValueError(f"role {self.role!r} lists the quarantine page, which needs reads_ops: true")
        return self


class RoleConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role_claim: str
    unit_claim: str
    school_claim: str
    roles: tuple[RoleRule, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Viewer:
    """A logged-in user's role, scope and pages; `unit_ids` is None for a role that sees every unit."""

    role: str
    unit_ids: tuple[str, ...] | None
    pages: tuple[PageName, ...]
    # May read `ops` as the steward database role (`loaders.connect_load_ledger` refuses anyone else).
    reads_ops: bool = False

    @property
    def sees_everything(self) -> bool:
        return self.unit_ids is None


class AccessRefused(Exception):
    """The claims grant no role: the message tells the user why, in words they can forward.

    `key` and `fields` name the message in the dashboard's catalogues; `str()` is its English text.
    """

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        self.fields = fields
        super().__init__(Translator(DEFAULT_LANGUAGE)(key, **fields))

    def message(self, tr: Translator) -> str:
        return tr(self.key, **self.fields)


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
        raise AccessRefused("refusal.no_role", who=who, groups=", ".join(sorted(groups)) or "—")
    if rule.scope is ScopeKind.EVERYTHING:
        return Viewer(role=rule.role, unit_ids=None, pages=rule.pages, reads_ops=rule.reads_ops)
    # A school's reporting staff name their school (a level-2 unit) in a claim of its own, so that a
    # directory attribute listing the school cannot be mistaken for a lab head's cost centres.
    claim = config.school_claim if rule.scope is ScopeKind.CLAIMED_SCHOOL else config.unit_claim
    unit_ids = _claim_values(claims.get(claim))
    if not unit_ids:
        raise AccessRefused("refusal.no_units", role=rule.role, claim=claim)
    return Viewer(role=rule.role, unit_ids=unit_ids, pages=rule.pages, reads_ops=rule.reads_ops)


def _claim_values(value: object) -> tuple[str, ...]:
    """Read a claim that providers send as a list or as one comma- or space-separated string.

    Numbers become text: unit ids are cost-centre codes whose leading zeros matter, so a provider
    that sends 1001 for "01001" is misconfigured, and the id then matches no unit.
    """
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[,\s]+", str(value))
    return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
