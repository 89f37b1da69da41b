"""Write a whole synthetic institution: the unit tree and, per year, headcount, travel, equipment,
process-emission and additional-category intensity files."""

from pathlib import Path

import numpy as np
import polars as pl

from ingest.synthetic.additional import additional_intensities_frame
from ingest.synthetic.equipment import equipment_frames
from ingest.synthetic.people import headcount_frame, simulate_rosters
from ingest.synthetic.process import process_emissions_frame, process_labs
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
    `processemissions_<year>.csv` into `out_dir` (back-office template format), and the institution-wide
    `additional_intensities_<year>.csv` (synthetic, labelled so in every row); return the written paths.

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
    # Drawn last, so that adding them left every earlier file as it was.
    for roster in rosters:
        intensities = additional_intensities_frame(rng, roster.year)
        written.append(_write(intensities, out_dir / f"additional_intensities_{roster.year}.csv"))
    return written


def _write(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path, line_terminator="\n")
    return path
