"""Trajectory: the headline footprint against the institution's targets (METHODOLOGY.md §6), and a scenario
built from one annual reduction rate per category, optionally scaled by the institution's population
projection (config/institution.yaml), with its uncertainty band when sigma is known."""

import pandas as pd
import streamlit as st

from config.institution import get_institution_profile
from dashboard.charts import show_chart
from dashboard.components.footprint import with_category_labels
from dashboard.components.headline import combined_sigma_t_co2e, headline_rows
from dashboard.components.trajectory import (
    PRESET_LEVELS,
    SLIDER_RATES,
    TARGETS,
    constant_rate_path,
    in_target,
    population_ratio,
    rate_needed,
    remaining_rate,
    scenario_path,
    trajectory_figure,
)
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
footprint = headline_rows(
    loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
)

st.title(tr("trajectory.title"))
st.caption(selection.unit_label)

if footprint.empty:
    st.info(tr("trends.no_footprint", unit=selection.unit_label))
    st.stop()

target = st.selectbox(
    tr("trajectory.target"),
    TARGETS,
    format_func=lambda target: tr(f"target.{target.key}"),
    key="trajectory_target",
)
scoped = in_target(footprint, target)
actual = scoped.groupby("reporting_year")["t_co2e"].sum().sort_index()
if actual.empty:
    st.info(tr("trajectory.no_rows_in_target"))
    st.stop()
last_year = int(actual.index.max())
years_ahead = list(range(last_year, target.target_year + 1))
rate = rate_needed(target.reduction_share, target.baseline_year, target.target_year)

if target.baseline_year in actual.index:
    baseline_t_co2e = float(actual.loc[target.baseline_year])
    target_t_co2e = baseline_t_co2e * (1 - target.reduction_share)
    path_years = list(range(target.baseline_year, target.target_year + 1))
    target_path = pd.Series(
        constant_rate_path(baseline_t_co2e, rate, target.baseline_year, path_years), path_years
    )
    still_needed = remaining_rate(target_t_co2e, float(actual.loc[last_year]), last_year, target.target_year)
    gap = (
        float(actual.loc[last_year]) - float(target_path.loc[last_year]) if last_year in target_path else None
    )
else:
    # No footprint for the baseline year: the target cannot be placed; the scenario is still drawn.
    target_path = None
    still_needed = None
    gap = None
    st.warning(tr("trajectory.no_baseline", year=target.baseline_year, first=int(actual.index.min())))

rate_column, remaining_column, gap_column = st.columns(3)
rate_column.metric(tr("trajectory.rate_needed"), tr.percent(rate, 2))
remaining_column.metric(
    tr("trajectory.remaining_rate", year=last_year),
    "—" if still_needed is None else tr.percent(still_needed, 2),
)
gap_column.metric(
    tr("trajectory.gap", year=last_year),
    "—" if gap is None else f"{tr.number(gap)} t",
    help=tr("trajectory.gap_help"),
)

st.subheader(tr("trajectory.scenario"))
st.caption(tr("trajectory.scenario_help"))
preset = st.radio(
    tr("trajectory.preset"),
    list(PRESET_LEVELS),
    format_func=lambda preset: tr(f"trajectory.preset_{preset}"),
    horizontal=True,
    key="trajectory_preset",
)
last_year_rows = with_category_labels(scoped[scoped["reporting_year"] == last_year], tr)
by_category = last_year_rows.groupby("category")["t_co2e"].sum()
level_options = list(SLIDER_RATES)
rates = {}
slider_columns = st.columns(min(3, max(1, len(by_category))))
for position, category in enumerate(by_category.index):
    level = slider_columns[position % len(slider_columns)].select_slider(
        category,
        options=level_options,
        value=PRESET_LEVELS[preset],
        format_func=lambda level: tr(
            "trajectory.level", level=level, rate=tr.percent(SLIDER_RATES[level], 0)
        ),
        key=f"trajectory_level_{preset}_{category}",
    )
    rates[category] = SLIDER_RATES[level]
population = get_institution_profile().population_projection
scale_by_population = st.toggle(
    tr("trajectory.population", growth=tr.percent(population.growth_pct_per_yr / 100, 1)),
    key="trajectory_population",
    help=tr("trajectory.population_help", source=population.source),
)
growth_pct_per_yr = population.growth_pct_per_yr if scale_by_population else 0.0
scenario = pd.Series(
    scenario_path(by_category, rates, last_year, years_ahead, growth_pct_per_yr), years_ahead
)
if scale_by_population:
    st.caption(
        tr(
            "trajectory.population_note",
            ratio=tr.number(population_ratio(growth_pct_per_yr, last_year, target.target_year), 3),
            target_year=target.target_year,
            year=last_year,
        )
    )

last_year_footprint = scoped[scoped["reporting_year"] == last_year]
sigma = combined_sigma_t_co2e(last_year_footprint)
last_total = float(actual.loc[last_year])
relative_sigma = None if sigma is None or not last_total else sigma / last_total
show_chart(
    trajectory_figure(actual, target_path, scenario, relative_sigma, tr),
    key="trajectory_chart",
    summary=tr(
        "summary.trajectory",
        target_year=target.target_year,
        scenario=tr.number(float(scenario.iloc[-1])),
        target="—" if target_path is None else tr.number(float(target_path.iloc[-1])),
    ),
    tr=tr,
)
if relative_sigma is None:
    st.caption(tr("trajectory.no_band"))
else:
    st.caption(tr("trajectory.band", share=tr.percent(relative_sigma), year=last_year))

path_table = pd.DataFrame({"reporting_year": years_ahead, "scenario_t_co2e": scenario.values})
if target_path is not None:
    path_table = path_table.merge(
        target_path.rename("target_path_t_co2e").rename_axis("reporting_year").reset_index(),
        on="reporting_year",
        how="left",
    )
show_table(
    path_table,
    key="trajectory_table",
    file_name=f"co2calc_trajectory_{target.key}_{selection.unit_id}",
    column_config={
        "reporting_year": st.column_config.NumberColumn(tr("chart.reporting_year"), format="%d"),
        "scenario_t_co2e": st.column_config.NumberColumn(tr("chart.scenario"), format="%.2f"),
        "target_path_t_co2e": st.column_config.NumberColumn(tr("chart.target_path"), format="%.2f"),
    },
    tr=tr,
)

st.subheader(tr("trajectory.targets"))
st.markdown(tr("trajectory.targets_text"))
st.caption(tr("trajectory.additional_excluded"))
