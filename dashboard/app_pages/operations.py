"""Operations, for data stewards and admins: the build the numbers come from and what each year holds."""

import streamlit as st

from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
unresolved = loaders.unresolved_by_status(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
units = loaders.units_in_scope(selection.warehouse, selection.allowed_unit_ids)

st.title(tr("operations.title"))
st.caption(selection.unit_label)

build_column, units_column, years_column = st.columns(3)
build_column.metric(
    tr("operations.build"), selection.warehouse.build_id[:8], help=selection.warehouse.build_id
)
units_column.metric(tr("operations.units"), tr.number(len(units), 0))
years_column.metric(tr("operations.years"), tr.number(footprint["reporting_year"].nunique(), 0))
st.caption(tr("operations.build_help"))

st.subheader(tr("operations.rows_by_year"))
with_emission = footprint.groupby(["reporting_year", "module_code"], as_index=False)[
    "activity_row_count"
].sum()
without_emission = unresolved.groupby(["reporting_year", "module_code"], as_index=False)["row_count"].sum()
rows_by_year = (
    with_emission.merge(without_emission, on=["reporting_year", "module_code"], how="outer")
    .fillna(0)
    .astype({"activity_row_count": "int64", "row_count": "int64"})
    .rename(columns={"activity_row_count": "rows_with_emission", "row_count": "rows_without_emission"})
    .sort_values(["reporting_year", "module_code"], ascending=[False, True], ignore_index=True)
)
show_table(
    rows_by_year,
    key="operations_rows_by_year",
    file_name=f"co2calc_rows_by_year_{selection.unit_id}",
    column_config={
        "reporting_year": st.column_config.NumberColumn(tr("chart.reporting_year"), format="%d"),
        "module_code": tr("column.module_code"),
        "rows_with_emission": tr("quality.rows_with_emission"),
        "rows_without_emission": tr("quality.rows_without_emission"),
    },
    tr=tr,
)
