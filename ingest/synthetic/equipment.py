"""Equipment inventories of the labs (METHODOLOGY.md §3.4): scientific instruments, IT and other equipment.

Each lab gets a profile (wet lab, physics or engineering lab, computing group) that decides which
instruments it owns. The inventory is drawn once and carried from year to year, as inventory numbers
carry their usage hours: each year a few items are retired and a few bought. Hours are filled for most
rows and left blank for a few, as in real uploads (such rows stay EQUIP_HOURS_MISSING in dbt). Classes and
sub-classes are keys of `seed_equipment_power`, so every row passes validation.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.contracts import EQUIPMENT_CATEGORIES, HOURS_PER_WEEK, equipment_contract
from ingest.synthetic.people import Roster


@dataclass(frozen=True)
class Item:
    equipment_class: str
    sub_class: str | None
    name: str
    # Usual weekly hours in use and on standby (the rest of the week the item is off).
    active_hours: float
    standby_hours: float


WET, PHYSICS, COMPUTING = 0, 1, 2
LAB_PROFILE_SHARES = np.array([0.45, 0.35, 0.20])
# Scientific inventories list items above CHF 10 000 (RC-DOC), so a lab owns a handful; weights are relative
# frequencies within a lab profile. Freezers and incubators run around the clock.
SCIENTIFIC_ITEMS: dict[int, tuple[tuple[Item, float], ...]] = {
    WET: (
        (
            Item(
                "Lab Freezer / Frigde", "Recent -80C freezers (<12yo)", "CONGELATEUR -80C THERMO TSX", 168, 0
            ),
            4,
        ),
        (Item("Lab Freezer / Frigde", "Old -80C freezers (>12yo)", "CONGELATEUR -80C REVCO", 168, 0), 1.5),
        (
            Item(
                "Lab Freezer / Frigde", "Big +4C or -20C freezers (> 150L)", "FRIGO LIEBHERR MEDLINE", 168, 0
            ),
            2,
        ),
        (Item("Agitator / Incubator", "CO2 incubators", "INCUBATEUR CO2 HERACELL", 168, 0), 3),
        (Item("Agitator / Incubator", "Simple agitators/incubators", "AGITATEUR INCUBE INFORS", 60, 0), 1.5),
        (
            Item("Centrifugation", "Large refrigerated bench top centrifuges", "CENTRIFUGEUSE 5810R", 10, 30),
            2,
        ),
        (Item("Centrifugation", "Ultra centrifuges", "ULTRACENTRIFUGEUSE OPTIMA", 8, 20), 0.6),
        (Item("PCR / QPCR", "QPCR", "THERMOCYCLEUR QPCR QUANTSTUDIO", 12, 20), 1.2),
        (
            Item(
                "Laminar flow hood", "Recent 180cm laminar flow hoods (<15yo)", "HOTTE FLUX LAMINAIRE", 25, 0
            ),
            2,
        ),
        (Item("Optical microscopes", "Average confocal microscopes", "MICROSCOPE CONFOCAL LSM", 30, 10), 0.8),
        (Item("Chromatographs (HPLC, etc.)", "HPLC", "CHROMATOGRAPHE HPLC AGILENT", 40, 20), 1),
        (Item("Cytometer", None, "CYTOMETRE FACSCANTO", 20, 0), 0.5),
    ),
    PHYSICS: (
        (Item("Lasers", None, "LASER TI:SAPHIR", 40, 20), 2),
        (Item("Oscilloscopes", None, "OSCILLOSCOPE TEKTRONIX", 30, 0), 2),
        (Item("Spectrometers", None, "SPECTROMETRE OCEAN OPTICS", 20, 0), 1.5),
        (Item("Power supplies", None, "ALIMENTATION KEITHLEY", 40, 0), 2),
        (Item("Cryostats", None, "CRYOSTAT OXFORD INSTRUMENTS", 60, 40), 0.7),
        (Item("Pumps", "Vaccum mechanical pumps (> 500W)", "POMPE A VIDE PFEIFFER", 50, 0), 1.5),
        (
            Item(
                "Electronic microscopes",
                "Scanning Electron Microscope",
                "MICROSCOPE ELECTRONIQUE MEB",
                30,
                80,
            ),
            0.3,
        ),
        (Item("3D printer", None, "IMPRIMANTE 3D ULTIMAKER", 20, 0), 1),
        (
            Item(
                "Compression & traction machines",
                "Electromechanical Test Machines",
                "MACHINE TRACTION ZWICK",
                8,
                0,
            ),
            0.6,
        ),
    ),
    COMPUTING: (
        (Item("Servers", None, "SERVEUR CALCUL GPU", 168, 0), 3),
        (Item("Network", None, "SWITCH RESEAU CISCO", 168, 0), 1),
    ),
}
# Scientific items per lab: a Poisson draw around this mean.
SCIENTIFIC_ITEMS_PER_LAB = {WET: 9.0, PHYSICS: 7.0, COMPUTING: 3.0}
# IT items per member: nearly everyone has a laptop, about half a desktop, and most a monitor or two.
IT_ITEMS_PER_MEMBER = (
    (Item("Laptop", None, "LAPTOP DELL LATITUDE", 40, 40), 0.85),
    (Item("Desktop", None, "PC HP ELITEDESK", 42, 20), 0.4),
    (Item("Monitors", None, "ECRAN EIZO FLEXSCAN", 40, 10), 1.1),
)
IT_ITEMS_PER_LAB = (
    (Item("Printers", None, "IMPRIMANTE HP LASERJET", 4, 164), 0.8),
    (Item("Servers", None, "SERVEUR DELL POWEREDGE", 168, 0), 0.7),
)
OTHER_ITEMS_PER_LAB = (
    (Item("Autoclaves", "Bench top autoclaves", "AUTOCLAVE DE TABLE", 8, 10), 0.35),
    (Item("Beamer", None, "BEAMER EPSON", 4, 0), 0.6),
    (Item("Videoconferencing", None, "SYSTEME VISIOCONFERENCE", 6, 100), 0.4),
    (Item("Kitchen freezer", None, "CONGELATEUR CUISINE", 10, 158), 0.3),
)
BLANK_HOURS_SHARE = 0.07
OVERRIDE_SHARE = 0.005
# Each year, besides turnover with the lab size: items retired and bought.
RETIRED_SHARE = 0.08
BOUGHT_SHARE = 0.10
# Hours vary around the usual use of a class, by quarter hours.
HOURS_SPREAD = 0.25
FIRST_INVENTORY_NUMBER = 100_000
INVENTORY_NUMBER_COUNT = 900_000


@dataclass
class _Inventory:
    """Items of every lab, as parallel lists, growing as labs buy."""

    lab_index: list[int]
    category: list[str]
    item: list[Item]
    active_hours: list[float | None]
    standby_hours: list[float | None]
    override_kg: list[float | None]
    inventory_number: list[str]
    retired_in: list[int | None]


def equipment_frames(
    rng: np.random.Generator, rosters: list[Roster], lab_ids: np.ndarray
) -> dict[int, dict[str, pl.DataFrame]]:
    """Per year and equipment category, the back-office equipment file."""
    lab_count = lab_ids.size
    profiles = rng.choice(3, size=lab_count, p=LAB_PROFILE_SHARES)
    numbers = iter(rng.permutation(INVENTORY_NUMBER_COUNT) + FIRST_INVENTORY_NUMBER)
    inventory = _Inventory([], [], [], [], [], [], [], [])
    first_members = np.bincount(rosters[0].lab_index, minlength=lab_count)
    for lab in range(lab_count):
        _buy(rng, inventory, numbers, lab, profiles[lab], int(first_members[lab]), share=1.0)
    frames = {}
    for number, roster in enumerate(rosters):
        if number > 0:
            owned = np.array([retired is None for retired in inventory.retired_in])
            retire = np.flatnonzero(owned & (rng.random(len(inventory.item)) < RETIRED_SHARE))
            for index in retire:
                inventory.retired_in[index] = roster.year
            members = np.bincount(roster.lab_index, minlength=lab_count)
            for lab in range(lab_count):
                _buy(rng, inventory, numbers, lab, profiles[lab], int(members[lab]), share=BOUGHT_SHARE)
        frames[roster.year] = _year_frames(inventory, roster.year, lab_ids)
    return frames


def _buy(
    rng: np.random.Generator,
    inventory: _Inventory,
    numbers,
    lab: int,
    profile: int,
    members: int,
    share: float,
) -> None:
    catalogue = SCIENTIFIC_ITEMS[profile]
    weights = np.array([w for _, w in catalogue])
    scientific = rng.poisson(SCIENTIFIC_ITEMS_PER_LAB[profile] * share)
    bought = [
        ("scientific", catalogue[i][0])
        for i in rng.choice(len(catalogue), size=scientific, p=weights / weights.sum())
    ]
    for item, per_member in IT_ITEMS_PER_MEMBER:
        bought += [("it", item)] * rng.poisson(per_member * members * share)
    for item, per_lab in IT_ITEMS_PER_LAB:
        bought += [("it", item)] * rng.poisson(per_lab * share)
    for item, per_lab in OTHER_ITEMS_PER_LAB:
        bought += [("other", item)] * rng.poisson(per_lab * share)
    for category, item in bought:
        blank = rng.random() < BLANK_HOURS_SHARE
        spread = rng.uniform(1 - HOURS_SPREAD, 1 + HOURS_SPREAD)
        if item.active_hours + item.standby_hours >= HOURS_PER_WEEK:
            # Freezers, incubators and servers run around the clock whoever fills the form.
            active, standby = float(item.active_hours), float(item.standby_hours)
        else:
            active = min(HOURS_PER_WEEK, round(item.active_hours * spread * 4) / 4)
            standby = min(HOURS_PER_WEEK - active, round(item.standby_hours * spread * 4) / 4)
        inventory.lab_index.append(lab)
        inventory.category.append(category)
        inventory.item.append(item)
        inventory.active_hours.append(None if blank else active)
        inventory.standby_hours.append(None if blank else standby)
        inventory.override_kg.append(
            round(float(rng.uniform(20, 400)), 1) if rng.random() < OVERRIDE_SHARE else None
        )
        inventory.inventory_number.append(f"B{next(numbers):06d}")
        inventory.retired_in.append(None)


def _year_frames(inventory: _Inventory, year: int, lab_ids: np.ndarray) -> dict[str, pl.DataFrame]:
    frames = {}
    for category in EQUIPMENT_CATEGORIES:
        rows = [
            i
            for i, (c, retired) in enumerate(zip(inventory.category, inventory.retired_in, strict=True))
            if c == category and (retired is None or retired > year)
        ]
        frame = pl.DataFrame(
            {
                "unit_institutional_id": [str(lab_ids[inventory.lab_index[i]]) for i in rows],
                "equipment_id": [inventory.inventory_number[i] for i in rows],
                "name": [inventory.item[i].name for i in rows],
                "equipment_class": [inventory.item[i].equipment_class for i in rows],
                "sub_class": [inventory.item[i].sub_class for i in rows],
                "active_usage_hours_per_week": [inventory.active_hours[i] for i in rows],
                "standby_usage_hours_per_week": [inventory.standby_hours[i] for i in rows],
                "note": [None] * len(rows),
                "kg_co2eq": [inventory.override_kg[i] for i in rows],
                "equipment_category": [category] * len(rows),
            },
            schema_overrides={
                "sub_class": pl.String,
                "note": pl.String,
                "active_usage_hours_per_week": pl.Float64,
                "standby_usage_hours_per_week": pl.Float64,
                "kg_co2eq": pl.Float64,
            },
        )
        frames[category] = frame.select(equipment_contract(category).column_names).sort(
            ["unit_institutional_id", "equipment_id"]
        )
    return frames
