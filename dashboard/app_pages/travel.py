"""Travel: planes against trains, cabin classes, and the routes that weigh most."""

import streamlit as st

from dashboard.components.headline import format_t_co2e
from dashboard.components.travel import ROUTE_MAP_CONFIG, route_map, travel_by_cabin_class, travel_by_mode
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
travel = loaders.travel_by_cabin_class(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, selection.reporting_year
)

st.title("Travel")
st.caption(f"{selection.unit_label} · {selection.reporting_year}")

if travel.empty:
    st.info(f"No professional travel for {selection.unit_label} in {selection.reporting_year}.")
    st.stop()

plane, train = (travel[travel["submodule_code"] == code] for code in ("plane", "train"))
plane_column, train_column = st.columns(2)
plane_column.metric("Planes (t CO2e)", format_t_co2e(plane["t_co2e"].sum()))
plane_column.caption(f"{plane['trips'].sum():,} trips · {plane['distance_km'].sum():,.0f} km")
train_column.metric("Trains (t CO2e)", format_t_co2e(train["t_co2e"].sum()))
train_column.caption(f"{train['trips'].sum():,} trips · {train['distance_km'].sum():,.0f} km")

st.subheader("Planes and trains")
st.plotly_chart(travel_by_mode(travel), key="travel_by_mode")

st.subheader("By cabin class")
st.plotly_chart(travel_by_cabin_class(travel), key="travel_by_cabin_class")

st.subheader("Routes")
route_limit = st.slider(
    "Routes shown", min_value=10, max_value=200, value=50, step=10, key="travel_route_limit"
)
routes = loaders.top_travel_routes(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, selection.reporting_year, route_limit
)
st.caption(f"The {len(routes)} routes with the highest emissions, both directions counted separately.")
st.plotly_chart(route_map(routes), key="travel_route_map", config=ROUTE_MAP_CONFIG)
show_table(
    routes[["submodule_code", "origin_name", "destination_name", "trips", "distance_km", "t_co2e"]],
    key="travel_routes_table",
    file_name=f"co2calc_travel_routes_{selection.unit_id}_{selection.reporting_year}",
    column_config={
        "submodule_code": "mode",
        "origin_name": "from",
        "destination_name": "to",
        "distance_km": st.column_config.NumberColumn("km", format="%.0f"),
        "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
    },
)
