"""Figures of the units page, from the `unit_totals` frame (one row per unit of a subtree)."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.headline import t_co2e_per_fte
from dashboard.i18n import Translator
from dashboard.palette import HIGHLIGHT_COLOUR, REFERENCE_COLOUR, series_colour

LAB_LEVEL = 4


def with_intensity(unit_totals: pd.DataFrame) -> pd.DataFrame:
    """Add `t_co2e_per_fte`: each unit's Σ t over Σ FTE of its subtree, never a mean of lab ratios."""
    ratios = [
        t_co2e_per_fte(t, fte) for t, fte in zip(unit_totals["t_co2e"], unit_totals["fte"], strict=True)
    ]
    return unit_totals.assign(t_co2e_per_fte=pd.array(ratios, dtype="Float64"))


def unit_hierarchy_sunburst(unit_totals: pd.DataFrame) -> go.Figure:
    """School → institute → lab drill-down: click a ring to zoom into that unit.

    Only labs carry a value and parents add their children ("remainder"): summing the subtree
    again in the figure would differ from the SQL sum in the last bit and make plotly refuse
    a parent smaller than its children, which "total" requires.
    """
    known = set(unit_totals["unit_id"])
    parents = [parent if parent in known else "" for parent in unit_totals["parent_unit_id"]]
    lab_values = unit_totals["t_co2e"].where(unit_totals["unit_level"] == LAB_LEVEL, 0.0)
    figure = go.Figure(
        go.Sunburst(
            ids=unit_totals["unit_id"],
            labels=unit_totals["unit_code"],
            parents=parents,
            values=lab_values,
            branchvalues="remainder",
            customdata=unit_totals[["unit_name", "t_co2e"]],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]:,.2f} t CO2e<extra>%{label}</extra>",
        )
    )
    figure.update_layout(margin={"t": 10, "l": 10, "r": 10, "b": 10})
    return figure


def ranked_labs(unit_totals: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The `top_n` labs with staff and the highest t CO2e per FTE, highest first."""
    labs = with_intensity(unit_totals[unit_totals["unit_level"] == LAB_LEVEL])
    return labs.dropna(subset=["t_co2e_per_fte"]).nlargest(top_n, "t_co2e_per_fte")


def lab_ranking_per_fte(
    unit_totals: pd.DataFrame, top_n: int, reference_t_co2e_per_person: float, tr: Translator
) -> go.Figure:
    """The `top_n` labs with the highest t CO2e per FTE, highest on top, against the ranking reference line."""
    ranked = ranked_labs(unit_totals, top_n).iloc[::-1]
    figure = go.Figure(
        go.Bar(
            name=tr("chart.t_co2e_per_fte"),
            orientation="h",
            x=ranked["t_co2e_per_fte"],
            y=ranked["unit_code"],
            marker_color=series_colour(0),
            customdata=ranked[["unit_name", "t_co2e", "fte"]],
            hovertemplate=(
                "%{customdata[0]}<br>%{x:,.2f} t CO2e / FTE"
                "<br>%{customdata[1]:,.2f} t CO2e, %{customdata[2]:,.1f} FTE<extra></extra>"
            ),
        )
    )
    figure.add_vline(x=reference_t_co2e_per_person, line_dash="dash", line_color=REFERENCE_COLOUR)
    widest = max([reference_t_co2e_per_person, *ranked["t_co2e_per_fte"]])
    figure.update_layout(
        xaxis={"title": tr("chart.t_co2e_per_fte"), "range": [0, 1.05 * widest]},
        yaxis={"title": None, "type": "category"},
        height=max(300, 24 * len(ranked) + 120),
    )
    return figure


def ranking_summary(
    unit_totals: pd.DataFrame, top_n: int, reference_t_co2e_per_person: float, tr: Translator
) -> str:
    ranked = ranked_labs(unit_totals, top_n)
    if ranked.empty:
        return tr("summary.no_fte")
    top = ranked.iloc[0]
    above = int((ranked["t_co2e_per_fte"] > reference_t_co2e_per_person).sum())
    return tr(
        "summary.ranking",
        count=len(ranked),
        unit=f"{top['unit_code']} · {top['unit_name']}",
        t_co2e_per_fte=tr.number(float(top["t_co2e_per_fte"])),
        above=above,
        reference=tr.number(reference_t_co2e_per_person, 1),
    )


def unit_comparison(
    compared: pd.DataFrame, school_median: float | None, reference_t_co2e_per_person: float, tr: Translator
) -> go.Figure:
    """The compared units side by side per FTE, with the school median as a reference line."""
    figure = go.Figure(
        go.Bar(
            x=compared["unit_code"],
            y=compared["t_co2e_per_fte"],
            marker_color=[series_colour(position) for position in range(len(compared))],
            customdata=compared[["unit_name", "t_co2e", "fte"]],
            hovertemplate=(
                "%{customdata[0]}<br>%{y:,.2f} t CO2e / FTE"
                "<br>%{customdata[1]:,.2f} t CO2e, %{customdata[2]:,.1f} FTE<extra></extra>"
            ),
        )
    )
    if school_median is not None:
        figure.add_hline(
            y=school_median,
            line_dash="dot",
            line_color=HIGHLIGHT_COLOUR,
            annotation_text=tr("chart.school_median"),
        )
    figure.add_hline(y=reference_t_co2e_per_person, line_dash="dash", line_color=REFERENCE_COLOUR)
    figure.update_layout(
        xaxis={"title": None, "type": "category"},
        yaxis_title=tr("chart.t_co2e_per_fte"),
    )
    return figure
