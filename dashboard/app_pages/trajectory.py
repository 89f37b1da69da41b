"""Trajectory: the headline footprint against the institution's targets (METHODOLOGY.md §6), measured from the base
year as published (its latest published inventory, restated or not) and, when the live numbers moved that year
beyond the significance threshold, the warning and who may restate it (config/institution.yaml `base_year`,
pipelines/restatement.py); and a scenario built from one annual reduction rate per category, optionally scaled by
the institution's population projection, with its uncertainty band when sigma is known."""

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
from dashboard.components.whatif import module_label
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
warehouse, allowed = selection.warehouse, selection.allowed_unit_ids
base_year = get_institution_profile().base_year
footprint = headline_rows(
    loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
)

st.title(tr("trajectory.title"))
st.caption(selection.unit_label)

if footprint.empty:
    st.info(tr("trends.no_footprint", unit=selection.unit_label))
    st.stop()

# The base year as published: its latest headline inventory (a restatement publishes a newer one).
reference = next(
    (
        inventory
        for inventory in loaders.published_inventories(warehouse)
        if inventory.reporting_year == base_year.year and not inventory.is_whatif
    ),
    None,
)
reference_footprint = pd.DataFrame()
if reference is not None:
    archived = loaders.inventory_footprint(warehouse, allowed, reference.inventory_id, selection.unit_id)
    reference_footprint = headline_rows(archived[archived["reporting_year"] == base_year.year])
st.subheader(tr("trajectory.base_year_title", year=base_year.year))
if reference is None:
    st.info(tr("trajectory.base_year_unpublished", year=base_year.year))
else:
    restatement = next(
        (
            logged
            for logged in loaders.base_year_restatements(warehouse)
            if logged.restated_inventory_id == reference.inventory_id
        ),
        None,
    )
    if restatement is None:
        st.caption(
            tr(
                "trajectory.base_year_published",
                year=base_year.year,
                inventory_id=reference.inventory_id,
                date=reference.published_at.strftime("%Y-%m-%d"),
            )
        )
    else:
        st.info(
            tr(
                "trajectory.base_year_restated",
                year=base_year.year,
                date=restatement.restated_at.strftime("%Y-%m-%d"),
                restated_by=restatement.restated_by,
                reason=restatement.reason,
                inventory_id=restatement.restated_inventory_id,
                previous_id=restatement.previous_inventory_id,
            ),
            icon=":material/history:",
        )
        at_restatement = loaders.inventory_change(
            warehouse,
            allowed,
            restatement.previous_inventory_id,
            restatement.restated_inventory_id,
            selection.unit_id,
        )
        total = at_restatement[at_restatement["module_code"] == "all"]
        if len(total):
            st.caption(
                tr(
                    "trajectory.restatement_effects",
                    unit=selection.unit_label,
                    difference=tr.number(float(total["difference_t_co2e"].iloc[0])),
                    activity=tr.number(float(total["activity_effect_t_co2e"].iloc[0])),
                    factor=tr.number(float(total["factor_effect_t_co2e"].iloc[0])),
                    coverage=tr.number(float(total["coverage_effect_t_co2e"].iloc[0])),
                )
            )
    comparison = loaders.inventory_live_comparison(
        warehouse, allowed, reference.inventory_id, selection.unit_id, base_year.year
    )
    overall = comparison[comparison["module_code"] == "all"]
    published_t_co2e = float(overall["published_t_co2e"].iloc[0]) if len(overall) else 0.0
    live_t_co2e = float(overall["live_t_co2e"].iloc[0]) if len(overall) else 0.0
    change_t_co2e = live_t_co2e - published_t_co2e
    if base_year.is_significant(change_t_co2e, published_t_co2e):
        st.warning(
            tr(
                "trajectory.restatement_due",
                year=base_year.year,
                unit=selection.unit_label,
                live=tr.number(live_t_co2e),
                published=tr.number(published_t_co2e),
                change=f"{'+' if change_t_co2e > 0 else ''}{tr.number(change_t_co2e)}",
                share=tr.percent(change_t_co2e / published_t_co2e, 1) if published_t_co2e else "—",
                threshold=tr.percent(base_year.restatement_threshold_pct / 100, 1),
            ),
            icon=":material/warning:",
        )
        moved = comparison[(comparison["module_code"] != "all") & (comparison["difference_t_co2e"] != 0)]
        show_table(
            moved.assign(module=[module_label(code, tr) for code in moved["module_code"]])[
                ["module", "published_t_co2e", "live_t_co2e", "difference_t_co2e"]
            ],
            key="trajectory_base_year_modules",
            file_name=f"co2calc_base_year_{base_year.year}_change_{selection.unit_id}",
            column_config={
                "module": tr("column.module"),
                "published_t_co2e": st.column_config.NumberColumn(
                    tr("column.published_t_co2e"), format="%.3f"
                ),
                "live_t_co2e": st.column_config.NumberColumn(tr("column.live_t_co2e"), format="%.3f"),
                "difference_t_co2e": st.column_config.NumberColumn(
                    tr("column.difference_t_co2e"), format="%+.3f"
                ),
            },
            tr=tr,
        )
        # Restating publishes an inventory with the warehouse owner's rights (the CLI), which the dashboard's role
        # has not: the back office (stewards and admins, who run the pipeline) is told how; other roles who may.
        if selection.viewer.reads_ops:
            st.markdown(
                tr(
                    "trajectory.restate_how",
                    check="co2calc restate-base-year --check",
                    command='co2calc restate-base-year --note "…"',
                )
            )
        else:
            st.caption(tr("trajectory.restate_who"))
    elif change_t_co2e:
        st.caption(
            tr(
                "trajectory.base_year_within",
                year=base_year.year,
                change=f"{'+' if change_t_co2e > 0 else ''}{tr.number(change_t_co2e)}",
                threshold=tr.percent(base_year.restatement_threshold_pct / 100, 1),
            )
        )

target = st.selectbox(
    tr("trajectory.target"),
    TARGETS,
    format_func=lambda target: tr(f"target.{target.key}", base_year=base_year.year),
    key="trajectory_target",
)
scoped = in_target(footprint, target)
actual = scoped.groupby("reporting_year")["t_co2e"].sum().sort_index()
if actual.empty:
    st.info(tr("trajectory.no_rows_in_target"))
    st.stop()
last_year = int(actual.index.max())
years_ahead = list(range(last_year, target.target_year + 1))
rate = rate_needed(target.reduction_share, base_year.year, target.target_year)
# The base year's total in the target's categories: as published when it was (GHG Protocol: it moves only by a
# restatement), else the live one.
reference_scoped = in_target(reference_footprint, target) if len(reference_footprint) else reference_footprint
baseline_t_co2e = (
    float(reference_scoped["t_co2e"].sum())
    if len(reference_scoped)
    else float(actual.loc[base_year.year])
    if base_year.year in actual.index
    else None
)

if baseline_t_co2e is not None:
    target_t_co2e = baseline_t_co2e * (1 - target.reduction_share)
    path_years = list(range(base_year.year, target.target_year + 1))
    target_path = pd.Series(constant_rate_path(baseline_t_co2e, rate, base_year.year, path_years), path_years)
    still_needed = remaining_rate(target_t_co2e, float(actual.loc[last_year]), last_year, target.target_year)
    gap = (
        float(actual.loc[last_year]) - float(target_path.loc[last_year]) if last_year in target_path else None
    )
else:
    # No footprint for the baseline year: the target cannot be placed; the scenario is still drawn.
    target_path = None
    still_needed = None
    gap = None
    st.warning(tr("trajectory.no_baseline", year=base_year.year, first=int(actual.index.min())))

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
