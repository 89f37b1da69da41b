"""Demo activity intensities of the additional categories (METHODOLOGY.md §3.1 (c), §3.9): one
`additional_intensities_<year>.csv` per year, for the whole institution.

These are institution data (a mobility survey, catering sales, waste statistics), which co2calc never ships as
defaults. The values below are synthetic and every row says so in `source_ref`: they are orders of magnitude
for a Swiss campus, not measurements. Commuting is given for staff (the headcount members); the demo has no
student headcount. Waste rows are written although no waste factor is shipped, so the demo shows waste as
"not estimated".
"""

import numpy as np
import polars as pl

from ingest.contracts import ADDITIONAL_INTENSITIES

SYNTHETIC_SOURCE = "synthetic institution data (co2calc demo generator), not a survey"
# pkm per staff FTE and year by mode: ~220 working days, about a third of staff within walking or cycling
# distance and rail the main mode, as in Swiss campus mobility surveys.
COMMUTING_PKM_PER_FTE = {
    "walking": 150.0,
    "cycling": 400.0,
    "e_bike": 250.0,
    "powered_two_wheeler": 150.0,
    "train": 2400.0,
    "tram": 300.0,
    "bus": 350.0,
    "car": 1500.0,
}
# Meals per FTE and year in the campus restaurants, by main component.
MEALS_PER_FTE = {
    "vegetarian": 40.0,
    "vegan": 10.0,
    "chicken": 30.0,
    "beef": 15.0,
    "white_fish": 8.0,
    "fatty_fish": 6.0,
}
# kg per FTE and year by (waste type, end-of-life route).
WASTE_KG_PER_FTE = {
    ("mixed", "incineration"): 45.0,
    ("organic", "composting"): 8.0,
    ("organic", "biogas"): 6.0,
    ("paper", "recycling"): 15.0,
    ("cardboard", "recycling"): 10.0,
    ("glass", "recycling"): 3.0,
    ("pet", "recycling"): 1.5,
}
# Year-to-year spread of each value (log-normal σ): survey and sales figures move by a few percent.
YEARLY_SIGMA = 0.08


def additional_intensities_frame(rng: np.random.Generator, year: int) -> pl.DataFrame:
    rows = [("commuting", "staff", mode, None, pkm, "pkm") for mode, pkm in COMMUTING_PKM_PER_FTE.items()]
    rows += [("food", "all", diet, None, meals, "meal") for diet, meals in MEALS_PER_FTE.items()]
    rows += [("waste", "all", kind, route, kg, "kg") for (kind, route), kg in WASTE_KG_PER_FTE.items()]
    values = [round(value * float(rng.lognormal(0.0, YEARLY_SIGMA)), 1) for *_, value, _ in rows]
    frame = pl.DataFrame(
        {
            "domain": [r[0] for r in rows],
            "population": [r[1] for r in rows],
            "sius_code": [None] * len(rows),
            "activity_class": [r[2] for r in rows],
            "waste_route": [r[3] for r in rows],
            "value_per_fte": values,
            "value_unit": [r[5] for r in rows],
            "source_ref": [SYNTHETIC_SOURCE] * len(rows),
            "note": [f"demo value for {year}"] * len(rows),
        },
        schema_overrides={"sius_code": pl.String, "waste_route": pl.String},
    )
    return frame.select(ADDITIONAL_INTENSITIES.column_names)
