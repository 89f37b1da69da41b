"""Overview: the headline of the chosen unit and year, its make-up, and its intensity over the years."""

import streamlit as st

from dashboard.components.footprint import footprint_by_module_and_scope, intensity_against_reference
from dashboard.components.headline import (
    CAR_KG_CO2E_PER_KM,
    PERSON_REFERENCE_NOTE,
    format_t_co2e,
    headline_for_year,
    intensity_by_year,
)
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
headcount = loaders.headcount_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
headline = headline_for_year(footprint, headcount, selection.reporting_year)

st.title("Overview")
st.caption(f"{selection.unit_label} · {selection.reporting_year}")

total, per_fte, car_km, overrides = st.columns(4)
total.metric(
    "Total (t CO2e)",
    format_t_co2e(headline.t_co2e),
    delta=None
    if headline.change_t_co2e is None
    else f"{headline.change_t_co2e:+,.2f} t vs {selection.reporting_year - 1}",
    delta_color="inverse",
)
per_fte.metric(
    "Per FTE (t CO2e)",
    "—" if headline.t_co2e_per_fte is None else format_t_co2e(headline.t_co2e_per_fte),
    help="Σ t CO2e over Σ FTE of every unit in the selection; empty when there is no FTE.",
)
car_km.metric(
    "Car-km equivalent",
    f"{headline.car_km_equivalent:,.0f} km",
    help=f"Total kg CO2e divided by {CAR_KG_CO2E_PER_KM} kg CO2e per km of an average car.",
)
overrides.metric(
    "From declared values",
    "—" if headline.override_share is None else f"{headline.override_share:.1%}",
    help="Share of the total taken verbatim from a declared kg CO2e (e.g. the travel agency's value).",
)

this_year = footprint[footprint["reporting_year"] == selection.reporting_year]
if this_year.empty:
    st.info(f"No footprint for {selection.unit_label} in {selection.reporting_year}.")
else:
    st.subheader("By module and GHG scope")
    st.plotly_chart(footprint_by_module_and_scope(this_year), key="overview_by_module_and_scope")

st.subheader("Per FTE over the years")
st.plotly_chart(
    intensity_against_reference(intensity_by_year(footprint, headcount)), key="overview_intensity_by_year"
)
st.caption(PERSON_REFERENCE_NOTE)

additional = loaders.additional_by_year(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, selection.reporting_year
)
with st.expander("Additional categories (not in the totals above)"):
    st.caption(
        "Commuting, food and waste are estimated from institution-wide averages per FTE: they say nothing about "
        "a unit's own behaviour and are left out of the totals, the per-FTE figures and the targets. "
        "Empty = not estimated (no intensity or no factor), not zero."
    )
    show_table(
        additional,
        key="overview_additional",
        file_name=f"co2calc_additional_{selection.reporting_year}",
        column_config={
            "submodule_code": "category",
            "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
            "not_estimated_unit_count": "units not estimated",
            "unit_count": "units",
        },
    )

st.subheader("Factor sets used")
factor_sets = loaders.factor_sets_in_use(selection.warehouse, selection.reporting_year)
show_table(
    factor_sets.drop(columns="factor_set_id"),
    key="overview_factor_sets",
    file_name=f"co2calc_factor_sets_{selection.reporting_year}",
    column_config={
        "module_code": "module",
        "submodule_code": "submodule",
        "factor_set_name": "factor set",
        "publication_year": st.column_config.NumberColumn("published", format="%d"),
    },
)
