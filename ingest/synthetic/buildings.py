"""Buildings of the synthetic institution (METHODOLOGY.md §3.3): a room reference, room energy intensities, the
rooms each lab occupies per year, and the fuel a few labs burn in heating systems they run themselves.

The room energy intensities written here are SYNTHETIC DEMO DATA, not defaults. Intensities are institution data
(EPFL derives them from one metered figure per building split by room category) and co2calc ships none; the
values below are orders of magnitude chosen for the demo so that buildings come out at roughly 20-40 % of a
lab's footprint, with labs several times as energy-hungry per m2 as offices (ventilation and cooling).

Each lab has a home building where it occupies a few offices (about one per 2.5 members) and usually one or two
laboratories; some keep an archive, and most share a meeting room with one or two neighbour labs (ratios that
sum to at most 1). The reference also lists rooms nobody declares (auditoriums, libraries, technical rooms), a
few of them without a surface. Most buildings are heated by the institution's gas plant (the `default`
intensities, boiler efficiency 0.92); the others by heat pumps (building rows, electricity divided by the COP).
"""

import math

import numpy as np
import polars as pl

from ingest.contracts import (
    BUILDING_ENERGYCOMBUSTIONS,
    BUILDING_ROOM_INTENSITIES,
    BUILDING_ROOMS,
    BUILDING_ROOMS_REFERENCE,
    FUEL_UNITS,
    ROOM_END_USES,
)
from ingest.synthetic.people import Roster

SITES = ("CAMPUS", "CENTRE-VILLE")
BUILDING_CODES = (
    "AA", "AB", "BC", "BI", "CE", "CH", "CM", "DI", "EL", "GC", "IN", "MA", "ME", "MX", "PH", "SG", "SV", "TR",
    "UL", "VI", "XA", "XB", "XC", "XD",
)  # fmt: skip
LABS_PER_BUILDING = 25
FLOORS = 5
HEAT_PUMP_BUILDING_SHARE = 0.3
HEAT_PUMP_COP = (2.8, 4.0)
GAS_BOILER_EFFICIENCY = 0.92
# kWh per m2 and year for lighting, cooling, ventilation and heating (the heat demand, before conversion).
DEMO_INTENSITIES_KWH_PER_M2 = {
    "office": (12, 6, 15, 75),
    "laboratories": (30, 55, 130, 130),
    "archives": (5, 0, 5, 40),
    "libraries": (15, 8, 15, 60),
    "auditoriums": (15, 10, 25, 55),
    "miscellaneous": (10, 3, 10, 50),
}
INTENSITY_SPREAD = 0.03
# Year-to-year spread of heating demand (heating degree days).
HEATING_YEAR_SPREAD = 0.06
MEMBERS_PER_OFFICE = 2.5
OFFICE_M2 = (12.0, 28.0)
LAB_ROOMS_PER_LAB = 2.0
LAB_ROOM_MEDIAN_M2 = 55.0
LAB_ROOM_SIGMA = 0.45
LAB_ROOM_M2 = (20.0, 200.0)
ARCHIVE_SHARE = 0.3
ARCHIVE_M2 = (8.0, 20.0)
MEETING_ROOM_M2 = (18.0, 40.0)
LABS_PER_MEETING_ROOM = (2, 3)
# A lab that grows takes one more office from the second year on.
EXTRA_OFFICE_SHARE = 0.15
# Rooms of the reference no lab declares, per building, and the share of them without a surface.
UNDECLARED_ROOMS_PER_BUILDING = {"auditoriums": 1, "libraries": 0.3, "miscellaneous": 4}
UNDECLARED_ROOM_M2 = {"auditoriums": (80.0, 300.0), "libraries": (60.0, 400.0), "miscellaneous": (5.0, 30.0)}
NO_SURFACE_SHARE = 0.03
# Labs running their own boilers or stoves (field stations, greenhouses), their fuels and yearly quantities.
COMBUSTION_LAB_SHARE = 0.04
FUEL_WEIGHTS = {
    "heating_oil": 3,
    "pellets": 2,
    "wood_logs": 1.5,
    "propane": 1.5,
    "natural_gas": 1,
    "forest_chips": 0.5,
    "biomethane": 0.5,
}
FUEL_MEDIAN_QUANTITY = {"kWh": 8000.0, "kg": 2000.0}
FUEL_SIGMA = 0.6
DEMO_NOTE = "synthetic demo intensity, not a default"


class _Rooms:
    """The room reference of every building (rooms named `<building> <floor> <number>`) and the rooms labs occupy:
    (lab, building, room name, room type, ratio, index of the first year the lab declares it)."""

    def __init__(self, rng: np.random.Generator, buildings: list[str], sites: list[str]) -> None:
        self.rng, self.buildings, self.sites = rng, buildings, sites
        self.numbers = dict.fromkeys(buildings, 0)
        self.reference: list[tuple[str, str, str, str, float | None]] = []
        self.occupied: list[tuple[int, int, str, str, float, int]] = []

    def add(self, building: int, room_type: str, surface_m2: float | None) -> str:
        code = self.buildings[building]
        self.numbers[code] += 1
        name = f"{code} {int(self.rng.integers(FLOORS))} {self.numbers[code]:03d}"
        surface = None if surface_m2 is None else round(surface_m2, 1)
        self.reference.append((self.sites[building], code, name, room_type, surface))
        return name

    def occupy(self, lab: int, building: int, room_type: str, surface_m2: float, first_year: int = 0) -> None:
        self.occupied.append(
            (lab, building, self.add(building, room_type, surface_m2), room_type, 1.0, first_year)
        )

    def share(self, labs: list[int], building: int) -> None:
        room = self.add(building, "miscellaneous", self.rng.uniform(*MEETING_ROOM_M2))
        ratio = math.floor(100 / len(labs)) / 100
        self.occupied += [(lab, building, room, "miscellaneous", ratio, 0) for lab in labs]

    def reference_frame(self) -> pl.DataFrame:
        schema = {name: pl.String for name in BUILDING_ROOMS_REFERENCE.column_names}
        return pl.DataFrame(
            self.reference, schema=schema | {"room_surface_square_meter": pl.Float64}, orient="row"
        )


def building_frames(
    rng: np.random.Generator, rosters: list[Roster], lab_ids: np.ndarray
) -> tuple[pl.DataFrame, dict[int, dict[str, pl.DataFrame]]]:
    """The room reference, and per year the intensities, rooms and combustion files (back-office format)."""
    lab_count = lab_ids.size
    building_count = min(len(BUILDING_CODES), max(2, math.ceil(lab_count / LABS_PER_BUILDING)))
    buildings = list(BUILDING_CODES[:building_count])
    sites = [SITES[0] if rng.random() < 0.8 else SITES[1] for _ in buildings]
    heat_pump_cop = {
        code: round(float(rng.uniform(*HEAT_PUMP_COP)), 1)
        for code in buildings
        if rng.random() < HEAT_PUMP_BUILDING_SHARE
    }
    rooms = _Rooms(rng, buildings, sites)
    home = rng.integers(building_count, size=lab_count)
    members = np.bincount(rosters[0].lab_index, minlength=lab_count)
    for lab in range(lab_count):
        building = int(home[lab])
        for _ in range(max(1, round(members[lab] / MEMBERS_PER_OFFICE))):
            rooms.occupy(lab, building, "office", rng.uniform(*OFFICE_M2))
        if rng.random() < EXTRA_OFFICE_SHARE:
            rooms.occupy(lab, building, "office", rng.uniform(*OFFICE_M2), first_year=1)
        for _ in range(rng.poisson(LAB_ROOMS_PER_LAB)):
            surface = rng.lognormal(np.log(LAB_ROOM_MEDIAN_M2), LAB_ROOM_SIGMA)
            rooms.occupy(lab, building, "laboratories", float(np.clip(surface, *LAB_ROOM_M2)))
        if rng.random() < ARCHIVE_SHARE:
            rooms.occupy(lab, building, "archives", rng.uniform(*ARCHIVE_M2))
    for building in range(building_count):
        neighbours = [int(lab) for lab in rng.permutation(np.flatnonzero(home == building))]
        while len(neighbours) >= LABS_PER_MEETING_ROOM[0]:
            sharing = min(
                len(neighbours), int(rng.integers(LABS_PER_MEETING_ROOM[0], LABS_PER_MEETING_ROOM[1] + 1))
            )
            rooms.share(neighbours[:sharing], building)
            neighbours = neighbours[sharing:]
        for room_type, per_building in UNDECLARED_ROOMS_PER_BUILDING.items():
            for _ in range(rng.poisson(per_building)):
                surface = rng.uniform(*UNDECLARED_ROOM_M2[room_type])
                rooms.add(building, room_type, None if rng.random() < NO_SURFACE_SHARE else surface)
    combustion_labs = rng.choice(
        lab_count, size=max(1, round(COMBUSTION_LAB_SHARE * lab_count)), replace=False
    )
    fuels = list(FUEL_WEIGHTS)
    weights = np.array(list(FUEL_WEIGHTS.values()))
    lab_fuel = {int(lab): fuels[rng.choice(len(fuels), p=weights / weights.sum())] for lab in combustion_labs}
    frames = {}
    for year_index, roster in enumerate(rosters):
        frames[roster.year] = {
            "building_room_intensities": _intensities(rng, heat_pump_cop),
            "building_rooms": _rooms(rooms, year_index, lab_ids),
            "building_energycombustions": _combustions(rng, lab_fuel, lab_ids),
        }
    return rooms.reference_frame(), frames


def _intensities(rng: np.random.Generator, heat_pump_cop: dict[str, float]) -> pl.DataFrame:
    """The `default` rows (heat from the gas plant) and, for heat-pump buildings, rows of their own."""
    heating_year = rng.normal(1.0, HEATING_YEAR_SPREAD)
    rows = []
    for room_type, values in DEMO_INTENSITIES_KWH_PER_M2.items():
        drawn = [value * rng.normal(1.0, INTENSITY_SPREAD) for value in values]
        drawn[-1] *= heating_year
        for end_use, value in zip(ROOM_END_USES, drawn, strict=True):
            if value <= 0:
                continue
            intensity = round(value, 1)
            if end_use != "heating":
                rows += [
                    (building, room_type, end_use, intensity, "electricity", 1.0, DEMO_NOTE)
                    for building in ("default", *heat_pump_cop)
                ]
                continue
            boiler = round(1 / GAS_BOILER_EFFICIENCY, 4)
            rows.append(("default", room_type, end_use, intensity, "natural_gas", boiler, DEMO_NOTE))
            rows += [
                (building, room_type, end_use, intensity, "electricity", round(1 / cop, 4), DEMO_NOTE)
                for building, cop in heat_pump_cop.items()
            ]
    schema = {name: pl.String for name in BUILDING_ROOM_INTENSITIES.column_names}
    frame = pl.DataFrame(
        rows,
        schema=schema | {"intensity_kwh_per_m2": pl.Float64, "conversion_factor": pl.Float64},
        orient="row",
    )
    return frame.sort(["building_name", "room_type", "end_use"])


def _rooms(rooms: _Rooms, year_index: int, lab_ids: np.ndarray) -> pl.DataFrame:
    rows = [
        (
            str(lab_ids[lab]),
            rooms.sites[building],
            rooms.buildings[building],
            room,
            room_type,
            None,
            ratio,
            None,
        )
        for lab, building, room, room_type, ratio, first_year in rooms.occupied
        if first_year <= year_index
    ]
    schema = {name: pl.String for name in BUILDING_ROOMS.column_names}
    frame = pl.DataFrame(
        rows, schema=schema | {"room_allocation_ratio": pl.Float64, "kg_co2eq": pl.Float64}, orient="row"
    )
    return frame.sort(["unit_institutional_id", "building_name", "room_name"])


def _combustions(rng: np.random.Generator, lab_fuel: dict[int, str], lab_ids: np.ndarray) -> pl.DataFrame:
    rows = []
    for lab, fuel in sorted(lab_fuel.items()):
        unit = FUEL_UNITS[fuel]
        quantity = round(float(rng.lognormal(np.log(FUEL_MEDIAN_QUANTITY[unit]), FUEL_SIGMA)))
        rows.append((str(lab_ids[lab]), fuel, unit, float(quantity), None, None))
    schema = {name: pl.String for name in BUILDING_ENERGYCOMBUSTIONS.column_names}
    frame = pl.DataFrame(rows, schema=schema | {"quantity": pl.Float64, "kg_co2eq": pl.Float64}, orient="row")
    return frame.sort(["unit_institutional_id", "name"])
