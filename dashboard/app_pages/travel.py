"""Travel: planes against trains, cabin classes, and the routes that weigh most."""

import streamlit as st

from dashboard.charts import show_chart
from dashboard.components.travel import (
    ROUTE_MAP_CONFIG,
    cabin_class_summary,
    route_map,
    travel_by_cabin_class,
    travel_by_mode,
)
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
year = selection.reporting_year
travel = loaders.travel_by_cabin_class(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, year
)

st.title(tr("travel.title"))
st.caption(f"{selection.unit_label} · {year}")

if travel.empty:
    st.info(tr("travel.no_travel", unit=selection.unit_label, year=year))
    st.stop()

plane, train = (travel[travel["submodule_code"] == code] for code in ("plane", "train"))
plane_column, train_column = st.columns(2)
for column, rows, label_key in (
    (plane_column, plane, "travel.planes"),
    (train_column, train, "travel.trains"),
):
    column.metric(tr(label_key), tr.number(rows["t_co2e"].sum()))
    column.caption(
        tr(
            "travel.trips_and_km",
            trips=tr.number(int(rows["trips"].sum()), 0),
            distance_km=tr.number(rows["distance_km"].sum(), 0),
        )
    )

st.subheader(tr("travel.planes_and_trains"))
show_chart(
    travel_by_mode(travel, tr),
    key="travel_by_mode",
    summary=tr(
        "summary.modes",
        planes=tr.number(plane["t_co2e"].sum()),
        trains=tr.number(train["t_co2e"].sum()),
    ),
    tr=tr,
)

st.subheader(tr("travel.by_cabin_class"))
show_chart(
    travel_by_cabin_class(travel, tr),
    key="travel_by_cabin_class",
    summary=cabin_class_summary(travel, tr),
    tr=tr,
)

st.subheader(tr("travel.routes"))
route_limit = st.slider(
    tr("travel.routes_shown"), min_value=10, max_value=200, value=50, step=10, key="travel_route_limit"
)
routes = loaders.top_travel_routes(
    selection.warehouse, selection.allowed_unit_ids, selection.unit_id, year, route_limit
)
if routes.empty:
    # Travel without routes: the year's travel detail was purged (ingest/retention.py), only its totals are kept.
    st.info(tr("travel.no_routes", year=year))
    st.stop()
st.caption(tr("travel.routes_caption", count=len(routes)))
show_chart(
    route_map(routes, tr),
    key="travel_route_map",
    summary=tr("summary.route_map_table"),
    tr=tr,
    config=ROUTE_MAP_CONFIG,
)
show_table(
    routes[["submodule_code", "origin_name", "destination_name", "trips", "distance_km", "t_co2e"]],
    key="travel_routes_table",
    file_name=f"co2calc_travel_routes_{selection.unit_id}_{year}",
    column_config={
        "submodule_code": tr("column.mode"),
        "origin_name": tr("column.from"),
        "destination_name": tr("column.to"),
        "trips": tr("chart.trips"),
        "distance_km": st.column_config.NumberColumn("km", format="%.0f"),
        "t_co2e": st.column_config.NumberColumn("t CO2e", format="%.2f"),
    },
    tr=tr,
)
