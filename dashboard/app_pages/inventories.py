"""Published inventories of the chosen year (`co2calc publish`): the chosen one with its badge, its report (PDF and
XLSX, printed again byte for byte from the archive), the live numbers beside it per module, and why its total
differs from another published inventory of the year (activity, factor and coverage effects)."""

from functools import partial

import streamlit as st

from dashboard.charts import show_chart
from dashboard.components.inventory import (
    change_for_display,
    change_summary,
    change_waterfall,
    inventory_label,
    inventory_report,
    inventory_unit_label,
)
from dashboard.components.whatif import module_label
from dashboard.data import loaders
from dashboard.report_pdf import report_labels, unit_report_pdf
from dashboard.report_xlsx import unit_report_xlsx
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
year = selection.reporting_year
warehouse, allowed = selection.warehouse, selection.allowed_unit_ids

st.title(tr("inventories.title"))
inventories = [
    inventory for inventory in loaders.published_inventories(warehouse) if inventory.reporting_year == year
]
if not inventories:
    st.info(tr("inventories.none", year=year, command=f'co2calc publish --year {year} --note "…"'))
    st.stop()

inventory = st.selectbox(
    tr("inventories.choose"),
    inventories,
    format_func=lambda choice: inventory_label(choice, tr),
    key="inventories_inventory",
)
st.badge(
    tr("inventories.badge", date=inventory.published_at.strftime("%Y-%m-%d")),
    icon=":material/verified:",
    color="green",
)
st.caption(
    tr(
        "inventories.published",
        published_at=inventory.published_at.strftime("%Y-%m-%d %H:%M UTC"),
        published_by=inventory.published_by,
        profile=tr(f"profile.{inventory.calc_profile}"),
        note=inventory.note,
    )
)

unit = loaders.inventory_unit(warehouse, allowed, inventory.inventory_id, selection.unit_id)
if unit.empty:
    st.info(tr("inventories.unit_absent", unit=selection.unit_label))
    st.stop()

footprint = loaders.inventory_footprint(warehouse, allowed, inventory.inventory_id, selection.unit_id)
report = inventory_report(
    inventory,
    inventory_unit_label(unit),
    footprint,
    loaders.inventory_subtree_totals(warehouse, allowed, inventory.inventory_id, selection.unit_id),
    loaders.inventory_headcount(warehouse, allowed, inventory.inventory_id, selection.unit_id),
    loaders.inventory_factor_sets(warehouse, inventory.inventory_id),
    tr,
)
labels = report_labels(tr, report.breakdown)
file_name = f"co2calc_inventory_{inventory.inventory_id}_{selection.unit_id}_{year}"
pdf_column, xlsx_column = st.columns(2)
pdf_column.download_button(
    tr("inventories.download_pdf"),
    data=partial(unit_report_pdf, report, labels),
    file_name=f"{file_name}.pdf",
    mime="application/pdf",
    key="inventories_pdf",
    on_click="ignore",
)
xlsx_column.download_button(
    tr("inventories.download_xlsx"),
    data=partial(unit_report_xlsx, report, labels),
    file_name=f"{file_name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="inventories_xlsx",
    on_click="ignore",
)

st.subheader(tr("inventories.live_title"))
st.caption(tr("inventories.live_help"))
comparison = loaders.inventory_live_comparison(
    warehouse, allowed, inventory.inventory_id, selection.unit_id, year
)
show_table(
    comparison.assign(module=[module_label(code, tr) for code in comparison["module_code"]])[
        ["module", "published_t_co2e", "live_t_co2e", "difference_t_co2e"]
    ],
    key="inventories_live",
    file_name=f"co2calc_inventory_{inventory.inventory_id}_live_{selection.unit_id}_{year}",
    column_config={
        "module": tr("column.module"),
        "published_t_co2e": st.column_config.NumberColumn(tr("column.published_t_co2e"), format="%.3f"),
        "live_t_co2e": st.column_config.NumberColumn(tr("column.live_t_co2e"), format="%.3f"),
        "difference_t_co2e": st.column_config.NumberColumn(tr("column.difference_t_co2e"), format="%+.3f"),
    },
    tr=tr,
)

st.subheader(tr("inventories.change_title"))
st.caption(tr("inventories.change_help"))
others = [other for other in inventories if other.inventory_id != inventory.inventory_id]
if not others:
    st.info(tr("inventories.no_other", year=year))
    st.stop()
baseline = st.selectbox(
    tr("inventories.compare_with"),
    others,
    format_func=lambda choice: inventory_label(choice, tr),
    key="inventories_baseline",
)
earlier, later = sorted([baseline, inventory], key=lambda chosen: chosen.published_at)
change = loaders.inventory_change(
    warehouse, allowed, earlier.inventory_id, later.inventory_id, selection.unit_id
)
if change.empty:
    st.info(tr("inventories.no_change_rows", unit=selection.unit_label, year=year))
    st.stop()
show_chart(
    change_waterfall(
        change,
        tr("inventories.numbered", inventory_id=earlier.inventory_id),
        tr("inventories.numbered", inventory_id=later.inventory_id),
        tr,
    ),
    key="inventories_change_waterfall",
    summary=change_summary(change, tr),
    tr=tr,
)
show_table(
    change_for_display(change, tr),
    key="inventories_change",
    file_name=f"co2calc_inventory_change_{earlier.inventory_id}_{later.inventory_id}_{selection.unit_id}_{year}",
    column_config={
        "module": tr("column.module"),
        "module_code": None,
        "from_t_co2e": st.column_config.NumberColumn(
            tr("inventories.numbered", inventory_id=earlier.inventory_id), format="%.3f"
        ),
        "to_t_co2e": st.column_config.NumberColumn(
            tr("inventories.numbered", inventory_id=later.inventory_id), format="%.3f"
        ),
        "difference_t_co2e": st.column_config.NumberColumn(tr("column.difference_t_co2e"), format="%+.3f"),
        "activity_effect_t_co2e": st.column_config.NumberColumn(
            tr("inventories.activity_effect_t_co2e"), format="%+.3f"
        ),
        "factor_effect_t_co2e": st.column_config.NumberColumn(
            tr("inventories.factor_effect_t_co2e"), format="%+.3f"
        ),
        "coverage_effect_t_co2e": st.column_config.NumberColumn(
            tr("inventories.coverage_effect_t_co2e"), format="%+.3f"
        ),
    },
    tr=tr,
)
