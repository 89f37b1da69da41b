"""Figures of the travel page: planes against trains, cabin classes, and a map of the routes."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.i18n import Translator
from dashboard.palette import MODE_COLOURS, PLACE_MARKER_COLOUR

# Measure column and the catalogue key of its title.
MODE_MEASURES = (("t_co2e", "chart.t_co2e"), ("distance_km", "chart.km_travelled"), ("trips", "chart.trips"))


def travel_by_mode(travel: pd.DataFrame, tr: Translator) -> go.Figure:
    """Planes against trains side by side on three measures: emissions, distance, trips."""
    by_mode = travel.groupby("submodule_code", as_index=False)[["t_co2e", "distance_km", "trips"]].sum()
    labels = [tr.submodule("travel", code) for code in by_mode["submodule_code"]]
    colours = [MODE_COLOURS.get(code) for code in by_mode["submodule_code"]]
    titles = [tr(key) for _, key in MODE_MEASURES]
    figure = make_subplots(rows=1, cols=len(MODE_MEASURES), subplot_titles=titles)
    for column, ((measure, _), title) in enumerate(zip(MODE_MEASURES, titles, strict=True), start=1):
        figure.add_trace(
            go.Bar(
                name=title,
                x=labels,
                y=by_mode[measure],
                marker_color=colours,
                showlegend=False,
                hovertemplate="%{x}: %{y:,.0f} " + title + "<extra></extra>",
            ),
            row=1,
            col=column,
        )
    return figure


def travel_by_cabin_class(travel: pd.DataFrame, tr: Translator) -> go.Figure:
    """t CO2e per cabin class, one trace per mode (planes and trains have different classes)."""
    figure = go.Figure()
    for submodule_code, rows in travel.groupby("submodule_code", sort=True):
        by_class = rows.groupby("cabin_class", as_index=False)["t_co2e"].sum()
        figure.add_trace(
            go.Bar(
                name=tr.submodule("travel", submodule_code),
                x=[tr.label("cabin_class", cabin_class) for cabin_class in by_class["cabin_class"]],
                y=by_class["t_co2e"],
                marker_color=MODE_COLOURS.get(submodule_code),
                hovertemplate="%{x}: %{y:,.2f} t CO2e<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        xaxis_title=tr("chart.cabin_class"), yaxis_title="t CO2e", legend_title=tr("chart.mode")
    )
    return figure


def cabin_class_summary(travel: pd.DataFrame, tr: Translator) -> str:
    by_class = travel.groupby(["submodule_code", "cabin_class"], as_index=False)["t_co2e"].sum()
    parts = [
        f"{tr.submodule('travel', row.submodule_code)}, {tr.label('cabin_class', row.cabin_class)}: "
        f"{tr.number(row.t_co2e)} t"
        for row in by_class.sort_values("t_co2e", ascending=False).itertuples(index=False)
    ]
    return tr("summary.cabin_classes", values="; ".join(parts))


# plotly.js fetches country outlines from its CDN unless told otherwise; the dashboard serves them itself
# (dashboard/static/, Streamlit's static serving), so the map draws on networks without internet.
ROUTE_MAP_CONFIG = {"topojsonURL": "/app/static/"}


def route_map(routes: pd.DataFrame, tr: Translator) -> go.Figure:
    """Routes as great-circle lines, one trace per mode, and the places they join as markers.

    A route is two points followed by a gap (None), so a thousand routes stay one trace per mode
    instead of a thousand traces.
    """
    figure = go.Figure()
    for submodule_code, rows in routes.groupby("submodule_code", sort=True):
        latitudes: list[float | None] = []
        longitudes: list[float | None] = []
        hover: list[str | None] = []
        for route in rows.itertuples(index=False):
            text = f"{route.origin_name} → {route.destination_name}<br>" + tr(
                "chart.route_hover", trips=tr.number(route.trips, 0), t_co2e=tr.number(route.t_co2e)
            )
            latitudes += [route.origin_latitude_deg, route.destination_latitude_deg, None]
            longitudes += [route.origin_longitude_deg, route.destination_longitude_deg, None]
            hover += [text, text, None]
        figure.add_trace(
            go.Scattergeo(
                name=tr.submodule("travel", submodule_code),
                lat=latitudes,
                lon=longitudes,
                mode="lines",
                line={"width": 1.5, "color": MODE_COLOURS.get(submodule_code)},
                hovertext=hover,
                hoverinfo="text",
            )
        )
    places = pd.concat(
        [
            routes[["origin_name", "origin_latitude_deg", "origin_longitude_deg"]].set_axis(
                ["name", "latitude_deg", "longitude_deg"], axis=1
            ),
            routes[["destination_name", "destination_latitude_deg", "destination_longitude_deg"]].set_axis(
                ["name", "latitude_deg", "longitude_deg"], axis=1
            ),
        ]
    ).drop_duplicates()
    figure.add_trace(
        go.Scattergeo(
            name=tr("chart.places"),
            lat=places["latitude_deg"],
            lon=places["longitude_deg"],
            text=places["name"],
            mode="markers",
            marker={"size": 5, "color": PLACE_MARKER_COLOUR},
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.update_geos(projection_type="natural earth", showcountries=True, fitbounds="locations")
    figure.update_layout(margin={"t": 10, "l": 10, "r": 10, "b": 10})
    return figure
