"""Figures of the travel page: planes against trains, cabin classes, and a map of the routes."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

MODE_LABELS = {"plane": "Plane", "train": "Train"}
MODE_COLOURS = {"plane": "#1f77b4", "train": "#2ca02c"}
MODE_MEASURES = (("t_co2e", "t CO2e"), ("distance_km", "km travelled"), ("trips", "trips"))


def _mode_label(submodule_code: str) -> str:
    return MODE_LABELS.get(submodule_code, submodule_code)


def travel_by_mode(travel: pd.DataFrame) -> go.Figure:
    """Planes against trains side by side on three measures: emissions, distance, trips."""
    by_mode = travel.groupby("submodule_code", as_index=False)[["t_co2e", "distance_km", "trips"]].sum()
    labels = [_mode_label(code) for code in by_mode["submodule_code"]]
    colours = [MODE_COLOURS.get(code) for code in by_mode["submodule_code"]]
    figure = make_subplots(rows=1, cols=len(MODE_MEASURES), subplot_titles=[t for _, t in MODE_MEASURES])
    for column, (measure, title) in enumerate(MODE_MEASURES, start=1):
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


def travel_by_cabin_class(travel: pd.DataFrame) -> go.Figure:
    """t CO2e per cabin class, one trace per mode (planes and trains have different classes)."""
    figure = go.Figure()
    for submodule_code, rows in travel.groupby("submodule_code", sort=True):
        by_class = rows.groupby("cabin_class", as_index=False)["t_co2e"].sum()
        figure.add_trace(
            go.Bar(
                name=_mode_label(submodule_code),
                x=by_class["cabin_class"],
                y=by_class["t_co2e"],
                marker_color=MODE_COLOURS.get(submodule_code),
                hovertemplate="%{x}: %{y:,.2f} t CO2e<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(xaxis_title="cabin class", yaxis_title="t CO2e", legend_title="mode")
    return figure


# plotly.js fetches country outlines from its CDN unless told otherwise; the dashboard serves them itself
# (dashboard/static/, Streamlit's static serving), so the map draws on networks without internet.
ROUTE_MAP_CONFIG = {"topojsonURL": "/app/static/"}


def route_map(routes: pd.DataFrame) -> go.Figure:
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
            text = (
                f"{route.origin_name} → {route.destination_name}<br>"
                f"{route.trips:,} trips, {route.t_co2e:,.2f} t CO2e"
            )
            latitudes += [route.origin_latitude_deg, route.destination_latitude_deg, None]
            longitudes += [route.origin_longitude_deg, route.destination_longitude_deg, None]
            hover += [text, text, None]
        figure.add_trace(
            go.Scattergeo(
                name=_mode_label(submodule_code),
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
            name="places",
            lat=places["latitude_deg"],
            lon=places["longitude_deg"],
            text=places["name"],
            mode="markers",
            marker={"size": 5, "color": "#444"},
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.update_geos(projection_type="natural earth", showcountries=True, fitbounds="locations")
    figure.update_layout(margin={"t": 10, "l": 10, "r": 10, "b": 10})
    return figure
