"""Data quality, for data stewards: per-module completeness, which labs delivered each module each year, the
sources overdue per their cadence, and the rows that produced no emission."""

from datetime import UTC, datetime

import streamlit as st

from config.cadences import load_cadences
from config.settings import get_settings
from dashboard.charts import show_chart
from dashboard.components.quality import (
    completeness_by_module_year,
    completeness_by_unit_year,
    completeness_figure,
    completeness_grid_figure,
    completeness_grid_summary,
    completeness_summary,
    module_completeness,
    source_freshness,
)
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

UNRESOLVED_ROW_LIMIT = 2000

selection = current_selection()
tr = selection.tr
year = selection.reporting_year
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
unresolved = loaders.unresolved_by_status(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)

st.title(tr("data_quality.title"))
st.caption(f"{selection.unit_label} · {year}")

completeness = module_completeness(footprint, unresolved, year)
unresolved_this_year = unresolved[unresolved["reporting_year"] == year]
st.metric(tr("overview.unresolved"), tr.number(int(unresolved_this_year["row_count"].sum()), 0))

st.subheader(tr("data_quality.completeness"))
st.caption(tr("data_quality.completeness_help"))
show_chart(
    completeness_figure(completeness, tr),
    key="data_quality_completeness",
    summary=completeness_summary(completeness, tr),
    tr=tr,
)
show_table(
    completeness,
    key="data_quality_completeness_table",
    file_name=f"co2calc_completeness_{selection.unit_id}_{year}",
    column_config={
        "module_code": tr("column.module_code"),
        "rows_with_emission": tr("quality.rows_with_emission"),
        "rows_without_emission": tr("quality.rows_without_emission"),
        "completeness_share": st.column_config.NumberColumn(tr("quality.completeness"), format="percent"),
    },
    tr=tr,
)

st.subheader(tr("data_quality.grid"))
st.caption(tr("data_quality.grid_help"))
cells = loaders.completeness_grid(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
grid = completeness_by_module_year(cells)
show_chart(
    completeness_grid_figure(grid, tr),
    key="data_quality_grid",
    summary=completeness_grid_summary(grid, tr),
    tr=tr,
)
by_unit_year = completeness_by_unit_year(cells)
show_table(
    by_unit_year,
    key="data_quality_grid_table",
    file_name=f"co2calc_completeness_grid_{selection.unit_id}",
    column_config={
        "unit_code": tr("column.unit_code"),
        "unit_name": tr("column.unit_name"),
        "reporting_year": st.column_config.NumberColumn(tr("column.reporting_year"), format="%d"),
        **{
            code: st.column_config.CheckboxColumn(tr.module(code))
            for code in by_unit_year.columns.difference(["unit_code", "unit_name", "reporting_year"])
        },
    },
    tr=tr,
)

if selection.viewer.reads_ops:
    st.subheader(tr("data_quality.sources"))
    st.caption(tr("data_quality.sources_help"))
    try:
        ledger = loaders.connect_load_ledger(selection.warehouse, selection.viewer)
    except loaders.WarehouseUnavailable as problem:
        st.warning(str(problem))
    else:
        freshness = source_freshness(
            loaders.latest_successful_loads(ledger),
            load_cadences(get_settings().cadences_file),
            datetime.now(UTC),
            tr,
        )
        show_table(
            freshness,
            key="data_quality_sources",
            file_name="co2calc_source_freshness",
            column_config={
                "source_name": tr("freshness.source"),
                "source_kind": tr("freshness.kind"),
                "cadence": tr("freshness.cadence"),
                "last_loaded_at": st.column_config.DatetimeColumn(
                    tr("freshness.last_loaded_at"), format="YYYY-MM-DD HH:mm"
                ),
                "latest_reporting_year": st.column_config.NumberColumn(
                    tr("freshness.latest_reporting_year"), format="%d"
                ),
                "status": tr("freshness.status"),
                "due_at": st.column_config.DatetimeColumn(tr("freshness.due_at"), format="YYYY-MM-DD HH:mm"),
            },
            tr=tr,
        )

st.subheader(tr("data_quality.by_status"))
show_table(
    unresolved_this_year[["module_code", "status_code", "row_count"]],
    key="data_quality_by_status",
    file_name=f"co2calc_unresolved_by_status_{selection.unit_id}_{year}",
    column_config={
        "module_code": tr("column.module_code"),
        "status_code": tr("column.status_code"),
        "row_count": tr("quality.rows"),
    },
    tr=tr,
)

st.subheader(tr("data_quality.rows"))
rows = loaders.unresolved_rows(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, year, UNRESOLVED_ROW_LIMIT
)
st.caption(tr("data_quality.rows_help", limit=tr.number(UNRESOLVED_ROW_LIMIT, 0)))
show_table(
    rows,
    key="data_quality_rows",
    file_name=f"co2calc_unresolved_rows_{selection.unit_id}_{year}",
    column_config={
        "unit_code": tr("column.unit_code"),
        "module_code": tr("column.module_code"),
        "status_code": tr("column.status_code"),
        "activity_row_id": tr("column.activity_row_id"),
    },
    tr=tr,
)
