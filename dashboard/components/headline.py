"""The headline numbers of a unit and year, from the frames the loaders return.

Pure functions: the overview page shows them, the tests check them against METHODOLOGY.md §5 W21.
The headline total, its sigma and interval are the subtree's `all` row as dbt sums it
(`subtree_totals_by_year`: additional categories (§1.7) and internal reallocation (§2.4) left out); the
override and additional parts add up the categories of that one subtree, never units.
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
    ci95_low_t_co2e: float | None
    ci95_high_t_co2e: float | None
    internal_reallocation_t_co2e: float

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


def _optional(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def headline_for_year(
    footprint: pd.DataFrame, totals: pd.DataFrame, headcount: pd.DataFrame, reporting_year: int
) -> Headline:
    """One year's headline from the `footprint_by_year`, `subtree_totals_by_year` and `headcount_by_year` frames
    (all years); a year without a footprint has a total of 0 and no interval."""
    this_year = headline_rows(footprint[footprint["reporting_year"] == reporting_year])
    additional = footprint[footprint["is_additional_category"].astype(bool)]
    total = totals[totals["reporting_year"] == reporting_year]
    previous = totals.loc[totals["reporting_year"] == reporting_year - 1, "t_co2e"]
    fte = headcount.loc[headcount["reporting_year"] == reporting_year, "fte"]
    row = total.iloc[0] if len(total) else None
    return Headline(
        reporting_year=reporting_year,
        t_co2e=0.0 if row is None else float(row["t_co2e"]),
        fte=float(fte.iloc[0]) if len(fte) else None,
        previous_t_co2e=float(previous.iloc[0]) if len(previous) else None,
        override_t_co2e=float(this_year["override_t_co2e"].fillna(0).sum()),
        additional_t_co2e=float(
            additional.loc[additional["reporting_year"] == reporting_year, "t_co2e"].sum()
        ),
        sigma_t_co2e=None if row is None else _optional(row["sigma_t_co2e"]),
        ci95_low_t_co2e=None if row is None else _optional(row["ci95_low_t_co2e"]),
        ci95_high_t_co2e=None if row is None else _optional(row["ci95_high_t_co2e"]),
        internal_reallocation_t_co2e=0.0 if row is None else float(row["internal_reallocation_t_co2e"]),
    )


def intensity_by_year(totals: pd.DataFrame, headcount: pd.DataFrame) -> pd.DataFrame:
    """Headline t CO2e (`subtree_totals_by_year`), FTE and t per FTE per year: ratios of sums, never averages of
    unit ratios."""
    years = totals[["reporting_year", "t_co2e"]].merge(
        headcount[["reporting_year", "fte"]], on="reporting_year", how="left"
    )
    years["t_co2e_per_fte"] = [
        t_co2e_per_fte(t, fte) for t, fte in zip(years["t_co2e"], years["fte"], strict=True)
    ]
    return years.sort_values("reporting_year", ignore_index=True)


def format_t_co2e(t_co2e: float, language: str = DEFAULT_LANGUAGE) -> str:
    return Translator(language).number(t_co2e, 2)
