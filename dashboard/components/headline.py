"""The headline numbers of a unit and year, from the frames the loaders return.

Pure functions: the overview page shows them, the tests check them against METHODOLOGY.md §5 W21.
Headline totals leave out the additional categories (§1.7); those are summed apart.
"""

import math
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import DEFAULT_LANGUAGE, Translator

# Reference calculator's constant for an average car, kg CO2e per km (METHODOLOGY.md §5 W21).
CAR_KG_CO2E_PER_KM = 0.2996
# Displayed interval: total ± 1.96 sigma (METHODOLOGY.md §1.6).
INTERVAL_Z = 1.96


@dataclass(frozen=True)
class Headline:
    reporting_year: int
    t_co2e: float
    fte: float | None
    previous_t_co2e: float | None
    override_t_co2e: float
    additional_t_co2e: float
    sigma_t_co2e: float | None

    @property
    def t_co2e_per_fte(self) -> float | None:
        return t_co2e_per_fte(self.t_co2e, self.fte)

    @property
    def change_t_co2e(self) -> float | None:
        return None if self.previous_t_co2e is None else self.t_co2e - self.previous_t_co2e

    @property
    def change_share(self) -> float | None:
        return None if not self.previous_t_co2e else self.t_co2e / self.previous_t_co2e - 1

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


def headline_rows(footprint: pd.DataFrame) -> pd.DataFrame:
    """The rows that count towards headline totals: every category but the additional ones."""
    return footprint[~footprint["is_additional_category"].astype(bool)]


def combined_sigma_t_co2e(footprint: pd.DataFrame) -> float | None:
    """sigma of a total: the groups' sigmas (one factor family each) combined in quadrature (§1.6).

    None when no row has a published uncertainty.
    """
    sigmas = footprint["sigma_t_co2e"].dropna()
    if sigmas.empty:
        return None
    return math.sqrt(float((sigmas**2).sum()))


def headline_for_year(footprint: pd.DataFrame, headcount: pd.DataFrame, reporting_year: int) -> Headline:
    """Totals of one year from `footprint_by_year` and `headcount_by_year` frames (all years)."""
    headline = headline_rows(footprint)
    this_year = headline[headline["reporting_year"] == reporting_year]
    previous_year = headline[headline["reporting_year"] == reporting_year - 1]
    additional = footprint[footprint["is_additional_category"].astype(bool)]
    fte = headcount.loc[headcount["reporting_year"] == reporting_year, "fte"]
    return Headline(
        reporting_year=reporting_year,
        t_co2e=float(this_year["t_co2e"].sum()),
        fte=float(fte.sum()) if len(fte) else None,
        previous_t_co2e=float(previous_year["t_co2e"].sum()) if len(previous_year) else None,
        override_t_co2e=float(this_year["override_t_co2e"].fillna(0).sum()),
        additional_t_co2e=float(
            additional.loc[additional["reporting_year"] == reporting_year, "t_co2e"].sum()
        ),
        sigma_t_co2e=combined_sigma_t_co2e(this_year),
    )


def intensity_by_year(footprint: pd.DataFrame, headcount: pd.DataFrame) -> pd.DataFrame:
    """Headline t CO2e, FTE and t per FTE per year: ratios of sums, never averages of unit ratios."""
    totals = headline_rows(footprint).groupby("reporting_year", as_index=False)["t_co2e"].sum()
    years = totals.merge(headcount[["reporting_year", "fte"]], on="reporting_year", how="left")
    years["t_co2e_per_fte"] = [
        t_co2e_per_fte(t, fte) for t, fte in zip(years["t_co2e"], years["fte"], strict=True)
    ]
    return years.sort_values("reporting_year", ignore_index=True)


def format_t_co2e(t_co2e: float, language: str = DEFAULT_LANGUAGE) -> str:
    return Translator(language).number(t_co2e, 2)
