"""Figures of the overview page, each a pure function of a loader's DataFrame."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.headline import PERSON_REFERENCE_T_CO2E

SCOPE_COLOURS = {1: "#8c564b", 2: "#ff7f0e", 3: "#1f77b4"}


def footprint_by_module_and_scope(footprint: pd.DataFrame) -> go.Figure:
    """Stacked bars, one per module / submodule, one trace per GHG scope present."""
    frame = footprint.assign(category=footprint["module_code"] + " / " + footprint["submodule_code"])
    by_category = frame.groupby(["category", "ghg_scope"], as_index=False)["t_co2e"].sum()
    category_order = (
        by_category.groupby("category")["t_co2e"].sum().sort_values(ascending=False).index.tolist()
    )
    figure = go.Figure()
    for ghg_scope in sorted(by_category["ghg_scope"].unique()):
        scope_rows = by_category[by_category["ghg_scope"] == ghg_scope]
        figure.add_trace(
            go.Bar(
                name=f"Scope {ghg_scope}",
                x=scope_rows["category"],
                y=scope_rows["t_co2e"],
                marker_color=SCOPE_COLOURS.get(int(ghg_scope)),
                hovertemplate="%{x}<br>%{y:,.2f} t CO2e<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        xaxis={"categoryorder": "array", "categoryarray": category_order, "title": "module / submodule"},
        yaxis_title="t CO2e",
        legend_title="GHG scope",
        showlegend=True,
    )
    return figure


def intensity_against_reference(intensity: pd.DataFrame) -> go.Figure:
    """t CO2e per FTE per year, with the 2 t per person reference drawn as its own trace."""
    years = intensity.dropna(subset=["t_co2e_per_fte"])
    year_labels = years["reporting_year"].astype(str)
    figure = go.Figure(
        [
            go.Bar(
                name="t CO2e per FTE",
                x=year_labels,
                y=years["t_co2e_per_fte"],
                hovertemplate="%{x}: %{y:,.2f} t CO2e per FTE<extra></extra>",
            ),
            go.Scatter(
                name=f"{PERSON_REFERENCE_T_CO2E:g} t per person (convention)",
                x=year_labels,
                y=[PERSON_REFERENCE_T_CO2E] * len(years),
                mode="lines+markers",
                line={"dash": "dash", "color": "#d62728"},
            ),
        ]
    )
    # Years as categories: plotly would otherwise read "2024" as a number and tick 2,024.5.
    figure.update_layout(xaxis={"title": "reporting year", "type": "category"}, yaxis_title="t CO2e per FTE")
    return figure
