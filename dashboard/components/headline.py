"""The headline numbers of a unit and year, from the frames the loaders return.

Pure functions: the overview page shows them, the tests check them against METHODOLOGY.md §5 W21.
"""

import math
from dataclasses import dataclass

import pandas as pd

# Reference calculator's constant for an average car, kg CO2e per km (METHODOLOGY.md §5 W21).
CAR_KG_CO2E_PER_KM = 0.2996
# The reference calculator's "Paris agreement" line on its per-FTE chart (METHODOLOGY.md §6).
PERSON_REFERENCE_T_CO2E = 2.0
PERSON_REFERENCE_NOTE = (
    "The 2 t CO2e per person line is a convention borrowed from the reference calculator: per-person "
    "budgets cover a person's whole footprint, whereas this is a work footprint only."
)


@dataclass(frozen=True)
class Headline:
    reporting_year: int
    t_co2e: float
    fte: float | None
    previous_t_co2e: float | None
    override_t_co2e: float

    @property
    def t_co2e_per_fte(self) -> float | None:
        return t_co2e_per_fte(self.t_co2e, self.fte)

    @property
    def change_t_co2e(self) -> float | None:
        return None if self.previous_t_co2e is None else self.t_co2e - self.previous_t_co2e

    @property
    def car_km_equivalent(self) -> float:
        return car_km_equivalent(self.t_co2e * 1000)

    @property
    def override_share(self) -> float | None:
        return self.override_t_co2e / self.t_co2e if self.t_co2e else None


def car_km_equivalent(kg_co2e: float) -> float:
    return kg_co2e / CAR_KG_CO2E_PER_KM


def t_co2e_per_fte(t_co2e: float, fte: float | None) -> float | None:
    """Σ t / Σ FTE; None without staff, where the ratio means nothing (METHODOLOGY.md §2.2)."""
    if fte is None or math.isnan(fte) or fte <= 0:
        return None
    return t_co2e / fte


def headline_for_year(footprint: pd.DataFrame, headcount: pd.DataFrame, reporting_year: int) -> Headline:
    """Totals of one year from `footprint_by_year` and `headcount_by_year` frames (all years)."""
    this_year = footprint[footprint["reporting_year"] == reporting_year]
    previous_year = footprint[footprint["reporting_year"] == reporting_year - 1]
    fte = headcount.loc[headcount["reporting_year"] == reporting_year, "fte"]
    return Headline(
        reporting_year=reporting_year,
        t_co2e=float(this_year["t_co2e"].sum()),
        fte=float(fte.sum()) if len(fte) else None,
        previous_t_co2e=float(previous_year["t_co2e"].sum()) if len(previous_year) else None,
        override_t_co2e=float(this_year["override_t_co2e"].fillna(0).sum()),
    )


def intensity_by_year(footprint: pd.DataFrame, headcount: pd.DataFrame) -> pd.DataFrame:
    """t CO2e, FTE and t per FTE per year: ratios of sums, never averages of unit ratios."""
    totals = footprint.groupby("reporting_year", as_index=False)["t_co2e"].sum()
    years = totals.merge(headcount[["reporting_year", "fte"]], on="reporting_year", how="left")
    years["t_co2e_per_fte"] = [
        t_co2e_per_fte(t, fte) for t, fte in zip(years["t_co2e"], years["fte"], strict=True)
    ]
    return years.sort_values("reporting_year", ignore_index=True)


def format_t_co2e(t_co2e: float) -> str:
    return f"{t_co2e:,.2f}"
