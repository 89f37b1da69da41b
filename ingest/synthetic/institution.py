"""Write a whole synthetic institution: the unit tree, the room reference and, per year, the files of every
module (headcount, travel, equipment, process emissions, buildings, external cloud and generative AI, research
facilities, purchases) and the institution-wide additional-category and construction intensities."""

from pathlib import Path

import numpy as np
import polars as pl

from ingest.synthetic.additional import additional_intensities_frame
from ingest.synthetic.buildings import building_frames
from ingest.synthetic.cloud_ai import cloud_ai_labs, external_ai_frame, external_clouds_frame
from ingest.synthetic.construction import construction_intensities_frame
from ingest.synthetic.equipment import equipment_frames
from ingest.synthetic.facilities import facility_frames
from ingest.synthetic.people import headcount_frame, simulate_rosters
from ingest.synthetic.process import process_emissions_frame, process_labs
from ingest.synthetic.purchases import purchase_frames, purchase_labs
from ingest.synthetic.travel import (
    home_stations,
    load_train_stations,
    travel_planes_frame,
    travel_trains_frame,
)
from ingest.synthetic.units import build_unit_tree, lab_count_for_scale

DEFAULT_YEARS = (2023, 2024, 2025)
# Spread of how much each lab travels (log-normal σ): field and conference-heavy labs fly several times
# more than the median lab.
LAB_TRAVEL_PROPENSITY_SIGMA = 0.6


def generate_institution(
    out_dir: Path, *, scale: float = 1.0, seed: int = 42, years: tuple[int, ...] = DEFAULT_YEARS
) -> list[Path]:
    """Write `units.csv` and, for each year, `headcount_<year>.csv`, `travel_planes_<year>.csv`,
    `travel_trains_<year>.csv`, `equipment_<category>_<year>.csv` (scientific, it, other) and
    `processemissions_<year>.csv` into `out_dir`, then `building_rooms_reference.csv` and, for each year,
    `building_room_intensities_<year>.csv`, `building_rooms_<year>.csv`, `building_energycombustions_<year>.csv`,
    `external_clouds_<year>.csv`, `external_ai_<year>.csv`, `facility_footprints_<year>.csv`,
    `researchfacilities_common_<year>.csv`, `researchfacilities_animals_<year>.csv`,
    `purchases_<template>_<year>.csv` (the seven sub-module templates and the additional one) and the
    institution-wide `additional_intensities_<year>.csv` and `construction_intensities_<year>.csv` (synthetic,
    labelled so in every row) (back-office template format); return the written paths.

    The same `seed` gives byte-identical files; labs, people, travel and equipment rows grow linearly with
    `scale` (500 labs, ~8 000 people, ~12 000 flight rows, ~15 000 train rows and ~20 000 equipment items
    per year at scale 1).
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    if not years or list(years) != sorted(set(years)):
        raise ValueError(f"years must be a non-empty increasing sequence, got {years}")

    rng = np.random.default_rng(seed)
    stations = load_train_stations()
    tree = build_unit_tree(rng, lab_count_for_scale(scale))
    lab_count = tree.lab_ids.size
    lab_propensity = rng.lognormal(0.0, LAB_TRAVEL_PROPENSITY_SIGMA, size=lab_count)
    lab_home_station = home_stations(rng, lab_count, stations)
    people, rosters = simulate_rosters(rng, lab_count, years)

    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_write(tree.units, out_dir / "units.csv")]
    for roster in rosters:
        written.append(
            _write(headcount_frame(roster, people, tree.lab_ids), out_dir / f"headcount_{roster.year}.csv")
        )
        planes = travel_planes_frame(rng, roster, people, tree.lab_ids, lab_propensity)
        written.append(_write(planes, out_dir / f"travel_planes_{roster.year}.csv"))
        trains = travel_trains_frame(
            rng, roster, people, tree.lab_ids, lab_propensity, lab_home_station, stations
        )
        written.append(_write(trains, out_dir / f"travel_trains_{roster.year}.csv"))
    # Drawn after travel, from the same generator, so that adding these modules left the travel files as they were.
    equipment = equipment_frames(rng, rosters, tree.lab_ids)
    cooling_labs, gas_labs = process_labs(rng, lab_count)
    for roster in rosters:
        for category, frame in equipment[roster.year].items():
            written.append(_write(frame, out_dir / f"equipment_{category}_{roster.year}.csv"))
        process = process_emissions_frame(rng, roster.year, tree.lab_ids, cooling_labs, gas_labs)
        written.append(_write(process, out_dir / f"processemissions_{roster.year}.csv"))
    # Drawn last, so that adding buildings left every earlier file as it was.
    room_reference, buildings = building_frames(rng, rosters, tree.lab_ids)
    written.append(_write(room_reference, out_dir / "building_rooms_reference.csv"))
    for year, frames in buildings.items():
        for source, frame in frames.items():
            written.append(_write(frame, out_dir / f"{source}_{year}.csv"))
    # Drawn after every other module, so that adding cloud and AI left the files above as they were.
    cloud_ai = cloud_ai_labs(rng, lab_count)
    for roster in rosters:
        clouds = external_clouds_frame(rng, tree.lab_ids, cloud_ai)
        written.append(_write(clouds, out_dir / f"external_clouds_{roster.year}.csv"))
        written.append(
            _write(external_ai_frame(rng, tree.lab_ids, cloud_ai), out_dir / f"external_ai_{roster.year}.csv")
        )
    # Drawn after cloud and AI, so that adding research facilities left the files above as they were.
    facilities = facility_frames(rng, years, tree.lab_ids)
    for year in years:
        written.append(_write(facilities.reference[year], out_dir / f"facility_footprints_{year}.csv"))
        written.append(_write(facilities.common_use[year], out_dir / f"researchfacilities_common_{year}.csv"))
        written.append(
            _write(facilities.animal_use[year], out_dir / f"researchfacilities_animals_{year}.csv")
        )
    # Drawn after research facilities, so that adding purchases left the files above as they were.
    labs = purchase_labs(rng, lab_count)
    for roster in rosters:
        for source_code, frame in purchase_frames(rng, roster, tree.lab_ids, labs).items():
            written.append(_write(frame, out_dir / f"{source_code}_{roster.year}.csv"))
    building_names = sorted(set(room_reference["building_name"].to_list()))
    return written + _institution_intensities(
        rng, [roster.year for roster in rosters], building_names, out_dir
    )


def _institution_intensities(
    rng: np.random.Generator, years: list[int], building_names: list[str], out_dir: Path
) -> list[Path]:
    """The intensities the institution declares per year, drawn after every per-lab file."""
    # Drawn after purchases, so that adding the additional categories left the files above as they were.
    written = [
        _write(additional_intensities_frame(rng, year), out_dir / f"additional_intensities_{year}.csv")
        for year in years
    ]
    # Drawn last, so that adding construction and renovation left every file above as it was.
    for year in years:
        construction = construction_intensities_frame(rng, year, building_names)
        written.append(_write(construction, out_dir / f"construction_intensities_{year}.csv"))
    return written


def _write(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path, line_terminator="\n")
    return path
