"""Units: drill down the hierarchy below the chosen unit and rank its labs per FTE."""

import streamlit as st

from dashboard.components.headline import PERSON_REFERENCE_NOTE
from dashboard.components.units import lab_ranking_per_fte, unit_hierarchy_sunburst, with_intensity
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
unit_totals = loaders.unit_totals(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, selection.reporting_year
)

st.title("Units")
st.caption(f"{selection.unit_label} · {selection.reporting_year}")

if unit_totals["t_co2e"].sum() == 0:
    st.info(f"No footprint for {selection.unit_label} in {selection.reporting_year}.")
    st.stop()

st.subheader("Hierarchy")
st.caption("School → institute → lab, sized by t CO2e. Click a ring to zoom in, the centre to zoom out.")
st.plotly_chart(unit_hierarchy_sunburst(unit_totals), key="units_hierarchy")

children = with_intensity(unit_totals[unit_totals["parent_unit_id"] == selection.unit_id])
if not children.empty:
    st.subheader("Units one level down")
    show_table(
        children[["unit_code", "unit_name", "t_co2e", "fte", "t_co2e_per_fte"]],
        key="units_children",
        file_name=f"co2calc_units_below_{selection.unit_id}_{selection.reporting_year}",
        column_config={
            "unit_code": "code",
            "unit_name": "unit",
            "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
            "fte": st.column_config.NumberColumn("FTE", format="%.1f"),
            "t_co2e_per_fte": st.column_config.NumberColumn("t CO2e per FTE", format="%.2f"),
        },
    )

st.subheader("Labs ranked per FTE")
top_n = st.slider("Labs shown", min_value=5, max_value=50, value=15, step=5, key="units_ranking_top_n")
st.plotly_chart(lab_ranking_per_fte(unit_totals, top_n), key="units_ranking")
st.caption(PERSON_REFERENCE_NOTE)
