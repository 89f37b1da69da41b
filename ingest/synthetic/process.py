"""Process gases and refrigerant top-ups of the labs (METHODOLOGY.md §3.8).

A minority of labs run their own cooling (cold rooms, chillers, low-temperature freezers) and top up their
refrigerant once or twice a year; some release CO2 (dry ice, incubator and cylinder gas), a few N2O
(anaesthesia) or CH4. Quantities are kg of gas for the year, drawn per lab and year.
"""

import numpy as np
import polars as pl

from ingest.contracts import PROCESS_EMISSIONS

# Labs with their own cooling plant, and the gases they run on (relative frequencies: R134a and R404A
# dominate laboratory cold rooms; R23 serves -80 °C cascades; R22 survives in old plants).
COOLING_LAB_SHARE = 0.12
REFRIGERANT_GASES = {"R134a": 5, "R404a": 4, "R410a": 3, "R407c": 2, "R507a": 1.5, "R23": 0.7, "R22": 0.5}
TOP_UPS_PER_COOLING_LAB = 1.3
# Median top-up mass in kg (log-normal): leaks are usually a few percent of a charge of 10-50 kg.
TOP_UP_MEDIAN_KG = 2.0
TOP_UP_SIGMA = 0.7
# (share of labs, median kg per year) for the process gases.
PROCESS_GASES = {"CO2": (0.10, 150.0), "N2O": (0.03, 8.0), "CH4": (0.02, 5.0)}
PROCESS_SIGMA = 0.8


def process_emissions_frame(
    rng: np.random.Generator,
    year: int,
    lab_ids: np.ndarray,
    cooling_labs: np.ndarray,
    gas_labs: dict[str, np.ndarray],
) -> pl.DataFrame:
    units, categories, gases, quantities = [], [], [], []
    names = list(REFRIGERANT_GASES)
    weights = np.array(list(REFRIGERANT_GASES.values()))
    for lab in cooling_labs:
        for _ in range(rng.poisson(TOP_UPS_PER_COOLING_LAB)):
            units.append(str(lab_ids[lab]))
            categories.append("Refrigerant")
            gases.append(names[rng.choice(len(names), p=weights / weights.sum())])
            quantities.append(round(float(rng.lognormal(np.log(TOP_UP_MEDIAN_KG), TOP_UP_SIGMA)), 2))
    for gas, (_, median_kg) in PROCESS_GASES.items():
        for lab in gas_labs[gas]:
            units.append(str(lab_ids[lab]))
            categories.append(gas)
            gases.append(None)
            quantities.append(round(float(rng.lognormal(np.log(median_kg), PROCESS_SIGMA)), 2))
    frame = pl.DataFrame(
        {
            "unit_institutional_id": units,
            "category": categories,
            "subcategory": gases,
            "quantity": quantities,
            "note": [None] * len(units),
            "kg_co2eq": [None] * len(units),
        },
        schema_overrides={
            "subcategory": pl.String,
            "note": pl.String,
            "kg_co2eq": pl.Float64,
            "quantity": pl.Float64,
        },
    )
    return frame.select(PROCESS_EMISSIONS.column_names).sort(
        ["unit_institutional_id", "category", "subcategory"]
    )


def process_labs(rng: np.random.Generator, lab_count: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The labs with their own cooling, and the labs releasing each process gas (stable over the years)."""
    cooling = np.flatnonzero(rng.random(lab_count) < COOLING_LAB_SHARE)
    gas_labs = {
        gas: np.flatnonzero(rng.random(lab_count) < share) for gas, (share, _) in PROCESS_GASES.items()
    }
    return cooling, gas_labs
