"""Trends: the headline footprint of every year by module, and its intensity per FTE."""

import streamlit as st

from config.institution import get_institution_profile
from dashboard.charts import show_chart
from dashboard.components.footprint import (
    intensity_against_per_person_lines,
    intensity_summary,
    per_person_note,
    totals_by_module_and_year,
    trends_by_module,
    trends_summary,
)
from dashboard.components.headline import headline_rows, intensity_by_year
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
totals = loaders.subtree_totals_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
headcount = loaders.headcount_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
headline = headline_rows(footprint)

st.title(tr("trends.title"))
st.caption(selection.unit_label)

if headline.empty:
    st.info(tr("trends.no_footprint", unit=selection.unit_label))
    st.stop()

st.subheader(tr("trends.by_module"))
show_chart(
    trends_by_module(headline, tr), key="trends_by_module", summary=trends_summary(headline, tr), tr=tr
)
by_year = (
    totals_by_module_and_year(headline, tr)
    .pivot_table(
        index="reporting_year", columns="module_code", values="t_co2e", aggfunc="sum", fill_value=0.0
    )
    .rename_axis(columns=None)
)
intensity = intensity_by_year(totals, headcount)
table = intensity.set_index("reporting_year").join(by_year).reset_index()
show_table(
    table,
    key="trends_table",
    file_name=f"co2calc_trends_{selection.unit_id}",
    column_config={
        "reporting_year": st.column_config.NumberColumn(tr("chart.reporting_year"), format="%d"),
        "t_co2e": st.column_config.NumberColumn(tr("column.headline_t_co2e"), format="%.2f"),
        "fte": st.column_config.NumberColumn("FTE", format="%.1f"),
        "t_co2e_per_fte": st.column_config.NumberColumn(tr("chart.t_co2e_per_fte"), format="%.2f"),
        **{
            module_code: st.column_config.NumberColumn(tr.module(module_code), format="%.2f")
            for module_code in by_year.columns
        },
    },
    tr=tr,
)

st.subheader(tr("trends.per_fte"))
per_person_lines = get_institution_profile().per_person_lines
show_chart(
    intensity_against_per_person_lines(intensity, per_person_lines, tr),
    key="trends_intensity",
    summary=intensity_summary(intensity, per_person_lines, tr),
    tr=tr,
)
st.caption(per_person_note(per_person_lines, tr))

if selection.show_additional_categories:
    additional = footprint[footprint["is_additional_category"].astype(bool)]
    st.subheader(tr("trends.additional"))
    st.caption(tr("breakdown.additional_note"))
    if additional.empty:
        st.info(tr("trends.no_additional"))
    else:
        show_chart(
            trends_by_module(additional, tr),
            key="trends_additional",
            summary=trends_summary(additional, tr),
            tr=tr,
        )
