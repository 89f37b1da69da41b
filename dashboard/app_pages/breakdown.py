"""Breakdown: the year's headline footprint by GHG scope, module and submodule; additional categories apart."""

import streamlit as st

from dashboard.charts import show_chart
from dashboard.components.footprint import (
    breakdown_sunburst,
    category_bars,
    largest_category_summary,
    scope_summary,
    totals_by_category,
)
from dashboard.components.headline import headline_rows
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
year = selection.reporting_year
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
this_year = footprint[footprint["reporting_year"] == year]
headline = headline_rows(this_year)

st.title(tr("breakdown.title"))
st.caption(f"{selection.unit_label} · {year}")

if headline.empty:
    st.info(tr("page.no_footprint", unit=selection.unit_label, year=year))
    st.stop()

st.subheader(tr("breakdown.scope_module_submodule"))
st.caption(tr("breakdown.sunburst_hint"))
show_chart(
    breakdown_sunburst(headline, tr), key="breakdown_sunburst", summary=scope_summary(headline, tr), tr=tr
)
totals = totals_by_category(headline, tr)
show_table(
    totals[["module_code", "submodule_code", "category", "t_co2e", "share"]],
    key="breakdown_table",
    file_name=f"co2calc_breakdown_{selection.unit_id}_{year}",
    column_config={
        "module_code": tr("column.module_code"),
        "submodule_code": tr("column.submodule_code"),
        "category": tr("column.category"),
        "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
        "share": st.column_config.NumberColumn(tr("column.share"), format="percent"),
    },
    tr=tr,
)

if selection.show_additional_categories:
    st.subheader(tr("breakdown.additional"))
    st.caption(tr("breakdown.additional_note"))
    additional = this_year[this_year["is_additional_category"].astype(bool)]
    if additional.empty:
        st.info(tr("breakdown.no_additional", year=year))
    else:
        additional_totals = totals_by_category(additional, tr)
        show_chart(
            category_bars(additional_totals, tr),
            key="breakdown_additional",
            summary=largest_category_summary(additional, tr),
            tr=tr,
        )
