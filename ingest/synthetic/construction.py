"""Demo construction and renovation intensities (METHODOLOGY.md §3.9): one `construction_intensities_<year>.csv`
per year, for the whole institution.

These are institution data (EPFL's come from an internal analysis of its works), which co2calc never ships as
defaults. The values below are synthetic and every row says so in `source_ref`: orders of magnitude of embodied
emissions per m2 of floor area in the year works happen, not results of a life-cycle assessment. Each year, a
`default` row spreads the routine replacement of technical installations over every building, and a few
buildings of the room reference get their own works (a renovation, in some years a demolition and rebuild).
"""

import numpy as np
import polars as pl

from ingest.contracts import CONSTRUCTION_INTENSITIES, DEFAULT_BUILDING

SYNTHETIC_SOURCE = "synthetic institution data (co2calc demo generator), not a life-cycle assessment"
# kg CO2e per m2 in the year of the works, by activity.
ROUTINE_REN_TECH_KG_PER_M2 = 3.0
RENOVATION_KG_PER_M2 = {"ren_env": 120.0, "ren_tech": 60.0}
REBUILD_KG_PER_M2 = {"demolition": 40.0, "new_env": 350.0, "new_tech": 150.0}
# Buildings renovated per year, and the chance that one building is demolished and rebuilt in a year.
RENOVATED_BUILDINGS_PER_YEAR = 2
REBUILD_SHARE = 0.3
# Spread of each value around its order of magnitude (log-normal σ): works differ from one building to another.
VALUE_SIGMA = 0.25


def construction_intensities_frame(
    rng: np.random.Generator, year: int, building_names: list[str]
) -> pl.DataFrame:
    rows = [(DEFAULT_BUILDING, "ren_tech", ROUTINE_REN_TECH_KG_PER_M2)]
    works = rng.permutation(building_names)
    renovated = [str(name) for name in works[:RENOVATED_BUILDINGS_PER_YEAR]]
    rows += [(name, activity, kg) for name in renovated for activity, kg in RENOVATION_KG_PER_M2.items()]
    if len(works) > RENOVATED_BUILDINGS_PER_YEAR and rng.random() < REBUILD_SHARE:
        rebuilt = str(works[RENOVATED_BUILDINGS_PER_YEAR])
        rows += [(rebuilt, activity, kg) for activity, kg in REBUILD_KG_PER_M2.items()]
    values = [round(kg * float(rng.lognormal(0.0, VALUE_SIGMA)), 1) for *_, kg in rows]
    frame = pl.DataFrame(
        {
            "building_name": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "intensity_kg_co2e_per_m2": values,
            "source_ref": [SYNTHETIC_SOURCE] * len(rows),
            "note": [f"demo value for {year}"] * len(rows),
        }
    )
    return frame.select(CONSTRUCTION_INTENSITIES.column_names)
