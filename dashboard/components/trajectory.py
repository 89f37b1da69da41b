"""Targets, paths and scenarios of METHODOLOGY.md §6, as pure functions of the headline totals per year.

These are projections of totals the warehouse computed, not emissions: no factor is applied here.
"""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.headline import INTERVAL_Z
from dashboard.i18n import Translator
from dashboard.palette import BAND_FILL, HIGHLIGHT_COLOUR, REFERENCE_COLOUR, series_colour

# Scenario slider levels 1..5 of the reference calculator's unit view: annual reduction rates (§6).
SLIDER_RATES = {1: 0.0, 2: 0.02, 3: 0.04, 4: 0.06, 5: 0.08}
# Presets: business as usual, middle, ambitious (every category at the same level).
PRESET_LEVELS = {"bau": 1, "middle": 3, "ambitious": 5}


@dataclass(frozen=True)
class Target:
    """A reduction `reduction_share` by `target_year` against the institution's base year (config/institution.yaml
    `base_year`, METHODOLOGY.md §6: 2019), over some module codes."""

    key: str
    reduction_share: float
    target_year: int
    # None: every headline category; else the rows whose (module, submodule) is listed.
    categories: tuple[tuple[str, str], ...] | None


# §6: −40 % total by 2030 vs the base year; −30 % air travel by 2030; the Labos 1point5 −55 % comparison.
# The −50 % energy target's baseline (2006) predates any warehouse year, and net zero is a linear path to a
# residual the institution has not set: neither can be drawn from the data and both are listed as text.
TARGETS = (
    Target("total_40", 0.40, 2030, None),
    Target("air_30", 0.30, 2030, (("travel", "plane"),)),
    Target("labos_55", 0.55, 2030, None),
)


def rate_needed(reduction_share: float, baseline_year: int, target_year: int) -> float:
    """Constant annual rate reaching the target: r = 1 − (1 − f)^(1 / (T − t0))."""
    return 1 - (1 - reduction_share) ** (1 / (target_year - baseline_year))


def constant_rate_path(start_t_co2e: float, rate: float, start_year: int, years: list[int]) -> list[float]:
    """E(t) = E(t0) × (1 − r)^(t − t0)."""
    return [start_t_co2e * (1 - rate) ** (year - start_year) for year in years]


def remaining_rate(
    target_t_co2e: float, last_t_co2e: float, last_year: int, target_year: int
) -> float | None:
    """Rate still needed from the last actual year: r' = 1 − (E_T / E(t_last))^(1 / (T − t_last))."""
    if last_t_co2e <= 0 or target_year <= last_year:
        return None
    return 1 - (target_t_co2e / last_t_co2e) ** (1 / (target_year - last_year))


def population_ratio(growth_pct_per_yr: float, last_year: int, year: int) -> float:
    """P(t) / P(t_last) of a population growing by a constant `growth_pct_per_yr`: (1 + g)^(t − t_last)."""
    return (1 + growth_pct_per_yr / 100) ** (year - last_year)


def scenario_path(
    last_year_by_category: pd.Series,
    rates: dict[str, float],
    last_year: int,
    years: list[int],
    population_growth_pct_per_yr: float = 0.0,
) -> list[float]:
    """Σ_c E_c(t_last) × (1 − r_c)^(t − t_last) × P(t) / P(t_last), one rate per category (§6, unit scenario).

    A growth of 0 leaves the population out (P(t) / P(t_last) = 1): the rates then apply to today's headcount.
    """
    return [
        population_ratio(population_growth_pct_per_yr, last_year, year)
        * sum(
            t_co2e * (1 - rates.get(category, 0.0)) ** (year - last_year)
            for category, t_co2e in last_year_by_category.items()
        )
        for year in years
    ]


def in_target(footprint: pd.DataFrame, target: Target) -> pd.DataFrame:
    if target.categories is None:
        return footprint
    pairs = set(target.categories)
    keep = [
        (module, submodule) in pairs
        for module, submodule in zip(footprint["module_code"], footprint["submodule_code"], strict=True)
    ]
    return footprint[keep]


def trajectory_figure(
    actual: pd.Series,
    target_path: pd.Series | None,
    scenario: pd.Series,
    relative_sigma: float | None,
    tr: Translator,
) -> go.Figure:
    """Actual totals, the target's constant-rate path, the scenario and, when known, its 95 % band."""
    figure = go.Figure()
    if relative_sigma is not None:
        half_width = scenario * INTERVAL_Z * relative_sigma
        years = [str(year) for year in scenario.index]
        figure.add_trace(
            go.Scatter(
                x=years + years[::-1],
                y=list(scenario + half_width) + list((scenario - half_width).clip(lower=0))[::-1],
                fill="toself",
                fillcolor=BAND_FILL,
                line={"width": 0},
                name=tr("chart.uncertainty_band"),
                hoverinfo="skip",
            )
        )
    figure.add_trace(
        go.Bar(
            name=tr("chart.actual"),
            x=actual.index.astype(str),
            y=actual.values,
            marker_color=series_colour(0),
            hovertemplate="%{x}: %{y:,.2f} t CO2e<extra></extra>",
        )
    )
    if target_path is not None:
        figure.add_trace(
            go.Scatter(
                name=tr("chart.target_path"),
                x=target_path.index.astype(str),
                y=target_path.values,
                mode="lines",
                line={"dash": "dash", "color": REFERENCE_COLOUR},
                hovertemplate="%{x}: %{y:,.2f} t CO2e<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            name=tr("chart.scenario"),
            x=scenario.index.astype(str),
            y=scenario.values,
            mode="lines+markers",
            line={"color": HIGHLIGHT_COLOUR},
            hovertemplate="%{x}: %{y:,.2f} t CO2e<extra></extra>",
        )
    )
    figure.update_layout(
        # Years as text sort in time order; without it the band's (future) years would come first.
        xaxis={
            "title": tr("chart.reporting_year"),
            "type": "category",
            "categoryorder": "category ascending",
        },
        yaxis_title="t CO2e",
    )
    return figure
