"""Units: drill down the hierarchy below the chosen unit, rank its labs per FTE, compare units side by side
and place the chosen unit against its school's median."""

import streamlit as st

from config.institution import get_institution_profile
from dashboard.charts import show_chart
from dashboard.components.footprint import per_person_note
from dashboard.components.headline import t_co2e_per_fte
from dashboard.components.units import (
    lab_ranking_per_fte,
    ranking_summary,
    unit_comparison,
    unit_hierarchy_sunburst,
    with_intensity,
)
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
year = selection.reporting_year
# Rankings count labs above one line: the profile's ranking reference (config/institution.yaml).
reference = get_institution_profile().ranking_reference
unit_totals = with_intensity(
    loaders.unit_totals(selection.warehouse, selection.allowed_unit_ids, selection.unit_id, year)
)

st.title(tr("units.title"))
st.caption(f"{selection.unit_label} · {year}")

if unit_totals["t_co2e"].sum() == 0:
    st.info(tr("page.no_footprint", unit=selection.unit_label, year=year))
    st.stop()

intensity_columns = {
    "unit_code": tr("column.unit_code"),
    "unit_name": tr("column.unit_name"),
    "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
    "fte": st.column_config.NumberColumn("FTE", format="%.1f"),
    "t_co2e_per_fte": st.column_config.NumberColumn(tr("chart.t_co2e_per_fte"), format="%.2f"),
}

chosen = unit_totals.set_index("unit_id").loc[selection.unit_id]
st.subheader(tr("units.school_position"))
benchmark = (
    loaders.school_benchmark(selection.warehouse, selection.school_unit_id, year)
    if selection.school_unit_id
    else None
)
school_median = (
    None
    if benchmark is None or benchmark.empty or benchmark["median_t_co2e_per_fte"].isna().all()
    else float(benchmark["median_t_co2e_per_fte"].iloc[0])
)
chosen_per_fte = t_co2e_per_fte(float(chosen["t_co2e"]), float(chosen["fte"]))
position_per_fte, position_median = st.columns(2)
position_per_fte.metric(
    tr("units.chosen_per_fte"), "—" if chosen_per_fte is None else tr.number(chosen_per_fte)
)
position_median.metric(
    tr("units.school_median"),
    "—" if school_median is None else tr.number(school_median),
    delta=None
    if school_median is None or chosen_per_fte is None
    else f"{tr.number(chosen_per_fte - school_median)} t / FTE",
    delta_color="inverse",
    help=tr("units.school_median_help"),
)
if school_median is None:
    st.caption(tr("units.no_school_median"))

st.subheader(tr("units.hierarchy"))
st.caption(tr("units.hierarchy_hint"))
show_chart(
    unit_hierarchy_sunburst(unit_totals),
    key="units_hierarchy",
    summary=tr(
        "summary.hierarchy",
        count=int((unit_totals["unit_level"] == 4).sum()),
        total=tr.number(float(chosen["t_co2e"])),
    ),
    tr=tr,
)

children = unit_totals[unit_totals["parent_unit_id"] == selection.unit_id]
if not children.empty:
    st.subheader(tr("units.one_level_down"))
    show_table(
        children[["unit_code", "unit_name", "t_co2e", "fte", "t_co2e_per_fte"]],
        key="units_children",
        file_name=f"co2calc_units_below_{selection.unit_id}_{year}",
        column_config=intensity_columns,
        tr=tr,
    )

st.subheader(tr("units.ranking"))
top_n = st.slider(
    tr("units.labs_shown"), min_value=5, max_value=50, value=15, step=5, key="units_ranking_top_n"
)
show_chart(
    lab_ranking_per_fte(unit_totals, top_n, reference.t_co2e_per_person_yr, tr),
    key="units_ranking",
    summary=ranking_summary(unit_totals, top_n, reference.t_co2e_per_person_yr, tr),
    tr=tr,
)
st.caption(per_person_note([reference], tr))

st.subheader(tr("units.comparison"))
labels = {row.unit_id: f"{row.unit_code} · {row.unit_name}" for row in unit_totals.itertuples(index=False)}
default_compared = list(children["unit_id"].head(4)) or [selection.unit_id]
compared_ids = st.multiselect(
    tr("units.compare_units"),
    list(labels),
    default=default_compared,
    format_func=labels.__getitem__,
    key="units_compared",
    max_selections=8,
)
compared = unit_totals[unit_totals["unit_id"].isin(compared_ids)]
if compared.empty:
    st.info(tr("units.pick_units"))
else:
    show_chart(
        unit_comparison(compared, school_median, reference.t_co2e_per_person_yr, tr),
        key="units_comparison",
        summary=tr("summary.comparison", count=len(compared)),
        tr=tr,
    )
    show_table(
        compared[["unit_code", "unit_name", "t_co2e", "fte", "t_co2e_per_fte"]],
        key="units_comparison_table",
        file_name=f"co2calc_units_compared_{year}",
        column_config=intensity_columns,
        tr=tr,
    )
