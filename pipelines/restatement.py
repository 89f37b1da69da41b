"""Base-year restatement (issue 10, item 6; GHG Protocol Corporate Standard ch. 5; METHODOLOGY.md §6, like-for-like
rule): `co2calc restate-base-year --note "..."`.

The institution's base year and significance threshold live in config/institution.yaml (`base_year`). The base
year's reference total is its latest published headline inventory (`co2calc publish`, pipelines/inventory.py), a
restated one included. A check freezes the live numbers of the base year as a publication would and decomposes the
change from the reference with the inventories' own decomposition (`inventory.change_between`, the dashboard's
INVENTORY_CHANGE), at the institution:
- methodology change: the factor effect (the same activity rows valued with new factor values or sets);
- data correction: the activity and coverage effects (rows added, removed, changed, resolved or unresolved);
- structural change: units added to, removed from or moved in the unit tree since the reference was published.

When |live − reference| / reference exceeds the threshold, `restate_base_year` keeps that frozen inventory as the
restated base year and records the restatement in the append-only `inventory.base_year_restatements` (migration
0006): reason, who, when, both inventories, both totals, the effects and the units changed, in one transaction with
the publication. Within the threshold it refuses and publishes nothing: the published base year stands. A check
(`check_base_year`) does the same and rolls back.
"""

import getpass
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from config.institution import BaseYear, get_institution_profile
from config.settings import get_settings
from pipelines.inventory import (
    INVENTORY_SCHEMA,
    InventoryRefused,
    change_between,
    freeze,
    inventory_source,
    source_lock,
)

RESTATEMENTS_TABLE = f"{INVENTORY_SCHEMA}.base_year_restatements"


@dataclass(frozen=True)
class BaseYearCheck:
    """The base year's published reference against the live numbers, at the institution, in t CO2e."""

    base_year: int
    threshold_pct: float
    previous_inventory_id: int
    previous_t_co2e: Decimal
    live_t_co2e: Decimal
    activity_effect_t_co2e: Decimal
    factor_effect_t_co2e: Decimal
    coverage_effect_t_co2e: Decimal
    units_added: int
    units_removed: int
    units_moved: int

    @property
    def difference_t_co2e(self) -> Decimal:
        return self.live_t_co2e - self.previous_t_co2e

    @property
    def change_pct(self) -> float | None:
        return (
            None if not self.previous_t_co2e else float(self.difference_t_co2e / self.previous_t_co2e * 100)
        )

    @property
    def is_significant(self) -> bool:
        return BaseYear(year=self.base_year, restatement_threshold_pct=self.threshold_pct).is_significant(
            float(self.difference_t_co2e), float(self.previous_t_co2e)
        )

    @property
    def causes(self) -> tuple[str, ...]:
        """`structural`, `methodology`, `data_correction`: the kinds of change the decomposition shows."""
        return tuple(
            cause
            for cause, present in (
                ("structural", self.units_added or self.units_removed or self.units_moved),
                ("methodology", self.factor_effect_t_co2e != 0),
                ("data_correction", self.activity_effect_t_co2e != 0 or self.coverage_effect_t_co2e != 0),
            )
            if present
        )


@dataclass(frozen=True)
class Restatement:
    restatement_id: int
    restated_inventory_id: int
    restated_at: datetime
    check: BaseYearCheck


def _reference_inventory(connection: sa.Connection, base_year: int) -> int:
    reference = connection.execute(
        sa.text(
            f"select max(inventory_id) from {INVENTORY_SCHEMA}.inventories "  # noqa: S608 INVENTORY_SCHEMA is the module constant
            "where reporting_year = :year and not is_whatif"
        ),
        {"year": base_year},
    ).scalar()
    if reference is None:
        raise InventoryRefused(
            f"the base year {base_year} has no published inventory to restate: publish it first "
            f'(co2calc publish --year {base_year} --note "…")'
        )
    return reference


def _check(
    connection: sa.Connection, base_year: BaseYear, previous_inventory_id: int, live_inventory_id: int
) -> BaseYearCheck:
    change = change_between(connection, previous_inventory_id, live_inventory_id)
    total = change[change["module_code"] == "all"]
    zero = Decimal(0)
    row = total.iloc[0] if len(total) else None
    units = connection.execute(
        sa.text(
            f"""
            select
                count(*) filter (where previous.unit_id is null) as units_added,
                count(*) filter (where live.unit_id is null) as units_removed,
                count(*) filter (
                    where previous.unit_id is not null and live.unit_id is not null
                    and previous.parent_unit_id is distinct from live.parent_unit_id
                ) as units_moved
            from (select unit_id, parent_unit_id from {INVENTORY_SCHEMA}.units where inventory_id = :previous)
                as previous
            full join (select unit_id, parent_unit_id from {INVENTORY_SCHEMA}.units where inventory_id = :live)
                as live on previous.unit_id = live.unit_id
            """  # noqa: S608 INVENTORY_SCHEMA is the module constant
        ),
        {"previous": previous_inventory_id, "live": live_inventory_id},
    ).one()
    return BaseYearCheck(
        base_year=base_year.year,
        threshold_pct=base_year.restatement_threshold_pct,
        previous_inventory_id=previous_inventory_id,
        previous_t_co2e=zero if row is None else row.from_t_co2e,
        live_t_co2e=zero if row is None else row.to_t_co2e,
        activity_effect_t_co2e=zero if row is None else row.activity_effect_t_co2e,
        factor_effect_t_co2e=zero if row is None else row.factor_effect_t_co2e,
        coverage_effect_t_co2e=zero if row is None else row.coverage_effect_t_co2e,
        units_added=units.units_added,
        units_removed=units.units_removed,
        units_moved=units.units_moved,
    )


def check_base_year(engine: sa.Engine, base_year: BaseYear | None = None) -> BaseYearCheck:
    """The live base year against its published reference; nothing is published (the frozen live side is rolled
    back)."""
    base_year = base_year or get_institution_profile().base_year
    source = inventory_source(None)
    with engine.connect() as connection, connection.begin() as transaction:
        previous = _reference_inventory(connection, base_year.year)
        with source_lock(engine, source, "check the base year"):
            live = freeze(
                connection, source, base_year.year, "live numbers, not published", getpass.getuser()
            )
        check = _check(connection, base_year, previous, live.inventory_id)
        transaction.rollback()
    return check


def restate_base_year(
    engine: sa.Engine, reason: str, *, restated_by: str | None = None, base_year: BaseYear | None = None
) -> Restatement:
    """Publish the live base year as its restated inventory and log why, when its change from the published
    reference exceeds the threshold; refuse, publishing nothing, otherwise."""
    if not reason.strip():
        raise InventoryRefused('a restatement needs its reason (--note "...")')
    base_year = base_year or get_institution_profile().base_year
    restated_by = restated_by or getpass.getuser()
    source = inventory_source(None)
    with source_lock(engine, source, "restate the base year"), engine.begin() as connection:
        previous = _reference_inventory(connection, base_year.year)
        restated = freeze(
            connection,
            source,
            base_year.year,
            f"Base year {base_year.year} restated: {reason.strip()}",
            restated_by,
        )
        check = _check(connection, base_year, previous, restated.inventory_id)
        if not check.is_significant:
            raise InventoryRefused(
                f"the base year {base_year.year} changed by {check.difference_t_co2e:+,.3f} t CO2e "
                f"({check.change_pct or 0:+.2f} %) since inventory {previous}, within the "
                f"{base_year.restatement_threshold_pct:g} % threshold of config/institution.yaml: it stands as "
                "published"
            )
        logged = connection.execute(
            sa.text(
                f"insert into {RESTATEMENTS_TABLE} (base_year, previous_inventory_id, restated_inventory_id, "  # noqa: S608 RESTATEMENTS_TABLE is the module constant
                "previous_t_co2e, restated_t_co2e, activity_effect_t_co2e, factor_effect_t_co2e, "
                "coverage_effect_t_co2e, units_added, units_removed, units_moved, threshold_pct, reason, "
                "restated_by, restated_at) values (:year, :previous, :restated, :previous_t, :restated_t, "
                ":activity, :factor, :coverage, :added, :removed, :moved, :threshold, :reason, :by, "
                ":at) returning restatement_id"
            ),
            {
                "year": base_year.year,
                "previous": previous,
                "restated": restated.inventory_id,
                "previous_t": check.previous_t_co2e,
                "restated_t": check.live_t_co2e,
                "activity": check.activity_effect_t_co2e,
                "factor": check.factor_effect_t_co2e,
                "coverage": check.coverage_effect_t_co2e,
                "added": check.units_added,
                "removed": check.units_removed,
                "moved": check.units_moved,
                "threshold": base_year.restatement_threshold_pct,
                "reason": reason.strip(),
                "by": restated_by,
                "at": restated.published_at,
            },
        ).scalar_one()
        connection.execute(
            sa.text(f"select {INVENTORY_SCHEMA}.grant_dashboard_role(:role)"),
            {"role": get_settings().dashboard_db_role},
        )
    return Restatement(logged, restated.inventory_id, restated.published_at, check)
