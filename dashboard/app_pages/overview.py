"""Overview: the headline of the chosen unit and year, its make-up, and its intensity over the years."""

from datetime import UTC, datetime
from functools import partial

import streamlit as st

from config.institution import get_institution_profile
from dashboard.charts import show_chart
from dashboard.components.footprint import (
    footprint_by_module_and_scope,
    intensity_against_per_person_lines,
    intensity_summary,
    largest_category_summary,
    per_person_note,
)
from dashboard.components.headline import (
    CAR_KG_CO2E_PER_KM,
    headline_for_year,
    headline_rows,
    intensity_by_year,
)
from dashboard.data import loaders
from dashboard.report_pdf import UnitReport, report_labels, unit_report_pdf
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
totals = loaders.subtree_totals_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
headcount = loaders.headcount_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
unresolved = loaders.unresolved_by_status(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
headline = headline_for_year(footprint, totals, headcount, selection.reporting_year)
year = selection.reporting_year

st.title(tr("overview.title"))
st.caption(f"{selection.unit_label} · {year}")

total, per_fte, change, car_km = st.columns(4)
total.metric(
    tr("overview.total"),
    tr.number(headline.t_co2e),
    help=tr("overview.total_help"),
)
per_fte.metric(
    tr("overview.per_fte"),
    "—" if headline.t_co2e_per_fte is None else tr.number(headline.t_co2e_per_fte),
    help=tr("overview.per_fte_help"),
)
change.metric(
    tr("overview.change", year=year - 1),
    "—"
    if headline.change_t_co2e is None
    else f"{'+' if headline.change_t_co2e >= 0 else '−'}{tr.number(abs(headline.change_t_co2e))} t",
    delta=None if headline.change_share is None else tr.percent(headline.change_share),
    delta_color="inverse",
)
car_km.metric(
    tr("overview.car_km"),
    f"{tr.number(headline.car_km_equivalent, 0)} km",
    help=tr("overview.car_km_help", kg_per_km=tr.number(CAR_KG_CO2E_PER_KM, 4)),
)

uncertainty, overrides, unresolved_rows, additional = st.columns(4)
uncertainty.metric(
    tr("overview.interval"),
    "—"
    if headline.ci95_low_t_co2e is None
    else f"{tr.number(headline.ci95_low_t_co2e)} – {tr.number(headline.ci95_high_t_co2e)}",
    help=tr("overview.interval_help"),
)
overrides.metric(
    tr("overview.overrides"),
    "—" if headline.override_share is None else tr.percent(headline.override_share),
    help=tr("overview.overrides_help"),
)
unresolved_rows.metric(
    tr("overview.unresolved"),
    tr.number(int(unresolved.loc[unresolved["reporting_year"] == year, "row_count"].sum()), 0),
    help=tr("overview.unresolved_help"),
)
if selection.show_additional_categories:
    additional.metric(
        tr("overview.additional"), tr.number(headline.additional_t_co2e), help=tr("overview.additional_help")
    )
if headline.internal_reallocation_t_co2e > 0:
    st.caption(tr("overview.internal_reallocation", t_co2e=tr.number(headline.internal_reallocation_t_co2e)))

year_rows = footprint[footprint["reporting_year"] == year]
report = UnitReport(
    unit_label=selection.unit_label,
    reporting_year=year,
    build_id=selection.warehouse.build_id,
    headline=headline,
    breakdown=year_rows,
    factor_sets=loaders.factor_sets_in_use(selection.warehouse, year),
    generated_at=datetime.now(UTC),
)
# Built when the button is clicked, not on every run: the PDF took 0.28 s of the page's 0.38 s of script time
# (cProfile of a warm institution overview, scale-1 warehouse), paid by every visit to the page.
st.download_button(
    tr("report.download"),
    data=partial(unit_report_pdf, report, report_labels(tr, year_rows)),
    file_name=f"co2calc_{selection.unit_id}_{year}.pdf",
    mime="application/pdf",
    key="overview_pdf_report",
)

this_year = headline_rows(footprint[footprint["reporting_year"] == year])
if this_year.empty:
    st.info(tr("page.no_footprint", unit=selection.unit_label, year=year))
else:
    st.subheader(tr("overview.by_module_and_scope"))
    show_chart(
        footprint_by_module_and_scope(this_year, tr),
        key="overview_by_module_and_scope",
        summary=largest_category_summary(this_year, tr),
        tr=tr,
    )

st.subheader(tr("overview.per_fte_over_years"))
intensity = intensity_by_year(totals, headcount)
per_person_lines = get_institution_profile().per_person_lines
show_chart(
    intensity_against_per_person_lines(intensity, per_person_lines, tr),
    key="overview_intensity_by_year",
    summary=intensity_summary(intensity, per_person_lines, tr),
    tr=tr,
)
st.caption(per_person_note(per_person_lines, tr))

if selection.show_additional_categories:
    st.subheader(tr("overview.additional_by_category"))
    st.caption(tr("overview.additional_estimates_note"))
    show_table(
        loaders.additional_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id, year),
        key="overview_additional",
        file_name=f"co2calc_additional_{year}",
        column_config={
            "submodule_code": tr("column.category"),
            "t_co2e": st.column_config.NumberColumn(tr("column.t_co2e"), format="%.2f"),
            "not_estimated_unit_count": tr("column.units_not_estimated"),
            "unit_count": tr("column.units"),
        },
        tr=tr,
    )
