"""IT: the footprint of information technology across modules (equipment electricity, purchases, cloud and
AI, IT facilities), from the one list of IT categories in `dashboard/categories.py`."""

import streamlit as st

from dashboard.categories import IT_CATEGORIES, in_categories
from dashboard.charts import show_chart
from dashboard.components.footprint import (
    category_bars,
    largest_category_summary,
    totals_by_category,
    trends_by_module,
    trends_summary,
)
from dashboard.components.headline import headline_rows
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
year = selection.reporting_year
footprint = headline_rows(
    loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
)
it_rows = footprint[in_categories(footprint, IT_CATEGORIES)]
this_year = it_rows[it_rows["reporting_year"] == year]

st.title(tr("it.title"))
st.caption(f"{selection.unit_label} · {year}")
st.caption(
    tr(
        "it.categories",
        categories=", ".join(
            tr.module(module) if submodule is None else tr.category(module, submodule)
            for module, submodule in IT_CATEGORIES
        ),
    )
)

if this_year.empty:
    st.info(tr("it.no_footprint", unit=selection.unit_label, year=year))
    st.stop()

headline_total = float(footprint.loc[footprint["reporting_year"] == year, "t_co2e"].sum())
it_total = float(this_year["t_co2e"].sum())
total_column, share_column = st.columns(2)
total_column.metric(tr("it.total"), tr.number(it_total))
share_column.metric(tr("it.share"), tr.percent(it_total / headline_total) if headline_total else "—")

st.subheader(tr("it.by_category"))
totals = totals_by_category(this_year, tr)
show_chart(
    category_bars(totals, tr), key="it_by_category", summary=largest_category_summary(this_year, tr), tr=tr
)
show_table(
    totals[["module_code", "submodule_code", "category", "t_co2e", "share"]],
    key="it_table",
    file_name=f"co2calc_it_{selection.unit_id}_{year}",
    column_config={
        "module_code": tr("column.module_code"),
        "submodule_code": tr("column.submodule_code"),
        "category": tr("column.category"),
        "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
        "share": st.column_config.NumberColumn(tr("column.share"), format="percent"),
    },
    tr=tr,
)

st.subheader(tr("it.over_years"))
show_chart(trends_by_module(it_rows, tr), key="it_over_years", summary=trends_summary(it_rows, tr), tr=tr)
